//! Fuzz target `cli_flags`: see `idenfy_fuzz::checks::cli_flags`.
#![no_main]

use idenfy_fuzz::checks;

libfuzzer_sys::fuzz_target!(|input: (u8, &[u8])| checks::cli_flags(input));
