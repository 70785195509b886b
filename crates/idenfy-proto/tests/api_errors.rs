#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The error model (R6): every non-2xx answer becomes a typed `ApiError` that keeps the status,
//! the identifier (known ones as variants, any other verbatim), the message (string or JSON),
//! `documentation`, `severity`, and the raw body when it is not JSON.

use idenfy_proto::http::{Response, StatusCode};
use idenfy_proto::{ApiError, Endpoint, Error, ErrorIdentifier, ErrorMessage, TokenRequest};
use proptest::prelude::*;
use serde_json::json;

const DELETE_NOT_EXPIRED: &[u8] = include_bytes!("fixtures/error_delete_not_expired.json");
const GATEWAY_HTML: &[u8] = include_bytes!("fixtures/error_gateway.html");

/// Every documented identifier with the variant it must map to.
fn documented() -> Vec<(&'static str, ErrorIdentifier)> {
    vec![
        ("INTERNAL_ERROR", ErrorIdentifier::InternalError),
        ("BAD_VALUE", ErrorIdentifier::BadValue),
        ("MISSING_VALUE", ErrorIdentifier::MissingValue),
        ("UNAUTHORIZED", ErrorIdentifier::Unauthorized),
        ("ENCODING_ERROR", ErrorIdentifier::EncodingError),
        ("JSON_ERROR", ErrorIdentifier::JsonError),
        ("TOKEN_NOT_VALID", ErrorIdentifier::TokenNotValid),
        (
            "PARTNER_CONTRACT_ERROR",
            ErrorIdentifier::PartnerContractError,
        ),
        ("METHOD_NOT_ALLOWED", ErrorIdentifier::MethodNotAllowed),
        ("PERMISSIONS_ERROR", ErrorIdentifier::PermissionsError),
        ("TOO_MANY_REQUESTS", ErrorIdentifier::TooManyRequests),
        ("VALIDATION_ERROR", ErrorIdentifier::ValidationError),
        ("PARTNER_ERROR", ErrorIdentifier::PartnerError),
    ]
}

/// Sends `body` with `status` through the token endpoint's parser and returns the API error.
fn api_error(status: u16, body: &[u8]) -> ApiError {
    let request = TokenRequest::builder("crm-88412").build().unwrap();
    let response = Response::builder().status(status).body(body).unwrap();
    match request.parse(response) {
        Err(Error::Api(err)) => err,
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[test]
fn r6_every_documented_identifier_is_a_variant() {
    let statuses = [400, 401, 403, 404, 405, 409, 429, 500, 503];
    for (index, (wire, variant)) in documented().into_iter().enumerate() {
        let status = statuses[index % statuses.len()];
        let body = json!({"identifier": wire, "message": format!("Something about {wire}.")});
        let err = api_error(status, &serde_json::to_vec(&body).unwrap());
        assert_eq!(err.status().as_u16(), status, "{wire}");
        let identifier = err.identifier().expect("an identifier");
        assert_eq!(identifier, &variant);
        assert!(identifier.is_known(), "{wire}");
        assert_eq!(identifier.as_str(), wire);
        assert_eq!(identifier.to_string(), wire);
        assert_eq!(
            err.message(),
            Some(&ErrorMessage::Text(format!("Something about {wire}.")))
        );
        assert_eq!(err.raw_body(), None, "{wire}");
        assert!(err.to_string().contains(wire), "{err}");
        assert!(err.to_string().contains(&status.to_string()), "{err}");
    }
}

#[test]
fn r6_documented_identifiers_are_the_known_list() {
    let wires: Vec<&str> = documented().iter().map(|(wire, _)| *wire).collect();
    let mut known = ErrorIdentifier::KNOWN_STRS.to_vec();
    known.sort_unstable();
    let mut expected = wires.clone();
    expected.sort_unstable();
    assert_eq!(known, expected);
}

#[test]
fn r6_unknown_identifier_is_kept_verbatim() {
    let err = api_error(
        429,
        br#"{"identifier":"QUOTA_EXCEEDED_V2","message":"Monthly quota used up."}"#,
    );
    let identifier = err.identifier().unwrap();
    assert_eq!(
        identifier,
        &ErrorIdentifier::Unknown("QUOTA_EXCEEDED_V2".to_owned())
    );
    assert!(!identifier.is_known());
    assert_eq!(identifier.as_str(), "QUOTA_EXCEEDED_V2");
    assert_eq!(err.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[test]
fn r6_identifier_case_is_not_folded() {
    // `bad_value` is not `BAD_VALUE`: kept as it came.
    let err = api_error(400, br#"{"identifier":"bad_value","message":"x"}"#);
    assert_eq!(
        err.identifier(),
        Some(&ErrorIdentifier::Unknown("bad_value".to_owned()))
    );
}

#[test]
fn r6_message_as_string() {
    let err = api_error(
        400,
        br#"{"identifier":"BAD_VALUE","message":"Field 'country' must be a valid ISO 3166-1 alpha-2 code."}"#,
    );
    assert_eq!(
        err.message(),
        Some(&ErrorMessage::Text(
            "Field 'country' must be a valid ISO 3166-1 alpha-2 code.".to_owned()
        ))
    );
}

#[test]
fn r6_message_as_json_object() {
    let err = api_error(
        400,
        br#"{"identifier":"VALIDATION_ERROR","message":{"sessionLength":["Ensure this value is less than or equal to 3600."],"locale":["Not a valid choice."]}}"#,
    );
    assert_eq!(err.identifier(), Some(&ErrorIdentifier::ValidationError));
    assert_eq!(
        err.message(),
        Some(&ErrorMessage::Json(json!({
            "sessionLength": ["Ensure this value is less than or equal to 3600."],
            "locale": ["Not a valid choice."]
        })))
    );
    assert!(err.to_string().contains("sessionLength"), "{err}");
}

#[test]
fn r6_message_as_other_json_values() {
    for (message, expected) in [
        (json!(["a", "b"]), ErrorMessage::Json(json!(["a", "b"]))),
        (json!(42), ErrorMessage::Json(json!(42))),
        (json!(""), ErrorMessage::Text(String::new())),
    ] {
        let body = json!({"identifier": "BAD_VALUE", "message": message});
        let err = api_error(400, &serde_json::to_vec(&body).unwrap());
        assert_eq!(err.message(), Some(&expected));
    }
    let err = api_error(400, br#"{"identifier":"BAD_VALUE","message":null}"#);
    assert_eq!(err.message(), None);
}

#[test]
fn r6_documentation_and_severity_kept() {
    let err = api_error(
        400,
        br#"{"identifier":"MISSING_VALUE","message":"No image provided for step 'BACK'","documentation":"https://documentation.idenfy.com/kyc/errors","severity":"NOT_SEVERE"}"#,
    );
    assert_eq!(
        err.documentation(),
        Some("https://documentation.idenfy.com/kyc/errors")
    );
    assert_eq!(err.severity(), Some("NOT_SEVERE"));

    // An empty documentation string is kept as empty, not dropped.
    let err = api_error(
        400,
        br#"{"identifier":"BAD_VALUE","message":"x","documentation":"","severity":"SEVERE"}"#,
    );
    assert_eq!(err.documentation(), Some(""));
    assert_eq!(err.severity(), Some("SEVERE"));

    // Absent: None.
    let err = api_error(400, br#"{"identifier":"BAD_VALUE","message":"x"}"#);
    assert_eq!(err.documentation(), None);
    assert_eq!(err.severity(), None);
}

#[test]
fn r6_delete_not_expired_partner_error() {
    let err = api_error(400, DELETE_NOT_EXPIRED);
    assert_eq!(err.status(), StatusCode::BAD_REQUEST);
    assert_eq!(err.identifier(), Some(&ErrorIdentifier::PartnerError));
    assert_eq!(err.identifier().unwrap().as_str(), "PARTNER_ERROR");
    assert_eq!(
        err.message(),
        Some(&ErrorMessage::Text("Token has not expired yet.".to_owned()))
    );
    assert_eq!(
        err.documentation(),
        Some("https://documentation.idenfy.com/kyc/deletion")
    );
    assert_eq!(err.severity(), Some("NOT_SEVERE"));
    assert_eq!(err.raw_body(), None);
    // Built directly from the status and body, the same error.
    assert_eq!(
        ApiError::from_response(StatusCode::BAD_REQUEST, DELETE_NOT_EXPIRED),
        err
    );
}

#[test]
fn r6_non_json_error_body_is_kept_raw() {
    let err = api_error(502, GATEWAY_HTML);
    assert_eq!(err.status(), StatusCode::BAD_GATEWAY);
    assert_eq!(err.raw_body(), Some(GATEWAY_HTML));
    assert_eq!(err.identifier(), None);
    assert_eq!(err.message(), None);
    assert!(err.to_string().contains("502"), "{err}");

    let err = api_error(500, b"Internal Server Error");
    assert_eq!(err.raw_body(), Some(&b"Internal Server Error"[..]));
}

#[test]
fn r6_json_without_error_fields_is_kept_raw() {
    let body = br#"{"detail":"Not found."}"#;
    let err = api_error(404, body);
    assert_eq!(err.identifier(), None);
    assert_eq!(err.raw_body(), Some(&body[..]));
}

#[test]
fn r6_unauthorized_and_forbidden_with_empty_body_still_typed() {
    for status in [401, 403] {
        let err = api_error(status, b"");
        assert_eq!(err.status().as_u16(), status);
        assert_eq!(err.identifier(), None);
        assert_eq!(err.message(), None);
        assert_eq!(err.documentation(), None);
        assert_eq!(err.severity(), None);
        assert_eq!(err.raw_body(), None);
        assert!(err.to_string().contains(&status.to_string()), "{err}");
    }
}

#[test]
fn r6_unauthorized_with_identifier() {
    let err = api_error(
        401,
        br#"{"identifier":"UNAUTHORIZED","message":"Invalid API key or secret."}"#,
    );
    assert_eq!(err.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(err.identifier(), Some(&ErrorIdentifier::Unauthorized));
}

#[test]
fn r6_identifier_of_unexpected_type_is_tolerated() {
    let err = api_error(400, br#"{"identifier":1234,"message":"odd"}"#);
    assert_eq!(
        err.identifier(),
        Some(&ErrorIdentifier::Unknown("1234".to_owned()))
    );
}

#[test]
fn r6_duplicate_identifier_last_wins() {
    let err = api_error(
        400,
        br#"{"identifier":"BAD_VALUE","message":"a","identifier":"MISSING_VALUE"}"#,
    );
    assert_eq!(err.identifier(), Some(&ErrorIdentifier::MissingValue));
}

proptest! {
    #[test]
    fn r6_any_non_2xx_is_an_api_error_keeping_the_status(
        status in (100u16..=999).prop_filter("not 2xx", |s| !(200..300).contains(s)),
        body in proptest::collection::vec(any::<u8>(), 0..256),
    ) {
        let err = api_error(status, &body);
        prop_assert_eq!(err.status().as_u16(), status);
        // Whatever the body, the error prints, and names the status.
        prop_assert!(err.to_string().contains(&status.to_string()), "{}", err);
        let debug = format!("{err:?}");
        prop_assert!(debug.contains(&status.to_string()), "{}", debug);
    }

    #[test]
    fn r6_any_identifier_string_round_trips(
        identifier in prop_oneof![
            "[A-Z][A-Z_]{0,30}",
            any::<String>(),
        ],
        status in prop_oneof![Just(400u16), Just(403), Just(429), Just(500)],
    ) {
        let body = json!({"identifier": identifier, "message": "m"});
        let err = api_error(status, &serde_json::to_vec(&body).unwrap());
        let parsed = err.identifier().unwrap();
        prop_assert_eq!(parsed.as_str(), identifier.as_str());
        let known = documented().iter().any(|(wire, _)| *wire == identifier);
        prop_assert_eq!(parsed.is_known(), known);
        prop_assert_eq!(err.status().as_u16(), status);
    }
}

#[test]
fn r6_r7_error_bodies_are_read_field_by_field_and_keep_everything() {
    let body = br#"{"identifier":"BAD_VALUE","message":{"country":["bad"]},"documentation":{"url":"x"},"severity":7,"requestId":"r-1","identifier":"MISSING_VALUE"}"#;
    let err = api_error(400, body);
    // The last of a repeated key wins; a message may be any JSON; a number is a string.
    assert_eq!(err.identifier(), Some(&ErrorIdentifier::MissingValue));
    assert!(matches!(err.message(), Some(ErrorMessage::Json(_))));
    assert_eq!(err.severity(), Some("7"));
    // A value that does not fit is kept, named; an unmodelled field is kept too.
    assert_eq!(err.documentation(), None);
    assert_eq!(err.extra()["documentation"], json!({"url": "x"}));
    assert_eq!(
        err.extra().fallbacks().collect::<Vec<_>>(),
        ["documentation"]
    );
    assert_eq!(err.extra()["requestId"], "r-1");
    assert!(err.raw_body().is_none());
    // Debug shows the keys of what was kept, never the values.
    let debug = format!("{err:?}");
    assert!(
        debug.contains("requestId") && !debug.contains("r-1"),
        "{debug}"
    );
}

/// Personal fields of each kind of model the library reads (the token answer's echo, the data
/// read from the document, webhooks), as iDenfy spells them and in snake case.
const PERSONAL_FIELDS: [&str; 12] = [
    "firstName",
    "lastName",
    "personalNumber",
    "documentNumber",
    "docFirstName",
    "docNumber",
    "docPersonalCode",
    "address",
    "clientIp",
    "fileUrls",
    "answer",
    "doc_last_name",
];

/// `field` with `value` in one of the shapes a broken or non-JSON body carries it.
fn personal_pair(shape: usize, field: &str, value: &str) -> String {
    match shape {
        0 => format!(r#""{field}": "{value}""#),
        1 => format!(r#"{{"{field}":"{value}","#),
        2 => format!("'{field}': '{value}'"),
        3 => format!(r#"\"{field}\":\"{value}\""#),
        4 => format!("{field}={value}&"),
        5 => format!("{field}: {value}\n"),
        6 => format!(r#""{field}": {{"v": ["{value}"]}}"#),
        7 => format!(r#""{field}": {value},"#),
        // Cut short: the body ends inside the value.
        _ => format!(r#""{field}": "{value}"#),
    }
}

proptest! {
    /// R10: a sentinel placed as a personal field's value in an arbitrary body that is not a
    /// JSON error object never appears in the error's `Display` or `Debug`, wherever it sits
    /// in the first 200 characters and whatever surrounds it.
    #[test]
    fn r10_personal_values_in_raw_bodies_are_never_quoted(
        status in prop_oneof![Just(400u16), Just(404), Just(500), Just(502), Just(503)],
        prefix in "[^Z]{0,150}",
        field in proptest::sample::select(&PERSONAL_FIELDS[..]),
        shape in 0usize..9,
        core in "[a-z0-9]{3,12}",
        suffix in "[^Z]{0,80}",
    ) {
        let value = format!("Zqx{core}");
        let pair = personal_pair(shape, field, &value);
        let body = if shape == 8 {
            format!("{prefix}\n{pair}")
        } else {
            format!("{prefix}\n{pair}{suffix}")
        };
        let err = api_error(status, body.as_bytes());
        // A body that happens to be a JSON error object is not quoted at all.
        prop_assume!(err.raw_body().is_some());
        let display = err.to_string();
        prop_assert!(!display.contains("Zqx"), "{}", display);
        let debug = format!("{err:?}");
        prop_assert!(!debug.contains("Zqx"), "{}", debug);
        // What was received is still there, as received.
        prop_assert_eq!(err.raw_body(), Some(body.as_bytes()));
    }
}

#[test]
fn r10_quoted_bodies_stay_short_and_escaped() {
    let body = format!(
        "<p>\u{1b}]0;t\u{7} {{\"docFirstName\":\"Zqxjonas\",\"email\":\"jonas@example.lt\"}}</p>{}",
        "x".repeat(400)
    );
    let err = api_error(502, body.as_bytes());
    let display = err.to_string();
    assert!(!display.contains("Zqx"), "{display}");
    assert!(!display.contains("jonas@"), "{display}");
    assert!(
        !display.contains('\u{1b}') && !display.contains('\u{7}'),
        "{display:?}"
    );
    assert!(
        display.contains(r#"\"docFirstName\":\"[redacted]\""#),
        "{display}"
    );
    assert!(display.ends_with("…\")"), "{display}");
    assert!(display.chars().count() < 300, "{display}");
}
