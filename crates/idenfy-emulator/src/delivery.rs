//! Webhook deliveries: sending them (signed, retried once) and the log of every attempt.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full, Limited};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client as LegacyClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use idenfy_proto::EventType;
use idenfy_proto::http::{self, HeaderValue, Method, Request};
use idenfy_proto::server;
use idenfy_proto::webhook::{self, EVENT_TYPE_HEADER, SIGNATURE_HEADER, WebhookEvent, WebhookKey};
use serde_json::{Map, Value, json};
use tokio::sync::Notify;

use crate::{EmulatorError, lock};

/// How long to wait before the one retry of a failed delivery (reference §5.1: one retry after
/// 0.5 s).
pub(crate) const RETRY_DELAY: Duration = Duration::from_millis(500);

/// The largest receiver answer read (and thrown away).
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// One attempt to deliver a webhook, as recorded by the emulator.
///
/// `body` holds the exact bytes sent and `headers` the headers set by the emulator, so a test
/// can hand them to its own webhook handler or check them with
/// [`webhook::verify_and_parse`](idenfy_proto::webhook::verify_and_parse) (see
/// [`Delivery::verify_and_parse`]).
///
/// `Debug` shows what a log line needs — the attempt, the event, where it went and what came of
/// it — and only the length of the body and the names of the headers: the body holds the
/// person's data and the `authToken`, the signature header a value made with the key (R10).
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub struct Delivery {
    /// The attempt's number in the log: 1 for the first attempt recorded, then one more for
    /// each; never reused, not even after [`Emulator::clear_deliveries`](crate::Emulator::clear_deliveries).
    /// Names the attempt to [`Emulator::resend_delivery`](crate::Emulator::resend_delivery).
    pub id: u64,
    /// The verification the webhook is about.
    pub scan_ref: String,
    /// The event (`Idenfy-Event-Type`).
    pub event_type: EventType,
    /// The `final` flag of the body.
    pub is_final: bool,
    /// Where it was sent: the token's `callbackUrl`, else the emulator's webhook URL; `None`
    /// when neither is set (then nothing is sent and the outcome is
    /// [`DeliveryOutcome::Skipped`]).
    pub url: Option<String>,
    /// The headers the emulator set, names as sent (`Content-Type`, `Idenfy-Signature`,
    /// `Idenfy-Event-Type`).
    pub headers: Vec<(String, String)>,
    /// The exact body bytes.
    pub body: Vec<u8>,
    /// 1 for the first attempt, 2 for the retry.
    pub attempt: u32,
    /// For an attempt of a resend ([`Emulator::resend_delivery`](crate::Emulator::resend_delivery),
    /// [`Emulator::resend_failed`](crate::Emulator::resend_failed)): the `id` of the attempt
    /// whose webhook it sends again, byte for byte.
    pub resend_of: Option<u64>,
    /// What happened.
    pub outcome: DeliveryOutcome,
    /// When the attempt ended, on the emulator's clock.
    pub at: SystemTime,
    /// Whether `url` is the token's own `callbackUrl` (a resend goes there again) rather than
    /// the emulator's webhook URL (a resend goes to the one set then).
    pub(crate) from_callback: bool,
}

impl std::fmt::Debug for Delivery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let header_names: Vec<&str> = self.headers.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("Delivery")
            .field("id", &self.id)
            .field("scan_ref", &self.scan_ref)
            .field("event_type", &self.event_type)
            .field("is_final", &self.is_final)
            .field("url", &self.url)
            .field("headers", &header_names)
            .field("body", &format_args!("[{} bytes]", self.body.len()))
            .field("attempt", &self.attempt)
            .field("resend_of", &self.resend_of)
            .field("outcome", &self.outcome)
            .field("at", &self.at)
            .finish()
    }
}

/// What became of one delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeliveryOutcome {
    /// The receiver answered with this HTTP status (2xx counts as delivered).
    Answered(u16),
    /// The request failed: connection refused, timeout, unsupported URL…
    Failed(String),
    /// No webhook URL was configured; nothing was sent.
    Skipped,
}

impl DeliveryOutcome {
    /// Whether the receiver answered with a 2xx status.
    pub fn is_success(&self) -> bool {
        matches!(self, DeliveryOutcome::Answered(status) if (200..300).contains(status))
    }
}

impl Delivery {
    /// The value of the header `name` (any case), as sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(header, _)| header.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The `Idenfy-Signature` header.
    pub fn signature(&self) -> Option<&str> {
        self.header(SIGNATURE_HEADER)
    }

    /// The body as JSON.
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// Verifies the signature with `keys` and parses the body, exactly as a receiver would with
    /// [`webhook::verify_and_parse`].
    pub fn verify_and_parse(
        &self,
        keys: &[WebhookKey],
    ) -> Result<WebhookEvent, idenfy_proto::Error> {
        webhook::verify_and_parse(
            &self.body,
            self.signature(),
            self.header(EVENT_TYPE_HEADER),
            keys,
        )
    }

    /// The delivery as the control API shows it.
    pub(crate) fn to_json(&self) -> Value {
        let headers: Map<String, Value> = self
            .headers
            .iter()
            .map(|(name, value)| (name.clone(), Value::String(value.clone())))
            .collect();
        let (status, error, skipped) = match &self.outcome {
            DeliveryOutcome::Answered(status) => (Value::from(*status), Value::Null, false),
            DeliveryOutcome::Failed(error) => (Value::Null, Value::from(error.as_str()), false),
            DeliveryOutcome::Skipped => (Value::Null, Value::Null, true),
        };
        let millis = self
            .at
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|elapsed| u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX))
            .unwrap_or_default();
        json!({
            "id": self.id,
            "scanRef": self.scan_ref,
            "eventType": self.event_type.as_str(),
            "final": self.is_final,
            "url": self.url,
            "attempt": self.attempt,
            "resendOf": self.resend_of,
            "headers": headers,
            "body": String::from_utf8_lossy(&self.body),
            "status": status,
            "error": error,
            "skipped": skipped,
            "timestamp": millis / 1000,
            "timestampMs": millis,
        })
    }
}

/// The log of delivery attempts, with ways to wait for it to grow. It keeps the latest
/// `capacity` attempts (the oldest are dropped) and counts every attempt recorded since it was
/// last cleared.
#[derive(Debug)]
pub(crate) struct DeliveryLog {
    entries: Mutex<Entries>,
    capacity: usize,
    changed: Condvar,
    notify: Notify,
}

/// The attempts kept, how many were recorded since the last clear, and the last `id` given.
#[derive(Debug, Default)]
struct Entries {
    kept: VecDeque<Delivery>,
    recorded: usize,
    last_id: u64,
}

impl Entries {
    /// The attempts kept, oldest first, as one slice.
    fn as_slice(&mut self) -> &[Delivery] {
        self.kept.make_contiguous()
    }
}

/// Which delivery attempts a list shows.
#[derive(Debug, Clone, Default)]
pub(crate) struct DeliveryFilter {
    pub(crate) scan_ref: Option<String>,
    pub(crate) event_type: Option<EventType>,
}

impl DeliveryFilter {
    fn matches(&self, delivery: &Delivery) -> bool {
        self.scan_ref
            .as_deref()
            .is_none_or(|scan_ref| delivery.scan_ref == scan_ref)
            && self
                .event_type
                .as_ref()
                .is_none_or(|event_type| delivery.event_type == *event_type)
    }
}

impl DeliveryLog {
    /// A log that keeps the latest `capacity` attempts.
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            entries: Mutex::new(Entries::default()),
            capacity,
            changed: Condvar::new(),
            notify: Notify::new(),
        }
    }

    /// Records an attempt, giving it the next `id`.
    pub(crate) fn record(&self, mut delivery: Delivery) {
        {
            let mut entries = lock(&self.entries);
            entries.last_id = entries.last_id.saturating_add(1);
            delivery.id = entries.last_id;
            entries.recorded = entries.recorded.saturating_add(1);
            if self.capacity > 0 {
                if entries.kept.len() >= self.capacity {
                    entries.kept.pop_front();
                }
                entries.kept.push_back(delivery);
            }
        }
        self.changed.notify_all();
        self.notify.notify_waiters();
    }

    /// The attempt `id`, if it is still kept. The attempts kept are in `id` order.
    pub(crate) fn get(&self, id: u64) -> Option<Delivery> {
        let entries = lock(&self.entries);
        let index = entries
            .kept
            .binary_search_by_key(&id, |delivery| delivery.id)
            .ok()?;
        entries.kept.get(index).cloned()
    }

    /// The webhooks of `scan_ref` that were never delivered: for each distinct webhook (event
    /// and body) among the attempts kept, its latest attempt when none of its attempts succeeded
    /// and that one failed (skipped ones, with no URL to send to, are not failures). In the
    /// order the webhooks were first attempted. `None` when no attempt of `scan_ref` is kept.
    pub(crate) fn failed(&self, scan_ref: &str) -> Option<Vec<Delivery>> {
        let entries = lock(&self.entries);
        // (the latest attempt of the webhook, whether one of its attempts succeeded)
        let mut webhooks: Vec<(&Delivery, bool)> = Vec::new();
        let mut any = false;
        for delivery in entries.kept.iter().filter(|d| d.scan_ref == scan_ref) {
            any = true;
            let same = webhooks.iter_mut().find(|(latest, _)| {
                latest.event_type == delivery.event_type && latest.body == delivery.body
            });
            let delivered = delivery.outcome.is_success();
            match same {
                Some((latest, succeeded)) => {
                    *latest = delivery;
                    *succeeded |= delivered;
                }
                None => webhooks.push((delivery, delivered)),
            }
        }
        any.then(|| {
            webhooks
                .into_iter()
                .filter(|(latest, succeeded)| {
                    !succeeded && !matches!(latest.outcome, DeliveryOutcome::Skipped)
                })
                .map(|(latest, _)| latest.clone())
                .collect()
        })
    }

    pub(crate) fn snapshot(&self) -> Vec<Delivery> {
        lock(&self.entries).kept.iter().cloned().collect()
    }

    /// One page of the attempts kept that `filter` selects, oldest first: how many it selects,
    /// and the `limit` of them after the first `offset`.
    pub(crate) fn page(
        &self,
        filter: &DeliveryFilter,
        offset: usize,
        limit: usize,
    ) -> (usize, Vec<Delivery>) {
        let entries = lock(&self.entries);
        let selected = entries
            .kept
            .iter()
            .filter(|delivery| filter.matches(delivery));
        let count = selected.clone().count();
        (count, selected.skip(offset).take(limit).cloned().collect())
    }

    pub(crate) fn clear(&self) {
        let mut entries = lock(&self.entries);
        entries.kept.clear();
        entries.recorded = 0;
    }

    /// Waits until `done` holds for the attempts kept, or `timeout` passes.
    pub(crate) async fn wait_until(
        &self,
        mut done: impl FnMut(&[Delivery]) -> bool,
        timeout: Duration,
    ) -> Result<Vec<Delivery>, EmulatorError> {
        self.wait(|entries| done(entries.as_slice()), timeout).await
    }

    /// Waits until `count` attempts were recorded since the last clear (kept or not), or
    /// `timeout` passes; returns the attempts kept.
    pub(crate) async fn wait_for_count(
        &self,
        count: usize,
        timeout: Duration,
    ) -> Result<Vec<Delivery>, EmulatorError> {
        self.wait(|entries| entries.recorded >= count, timeout)
            .await
    }

    async fn wait(
        &self,
        mut done: impl FnMut(&mut Entries) -> bool,
        timeout: Duration,
    ) -> Result<Vec<Delivery>, EmulatorError> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            {
                let mut entries = lock(&self.entries);
                if done(&mut entries) {
                    return Ok(entries.kept.iter().cloned().collect());
                }
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                let seen = lock(&self.entries).recorded;
                return Err(EmulatorError::Timeout { timeout, seen });
            }
        }
    }

    /// [`Self::wait_until`], blocking the thread.
    pub(crate) fn wait_until_blocking(
        &self,
        mut done: impl FnMut(&[Delivery]) -> bool,
        timeout: Duration,
    ) -> Result<Vec<Delivery>, EmulatorError> {
        self.wait_blocking(|entries| done(entries.as_slice()), timeout)
    }

    /// [`Self::wait_for_count`], blocking the thread.
    pub(crate) fn wait_for_count_blocking(
        &self,
        count: usize,
        timeout: Duration,
    ) -> Result<Vec<Delivery>, EmulatorError> {
        self.wait_blocking(|entries| entries.recorded >= count, timeout)
    }

    fn wait_blocking(
        &self,
        mut done: impl FnMut(&mut Entries) -> bool,
        timeout: Duration,
    ) -> Result<Vec<Delivery>, EmulatorError> {
        let deadline = Instant::now() + timeout;
        let mut entries = lock(&self.entries);
        loop {
            if done(&mut entries) {
                return Ok(entries.kept.iter().cloned().collect());
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(EmulatorError::Timeout {
                    timeout,
                    seen: entries.recorded,
                });
            }
            entries = match self.changed.wait_timeout(entries, left) {
                Ok((entries, _)) => entries,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
    }
}

/// One webhook to send: made when the verification changed, sent by a task.
#[derive(Debug, Clone)]
pub(crate) struct Job {
    pub(crate) scan_ref: String,
    pub(crate) url: Option<String>,
    pub(crate) event_type: EventType,
    pub(crate) is_final: bool,
    pub(crate) body: Vec<u8>,
    /// Whether `url` is the token's own `callbackUrl` (delivered to loopback and allowed hosts
    /// only), not the emulator's webhook URL.
    pub(crate) from_callback: bool,
    /// The attempt whose webhook this job sends again, for a resend.
    pub(crate) resend_of: Option<u64>,
}

impl Job {
    /// A job that sends the webhook of `delivery` again, the same bytes, to `url`.
    pub(crate) fn resend(delivery: Delivery, url: Option<String>) -> Self {
        Self {
            scan_ref: delivery.scan_ref,
            url,
            event_type: delivery.event_type,
            is_final: delivery.is_final,
            body: delivery.body,
            from_callback: delivery.from_callback,
            resend_of: Some(delivery.id),
        }
    }
}

/// How the emulator checks the certificate of an `https` webhook receiver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum WebhookTls {
    /// Against the roots the crate's features choose: Mozilla's (`webpki-roots`, the default) or
    /// the platform's verifier (`platform-verifier`).
    Roots,
    /// Against the CA certificates of this PEM file only.
    CaFile(PathBuf),
    /// Not at all: any certificate, for any name, is accepted.
    Insecure,
}

/// The HTTP client that delivers webhooks: `http` and `https` (rustls, with the crypto provider
/// the crate's features choose, passed explicitly), HTTP/1.1, pooled.
pub(crate) type WebhookClient = LegacyClient<HttpsConnector<HttpConnector>, Full<Bytes>>;

/// The webhook client for `tls`; fails when the CA file cannot be read or holds no certificate.
pub(crate) fn webhook_client(tls: &WebhookTls) -> Result<WebhookClient, EmulatorError> {
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    connector.set_connect_timeout(Some(Duration::from_secs(5)));
    connector.enforce_http(false);
    let provider = crypto_provider();
    let builder = hyper_rustls::HttpsConnectorBuilder::new();
    let builder = match tls {
        WebhookTls::Roots => default_roots(builder, provider)?,
        WebhookTls::CaFile(path) => {
            let mut roots = rustls::RootCertStore::empty();
            for certificate in read_ca_file(path)? {
                roots
                    .add(certificate)
                    .map_err(|err| ca_file_error(path, &err))?;
            }
            let config = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .map_err(tls_error)?
                .with_root_certificates(roots)
                .with_no_client_auth();
            builder.with_tls_config(config)
        }
        WebhookTls::Insecure => {
            let verifier = Arc::new(AcceptAnyCertificate(Arc::clone(&provider)));
            let config = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .map_err(tls_error)?
                .dangerous()
                .with_custom_certificate_verifier(verifier)
                .with_no_client_auth();
            builder.with_tls_config(config)
        }
    };
    let connector = builder
        .https_or_http()
        .enable_http1()
        .wrap_connector(connector);
    Ok(LegacyClient::builder(TokioExecutor::new())
        // Header names go out as the deliveries log shows them (`Idenfy-Signature`).
        .http1_title_case_headers(true)
        .pool_idle_timeout(Duration::from_secs(30))
        .pool_timer(TokioTimer::new())
        .timer(TokioTimer::new())
        .build(connector))
}

/// The crypto provider the crate's features choose: aws-lc-rs when `aws-lc-rs` is enabled, ring
/// otherwise. Passed to rustls explicitly, never installed as the process default (which rustls
/// cannot choose when both providers are compiled in, as they are next to `isahc`).
fn crypto_provider() -> Arc<rustls::crypto::CryptoProvider> {
    #[cfg(feature = "aws-lc-rs")]
    let provider = rustls::crypto::aws_lc_rs::default_provider();
    #[cfg(all(feature = "ring", not(feature = "aws-lc-rs")))]
    let provider = rustls::crypto::ring::default_provider();
    Arc::new(provider)
}

/// The connector's builder with the default roots: the platform's verifier when
/// `platform-verifier` is enabled, Mozilla's roots (`webpki-roots`) otherwise.
fn default_roots(
    builder: hyper_rustls::HttpsConnectorBuilder<hyper_rustls::builderstates::WantsTlsConfig>,
    provider: Arc<rustls::crypto::CryptoProvider>,
) -> Result<
    hyper_rustls::HttpsConnectorBuilder<hyper_rustls::builderstates::WantsSchemes>,
    EmulatorError,
> {
    #[cfg(feature = "platform-verifier")]
    let builder = builder.with_provider_and_platform_verifier(provider);
    #[cfg(all(feature = "webpki-roots", not(feature = "platform-verifier")))]
    let builder = builder.with_provider_and_webpki_roots(provider);
    builder.map_err(|err| EmulatorError::InvalidSetting {
        setting: "webhookTls",
        reason: err.to_string(),
    })
}

#[cfg(not(any(feature = "aws-lc-rs", feature = "ring")))]
compile_error!(
    "idenfy-emulator needs a rustls crypto provider for https webhooks: enable its feature \
     `aws-lc-rs` (the default) or `ring`"
);

#[cfg(not(any(feature = "webpki-roots", feature = "platform-verifier")))]
compile_error!(
    "idenfy-emulator needs root certificates for https webhooks: enable its feature \
     `webpki-roots` (the default) or `platform-verifier`"
);

/// The certificates of a PEM file; at least one.
fn read_ca_file(
    path: &std::path::Path,
) -> Result<Vec<rustls::pki_types::CertificateDer<'static>>, EmulatorError> {
    use rustls::pki_types::pem::PemObject as _;
    let certificates = rustls::pki_types::CertificateDer::pem_file_iter(path)
        .map_err(|err| ca_file_error(path, &err))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|err| ca_file_error(path, &err))?;
    if certificates.is_empty() {
        return Err(ca_file_error(path, &"it holds no PEM certificate"));
    }
    Ok(certificates)
}

fn ca_file_error(path: &std::path::Path, reason: &dyn std::fmt::Display) -> EmulatorError {
    EmulatorError::InvalidSetting {
        setting: "webhookCaFile",
        reason: format!("{}: {reason}", path.display()),
    }
}

fn tls_error(err: rustls::Error) -> EmulatorError {
    EmulatorError::InvalidSetting {
        setting: "webhookTls",
        reason: err.to_string(),
    }
}

/// The certificate "check" of [`WebhookTls::Insecure`]: every certificate passes. The handshake
/// signatures are still checked (with the provider's algorithms), so the connection is TLS with
/// the key of the certificate shown — only not one anybody vouched for.
#[derive(Debug)]
struct AcceptAnyCertificate(Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &rustls::pki_types::CertificateDer<'_>,
        _intermediates: &[rustls::pki_types::CertificateDer<'_>],
        _server_name: &rustls::pki_types::ServerName<'_>,
        _ocsp_response: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// The headers of a delivery of `job`, in the order sent.
pub(crate) fn headers(job: &Job, key: &WebhookKey) -> Vec<(String, String)> {
    vec![
        ("Content-Type".to_owned(), "application/json".to_owned()),
        (
            SIGNATURE_HEADER.to_owned(),
            server::sign_webhook(key, &job.body),
        ),
        (
            EVENT_TYPE_HEADER.to_owned(),
            job.event_type.as_str().to_owned(),
        ),
    ]
}

/// Sends one attempt: the receiver's status, or why it failed, and whether trying again could
/// help (not for a URL the emulator cannot deliver to).
pub(crate) async fn attempt(
    client: &WebhookClient,
    url: &str,
    headers: &[(String, String)],
    body: &[u8],
    timeout: Duration,
) -> (DeliveryOutcome, bool) {
    let uri = match url.parse::<http::Uri>() {
        Ok(uri) => uri,
        Err(error) => {
            return (
                DeliveryOutcome::Failed(format!("invalid webhook URL: {error}")),
                false,
            );
        }
    };
    if !matches!(uri.scheme_str(), Some("http" | "https")) {
        return (
            DeliveryOutcome::Failed("the webhook URL is neither http nor https".to_owned()),
            false,
        );
    }
    let mut request = Request::new(Full::new(Bytes::copy_from_slice(body)));
    *request.method_mut() = Method::POST;
    *request.uri_mut() = uri;
    for (name, value) in headers {
        match (
            http::HeaderName::try_from(name.as_str()),
            HeaderValue::try_from(value.as_str()),
        ) {
            (Ok(name), Ok(value)) => {
                request.headers_mut().insert(name, value);
            }
            _ => {
                return (
                    DeliveryOutcome::Failed(format!("invalid header {name}")),
                    false,
                );
            }
        }
    }
    let exchange = async {
        let response = client.request(request).await?;
        let status = response.status().as_u16();
        // Read (and discard) the answer so the connection can be reused.
        let _ = Limited::new(response.into_body(), MAX_ANSWER_BYTES)
            .collect()
            .await;
        Ok::<u16, hyper_util::client::legacy::Error>(status)
    };
    let outcome = match tokio::time::timeout(timeout, exchange).await {
        Ok(Ok(status)) => DeliveryOutcome::Answered(status),
        Ok(Err(error)) => DeliveryOutcome::Failed(describe(&error)),
        Err(_) => DeliveryOutcome::Failed(format!(
            "the receiver did not answer within {} ms",
            timeout.as_millis()
        )),
    };
    (outcome, true)
}

/// An error with its causes, on one line.
fn describe(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(inner) = cause {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        cause = inner.source();
    }
    text
}
