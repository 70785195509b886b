//! The iDenfy client over [hyper] 1 on Tokio: [`idenfy`] with a pooled HTTP/1.1 and HTTP/2
//! transport and rustls for TLS.
//!
//! [`Client`] is the core client with [`HyperTransport`] filled in. The core crate is
//! re-exported whole as [`idenfy`] (every protocol type, webhooks, `http`), and the few names a
//! first call needs at the root:
//!
//! ```no_run
//! use idenfy_hyper::{Client, Credentials, TokenRequest};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::new(Credentials::new("api-key", "api-secret")?)?;
//! let token = client.create_token(&TokenRequest::builder("customer-42").build()?).await?;
//! println!("send the person to {}", client.redirect_url(&token.auth_token));
//! # Ok(())
//! # }
//! ```
//!
//! The transport only moves bytes: retries, the call's total timeout and the interpretation of
//! statuses live in the core. Per attempt it honours the [`AttemptLimits`] the core puts into
//! each request (the time left, the largest body to read).
//!
//! # TLS
//!
//! The default connector uses [hyper-rustls] with the **aws-lc-rs** crypto provider passed
//! explicitly (never a process-wide default, which rustls cannot choose when two providers are
//! compiled in, as they are next to `isahc`) and the **Mozilla root certificates** of
//! `webpki-roots`, compiled in, so it behaves the same on every machine and in minimal
//! containers without a system certificate store. It offers HTTP/2 and HTTP/1.1 by ALPN and
//! also speaks plain `http`, which the core allows only for loopback hosts (the emulator,
//! tests) unless told otherwise. For other roots or a proxy, build your own hyper client and
//! pass it to [`HyperTransport::from_client`].
//!
//! # Runtime
//!
//! Requests must be sent from within a Tokio runtime with its timer enabled (as
//! `#[tokio::main]` and `#[tokio::test]` set up); without a runtime a call fails with a
//! [`TransportErrorKind::Other`] error. Constructing the transport needs no runtime.
//!
//! [hyper]: https://docs.rs/hyper/1
//! [hyper-rustls]: https://docs.rs/hyper-rustls/0.27
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper::body::{Body as _, Incoming};
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::Client as LegacyClient;
use hyper_util::client::legacy::connect::{Connect, HttpConnector};
use hyper_util::rt::{TokioExecutor, TokioTimer};

use idenfy::http::{Request, Response};
use idenfy::{AttemptLimits, DefaultTransport, Transport, TransportError, TransportErrorKind};

pub use idenfy;
#[doc(no_inline)]
pub use idenfy::{CallOptions, Config, Credentials, Error, RetryPolicy, TokenRequest};

/// The iDenfy client over hyper: `idenfy_hyper::Client::new(credentials)?`.
pub type Client = idenfy::Client<HyperTransport>;

/// How long setting up a connection — TCP and the TLS handshake — may take by default.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long an idle pooled connection is kept by default.
pub const DEFAULT_POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);

/// The TCP keepalive interval of the default connector.
const TCP_KEEPALIVE: Duration = Duration::from_secs(30);

/// How often an HTTP/2 connection is pinged, and how long a ping may go unanswered before the
/// connection is closed.
const HTTP2_KEEP_ALIVE_INTERVAL: Duration = Duration::from_secs(20);
const HTTP2_KEEP_ALIVE_TIMEOUT: Duration = Duration::from_secs(10);

/// A [`Transport`] over a pooled hyper client (`hyper_util::client::legacy::Client`).
///
/// Cloning is cheap and shares the connection pool.
pub struct HyperTransport<C = TimeoutConnector<HttpsConnector<HttpConnector>>> {
    client: LegacyClient<C, Full<Bytes>>,
}

impl HyperTransport {
    /// The default transport: rustls (aws-lc-rs, Mozilla roots), HTTP/2 and HTTP/1.1, a 10 s
    /// connect timeout and a 90 s pool idle timeout.
    pub fn new() -> Result<Self, TransportError> {
        Self::builder().build()
    }

    /// A builder to change the connect and pool idle timeouts of the default transport.
    pub fn builder() -> HyperTransportBuilder {
        HyperTransportBuilder {
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            pool_idle_timeout: DEFAULT_POOL_IDLE_TIMEOUT,
        }
    }
}

impl<C> HyperTransport<C> {
    /// A transport over a hyper client of your own (other roots, a proxy connector, other pool
    /// settings). It should neither follow redirects nor retry requests: the core decides that.
    pub fn from_client(client: LegacyClient<C, Full<Bytes>>) -> Self {
        Self { client }
    }

    /// The underlying hyper client.
    pub fn client(&self) -> &LegacyClient<C, Full<Bytes>> {
        &self.client
    }
}

impl DefaultTransport for HyperTransport {
    fn default_transport() -> Result<Self, TransportError> {
        Self::new()
    }
}

impl<C: Clone> Clone for HyperTransport<C> {
    fn clone(&self) -> Self {
        Self {
            client: self.client.clone(),
        }
    }
}

impl<C> fmt::Debug for HyperTransport<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HyperTransport").finish_non_exhaustive()
    }
}

impl<C> Transport for HyperTransport<C>
where
    C: Connect + Clone + Send + Sync + 'static,
{
    async fn send(&self, request: Request<Vec<u8>>) -> Result<Response<Vec<u8>>, TransportError> {
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(TransportError::with_source(
                TransportErrorKind::Other,
                "idenfy-hyper needs a Tokio runtime",
            ));
        }
        let limits = request
            .extensions()
            .get::<AttemptLimits>()
            .copied()
            .unwrap_or_default();
        let request = request.map(|body| Full::new(Bytes::from(body)));
        let exchange = async {
            let response = self.client.request(request).await.map_err(map_error)?;
            let (parts, body) = response.into_parts();
            let body = read_capped(body, limits.max_response_bytes()).await?;
            Ok(Response::from_parts(parts, body))
        };
        tokio::time::timeout(limits.timeout(), exchange)
            .await
            .unwrap_or_else(|_elapsed| Err(TransportError::new(TransportErrorKind::Timeout)))
    }

    async fn sleep(&self, duration: Duration) {
        // Tokio's timer when there is a runtime; otherwise the core's thread timer, so that a
        // missing runtime surfaces as the error of `send` rather than a panic here.
        if tokio::runtime::Handle::try_current().is_ok() {
            tokio::time::sleep(duration).await;
        } else {
            idenfy::default_sleep(duration).await;
        }
    }
}

/// A connector that bounds the whole setup of a connection — TCP, and the TLS handshake after it
/// — by one timeout, so that a server that accepts but never finishes the handshake costs the
/// connect timeout, as a connect failure (the request never left), rather than the attempt's.
///
/// The default transport wraps its connector in one; wrap your own the same way when building a
/// client for [`HyperTransport::from_client`].
#[derive(Debug, Clone)]
pub struct TimeoutConnector<C> {
    inner: C,
    timeout: Duration,
}

impl<C> TimeoutConnector<C> {
    /// `inner`, with every connection it makes bounded by `timeout`.
    pub fn new(inner: C, timeout: Duration) -> Self {
        Self { inner, timeout }
    }
}

impl<C> tower_service::Service<hyper::Uri> for TimeoutConnector<C>
where
    C: tower_service::Service<hyper::Uri>,
    C::Future: Send + 'static,
    C::Error: Into<Box<dyn StdError + Send + Sync>>,
{
    type Response = C::Response;
    type Error = Box<dyn StdError + Send + Sync>;
    type Future = std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<C::Response, Self::Error>> + Send>,
    >;

    fn poll_ready(
        &mut self,
        context: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(context).map_err(Into::into)
    }

    fn call(&mut self, uri: hyper::Uri) -> Self::Future {
        let connecting = self.inner.call(uri);
        let timeout = self.timeout;
        Box::pin(async move {
            match tokio::time::timeout(timeout, connecting).await {
                Ok(connected) => connected.map_err(Into::into),
                Err(_elapsed) => Err(Box::new(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "setting up the connection (TCP and TLS) timed out",
                )) as Box<dyn StdError + Send + Sync>),
            }
        })
    }
}

/// Reads `body` frame by frame, failing as soon as it would exceed `max` bytes.
async fn read_capped(mut body: Incoming, max: usize) -> Result<Vec<u8>, TransportError> {
    let too_large = || TransportError::new(TransportErrorKind::BodyTooLarge);
    let announced = usize::try_from(body.size_hint().lower()).unwrap_or(usize::MAX);
    if announced > max {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(announced);
    while let Some(frame) = body.frame().await {
        let frame =
            frame.map_err(|error| TransportError::with_source(io_or_timeout(&error), error))?;
        if let Ok(data) = frame.into_data() {
            if data.len() > max - bytes.len() {
                return Err(too_large());
            }
            bytes.extend_from_slice(&data);
        }
    }
    Ok(bytes)
}

/// Connect failures (refused, DNS, TLS handshake, connect timeout) never reached the server;
/// everything else may have.
fn map_error(error: hyper_util::client::legacy::Error) -> TransportError {
    let kind = if error.is_connect() {
        TransportErrorKind::Connect
    } else {
        io_or_timeout(&error)
    };
    TransportError::with_source(kind, error)
}

/// `Timeout` if any cause in the chain is a timeout, `Io` otherwise.
fn io_or_timeout(error: &(dyn StdError + 'static)) -> TransportErrorKind {
    let mut cause = Some(error);
    while let Some(error) = cause {
        let timed_out = error
            .downcast_ref::<hyper::Error>()
            .is_some_and(hyper::Error::is_timeout)
            || error
                .downcast_ref::<std::io::Error>()
                .is_some_and(|error| error.kind() == std::io::ErrorKind::TimedOut);
        if timed_out {
            return TransportErrorKind::Timeout;
        }
        cause = error.source();
    }
    TransportErrorKind::Io
}

/// Builds a [`HyperTransport`] with the default connector and other timeouts.
#[derive(Debug, Clone)]
#[must_use]
pub struct HyperTransportBuilder {
    connect_timeout: Duration,
    pool_idle_timeout: Duration,
}

impl HyperTransportBuilder {
    /// How long setting up a connection may take, TCP and TLS handshake together; 10 s by
    /// default. A connect timeout is reported as [`TransportErrorKind::Connect`]: the request
    /// never left, so even a token request may be sent again (R9).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long an idle connection stays in the pool; 90 s by default.
    pub fn pool_idle_timeout(mut self, timeout: Duration) -> Self {
        self.pool_idle_timeout = timeout;
        self
    }

    /// The transport.
    pub fn build(self) -> Result<HyperTransport, TransportError> {
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        // The TCP part alone; `TimeoutConnector` below bounds TCP and TLS together.
        http.set_connect_timeout(Some(self.connect_timeout));
        http.set_nodelay(true);
        // A connection the network silently dropped is noticed by the kernel's keepalive
        // probes instead of costing a whole attempt (R9).
        http.set_keepalive(Some(TCP_KEEPALIVE));
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let https = HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(provider)
            .map_err(|error| TransportError::with_source(TransportErrorKind::Other, error))?
            .https_or_http()
            .enable_http1()
            .enable_http2()
            .wrap_connector(http);
        let connector = TimeoutConnector::new(https, self.connect_timeout);
        // hyper-util's only retry (`retry_canceled_requests`, on by default) resends a request
        // whose pooled connection closed before any of it was written: safe under R9, so kept.
        // HTTP/2 connections are pinged, idle ones too, so that a dead one is dropped from the
        // pool before a call is sent on it (R9).
        let client = LegacyClient::builder(TokioExecutor::new())
            .pool_idle_timeout(self.pool_idle_timeout)
            .pool_timer(TokioTimer::new())
            .timer(TokioTimer::new())
            .http2_keep_alive_interval(Some(HTTP2_KEEP_ALIVE_INTERVAL))
            .http2_keep_alive_timeout(HTTP2_KEEP_ALIVE_TIMEOUT)
            .http2_keep_alive_while_idle(true)
            .build(connector);
        Ok(HyperTransport::from_client(client))
    }
}
