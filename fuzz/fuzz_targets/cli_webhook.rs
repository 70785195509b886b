//! Fuzz target `cli_webhook`: see `idenfy_fuzz::checks::cli_webhook`.
#![no_main]

use idenfy_fuzz::checks;

libfuzzer_sys::fuzz_target!(|input: (u8, &[u8])| checks::cli_webhook(input));
