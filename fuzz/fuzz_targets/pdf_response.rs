//! Fuzz target `pdf_response`: see `idenfy_fuzz::checks::pdf_response`.
#![no_main]

use idenfy_fuzz::checks;

libfuzzer_sys::fuzz_target!(|input: (u16, u8, &[u8])| checks::pdf_response(input));
