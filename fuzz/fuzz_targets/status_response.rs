//! Any bytes, any status: parsing a `/api/v2/status` answer returns a value or a typed error, never
//! panics; for a success, plain serde into `StatusResponse` agrees with the parse function (R7).
#![no_main]

use idenfy_proto::{Endpoint, Error, StatusRequest, StatusResponse, http};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (u16, &[u8])| {
    let (status, body) = input;
    let Ok(status) = http::StatusCode::from_u16(100 + status % 500) else {
        return;
    };
    let Ok(request) = StatusRequest::new("fuzz") else {
        return;
    };
    let mut response = http::Response::new(body);
    *response.status_mut() = status;
    let parsed = request.parse(response);
    if let Ok(value) = &parsed {
        let _ = format!("{value:?}");
        let _ = value.fallbacks();
    }
    if status.is_success() {
        let plain = serde_json::from_slice::<StatusResponse>(body);
        match (&parsed, &plain) {
            (Ok(value), Ok(plain)) => {
                assert_eq!(
                    serde_json::to_value(value).ok(),
                    serde_json::to_value(plain).ok()
                );
            }
            (Err(Error::Decode(_)), Err(_)) => {}
            _ => panic!(
                "parse and serde disagree: {:?} / {:?}",
                parsed.is_ok(),
                plain.is_ok()
            ),
        }
    }
});
