//! Fuzz target `identifications_response`: see `idenfy_fuzz::checks::identifications_response`.
#![no_main]

use idenfy_fuzz::checks;

libfuzzer_sys::fuzz_target!(|input: (u16, &[u8])| checks::identifications_response(input));
