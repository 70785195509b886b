//! Fuzz target `webhook_headers`: see `idenfy_fuzz::checks::webhook_headers`.
#![no_main]

use idenfy_fuzz::checks;

libfuzzer_sys::fuzz_target!(|input: &[u8]| checks::webhook_headers(input));
