//! Fuzz target `request_bodies`: see `idenfy_fuzz::checks::request_bodies`.
#![no_main]

use idenfy_fuzz::checks;

libfuzzer_sys::fuzz_target!(|input: (u8, &[u8])| checks::request_bodies(input));
