//! Fuzz target `delete_response`: see `idenfy_fuzz::checks::delete_response`.
#![no_main]

use idenfy_fuzz::checks;

libfuzzer_sys::fuzz_target!(|input: (u16, &[u8])| checks::delete_response(input));
