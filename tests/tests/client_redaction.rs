#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Test code indexes known outputs: a bad index is a failed test.
#![allow(clippy::indexing_slicing)]
//! Secrets and personal data in the core client (R6, R10): its `Debug`, and every kind of
//! `idenfy::Error` a call returns, never show the API secret, the base64 credentials, the
//! `authToken` or personal values. The protocol's types are checked in idenfy-proto
//! (`crates/idenfy-proto/tests/redaction.rs`), with the same values and checks.

// The values and checks live with the protocol crate's tests; this file includes the one copy.
#[path = "../../crates/idenfy-proto/tests/support/mod.rs"]
mod support;

use idenfy::{Client, TransportError, TransportErrorKind};
use idenfy_proto::TokenRequest;
use idenfy_proto::http::{Request, Response};
use support::redaction::{
    API_KEY, AUTH_TOKEN, CLIENT_ID, FIRST_NAME, assert_no_personal, assert_no_secret, config,
    personal_request,
};

#[test]
fn r10_client_debug() {
    let transport = |_request: Request<Vec<u8>>| async {
        Err::<Response<Vec<u8>>, _>(TransportError::new(TransportErrorKind::Other))
    };
    let client = Client::with_transport(config(), transport);
    let debug = format!("{client:?}");
    assert_no_secret("Client", &debug);
    assert!(debug.contains(API_KEY), "{debug}");
}

/// Every kind of `idenfy::Error` a client call can return, with a secret-holding config.
#[test]
fn r10_core_client_errors() {
    let api = |_request: Request<Vec<u8>>| async {
        Ok::<_, TransportError>(
            Response::builder()
                .status(401)
                .body(br#"{"identifier":"UNAUTHORIZED","message":"Bad credentials."}"#.to_vec())
                .unwrap(),
        )
    };
    let decode = |_request: Request<Vec<u8>>| async {
        Ok::<_, TransportError>(
            Response::builder()
                .status(201)
                .body(format!(r#"{{"authToken":"{AUTH_TOKEN}"}}"#).into_bytes())
                .unwrap(),
        )
    };
    let transport = |_request: Request<Vec<u8>>| async {
        Err::<Response<Vec<u8>>, _>(TransportError::with_source(
            TransportErrorKind::Io,
            "connection reset by peer",
        ))
    };
    let request = personal_request();
    let errors = [
        pollster::block_on(Client::with_transport(config(), api).create_token(&request))
            .unwrap_err(),
        pollster::block_on(Client::with_transport(config(), decode).create_token(&request))
            .unwrap_err(),
        pollster::block_on(Client::with_transport(config(), transport).create_token(&request))
            .unwrap_err(),
        idenfy::Error::from(
            TokenRequest::builder(CLIENT_ID)
                .first_name(format!("{FIRST_NAME}1"))
                .build()
                .unwrap_err(),
        ),
    ];
    assert!(matches!(errors[0], idenfy::Error::Api(_)));
    assert!(matches!(errors[1], idenfy::Error::Decode(_)));
    assert!(matches!(errors[2], idenfy::Error::Transport(_)));
    assert!(matches!(errors[3], idenfy::Error::Validation(_)));
    for err in &errors {
        for text in [err.to_string(), format!("{err:?}"), format!("{err:#?}")] {
            assert_no_secret("idenfy::Error", &text);
            assert_no_personal("idenfy::Error", &text);
            assert!(!text.contains("Basic "), "{text}");
        }
    }
}
