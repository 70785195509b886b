//! Fuzz target `request_builders`: see `idenfy_fuzz::checks::request_builders`.
#![no_main]

use idenfy_fuzz::checks;

libfuzzer_sys::fuzz_target!(|input: checks::BuilderInput| checks::request_builders(input));
