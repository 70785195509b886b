//! Fuzz target `status_response`: see `idenfy_fuzz::checks::status_response`.
#![no_main]

use idenfy_fuzz::checks;

libfuzzer_sys::fuzz_target!(|input: (u16, &[u8])| checks::status_response(input));
