#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The core client's methods for the endpoints that take a `scanRef` — status, data, files,
//! delete, generate-pdf (R5, R6) — driven by closure transports. How those requests are built
//! and validated and how their answers are read is tested in idenfy-proto
//! (`crates/idenfy-proto/tests/retrieval.rs`), whose fixtures these transports answer with.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use idenfy::http::header::CONTENT_TYPE;
use idenfy::http::{Request, Response};
use idenfy::{Client, TransportError};
use idenfy_proto::{Config, Credentials, DecodeErrorKind, ErrorIdentifier, OverallStatus};
use serde_json::{Value, json};

const STATUS_ALL_FIELDS: &[u8] =
    include_bytes!("../../crates/idenfy-proto/tests/fixtures/retrieval/status_all_fields.json");
const DATA_ALL_FIELDS: &[u8] =
    include_bytes!("../../crates/idenfy-proto/tests/fixtures/retrieval/data_all_fields.json");
const FILES_WITH_NULLS: &[u8] =
    include_bytes!("../../crates/idenfy-proto/tests/fixtures/retrieval/files_with_nulls.json");
const DELETE_NOT_EXPIRED: &[u8] =
    include_bytes!("../../crates/idenfy-proto/tests/fixtures/retrieval/delete_not_expired.json");
/// The smallest valid PDF; it lives in the conformance kit, which ships it for its own cases.
const MINIMAL_PDF: &[u8] = include_bytes!("../../crates/idenfy-conformance/src/minimal.pdf");
const NOT_A_PDF: &[u8] =
    include_bytes!("../../crates/idenfy-proto/tests/fixtures/retrieval/not_a_pdf.html");

const SCAN_REF: &str = "e2b7c4d1-9a3f-4e8b-b6c5-1d0e9f8a7b6c";
const API_KEY: &str = "partner-key-3390";
const API_SECRET: &str = "Ret1eval-S3cret!";

fn config() -> Config {
    Config::new(Credentials::new(API_KEY, API_SECRET).unwrap())
}

/// What the fake transports answer.
type Reply = std::future::Ready<Result<Response<Vec<u8>>, TransportError>>;

/// A transport playing iDenfy for the retrieval endpoints; it records each path it receives.
fn fake_idenfy(seen: Arc<Mutex<Vec<(String, Value)>>>) -> impl Fn(Request<Vec<u8>>) -> Reply {
    move |request: Request<Vec<u8>>| {
        let path = request.uri().path().to_owned();
        let body: Value = serde_json::from_slice(request.body()).unwrap();
        seen.lock().unwrap().push((path.clone(), body));
        let (status, content_type, body): (u16, &str, Vec<u8>) = match path.as_str() {
            "/api/v2/status" => (200, "application/json", STATUS_ALL_FIELDS.to_vec()),
            "/api/v2/data" => (200, "application/json", DATA_ALL_FIELDS.to_vec()),
            "/api/v2/files" => (200, "application/json", FILES_WITH_NULLS.to_vec()),
            "/api/v2/delete" => (200, "application/json", Vec::new()),
            "/api/v2/generate-pdf" => (200, "application/pdf", MINIMAL_PDF.to_vec()),
            _ => (404, "text/plain", b"not found".to_vec()),
        };
        std::future::ready(Ok(Response::builder()
            .status(status)
            .header(CONTENT_TYPE, content_type)
            .body(body)
            .unwrap()))
    }
}

#[test]
fn r5_client_methods_send_to_the_right_path_and_parse() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let client = Client::with_transport(config(), fake_idenfy(Arc::clone(&seen)));

    let status = pollster::block_on(client.status(SCAN_REF)).unwrap();
    assert_eq!(status.status, Some(OverallStatus::Suspected));
    let data = pollster::block_on(client.data(SCAN_REF)).unwrap();
    assert_eq!(data.client_id.as_deref(), Some("40077"));
    let files = pollster::block_on(client.files(SCAN_REF)).unwrap();
    assert!(files.front().is_some());
    pollster::block_on(client.delete(SCAN_REF)).unwrap();
    let pdf = pollster::block_on(client.pdf(String::from(SCAN_REF))).unwrap();
    assert_eq!(pdf.as_bytes(), MINIMAL_PDF);

    let seen = seen.lock().unwrap();
    let paths: Vec<&str> = seen.iter().map(|(path, _)| path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/api/v2/status",
            "/api/v2/data",
            "/api/v2/files",
            "/api/v2/delete",
            "/api/v2/generate-pdf"
        ]
    );
    for (_, body) in seen.iter() {
        assert_eq!(body, &json!({ "scanRef": SCAN_REF }));
    }
}

#[test]
fn r5_client_invalid_scan_ref_never_calls_the_transport() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let transport = move |_request: Request<Vec<u8>>| {
        counter.fetch_add(1, Ordering::SeqCst);
        std::future::ready(Err::<Response<Vec<u8>>, _>(TransportError::new(
            idenfy::TransportErrorKind::Connect,
        )))
    };
    let client = Client::with_transport(config(), transport);
    let too_long = "x".repeat(41);
    for scan_ref in ["", too_long.as_str()] {
        let errors = [
            pollster::block_on(client.status(scan_ref)).map(|_| ()),
            pollster::block_on(client.data(scan_ref)).map(|_| ()),
            pollster::block_on(client.files(scan_ref)).map(|_| ()),
            pollster::block_on(client.delete(scan_ref)),
            pollster::block_on(client.pdf(scan_ref)).map(|_| ()),
        ];
        for error in errors {
            match error {
                Err(idenfy::Error::Validation(err)) => assert_eq!(err.field(), "scanRef"),
                other => panic!("expected a validation error, got {other:?}"),
            }
        }
    }
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[test]
fn r6_client_errors_keep_their_kind() {
    let transport = |request: Request<Vec<u8>>| {
        let (status, content_type, body): (u16, &str, &[u8]) = match request.uri().path() {
            "/api/v2/delete" => (400, "application/json", DELETE_NOT_EXPIRED),
            _ => (200, "text/html", NOT_A_PDF),
        };
        std::future::ready(Ok::<_, TransportError>(
            Response::builder()
                .status(status)
                .header(CONTENT_TYPE, content_type)
                .body(body.to_vec())
                .unwrap(),
        ))
    };
    let client = Client::with_transport(config(), transport);
    match pollster::block_on(client.delete(SCAN_REF)) {
        Err(idenfy::Error::Api(err)) => {
            assert_eq!(err.identifier(), Some(&ErrorIdentifier::PartnerError));
        }
        other => panic!("expected an API error, got {other:?}"),
    }
    match pollster::block_on(client.pdf(SCAN_REF)) {
        Err(idenfy::Error::Decode(err)) => assert_eq!(err.kind(), DecodeErrorKind::MediaType),
        other => panic!("expected a decode error, got {other:?}"),
    }
    match pollster::block_on(client.status(SCAN_REF)) {
        Err(idenfy::Error::Decode(err)) => assert_eq!(err.kind(), DecodeErrorKind::Syntax),
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[test]
fn r5_a_pdf_reaches_the_caller_without_a_copy() {
    // The transport's buffer is the one the caller gets: the body moves to the parser.
    let sent = Arc::new(Mutex::new(0usize));
    let record = Arc::clone(&sent);
    let transport = move |_request: Request<Vec<u8>>| {
        let body = MINIMAL_PDF.to_vec();
        *record.lock().unwrap() = body.as_ptr() as usize;
        std::future::ready(Ok::<_, TransportError>(
            Response::builder().status(200).body(body).unwrap(),
        ))
    };
    let client = Client::with_transport(config(), transport);
    let pdf = pollster::block_on(client.pdf(SCAN_REF)).unwrap();
    assert_eq!(pdf.as_bytes(), MINIMAL_PDF);
    assert_eq!(pdf.as_bytes().as_ptr() as usize, *sent.lock().unwrap());
}
