#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Test code indexes and slices known fixtures and outputs: a bad bound is a failed test.
#![allow(clippy::indexing_slicing, clippy::string_slice)]
//! Face authentication (R12): the status check, the token request and its answer, and the
//! sessions — requests, rules, lenient answers (R7), retry classes (R9) and redaction (R10).

use idenfy_proto::http::header::CONTENT_TYPE;
use idenfy_proto::http::{Method, Response};
use idenfy_proto::{
    Config, Credentials, Endpoint, Error, FaceAuthMethod, FaceAuthSessionRequest, FaceAuthSessions,
    FaceAuthSessionsRequest, FaceAuthStatus, FaceAuthStatusRequest, FaceAuthTokenRequest,
    FaceAuthTokenResponse, FaceAuthType, RetryClass, Rule,
};
use proptest::prelude::*;
use serde_json::{Value, json};

const SESSIONS: &[u8] = include_bytes!("fixtures/endpoints/face_auth_sessions.json");
const SCAN_REF: &str = "4f1c2a9e-0b7d-4c3e-9a55-6d2e8f1b3c70";
const SESSION_TOKEN: &str = "Fa7uThT0k3nStr1ngAbCdEfGhIjKlMnOpQr";

fn config() -> Config {
    Config::new(Credentials::new("partner-key", "partner-secret").unwrap())
}

fn response(status: u16, body: &[u8]) -> Response<&[u8]> {
    Response::builder().status(status).body(body).unwrap()
}

/// Decodes `%XX` escapes (a second opinion on the crate's path encoding, written here).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'%' {
            let hex = std::str::from_utf8(&bytes[at + 1..at + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            at += 3;
        } else {
            out.push(bytes[at]);
            at += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn r12_status_check_request() {
    let request = FaceAuthStatusRequest::new(SCAN_REF).unwrap();
    let http_request = request.to_request(&config()).unwrap();
    assert_eq!(http_request.method(), Method::GET);
    assert!(http_request.headers().get(CONTENT_TYPE).is_none());
    assert_eq!(
        http_request.uri(),
        "https://ivs.idenfy.com/identification/facial-auth/4f1c2a9e-0b7d-4c3e-9a55-6d2e8f1b3c70/check-status/?method=FACE_MATCHING"
    );
    assert_eq!(request.retry_class(), RetryClass::ReadOnly);
    assert_eq!(request.method(), &FaceAuthMethod::FaceMatching);

    let liveness =
        FaceAuthStatusRequest::for_method(SCAN_REF, FaceAuthMethod::ActiveLiveness).unwrap();
    assert_eq!(
        liveness.to_request(&config()).unwrap().uri().query(),
        Some("method=ACTIVE_LIVENESS")
    );
    let err = FaceAuthStatusRequest::for_method(SCAN_REF, FaceAuthMethod::Unknown("X".into()))
        .unwrap_err();
    assert_eq!(
        (err.field(), err.rule()),
        (
            "method",
            &Rule::OneOf {
                allowed: FaceAuthMethod::KNOWN_STRS
            }
        )
    );
    for dots in [".", ".."] {
        let err = FaceAuthStatusRequest::new(dots).unwrap_err();
        assert_eq!((err.field(), err.rule()), ("scanRef", &Rule::DotSegment));
    }
}

#[test]
fn r12_status_check_answers() {
    let request = FaceAuthStatusRequest::new(SCAN_REF).unwrap();
    let status = request
        .parse(response(200, br#"{"type":"IDENTIFICATION"}"#))
        .unwrap();
    assert_eq!(status.auth_type, Some(FaceAuthType::Identification));
    assert!(!status.can_authenticate());
    let unknown = request
        .parse(response(200, br#"{"type":"SOMETHING_NEW","hint":1}"#))
        .unwrap();
    assert_eq!(
        unknown.auth_type,
        Some(FaceAuthType::Unknown("SOMETHING_NEW".into()))
    );
    assert_eq!(unknown.extra["hint"], 1);
    // `type` is the whole answer: required.
    for body in [&b"{}"[..], br#"{"type":""}"#, br#"{"type":null}"#] {
        match request.parse(response(200, body)) {
            Err(Error::Decode(error)) => assert_eq!(error.path(), Some("type")),
            other => panic!("{other:?}"),
        }
    }
    // An unknown `scanRef` is a 404: an API error.
    let not_found = request.parse(response(404, b"")).unwrap_err();
    assert_eq!(not_found.as_api().unwrap().status(), 404);
    let plain: FaceAuthStatus = serde_json::from_str(r#"{"type":"AUTHENTICATION"}"#).unwrap();
    assert!(plain.can_authenticate());
}

#[test]
fn r12_token_request() {
    let request = FaceAuthTokenRequest::builder(SCAN_REF)
        .method(FaceAuthMethod::ActiveLiveness)
        .locale("lt")
        .lifetime(1800)
        .generate_digit_string(false)
        .build()
        .unwrap();
    let http_request = request.to_request(&config()).unwrap();
    assert_eq!(http_request.method(), Method::POST);
    assert_eq!(
        http_request.uri(),
        "https://ivs.idenfy.com/partner/authentication-info"
    );
    let body: Value = serde_json::from_slice(http_request.body()).unwrap();
    assert_eq!(
        body,
        json!({"scanRef": SCAN_REF, "type": "AUTHENTICATION", "method": "ACTIVE_LIVENESS",
            "generateDigitString": false, "locale": "lt", "lifetime": 1800})
    );
    assert_eq!(request.retry_class(), RetryClass::NotIdempotent);
    assert_eq!(request.auth_type(), &FaceAuthType::Authentication);

    let minimal = FaceAuthTokenRequest::builder(SCAN_REF).build().unwrap();
    assert_eq!(
        serde_json::from_slice::<Value>(&minimal.to_json().unwrap()).unwrap(),
        json!({"scanRef": SCAN_REF, "type": "AUTHENTICATION", "method": "FACE_MATCHING"})
    );
}

#[test]
fn r12_token_request_rules() {
    let builder = || FaceAuthTokenRequest::builder(SCAN_REF);
    let lifetime = |actual| Rule::Range {
        min: 1,
        max: 2_592_000,
        actual,
    };
    for ok in [1, 1800, 2_592_000] {
        assert!(builder().lifetime(ok).build().is_ok(), "{ok}");
    }
    for bad in [0, -5, 2_592_001] {
        let err = builder().lifetime(bad).build().unwrap_err();
        assert_eq!((err.field(), err.rule()), ("lifetime", &lifetime(bad)));
    }
    let err = builder().locale("EN").build().unwrap_err();
    assert_eq!((err.field(), err.rule()), ("locale", &Rule::LocaleFormat));
    let err = builder()
        .method(FaceAuthMethod::Unknown("PALM".into()))
        .build()
        .unwrap_err();
    assert_eq!(err.field(), "method");
    let err = FaceAuthTokenRequest::builder("").build().unwrap_err();
    assert_eq!(err.field(), "scanRef");
}

#[test]
fn r12_token_answers_and_their_aliases() {
    let request = FaceAuthTokenRequest::builder(SCAN_REF).build().unwrap();
    let read = |body: &str| -> FaceAuthTokenResponse {
        request.parse(response(200, body.as_bytes())).unwrap()
    };
    let answer = read(r#"{"authToken":"FaceT0kenAbc123","digitString":"12345678","scanRef":"s"}"#);
    assert_eq!(answer.auth_token.expose_secret(), "FaceT0kenAbc123");
    assert_eq!(
        answer.digit_string.as_deref().map(String::as_str),
        Some("12345678")
    );
    assert_eq!(answer.scan_ref.as_deref(), Some("s"));
    let debug = format!("{answer:?}");
    assert!(
        !debug.contains("FaceT0ken") && !debug.contains("12345678"),
        "{debug}"
    );

    assert_eq!(
        read(r#"{"tokenString":"FromTokenString"}"#)
            .auth_token
            .expose_secret(),
        "FromTokenString"
    );
    assert_eq!(
        read(r#"{"token":"FromToken"}"#).auth_token.expose_secret(),
        "FromToken"
    );
    // `tokenString` comes before `token`, whatever the order of the keys.
    let both = read(r#"{"token":"Second","tokenString":"First"}"#);
    assert_eq!(both.auth_token.expose_secret(), "First");
    assert_eq!(both.extra["token"], "Second");
    // `authToken` wins; an alias that is not used is kept.
    let all = read(r#"{"tokenString":"Alias","authToken":"Main"}"#);
    assert_eq!(all.auth_token.expose_secret(), "Main");
    assert_eq!(all.extra["tokenString"], "Alias");
    // An alias that does not fit is kept too, and the token is then missing.
    for body in [
        &br#"{"tokenString":{"x":1}}"#[..],
        b"{}",
        br#"{"authToken":""}"#,
    ] {
        match request.parse(response(200, body)) {
            Err(Error::Decode(error)) => assert_eq!(error.path(), Some("authToken")),
            other => panic!("{other:?}"),
        }
    }
    let plain: FaceAuthTokenResponse = serde_json::from_str(r#"{"token":"Plain"}"#).unwrap();
    assert_eq!(plain.auth_token.expose_secret(), "Plain");
}

#[test]
fn r7_sessions_are_read_item_by_item() {
    let request = FaceAuthSessionsRequest::new();
    let http_request = request.to_request(&config()).unwrap();
    assert_eq!(http_request.method(), Method::GET);
    assert_eq!(
        http_request.uri(),
        "https://ivs.idenfy.com/api/v2/facial-authentication-sessions/"
    );
    assert_eq!(request.retry_class(), RetryClass::ReadOnly);

    let sessions = request.parse(response(200, SESSIONS)).unwrap();
    assert_eq!(sessions.sessions.len(), 2);
    let first = &sessions.sessions[0];
    assert_eq!(
        first.token_string.as_ref().unwrap().expose_secret(),
        SESSION_TOKEN
    );
    assert_eq!(first.approved, Some(true));
    assert_eq!(first.session_type, Some(FaceAuthType::Authentication));
    assert_eq!(
        first.authentication_method,
        Some(FaceAuthMethod::FaceMatching)
    );
    let second = &sessions.sessions[1];
    assert_eq!(second.approved, None);
    assert_eq!(second.extra["approved"], "pending");
    assert_eq!(
        second.authentication_method,
        Some(FaceAuthMethod::Unknown("PALM_PRINT".into()))
    );
    assert_eq!(second.extra["riskTags"], json!(["UNTRUSTED_ENVIRONMENT"]));
    assert_eq!(sessions.unreadable.len(), 1);
    assert_eq!(*sessions.unreadable[0].expose(), json!("not-a-session"));
    assert_eq!(sessions.fallbacks(), ["[1].approved", "[2]"]);

    let plain: FaceAuthSessions = serde_json::from_slice(SESSIONS).unwrap();
    assert_eq!(plain, sessions);
    // Written back as the array, the unreadable item last.
    let written = serde_json::to_value(&sessions).unwrap();
    assert_eq!(written.as_array().unwrap().len(), 3);
    assert_eq!(written[2], "not-a-session");

    let debug = format!("{sessions:?}");
    assert!(!debug.contains(SESSION_TOKEN), "{debug}");
    assert!(!debug.contains("files.example"), "{debug}");
    assert!(!debug.contains("not-a-session"), "{debug}");

    for body in [&b"{}"[..], b"null", b"\"x\""] {
        match request.parse(response(200, body)) {
            Err(Error::Decode(error)) => assert_eq!(error.path(), Some(".")),
            other => panic!("{other:?}"),
        }
    }
    assert!(
        request
            .parse(response(200, b"[]"))
            .unwrap()
            .sessions
            .is_empty()
    );
}

#[test]
fn r10_session_request_keeps_its_token_out_of_debug_and_errors() {
    let request = FaceAuthSessionRequest::new(SESSION_TOKEN).unwrap();
    let http_request = request.to_request(&config()).unwrap();
    assert_eq!(
        http_request.uri().path(),
        format!("/api/v2/facial-authentication-sessions/{SESSION_TOKEN}/")
    );
    assert_eq!(request.retry_class(), RetryClass::ReadOnly);
    assert!(!format!("{request:?}").contains(SESSION_TOKEN));
    let session = request
        .parse(response(
            200,
            br#"{"id":"x","tokenString":"Secret12345","approved":null}"#,
        ))
        .unwrap();
    assert_eq!(session.approved, None);
    assert!(!format!("{session:?}").contains("Secret12345"));

    let long = "T".repeat(41);
    let err = FaceAuthSessionRequest::new(long.clone()).unwrap_err();
    assert_eq!(
        (err.field(), err.rule()),
        (
            "tokenString",
            &Rule::Length {
                min: 1,
                max: 40,
                actual: 41
            }
        )
    );
    assert!(!err.to_string().contains(&long));
    let err = FaceAuthSessionRequest::new("..").unwrap_err();
    assert_eq!(err.rule(), &Rule::DotSegment);
}

proptest! {
    #[test]
    fn r12_any_scan_ref_stays_one_segment(scan_ref in "[\\PC]{1,40}") {
        prop_assume!(scan_ref != "." && scan_ref != "..");
        let request = FaceAuthStatusRequest::new(&scan_ref).unwrap();
        let uri = request.to_request(&config()).unwrap().uri().clone();
        let path = uri.path();
        let segment = path
            .strip_prefix("/identification/facial-auth/")
            .and_then(|rest| rest.strip_suffix("/check-status/"))
            .unwrap();
        prop_assert!(!segment.contains('/') && !segment.contains('?') && !segment.contains('#'));
        prop_assert_eq!(percent_decode(segment), scan_ref);
        prop_assert_eq!(uri.query(), Some("method=FACE_MATCHING"));
    }

    #[test]
    fn r12_session_token_lengths(len in 0usize..80) {
        let token = "k".repeat(len);
        let result = FaceAuthSessionRequest::new(token.clone());
        prop_assert_eq!(result.is_ok(), (1..=40).contains(&len));
        if let Err(err) = result {
            prop_assert_eq!(err.rule(), &Rule::Length { min: 1, max: 40, actual: len });
            // The error never shows the token (R10).
            prop_assert!(len < 2 || !err.to_string().contains(&token));
        }
    }

    #[test]
    fn r12_face_auth_token_lifetime(seconds in -100i64..2_600_000) {
        let result = FaceAuthTokenRequest::builder(SCAN_REF).lifetime(seconds).build();
        prop_assert_eq!(result.is_ok(), (1..=2_592_000).contains(&seconds));
    }
}
