#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Test code indexes what it recorded: a bad bound is a failed test.
#![allow(clippy::indexing_slicing)]
//! Adapter parity (issue 10): a connect timeout is a connect failure on every adapter.
//!
//! A timeout while a connection is being set up — TCP, then the TLS handshake — means that the
//! request never left, so it is `TransportErrorKind::Connect` (R9: even a token request may be
//! sent again); a timeout once the request went out stays `Timeout`, and a token request is
//! then never repeated. Each case runs against `idenfy-hyper`, `idenfy-isahc` and
//! `idenfy-blocking` (ureq) with the same assertions, each adapter built with a 300 ms connect
//! timeout, over loopback sockets only:
//!
//! - the TLS phase: a listener that accepts TCP and never answers the ClientHello;
//! - the TCP phase (Linux): a listener whose accept queue is full, so the kernel drops the SYN;
//! - after the request: a plain `http` listener that reads the request and never answers.
//!
//! The listeners are threads of this process, each ending when its test drops it or after
//! [`LISTENER_LIFETIME`] at the latest; every wait is bounded.

use std::io::Read;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use idenfy::{
    BlockingClient, CallOptions, Client, Config, Credentials, Endpoint, Error, RetryPolicy,
    StatusRequest, TokenRequest, TransportErrorKind,
};

/// The connect timeout every adapter is built with here.
const CONNECT_TIMEOUT: Duration = Duration::from_millis(300);

/// The call's total timeout when the connect timeout is the one expected to strike: long
/// enough that a `Timeout` of the call could not be mistaken for it.
const CALL_TIMEOUT: Duration = Duration::from_secs(5);

/// The longest a listener thread lives, whatever its test does.
const LISTENER_LIFETIME: Duration = Duration::from_secs(30);

/// One HTTP adapter of the project.
#[derive(Debug, Clone, Copy)]
enum Adapter {
    Hyper,
    Isahc,
    Blocking,
}

/// Sends `endpoint` to `base_url` with `adapter`, built with [`CONNECT_TIMEOUT`].
fn send<E: Endpoint>(
    adapter: Adapter,
    base_url: &str,
    options: CallOptions,
    endpoint: &E,
) -> Result<E::Output, Error> {
    let config = Config::builder(Credentials::new("parity-key", "parity-secret").unwrap())
        .base_url(base_url)
        .build()
        .unwrap();
    let runtime = || {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    };
    match adapter {
        Adapter::Hyper => {
            let transport = idenfy_hyper::HyperTransport::builder()
                .connect_timeout(CONNECT_TIMEOUT)
                .build()
                .unwrap();
            let client = Client::with_transport(config, transport).with_options(options);
            let runtime = runtime();
            let result = runtime.block_on(client.send(endpoint));
            runtime.shutdown_background();
            result
        }
        Adapter::Isahc => {
            let transport =
                idenfy_isahc::IsahcTransport::with_connect_timeout(CONNECT_TIMEOUT).unwrap();
            let client = Client::with_transport(config, transport).with_options(options);
            let runtime = runtime();
            let result = runtime.block_on(client.send(endpoint));
            runtime.shutdown_background();
            result
        }
        Adapter::Blocking => {
            let transport = idenfy_blocking::UreqTransport::with_connect_timeout(CONNECT_TIMEOUT);
            BlockingClient::with_transport(config, transport)
                .with_options(options)
                .send(endpoint)
        }
    }
}

/// The kind of a failed call's transport error.
fn transport_kind<T: std::fmt::Debug>(result: Result<T, Error>) -> TransportErrorKind {
    match result {
        Err(Error::Transport(error)) => error.kind(),
        other => panic!("expected a transport error, got {other:?}"),
    }
}

fn status_request() -> StatusRequest {
    StatusRequest::new("3af4c9a4-1d2f-4b8e-9c61-0a2b3c4d5e6f").unwrap()
}

fn token_request() -> TokenRequest {
    TokenRequest::builder("customer-42").build().unwrap()
}

/// A listener that accepts every connection, keeps it open and never writes a byte; it records
/// what each connection sent.
struct Silent {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    received: Arc<Mutex<Vec<Vec<u8>>>>,
    thread: Option<JoinHandle<()>>,
}

impl Silent {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let received = Arc::new(Mutex::new(Vec::new()));
        let thread = thread::spawn({
            let stop = Arc::clone(&stop);
            let received = Arc::clone(&received);
            move || {
                let deadline = Instant::now() + LISTENER_LIFETIME;
                let mut streams: Vec<TcpStream> = Vec::new();
                while !stop.load(Ordering::Relaxed) && Instant::now() < deadline {
                    if let Ok((stream, _)) = listener.accept() {
                        stream.set_nonblocking(true).unwrap();
                        streams.push(stream);
                        received.lock().unwrap().push(Vec::new());
                    }
                    for (index, stream) in streams.iter_mut().enumerate() {
                        let mut buffer = [0; 4096];
                        if let Ok(n @ 1..) = stream.read(&mut buffer) {
                            received.lock().unwrap()[index].extend_from_slice(&buffer[..n]);
                        }
                    }
                    thread::sleep(Duration::from_millis(5));
                }
            }
        });
        Self {
            addr,
            stop,
            received,
            thread: Some(thread),
        }
    }

    /// What each accepted connection sent so far, in the order they were accepted.
    fn received(&self) -> Vec<Vec<u8>> {
        self.received.lock().unwrap().clone()
    }
}

impl Drop for Silent {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Asserts that the call failed with `Connect` after about the connect timeout.
fn assert_connect_after_the_connect_timeout(kind: TransportErrorKind, elapsed: Duration) {
    assert_eq!(kind, TransportErrorKind::Connect);
    assert!(
        elapsed >= CONNECT_TIMEOUT - Duration::from_millis(50),
        "gave up before the connect timeout: {elapsed:?}"
    );
    assert!(
        elapsed < CONNECT_TIMEOUT + Duration::from_secs(2),
        "the connect timeout did not strike: {elapsed:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// The cases, each instantiated once per adapter at the bottom.

/// The server accepts TCP and never answers the ClientHello: `Connect` after the connect
/// timeout, with retries off (one attempt).
fn tls_handshake_never_answered_is_connect(adapter: Adapter) {
    let server = Silent::start();
    let started = Instant::now();
    let kind = transport_kind(send(
        adapter,
        &format!("https://{}", server.addr),
        CallOptions::default()
            .with_timeout(CALL_TIMEOUT)
            .with_retry(RetryPolicy::none()),
        &status_request(),
    ));
    assert_connect_after_the_connect_timeout(kind, started.elapsed());
    let received = server.received();
    assert_eq!(received.len(), 1, "one connection");
    // A TLS handshake record: the ClientHello went out, and nothing answered it.
    assert_eq!(received[0].first(), Some(&0x16), "a ClientHello was sent");
}

/// The same stalled handshake for a token request with the default retry policy: the request
/// never left, so it is sent again (R9), on a new connection each time.
fn token_is_retried_after_a_connect_timeout(adapter: Adapter) {
    let server = Silent::start();
    let kind = transport_kind(send(
        adapter,
        &format!("https://{}", server.addr),
        CallOptions::default().with_timeout(CALL_TIMEOUT),
        &token_request(),
    ));
    assert_eq!(kind, TransportErrorKind::Connect);
    let connections = server.received().len();
    assert!(connections >= 2, "not retried: {connections} connection(s)");
}

/// The attempt's own timeout, as long as the connect timeout or shorter, strikes while the TLS
/// handshake of a token request is still under way: the request never left, so it is `Connect`
/// all the same, after the attempt's timeout rather than the connect timeout — and it is sent
/// again (R9), on a new connection each time. (A read-only call is retried after a timeout
/// whatever its kind; `idenfy-hyper` reports this one as `Timeout`, see its
/// `enforces_attempt_timeout`.)
fn handshake_outlasting_the_attempt_is_connect(adapter: Adapter) {
    let token_to = |server: &Silent, options: CallOptions| {
        transport_kind(send(
            adapter,
            &format!("https://{}", server.addr),
            options,
            &token_request(),
        ))
    };
    // As long as the connect timeout, as the defaults are (10 s each): the two timers strike
    // together, and the answer must not depend on which is polled first.
    for _ in 0..3 {
        let options = CallOptions::default()
            .with_timeout(CALL_TIMEOUT)
            .with_attempt_timeout(CONNECT_TIMEOUT)
            .with_retry(RetryPolicy::none());
        let kind = token_to(&Silent::start(), options);
        assert_eq!(kind, TransportErrorKind::Connect, "with equal timeouts");
    }

    let attempt = CONNECT_TIMEOUT / 3;
    let server = Silent::start();
    let started = Instant::now();
    let options = CallOptions::default()
        .with_timeout(CALL_TIMEOUT)
        .with_attempt_timeout(attempt)
        .with_retry(RetryPolicy::none());
    let kind = token_to(&server, options);
    let elapsed = started.elapsed();
    assert_eq!(kind, TransportErrorKind::Connect);
    assert!(
        elapsed >= attempt - Duration::from_millis(20),
        "gave up before the attempt's timeout: {elapsed:?}"
    );
    assert!(
        elapsed < CONNECT_TIMEOUT,
        "the attempt's timeout did not strike first: {elapsed:?}"
    );
    assert_eq!(server.received().len(), 1, "one connection");

    // With retries, the call's budget allowing a few attempts.
    let server = Silent::start();
    let options = CallOptions::default()
        .with_timeout(Duration::from_millis(1500))
        .with_attempt_timeout(attempt);
    let kind = token_to(&server, options);
    assert_eq!(kind, TransportErrorKind::Connect);
    let connections = server.received().len();
    assert!(connections >= 2, "not retried: {connections} connection(s)");
}

/// The kernel drops the SYN (the listener's accept queue is full), so TCP itself never
/// connects: `Connect` after the connect timeout.
#[cfg(target_os = "linux")]
fn tcp_connect_never_answered_is_connect(adapter: Adapter) {
    use socket2::{Domain, Socket, Type};

    // A backlog of 0 lets Linux queue one connection; the next SYNs are dropped while nobody
    // accepts (with or without SYN cookies), and the client keeps resending them.
    let listener = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    listener
        .bind(&SocketAddr::from(([127, 0, 0, 1], 0)).into())
        .unwrap();
    listener.listen(0).unwrap();
    let addr = listener.local_addr().unwrap().as_socket().unwrap();
    let mut fillers = Vec::new();
    let full =
        (0..16).any(
            |_| match TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
                Ok(stream) => {
                    fillers.push(stream);
                    false
                }
                Err(_) => true,
            },
        );
    assert!(
        full,
        "the accept queue never filled: cannot make a SYN go unanswered"
    );

    let started = Instant::now();
    let kind = transport_kind(send(
        adapter,
        &format!("http://{addr}"),
        CallOptions::default()
            .with_timeout(CALL_TIMEOUT)
            .with_retry(RetryPolicy::none()),
        &status_request(),
    ));
    assert_connect_after_the_connect_timeout(kind, started.elapsed());
    drop(fillers);
}

/// The connection is made and the request sent, then the server never answers: a `Timeout` of
/// the call, not a `Connect` after the connect timeout — and the token request, which may
/// have reached the server, is sent exactly once even with retries on.
fn answer_stalled_after_the_request_is_timeout(adapter: Adapter) {
    let call_timeout = Duration::from_millis(1500);
    let server = Silent::start();
    let started = Instant::now();
    let kind = transport_kind(send(
        adapter,
        &format!("http://{}", server.addr),
        CallOptions::default().with_timeout(call_timeout),
        &token_request(),
    ));
    let elapsed = started.elapsed();
    assert_eq!(kind, TransportErrorKind::Timeout);
    assert!(
        elapsed >= call_timeout - Duration::from_millis(100),
        "gave up early (the connect timeout must not cover the answer): {elapsed:?}"
    );
    assert!(
        elapsed < call_timeout + Duration::from_secs(2),
        "took too long: {elapsed:?}"
    );
    let received = server.received();
    assert_eq!(
        received.len(),
        1,
        "sent once: {} connections",
        received.len()
    );
    assert!(
        received[0].starts_with(b"POST /api/v2/token "),
        "the request went out"
    );
}

macro_rules! per_adapter {
    ($($adapter:ident => $variant:expr),* $(,)?) => {
        $(
            mod $adapter {
                use super::Adapter;

                #[test]
                fn tls_handshake_never_answered_is_connect() {
                    super::tls_handshake_never_answered_is_connect($variant);
                }

                #[test]
                fn token_is_retried_after_a_connect_timeout() {
                    super::token_is_retried_after_a_connect_timeout($variant);
                }

                #[test]
                fn handshake_outlasting_the_attempt_is_connect() {
                    super::handshake_outlasting_the_attempt_is_connect($variant);
                }

                #[cfg(target_os = "linux")]
                #[test]
                fn tcp_connect_never_answered_is_connect() {
                    super::tcp_connect_never_answered_is_connect($variant);
                }

                #[test]
                fn answer_stalled_after_the_request_is_timeout() {
                    super::answer_stalled_after_the_request_is_timeout($variant);
                }
            }
        )*
    };
}

per_adapter! {
    hyper => Adapter::Hyper,
    isahc => Adapter::Isahc,
    blocking => Adapter::Blocking,
}
