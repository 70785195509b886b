#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Certificates are verified (R1: the API is reached over `https`): each adapter's default
//! transport — `idenfy-hyper`, `idenfy-isahc`, `idenfy-blocking` (ureq), built as
//! `Client::with_config` builds it — refuses an `https` server whose certificate was signed by a
//! certificate authority it does not know.
//!
//! The server is a rustls acceptor with a hyper handler on 127.0.0.1, its certificate for
//! `127.0.0.1` signed by a CA made in the test. A refused handshake is
//! `TransportErrorKind::Connect`, and the request never reached the server (R9): the server saw
//! the handshake fail and its handler counted no request. Where the adapter's error chain exposes
//! the reason, it is the certificate: rustls' `UnknownIssuer` under `idenfy-hyper` and
//! `idenfy-blocking`, isahc's `BadServerCertificate` under `idenfy-isahc`.
//!
//! `idenfy-isahc` gives plain-`http` requests a TLS trust store of their own (isahc's native
//! store, which they never read) and keeps Mozilla's roots for `https`; one case makes plain-`http`
//! calls to the emulator first, then `https` ones on the same transport, which must still refuse
//! the unknown CA — in a child process whose `SSL_CERT_FILE` names that CA, so that an `https`
//! request given the native store would be accepted and fail the case. A control case shows the
//! server answering a client that trusts its CA, so a zero count means a refused client, not a
//! deaf server.
//!
//! Every call has retries off and a total timeout; every wait is bounded, the child's too.

use std::convert::Infallible;
use std::error::Error as StdError;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use idenfy::{
    BlockingClient, CallOptions, Client, Config, Credentials, Endpoint, Error, RetryPolicy,
    StatusRequest, TokenRequest, TransportError, TransportErrorKind,
};
use idenfy_emulator::Emulator;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// The longest any wait of this file lasts: a call, a server's count.
const WAIT: Duration = Duration::from_secs(10);

/// The status the server answers every request with: a typed API error on the client's side.
const ANSWER: hyper::StatusCode = hyper::StatusCode::UNAUTHORIZED;

/// A certificate authority made here and a server certificate for `127.0.0.1` it signed.
struct Pki {
    ca: CertificateDer<'static>,
    ca_pem: String,
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
}

fn pki() -> Pki {
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(rcgen::DnType::CommonName, "idenfy-tests unknown CA");
    let ca = CertifiedIssuer::self_signed(ca, KeyPair::generate().unwrap()).unwrap();
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["127.0.0.1".to_owned()])
        .unwrap()
        .signed_by(&leaf_key, &ca)
        .unwrap();
    Pki {
        ca: ca.der().clone(),
        ca_pem: ca.pem(),
        chain: vec![leaf.der().clone()],
        key: PrivatePkcs8KeyDer::from(leaf_key.serialize_der()).into(),
    }
}

/// An https server on 127.0.0.1, on a Tokio runtime of its own: it counts the handshakes that
/// completed, those that failed, and the requests its handler received (each answered
/// [`ANSWER`] with an empty body). The runtime, with every task, ends when it is dropped.
struct TlsServer {
    base_url: String,
    handshakes: Arc<AtomicUsize>,
    failed_handshakes: Arc<AtomicUsize>,
    requests: Arc<AtomicUsize>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl TlsServer {
    fn start(pki: &Pki) -> Self {
        // The provider is passed, never installed as the process default. (The isahc cases may
        // install one: curl's rustls-ffi does on its first connection. What this file checks
        // does not depend on it; the adapters' working without one is checked elsewhere.)
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(pki.chain.clone(), pki.key.clone_key())
            .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let base_url = format!("https://{}", listener.local_addr().unwrap());
        let handshakes = Arc::new(AtomicUsize::new(0));
        let failed_handshakes = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(AtomicUsize::new(0));
        runtime.spawn({
            let (handshakes, failed, requests) = (
                Arc::clone(&handshakes),
                Arc::clone(&failed_handshakes),
                Arc::clone(&requests),
            );
            async move {
                loop {
                    let Ok((stream, _)) = listener.accept().await else {
                        continue;
                    };
                    let acceptor = acceptor.clone();
                    let (handshakes, failed, requests) = (
                        Arc::clone(&handshakes),
                        Arc::clone(&failed),
                        Arc::clone(&requests),
                    );
                    tokio::spawn(async move {
                        let Ok(Ok(stream)) =
                            tokio::time::timeout(WAIT, acceptor.accept(stream)).await
                        else {
                            failed.fetch_add(1, Ordering::SeqCst);
                            return;
                        };
                        handshakes.fetch_add(1, Ordering::SeqCst);
                        let service = service_fn(move |_: hyper::Request<Incoming>| {
                            requests.fetch_add(1, Ordering::SeqCst);
                            let mut response = hyper::Response::new(Full::new(Bytes::new()));
                            *response.status_mut() = ANSWER;
                            async { Ok::<_, Infallible>(response) }
                        });
                        let connection = hyper::server::conn::http1::Builder::new()
                            .serve_connection(TokioIo::new(stream), service);
                        let _ = tokio::time::timeout(WAIT, connection).await;
                    });
                }
            }
        });
        Self {
            base_url,
            handshakes,
            failed_handshakes,
            requests,
            runtime: Some(runtime),
        }
    }

    /// A configuration calling this server.
    fn config(&self) -> Config {
        Config::builder(Credentials::new("tls-roots-key", "tls-roots-secret").unwrap())
            .base_url(self.base_url.as_str())
            .build()
            .unwrap()
    }

    /// Waits (at most [`WAIT`]) until `count` handshakes have failed, then checks that no
    /// handshake completed and the handler received nothing.
    fn assert_refused_handshakes(&self, count: usize) {
        // The server sees a handshake fail when the client's alert or close arrives, which may
        // be a moment after the client reported its error.
        let deadline = Instant::now() + WAIT;
        while self.failed_handshakes.load(Ordering::SeqCst) < count {
            assert!(
                Instant::now() < deadline,
                "{} failed handshake(s) seen, {count} expected",
                self.failed_handshakes.load(Ordering::SeqCst)
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(self.failed_handshakes.load(Ordering::SeqCst), count);
        assert_eq!(
            self.handshakes.load(Ordering::SeqCst),
            0,
            "a handshake went through"
        );
        assert_eq!(
            self.requests.load(Ordering::SeqCst),
            0,
            "a request reached the server"
        );
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// One HTTP adapter of the project.
#[derive(Debug, Clone, Copy)]
enum Adapter {
    Hyper,
    Isahc,
    Blocking,
}

/// One attempt, within [`WAIT`].
fn options() -> CallOptions {
    CallOptions::default()
        .with_timeout(WAIT)
        .with_retry(RetryPolicy::none())
}

fn token_request() -> TokenRequest {
    TokenRequest::builder("tls-roots-client").build().unwrap()
}

fn status_request(scan_ref: &str) -> StatusRequest {
    StatusRequest::new(scan_ref).unwrap()
}

/// A multi-threaded Tokio runtime for an async client.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// Sends `endpoint` with `adapter`'s default client for `config`.
fn send<E: Endpoint>(adapter: Adapter, config: Config, endpoint: &E) -> Result<E::Output, Error> {
    match adapter {
        Adapter::Hyper => {
            let runtime = runtime();
            let client = {
                let _entered = runtime.enter();
                idenfy_hyper::Client::with_config(config)
                    .unwrap()
                    .with_options(options())
            };
            let result = runtime.block_on(client.send(endpoint));
            runtime.shutdown_background();
            result
        }
        Adapter::Isahc => {
            let client = idenfy_isahc::Client::with_config(config)
                .unwrap()
                .with_options(options());
            let runtime = runtime();
            let result = runtime.block_on(client.send(endpoint));
            runtime.shutdown_background();
            result
        }
        Adapter::Blocking => idenfy_blocking::Client::with_config(config)
            .unwrap()
            .with_options(options())
            .send(endpoint),
    }
}

/// The transport error of a failed call, which must be `Connect`.
fn connect_error<T: std::fmt::Debug>(result: Result<T, Error>) -> TransportError {
    match result {
        Err(Error::Transport(error)) => {
            assert_eq!(
                error.kind(),
                TransportErrorKind::Connect,
                "{}",
                chain(&error)
            );
            error
        }
        other => panic!("expected a transport error, got {other:?}"),
    }
}

/// Every cause of `error`, itself first, the errors that `io::Error`s and ureq's errors wrap
/// included (which their `source` skips or does not give); at most 32.
fn causes<'a>(error: &'a (dyn StdError + 'static)) -> Vec<&'a (dyn StdError + 'static)> {
    let mut causes = Vec::new();
    let mut next = Some(error);
    while let Some(cause) = next.take() {
        if causes.len() >= 32 {
            break;
        }
        causes.push(cause);
        // `io::Error::source` is the wrapped error's source, and ureq's error gives no source:
        // step into the wrapped error itself.
        let wrapped: Option<&(dyn StdError + 'static)> =
            if let Some(io) = cause.downcast_ref::<std::io::Error>() {
                io.get_ref().map(|inner| inner as &(dyn StdError + 'static))
            } else {
                match cause.downcast_ref::<ureq::Error>() {
                    Some(ureq::Error::Io(io)) => Some(io),
                    Some(ureq::Error::Rustls(rustls)) => Some(rustls),
                    _ => None,
                }
            };
        next = wrapped.or_else(|| cause.source());
    }
    causes
}

/// The chain printed for an assertion's message.
fn chain(error: &TransportError) -> String {
    causes(error)
        .iter()
        .map(|cause| format!("{cause} ({cause:?})"))
        .collect::<Vec<_>>()
        .join(" <- ")
}

/// Asserts that `error`'s chain names the certificate as the reason, as far as `adapter`
/// exposes it.
fn assert_certificate_refused(adapter: Adapter, error: &TransportError) {
    let causes = causes(error);
    let found = match adapter {
        Adapter::Hyper | Adapter::Blocking => causes.iter().any(|cause| {
            matches!(
                cause.downcast_ref::<rustls::Error>(),
                Some(rustls::Error::InvalidCertificate(
                    rustls::CertificateError::UnknownIssuer
                ))
            )
        }),
        Adapter::Isahc => causes.iter().any(|cause| {
            cause.downcast_ref::<isahc::Error>().map(isahc::Error::kind)
                == Some(&isahc::error::ErrorKind::BadServerCertificate)
        }),
    };
    assert!(
        found,
        "{adapter:?}: no certificate error in {}",
        chain(error)
    );
}

// ---------------------------------------------------------------------------------------------
// The cases.

/// The default client's token request to a server of an unknown CA: refused at the handshake,
/// `Connect`, nothing reached the handler.
fn default_transport_refuses_an_unknown_ca(adapter: Adapter) {
    let server = TlsServer::start(&pki());
    let error = connect_error(send(adapter, server.config(), &token_request()));
    assert_certificate_refused(adapter, &error);
    server.assert_refused_handshakes(1);
}

/// The same for a status request (the pooled path of `idenfy-isahc`, whose token requests go
/// over connections of their own).
fn default_transport_refuses_an_unknown_ca_for_status(adapter: Adapter) {
    let server = TlsServer::start(&pki());
    let error = connect_error(send(
        adapter,
        server.config(),
        &status_request("3af4c9a4-1d2f-4b8e-9c61-0a2b3c4d5e6f"),
    ));
    assert_certificate_refused(adapter, &error);
    server.assert_refused_handshakes(1);
}

macro_rules! per_adapter {
    ($($adapter:ident => $variant:expr),* $(,)?) => {
        $(
            mod $adapter {
                use super::Adapter;

                #[test]
                fn default_transport_refuses_an_unknown_ca() {
                    super::default_transport_refuses_an_unknown_ca($variant);
                }

                #[test]
                fn default_transport_refuses_an_unknown_ca_for_status() {
                    super::default_transport_refuses_an_unknown_ca_for_status($variant);
                }
            }
        )*
    };
}

per_adapter! {
    hyper_adapter => Adapter::Hyper,
    isahc_adapter => Adapter::Isahc,
    blocking_adapter => Adapter::Blocking,
}

/// Set in the child process of [`isahc_https_after_plain_http_still_refuses_an_unknown_ca`]: the
/// file the child writes its CA to, which is also its `SSL_CERT_FILE`.
const CHILD_CA_FILE: &str = "IDENFY_TESTS_TLS_ROOTS_CA_FILE";

/// `idenfy-isahc`'s default transport after plain-`http` calls (a token, which goes over a
/// connection of its own, and a status, over the pool) to the emulator: its `https` calls, from
/// a second client sharing the transport, still refuse the unknown CA; then plain `http` still
/// works on the same transport.
///
/// The case runs in a child process (this test binary again) whose `SSL_CERT_FILE` names the
/// test's CA, so it tells Mozilla's roots from the store of plain-`http` requests: that store,
/// isahc's native one, reads `SSL_CERT_FILE` and would accept the server. (The crate's
/// `platform-verifier` feature, off here, uses that store for `https` too.)
#[test]
fn isahc_https_after_plain_http_still_refuses_an_unknown_ca() {
    match std::env::var_os(CHILD_CA_FILE) {
        Some(path) => isahc_https_after_plain_http(std::path::Path::new(&path)),
        None => run_in_child("isahc_https_after_plain_http_still_refuses_an_unknown_ca"),
    }
}

/// The case itself, in the child: writes the CA to `ca_file` (its `SSL_CERT_FILE`) first.
fn isahc_https_after_plain_http(ca_file: &std::path::Path) {
    assert_eq!(
        std::env::var_os("SSL_CERT_FILE").as_deref(),
        Some(ca_file.as_os_str())
    );
    let pki = pki();
    std::fs::write(ca_file, &pki.ca_pem).unwrap();
    let emulator = Emulator::start_blocking().unwrap();
    let server = TlsServer::start(&pki);
    let runtime = runtime();
    let transport = idenfy_isahc::IsahcTransport::new().unwrap();
    let plain =
        Client::with_transport(emulator.config(), transport.clone()).with_options(options());
    let tls = Client::with_transport(server.config(), transport).with_options(options());

    let token = runtime.block_on(plain.send(&token_request())).unwrap();
    let scan_ref = token.scan_ref.as_str().to_owned();
    runtime
        .block_on(plain.send(&status_request(&scan_ref)))
        .unwrap();
    assert_eq!(emulator.verifications().len(), 1);

    let error = connect_error(runtime.block_on(tls.send(&token_request())));
    assert_certificate_refused(Adapter::Isahc, &error);
    let error = connect_error(runtime.block_on(tls.send(&status_request(&scan_ref))));
    assert_certificate_refused(Adapter::Isahc, &error);
    server.assert_refused_handshakes(2);

    runtime
        .block_on(plain.send(&status_request(&scan_ref)))
        .unwrap();
    runtime.shutdown_background();
}

/// The longest the child process of a case may run.
const CHILD_BOUND: Duration = Duration::from_secs(60);

/// Runs the test `name` of this binary alone in a child process with [`CHILD_CA_FILE`] and
/// `SSL_CERT_FILE` set to a file of its own, and asserts that it ran and passed within
/// [`CHILD_BOUND`].
fn run_in_child(name: &str) {
    let ca_file = TempFile(std::env::temp_dir().join(format!(
        "idenfy-tests-tls-roots-{}-ca.pem",
        std::process::id()
    )));
    let mut command = std::process::Command::new(std::env::current_exe().unwrap());
    command
        .args([name, "--exact", "--test-threads=1"])
        .env(CHILD_CA_FILE, &ca_file.0)
        .env("SSL_CERT_FILE", &ca_file.0)
        .env_remove("SSL_CERT_DIR");
    let run = idenfy_tests::run_child_bounded(command, CHILD_BOUND)
        .unwrap_or_else(|error| panic!("the child running {name}: {error}"));
    let output = run.output;
    assert!(
        run.status.success(),
        "the child running {name} failed:\n{output}"
    );
    assert!(
        output.contains(&format!("test {name} ... ok")) && output.contains("1 passed"),
        "the child did not run {name}:\n{output}"
    );
}

/// A file removed when dropped.
struct TempFile(std::path::PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The control: a client that trusts the test's CA (ureq with that CA as its only root) reaches
/// the server's handler with the same call, so the zero counts above are the refusals of the
/// clients, and the certificate is valid for `127.0.0.1` in every other respect.
#[test]
fn a_client_trusting_the_ca_reaches_the_handler() {
    let pki = pki();
    let server = TlsServer::start(&pki);
    let roots =
        ureq::tls::RootCerts::new_with_certs(&[
            ureq::tls::Certificate::from_der(pki.ca.as_ref()).to_owned()
        ]);
    let tls = ureq::tls::TlsConfig::builder()
        .provider(ureq::tls::TlsProvider::Rustls)
        .root_certs(roots)
        .unversioned_rustls_crypto_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .build();
    let agent = ureq::Agent::config_builder()
        .tls_config(tls)
        .timeout_connect(Some(WAIT))
        .build()
        .new_agent();
    let client = BlockingClient::with_transport(
        server.config(),
        idenfy_blocking::UreqTransport::from_agent(agent),
    )
    .with_options(options());

    let error = client.send(&token_request()).unwrap_err();
    let api = error
        .as_api()
        .unwrap_or_else(|| panic!("expected the server's answer, got {error:?}"));
    assert_eq!(api.status(), ANSWER);
    assert_eq!(server.handshakes.load(Ordering::SeqCst), 1);
    assert_eq!(server.requests.load(Ordering::SeqCst), 1);
    assert_eq!(server.failed_handshakes.load(Ordering::SeqCst), 0);
}
