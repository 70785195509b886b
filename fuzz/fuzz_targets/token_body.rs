//! Fuzz target `token_body`: see `idenfy_fuzz::checks::token_body`.
#![no_main]

use idenfy_fuzz::checks;

libfuzzer_sys::fuzz_target!(|input: &[u8]| checks::token_body(input));
