//! Fuzz target `request_information_response`: see `idenfy_fuzz::checks::request_information_response`.
#![no_main]

use idenfy_fuzz::checks;

libfuzzer_sys::fuzz_target!(|input: (u16, &[u8])| checks::request_information_response(input));
