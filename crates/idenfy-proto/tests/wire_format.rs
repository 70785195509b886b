#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Golden wire format of `POST /api/v2/token` (R1, R2, R3): the exact JSON body and the exact
//! HTTP request that `idenfy-proto` builds.

mod support;

use idenfy_proto::http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use idenfy_proto::http::{Method, Request};
use idenfy_proto::{
    Config, Credentials, DEFAULT_USER_AGENT, Date, DocumentType, DummyStatus, Endpoint, Sex,
    TokenRequest, TokenType,
};
use serde_json::{Value, json};
use support::base64_decode;

const API_KEY: &str = "partner-key-7781";
const API_SECRET: &str = "Sup3r-S3cret-Valu3!";

fn credentials() -> Credentials {
    Credentials::new(API_KEY, API_SECRET).unwrap()
}

fn config() -> Config {
    Config::new(credentials())
}

fn body_json(request: &Request<Vec<u8>>) -> Value {
    serde_json::from_slice(request.body()).expect("the body is JSON")
}

fn every_field_request() -> TokenRequest {
    TokenRequest::builder("crm-88412")
        .first_name("Eglė")
        .last_name("Žemaitytė-Kairienė")
        .success_url("https://shop.example.lt/kyc/done?ok=1")
        .error_url("https://shop.example.lt/kyc/failed")
        .unverified_url("http://shop.example.lt/kyc/unverified")
        .callback_url("https://hooks.example.lt/idenfy")
        .locale("lt")
        .expiry_time(86_400)
        .session_length(900)
        .country("lt")
        .documents([
            DocumentType::IdCard,
            DocumentType::Passport,
            DocumentType::Other,
            DocumentType::from("HEALTH_INSURANCE_CARD"),
        ])
        .token_type(TokenType::Document)
        .show_instructions(false)
        .generate_digit_string(true)
        .date_of_birth("1988-11-05")
        .date_of_expiry(Date::new(2031, 4, 30).unwrap())
        .date_of_issue("2021-04-30")
        .nationality("lv")
        .personal_number("48811050123")
        .document_number("LT7730916")
        .sex(Sex::Female)
        .address("Gedimino pr. 9-14, LT-01103 Vilnius")
        .external_ref("order-2291")
        .video_call_questions([
            "Where were you born?".to_owned(),
            "Kas jūsų vardas?".to_owned(),
        ])
        .utility_bill(true)
        .questionnaire("onboarding-v2")
        .dummy_status(DummyStatus::Approved)
        .extra_field("checkAml", json!(true))
        .build()
        .unwrap()
}

fn every_field_json() -> Value {
    json!({
        "clientId": "crm-88412",
        "firstName": "Eglė",
        "lastName": "Žemaitytė-Kairienė",
        "successUrl": "https://shop.example.lt/kyc/done?ok=1",
        "errorUrl": "https://shop.example.lt/kyc/failed",
        "unverifiedUrl": "http://shop.example.lt/kyc/unverified",
        "callbackUrl": "https://hooks.example.lt/idenfy",
        "locale": "lt",
        "expiryTime": 86400,
        "sessionLength": 900,
        "country": "LT",
        "documents": ["ID_CARD", "PASSPORT", "OTHER", "HEALTH_INSURANCE_CARD"],
        "tokenType": "DOCUMENT",
        "showInstructions": false,
        "generateDigitString": true,
        "dateOfBirth": "1988-11-05",
        "dateOfExpiry": "2031-04-30",
        "dateOfIssue": "2021-04-30",
        "nationality": "LV",
        "personalNumber": "48811050123",
        "documentNumber": "LT7730916",
        "sex": "F",
        "address": "Gedimino pr. 9-14, LT-01103 Vilnius",
        "externalRef": "order-2291",
        "videoCallQuestions": ["Where were you born?", "Kas jūsų vardas?"],
        "utilityBill": true,
        "questionnaire": "onboarding-v2",
        "dummyStatus": "APPROVED",
        "checkAml": true
    })
}

/// Fails if any value anywhere in `value` is JSON `null`.
fn assert_no_null(value: &Value) {
    match value {
        Value::Null => panic!("a null was serialized"),
        Value::Array(items) => items.iter().for_each(assert_no_null),
        Value::Object(map) => map.values().for_each(assert_no_null),
        _ => {}
    }
}

#[test]
fn r2_minimal_request_is_exactly_client_id() {
    let request = TokenRequest::builder("100342").build().unwrap();
    let expected = json!({"clientId": "100342"});
    assert_eq!(serde_json::to_value(&request).unwrap(), expected);

    let http = request.to_request(&config()).unwrap();
    assert_eq!(body_json(&http), expected);
    // The exact bytes: nothing but the one field.
    assert_eq!(http.body().as_slice(), br#"{"clientId":"100342"}"#);
    assert_eq!(request.to_json().unwrap(), http.body().clone());
}

#[test]
fn r2_r3_every_field_set_gives_the_exact_object() {
    let request = every_field_request();
    let expected = every_field_json();
    let value = serde_json::to_value(&request).unwrap();
    assert_eq!(value, expected);
    // 28 typed fields and one extra field, no more.
    assert_eq!(value.as_object().unwrap().len(), 29);
    assert_no_null(&value);

    let http = request.to_request(&config()).unwrap();
    assert_eq!(body_json(&http), expected);
}

#[test]
fn r2_r3_the_typed_fields_are_the_golden_keys_in_serialization_order() {
    // `TokenRequest::FIELDS`, declared with the table of the request, against this file's
    // independent oracle: the golden object's keys (its one extra field aside) ...
    let golden = every_field_json();
    let mut typed: Vec<&str> = golden
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .filter(|key| *key != "checkAml")
        .collect();
    let mut listed = TokenRequest::FIELDS.to_vec();
    typed.sort_unstable();
    listed.sort_unstable();
    assert_eq!(listed, typed);
    // ... and the order of the body as sent, which is the order of the list.
    let body = String::from_utf8(every_field_request().to_json().unwrap()).unwrap();
    let positions: Vec<usize> = TokenRequest::FIELDS
        .iter()
        .map(|key| body.find(&format!("\"{key}\":")).unwrap())
        .collect();
    assert!(positions.is_sorted(), "{body}");
}

#[test]
fn r2_every_field_golden_file_matches() {
    // The same request, checked against the golden file kept with the fixtures.
    let golden: Value =
        serde_json::from_slice(include_bytes!("fixtures/token_request_all_fields.json")).unwrap();
    assert_eq!(serde_json::to_value(every_field_request()).unwrap(), golden);
}

#[test]
fn r2_omitted_optional_fields_are_absent_never_null() {
    let request = TokenRequest::builder("c-1")
        .first_name("Ona")
        .country("de")
        .build()
        .unwrap();
    let value = serde_json::to_value(&request).unwrap();
    assert_eq!(
        value,
        json!({"clientId": "c-1", "firstName": "Ona", "country": "DE"})
    );
    assert_no_null(&value);
    let body = request.to_json().unwrap();
    let text = String::from_utf8(body).unwrap();
    assert!(!text.contains("null"), "{text}");
    // No server default is filled in either.
    for key in [
        "locale",
        "expiryTime",
        "sessionLength",
        "documents",
        "tokenType",
    ] {
        assert!(value.get(key).is_none(), "{key} was serialized");
    }
}

#[test]
fn r3_types_serialize_as_strings() {
    let value = serde_json::to_value(every_field_request()).unwrap();
    for key in [
        "dateOfBirth",
        "dateOfExpiry",
        "dateOfIssue",
        "country",
        "nationality",
        "sex",
        "tokenType",
        "dummyStatus",
    ] {
        assert!(value[key].is_string(), "{key} is {}", value[key]);
    }
    assert!(
        value["documents"]
            .as_array()
            .unwrap()
            .iter()
            .all(Value::is_string)
    );
    assert!(value["expiryTime"].is_u64());
    assert!(value["sessionLength"].is_u64());
}

#[test]
fn r1_request_line_and_headers() {
    let request = TokenRequest::builder("100342").build().unwrap();
    let http = request.to_request(&config()).unwrap();

    assert_eq!(http.method(), Method::POST);
    assert_eq!(
        http.uri().to_string(),
        "https://ivs.idenfy.com/api/v2/token"
    );

    let headers = http.headers();
    assert_eq!(headers.get(CONTENT_TYPE).unwrap(), "application/json");
    assert_eq!(headers.get(ACCEPT).unwrap(), "application/json");
    let user_agent = headers.get(USER_AGENT).unwrap().to_str().unwrap();
    assert_eq!(
        user_agent,
        format!("idenfy-rs/{}", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(user_agent, DEFAULT_USER_AGENT);
    let version = user_agent.strip_prefix("idenfy-rs/").unwrap();
    assert!(
        version.split('.').count() >= 3
            && version
                .split('.')
                .take(3)
                .all(|part| part.parse::<u64>().is_ok()),
        "{version}"
    );
    // Exactly the four headers of R1: nothing else is sent.
    assert_eq!(headers.len(), 4, "{:?}", headers.keys().collect::<Vec<_>>());
}

#[test]
fn r1_authorization_is_basic_key_colon_secret_and_sensitive() {
    let request = TokenRequest::builder("100342").build().unwrap();
    let http = request.to_request(&config()).unwrap();
    let authorization = http.headers().get(AUTHORIZATION).unwrap();
    assert!(authorization.is_sensitive());

    let text = authorization.to_str().unwrap();
    let encoded = text.strip_prefix("Basic ").expect("Basic scheme");
    let decoded = String::from_utf8(base64_decode(encoded).expect("valid base64")).unwrap();
    assert_eq!(decoded, format!("{API_KEY}:{API_SECRET}"));
}

#[test]
fn r1_authorization_with_non_ascii_secret_is_utf8_base64() {
    let credentials = Credentials::new("key-ą", "slaptažodis-李").unwrap();
    let http = TokenRequest::builder("x")
        .build()
        .unwrap()
        .to_request(&Config::new(credentials))
        .unwrap();
    let text = http.headers().get(AUTHORIZATION).unwrap().to_str().unwrap();
    let decoded = base64_decode(text.strip_prefix("Basic ").unwrap()).unwrap();
    assert_eq!(decoded, "key-ą:slaptažodis-李".as_bytes());
}

#[test]
fn r1_credentials_are_checked() {
    assert_eq!(Credentials::new("", "s").unwrap_err().field(), "apiKey");
    assert_eq!(Credentials::new("a:b", "s").unwrap_err().field(), "apiKey");
    assert_eq!(Credentials::new("k", "").unwrap_err().field(), "apiSecret");
    // A colon is fine in the secret: Basic splits at the first colon.
    assert!(Credentials::new("k", "s:e:c").is_ok());
}

#[test]
fn r1_base_url_with_path_prefix() {
    for base in [
        "https://gateway.example.org/kyc/idenfy",
        "https://gateway.example.org/kyc/idenfy/",
    ] {
        let config = Config::builder(credentials())
            .base_url(base)
            .build()
            .unwrap();
        let http = TokenRequest::builder("100342")
            .build()
            .unwrap()
            .to_request(&config)
            .unwrap();
        assert_eq!(
            http.uri().to_string(),
            "https://gateway.example.org/kyc/idenfy/api/v2/token",
            "{base}"
        );
        assert_eq!(http.method(), Method::POST);
    }
}

#[test]
fn r1_loopback_http_base_url_and_insecure_refusal() {
    let config = Config::builder(credentials())
        .base_url("http://127.0.0.1:8089/")
        .build()
        .unwrap();
    let http = TokenRequest::builder("1")
        .build()
        .unwrap()
        .to_request(&config)
        .unwrap();
    assert_eq!(http.uri().to_string(), "http://127.0.0.1:8089/api/v2/token");

    let err = Config::builder(credentials())
        .base_url("http://ivs.idenfy.com")
        .build()
        .unwrap_err();
    assert_eq!(err.field(), "baseUrl");
    assert_eq!(err.rule(), &idenfy_proto::Rule::InsecureUrl);
}

#[test]
fn r1_user_agent_product_is_appended() {
    let config = Config::builder(credentials())
        .user_agent_product("shop-backend/4.2")
        .build()
        .unwrap();
    let http = TokenRequest::builder("1")
        .build()
        .unwrap()
        .to_request(&config)
        .unwrap();
    assert_eq!(
        http.headers().get(USER_AGENT).unwrap(),
        format!("{DEFAULT_USER_AGENT} shop-backend/4.2").as_str()
    );
}

#[test]
fn r2_endpoint_metadata() {
    let request = TokenRequest::builder("1").build().unwrap();
    assert_eq!(request.name(), "token");
    // R9: token creation costs credits and has no idempotency key.
    assert_eq!(
        request.retry_class(),
        idenfy_proto::RetryClass::NotIdempotent
    );
}

#[test]
fn r1_base_url_parts_each_refused_alone() {
    // Each part on its own is refused: credentials in the URL would travel beside the Basic
    // header, and a query or fragment would end up inside every endpoint's path.
    for base in [
        "https://user@ivs.idenfy.com",
        "https://:password@ivs.idenfy.com",
        "https://user:password@ivs.idenfy.com",
        "https://ivs.idenfy.com/?tenant=7",
        "https://ivs.idenfy.com/#top",
    ] {
        let err = Config::builder(credentials())
            .base_url(base)
            .build()
            .unwrap_err();
        assert_eq!(
            (err.field(), err.rule()),
            ("baseUrl", &idenfy_proto::Rule::UrlParts),
            "{base}"
        );
    }
    // `http` off loopback only with the explicit opt-in; `https` and loopback without it.
    let insecure = Config::builder(credentials())
        .base_url("http://idenfy.internal/")
        .allow_insecure_http(true)
        .build()
        .unwrap();
    assert_eq!(insecure.base_url(), "http://idenfy.internal");
    for base in [
        "https://ivs.idenfy.com",
        "http://localhost:9",
        "http://[::1]:9",
    ] {
        let config = Config::builder(credentials())
            .base_url(base)
            .build()
            .unwrap();
        assert_eq!(config.base_url(), base, "{base}");
    }
}
