//! Fuzz target `video_call_response`: see `idenfy_fuzz::checks::video_call_response`.
#![no_main]

use idenfy_fuzz::checks;

libfuzzer_sys::fuzz_target!(|input: (u16, u8, &[u8])| checks::video_call_response(input));
