//! Fuzz target `files_response`: see `idenfy_fuzz::checks::files_response`.
#![no_main]

use idenfy_fuzz::checks;

libfuzzer_sys::fuzz_target!(|input: (u16, &[u8])| checks::files_response(input));
