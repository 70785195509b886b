#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! What is particular to the hyper transport: it needs a Tokio runtime to send. The behaviour it
//! shares with the other adapters is checked once for all of them, in the transport conformance
//! suite (`tests/tests/conformance.rs` of the workspace).

use idenfy_hyper::idenfy::TransportErrorKind;
use idenfy_hyper::{CallOptions, Client, Config, Credentials, Error, HyperTransport, RetryPolicy};

/// Outside a Tokio runtime a call fails with `Other` instead of panicking; constructing the
/// transport needs no runtime. (Constructing it also builds its rustls configuration, here with
/// both rustls providers compiled in: see dev-dependencies.)
#[test]
fn without_a_tokio_runtime_a_call_fails_without_panicking() {
    let config = Config::builder(Credentials::new("key", "secret").unwrap())
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap();
    let client = Client::with_transport(config, HyperTransport::new().unwrap())
        .with_options(CallOptions::default().with_retry(RetryPolicy::none()));
    let error =
        pollster::block_on(client.status("3af4c9a4-1d2f-4b8e-9c61-0a2b3c4d5e6f")).unwrap_err();
    let Error::Transport(transport) = error else {
        panic!("expected a transport error, got {error:?}")
    };
    assert_eq!(transport.kind(), TransportErrorKind::Other);
}

/// A server that accepts the TCP connection but never answers the TLS handshake costs the
/// connect timeout, not the attempt's, and is a connect failure (the request never left): R9.
#[tokio::test(flavor = "current_thread")]
async fn a_tls_handshake_that_never_finishes_is_a_connect_failure() {
    use std::time::{Duration, Instant};

    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // Hold the first connection open without a byte of answer; the thread ends with the test.
    std::thread::spawn(move || {
        let held = listener.accept();
        std::thread::sleep(Duration::from_secs(5));
        drop(held);
    });
    let config = Config::builder(Credentials::new("key", "secret").unwrap())
        .base_url(format!("https://127.0.0.1:{port}"))
        .build()
        .unwrap();
    let transport = HyperTransport::builder()
        .connect_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let client = Client::with_transport(config, transport).with_options(
        CallOptions::default()
            .with_timeout(Duration::from_secs(4))
            .with_attempt_timeout(Duration::from_secs(4))
            .with_retry(RetryPolicy::none()),
    );
    let started = Instant::now();
    let error = client
        .status("3af4c9a4-1d2f-4b8e-9c61-0a2b3c4d5e6f")
        .await
        .unwrap_err();
    let Error::Transport(transport) = error else {
        panic!("expected a transport error, got {error:?}")
    };
    assert_eq!(transport.kind(), TransportErrorKind::Connect, "{transport}");
    // Bounded by the connect timeout (0.3 s), far below the attempt's 4 s.
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}
