//! The fuzz targets' checks (see `checks`): each target in `fuzz_targets/` hands libFuzzer's
//! input to the function of its name, and the main workspace's test
//! `tests/tests/fuzz_regressions.rs` replays the committed seeds and crash inputs through the
//! same functions.
#![forbid(unsafe_code)]

pub mod checks;
