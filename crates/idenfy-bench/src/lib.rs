//! Benchmarks of the `idenfy-proto` protocol core, and the fixed inputs they share.
//!
//! The benchmarks live in `benches/protocol.rs` and run with divan:
//!
//! ```text
//! cargo bench -p idenfy-bench
//! ```
//!
//! Divan's `AllocProfiler` is the global allocator there, so every benchmark reports its
//! allocations (count and bytes) next to its time. Times are only read as ratios against the
//! baselines measured in the same run (a bare `serde_json::Value` parse and a bare
//! HMAC-SHA256 of the same webhook body); `README.md` beside this crate explains how, and
//! records the measured numbers and the allocation budgets.
//!
//! This library holds only the inputs: invented, deterministic values (no I/O at run time; the
//! webhook body is compiled in), so that the benchmarks and the tests that check the inputs
//! use the very same bytes. The crate is not published.
//!
//! The modules [`chaos`] and [`load`] are the chaos run and the load program over real loopback
//! sockets (`src/bin/chaos.rs`, `src/bin/load.rs`), with what they share in [`rig`].

pub mod chaos;
pub mod load;
pub mod rig;

use idenfy_proto::http::{Response, StatusCode};
use idenfy_proto::webhook::{EmptyKeyError, WebhookKey};
use idenfy_proto::{
    Config, Credentials, DocumentType, DummyStatus, Sex, TokenRequestBuilder, TokenType,
    ValidationError,
};

/// A realistic identification webhook body of about 3 KB (invented values): a final, suspected
/// result with status, document data, file URLs, one AML hit, an LID result and the newer
/// verification objects, pretty-printed as it might arrive.
pub const IDENTIFICATION_WEBHOOK: &[u8] = include_bytes!("../data/identification_webhook.json");

/// The `Idenfy-Event-Type` header sent with [`IDENTIFICATION_WEBHOOK`].
pub const IDENTIFICATION_EVENT_TYPE: &str = "IDENTIFICATION_AUTO_FINISHED";

/// A `201 Created` body of `POST /api/v2/token`: the token, the scan reference and the echo of
/// a request with several fields (invented values).
pub const TOKEN_RESPONSE: &[u8] = br#"{"message":"Token created successfully","authToken":"Qm7vT2xKp9LrW4nZc8HsJd3FyB6gNa1E","scanRef":"e2b7c904-6d1f-4a38-9c5e-3f80b1d7a6c2","clientId":"crm-301177","personScanRef":"crm-301177","firstName":"MARGARETA","lastName":"VALKUNIENE","successUrl":"https://shop.example.invalid/kyc/done","errorUrl":"https://shop.example.invalid/kyc/failed","unverifiedUrl":"https://shop.example.invalid/kyc/unverified","callbackUrl":"https://hooks.example.invalid/idenfy","locale":"lt","showInstructions":true,"country":"LT","expiryTime":3600,"sessionLength":600,"documents":["ID_CARD","PASSPORT"],"dateOfBirth":"1992-03-15","dateOfExpiry":null,"dateOfIssue":null,"nationality":"LT","personalNumber":null,"documentNumber":null,"sex":"F","digitString":null,"address":null,"tokenType":"IDENTIFICATION","videoCallQuestions":[],"externalRef":"onboarding-55120","utilityBill":false,"questionnaire":null}"#;

/// A `400 Bad Request` error body of the API (invented values).
pub const ERROR_BODY: &[u8] = br#"{"identifier":"BAD_VALUE","message":{"sessionLength":["Ensure this value is less than or equal to 3600."]},"severity":"NOT_SEVERE","documentation":"https://documentation.example.invalid/kyc/errors"}"#;

/// The webhook signing keys of a rotation, in the order a receiver would try them; the last one
/// (the newest) signed [`IDENTIFICATION_WEBHOOK`], so verifying with all three tries every
/// key.
pub const ROTATION_KEYS: [&str; 3] = [
    "whsec-2023-retired-4b1d8e0c7a95f26e",
    "whsec-2024-previous-91c3f7a2d05b8e64",
    "whsec-2025-current-6e2a0f9d3c71b458",
];

/// The configuration the requests are built with (default base URL, invented credentials).
///
/// Errors: none for these constant credentials; the `Result` is the one of
/// [`Credentials::new`].
pub fn config() -> Result<Config, ValidationError> {
    Ok(Config::new(Credentials::new(
        "bench-api-key",
        "bench-api-secret-0c9f2e71",
    )?))
}

/// The keys of [`ROTATION_KEYS`], oldest first.
///
/// Errors: none for these non-empty constants; the `Result` is the one of [`WebhookKey::new`].
pub fn rotation_keys() -> Result<[WebhookKey; 3], EmptyKeyError> {
    let [a, b, c] = ROTATION_KEYS;
    Ok([
        WebhookKey::new(a)?,
        WebhookKey::new(b)?,
        WebhookKey::new(c)?,
    ])
}

/// The key that signs [`IDENTIFICATION_WEBHOOK`]: the last of [`ROTATION_KEYS`].
///
/// Errors: none for this non-empty constant.
pub fn signing_key() -> Result<WebhookKey, EmptyKeyError> {
    let [.., last] = ROTATION_KEYS;
    WebhookKey::new(last)
}

/// A token request with only the required `clientId`.
pub fn minimal_token_request() -> TokenRequestBuilder {
    idenfy_proto::TokenRequest::builder("crm-301177")
}

/// A token request with every typed field set, and one extra field.
pub fn full_token_request() -> TokenRequestBuilder {
    idenfy_proto::TokenRequest::builder("crm-301177")
        .first_name("Margareta")
        .last_name("Valkūnienė-Ostrovska")
        .success_url("https://shop.example.invalid/kyc/done?order=55120")
        .error_url("https://shop.example.invalid/kyc/failed")
        .unverified_url("https://shop.example.invalid/kyc/unverified")
        .callback_url("https://hooks.example.invalid/idenfy")
        .locale("lt")
        .expiry_time(3_600)
        .session_length(600)
        .country("lt")
        .documents([
            DocumentType::IdCard,
            DocumentType::Passport,
            DocumentType::ResidencePermit,
        ])
        .token_type(TokenType::Identification)
        .show_instructions(true)
        .generate_digit_string(false)
        .date_of_birth("1992-03-15")
        .date_of_expiry("2032-09-14")
        .date_of_issue("2022-09-14")
        .nationality("lt")
        .personal_number("49203150987")
        .document_number("PX0419273")
        .sex(Sex::Female)
        .address("Laisvės al. 71-3, LT-44297 Kaunas")
        .external_ref("onboarding-55120")
        .video_call_questions(["What is your date of birth?".to_owned()])
        .utility_bill(true)
        .questionnaire("onboarding-v3")
        .dummy_status(DummyStatus::Approved)
        .extra_field("checkAml", true.into())
}

/// An HTTP response with `status` and `body` and no headers, as an adapter hands it to
/// [`Endpoint::parse`](idenfy_proto::Endpoint::parse).
pub fn response(status: StatusCode, body: &[u8]) -> Response<&[u8]> {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    response
}

#[cfg(test)]
mod tests {
    //! The inputs are what the benchmarks claim they are: a benchmark of an error path by
    //! mistake would measure nothing useful.

    use idenfy_proto::webhook::{self, SignatureError, WebhookEvent};
    use idenfy_proto::{ApiError, Endpoint, ErrorIdentifier};

    use super::*;

    #[test]
    fn token_requests_build_and_convert() {
        let config = config().unwrap();
        let minimal = minimal_token_request().build().unwrap();
        let full = full_token_request().build().unwrap();
        let json: serde_json::Value = serde_json::from_slice(&full.to_json().unwrap()).unwrap();
        // Every typed field of the request (28) plus the extra field.
        assert_eq!(json.as_object().unwrap().len(), 29, "{json}");
        for request in [minimal, full] {
            let http = request.to_request(&config).unwrap();
            assert_eq!(http.uri(), "https://ivs.idenfy.com/api/v2/token");
        }
    }

    #[test]
    fn token_response_parses() {
        let request = minimal_token_request().build().unwrap();
        let token = request
            .parse(response(StatusCode::CREATED, TOKEN_RESPONSE))
            .unwrap();
        assert_eq!(
            token.scan_ref.as_str(),
            "e2b7c904-6d1f-4a38-9c5e-3f80b1d7a6c2"
        );
        assert_eq!(token.documents.map(|docs| docs.len()), Some(2));
    }

    #[test]
    fn error_body_is_typed() {
        let error = ApiError::from_response(StatusCode::BAD_REQUEST, ERROR_BODY);
        assert_eq!(error.identifier(), Some(&ErrorIdentifier::BadValue));
        assert!(error.message().is_some());
        assert!(error.raw_body().is_none());
    }

    #[test]
    fn webhook_is_about_3_kb_and_verifies_on_the_last_key_only() {
        assert!((3_000..3_600).contains(&IDENTIFICATION_WEBHOOK.len()));
        let signature =
            idenfy_proto::server::sign_webhook(&signing_key().unwrap(), IDENTIFICATION_WEBHOOK);
        let keys = rotation_keys().unwrap();
        assert_eq!(
            webhook::verify(IDENTIFICATION_WEBHOOK, Some(&signature), &keys[..2]),
            Err(SignatureError::Mismatch)
        );
        webhook::verify(IDENTIFICATION_WEBHOOK, Some(&signature), &keys).unwrap();
        webhook::verify(IDENTIFICATION_WEBHOOK, Some(&signature), &keys[2..]).unwrap();
    }

    #[test]
    fn webhook_parses_as_a_final_identification_with_and_without_header() {
        let signature =
            idenfy_proto::server::sign_webhook(&signing_key().unwrap(), IDENTIFICATION_WEBHOOK);
        for event_type in [Some(IDENTIFICATION_EVENT_TYPE), None] {
            let event = webhook::verify_and_parse(
                IDENTIFICATION_WEBHOOK,
                Some(&signature),
                event_type,
                &rotation_keys().unwrap(),
            )
            .unwrap();
            let WebhookEvent::Identification { result, .. } = &event else {
                panic!("not an identification: {event:?}");
            };
            assert!(event.is_final());
            assert_eq!(event.client_id(), Some("crm-301177"));
            assert_eq!(result.aml.as_ref().map(Vec::len), Some(1));
            assert_eq!(result.lid.as_ref().map(Vec::len), Some(1));
            // Everything in the body is modelled: nothing lands in the catch-all.
            assert!(result.extra.is_empty(), "{:?}", result.extra);
            assert!(result.data.extra.is_empty(), "{:?}", result.data.extra);
        }
    }
}
