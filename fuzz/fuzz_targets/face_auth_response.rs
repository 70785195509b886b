//! Fuzz target `face_auth_response`: see `idenfy_fuzz::checks::face_auth_response`.
#![no_main]

use idenfy_fuzz::checks;

libfuzzer_sys::fuzz_target!(|input: (u16, u8, &[u8])| checks::face_auth_response(input));
