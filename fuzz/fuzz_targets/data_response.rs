//! Fuzz target `data_response`: see `idenfy_fuzz::checks::data_response`.
#![no_main]

use idenfy_fuzz::checks;

libfuzzer_sys::fuzz_target!(|input: (u16, &[u8])| checks::data_response(input));
