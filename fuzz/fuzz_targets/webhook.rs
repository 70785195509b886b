//! Fuzz target `webhook`: see `idenfy_fuzz::checks::webhook`.
#![no_main]

use idenfy_fuzz::checks;

libfuzzer_sys::fuzz_target!(|input: (u8, &[u8])| checks::webhook(input));
