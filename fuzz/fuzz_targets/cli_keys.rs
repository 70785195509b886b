//! Fuzz target `cli_keys`: see `idenfy_fuzz::checks::cli_keys`.
#![no_main]

use idenfy_fuzz::checks;

libfuzzer_sys::fuzz_target!(|input: &[u8]| checks::cli_keys(input));
