#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Test code indexes known outputs: a bad bound is a failed test.
#![allow(clippy::indexing_slicing)]
//! Webhooks over https: a real TLS receiver on 127.0.0.1 whose certificate is signed by a
//! certificate authority made in the test. Delivered when the emulator is given that CA's file,
//! refused by the default roots without it, delivered with certificate checks off.

mod support;

use std::convert::Infallible;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use idenfy_emulator::{DeliveryOutcome, Emulator, EmulatorError, Outcome};
use idenfy_hyper::TokenRequest;
use idenfy_hyper::idenfy::webhook;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use support::client;
use tokio::net::TcpListener;

const WAIT: Duration = Duration::from_secs(10);

/// A certificate authority and a receiver certificate for `127.0.0.1` that it signed.
struct Pki {
    ca_pem: String,
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
}

fn pki() -> Pki {
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(rcgen::DnType::CommonName, "idenfy-emulator test CA");
    let ca = CertifiedIssuer::self_signed(ca, KeyPair::generate().unwrap()).unwrap();
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["127.0.0.1".to_owned()])
        .unwrap()
        .signed_by(&leaf_key, &ca)
        .unwrap();
    Pki {
        ca_pem: ca.pem(),
        chain: vec![leaf.der().clone()],
        key: PrivatePkcs8KeyDer::from(leaf_key.serialize_der()).into(),
    }
}

/// A file removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, contents: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "idenfy-emulator-{}-{}-{name}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::write(&path, contents).unwrap();
        Self(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// What a receiver got: the `Idenfy-Signature` header and the body.
type Received = Vec<(Option<String>, Bytes)>;

/// An https receiver on 127.0.0.1: answers 200 to every request and records the bodies; counts
/// the handshakes that failed.
struct TlsReceiver {
    url: String,
    bodies: Arc<Mutex<Received>>,
    failed_handshakes: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl TlsReceiver {
    async fn start(pki: &Pki) -> Self {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(pki.chain.clone(), pki.key.clone_key())
            .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("https://{}/webhooks/idenfy", listener.local_addr().unwrap());
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let failed_handshakes = Arc::new(AtomicUsize::new(0));
        let (task_bodies, task_failed) = (Arc::clone(&bodies), Arc::clone(&failed_handshakes));
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let acceptor = acceptor.clone();
                let (bodies, failed) = (Arc::clone(&task_bodies), Arc::clone(&task_failed));
                tokio::spawn(async move {
                    let Ok(stream) = acceptor.accept(stream).await else {
                        failed.fetch_add(1, Ordering::SeqCst);
                        return;
                    };
                    let service = service_fn(move |request: hyper::Request<Incoming>| {
                        let bodies = Arc::clone(&bodies);
                        async move {
                            let signature = request
                                .headers()
                                .get("idenfy-signature")
                                .and_then(|value| value.to_str().ok())
                                .map(str::to_owned);
                            let body = request.into_body().collect().await.unwrap().to_bytes();
                            bodies.lock().unwrap().push((signature, body));
                            Ok::<_, Infallible>(hyper::Response::new(Full::new(Bytes::new())))
                        }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Self {
            url,
            bodies,
            failed_handshakes,
            task,
        }
    }

    fn bodies(&self) -> Received {
        self.bodies.lock().unwrap().clone()
    }
}

impl Drop for TlsReceiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A verification finished on `emulator`; returns its deliveries once `count` are recorded.
async fn finish_one(emulator: &Emulator, count: usize) -> Vec<idenfy_emulator::Delivery> {
    let request = TokenRequest::builder("tls-client").build().unwrap();
    let token = client(emulator).create_token(&request).await.unwrap();
    emulator
        .complete(token.scan_ref.as_str(), Outcome::approved())
        .unwrap();
    emulator.wait_for_deliveries(count, WAIT).await.unwrap()
}

#[tokio::test]
async fn https_receiver_trusted_through_the_ca_file_gets_the_signed_webhook() {
    let pki = pki();
    let receiver = TlsReceiver::start(&pki).await;
    let ca = TempFile::new("ca.pem", &pki.ca_pem);
    let emulator = Emulator::builder()
        .webhook_url(receiver.url.as_str())
        .webhook_ca_file(&ca.0)
        .start()
        .await
        .unwrap();

    let deliveries = finish_one(&emulator, 1).await;
    assert_eq!(deliveries[0].outcome, DeliveryOutcome::Answered(200));
    let bodies = receiver.bodies();
    assert_eq!(bodies.len(), 1);
    let (signature, body) = &bodies[0];
    assert_eq!(body.to_vec(), deliveries[0].body);
    webhook::verify(body, signature.as_deref(), &[emulator.webhook_key()]).unwrap();
    assert_eq!(receiver.failed_handshakes.load(Ordering::SeqCst), 0);

    // A token's own https callbackUrl on loopback goes the same way.
    let request = TokenRequest::builder("tls-callback")
        .callback_url(receiver.url.as_str())
        .build()
        .unwrap();
    let token = client(&emulator).create_token(&request).await.unwrap();
    emulator
        .complete(token.scan_ref.as_str(), Outcome::denied())
        .unwrap();
    let deliveries = emulator.wait_for_deliveries(2, WAIT).await.unwrap();
    assert_eq!(deliveries[1].outcome, DeliveryOutcome::Answered(200));
    assert_eq!(receiver.bodies().len(), 2);
}

#[tokio::test]
async fn https_receiver_unknown_to_the_default_roots_is_refused() {
    let pki = pki();
    let receiver = TlsReceiver::start(&pki).await;
    let emulator = Emulator::builder()
        .webhook_url(receiver.url.as_str())
        .start()
        .await
        .unwrap();

    // Refused at the handshake, retried once, refused again.
    let deliveries = finish_one(&emulator, 2).await;
    for delivery in &deliveries {
        let DeliveryOutcome::Failed(reason) = &delivery.outcome else {
            panic!("{delivery:?}");
        };
        assert!(reason.contains("certificate"), "{reason}");
    }
    assert!(receiver.bodies().is_empty());
    // The receiver sees each handshake fail (the client's alert) a moment later.
    let deadline = tokio::time::Instant::now() + WAIT;
    while receiver.failed_handshakes.load(Ordering::SeqCst) < 2 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "handshakes not seen"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(receiver.failed_handshakes.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn https_receiver_with_certificate_checks_off_gets_the_webhook() {
    let pki = pki();
    let receiver = TlsReceiver::start(&pki).await;
    // Even with another CA's file given (before or after), and a name the certificate is not
    // for: the danger switch wins while it is on.
    let other = pki_other_ca();
    let url = receiver.url.replace("127.0.0.1", "localhost");
    let emulator = Emulator::builder()
        .webhook_url(url.as_str())
        .danger_accept_invalid_webhook_certs(true)
        .webhook_ca_file(&other.0)
        .start()
        .await
        .unwrap();
    let deliveries = finish_one(&emulator, 1).await;
    assert_eq!(deliveries[0].outcome, DeliveryOutcome::Answered(200));
    assert_eq!(receiver.bodies().len(), 1);
}

/// The CA file of an authority that signed nothing the receiver shows.
fn pki_other_ca() -> TempFile {
    TempFile::new("other-ca.pem", &pki().ca_pem)
}

#[tokio::test]
async fn a_ca_file_that_cannot_be_used_stops_the_start() {
    let missing = std::env::temp_dir().join("idenfy-emulator-no-such-ca.pem");
    let not_pem = TempFile::new("not.pem", "not a certificate\n");
    for path in [missing, not_pem.0.clone()] {
        let err = Emulator::builder()
            .webhook_ca_file(&path)
            .start()
            .await
            .unwrap_err();
        let EmulatorError::InvalidSetting { setting, reason } = &err else {
            panic!("{err:?}");
        };
        assert_eq!(*setting, "webhookCaFile");
        assert!(reason.contains(&path.display().to_string()), "{reason}");
    }
}
