#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Parsing of `POST /api/v2/token` answers through `Endpoint::parse` (R4, R7): any 2xx is a
//! success, the documented quirks (numeric `clientId`, legacy `personScanRef`, a 7-character
//! `digitString`, `OTHER` documents, explicit `null`s) parse, and broken bodies are typed errors.

use idenfy_proto::http::Response;
use idenfy_proto::{
    DecodeError, DecodeErrorKind, DocumentType, Endpoint, Error, Sex, TokenRequest, TokenResponse,
    TokenType,
};
use proptest::prelude::*;
use serde_json::{Value, json};

const NUMERIC_CLIENT_ID: &[u8] = include_bytes!("fixtures/token_response_numeric_client_id.json");
const DEFAULTS: &[u8] = include_bytes!("fixtures/token_response_defaults.json");
const ALL_FIELDS: &[u8] = include_bytes!("fixtures/token_response_all_fields.json");

fn request() -> TokenRequest {
    TokenRequest::builder("crm-88412").build().unwrap()
}

fn parse_with_status(status: u16, body: &[u8]) -> Result<TokenResponse, Error> {
    let response = Response::builder().status(status).body(body).unwrap();
    request().parse(response)
}

fn parse(body: &[u8]) -> Result<TokenResponse, Error> {
    parse_with_status(201, body)
}

fn decode_error(result: Result<TokenResponse, Error>) -> DecodeError {
    match result {
        Err(Error::Decode(err)) => err,
        other => panic!("expected a decode error, got {other:?}"),
    }
}

const MINIMAL: &[u8] =
    br#"{"authToken":"Ab12Cd34Ef56Gh78Ij90Kl12Mn","scanRef":"8d2c9b10-5f4e-4a3b-9c2d-1e0f6a7b8c9d"}"#;

#[test]
fn r4_status_200_and_201_both_succeed() {
    for status in [200, 201] {
        let token = parse_with_status(status, MINIMAL).unwrap();
        assert_eq!(
            token.auth_token.expose_secret(),
            "Ab12Cd34Ef56Gh78Ij90Kl12Mn"
        );
        assert_eq!(
            token.scan_ref.as_str(),
            "8d2c9b10-5f4e-4a3b-9c2d-1e0f6a7b8c9d"
        );
    }
}

#[test]
fn r4_any_2xx_succeeds_and_nothing_else_does() {
    for status in 100..=999u16 {
        let result = parse_with_status(status, MINIMAL);
        if (200..300).contains(&status) {
            assert!(result.is_ok(), "{status}");
        } else {
            match result {
                Err(Error::Api(err)) => assert_eq!(err.status().as_u16(), status),
                other => panic!("{status}: {other:?}"),
            }
        }
    }
}

#[test]
fn r4_numeric_client_id_becomes_a_string() {
    let token = parse(NUMERIC_CLIENT_ID).unwrap();
    assert_eq!(token.client_id.as_deref(), Some("770021"));
    // The seed's shapes: a 26-character token and a 36-character scanRef.
    assert_eq!(token.auth_token.expose_secret().len(), 26);
    assert_eq!(token.scan_ref.as_str().len(), 36);
    assert_eq!(token.message.as_deref(), Some("Token created successfully"));

    let token = parse(br#"{"authToken":"a","scanRef":"b","clientId":123456}"#).unwrap();
    assert_eq!(token.client_id.as_deref(), Some("123456"));
}

#[test]
fn r4_defaults_fixture_explicit_nulls_and_legacy_fields() {
    let token = parse(DEFAULTS).unwrap();
    assert_eq!(token.client_id.as_deref(), Some("shop-000517"));
    assert_eq!(token.person_scan_ref.as_deref(), Some("shop-000517"));
    // A 7-character digit string (the documentation says 8) is taken as it is.
    assert_eq!(
        token.digit_string.as_ref().map(|d| d.expose().as_str()),
        Some("5193028")
    );
    assert_eq!(
        token.documents.as_deref(),
        Some(
            &[
                DocumentType::IdCard,
                DocumentType::Passport,
                DocumentType::ResidencePermit,
                DocumentType::DriverLicense,
                DocumentType::Other,
            ][..]
        )
    );
    assert_eq!(token.locale.as_deref(), Some("en"));
    assert_eq!(token.show_instructions, Some(true));
    assert_eq!(token.expiry_time, Some(3600));
    assert_eq!(token.session_length, Some(300));
    assert_eq!(token.token_type, Some(TokenType::Identification));
    assert_eq!(token.video_call_questions.as_deref(), Some(&[][..]));
    // Every explicit null is None.
    assert!(token.first_name.is_none());
    assert!(token.last_name.is_none());
    assert!(token.success_url.is_none());
    assert!(token.error_url.is_none());
    assert!(token.unverified_url.is_none());
    assert!(token.callback_url.is_none());
    assert!(token.country.is_none());
    assert!(token.date_of_birth.is_none());
    assert!(token.date_of_expiry.is_none());
    assert!(token.date_of_issue.is_none());
    assert!(token.nationality.is_none());
    assert!(token.personal_number.is_none());
    assert!(token.document_number.is_none());
    assert!(token.sex.is_none());
    assert!(token.address.is_none());
    assert!(token.external_ref.is_none());
    assert!(token.utility_bill.is_none());
    assert!(token.questionnaire.is_none());
    assert!(token.redirect_url.is_none());
    assert!(token.extra.is_empty(), "{:?}", token.extra);
}

#[test]
fn r4_all_fields_fixture() {
    let token = parse(ALL_FIELDS).unwrap();
    let personal =
        |value: &Option<idenfy_proto::Personal<String>>| value.as_ref().map(|v| v.expose().clone());
    assert_eq!(token.auth_token.expose_secret().len(), 40);
    assert_eq!(token.client_id.as_deref(), Some("crm-88412"));
    assert_eq!(token.person_scan_ref.as_deref(), Some("crm-88412"));
    assert_eq!(personal(&token.first_name).as_deref(), Some("EGLĖ"));
    assert_eq!(
        personal(&token.last_name).as_deref(),
        Some("ŽEMAITYTĖ-KAIRIENĖ")
    );
    assert_eq!(
        token.success_url.as_deref(),
        Some("https://shop.example.lt/kyc/done?ok=1")
    );
    assert_eq!(
        token.error_url.as_deref(),
        Some("https://shop.example.lt/kyc/failed")
    );
    assert_eq!(
        token.unverified_url.as_deref(),
        Some("http://shop.example.lt/kyc/unverified")
    );
    assert_eq!(
        token.callback_url.as_deref(),
        Some("https://hooks.example.lt/idenfy")
    );
    assert_eq!(token.locale.as_deref(), Some("lt"));
    assert_eq!(token.show_instructions, Some(false));
    // The country is echoed in the case it was sent.
    assert_eq!(token.country.as_deref(), Some("lt"));
    assert_eq!(token.expiry_time, Some(86_400));
    assert_eq!(token.session_length, Some(900));
    assert_eq!(
        token.documents.as_deref(),
        Some(
            &[
                DocumentType::IdCard,
                DocumentType::Passport,
                DocumentType::Other,
                DocumentType::Unknown("HEALTH_INSURANCE_CARD".to_owned()),
            ][..]
        )
    );
    assert_eq!(
        personal(&token.date_of_birth).as_deref(),
        Some("1988-11-05")
    );
    assert_eq!(
        personal(&token.date_of_expiry).as_deref(),
        Some("2031-04-30")
    );
    assert_eq!(
        personal(&token.date_of_issue).as_deref(),
        Some("2021-04-30")
    );
    assert_eq!(personal(&token.nationality).as_deref(), Some("LV"));
    assert_eq!(
        personal(&token.personal_number).as_deref(),
        Some("48811050123")
    );
    assert_eq!(
        personal(&token.document_number).as_deref(),
        Some("LT7730916")
    );
    assert_eq!(token.sex, Some(Sex::Female));
    assert_eq!(personal(&token.digit_string).as_deref(), Some("8402716"));
    assert_eq!(
        personal(&token.address).as_deref(),
        Some("Gedimino pr. 9-14, LT-01103 Vilnius")
    );
    assert_eq!(token.token_type, Some(TokenType::Document));
    assert_eq!(
        token.video_call_questions.as_deref(),
        Some(&["Where were you born?".to_owned()][..])
    );
    assert_eq!(token.external_ref.as_deref(), Some("order-2291"));
    assert_eq!(token.utility_bill, Some(true));
    assert_eq!(token.questionnaire.as_deref(), Some("onboarding-v2"));
    assert_eq!(
        personal(&token.redirect_url).as_deref(),
        Some(
            "https://ivs.idenfy.com/api/v2/redirect?authToken=Zx81mQp4Ty7RbN2cWv6LdK0sHf3JgA9eUo5iPl1E"
        )
    );
    // Fields this version does not model are kept, and only those.
    let mut extra_keys: Vec<&str> = token.extra.keys().map(String::as_str).collect();
    extra_keys.sort_unstable();
    assert_eq!(
        extra_keys,
        [
            "allowedDocuments",
            "checkAml",
            "faceMatchingThresholdModifier"
        ]
    );
    assert_eq!(
        token.extra["allowedDocuments"],
        json!({"LT": ["ID_CARD", "PASSPORT"], "LV": ["PASSPORT"]})
    );
    assert_eq!(token.extra["checkAml"], json!(true));
    assert_eq!(token.extra["faceMatchingThresholdModifier"], json!(0.15));
}

#[test]
fn r7_all_echoed_fields_null_are_none() {
    let mut body = json!({"authToken": "tok", "scanRef": "ref"});
    for key in [
        "clientId",
        "message",
        "personScanRef",
        "redirectUrl",
        "digitString",
        "firstName",
        "lastName",
        "successUrl",
        "errorUrl",
        "unverifiedUrl",
        "callbackUrl",
        "locale",
        "showInstructions",
        "country",
        "expiryTime",
        "sessionLength",
        "documents",
        "dateOfBirth",
        "dateOfExpiry",
        "dateOfIssue",
        "nationality",
        "personalNumber",
        "documentNumber",
        "sex",
        "address",
        "tokenType",
        "videoCallQuestions",
        "externalRef",
        "utilityBill",
        "questionnaire",
    ] {
        body[key] = Value::Null;
    }
    let token = parse(&serde_json::to_vec(&body).unwrap()).unwrap();
    assert!(token.client_id.is_none());
    assert!(token.message.is_none());
    assert!(token.person_scan_ref.is_none());
    assert!(token.redirect_url.is_none());
    assert!(token.digit_string.is_none());
    assert!(token.first_name.is_none());
    assert!(token.last_name.is_none());
    assert!(token.success_url.is_none());
    assert!(token.error_url.is_none());
    assert!(token.unverified_url.is_none());
    assert!(token.callback_url.is_none());
    assert!(token.locale.is_none());
    assert!(token.show_instructions.is_none());
    assert!(token.country.is_none());
    assert!(token.expiry_time.is_none());
    assert!(token.session_length.is_none());
    assert!(token.documents.is_none());
    assert!(token.date_of_birth.is_none());
    assert!(token.date_of_expiry.is_none());
    assert!(token.date_of_issue.is_none());
    assert!(token.nationality.is_none());
    assert!(token.personal_number.is_none());
    assert!(token.document_number.is_none());
    assert!(token.sex.is_none());
    assert!(token.address.is_none());
    assert!(token.token_type.is_none());
    assert!(token.video_call_questions.is_none());
    assert!(token.external_ref.is_none());
    assert!(token.utility_bill.is_none());
    assert!(token.questionnaire.is_none());
    // Modelled fields never leak into `extra`, null or not.
    assert!(token.extra.is_empty(), "{:?}", token.extra);
}

#[test]
fn r7_unknown_fields_ignored_and_kept_in_extra() {
    let token = parse(
        br#"{"authToken":"tok","scanRef":"ref","brandNewFlag":true,"nested":{"a":[1,2]},"n":null}"#,
    )
    .unwrap();
    assert_eq!(token.extra.len(), 3);
    assert_eq!(token.extra["brandNewFlag"], json!(true));
    assert_eq!(token.extra["nested"], json!({"a": [1, 2]}));
    assert_eq!(token.extra["n"], Value::Null);
}

#[test]
fn r7_integers_as_floats_and_strings() {
    let token =
        parse(br#"{"authToken":"tok","scanRef":"ref","expiryTime":3600.0,"sessionLength":"600"}"#)
            .unwrap();
    assert_eq!(token.expiry_time, Some(3600));
    assert_eq!(token.session_length, Some(600));

    let token =
        parse(br#"{"authToken":"tok","scanRef":"ref","expiryTime":"86400","sessionLength":299.9}"#)
            .unwrap();
    assert_eq!(token.expiry_time, Some(86_400));
    assert_eq!(token.session_length, Some(299));
}

#[test]
fn r4_r7_a_wrong_typed_echo_never_loses_the_token() {
    // One oddly typed echoed field used to fail the whole answer: the token, created and paid
    // for, was lost. It is kept raw now, and everything else is read.
    let token = parse(
        br#"{"authToken":"tok","scanRef":"ref","sessionLength":"ten minutes","showInstructions":"yes",
            "videoCallQuestions":[{"q":"name?"}],"tokenType":{"kind":"IDENTIFICATION"},"clientId":"c-1"}"#,
    )
    .unwrap();
    assert_eq!(token.auth_token.expose_secret(), "tok");
    assert_eq!(token.scan_ref.as_str(), "ref");
    assert_eq!(token.client_id.as_deref(), Some("c-1"));
    assert_eq!(
        (token.session_length, token.show_instructions),
        (None, None)
    );
    assert!(token.video_call_questions.is_none() && token.token_type.is_none());
    assert_eq!(token.extra["sessionLength"], "ten minutes");
    assert_eq!(token.extra["showInstructions"], "yes");
    assert_eq!(
        token.extra["videoCallQuestions"],
        serde_json::json!([{"q": "name?"}])
    );
    assert_eq!(
        token.extra["tokenType"],
        serde_json::json!({"kind": "IDENTIFICATION"})
    );
    assert_eq!(
        token.fallbacks(),
        [
            "sessionLength",
            "showInstructions",
            "videoCallQuestions",
            "tokenType"
        ]
    );
    // `Debug` names the fallen-back keys, never their values.
    assert!(!format!("{token:?}").contains("ten minutes"));
}

/// `levels` nested arrays around `1`.
fn nested(levels: usize) -> String {
    format!("{}1{}", "[".repeat(levels), "]".repeat(levels))
}

#[test]
fn r4_r7_a_field_nested_past_serde_jsons_limit_never_loses_the_token() {
    // serde_json stops at 128 levels and fails the whole document: one echoed field that deep
    // cost the token. The deep value keeps its first levels as JSON and the rest as its text.
    // 127 levels under the top-level object: 128 in all, the shallowest serde_json refuses.
    for levels in [127, 130, 500, 100_000] {
        let body = format!(
            r#"{{"authToken":"tok","tree":{},"scanRef":"ref","clientId":"c-1"}}"#,
            nested(levels)
        );
        assert!(serde_json::from_str::<Value>(&body).is_err());
        let token = parse(body.as_bytes()).unwrap();
        assert_eq!(token.auth_token.expose_secret(), "tok");
        assert_eq!(token.scan_ref.as_str(), "ref");
        assert_eq!(token.client_id.as_deref(), Some("c-1"));
        let mut inner = &token.extra["tree"];
        let mut kept = 0;
        while let Some(items) = inner.as_array() {
            inner = &items[0];
            kept += 1;
        }
        // The top-level object is the first of the 32 levels kept as JSON.
        assert_eq!(kept, 31);
        assert_eq!(inner.as_str(), Some(nested(levels - kept).as_str()));
    }
    // Read back through `Serialize`, the answer is JSON serde_json reads.
    let body = format!(
        r#"{{"authToken":"tok","scanRef":"ref","tree":{}}}"#,
        nested(300)
    );
    let written = serde_json::to_vec(&parse(body.as_bytes()).unwrap()).unwrap();
    assert_eq!(
        parse(&written).unwrap().extra,
        parse(body.as_bytes()).unwrap().extra
    );
}

#[test]
fn r4_a_deep_body_that_is_broken_stays_broken() {
    // Cut short inside the deep value, with mismatched brackets, or with a syntax error beside
    // it: the error is the one serde_json reports for the body as received.
    let deep = format!(
        r#"{{"authToken":"tok","scanRef":"ref","tree":{}}}"#,
        nested(300)
    );
    let mismatched = deep.replacen(']', "}", 1);
    let broken_beside = deep.replace(r#""ref""#, "ref");
    let cut_short = deep.get(..deep.len() - 100).unwrap();
    for body in [cut_short, &mismatched, &broken_beside] {
        let err = decode_error(parse(body.as_bytes()));
        assert_eq!(err.kind(), DecodeErrorKind::Syntax, "{err}");
        let first = serde_json::from_str::<Value>(body).unwrap_err().to_string();
        assert!(err.to_string().contains(&first), "{err} / {first}");
    }
}

#[test]
fn r4_a_missing_required_field_keeps_the_other_one() {
    // No usable `scanRef`: the error names it and still carries the token.
    let err = decode_error(parse(br#"{"authToken":"tok","scanRef":{"id":"ref"}}"#));
    assert_eq!(
        (err.kind(), err.path()),
        (DecodeErrorKind::Data, Some("scanRef"))
    );
    assert_eq!(err.auth_token().map(|t| t.expose_secret()), Some("tok"));
    assert_eq!(err.scan_ref(), None);
    assert!(!format!("{err:?}").contains("tok\""), "{err:?}");
    // No `authToken`: the error carries the `scanRef`.
    let err = decode_error(parse(br#"{"authToken":"","scanRef":"ref-9"}"#));
    assert_eq!(err.path(), Some("authToken"));
    assert_eq!(err.scan_ref().map(|s| s.as_str()), Some("ref-9"));
    assert!(err.auth_token().is_none());
    // A syntax error names where it happened and quotes no value.
    let err = decode_error(parse(
        b"{\"authToken\":\"tok\",\"documents\":[\"ID_CARD\", tru]}",
    ));
    assert_eq!(
        (err.kind(), err.path()),
        (DecodeErrorKind::Syntax, Some("documents[1]"))
    );
}

#[test]
fn r7_duplicate_keys_last_wins() {
    let token = parse(
        br#"{"authToken":"first-token","scanRef":"ref-1","clientId":"old","scanRef":"ref-2","authToken":"second-token","clientId":"new"}"#,
    )
    .unwrap();
    assert_eq!(token.auth_token.expose_secret(), "second-token");
    assert_eq!(token.scan_ref.as_str(), "ref-2");
    assert_eq!(token.client_id.as_deref(), Some("new"));
}

#[test]
fn r4_missing_auth_token_is_a_data_error_naming_it() {
    let err = decode_error(parse(br#"{"scanRef":"ref","clientId":"c"}"#));
    assert_eq!(err.kind(), DecodeErrorKind::Data);
    let path = err.path().expect("a path");
    assert!(path.contains("authToken"), "path {path:?}: {err}");
    assert!(err.to_string().contains("authToken"), "{err}");
}

#[test]
fn r4_missing_scan_ref_is_a_data_error_naming_it() {
    let err = decode_error(parse(br#"{"authToken":"tok"}"#));
    assert_eq!(err.kind(), DecodeErrorKind::Data);
    assert!(err.path().unwrap().contains("scanRef"), "{err}");
}

#[test]
fn r4_null_or_empty_required_fields_are_data_errors() {
    for (body, field) in [
        (&br#"{"authToken":null,"scanRef":"ref"}"#[..], "authToken"),
        (br#"{"authToken":"","scanRef":"ref"}"#, "authToken"),
        (br#"{"authToken":["x"],"scanRef":"ref"}"#, "authToken"),
        (br#"{"authToken":"tok","scanRef":""}"#, "scanRef"),
        (br#"{"authToken":"tok","scanRef":{}}"#, "scanRef"),
    ] {
        let err = decode_error(parse(body));
        assert_eq!(err.kind(), DecodeErrorKind::Data, "{err}");
        assert!(
            err.path().unwrap().contains(field),
            "{}: {err}",
            String::from_utf8_lossy(body)
        );
    }
}

#[test]
fn r4_long_tokens_are_accepted() {
    // Later documents say "up to 40"; the parser takes any non-empty string.
    let long = "x".repeat(64);
    let body = json!({"authToken": long, "scanRef": long});
    let token = parse(&serde_json::to_vec(&body).unwrap()).unwrap();
    assert_eq!(token.auth_token.expose_secret(), long);
    assert_eq!(token.scan_ref.as_str(), long);
}

#[test]
fn r4_empty_2xx_body_is_an_empty_error() {
    for body in [&b""[..], b" ", b"\r\n\t "] {
        for status in [200, 201] {
            let err = decode_error(parse_with_status(status, body));
            assert_eq!(err.kind(), DecodeErrorKind::Empty);
        }
    }
}

#[test]
fn r4_non_json_2xx_body_is_a_syntax_error() {
    for body in [
        &b"<html><body>OK</body></html>"[..],
        b"Token created",
        b"{\"authToken\": \"tok\",",
        b"\xff\xfe\x00",
    ] {
        let err = decode_error(parse(body));
        assert_eq!(err.kind(), DecodeErrorKind::Syntax, "{err}");
    }
}

#[test]
fn r4_json_that_is_not_an_object_is_a_data_error() {
    for body in [&b"[]"[..], b"42", b"\"token\"", b"null", b"true"] {
        let err = decode_error(parse(body));
        assert_eq!(err.kind(), DecodeErrorKind::Data, "{err}");
    }
}

proptest! {
    #[test]
    fn r7_parsing_never_panics_on_any_bytes(
        status in 100u16..=999,
        body in proptest::collection::vec(any::<u8>(), 0..200),
    ) {
        let result = parse_with_status(status, &body);
        if !(200..300).contains(&status) {
            prop_assert!(matches!(result, Err(Error::Api(_))));
        }
    }

    #[test]
    fn r7_client_id_number_or_string(number in any::<i64>(), float in any::<bool>()) {
        let body = if float {
            format!(r#"{{"authToken":"t","scanRef":"s","clientId":{number}.5}}"#)
        } else {
            format!(r#"{{"authToken":"t","scanRef":"s","clientId":{number}}}"#)
        };
        let token = parse(body.as_bytes()).unwrap();
        let client_id = token.client_id.unwrap();
        if float {
            prop_assert!(client_id.parse::<f64>().is_ok(), "{}", client_id);
        } else {
            prop_assert_eq!(client_id, number.to_string());
        }
    }

    #[test]
    fn r7_integer_fields_as_number_float_or_string(seconds in 0i64..10_000_000, form in 0u8..3) {
        let encoded = match form {
            0 => format!("{seconds}"),
            1 => format!("{seconds}.0"),
            _ => format!("\"{seconds}\""),
        };
        let body = format!(
            r#"{{"authToken":"t","scanRef":"s","expiryTime":{encoded},"sessionLength":{encoded}}}"#
        );
        let token = parse(body.as_bytes()).unwrap();
        prop_assert_eq!(token.expiry_time, Some(seconds));
        prop_assert_eq!(token.session_length, Some(seconds));
    }

    #[test]
    fn r7_unknown_fields_always_kept(
        // No modelled field starts with `x`, so every generated key is unknown.
        fields in proptest::collection::btree_map("x[A-Z][a-zA-Z0-9]{0,10}", any::<i32>(), 0..6),
    ) {
        let mut body = json!({"authToken": "t", "scanRef": "s", "clientId": "c"});
        for (key, value) in &fields {
            body[key] = json!(value);
        }
        let token = parse(&serde_json::to_vec(&body).unwrap()).unwrap();
        prop_assert_eq!(token.client_id.as_deref(), Some("c"));
        prop_assert_eq!(token.extra.len(), fields.len());
        for (key, value) in &fields {
            prop_assert_eq!(&token.extra[key], &json!(value));
        }
    }
}
