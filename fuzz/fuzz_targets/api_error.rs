//! Any error body: building an `ApiError` and printing it never panics.
#![no_main]

use idenfy_proto::{ApiError, http};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    let error = ApiError::from_response(http::StatusCode::BAD_REQUEST, body);
    let _ = error.to_string();
    let _ = format!("{error:?}");
});
