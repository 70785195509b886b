#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stderr
)]
// Test code indexes and slices known fixtures and outputs: a bad bound is a failed test.
#![allow(clippy::indexing_slicing, clippy::string_slice)]
//! The endpoints that take a `scanRef` — status, data, files, delete, generate-pdf (R5): how
//! their requests are built and validated, how their answers are read (R7), errors (R6), retry
//! classes (R9), redaction (R10), and the shared oracle files. The core client's methods for
//! these endpoints are tested in the workspace's `tests/tests/client_retrieval.rs`.

mod support;

use std::collections::BTreeMap;

use idenfy_proto::http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use idenfy_proto::http::{Method, Request, Response, StatusCode};
use idenfy_proto::{
    AgeGroup, ApiError, Config, Credentials, DEFAULT_USER_AGENT, DataRequest, DataResponse,
    DecodeError, DecodeErrorKind, DeleteRequest, DocumentSex, DocumentStatus, DocumentType,
    Endpoint, Error, ErrorIdentifier, ErrorMessage, FaceStatus, FileUrls, FilesRequest, FraudTag,
    MismatchTag, OverallStatus, Pdf, PdfRequest, RetryClass, RiskLevel, Rule, StatusRequest,
    StatusResponse, SuspicionReason, TokenRequest,
};
use proptest::prelude::*;
use serde_json::{Value, json};
use support::{MULTIBYTE, base64_decode};

const STATUS_ALL_FIELDS: &[u8] = include_bytes!("fixtures/retrieval/status_all_fields.json");
const STATUS_PENDING_REVIEW: &[u8] =
    include_bytes!("fixtures/retrieval/status_pending_review.json");
const STATUS_LEGACY_OVERALL: &[u8] =
    include_bytes!("fixtures/retrieval/status_legacy_overall.json");
const DATA_ALL_FIELDS: &[u8] = include_bytes!("fixtures/retrieval/data_all_fields.json");
const DATA_NULLS: &[u8] = include_bytes!("fixtures/retrieval/data_nulls.json");
const FILES_WITH_NULLS: &[u8] = include_bytes!("fixtures/retrieval/files_with_nulls.json");
const FILES_WRAPPED: &[u8] = include_bytes!("fixtures/retrieval/files_wrapped.json");
const DELETE_NOT_EXPIRED: &[u8] = include_bytes!("fixtures/retrieval/delete_not_expired.json");
/// The smallest valid PDF; it lives in the conformance kit, which ships it for its own cases.
const MINIMAL_PDF: &[u8] = include_bytes!("../../idenfy-conformance/src/minimal.pdf");
const NOT_A_PDF: &[u8] = include_bytes!("fixtures/retrieval/not_a_pdf.html");

const SCAN_REF: &str = "e2b7c4d1-9a3f-4e8b-b6c5-1d0e9f8a7b6c";
const API_KEY: &str = "partner-key-3390";
const API_SECRET: &str = "Ret1eval-S3cret!";

fn config() -> Config {
    Config::new(Credentials::new(API_KEY, API_SECRET).unwrap())
}

fn response(status: u16, body: &[u8]) -> Response<&[u8]> {
    Response::builder().status(status).body(body).unwrap()
}

fn decode_error<T: std::fmt::Debug>(result: Result<T, Error>) -> DecodeError {
    match result {
        Err(Error::Decode(err)) => err,
        other => panic!("expected a decode error, got {other:?}"),
    }
}

fn api_error<T: std::fmt::Debug>(result: Result<T, Error>) -> ApiError {
    match result {
        Err(Error::Api(err)) => err,
        other => panic!("expected an API error, got {other:?}"),
    }
}

fn status(body: &[u8]) -> StatusResponse {
    StatusRequest::new(SCAN_REF)
        .unwrap()
        .parse(response(200, body))
        .unwrap()
}

fn data(body: &[u8]) -> DataResponse {
    DataRequest::new(SCAN_REF)
        .unwrap()
        .parse(response(200, body))
        .unwrap()
}

fn files(body: &[u8]) -> FileUrls {
    FilesRequest::new(SCAN_REF)
        .unwrap()
        .parse(response(200, body))
        .unwrap()
}

fn pdf_response(content_type: Option<&str>, body: &[u8]) -> Result<Pdf, Error> {
    let mut builder = Response::builder().status(200);
    if let Some(content_type) = content_type {
        builder = builder.header(CONTENT_TYPE, content_type);
    }
    PdfRequest::new(SCAN_REF)
        .unwrap()
        .parse(builder.body(body).unwrap())
}

/// The HTTP request of each endpoint with its expected path.
fn built_requests(config: &Config, scan_ref: &str) -> Vec<(&'static str, Request<Vec<u8>>)> {
    vec![
        (
            "/api/v2/status",
            StatusRequest::new(scan_ref)
                .unwrap()
                .to_request(config)
                .unwrap(),
        ),
        (
            "/api/v2/data",
            DataRequest::new(scan_ref)
                .unwrap()
                .to_request(config)
                .unwrap(),
        ),
        (
            "/api/v2/files",
            FilesRequest::new(scan_ref)
                .unwrap()
                .to_request(config)
                .unwrap(),
        ),
        (
            "/api/v2/delete",
            DeleteRequest::new(scan_ref)
                .unwrap()
                .to_request(config)
                .unwrap(),
        ),
        (
            "/api/v2/generate-pdf",
            PdfRequest::new(scan_ref)
                .unwrap()
                .to_request(config)
                .unwrap(),
        ),
    ]
}

/// Validates `scan_ref` through every request type; all must agree, and the common result is
/// returned.
fn validate_everywhere(scan_ref: &str) -> Result<(), idenfy_proto::ValidationError> {
    let results = [
        StatusRequest::new(scan_ref).map(|_| ()),
        DataRequest::new(scan_ref).map(|_| ()),
        FilesRequest::new(scan_ref).map(|_| ()),
        DeleteRequest::new(scan_ref).map(|_| ()),
        PdfRequest::new(scan_ref).map(|_| ()),
    ];
    for result in &results[1..] {
        assert_eq!(result, &results[0]);
    }
    results[0].clone()
}

// ---------------------------------------------------------------------------------------------
// Requests (R1, R5)
// ---------------------------------------------------------------------------------------------

#[test]
fn r5_every_endpoint_posts_exactly_the_scan_ref_to_its_path() {
    let config = config();
    for (path, request) in built_requests(&config, SCAN_REF) {
        assert_eq!(request.method(), Method::POST, "{path}");
        assert_eq!(
            request.uri().to_string(),
            format!("https://ivs.idenfy.com{path}")
        );
        assert!(!request.uri().path().ends_with('/'), "{path}");
        assert_eq!(
            request.body().as_slice(),
            format!(r#"{{"scanRef":"{SCAN_REF}"}}"#).as_bytes(),
            "{path}"
        );
        let headers = request.headers();
        assert_eq!(headers[CONTENT_TYPE], "application/json");
        assert_eq!(headers[ACCEPT], "application/json");
        assert_eq!(headers[USER_AGENT], DEFAULT_USER_AGENT);
        let authorization = headers[AUTHORIZATION].to_str().unwrap();
        let encoded = authorization.strip_prefix("Basic ").unwrap();
        assert_eq!(
            base64_decode(encoded).unwrap(),
            format!("{API_KEY}:{API_SECRET}").as_bytes()
        );
        assert!(headers[AUTHORIZATION].is_sensitive());
    }
}

#[test]
fn r5_paths_names_and_constants() {
    assert_eq!(StatusRequest::PATH, "/api/v2/status");
    assert_eq!(DataRequest::PATH, "/api/v2/data");
    assert_eq!(FilesRequest::PATH, "/api/v2/files");
    assert_eq!(DeleteRequest::PATH, "/api/v2/delete");
    assert_eq!(PdfRequest::PATH, "/api/v2/generate-pdf");
    assert_eq!(StatusRequest::new(SCAN_REF).unwrap().name(), "status");
    assert_eq!(DataRequest::new(SCAN_REF).unwrap().name(), "data");
    assert_eq!(FilesRequest::new(SCAN_REF).unwrap().name(), "files");
    assert_eq!(DeleteRequest::new(SCAN_REF).unwrap().name(), "delete");
    assert_eq!(PdfRequest::new(SCAN_REF).unwrap().name(), "pdf");
}

#[test]
fn r5_base_url_path_prefix_is_kept() {
    let config = Config::builder(Credentials::new(API_KEY, API_SECRET).unwrap())
        .base_url("http://127.0.0.1:8081/idenfy/")
        .build()
        .unwrap();
    for (path, request) in built_requests(&config, SCAN_REF) {
        assert_eq!(
            request.uri().to_string(),
            format!("http://127.0.0.1:8081/idenfy{path}")
        );
    }
}

#[test]
fn r9_read_only_endpoints_may_be_retried_delete_may_not() {
    let scan_ref = SCAN_REF;
    assert_eq!(
        StatusRequest::new(scan_ref).unwrap().retry_class(),
        RetryClass::ReadOnly
    );
    assert_eq!(
        DataRequest::new(scan_ref).unwrap().retry_class(),
        RetryClass::ReadOnly
    );
    assert_eq!(
        FilesRequest::new(scan_ref).unwrap().retry_class(),
        RetryClass::ReadOnly
    );
    assert_eq!(
        PdfRequest::new(scan_ref).unwrap().retry_class(),
        RetryClass::ReadOnly
    );
    assert_eq!(
        DeleteRequest::new(scan_ref).unwrap().retry_class(),
        RetryClass::NotIdempotent
    );
}

#[test]
fn r5_scan_ref_of_0_and_41_chars_refused_1_and_40_accepted() {
    for (length, actual) in [(0usize, 0usize), (41, 41), (100, 100)] {
        let err = validate_everywhere(&"a".repeat(length)).unwrap_err();
        assert_eq!(err.field(), "scanRef");
        assert_eq!(
            err.rule(),
            &Rule::Length {
                min: 1,
                max: 40,
                actual
            }
        );
    }
    for length in [1, 36, 40] {
        validate_everywhere(&"a".repeat(length)).unwrap();
    }
    // Counted in characters, not bytes: 40 four-byte characters are accepted.
    validate_everywhere(&"🦀".repeat(40)).unwrap();
    assert!(validate_everywhere(&"🦀".repeat(41)).is_err());
}

#[test]
fn r5_scan_ref_getter_and_accepted_argument_types() {
    let owned = String::from(SCAN_REF);
    let request = StatusRequest::new(&owned).unwrap();
    assert_eq!(request.scan_ref().as_str(), SCAN_REF);
    assert_eq!(StatusRequest::new(owned.clone()).unwrap(), request);
    let cloned = request.clone();
    assert_eq!(cloned, request);
    assert!(format!("{request:?}").contains(SCAN_REF));
    // A `scanRef` read from a token answer can be passed directly.
    let token = TokenRequest::builder("crm-1")
        .build()
        .unwrap()
        .parse(response(
            201,
            format!(r#"{{"authToken":"AbCdEfGhIjKlMnOpQrStUvWxYz","scanRef":"{SCAN_REF}"}}"#)
                .as_bytes(),
        ))
        .unwrap();
    assert_eq!(
        DeleteRequest::new(&token.scan_ref).unwrap().scan_ref(),
        &token.scan_ref
    );
}

#[test]
fn r5_scan_ref_is_json_escaped_in_the_body() {
    let awkward = "a\"b\\c/d\u{1}é";
    for (path, request) in built_requests(&config(), awkward) {
        let body: Value = serde_json::from_slice(request.body()).unwrap();
        assert_eq!(body, json!({ "scanRef": awkward }), "{path}");
    }
}

proptest! {
    #[test]
    fn r5_scan_ref_accepted_iff_1_to_40_chars(
        chars in proptest::collection::vec(
            prop_oneof![
                proptest::char::range('0', 'z'),
                proptest::sample::select(MULTIBYTE),
            ],
            0..=60,
        )
    ) {
        let scan_ref: String = chars.iter().collect();
        let result = validate_everywhere(&scan_ref);
        if (1..=40).contains(&chars.len()) {
            prop_assert!(result.is_ok());
            for (_, request) in built_requests(&config(), &scan_ref) {
                let body: Value = serde_json::from_slice(request.body()).unwrap();
                prop_assert_eq!(body, json!({ "scanRef": scan_ref.clone() }));
            }
        } else {
            let err = result.unwrap_err();
            prop_assert_eq!(err.field(), "scanRef");
            prop_assert_eq!(
                err.rule(),
                &Rule::Length { min: 1, max: 40, actual: chars.len() }
            );
        }
    }

    #[test]
    fn r7_parsing_never_panics_on_any_bytes(
        status in 100u16..=999,
        body in proptest::collection::vec(any::<u8>(), 0..200),
    ) {
        let success = (200..300).contains(&status);
        let results = [
            StatusRequest::new(SCAN_REF).unwrap().parse(response(status, &body)).map(|_| ()),
            DataRequest::new(SCAN_REF).unwrap().parse(response(status, &body)).map(|_| ()),
            FilesRequest::new(SCAN_REF).unwrap().parse(response(status, &body)).map(|_| ()),
            DeleteRequest::new(SCAN_REF).unwrap().parse(response(status, &body)),
            PdfRequest::new(SCAN_REF).unwrap().parse(response(status, &body)).map(|_| ()),
        ];
        for result in results {
            if !success {
                prop_assert!(matches!(result, Err(Error::Api(_))));
            } else {
                prop_assert!(!matches!(result, Err(Error::Api(_))));
            }
        }
    }

    #[test]
    fn r7_status_client_id_number_or_string(number in any::<i64>()) {
        let body = format!(r#"{{"scanRef":"s","status":"APPROVED","clientId":{number}}}"#);
        prop_assert_eq!(status(body.as_bytes()).client_id, Some(number.to_string()));
        let body = format!(r#"{{"scanRef":"s","status":"APPROVED","clientId":"{number}"}}"#);
        prop_assert_eq!(status(body.as_bytes()).client_id, Some(number.to_string()));
    }

    #[test]
    fn r7_files_keep_every_key(
        map in proptest::collection::btree_map("[A-Z_]{1,12}", proptest::option::of("[a-z:/.]{0,20}"), 0..8)
    ) {
        let body = serde_json::to_vec(&map).unwrap();
        let parsed = files(&body);
        prop_assert_eq!(parsed.len(), map.len());
        for (key, url) in &map {
            prop_assert!(parsed.contains_key(key));
            prop_assert_eq!(parsed.get(key), url.as_deref());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Status (R7)
// ---------------------------------------------------------------------------------------------

#[test]
fn r7_status_with_every_field() {
    let parsed = status(STATUS_ALL_FIELDS);
    assert_eq!(parsed.status, Some(OverallStatus::Suspected));
    assert_eq!(parsed.auto_document, Some(DocumentStatus::DocValidated));
    assert_eq!(parsed.auto_face, Some(FaceStatus::FaceMatch));
    assert_eq!(
        parsed.manual_document,
        Some(DocumentStatus::DocInfoMismatch)
    );
    assert_eq!(parsed.manual_face, Some(FaceStatus::FaceMatch));
    assert_eq!(
        parsed.fraud_tags,
        Some(vec![FraudTag::DuplicateFace, FraudTag::VirtualCamera])
    );
    assert_eq!(
        parsed.mismatch_tags,
        Some(vec![MismatchTag::Surname, MismatchTag::DateOfBirth])
    );
    assert_eq!(
        parsed.suspicion_reasons,
        Some(vec![SuspicionReason::DocMobilePhoto])
    );
    assert_eq!(
        parsed.scan_ref.as_deref(),
        Some("c41e8a9b-77d2-4f05-b3a6-0e9d1c2b3a4f")
    );
    assert_eq!(parsed.client_id.as_deref(), Some("crm-55102"));
    assert_eq!(parsed.extra.get("reviewedBy"), Some(&json!("team-b")));
    assert_eq!(parsed.extra.get("riskScore"), Some(&json!(63)));
    assert_eq!(parsed.extra.len(), 2);

    assert!(parsed.is_final());
    assert!(!parsed.is_approved());
    assert!(parsed.is_manually_reviewed());
    assert_eq!(parsed.face(), Some(&FaceStatus::FaceMatch));
    assert_eq!(parsed.document(), Some(&DocumentStatus::DocInfoMismatch));
}

#[test]
fn r7_status_pending_review_empty_manual_unknown_enum_numeric_client_id_duplicate_key() {
    let parsed = status(STATUS_PENDING_REVIEW);
    // "" means "no result yet".
    assert_eq!(parsed.manual_document, None);
    assert_eq!(parsed.manual_face, None);
    assert!(!parsed.is_manually_reviewed());
    // Unknown values are kept verbatim.
    assert_eq!(
        parsed.auto_face,
        Some(FaceStatus::Unknown("FACE_NEW_THING".to_owned()))
    );
    assert_eq!(
        parsed.face().map(FaceStatus::as_str),
        Some("FACE_NEW_THING")
    );
    assert_eq!(parsed.document(), Some(&DocumentStatus::DocValidated));
    // A number where a string is expected.
    assert_eq!(parsed.client_id.as_deref(), Some("90210117"));
    // The duplicate `status` key: the last one wins.
    assert_eq!(parsed.status, Some(OverallStatus::Reviewing));
    assert!(!parsed.is_final());
    assert_eq!(parsed.fraud_tags, Some(vec![]));
    assert_eq!(parsed.mismatch_tags, Some(vec![]));
    assert_eq!(parsed.suspicion_reasons, None);
    assert!(parsed.extra.is_empty());
}

#[test]
fn r7_status_legacy_overall_key() {
    let parsed = status(STATUS_LEGACY_OVERALL);
    assert_eq!(parsed.status, Some(OverallStatus::Approved));
    assert!(parsed.is_approved());
    assert!(parsed.extra.is_empty(), "{:?}", parsed.extra);

    // `overall` is read when `status` is null, too.
    let parsed = status(br#"{"scanRef":"s","status":null,"overall":"DENIED"}"#);
    assert_eq!(parsed.status, Some(OverallStatus::Denied));

    // When both are present, `status` wins and `overall` is kept as an extra field.
    let parsed = status(br#"{"scanRef":"s","overall":"DENIED","status":"APPROVED"}"#);
    assert_eq!(parsed.status, Some(OverallStatus::Approved));
    assert_eq!(parsed.extra.get("overall"), Some(&json!("DENIED")));
}

#[test]
fn r7_status_webhook_shaped_status_object_is_lifted() {
    let parsed = status(
        br#"{"scanRef":"s-1","status":{"overall":"EXPIRED","autoFace":"FACE_MATCH","manualFace":null,"fraudTags":["FAKE_PHOTO"]}}"#,
    );
    assert_eq!(parsed.status, Some(OverallStatus::Expired));
    assert_eq!(parsed.auto_face, Some(FaceStatus::FaceMatch));
    assert_eq!(parsed.manual_face, None);
    assert_eq!(parsed.fraud_tags, Some(vec![FraudTag::FakePhoto]));
    assert_eq!(parsed.scan_ref.as_deref(), Some("s-1"));
}

#[test]
fn r7_status_unknown_values_everywhere_and_odd_types() {
    let parsed = status(
        br#"{"status":"ON_HOLD","autoDocument":"DOC_HOLOGRAM_MISSING","manualFace":"FACE_NEW_THING",
            "fraudTags":["DEEPFAKE_SUSPECTED",null,"DUPLICATE_FACE"],"mismatchTags":"NAME",
            "suspicionReasons":null,"clientId":12.5,"scanRef":7}"#,
    );
    assert_eq!(
        parsed.status,
        Some(OverallStatus::Unknown("ON_HOLD".to_owned()))
    );
    assert!(!parsed.is_final());
    assert!(!parsed.is_approved());
    assert_eq!(
        parsed.auto_document,
        Some(DocumentStatus::Unknown("DOC_HOLOGRAM_MISSING".to_owned()))
    );
    assert_eq!(
        parsed.manual_face,
        Some(FaceStatus::Unknown("FACE_NEW_THING".to_owned()))
    );
    assert_eq!(
        parsed.fraud_tags,
        Some(vec![
            FraudTag::Unknown("DEEPFAKE_SUSPECTED".to_owned()),
            FraudTag::DuplicateFace
        ])
    );
    // A single value where a list is expected is a list of one.
    assert_eq!(parsed.mismatch_tags, Some(vec![MismatchTag::Name]));
    assert_eq!(parsed.suspicion_reasons, None);
    assert_eq!(parsed.client_id.as_deref(), Some("12.5"));
    assert_eq!(parsed.scan_ref.as_deref(), Some("7"));
    assert!(parsed.fallbacks().is_empty());

    // Values of another JSON type than their field's are kept raw, each alone (R7).
    let parsed = status(
        br#"{"scanRef":"s","status":"APPROVED","autoFace":{"nested":true},"fraudTags":{"a":1},"manualDocument":"DOC_VALIDATED"}"#,
    );
    assert_eq!(parsed.status, Some(OverallStatus::Approved));
    assert_eq!(parsed.manual_document, Some(DocumentStatus::DocValidated));
    assert_eq!(
        (parsed.auto_face.as_ref(), parsed.fraud_tags.as_ref()),
        (None, None)
    );
    assert_eq!(parsed.extra["autoFace"], json!({"nested": true}));
    assert_eq!(parsed.extra["fraudTags"], json!({"a": 1}));
    assert_eq!(parsed.fallbacks(), ["autoFace", "fraudTags"]);
}

#[test]
fn r7_status_empty_object_and_nulls() {
    let only_scan_ref = status(br#"{"scanRef":"s"}"#);
    assert_eq!(only_scan_ref.scan_ref.as_deref(), Some("s"));
    let parsed = status(
        br#"{"status":null,"autoDocument":null,"autoFace":null,"manualDocument":null,"manualFace":null,
            "fraudTags":null,"mismatchTags":null,"suspicionReasons":null,"scanRef":"s","clientId":null}"#,
    );
    assert_eq!(parsed, only_scan_ref);
    assert_eq!(parsed.fallbacks(), Vec::<String>::new());
    assert!(!parsed.is_final());
    assert_eq!(parsed.face(), None);
    assert_eq!(parsed.document(), None);
}

#[test]
fn r7_status_serializes_with_idenfy_names_and_round_trips() {
    let parsed = status(STATUS_PENDING_REVIEW);
    let value = serde_json::to_value(&parsed).unwrap();
    assert_eq!(value["status"], "REVIEWING");
    assert_eq!(value["autoFace"], "FACE_NEW_THING");
    assert_eq!(value["autoDocument"], "DOC_VALIDATED");
    assert_eq!(value["clientId"], "90210117");
    assert_eq!(value["manualFace"], Value::Null);
    let again: StatusResponse = serde_json::from_value(value).unwrap();
    assert_eq!(again, parsed);

    let full = status(STATUS_ALL_FIELDS);
    let value = serde_json::to_value(&full).unwrap();
    assert_eq!(value["reviewedBy"], "team-b");
    assert_eq!(
        value["fraudTags"],
        json!(["DUPLICATE_FACE", "VIRTUAL_CAMERA"])
    );
    assert_eq!(
        serde_json::from_value::<StatusResponse>(value).unwrap(),
        full
    );
}

#[test]
fn r7_status_to_verification_status() {
    let parsed = status(STATUS_ALL_FIELDS);
    let webhook_shaped = parsed.to_verification_status();
    assert_eq!(webhook_shaped.overall, Some(OverallStatus::Suspected));
    assert_eq!(webhook_shaped.auto_face, parsed.auto_face);
    assert_eq!(webhook_shaped.manual_face, parsed.manual_face);
    assert_eq!(webhook_shaped.auto_document, parsed.auto_document);
    assert_eq!(webhook_shaped.manual_document, parsed.manual_document);
    assert_eq!(webhook_shaped.fraud_tags, parsed.fraud_tags);
    assert_eq!(webhook_shaped.mismatch_tags, parsed.mismatch_tags);
    assert_eq!(webhook_shaped.suspicion_reasons, parsed.suspicion_reasons);
    assert_eq!(webhook_shaped.face(), parsed.face());
    assert_eq!(webhook_shaped.document(), parsed.document());
    assert_eq!(webhook_shaped.extra, parsed.extra);
}

#[test]
fn r7_status_bodies_that_cannot_be_read_are_typed_errors() {
    let request = StatusRequest::new(SCAN_REF).unwrap();
    for (body, kind) in [
        (&b""[..], DecodeErrorKind::Empty),
        (b" \n", DecodeErrorKind::Empty),
        (b"{\"status\":", DecodeErrorKind::Syntax),
        (b"<html></html>", DecodeErrorKind::Syntax),
        (b"[]", DecodeErrorKind::Data),
        (b"\"APPROVED\"", DecodeErrorKind::Data),
        // `scanRef` is required (R7), and a value that does not fit is no `scanRef`.
        (br#"{"status":"APPROVED"}"#, DecodeErrorKind::Data),
        (
            br#"{"status":"APPROVED","scanRef":{"a":1}}"#,
            DecodeErrorKind::Data,
        ),
        (
            br#"{"status":"APPROVED","scanRef":""}"#,
            DecodeErrorKind::Data,
        ),
    ] {
        let err = decode_error(request.parse(response(200, body)));
        assert_eq!(err.kind(), kind, "{err}");
    }
    let err = decode_error(request.parse(response(200, br#"{"fraudTags":{"a":1}}"#)));
    assert_eq!(err.path(), Some("scanRef"));
    let err = decode_error(request.parse(response(
        200,
        b"{\"scanRef\":\"s\",\"fraudTags\":[\"A\",\n tru]}",
    )));
    assert_eq!(
        (err.kind(), err.path()),
        (DecodeErrorKind::Syntax, Some("fraudTags[1]"))
    );
}

#[test]
fn r6_status_error_answers_are_api_errors() {
    let request = StatusRequest::new(SCAN_REF).unwrap();
    let err = api_error(request.parse(response(
        404,
        br#"{"identifier":"BAD_VALUE","message":"Scan not found."}"#,
    )));
    assert_eq!(err.status(), StatusCode::NOT_FOUND);
    assert_eq!(err.identifier(), Some(&ErrorIdentifier::BadValue));
    let err = api_error(request.parse(response(429, b"")));
    assert_eq!(err.status(), StatusCode::TOO_MANY_REQUESTS);
}

// ---------------------------------------------------------------------------------------------
// Data (R7, R10)
// ---------------------------------------------------------------------------------------------

#[test]
fn r7_data_with_every_field() {
    let parsed = data(DATA_ALL_FIELDS);
    assert_eq!(
        parsed.scan_ref.as_deref(),
        Some("7f3e2d1c-0b9a-4c8d-a7e6-f5d4c3b2a190")
    );
    assert_eq!(parsed.client_id.as_deref(), Some("40077"));
    let d = &parsed.data;
    let text = |field: &Option<idenfy_proto::Personal<String>>| {
        field.as_ref().map(|value| value.expose().clone())
    };
    assert_eq!(text(&d.doc_first_name).as_deref(), Some("RASA"));
    assert_eq!(text(&d.doc_last_name).as_deref(), Some("ZEMAITYTE"));
    assert_eq!(text(&d.doc_number).as_deref(), Some("LT9081726"));
    assert_eq!(text(&d.doc_personal_code).as_deref(), Some("49507231234"));
    // Placeholder dates stay strings.
    assert_eq!(text(&d.doc_expiry).as_deref(), Some("YYYY-MM-DD"));
    assert_eq!(text(&d.doc_dob).as_deref(), Some("YYYY-MM-DD"));
    assert!(idenfy_proto::Date::parse(d.doc_dob.as_ref().unwrap()).is_err());
    assert_eq!(text(&d.doc_date_of_issue).as_deref(), Some("2021-03-15"));
    assert!(idenfy_proto::Date::parse(d.doc_date_of_issue.as_ref().unwrap()).is_ok());
    assert_eq!(d.doc_type, Some(DocumentType::IdCard));
    assert_eq!(d.doc_sex, Some(DocumentSex::Female));
    assert_eq!(d.doc_nationality.as_deref().map(String::as_str), Some("LT"));
    assert_eq!(d.doc_issuing_country.as_deref(), Some("LT"));
    // `selectedCountry` appears twice: the last one wins.
    assert_eq!(d.selected_country.as_deref(), Some("LT"));
    assert_eq!(text(&d.birth_place).as_deref(), Some("KLAIPEDA"));
    assert_eq!(
        text(&d.authority).as_deref(),
        Some("MIGRACIJOS DEPARTAMENTAS")
    );
    assert_eq!(text(&d.address).as_deref(), Some("Liepu g. 12-4, Klaipeda"));
    assert_eq!(
        text(&d.doc_temporary_address).as_deref(),
        Some("Sodu g. 3, Vilnius")
    );
    assert_eq!(text(&d.mothers_maiden_name).as_deref(), Some("KALNAITE"));
    assert_eq!(text(&d.doc_birth_name).as_deref(), Some("RASA KALNAITE"));
    assert_eq!(text(&d.doc_patronymic).as_deref(), Some("JONO"));
    assert_eq!(d.driver_license_category.as_deref(), Some("B, BE"));
    assert_eq!(d.manually_data_changed, Some(false));
    assert_eq!(text(&d.full_name).as_deref(), Some("RASA ZEMAITYTE"));
    assert_eq!(text(&d.org_first_name).as_deref(), Some("RASA"));
    assert_eq!(text(&d.org_last_name).as_deref(), Some("ŽEMAITYTĖ"));
    assert_eq!(
        d.org_nationality.as_deref().map(String::as_str),
        Some("LIETUVOS")
    );
    assert_eq!(text(&d.org_birth_place).as_deref(), Some("KLAIPĖDA"));
    assert_eq!(
        text(&d.org_authority).as_deref(),
        Some("MIGRACIJOS DEPARTAMENTAS PRIE VRM")
    );
    assert_eq!(
        text(&d.org_address).as_deref(),
        Some("Liepų g. 12-4, Klaipėda")
    );
    assert_eq!(
        text(&d.org_temporary_address).as_deref(),
        Some("Sodų g. 3, Vilnius")
    );
    assert_eq!(
        text(&d.org_mothers_maiden_name).as_deref(),
        Some("KALNAITĖ")
    );
    assert_eq!(text(&d.org_patronymic).as_deref(), Some("JONO"));
    assert_eq!(text(&d.org_birth_name).as_deref(), Some("RASA KALNAITĖ"));
    assert_eq!(d.age_estimate, Some(AgeGroup::Over25));
    assert_eq!(d.client_ip_proxy_risk_level, Some(RiskLevel::Low));
    assert_eq!(
        d.duplicate_faces,
        Some(vec!["91a2b3c4-d5e6-4f70-8192-a3b4c5d6e7f8".to_owned()])
    );
    assert_eq!(d.duplicate_doc_faces, Some(vec![]));
    assert_eq!(
        d.additional_data.as_ref().unwrap().expose()["UTILITY_BILL"]["ssn"]["status"],
        "MATCH"
    );
    assert_eq!(
        text(&d.manual_address).as_deref(),
        Some("Liepu g. 12-4, LT-91234 Klaipeda")
    );
    assert_eq!(d.manual_address_match, Some(true));
    assert_eq!(
        d.registry_center_check.as_ref().unwrap()["resourceType"],
        "LithuaniaRegistryCenterCheck"
    );
    assert_eq!(d.address_verification.as_ref().unwrap()["accuracy"], 9);
    // Unknown fields are kept, and only they: `scanRef`/`clientId` are not duplicated there.
    let mut extra_keys: Vec<&String> = d.extra.keys().collect();
    extra_keys.sort();
    assert_eq!(extra_keys, ["biometricChipRead", "docVisaType"]);
}

#[test]
fn r7_data_nulls_everywhere() {
    let parsed = data(DATA_NULLS);
    assert_eq!(
        parsed.scan_ref.as_deref(),
        Some("3c2b1a09-f8e7-4d6c-b5a4-9382716e5d4c")
    );
    assert_eq!(parsed.client_id, None);
    assert_eq!(parsed.data, idenfy_proto::IdentificationData::default());
    // `scanRef` is required (R7).
    let err = decode_error(
        DataRequest::new(SCAN_REF)
            .unwrap()
            .parse(response(200, b"{}")),
    );
    assert_eq!(
        (err.kind(), err.path()),
        (DecodeErrorKind::Data, Some("scanRef"))
    );
    let _ = DataResponse::default();
}

#[test]
fn r7_data_nested_in_a_data_object_is_read_too() {
    let parsed = data(
        br#"{"scanRef":"s-2","clientId":"c-2","data":{"docFirstName":"ONA","docType":"PASSPORT","clientId":"inner"}}"#,
    );
    assert_eq!(parsed.scan_ref.as_deref(), Some("s-2"));
    // Top-level fields win over nested ones.
    assert_eq!(parsed.client_id.as_deref(), Some("c-2"));
    assert_eq!(
        parsed.data.doc_first_name.as_deref().map(String::as_str),
        Some("ONA")
    );
    assert_eq!(parsed.data.doc_type, Some(DocumentType::Passport));
    // The nested value the top level shadows is kept beside it, not lost.
    assert_eq!(parsed.data.extra.len(), 1, "{:?}", parsed.data.extra);
    assert_eq!(parsed.data.extra["data.clientId"], "inner");
}

#[test]
fn r7_data_unknown_enum_values_and_odd_types() {
    let parsed = data(
        br#"{"scanRef":"s","docType":"E_RESIDENCY_CARD","docSex":"X","manuallyDataChanged":"true","duplicateFaces":"one-ref","clientId":7,"docDob":{"y":1990},"docSex":"FEMALE"}"#,
    );
    assert_eq!(
        parsed.data.doc_type,
        Some(DocumentType::Unknown("E_RESIDENCY_CARD".to_owned()))
    );
    assert_eq!(
        parsed.data.doc_sex,
        Some(DocumentSex::Female),
        "the last of a repeated key wins"
    );
    // A value that does not fit is kept raw; the rest is read.
    assert_eq!(parsed.data.doc_dob, None);
    assert_eq!(parsed.data.extra["docDob"], json!({"y": 1990}));
    assert_eq!(parsed.fallbacks(), ["docDob"]);
    assert_eq!(parsed.data.manually_data_changed, Some(true));
    assert_eq!(
        parsed.data.duplicate_faces,
        Some(vec!["one-ref".to_owned()])
    );
    assert_eq!(parsed.client_id.as_deref(), Some("7"));
}

#[test]
fn r7_data_serializes_flat_with_idenfy_names_and_round_trips() {
    let parsed = data(DATA_ALL_FIELDS);
    let value = serde_json::to_value(&parsed).unwrap();
    assert_eq!(value["scanRef"], "7f3e2d1c-0b9a-4c8d-a7e6-f5d4c3b2a190");
    assert_eq!(value["clientId"], "40077");
    assert_eq!(value["docFirstName"], "RASA");
    assert_eq!(value["docExpiry"], "YYYY-MM-DD");
    assert_eq!(value["docVisaType"], "D");
    assert!(value.get("data").is_none());
    let again: DataResponse = serde_json::from_value(value).unwrap();
    assert_eq!(again, parsed);
}

#[test]
fn r10_data_debug_hides_personal_data() {
    let parsed = data(DATA_ALL_FIELDS);
    let debug = format!("{parsed:?}");
    for secret in [
        "RASA",
        "ZEMAITYTE",
        "ŽEMAITYTĖ",
        "LT9081726",
        "49507231234",
        "2021-03-15",
        "Liepu",
        "Liepų",
        "Sodu",
        "KALNAITE",
        "KLAIPEDA",
        "JONO",
        "900-00-0001",
        "49507239876",
        "Gintaro",
    ] {
        assert!(!debug.contains(secret), "{secret} leaked: {debug}");
    }
    assert!(debug.contains("[redacted]"));
    // Not personal: the verification's reference stays visible for logs.
    assert!(debug.contains("7f3e2d1c-0b9a-4c8d-a7e6-f5d4c3b2a190"));
}

// ---------------------------------------------------------------------------------------------
// Files (R7, R10)
// ---------------------------------------------------------------------------------------------

#[test]
fn r7_files_map_with_nulls_and_unknown_keys() {
    let parsed = files(FILES_WITH_NULLS);
    assert_eq!(parsed.len(), 8);
    assert!(!parsed.is_empty());
    assert_eq!(
        parsed.front(),
        Some("https://files.example.invalid/kyc/front.jpg?X-Sig=8f1e2d")
    );
    assert_eq!(parsed.back(), None);
    assert!(parsed.contains_key("BACK"));
    assert_eq!(
        parsed.face(),
        Some("https://files.example.invalid/kyc/face.jpg?X-Sig=a7b6c5")
    );
    assert_eq!(parsed.front_video(), None);
    assert_eq!(parsed.back_video(), None);
    assert_eq!(
        parsed.face_video(),
        Some("https://files.example.invalid/kyc/face.mp4?X-Sig=d4e3f2")
    );
    assert_eq!(
        parsed.get("UTILITY_BILL"),
        Some("https://files.example.invalid/kyc/bill.pdf?X-Sig=11aa22")
    );
    assert_eq!(parsed.get("SELFIE_3D_MAP"), None);
    assert!(parsed.contains_key("SELFIE_3D_MAP"));
    assert!(!parsed.contains_key("PASSPORT_COVER"));

    let listed: Vec<(&str, bool)> = parsed.iter().map(|(k, v)| (k, v.is_some())).collect();
    assert_eq!(
        listed,
        [
            ("BACK", false),
            ("BACK_VIDEO", false),
            ("FACE", true),
            ("FACE_VIDEO", true),
            ("FRONT", true),
            ("FRONT_VIDEO", false),
            ("SELFIE_3D_MAP", false),
            ("UTILITY_BILL", true),
        ]
    );

    let map: BTreeMap<String, Option<idenfy_proto::Personal<String>>> = parsed.clone().into_inner();
    assert_eq!(map.len(), 8);
    // Serializes back as the same map.
    let value = serde_json::to_value(&parsed).unwrap();
    let original: Value = serde_json::from_slice(FILES_WITH_NULLS).unwrap();
    assert_eq!(value, original);
}

#[test]
fn r7_files_wrapped_in_a_file_urls_object() {
    let parsed = files(FILES_WRAPPED);
    assert_eq!(parsed.len(), 3);
    assert_eq!(
        parsed.front(),
        Some("https://files.example.invalid/w/front.png")
    );
    assert_eq!(
        parsed.back(),
        Some("https://files.example.invalid/w/back.png")
    );
    assert_eq!(parsed.face(), None);
    assert!(!parsed.contains_key("scanRef"));

    let empty = files(br#"{"scanRef":"s-3","fileUrls":null}"#);
    assert!(empty.is_empty());
    assert!(files(b"{}").is_empty());
}

#[test]
fn r7_files_non_string_values_kept_in_json_spelling() {
    let parsed = files(br#"{"FRONT":42,"BACK":true,"FACE":{"url":"u"},"EMPTY":""}"#);
    assert_eq!(parsed.front(), Some("42"));
    assert_eq!(parsed.back(), Some("true"));
    // An object is no URL: it is kept as it came, not counted as a step.
    assert_eq!(parsed.face(), None);
    assert!(!parsed.contains_key("FACE"));
    assert_eq!(parsed.extra()["FACE"], json!({"url": "u"}));
    assert_eq!(parsed.get("EMPTY"), Some(""));
}

#[test]
fn r7_files_scan_ref_and_client_id_are_not_steps() {
    let parsed = files(
        br#"{"scanRef":"e2b7c4d1","clientId":31337,"FRONT":"https://files.example/f","FACE":null}"#,
    );
    assert_eq!(parsed.len(), 2);
    assert!(!parsed.contains_key("scanRef") && !parsed.contains_key("clientId"));
    assert_eq!(parsed.scan_ref(), Some("e2b7c4d1"));
    assert_eq!(parsed.client_id(), Some("31337"));
    // Wrapped too; the wrapper's siblings are kept, not read as steps.
    let parsed = files(
        br#"{"scanRef":"e2b7c4d1","fileUrls":{"BACK":"https://files.example/b"},"note":"x"}"#,
    );
    assert_eq!(
        parsed.iter().collect::<Vec<_>>(),
        [("BACK", Some("https://files.example/b"))]
    );
    assert_eq!(parsed.scan_ref(), Some("e2b7c4d1"));
    assert_eq!(parsed.extra()["note"], "x");
}

#[test]
fn r7_files_bodies_that_cannot_be_read_are_typed_errors() {
    let request = FilesRequest::new(SCAN_REF).unwrap();
    for (body, kind) in [
        (&b""[..], DecodeErrorKind::Empty),
        (b"{", DecodeErrorKind::Syntax),
        (b"[\"https://x\"]", DecodeErrorKind::Data),
        (b"\"https://x\"", DecodeErrorKind::Data),
    ] {
        let err = decode_error(request.parse(response(200, body)));
        assert_eq!(err.kind(), kind, "{err}");
        assert!(!err.to_string().contains("https://x"), "{err}");
    }
    // A wrapper that is not an object is no map of steps: kept raw, no step read from it.
    let parsed = files(br#"{"fileUrls":"https://x"}"#);
    assert!(parsed.is_empty());
    assert_eq!(parsed.extra()["fileUrls"], "https://x");
}

#[test]
fn r10_files_debug_hides_urls() {
    let parsed = files(FILES_WITH_NULLS);
    let debug = format!("{parsed:?}");
    assert!(!debug.contains("files.example"), "{debug}");
    assert!(!debug.contains("X-Sig"), "{debug}");
    for key in ["FRONT", "BACK", "FACE", "UTILITY_BILL", "SELFIE_3D_MAP"] {
        assert!(debug.contains(key), "{key} missing: {debug}");
    }
}

// ---------------------------------------------------------------------------------------------
// Delete (R5, R6)
// ---------------------------------------------------------------------------------------------

#[test]
fn r5_delete_200_empty_is_success() {
    let request = DeleteRequest::new(SCAN_REF).unwrap();
    request.parse(response(200, b"")).unwrap();
    request.parse(response(200, b"  \r\n")).unwrap();
    request.parse(response(204, b"")).unwrap();
    // Any 2xx with a body is success too; the body is ignored.
    request
        .parse(response(200, br#"{"message":"Deleted."}"#))
        .unwrap();
    request.parse(response(202, b"not json")).unwrap();
}

#[test]
fn r6_delete_token_not_expired_is_a_partner_error() {
    let request = DeleteRequest::new(SCAN_REF).unwrap();
    let err = api_error(request.parse(response(400, DELETE_NOT_EXPIRED)));
    assert_eq!(err.status(), StatusCode::BAD_REQUEST);
    assert_eq!(err.identifier(), Some(&ErrorIdentifier::PartnerError));
    assert_eq!(
        err.message(),
        Some(&ErrorMessage::Text("Token has not expired yet.".to_owned()))
    );
    assert_eq!(err.documentation(), Some(""));
    assert_eq!(err.severity(), Some("NOT_SEVERE"));
    assert_eq!(err.raw_body(), None);
    assert!(err.to_string().contains("Token has not expired yet."));
}

#[test]
fn r6_delete_401_without_body_is_still_typed() {
    let request = DeleteRequest::new(SCAN_REF).unwrap();
    for status in [401, 403] {
        let err = api_error(request.parse(response(status, b"")));
        assert_eq!(err.status().as_u16(), status);
        assert_eq!(err.identifier(), None);
        assert_eq!(err.message(), None);
        assert_eq!(err.raw_body(), None);
    }
    let err = api_error(request.parse(response(
        401,
        br#"{"identifier":"UNAUTHORIZED","message":"Invalid credentials."}"#,
    )));
    assert_eq!(err.identifier(), Some(&ErrorIdentifier::Unauthorized));
}

// ---------------------------------------------------------------------------------------------
// PDF (R5, R10)
// ---------------------------------------------------------------------------------------------

#[test]
fn r5_pdf_bytes_are_returned_unchanged() {
    assert!(MINIMAL_PDF.starts_with(b"%PDF-1.4"));
    assert!(MINIMAL_PDF.ends_with(b"%%EOF\n"));
    for content_type in [
        Some("application/pdf"),
        Some("application/octet-stream"),
        Some("application/json"),
        None,
    ] {
        let pdf = pdf_response(content_type, MINIMAL_PDF).unwrap();
        assert_eq!(pdf.as_bytes(), MINIMAL_PDF);
        assert_eq!(pdf.as_ref(), MINIMAL_PDF);
        assert_eq!(pdf.clone().into_bytes(), MINIMAL_PDF);
    }
}

#[test]
fn r5_pdf_after_a_bom_or_whitespace_is_accepted_unchanged() {
    for prefix in [&b"\xEF\xBB\xBF"[..], b"\r\n", b"\xEF\xBB\xBF \n"] {
        let body = [prefix, MINIMAL_PDF].concat();
        let pdf = pdf_response(Some("application/pdf"), &body).unwrap();
        assert_eq!(pdf.as_bytes(), body.as_slice());
    }
    // Anything else before the magic is refused.
    let body = [&b"x"[..], MINIMAL_PDF].concat();
    let err = decode_error(pdf_response(Some("application/pdf"), &body));
    assert_eq!(err.kind(), DecodeErrorKind::MediaType);
}

#[test]
fn r5_pdf_sent_as_base64_is_decoded() {
    let encoded = base64_encode(MINIMAL_PDF);
    assert!(encoded.starts_with("JVBERi0"));
    let quoted = serde_json::to_string(&encoded).unwrap();
    let escaped = format!("\"{}\"", encoded.replace('/', "\\/"));
    let wrapped: String = encoded
        .as_bytes()
        .chunks(76)
        .map(|line| format!("{}\r\n", std::str::from_utf8(line).unwrap()))
        .collect();
    for body in [&encoded, &quoted, &escaped, &wrapped] {
        let pdf = pdf_response(Some("text/plain"), body.as_bytes()).unwrap();
        assert_eq!(pdf.as_bytes(), MINIMAL_PDF, "{body}");
    }
    // Base64 of something that is not a PDF is refused.
    let err = decode_error(pdf_response(None, base64_encode(b"<html>").as_bytes()));
    assert_eq!(err.kind(), DecodeErrorKind::MediaType);
}

#[test]
fn r5_pdf_html_answer_is_a_media_type_error_that_quotes_nothing() {
    let err = decode_error(pdf_response(Some("text/html; charset=utf-8"), NOT_A_PDF));
    assert_eq!(err.kind(), DecodeErrorKind::MediaType);
    assert_eq!(err.path(), None);
    let message = err.to_string();
    assert!(
        message.contains("expected a PDF document (starting with %PDF-)"),
        "{message}"
    );
    assert!(message.contains("text/html; charset=utf-8"), "{message}");
    assert!(message.contains(&NOT_A_PDF.len().to_string()), "{message}");
    assert!(message.contains("HTML"), "{message}");
    for quoted in ["DOCTYPE", "Report unavailable", "9f8e7d6c", "<html"] {
        assert!(!message.contains(quoted), "{quoted} quoted: {message}");
    }
}

#[test]
fn r5_pdf_json_answer_or_missing_content_type() {
    let body = br#"{"identifier":"INTERNAL_ERROR","message":"Report failed for Rasa."}"#;
    let err = decode_error(pdf_response(Some("application/json"), body));
    assert_eq!(err.kind(), DecodeErrorKind::MediaType);
    assert!(err.message().contains("application/json"), "{err}");
    assert!(err.message().contains("JSON"), "{err}");
    assert!(!err.message().contains("Rasa"), "{err}");

    let err = decode_error(pdf_response(None, b"PK\x03\x04zipped"));
    assert_eq!(err.kind(), DecodeErrorKind::MediaType);
    assert!(err.message().contains("no Content-Type"), "{err}");
}

#[test]
fn r5_pdf_empty_answer_is_an_empty_error() {
    for body in [&b""[..], b" \n", b"\xEF\xBB\xBF"] {
        let err = decode_error(pdf_response(Some("application/pdf"), body));
        assert_eq!(err.kind(), DecodeErrorKind::Empty, "{err}");
        assert!(err.message().contains("PDF"), "{err}");
    }
}

#[test]
fn r6_pdf_error_status_is_an_api_error() {
    let request = PdfRequest::new(SCAN_REF).unwrap();
    let err = api_error(request.parse(response(
        403,
        br#"{"identifier":"PARTNER_CONTRACT_ERROR","message":"PDF reports are not enabled."}"#,
    )));
    assert_eq!(
        err.identifier(),
        Some(&ErrorIdentifier::PartnerContractError)
    );
    // Even a PDF body does not turn an error status into a success.
    let err = api_error(request.parse(response(500, MINIMAL_PDF)));
    assert_eq!(err.status(), StatusCode::INTERNAL_SERVER_ERROR);
}

#[test]
fn r10_pdf_debug_shows_only_the_length() {
    let pdf = pdf_response(Some("application/pdf"), MINIMAL_PDF).unwrap();
    assert_eq!(
        format!("{pdf:?}"),
        format!("Pdf({} bytes)", MINIMAL_PDF.len())
    );
}

/// Standard base64 with padding, written here so the test does not use the crate's encoder.
fn base64_encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let word = chunk.iter().enumerate().fold(0u32, |word, (index, byte)| {
            word | u32::from(*byte) << (16 - 8 * index)
        });
        for index in 0..4 {
            if index <= chunk.len() {
                let sextet = (word >> (18 - 6 * index)) & 0x3f;
                out.push(char::from(ALPHABET[sextet as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn oracle_base64_encoder_round_trips() {
    for input in [&b""[..], b"f", b"fo", b"foo", b"foob", MINIMAL_PDF] {
        assert_eq!(base64_decode(&base64_encode(input)).unwrap(), input);
    }
    assert_eq!(base64_encode(b"foobar"), "Zm9vYmFy");
}

// ---------------------------------------------------------------------------------------------
// The shared oracle files (read at run time; never copied into this repository)
// ---------------------------------------------------------------------------------------------

/// The oracle directory, or `None` (with a note) when this checkout does not have it.
fn oracles() -> Option<std::path::PathBuf> {
    support::oracles_dir()
}

/// The files of `dir` whose names start with `prefix` and end with `.json`, sorted.
fn oracle_files(dir: &std::path::Path, prefix: &str) -> Vec<std::path::PathBuf> {
    let mut found: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            let name = path.file_name().unwrap().to_string_lossy();
            name.starts_with(prefix) && name.ends_with(".json")
        })
        .collect();
    found.sort();
    found
}

#[test]
fn r7_oracle_status_response_parses() {
    let Some(dir) = oracles() else { return };
    let body = std::fs::read(dir.join("idenfy-docs/status_response_2024_docsite.json")).unwrap();
    let parsed = status(&body);
    assert_eq!(parsed.status, Some(OverallStatus::Approved));
    assert!(parsed.is_final());
    assert!(parsed.is_manually_reviewed());
    assert_eq!(parsed.face(), Some(&FaceStatus::FaceMatch));
    assert_eq!(parsed.document(), Some(&DocumentStatus::DocValidated));
    assert_eq!(parsed.fraud_tags, Some(vec![]));
    assert!(parsed.scan_ref.is_some());
    assert!(parsed.client_id.is_some());
    assert!(parsed.extra.is_empty(), "{:?}", parsed.extra);
}

#[test]
fn r6_oracle_delete_errors_are_partner_errors() {
    let Some(dir) = oracles() else { return };
    for file in [
        "idenfy/delete.error-response.docs-2021.json",
        "idenfy-docs/error_delete_token_not_expired_2021.json",
        "idenfy-docs/error_delete_token_not_expired_docsite.json",
    ] {
        let body = std::fs::read(dir.join(file)).unwrap();
        let err = api_error(
            DeleteRequest::new(SCAN_REF)
                .unwrap()
                .parse(response(400, &body)),
        );
        assert_eq!(err.status(), StatusCode::BAD_REQUEST, "{file}");
        assert_eq!(
            err.identifier(),
            Some(&ErrorIdentifier::PartnerError),
            "{file}"
        );
        assert_eq!(
            err.message(),
            Some(&ErrorMessage::Text("Token has not expired yet.".to_owned())),
            "{file}"
        );
        assert_eq!(err.severity(), Some("NOT_SEVERE"), "{file}");
        assert!(err.documentation().is_some(), "{file}");
        assert_eq!(err.raw_body(), None, "{file}");
    }
}

#[test]
fn r6_oracle_error_bodies_are_api_errors() {
    let Some(dir) = oracles() else { return };
    let files = oracle_files(&dir.join("idenfy-docs"), "error_");
    assert!(files.len() >= 5, "{files:?}");
    for file in files {
        let body = std::fs::read(&file).unwrap();
        let err = ApiError::from_response(StatusCode::BAD_REQUEST, &body);
        let identifier = err
            .identifier()
            .unwrap_or_else(|| panic!("{}", file.display()));
        assert!(identifier.is_known(), "{}: {identifier}", file.display());
        assert!(
            matches!(err.message(), Some(ErrorMessage::Text(_))),
            "{}",
            file.display()
        );
        assert_eq!(err.raw_body(), None, "{}", file.display());
    }
}

#[test]
fn r4_oracle_token_responses_parse() {
    let Some(dir) = oracles() else { return };
    let mut files = oracle_files(&dir.join("idenfy"), "token.response.");
    files.extend(oracle_files(&dir.join("idenfy-docs"), "token_response_"));
    assert!(files.len() >= 5, "{files:?}");
    let request = TokenRequest::builder("crm-1").build().unwrap();
    for file in files {
        let body = std::fs::read(&file).unwrap();
        let token = request
            .parse(response(201, &body))
            .unwrap_or_else(|err| panic!("{}: {err}", file.display()));
        assert!(!token.auth_token.expose_secret().is_empty());
        assert!(!token.scan_ref.as_str().is_empty());
        assert!(token.client_id.is_some(), "{}", file.display());
    }
}

#[test]
fn r5_oracle_request_bodies_match_ours() {
    let Some(dir) = oracles() else { return };
    for file in [
        "idenfy/retrieval.request.docs-2021.json",
        "idenfy/delete.request.docs-2021.json",
        "idenfy-docs/scanref_request.json",
        "idenfy-docs/delete_request.json",
    ] {
        let documented: Value =
            serde_json::from_slice(&std::fs::read(dir.join(file)).unwrap()).unwrap();
        let scan_ref = documented["scanRef"].as_str().unwrap();
        for (path, request) in built_requests(&config(), scan_ref) {
            let ours: Value = serde_json::from_slice(request.body()).unwrap();
            assert_eq!(ours, documented, "{file} vs {path}");
        }
    }
}

proptest! {
    #[test]
    fn r5_parse_owned_and_parse_agree_on_any_answer(
        status in prop_oneof![Just(200u16), Just(201), Just(400), Just(500)],
        body in prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..64),
            Just(MINIMAL_PDF.to_vec()),
            Just(b"\xEF\xBB\xBF \n%PDF-1.4 tail".to_vec()),
        ],
    ) {
        let request = PdfRequest::new(SCAN_REF).unwrap();
        let borrowed = request.parse(response(status, &body));
        let owned = request.parse_owned(Response::builder().status(status).body(body.clone()).unwrap());
        prop_assert_eq!(format!("{borrowed:?}"), format!("{owned:?}"));
        prop_assert_eq!(borrowed.ok().map(Pdf::into_bytes), owned.ok().map(Pdf::into_bytes));
    }
}
