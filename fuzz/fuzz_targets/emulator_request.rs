//! Fuzz target `emulator_request`: see `idenfy_fuzz::checks::emulator_request`.
#![no_main]

use idenfy_fuzz::checks;

libfuzzer_sys::fuzz_target!(|input: &[u8]| checks::emulator_request(input));
