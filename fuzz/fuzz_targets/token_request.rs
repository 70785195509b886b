//! Fuzz target `token_request`: see `idenfy_fuzz::checks::token_request`.
#![no_main]

use idenfy_fuzz::checks;

libfuzzer_sys::fuzz_target!(|input: checks::TokenFields| checks::token_request(input));
