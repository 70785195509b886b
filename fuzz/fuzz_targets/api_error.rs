//! Fuzz target `api_error`: see `idenfy_fuzz::checks::api_error`.
#![no_main]

use idenfy_fuzz::checks;

libfuzzer_sys::fuzz_target!(|input: (u16, &[u8])| checks::api_error(input));
