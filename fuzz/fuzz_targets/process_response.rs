//! Fuzz target `process_response`: see `idenfy_fuzz::checks::process_response`.
#![no_main]

use idenfy_fuzz::checks;

libfuzzer_sys::fuzz_target!(|input: (u16, &[u8])| checks::process_response(input));
