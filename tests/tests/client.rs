#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The core client (`idenfy::Client`) driven by closure transports: what the transport receives,
//! how answers and failures come back (R1, R4, R6), that nothing is sent for an invalid request,
//! and that token creation is never retried (R9).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use idenfy::http::header::AUTHORIZATION;
use idenfy::http::{Request, Response};
use idenfy::{
    Client, Config, Credentials, Endpoint, ErrorIdentifier, RetryClass, Rule, TokenRequest,
    TokenRequestBuilder, TokenResponse, TransportError, TransportErrorKind,
};

const AUTH_TOKEN: &str = "Mk4pQ8rT2vX6zB0dF3hJ7lN1qS5uW9yA";
const SCAN_REF: &str = "1f7e9c2a-6b3d-4e58-a0c1-9d8e7f6a5b4c";

fn config() -> Config {
    Config::new(Credentials::new("partner-key-7781", "Sup3r-S3cret-Valu3!").unwrap())
}

fn created() -> Response<Vec<u8>> {
    Response::builder()
        .status(201)
        .body(
            format!(
                r#"{{"message":"Token created successfully","authToken":"{AUTH_TOKEN}","scanRef":"{SCAN_REF}","clientId":"crm-88412","expiryTime":3600}}"#
            )
            .into_bytes(),
        )
        .unwrap()
}

fn request() -> TokenRequest {
    TokenRequest::builder("crm-88412")
        .first_name("Eglė")
        .country("lt")
        .locale("lt")
        .build()
        .unwrap()
}

#[test]
fn r4_create_token_success() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let transport = move |_request: Request<Vec<u8>>| {
        counter.fetch_add(1, Ordering::SeqCst);
        async { Ok::<_, TransportError>(created()) }
    };
    let client = Client::with_transport(config(), transport);
    let token: TokenResponse = pollster::block_on(client.create_token(&request())).unwrap();
    assert_eq!(token.auth_token.expose_secret(), AUTH_TOKEN);
    assert_eq!(token.scan_ref.as_str(), SCAN_REF);
    assert_eq!(token.client_id.as_deref(), Some("crm-88412"));
    assert_eq!(token.expiry_time, Some(3600));
    assert_eq!(calls.load(Ordering::SeqCst), 1);

    // The redirect URL is built from the client's own base URL.
    assert_eq!(
        client.redirect_url(&token.auth_token),
        format!("https://ivs.idenfy.com/api/v2/redirect?authToken={AUTH_TOKEN}")
    );
}

#[test]
fn r1_transport_receives_exactly_what_to_request_builds() {
    let seen: Arc<Mutex<Vec<Request<Vec<u8>>>>> = Arc::default();
    let sink = Arc::clone(&seen);
    let transport = move |request: Request<Vec<u8>>| {
        sink.lock().unwrap().push(request);
        async { Ok::<_, TransportError>(created()) }
    };
    let config = config();
    let token_request = request();
    let client = Client::with_transport(config.clone(), transport);
    pollster::block_on(client.create_token(&token_request)).unwrap();

    let expected = token_request.to_request(&config).unwrap();
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    let received = &seen[0];
    assert_eq!(received.method(), expected.method());
    assert_eq!(received.uri(), expected.uri());
    assert_eq!(received.version(), expected.version());
    assert_eq!(received.headers(), expected.headers());
    assert_eq!(received.body(), expected.body());
    assert!(received.headers()[AUTHORIZATION].is_sensitive());
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(received.body()).unwrap(),
        serde_json::json!({"clientId": "crm-88412", "firstName": "Eglė", "country": "LT", "locale": "lt"})
    );
}

#[test]
fn r1_transport_sees_the_configured_base_url() {
    let uri: Arc<Mutex<Option<String>>> = Arc::default();
    let sink = Arc::clone(&uri);
    let transport = move |request: Request<Vec<u8>>| {
        *sink.lock().unwrap() = Some(request.uri().to_string());
        async { Ok::<_, TransportError>(created()) }
    };
    let config = Config::builder(Credentials::new("k", "s").unwrap())
        .base_url("http://localhost:18080/emulator/")
        .build()
        .unwrap();
    let client = Client::with_transport(config, transport);
    pollster::block_on(client.create_token(&request())).unwrap();
    assert_eq!(
        uri.lock().unwrap().as_deref(),
        Some("http://localhost:18080/emulator/api/v2/token")
    );
}

#[test]
fn r6_api_error_is_mapped_to_error_api() {
    let transport = |_request: Request<Vec<u8>>| async {
        Ok::<_, TransportError>(
            Response::builder()
                .status(400)
                .body(
                    br#"{"identifier":"BAD_VALUE","message":"Field 'country' must be a valid ISO 3166-1 alpha-2 code."}"#
                        .to_vec(),
                )
                .unwrap(),
        )
    };
    let client = Client::with_transport(config(), transport);
    let err = pollster::block_on(client.create_token(&request())).unwrap_err();
    let api = err.as_api().expect("an API error");
    assert_eq!(api.status().as_u16(), 400);
    assert_eq!(api.identifier(), Some(&ErrorIdentifier::BadValue));
    assert!(matches!(err, idenfy::Error::Api(_)));
}

#[test]
fn r6_empty_401_is_mapped_to_error_api() {
    let transport = |_request: Request<Vec<u8>>| async {
        Ok::<_, TransportError>(Response::builder().status(401).body(Vec::new()).unwrap())
    };
    let client = Client::with_transport(config(), transport);
    let err = pollster::block_on(client.create_token(&request())).unwrap_err();
    let api = err.as_api().expect("an API error");
    assert_eq!(api.status().as_u16(), 401);
    assert_eq!(api.identifier(), None);
}

#[test]
fn r6_undecodable_success_is_error_decode() {
    let transport = |_request: Request<Vec<u8>>| async {
        Ok::<_, TransportError>(Response::builder().status(201).body(Vec::new()).unwrap())
    };
    let client = Client::with_transport(config(), transport);
    let err = pollster::block_on(client.create_token(&request())).unwrap_err();
    assert!(err.as_api().is_none());
    match err {
        idenfy::Error::Decode(decode) => {
            assert_eq!(decode.kind(), idenfy::DecodeErrorKind::Empty);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn r6_transport_error_comes_back_with_its_kind() {
    for kind in [
        TransportErrorKind::Connect,
        TransportErrorKind::Timeout,
        TransportErrorKind::Io,
        TransportErrorKind::BodyTooLarge,
        TransportErrorKind::Other,
    ] {
        let calls = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&calls);
        let transport = move |_request: Request<Vec<u8>>| {
            counter.fetch_add(1, Ordering::SeqCst);
            async move {
                Err::<Response<Vec<u8>>, _>(TransportError::with_source(kind, "simulated failure"))
            }
        };
        let client = Client::with_transport(config(), transport);
        let err = pollster::block_on(client.create_token(&request())).unwrap_err();
        match &err {
            idenfy::Error::Transport(transport_error) => {
                assert_eq!(transport_error.kind(), kind);
                assert_eq!(
                    transport_error.is_connect(),
                    kind == TransportErrorKind::Connect
                );
                let source = std::error::Error::source(transport_error).expect("source kept");
                assert_eq!(source.to_string(), "simulated failure");
            }
            other => panic!("{kind:?}: {other:?}"),
        }
        assert!(err.as_api().is_none());
        // R9: token creation is retried only when the connection was never established (the
        // request cannot have reached the server); the default policy allows two retries.
        let expected = if kind == TransportErrorKind::Connect {
            3
        } else {
            1
        };
        assert_eq!(calls.load(Ordering::SeqCst), expected, "{kind:?}");
    }
}

/// An endpoint that validates lazily: `to_request` builds the token request and fails when the
/// builder refuses it. The client must return that failure without touching the transport.
struct LazyToken(TokenRequestBuilder);

impl Endpoint for LazyToken {
    type Output = TokenResponse;

    fn name(&self) -> &'static str {
        "token"
    }

    fn retry_class(&self) -> RetryClass {
        RetryClass::NotIdempotent
    }

    fn to_request(&self, config: &Config) -> Result<Request<Vec<u8>>, idenfy_proto::Error> {
        self.0.clone().build()?.to_request(config)
    }

    fn parse(&self, response: Response<&[u8]>) -> Result<TokenResponse, idenfy_proto::Error> {
        self.0.clone().build()?.parse(response)
    }
}

#[test]
fn r6_validation_error_never_calls_the_transport() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let transport = move |_request: Request<Vec<u8>>| {
        counter.fetch_add(1, Ordering::SeqCst);
        async { Ok::<_, TransportError>(created()) }
    };
    let client = Client::with_transport(config(), transport);

    // Refused: a session length one second too long.
    let invalid = LazyToken(TokenRequest::builder("crm-88412").session_length(3601));
    let err = pollster::block_on(client.send(&invalid)).unwrap_err();
    match &err {
        idenfy::Error::Validation(validation) => {
            assert_eq!(validation.field(), "sessionLength");
            assert_eq!(
                validation.rule(),
                &Rule::Range {
                    min: 60,
                    max: 3600,
                    actual: 3601
                }
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(calls.load(Ordering::SeqCst), 0);

    // The same endpoint with a valid value does reach the transport, once.
    let valid = LazyToken(TokenRequest::builder("crm-88412").session_length(3600));
    let token = pollster::block_on(client.send(&valid)).unwrap();
    assert_eq!(token.scan_ref.as_str(), SCAN_REF);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[test]
fn r2_refused_builder_never_reaches_a_client() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let transport = move |_request: Request<Vec<u8>>| {
        counter.fetch_add(1, Ordering::SeqCst);
        async { Ok::<_, TransportError>(created()) }
    };
    let client = Client::with_transport(config(), transport);
    let result = TokenRequest::builder("crm-88412")
        .first_name("R2D2")
        .build()
        .map_err(idenfy::Error::from)
        .map(|request| pollster::block_on(client.create_token(&request)));
    let err = result.unwrap_err();
    assert!(matches!(&err, idenfy::Error::Validation(v) if v.field() == "firstName"));
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[test]
fn r2_generic_send_equals_create_token() {
    let transport = |_request: Request<Vec<u8>>| async { Ok::<_, TransportError>(created()) };
    let client = Client::with_transport(config(), transport);
    let request = request();
    let via_send = pollster::block_on(client.send(&request)).unwrap();
    let via_create = pollster::block_on(client.create_token(&request)).unwrap();
    assert_eq!(via_send.auth_token, via_create.auth_token);
    assert_eq!(via_send.scan_ref, via_create.scan_ref);
}
