//! Fuzz target `full_status_response`: see `idenfy_fuzz::checks::full_status_response`.
#![no_main]

use idenfy_fuzz::checks;

libfuzzer_sys::fuzz_target!(|input: (u16, &[u8])| checks::full_status_response(input));
