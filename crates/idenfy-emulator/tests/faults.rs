#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Each kind of injected fault, as the project's hyper adapter sees it.

mod support;

use std::time::Duration;

use idenfy_emulator::{Emulator, Fault, FaultKind, PathMatch};
use idenfy_hyper::idenfy::{ErrorIdentifier, TransportErrorKind};
use idenfy_hyper::{CallOptions, Client, Error, HyperTransport, RetryPolicy, TokenRequest};
use support::{client, post_json, raw_async};

fn transport_kind(result: Result<impl std::fmt::Debug, Error>) -> TransportErrorKind {
    match result {
        Err(Error::Transport(error)) => error.kind(),
        other => panic!("expected a transport error, got {other:?}"),
    }
}

fn request() -> TokenRequest {
    TokenRequest::builder("faulty").build().unwrap()
}

#[tokio::test]
async fn a_status_fault_is_an_api_error_then_the_next_request_is_normal() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator);
    emulator
        .inject_fault(Fault::status(503).on_path("/api/v2/token"))
        .unwrap();
    match client.create_token(&request()).await {
        Err(Error::Api(error)) => {
            assert_eq!(error.status().as_u16(), 503);
            assert_eq!(error.identifier(), Some(&ErrorIdentifier::InternalError));
        }
        other => panic!("expected an API error, got {other:?}"),
    }
    assert!(emulator.faults().is_empty());
    client.create_token(&request()).await.unwrap();
    // The injected answer did not reach the API: one token only.
    assert_eq!(emulator.verifications().len(), 1);
}

#[tokio::test]
async fn a_status_fault_with_its_own_body_and_times() {
    let emulator = Emulator::start().await.unwrap();
    emulator
        .inject_fault(
            Fault::status(502)
                .with_body("text/html", "<h1>Bad gateway</h1>")
                .on_prefix("/api/v2/")
                .times(2),
        )
        .unwrap();
    assert_eq!(emulator.faults()[0].remaining(), 2);
    assert_eq!(
        emulator.faults()[0].path(),
        &PathMatch::Prefix("/api/v2/".into())
    );
    for _ in 0..2 {
        let answer = post_json(&emulator, "/api/v2/status", "{}").await;
        assert_eq!(answer.status, 502);
        assert_eq!(answer.header("content-type"), Some("text/html"));
        assert_eq!(answer.text(), "<h1>Bad gateway</h1>");
    }
    assert_eq!(
        post_json(&emulator, "/api/v2/status", "{}").await.status,
        400
    );
}

#[tokio::test]
async fn a_delay_beyond_the_client_timeout_is_a_timeout() {
    let emulator = Emulator::start().await.unwrap();
    emulator
        .inject_fault(Fault::delay(Duration::from_secs(3)))
        .unwrap();
    let impatient = Client::with_transport(emulator.config(), HyperTransport::new().unwrap())
        .with_options(
            CallOptions::default()
                .with_retry(RetryPolicy::none())
                .with_timeout(Duration::from_millis(300)),
        );
    let started = std::time::Instant::now();
    assert_eq!(
        transport_kind(impatient.create_token(&request()).await),
        TransportErrorKind::Timeout
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    // A delay within the timeout only slows the answer down.
    emulator
        .inject_fault(Fault::delay(Duration::from_millis(100)))
        .unwrap();
    client(&emulator).create_token(&request()).await.unwrap();
}

#[tokio::test]
async fn a_dropped_connection_is_a_transport_failure() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator);
    emulator
        .inject_fault(Fault::drop_connection().on_path("/api/v2/token"))
        .unwrap();
    let kind = transport_kind(client.create_token(&request()).await);
    assert!(
        matches!(kind, TransportErrorKind::Io | TransportErrorKind::Connect),
        "{kind:?}"
    );
    assert!(
        emulator.verifications().is_empty(),
        "the request was not processed"
    );
    client.create_token(&request()).await.unwrap();
}

#[tokio::test]
async fn a_truncated_body_is_an_io_failure() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator);
    emulator
        .inject_fault(Fault::truncate_body().on_path("/api/v2/token"))
        .unwrap();
    assert_eq!(
        transport_kind(client.create_token(&request()).await),
        TransportErrorKind::Io
    );
    // The server did process it: the token exists, only its answer was cut.
    assert_eq!(emulator.verifications().len(), 1);

    emulator.inject_fault(Fault::truncate_body()).unwrap();
    let raw = raw_async(
        emulator.local_addr(),
        "GET",
        "/nothing".into(),
        vec![],
        vec![],
    )
    .await;
    assert_eq!(raw.status, 404);
    let announced: usize = raw.header("content-length").unwrap().parse().unwrap();
    assert!(raw.body.len() < announced);
}

#[tokio::test]
async fn garbage_is_a_transport_failure() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator);
    emulator
        .inject_fault(Fault::garbage().on_path("/api/v2/status"))
        .unwrap();
    let kind = transport_kind(client.status("0b1c2d3e").await);
    assert_ne!(kind, TransportErrorKind::Timeout);
    assert!(emulator.faults().is_empty());
    // The client recovers on a fresh connection.
    client.create_token(&request()).await.unwrap();
}

#[tokio::test]
async fn faults_never_touch_the_control_api_and_can_be_cleared() {
    let emulator = Emulator::start().await.unwrap();
    emulator
        .inject_fault(Fault::drop_connection().times(5))
        .unwrap();
    let health = raw_async(
        emulator.local_addr(),
        "GET",
        "/__emulator/health".into(),
        vec![],
        vec![],
    )
    .await;
    assert_eq!(health.status, 200);
    assert_eq!(emulator.faults()[0].remaining(), 5);
    assert_eq!(emulator.faults()[0].kind(), &FaultKind::DropConnection);
    emulator.clear_faults();
    client(&emulator).create_token(&request()).await.unwrap();
}

#[tokio::test]
async fn the_client_retries_read_only_calls_through_transient_faults() {
    let emulator = Emulator::start().await.unwrap();
    let token = client(&emulator).create_token(&request()).await.unwrap();
    emulator
        .inject_fault(Fault::status(503).on_path("/api/v2/status").times(2))
        .unwrap();
    let patient = Client::with_transport(emulator.config(), HyperTransport::new().unwrap())
        .with_options(
            CallOptions::default().with_retry(
                RetryPolicy::default()
                    .with_max_retries(3)
                    .with_initial_backoff(Duration::from_millis(10))
                    .with_jitter(false),
            ),
        );
    let status = patient.status(token.scan_ref.as_str()).await.unwrap();
    assert!(status.status.is_some());
}
