//! Any bytes, any status, any `Content-Type`: parsing a `/api/v2/generate-pdf` answer returns a
//! PDF or a typed error, never panics; what it returns is a PDF document, and an error never
//! quotes the body.
#![no_main]

use idenfy_proto::{Endpoint, Error, PdfRequest, http};
use libfuzzer_sys::fuzz_target;

/// `Content-Type` values to try.
const CONTENT_TYPES: &[Option<&str>] = &[
    None,
    Some("application/pdf"),
    Some("application/json"),
    Some("text/html; charset=utf-8"),
];

fuzz_target!(|input: (u16, u8, &[u8])| {
    let (status, selector, body) = input;
    let Ok(status) = http::StatusCode::from_u16(100 + status % 500) else {
        return;
    };
    let Ok(request) = PdfRequest::new("fuzz") else {
        return;
    };
    let mut builder = http::Response::builder().status(status);
    if let Some(content_type) = CONTENT_TYPES[usize::from(selector) % CONTENT_TYPES.len()] {
        builder = builder.header(http::header::CONTENT_TYPE, content_type);
    }
    let Ok(response) = builder.body(body) else {
        return;
    };
    match request.parse(response) {
        Ok(pdf) => {
            assert!(status.is_success());
            let bytes = pdf.as_bytes();
            let start = bytes
                .strip_prefix(b"\xEF\xBB\xBF")
                .unwrap_or(bytes)
                .trim_ascii_start();
            assert!(start.starts_with(b"%PDF-"), "not a PDF");
            let _ = format!("{pdf:?}");
        }
        Err(Error::Decode(err)) => {
            // The message names lengths and types, never the body's bytes.
            if body.len() >= 16
                && let Ok(text) = std::str::from_utf8(body)
            {
                assert!(!err.to_string().contains(text), "the body was quoted");
            }
        }
        Err(_) => {}
    }
});
