#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Test code indexes and slices known fixtures and outputs: a bad bound is a failed test.
#![allow(clippy::indexing_slicing, clippy::string_slice)]
//! Secrets and personal data (R6, R10): `Debug` and `Display` of every type that holds them never
//! show the API secret, the base64 credentials, the `authToken` or personal values, while the
//! `clientId` and field names stay visible for debugging. The values and checks are in
//! `support/redaction.rs`, shared with the client's redaction tests (the workspace's
//! `tests/tests/client_redaction.rs`).

mod support;

use idenfy_proto::http::Response;
use idenfy_proto::http::header::AUTHORIZATION;
use idenfy_proto::{
    ApiError, ApiSecret, AuthToken, Credentials, Endpoint, Error, Personal, TokenRequest,
    TokenResponse,
};
use support::contains_ignore_ascii_case;
use support::redaction::{
    ADDRESS, API_KEY, API_SECRET, AUTH_TOKEN, CLIENT_ID, DATE_OF_BIRTH, DATE_OF_EXPIRY,
    DATE_OF_ISSUE, DOCUMENT_NUMBER, FIRST_NAME, LAST_NAME, PERSONAL_NUMBER, assert_no_personal,
    assert_no_secret, config, personal_request,
};

fn token_response() -> TokenResponse {
    let body = serde_json::json!({
        "message": "Token created successfully",
        "authToken": AUTH_TOKEN,
        "scanRef": "c4d8a1f2-9e37-4b60-8d15-7f2e0a9b3c6d",
        "clientId": CLIENT_ID,
        "firstName": FIRST_NAME.to_uppercase(),
        "lastName": LAST_NAME.to_uppercase(),
        "dateOfBirth": DATE_OF_BIRTH,
        "dateOfExpiry": DATE_OF_EXPIRY,
        "dateOfIssue": DATE_OF_ISSUE,
        "personalNumber": PERSONAL_NUMBER,
        "documentNumber": DOCUMENT_NUMBER,
        "address": ADDRESS,
        "nationality": "NZ",
        "digitString": "60418273",
        "redirectUrl": format!("https://ivs.idenfy.com/api/v2/redirect?authToken={AUTH_TOKEN}"),
        "unknownPersonalField": FIRST_NAME,
    });
    let body = serde_json::to_vec(&body).unwrap();
    let response = Response::builder().status(201).body(&body[..]).unwrap();
    personal_request().parse(response).unwrap()
}

#[test]
fn r10_credentials_config_and_secret_types() {
    let credentials = Credentials::new(API_KEY, API_SECRET).unwrap();
    let debug = format!("{credentials:?}");
    assert_no_secret("Credentials", &debug);
    assert!(debug.contains(API_KEY), "{debug}");
    // The secret is still there for the one place that needs it.
    assert_eq!(credentials.api_secret().expose_secret(), API_SECRET);

    let config = config();
    let debug = format!("{config:?}");
    assert_no_secret("Config", &debug);
    assert!(debug.contains("ivs.idenfy.com"), "{debug}");

    let pretty = format!("{config:#?}");
    assert_no_secret("Config (pretty)", &pretty);

    let secret = ApiSecret::new(API_SECRET);
    assert_no_secret("ApiSecret", &format!("{secret:?}"));
    assert_no_secret("ApiSecret (pretty)", &format!("{secret:#?}"));

    let token = AuthToken::new(AUTH_TOKEN);
    assert_no_secret("AuthToken", &format!("{token:?}"));
    assert_eq!(token.expose_secret(), AUTH_TOKEN);
    let prefix = token.redacted_prefix(4);
    assert!(prefix.starts_with("Zx81"), "{prefix}");
    assert_no_secret("AuthToken prefix", &prefix);

    let personal = Personal::new(PERSONAL_NUMBER.to_owned());
    assert_no_personal("Personal", &format!("{personal:?}"));
}

#[test]
fn r10_token_request_debug() {
    let request = personal_request();
    for debug in [format!("{request:?}"), format!("{request:#?}")] {
        assert_no_personal("TokenRequest", &debug);
        assert_no_secret("TokenRequest", &debug);
        assert!(debug.contains(CLIENT_ID), "{debug}");
        assert!(debug.contains("first_name"), "{debug}");
        assert!(debug.contains("personal_number"), "{debug}");
    }
    // The builder holds the same values unchecked.
    let builder = TokenRequest::builder(CLIENT_ID)
        .first_name(FIRST_NAME)
        .address(ADDRESS)
        .personal_number(PERSONAL_NUMBER);
    let debug = format!("{builder:?}");
    assert_no_personal("TokenRequestBuilder", &debug);
    assert!(debug.contains(CLIENT_ID), "{debug}");
}

#[test]
fn r10_token_response_debug() {
    let token = token_response();
    // The values are there, only hidden from Debug.
    assert_eq!(token.auth_token.expose_secret(), AUTH_TOKEN);
    assert_eq!(
        token.first_name.as_ref().unwrap().expose(),
        &FIRST_NAME.to_uppercase()
    );
    for debug in [format!("{token:?}"), format!("{token:#?}")] {
        assert_no_secret("TokenResponse", &debug);
        assert_no_personal("TokenResponse", &debug);
        assert!(!debug.contains("60418273"), "digit string shown: {debug}");
        assert!(debug.contains(CLIENT_ID), "{debug}");
        assert!(debug.contains("auth_token"), "{debug}");
        assert!(debug.contains("unknownPersonalField"), "{debug}");
    }
}

#[test]
fn r10_http_request_debug() {
    let request = personal_request().to_request(&config()).unwrap();
    assert!(request.headers()[AUTHORIZATION].is_sensitive());
    let debug = format!("{request:?}");
    assert_no_secret("http::Request", &debug);
    assert_no_personal("http::Request", &debug);
    assert!(debug.contains("/api/v2/token"), "{debug}");
    assert!(
        contains_ignore_ascii_case(&debug, "authorization"),
        "{debug}"
    );
}

#[test]
fn r10_validation_error_for_a_bad_name() {
    for (builder, field) in [
        (
            TokenRequest::builder(CLIENT_ID).first_name(format!("{FIRST_NAME}7")),
            "firstName",
        ),
        (
            TokenRequest::builder(CLIENT_ID).last_name(format!("{LAST_NAME}@")),
            "lastName",
        ),
        (
            TokenRequest::builder(CLIENT_ID).first_name(FIRST_NAME.repeat(30)),
            "firstName",
        ),
        (
            TokenRequest::builder(CLIENT_ID).personal_number(PERSONAL_NUMBER.repeat(5)),
            "personalNumber",
        ),
        (
            TokenRequest::builder(CLIENT_ID).address(ADDRESS.repeat(20)),
            "address",
        ),
        (
            TokenRequest::builder(CLIENT_ID).date_of_birth(format!("{DATE_OF_BIRTH}x")),
            "dateOfBirth",
        ),
    ] {
        let err = builder.build().unwrap_err();
        assert_eq!(err.field(), field);
        for text in [err.to_string(), format!("{err:?}")] {
            assert_no_personal("ValidationError", &text);
            assert!(text.contains(field), "{text}");
        }
    }
}

#[test]
fn r10_api_error() {
    let body = br#"{"identifier":"UNAUTHORIZED","message":"Invalid API key or secret.","documentation":"","severity":"NOT_SEVERE"}"#;
    let err = ApiError::from_response(idenfy_proto::http::StatusCode::UNAUTHORIZED, body);
    assert!(err.to_string().contains("UNAUTHORIZED"), "{err}");
    for text in [err.to_string(), format!("{err:?}")] {
        assert_no_secret("ApiError", &text);
        assert!(text.contains("401"), "{text}");
        assert!(text.contains("Invalid API key or secret."), "{text}");
    }
}

#[test]
fn r10_decode_error_does_not_quote_values() {
    // A value of the wrong type is no error any more (R7): it is kept raw, and neither the
    // result's `Debug` nor its list of fallbacks shows it.
    let body = serde_json::json!({
        "authToken": AUTH_TOKEN,
        "scanRef": "ref",
        "sessionLength": FIRST_NAME,
    });
    let body = serde_json::to_vec(&body).unwrap();
    let response = Response::builder().status(201).body(&body[..]).unwrap();
    let token = personal_request().parse(response).unwrap();
    assert_eq!(token.fallbacks(), ["sessionLength"]);
    let text = format!("{token:?}");
    assert_no_secret("TokenResponse", &text);
    assert_no_personal("TokenResponse", &text);

    // A missing required field is an error; it carries the token that did decode, redacted.
    let body = serde_json::json!({
        "authToken": AUTH_TOKEN,
        "scanRef": [FIRST_NAME],
        "sessionLength": FIRST_NAME,
    });
    let body = serde_json::to_vec(&body).unwrap();
    let response = Response::builder().status(201).body(&body[..]).unwrap();
    let err = match personal_request().parse(response) {
        Err(Error::Decode(err)) => err,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        err.auth_token().map(|t| t.expose_secret()),
        Some(AUTH_TOKEN)
    );
    for text in [err.to_string(), format!("{err:?}")] {
        assert_no_secret("DecodeError", &text);
        assert_no_personal("DecodeError", &text);
        assert!(text.contains("scanRef"), "{text}");
    }
    // A syntax error names where it happened and quotes nothing.
    let body = format!(r#"{{"authToken":"{AUTH_TOKEN}","firstName":"{FIRST_NAME}" "#);
    let response = Response::builder()
        .status(201)
        .body(body.as_bytes())
        .unwrap();
    let err = match personal_request().parse(response) {
        Err(Error::Decode(err)) => err,
        other => panic!("{other:?}"),
    };
    for text in [err.to_string(), format!("{err:?}")] {
        assert_no_secret("DecodeError", &text);
        assert_no_personal("DecodeError", &text);
    }
}
