//! Any bytes, any status: parsing a `/api/v2/files` answer returns a value or a typed error, never
//! panics; for a success, plain serde into `FileUrls` agrees with the parse function (R7).
#![no_main]

use idenfy_proto::{FileUrls, FilesRequest};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (u16, &[u8])| {
    let (status, body) = input;
    if let Ok(request) = FilesRequest::new("fuzz") {
        idenfy_fuzz::parse_and_compare(&request, status, body, FileUrls::fallbacks);
    }
});
