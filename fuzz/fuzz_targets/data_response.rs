//! Any bytes, any status: parsing a `/api/v2/data` answer returns a value or a typed error, never
//! panics; for a success, plain serde into `DataResponse` agrees with the parse function (R7).
#![no_main]

use idenfy_proto::{DataRequest, DataResponse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (u16, &[u8])| {
    let (status, body) = input;
    if let Ok(request) = DataRequest::new("fuzz") {
        idenfy_fuzz::parse_and_compare(&request, status, body, DataResponse::fallbacks);
    }
});
