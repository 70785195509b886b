//! R9 with the user's own pooled client, per adapter: a kept-alive connection dies after the
//! server read a token request in full and created the token, before a byte of the answer. A
//! client (or the HTTP library under it) that resends on a fresh connection creates a second
//! token; the adapters must report the failure instead.
//!
//! The emulator loses the answer ([`Fault::lose_answer`]); a counting forwarder between client
//! and emulator proves that the token request did travel over the connection kept alive by the
//! call before it, which is the case HTTP libraries resend silently.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use idenfy::{CallOptions, Config, Error, TokenRequest, TransportErrorKind};
use idenfy_emulator::{Emulator, Fault};

/// A TCP forwarder on 127.0.0.1 to `target` that counts the connections it accepted. Each
/// connection is piped both ways on two threads, which end when either side closes or after
/// 20 s of silence.
struct Forwarder {
    addr: SocketAddr,
    accepted: Arc<AtomicUsize>,
}

impl Forwarder {
    fn start(target: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let accepted = Arc::new(AtomicUsize::new(0));
        let count = Arc::clone(&accepted);
        thread::spawn(move || {
            // At most a few connections per round, 8 rounds: bounded.
            for client in listener.incoming().take(64) {
                let Ok(client) = client else { return };
                count.fetch_add(1, Ordering::SeqCst);
                let Ok(upstream) = TcpStream::connect(target) else {
                    return;
                };
                pipe(client.try_clone().unwrap(), upstream.try_clone().unwrap());
                pipe(upstream, client);
            }
        });
        Self { addr, accepted }
    }

    fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

/// Copies `from` to `to` until `from` ends, then closes both directions of `to`.
fn pipe(mut from: TcpStream, mut to: TcpStream) {
    thread::spawn(move || {
        let _ = from.set_read_timeout(Some(Duration::from_secs(20)));
        let mut buffer = [0u8; 16 * 1024];
        while let Ok(read @ 1..) = from.read(&mut buffer) {
            if to
                .write_all(buffer.get(..read).unwrap_or_default())
                .is_err()
            {
                break;
            }
        }
        let _ = to.shutdown(Shutdown::Both);
        let _ = from.shutdown(Shutdown::Both);
    });
}

fn request() -> TokenRequest {
    TokenRequest::builder("customer-lost-answer")
        .build()
        .unwrap()
}

/// One adapter's client, pooled and of the user's own making, driven synchronously.
trait Pooled {
    fn create_token(&self, request: &TokenRequest) -> Result<(), Error>;
    fn status(&self, scan_ref: &str) -> Result<(), Error>;
}

struct InTokio<T> {
    runtime: tokio::runtime::Runtime,
    client: idenfy::Client<T>,
}

impl<T: idenfy::Transport> Pooled for InTokio<T> {
    fn create_token(&self, request: &TokenRequest) -> Result<(), Error> {
        self.runtime
            .block_on(self.client.create_token(request))
            .map(drop)
    }

    fn status(&self, scan_ref: &str) -> Result<(), Error> {
        self.runtime
            .block_on(self.client.status(scan_ref))
            .map(drop)
    }
}

impl Pooled for idenfy_blocking::Client {
    fn create_token(&self, request: &TokenRequest) -> Result<(), Error> {
        idenfy::BlockingClient::create_token(self, request).map(drop)
    }

    fn status(&self, scan_ref: &str) -> Result<(), Error> {
        idenfy::BlockingClient::status(self, scan_ref).map(drop)
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

/// A generous total timeout: the lost answer is noticed at once (the connection closes), so a
/// call that takes long is a failure of its own.
fn options() -> CallOptions {
    CallOptions::default().with_timeout(Duration::from_secs(20))
}

fn hyper(config: Config) -> Box<dyn Pooled> {
    let runtime = runtime();
    let client = {
        let _entered = runtime.enter();
        // The user's own hyper-util client: pooled, with hyper-util's defaults.
        let pooled =
            hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                .build(
                    hyper_rustls::HttpsConnectorBuilder::new()
                        .with_provider_and_webpki_roots(
                            rustls::crypto::aws_lc_rs::default_provider(),
                        )
                        .unwrap()
                        .https_or_http()
                        .enable_http1()
                        .build(),
                );
        idenfy::Client::with_transport(config, idenfy_hyper::HyperTransport::from_client(pooled))
            .with_options(options())
    };
    Box::new(InTokio { runtime, client })
}

fn isahc(config: Config) -> Box<dyn Pooled> {
    // The user's own isahc client: curl's connection cache on, as by default.
    let pooled = isahc::HttpClient::new().unwrap();
    let client =
        idenfy::Client::with_transport(config, idenfy_isahc::IsahcTransport::from_client(pooled))
            .with_options(options());
    Box::new(InTokio {
        runtime: runtime(),
        client,
    })
}

fn blocking(config: Config) -> Box<dyn Pooled> {
    // The user's own ureq agent: pooled, as by default.
    let agent = ureq::Agent::new_with_defaults();
    Box::new(
        idenfy::BlockingClient::with_transport(
            config,
            idenfy_blocking::UreqTransport::from_agent(agent),
        )
        .with_options(options()),
    )
}

fn a_lost_token_answer_creates_one_token(adapter: fn(Config) -> Box<dyn Pooled>) {
    let emulator = Emulator::start_blocking().unwrap();
    let forwarder = Forwarder::start(emulator.local_addr());
    let config = Config::builder(emulator.credentials())
        .base_url(forwarder.base_url())
        .build()
        .unwrap();
    let client = adapter(config);

    // Each round: a normal call leaves a kept-alive connection in the client's pool, then the
    // answer to a token request is lost after the emulator created the token. A pool may still
    // be handing the first connection back when the second call starts (hyper-util then opens
    // another), so the round is repeated, a bounded number of times, until the lost request
    // did travel over the kept-alive connection; every round must leave exactly one token.
    let mut reused = false;
    for _round in 0..8 {
        client.create_token(&request()).unwrap();
        let accepted = forwarder.accepted();
        let tokens = emulator.verifications().len();

        emulator
            .inject_fault(Fault::lose_answer().on_path("/api/v2/token"))
            .unwrap();
        let error = client.create_token(&request()).unwrap_err();
        assert!(emulator.faults().is_empty(), "the fault was not used");
        match &error {
            // The request reached the server: an I/O failure, neither `Connect` (which token
            // creation would retry) nor `Other`.
            Error::Transport(transport) => {
                assert_eq!(transport.kind(), TransportErrorKind::Io, "{error:?}")
            }
            other => panic!("expected a transport error, got {other:?}"),
        }
        assert_eq!(
            emulator.verifications().len(),
            tokens + 1,
            "the token request was sent again: a second token for one call"
        );
        if forwarder.accepted() == accepted {
            reused = true;
            break;
        }
    }
    assert!(
        reused,
        "in 8 rounds the token request never travelled over a kept-alive connection"
    );

    // The client recovers: a read-only call opens a new connection and is answered.
    let accepted = forwarder.accepted();
    let scan_ref = emulator.verifications().swap_remove(0).scan_ref;
    client.status(scan_ref.as_str()).unwrap();
    assert_eq!(forwarder.accepted(), accepted + 1);
}

#[test]
fn r9_hyper_users_pooled_client_does_not_resend_a_token_request_whose_answer_was_lost() {
    a_lost_token_answer_creates_one_token(hyper);
}

#[test]
fn r9_isahc_users_pooled_client_does_not_resend_a_token_request_whose_answer_was_lost() {
    a_lost_token_answer_creates_one_token(isahc);
}

#[test]
fn r9_ureq_users_pooled_agent_does_not_resend_a_token_request_whose_answer_was_lost() {
    a_lost_token_answer_creates_one_token(blocking);
}
