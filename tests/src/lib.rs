//! Cross-crate tests of idenfy-rs; the tests live in `tests/`.
