//! Fuzz target `token_response`: see `idenfy_fuzz::checks::token_response`.
#![no_main]

use idenfy_fuzz::checks;

libfuzzer_sys::fuzz_target!(|input: (u16, &[u8])| checks::token_response(input));
