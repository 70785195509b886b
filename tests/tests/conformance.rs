#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Test code indexes and slices known fixtures and outputs: a bad bound is a failed test.
#![allow(clippy::indexing_slicing, clippy::string_slice)]
//! The transport conformance suite (issue 4): the same cases, with the same assertions, run
//! against each HTTP adapter — `idenfy-hyper`, `idenfy-isahc` and `idenfy-blocking` (ureq) —
//! over real loopback sockets, against the scripted [`TestServer`].
//!
//! Each case is written once, as a function generic over a [`Harness`] (an adapter's client,
//! driven synchronously: the async adapters inside a Tokio runtime, the blocking one directly;
//! shared with `conformance_emulator.rs` in `harness/`). The `conformance!` macro call at the
//! bottom instantiates every case as a `#[test]` in one module per adapter, so the tests are
//! named `hyper::r5_token_success`, `isahc::r5_token_success`, `blocking::r5_token_success`, …
//! (`cargo test --test conformance hyper::` runs one adapter, `cargo test --test conformance r9_`
//! one rule).
//!
//! These cases script the server byte by byte, for the misbehaviours the emulator cannot produce
//! precisely (stalls, resets, oversized bodies, idle closes); the lifecycle against a stateful
//! server, and the faults the emulator injects, are in `conformance_emulator.rs`.
//!
//! Case names start with the rule they check (R1 transport, R5 endpoints, R6 errors, R9
//! retries). Cases that need a deterministic error kind switch retries off through
//! [`CallOptions`]; the retry cases keep the default policy, whose pauses are driven by
//! `Retry-After: 0` or are bounded by the server, never by sleeps in the test. Timing
//! assertions are generous (the CI machine has two cores); the whole suite takes a few seconds.

#[macro_use]
mod harness;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use idenfy::{
    CallOptions, Config, Credentials, DEFAULT_USER_AGENT, DataRequest, DeleteRequest, Error,
    ErrorIdentifier, ErrorMessage, FilesRequest, PdfRequest, RetryPolicy, StatusRequest,
    TokenRequest, TransportErrorKind,
};
use idenfy_conformance::server::{Behaviour, RecordedRequest, Reply, TestServer, refused_base_url};
use idenfy_tests::base64_decode;
use serde_json::{Value, json};

use harness::{Blocking, Harness, Hyper, Isahc};

const KEY: &str = "conformance-key";
const SECRET: &str = "conformance-secret-9Zq";
const CLIENT_ID: &str = "customer-42";
const SCAN_REF: &str = "3af4c9a4-1d2f-4b8e-9c61-0a2b3c4d5e6f";
const AUTH_TOKEN: &str = "AbCdEfGhIjKlMnOpQrStUvWxYz";
const MINIMAL_PDF: &[u8] = include_bytes!("../fixtures/retrieval/minimal.pdf");

const TOKEN: &str = "/api/v2/token";
const STATUS: &str = "/api/v2/status";
const DATA: &str = "/api/v2/data";
const FILES: &str = "/api/v2/files";
const DELETE: &str = "/api/v2/delete";
const PDF: &str = "/api/v2/generate-pdf";

/// The total timeout of calls that are expected to finish: long enough for a loaded machine,
/// short enough that a hang fails the test quickly.
const GENEROUS: Duration = Duration::from_secs(10);

// ---------------------------------------------------------------------------------------------
// Helpers.

/// A client configuration for the scripted server at `base_url`.
fn config(base_url: &str) -> Config {
    Config::builder(Credentials::new(KEY, SECRET).unwrap())
        .base_url(base_url)
        .build()
        .unwrap()
}

fn defaults() -> CallOptions {
    CallOptions::default().timeout(GENEROUS)
}

fn no_retries() -> CallOptions {
    defaults().retry(RetryPolicy::none())
}

fn token_request() -> TokenRequest {
    TokenRequest::builder(CLIENT_ID)
        .first_name("Jonas")
        .last_name("Jonaitis")
        .locale("en")
        .expiry_time(3600)
        .build()
        .unwrap()
}

fn token_body() -> String {
    json!({
        "message": "Token created successfully",
        "authToken": AUTH_TOKEN,
        "scanRef": SCAN_REF,
        "clientId": CLIENT_ID,
        "firstName": "JONAS",
        "lastName": "JONAITIS",
        "locale": "en",
        "expiryTime": 3600,
        "sessionLength": 600,
        "tokenType": "IDENTIFICATION"
    })
    .to_string()
}

fn status_body() -> String {
    json!({
        "status": "APPROVED",
        "autoDocument": "DOC_VALIDATED",
        "autoFace": "FACE_MATCH",
        "manualDocument": "",
        "manualFace": "",
        "fraudTags": [],
        "mismatchTags": [],
        "scanRef": SCAN_REF,
        "clientId": CLIENT_ID
    })
    .to_string()
}

fn status_request() -> StatusRequest {
    StatusRequest::new(SCAN_REF).unwrap()
}

fn pdf_request() -> PdfRequest {
    PdfRequest::new(SCAN_REF).unwrap()
}

/// The transport error of a failed call.
fn transport_kind<T: std::fmt::Debug>(result: Result<T, Error>) -> TransportErrorKind {
    match result {
        Err(Error::Transport(error)) => error.kind(),
        other => panic!("expected a transport error, got {other:?}"),
    }
}

/// The API error of a failed call.
fn api_error<T: std::fmt::Debug>(result: Result<T, Error>) -> idenfy::ApiError {
    match result {
        Err(Error::Api(error)) => error,
        other => panic!("expected an API error, got {other:?}"),
    }
}

/// R1: what every request must look like on the wire.
fn assert_api_request(request: &RecordedRequest, path: &str) -> Value {
    assert_eq!(request.method, "POST");
    assert_eq!(request.target, path, "exact path, no trailing slash (R1)");
    assert_eq!(request.version, "HTTP/1.1");
    let authorization = request.header_all("authorization");
    assert_eq!(authorization.len(), 1, "{authorization:?}");
    let credentials = authorization[0]
        .strip_prefix("Basic ")
        .expect("HTTP Basic auth");
    let decoded = base64_decode(credentials).expect("base64 credentials");
    assert_eq!(decoded, format!("{KEY}:{SECRET}").as_bytes());
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.header("accept"), Some("application/json"));
    assert_eq!(request.header("user-agent"), Some(DEFAULT_USER_AGENT));
    assert!(DEFAULT_USER_AGENT.starts_with("idenfy-rs/"));
    assert!(request.header("host").is_some(), "HTTP/1.1 needs Host");
    if let Some(length) = request.header("content-length") {
        assert_eq!(length, request.body.len().to_string());
    }
    serde_json::from_slice(&request.body).expect("a JSON body")
}

fn only_request(server: &TestServer) -> RecordedRequest {
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "{requests:#?}");
    requests.into_iter().next().unwrap()
}

/// A plain-text HTTP server for one connection, for a client that speaks TLS to it: it reads
/// what arrives (the ClientHello) and answers `400` in clear text, as a plain HTTP server does.
/// [`TestServer`] cannot play it: it waits for a request line, which a ClientHello is not.
/// Returns the `https` base URL and the server thread, which ends within [`GENEROUS`].
fn plain_text_server() -> (String, JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    listener.set_nonblocking(true).unwrap();
    let server = thread::spawn(move || {
        let deadline = Instant::now() + GENEROUS;
        let mut stream = loop {
            match listener.accept() {
                Ok((stream, _)) => break stream,
                Err(_) if Instant::now() < deadline => thread::sleep(Duration::from_millis(5)),
                Err(error) => panic!("no client came: {error}"),
            }
        };
        stream.set_nonblocking(false).unwrap();
        stream.set_read_timeout(Some(GENEROUS)).unwrap();
        let _ = stream.read(&mut [0; 4096]);
        let _ = stream.write_all(
            b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        );
    });
    (format!("https://{addr}"), server)
}

// ---------------------------------------------------------------------------------------------
// R5: every endpoint's success path (and R1: the request the server saw).

fn r5_token_success<H: Harness>() {
    let server = TestServer::start().unwrap();
    server.enqueue(TOKEN, Behaviour::Respond(Reply::json(201, token_body())));
    let client = H::new(config(&server.base_url()), defaults());

    let token = client.send(&token_request()).unwrap();
    assert_eq!(token.auth_token.expose_secret(), AUTH_TOKEN);
    assert_eq!(token.scan_ref.as_str(), SCAN_REF);
    assert_eq!(token.client_id.as_deref(), Some(CLIENT_ID));
    assert_eq!(token.message.as_deref(), Some("Token created successfully"));

    let body = assert_api_request(&only_request(&server), TOKEN);
    assert_eq!(
        body,
        json!({
            "clientId": CLIENT_ID,
            "firstName": "Jonas",
            "lastName": "Jonaitis",
            "locale": "en",
            "expiryTime": 3600
        })
    );
}

fn r5_status_success<H: Harness>() {
    let server = TestServer::start().unwrap();
    server.enqueue(STATUS, Behaviour::Respond(Reply::json(200, status_body())));
    let client = H::new(config(&server.base_url()), defaults());

    let answer = client.send(&status_request()).unwrap();
    assert!(answer.is_approved());
    assert_eq!(answer.scan_ref.as_deref(), Some(SCAN_REF));
    assert_eq!(answer.client_id.as_deref(), Some(CLIENT_ID));
    assert!(!answer.is_manually_reviewed());

    let body = assert_api_request(&only_request(&server), STATUS);
    assert_eq!(body, json!({ "scanRef": SCAN_REF }));
}

fn r5_data_success<H: Harness>() {
    let server = TestServer::start().unwrap();
    let data = json!({
        "docFirstName": "JONAS",
        "docLastName": "JONAITIS",
        "docNumber": "LT1234567",
        "docExpiry": "2030-01-31",
        "docType": "ID_CARD",
        "selectedCountry": "LT",
        "scanRef": SCAN_REF,
        "clientId": 42
    });
    server.enqueue(DATA, Behaviour::Respond(Reply::json(200, data.to_string())));
    let client = H::new(config(&server.base_url()), defaults());

    let answer = client.send(&DataRequest::new(SCAN_REF).unwrap()).unwrap();
    assert_eq!(answer.scan_ref.as_deref(), Some(SCAN_REF));
    assert_eq!(answer.client_id.as_deref(), Some("42"));
    assert_eq!(
        answer.data.doc_first_name.as_deref().map(String::as_str),
        Some("JONAS")
    );
    assert_eq!(
        answer.data.doc_number.as_deref().map(String::as_str),
        Some("LT1234567")
    );

    let body = assert_api_request(&only_request(&server), DATA);
    assert_eq!(body, json!({ "scanRef": SCAN_REF }));
}

fn r5_files_success<H: Harness>() {
    let server = TestServer::start().unwrap();
    let files = json!({
        "FRONT": "https://files.example/front.jpg",
        "BACK": null,
        "FACE": "https://files.example/face.jpg"
    });
    server.enqueue(
        FILES,
        Behaviour::Respond(Reply::json(200, files.to_string())),
    );
    let client = H::new(config(&server.base_url()), defaults());

    let answer = client.send(&FilesRequest::new(SCAN_REF).unwrap()).unwrap();
    assert_eq!(answer.front(), Some("https://files.example/front.jpg"));
    assert_eq!(answer.face(), Some("https://files.example/face.jpg"));
    assert_eq!(answer.back(), None);
    assert!(answer.contains_key("BACK"));
    assert_eq!(answer.len(), 3);

    let body = assert_api_request(&only_request(&server), FILES);
    assert_eq!(body, json!({ "scanRef": SCAN_REF }));
}

fn r5_delete_success_with_empty_body<H: Harness>() {
    let server = TestServer::start().unwrap();
    server.enqueue(DELETE, Behaviour::Respond(Reply::new(200)));
    let client = H::new(config(&server.base_url()), defaults());

    client.send(&DeleteRequest::new(SCAN_REF).unwrap()).unwrap();

    let body = assert_api_request(&only_request(&server), DELETE);
    assert_eq!(body, json!({ "scanRef": SCAN_REF }));
}

fn r5_pdf_success_bytes_unchanged<H: Harness>() {
    assert!(MINIMAL_PDF.starts_with(b"%PDF-1.4") && MINIMAL_PDF.ends_with(b"%%EOF\n"));
    let server = TestServer::start().unwrap();
    server.enqueue(
        PDF,
        Behaviour::Respond(
            Reply::new(200)
                .header("Content-Type", "application/pdf")
                .body(MINIMAL_PDF),
        ),
    );
    let client = H::new(config(&server.base_url()), defaults());

    let answer = client.send(&pdf_request()).unwrap();
    assert_eq!(answer.as_bytes(), MINIMAL_PDF);

    let body = assert_api_request(&only_request(&server), PDF);
    assert_eq!(body, json!({ "scanRef": SCAN_REF }));
}

/// R1: a pooled client reuses its keep-alive connection for consecutive calls.
fn r1_calls_share_a_kept_alive_connection<H: Harness>() {
    let server = TestServer::start().unwrap();
    server.set_default(STATUS, Behaviour::Respond(Reply::json(200, status_body())));
    let client = H::new(config(&server.base_url()), defaults());

    for _ in 0..4 {
        assert!(client.send(&status_request()).unwrap().is_approved());
    }
    assert_eq!(server.count(STATUS), 4);
    // One connection is the norm; a second is tolerated for a pool that checks a connection
    // back in a moment after the body was read. Four would mean no reuse at all.
    assert!(
        server.connections() <= 2,
        "{} connections",
        server.connections()
    );
}

/// A server that is slow but answers within the timeout is waited for.
fn r9_slow_answer_within_the_timeout_succeeds<H: Harness>() {
    let server = TestServer::start().unwrap();
    server.enqueue(
        STATUS,
        Behaviour::Delay(Duration::from_millis(300), Reply::json(200, status_body())),
    );
    let client = H::new(config(&server.base_url()), no_retries());

    let started = Instant::now();
    assert!(client.send(&status_request()).unwrap().is_approved());
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(server.count(STATUS), 1);
}

// ---------------------------------------------------------------------------------------------
// R6: API errors.

/// Every identifier of reference §4.3, the variant it must become, and a status iDenfy sends
/// it with (or plausibly would: 400, 401, 403, 405, 429, 500).
fn identifiers() -> [(&'static str, ErrorIdentifier, u16); 13] {
    [
        ("INTERNAL_ERROR", ErrorIdentifier::InternalError, 500),
        ("BAD_VALUE", ErrorIdentifier::BadValue, 400),
        ("MISSING_VALUE", ErrorIdentifier::MissingValue, 400),
        ("UNAUTHORIZED", ErrorIdentifier::Unauthorized, 401),
        ("ENCODING_ERROR", ErrorIdentifier::EncodingError, 400),
        ("JSON_ERROR", ErrorIdentifier::JsonError, 400),
        ("TOKEN_NOT_VALID", ErrorIdentifier::TokenNotValid, 400),
        (
            "PARTNER_CONTRACT_ERROR",
            ErrorIdentifier::PartnerContractError,
            403,
        ),
        ("METHOD_NOT_ALLOWED", ErrorIdentifier::MethodNotAllowed, 405),
        ("PERMISSIONS_ERROR", ErrorIdentifier::PermissionsError, 403),
        ("TOO_MANY_REQUESTS", ErrorIdentifier::TooManyRequests, 429),
        ("VALIDATION_ERROR", ErrorIdentifier::ValidationError, 400),
        ("PARTNER_ERROR", ErrorIdentifier::PartnerError, 400),
    ]
}

/// Every §4.3 identifier becomes `Error::Api` with its variant and the status sent, through
/// every endpoint in turn. Retries are off, so the 429 and 500 are answered once (the retry
/// cases below cover retrying).
fn r6_every_error_identifier_is_typed<H: Harness>() {
    let server = TestServer::start().unwrap();
    let client = H::new(config(&server.base_url()), no_retries());
    let paths = [TOKEN, STATUS, DATA, FILES, DELETE, PDF];

    let identifiers = identifiers();
    for (index, (identifier, variant, status)) in identifiers.clone().into_iter().enumerate() {
        let path = paths[index % paths.len()];
        let message = format!("Something about {identifier}.");
        let body = json!({
            "identifier": identifier,
            "message": message,
            "documentation": "https://github.com/idenfy/Documentation",
            "severity": "NOT_SEVERE"
        });
        server.enqueue(
            path,
            Behaviour::Respond(Reply::json(status, body.to_string())),
        );
        let result = match path {
            TOKEN => client.send(&token_request()).map(drop),
            STATUS => client.send(&status_request()).map(drop),
            DATA => client.send(&DataRequest::new(SCAN_REF).unwrap()).map(drop),
            FILES => client.send(&FilesRequest::new(SCAN_REF).unwrap()).map(drop),
            DELETE => client.send(&DeleteRequest::new(SCAN_REF).unwrap()),
            _ => client.send(&pdf_request()).map(drop),
        };
        let error = api_error(result);
        assert_eq!(error.status().as_u16(), status, "{identifier}");
        let parsed = error.identifier().expect("an identifier");
        assert!(parsed.is_known(), "{identifier}");
        assert_eq!(parsed.as_str(), identifier);
        assert_eq!(parsed, &variant);
        assert_eq!(error.message(), Some(&ErrorMessage::Text(message)));
        assert_eq!(
            error.documentation(),
            Some("https://github.com/idenfy/Documentation")
        );
        assert_eq!(error.severity(), Some("NOT_SEVERE"));
        assert_eq!(error.raw_body(), None);
    }
    assert_eq!(server.total(), identifiers.len());
    for (position, path) in paths.into_iter().enumerate() {
        let expected = (0..identifiers.len())
            .filter(|index| index % paths.len() == position)
            .count();
        assert_eq!(server.count(path), expected, "{path}");
    }
}

/// 401 with iDenfy's JSON body, and 401 and 403 with no body at all: all `Error::Api`.
fn r6_unauthorized_with_and_without_body<H: Harness>() {
    let server = TestServer::start().unwrap();
    let client = H::new(config(&server.base_url()), defaults());

    server.enqueue(
        TOKEN,
        Behaviour::Respond(Reply::json(
            401,
            r#"{"identifier":"UNAUTHORIZED","message":"Invalid credentials."}"#,
        )),
    );
    let error = api_error(client.send(&token_request()));
    assert_eq!(error.status().as_u16(), 401);
    assert_eq!(error.identifier(), Some(&ErrorIdentifier::Unauthorized));

    server.enqueue(TOKEN, Behaviour::Respond(Reply::new(401)));
    let error = api_error(client.send(&token_request()));
    assert_eq!(error.status().as_u16(), 401);
    assert_eq!(error.identifier(), None);

    server.enqueue(STATUS, Behaviour::Respond(Reply::new(403)));
    let error = api_error(client.send(&status_request()));
    assert_eq!(error.status().as_u16(), 403);
    assert_eq!(error.identifier(), None);

    assert_eq!(server.count(TOKEN), 2);
    assert_eq!(server.count(STATUS), 1);
    // R6: the secret never shows in the error.
    for text in [error.to_string(), format!("{error:?}")] {
        assert!(!text.contains(SECRET), "{text}");
    }
}

// ---------------------------------------------------------------------------------------------
// R6: transport failures, each its own kind.

/// A server that reads the request and never answers: `Timeout` within the configured total
/// timeout (plus a margin), never a hang; not retried, the time being spent.
fn r6_never_answering_server_times_out<H: Harness>() {
    let timeout = Duration::from_millis(500);
    let server = TestServer::start().unwrap();
    server.set_default(STATUS, Behaviour::NeverAnswer);
    let client = H::new(
        config(&server.base_url()),
        CallOptions::default().timeout(timeout),
    );

    let started = Instant::now();
    let kind = transport_kind(client.send(&status_request()));
    let elapsed = started.elapsed();
    assert_eq!(kind, TransportErrorKind::Timeout);
    assert!(
        elapsed >= timeout - Duration::from_millis(100),
        "gave up early: {elapsed:?}"
    );
    assert!(
        elapsed < timeout + Duration::from_secs(2),
        "took too long: {elapsed:?}"
    );
    assert_eq!(server.count(STATUS), 1);
}

/// A server that sends the headers and part of the body, then stalls: still `Timeout` within
/// the configured timeout — the limit covers reading the body, not only the headers.
fn r6_stalled_body_times_out<H: Harness>() {
    let timeout = Duration::from_millis(500);
    let server = TestServer::start().unwrap();
    server.set_default(STATUS, Behaviour::StallMidResponse);
    let client = H::new(
        config(&server.base_url()),
        CallOptions::default().timeout(timeout),
    );

    let started = Instant::now();
    let kind = transport_kind(client.send(&status_request()));
    let elapsed = started.elapsed();
    assert_eq!(kind, TransportErrorKind::Timeout);
    assert!(
        elapsed >= timeout - Duration::from_millis(100),
        "gave up early: {elapsed:?}"
    );
    assert!(
        elapsed < timeout + Duration::from_secs(2),
        "took too long: {elapsed:?}"
    );
    assert_eq!(server.count(STATUS), 1);
}

/// The body cap: a 1 MiB answer against a 64 KiB limit is refused as `BodyTooLarge`, whether
/// its size is announced (`Content-Length`) or only found out by reading (chunked).
fn r6_oversized_body_is_refused<H: Harness>() {
    for behaviour in [
        Behaviour::Oversized(1024 * 1024),
        Behaviour::OversizedChunked(1024 * 1024),
    ] {
        let server = TestServer::start().unwrap();
        server.enqueue(PDF, behaviour.clone());
        let client = H::new(
            config(&server.base_url()),
            no_retries().max_response_bytes(64 * 1024),
        );
        let kind = transport_kind(client.send(&pdf_request()));
        assert_eq!(kind, TransportErrorKind::BodyTooLarge, "{behaviour:?}");
        assert_eq!(server.count(PDF), 1);
    }
}

/// The transport itself stops at the cap — only it can stop the work early: a 64 MiB body
/// against a 64 KiB cap is abandoned long before its end (the connection is closed while the
/// server is still writing), whether its size is announced or not.
fn r6_oversized_body_is_not_read_to_the_end<H: Harness>() {
    let size = 64 * 1024 * 1024;
    for behaviour in [
        Behaviour::Oversized(size),
        Behaviour::OversizedChunked(size),
    ] {
        let server = TestServer::start().unwrap();
        server.enqueue(PDF, behaviour.clone());
        let client = H::new(
            config(&server.base_url()),
            no_retries().max_response_bytes(64 * 1024),
        );
        let kind = transport_kind(client.send(&pdf_request()));
        assert_eq!(kind, TransportErrorKind::BodyTooLarge, "{behaviour:?}");
        // With the client still alive: the transport must give the connection up by itself.
        let streams = server.wait_for_streams(1, Duration::from_secs(5));
        assert_eq!(
            streams.len(),
            1,
            "the server is still writing: {behaviour:?}"
        );
        assert!(!streams[0].completed, "{behaviour:?}: {:?}", streams[0]);
        assert!(
            streams[0].written < size / 2,
            "{behaviour:?}: {:?}",
            streams[0]
        );
    }
}

/// The same 1 MiB body under the default cap is delivered whole.
fn r6_large_body_under_the_cap_is_delivered<H: Harness>() {
    let server = TestServer::start().unwrap();
    server.enqueue(PDF, Behaviour::OversizedChunked(1024 * 1024));
    let client = H::new(config(&server.base_url()), no_retries());
    let answer = client.send(&pdf_request()).unwrap();
    assert_eq!(answer.as_bytes().len(), 1024 * 1024);
    assert!(answer.as_bytes().starts_with(b"%PDF-1.4\n"));
}

/// The cap is exact: a body of `max_response_bytes` is delivered, one byte more is refused as
/// `BodyTooLarge`, whether its size is announced (`Content-Length`) or only found out by
/// reading (chunked).
fn r6_body_cap_is_exact_to_the_byte<H: Harness>() {
    let body = status_body();
    let server = TestServer::start().unwrap();
    let at_cap = H::new(
        config(&server.base_url()),
        no_retries().max_response_bytes(body.len()),
    );
    let one_over = H::new(
        config(&server.base_url()),
        no_retries().max_response_bytes(body.len() - 1),
    );
    let chunked = Reply::new(200)
        .header("Content-Type", "application/json")
        .header("Transfer-Encoding", "chunked")
        .body(format!("{:x}\r\n{body}\r\n0\r\n\r\n", body.len()));
    for reply in [Reply::json(200, body.clone()), chunked] {
        server.enqueue(STATUS, Behaviour::Respond(reply.clone()));
        assert!(at_cap.send(&status_request()).unwrap().is_approved());
        server.enqueue(STATUS, Behaviour::Respond(reply.clone()));
        assert_eq!(
            transport_kind(one_over.send(&status_request())),
            TransportErrorKind::BodyTooLarge,
            "{reply:?}"
        );
    }
    assert_eq!(server.count(STATUS), 4);
}

/// A connection reset in the middle of the body is `Io` (retries off, so the kind is the
/// first attempt's).
fn r6_reset_mid_response_is_io<H: Harness>() {
    let server = TestServer::start().unwrap();
    server.enqueue(STATUS, Behaviour::ResetMidResponse);
    let client = H::new(config(&server.base_url()), no_retries());
    assert_eq!(
        transport_kind(client.send(&status_request())),
        TransportErrorKind::Io
    );
    assert_eq!(server.count(STATUS), 1);
}

/// A body cut short by a normal close (fewer bytes than `Content-Length`) is `Io` too, never
/// a success with a truncated body.
fn r6_truncated_body_is_io<H: Harness>() {
    let server = TestServer::start().unwrap();
    server.enqueue(STATUS, Behaviour::TruncateMidResponse);
    let client = H::new(config(&server.base_url()), no_retries());
    assert_eq!(
        transport_kind(client.send(&status_request())),
        TransportErrorKind::Io
    );
    assert_eq!(server.count(STATUS), 1);
}

/// `https` to a server that answers in plain text: a clean transport error, never a panic, of
/// the adapter's [`Harness::FAILED_HANDSHAKE`] kind; retries are off, so one attempt.
///
/// The TLS stacks get their crypto provider passed explicitly (hyper, ureq) or choose it
/// themselves (curl), so this holds with rustls' ring and aws-lc-rs features both on, when
/// rustls cannot pick a process default (see this crate's dev-dependencies). isahc's curl
/// installs aws-lc-rs as the process default on its first TLS connection, which would hide a
/// regression of the others in this process; tests start in name order, so `blocking::` and
/// `hyper::` start this case long before `isahc::` does.
fn r6_https_to_a_plain_text_server_fails_cleanly<H: Harness>() {
    let (base_url, server) = plain_text_server();
    let client = H::new(config(&base_url), no_retries());
    assert_eq!(
        transport_kind(client.send(&status_request())),
        H::FAILED_HANDSHAKE
    );
    drop(client);
    server.join().unwrap();
}

// ---------------------------------------------------------------------------------------------
// R9: retries.

/// Token creation is sent exactly once when the server answers 503, even with retries on and
/// `Retry-After: 0`.
fn r9_token_is_sent_once_on_503<H: Harness>() {
    let server = TestServer::start().unwrap();
    server.set_default(
        TOKEN,
        Behaviour::Respond(
            Reply::json(
                503,
                r#"{"identifier":"INTERNAL_ERROR","message":"Unavailable."}"#,
            )
            .header("Retry-After", "0"),
        ),
    );
    let client = H::new(config(&server.base_url()), defaults());
    let error = api_error(client.send(&token_request()));
    assert_eq!(error.status().as_u16(), 503);
    assert_eq!(server.count(TOKEN), 1);
}

/// `status` is retried after two 503s with `Retry-After: 0`, and the third answer wins.
fn r9_status_is_retried_after_two_503s<H: Harness>() {
    let server = TestServer::start().unwrap();
    for _ in 0..2 {
        server.enqueue(
            STATUS,
            Behaviour::Respond(Reply::new(503).header("Retry-After", "0")),
        );
    }
    server.enqueue(STATUS, Behaviour::Respond(Reply::json(200, status_body())));
    let client = H::new(config(&server.base_url()), defaults());

    assert!(client.send(&status_request()).unwrap().is_approved());
    assert_eq!(server.count(STATUS), 3);
    let requests = server.requests();
    for request in &requests {
        assert_eq!(
            assert_api_request(request, STATUS),
            json!({ "scanRef": SCAN_REF })
        );
    }
}

/// A read-only call whose connection is reset mid-response is retried (on a new connection).
fn r9_status_is_retried_after_a_reset<H: Harness>() {
    let server = TestServer::start().unwrap();
    server.enqueue(STATUS, Behaviour::ResetMidResponse);
    server.enqueue(STATUS, Behaviour::Respond(Reply::json(200, status_body())));
    let client = H::new(config(&server.base_url()), defaults());

    assert!(client.send(&status_request()).unwrap().is_approved());
    assert_eq!(server.count(STATUS), 2);
    assert_eq!(server.connections(), 2);
}

/// Token creation whose connection is reset after the request arrived is NOT retried.
fn r9_token_is_not_retried_after_a_reset<H: Harness>() {
    let server = TestServer::start().unwrap();
    server.enqueue(TOKEN, Behaviour::ResetMidResponse);
    server.set_default(TOKEN, Behaviour::Respond(Reply::json(201, token_body())));
    let client = H::new(config(&server.base_url()), defaults());

    assert_eq!(
        transport_kind(client.send(&token_request())),
        TransportErrorKind::Io
    );
    assert_eq!(server.count(TOKEN), 1);
}

/// A keep-alive connection the server closed while it was idle is not reused: the next call —
/// a token creation, which the core never retries once sent — goes out on a new connection
/// and succeeds. (The pause between the calls is the idle time of the scenario, not a
/// synchronisation: a server closes idle connections long before the next call in real life.)
fn r9_connection_closed_while_idle_is_not_reused<H: Harness>() {
    let server = TestServer::start().unwrap();
    server.enqueue(
        STATUS,
        Behaviour::RespondThenClose(Reply::json(200, status_body())),
    );
    server.enqueue(TOKEN, Behaviour::Respond(Reply::json(201, token_body())));
    let client = H::new(config(&server.base_url()), defaults());

    assert!(client.send(&status_request()).unwrap().is_approved());
    std::thread::sleep(Duration::from_millis(200));
    let token = client.send(&token_request()).unwrap();
    assert_eq!(token.scan_ref.as_str(), SCAN_REF);
    assert_eq!(server.count(TOKEN), 1);
    assert_eq!(server.connections(), 2);
}

/// Nothing listens: `Connect`. Token creation IS retried then (the request never left), which
/// shows in the time taken: two pauses of 100 ms and 200 ms (no jitter) before giving up, and
/// still well within the timeout.
fn r9_refused_connection_is_connect_and_token_is_retried<H: Harness>() {
    let options = CallOptions::default()
        .timeout(Duration::from_secs(5))
        .retry(
            RetryPolicy::default()
                .max_retries(2)
                .initial_backoff(Duration::from_millis(100))
                .jitter(false),
        );
    let client = H::new(config(&refused_base_url().unwrap()), options);

    let started = Instant::now();
    let kind = transport_kind(client.send(&token_request()));
    let elapsed = started.elapsed();
    assert_eq!(kind, TransportErrorKind::Connect);
    assert!(
        elapsed >= Duration::from_millis(300),
        "not retried: {elapsed:?}"
    );
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");

    // Without retries the same failure comes back at once.
    let client = H::new(config(&refused_base_url().unwrap()), no_retries());
    assert_eq!(
        transport_kind(client.send(&status_request())),
        TransportErrorKind::Connect
    );
}

// ---------------------------------------------------------------------------------------------
// Every case × every adapter.

conformance! {
    adapters: [
        hyper => super::Hyper,
        isahc => super::Isahc,
        blocking => super::Blocking,
    ],
    cases: [
        r5_token_success,
        r5_status_success,
        r5_data_success,
        r5_files_success,
        r5_delete_success_with_empty_body,
        r5_pdf_success_bytes_unchanged,
        r1_calls_share_a_kept_alive_connection,
        r9_slow_answer_within_the_timeout_succeeds,
        r6_every_error_identifier_is_typed,
        r6_unauthorized_with_and_without_body,
        r6_never_answering_server_times_out,
        r6_stalled_body_times_out,
        r6_oversized_body_is_refused,
        r6_oversized_body_is_not_read_to_the_end,
        r6_large_body_under_the_cap_is_delivered,
        r6_body_cap_is_exact_to_the_byte,
        r6_reset_mid_response_is_io,
        r6_truncated_body_is_io,
        r6_https_to_a_plain_text_server_fails_cleanly,
        r9_token_is_sent_once_on_503,
        r9_status_is_retried_after_two_503s,
        r9_status_is_retried_after_a_reset,
        r9_token_is_not_retried_after_a_reset,
        r9_connection_closed_while_idle_is_not_reused,
        r9_refused_connection_is_connect_and_token_is_retried,
    ]
}
