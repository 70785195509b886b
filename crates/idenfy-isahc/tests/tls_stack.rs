#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The TLS stack this build's features chose (`aws-lc-rs` or `native-tls`; `webpki-roots` or
//! `platform-verifier`) is wired into the default transport: it builds, and a call to an
//! `https` server sends a ClientHello. Run it under each combination:
//! `cargo test -p idenfy-isahc --no-default-features --features … --test tls_stack`.

use std::io::Read;
use std::net::TcpListener;
use std::time::Duration;

use idenfy_isahc::idenfy::TransportErrorKind;
use idenfy_isahc::{CallOptions, Client, Config, Credentials, Error, IsahcTransport, RetryPolicy};

const CONNECT_TIMEOUT: Duration = Duration::from_millis(300);

/// The server reads what arrives and never answers: the first byte is a TLS handshake record,
/// and the call ends as a connect failure after the connect timeout.
#[test]
fn the_default_transport_sends_a_client_hello() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    // One connection, held until the client gives up; every wait is bounded.
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut first = [0; 1];
        stream.read_exact(&mut first).unwrap();
        // Until the client gives up and closes (or the read timeout strikes).
        while let Ok(1..) = stream.read(&mut [0; 4096]) {}
        first[0]
    });
    let config = Config::builder(Credentials::new("key", "secret").unwrap())
        .base_url(format!("https://{addr}"))
        .build()
        .unwrap();
    let transport = IsahcTransport::with_connect_timeout(CONNECT_TIMEOUT).unwrap();
    let client = Client::with_transport(config, transport);
    let options = CallOptions::default()
        .with_timeout(Duration::from_secs(5))
        .with_retry(RetryPolicy::none());
    let error = pollster::block_on(
        client
            .with_options(options)
            .status("3af4c9a4-1d2f-4b8e-9c61-0a2b3c4d5e6f"),
    )
    .unwrap_err();
    let Error::Transport(transport) = error else {
        panic!("expected a transport error, got {error:?}")
    };
    assert_eq!(
        transport.kind(),
        TransportErrorKind::Connect,
        "{transport:?}"
    );
    assert_eq!(server.join().unwrap(), 0x16, "a TLS handshake record");
}
