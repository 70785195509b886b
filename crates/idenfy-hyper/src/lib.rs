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
//! The default connector uses [hyper-rustls] with the crypto provider and the roots the crate's
//! features choose, the provider passed explicitly (never rustls' process-wide default, which
//! rustls cannot choose when two providers are compiled in, as they are next to `isahc`):
//!
//! | feature | what | with both |
//! |---|---|---|
//! | `aws-lc-rs` (default), `ring` | rustls' crypto provider | aws-lc-rs |
//! | `webpki-roots` (default), `platform-verifier` | Mozilla's roots compiled in (the same on every machine, and in minimal containers without a certificate store), or the system's verifier (rustls-platform-verifier) | the platform verifier |
//!
//! `default-features = false, features = ["ring", "webpki-roots"]` builds without aws-lc (and
//! the C and CMake toolchain of `aws-lc-sys`); at least one feature of each row is required.
//! The connector offers HTTP/2 and HTTP/1.1 by ALPN and also speaks plain `http`, which the
//! core allows only for loopback hosts (the emulator, tests) unless told otherwise. For other
//! roots, build your own hyper client and pass it to [`HyperTransport::from_client`].
//!
//! # Proxies
//!
//! The default transport reads the proxy variables when it is built, with hyper-util's
//! matcher, as curl reads them: `HTTPS_PROXY` for `https` destinations, `HTTP_PROXY` for plain
//! `http` ones (both in either case; the upper-case `HTTP_PROXY` is ignored in a CGI program,
//! where `REQUEST_METHOD` is set), `ALL_PROXY` for both, and `NO_PROXY` (host names, their
//! subdomains, addresses and address ranges, `*`) for the destinations to reach directly.
//! Loopback destinations are not exempt unless `NO_PROXY` names them. `https` goes through a
//! `CONNECT` tunnel, plain `http` to the proxy in absolute form; credentials in the proxy's URL
//! become a `Proxy-Authorization` header for the proxy alone, and appear in no error and no
//! `Debug` output. The connect timeout covers the tunnel. Only `http://` proxies are supported:
//! a rule naming another kind fails the connection instead of going around the proxy.
//! [`HyperTransportBuilder::proxies`] sets rules of your own, [`HyperTransportBuilder::no_proxies`]
//! none at all.
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
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::legacy::connect::{
    Connect, Connected, Connection, HttpConnector, capture_connection,
};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};

use idenfy::http::uri::Scheme;
use idenfy::http::{Request, Response, header};
use idenfy::{AttemptLimits, DefaultTransport, Transport, TransportError, TransportErrorKind};

/// Proxy rules: which proxy, if any, a destination is reached through (hyper-util's
/// [`Matcher`](hyper_util::client::proxy::matcher::Matcher)). Build one with
/// `ProxyMatcher::builder()` for [`HyperTransportBuilder::proxies`], or read the environment
/// with `ProxyMatcher::from_env()`.
pub use hyper_util::client::proxy::matcher::Matcher as ProxyMatcher;

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

/// The connector of the default transport: TCP, through a proxy where the proxy rules say so,
/// then TLS, the whole bounded by the connect timeout.
pub type DefaultConnector = TimeoutConnector<HttpsConnector<ProxyConnector>>;

/// A [`Transport`] over a pooled hyper client (`hyper_util::client::legacy::Client`).
///
/// Cloning is cheap and shares the connection pool.
pub struct HyperTransport<C = DefaultConnector> {
    client: LegacyClient<C, Full<Bytes>>,
    /// The default connector's proxy rules, for the `Proxy-Authorization` header of plain
    /// `http` requests sent to a proxy; `None` with a client of the user's own.
    proxies: Option<Arc<ProxyMatcher>>,
}

impl HyperTransport {
    /// The default transport: rustls (provider and roots chosen by the crate's features: see
    /// the crate documentation), HTTP/2 and HTTP/1.1, a 10 s connect timeout, a 90 s pool idle
    /// timeout and the proxies of the environment (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`,
    /// `NO_PROXY`, read now).
    pub fn new() -> Result<Self, TransportError> {
        Self::builder().build()
    }

    /// A builder to change the timeouts and the proxies of the default transport.
    pub fn builder() -> HyperTransportBuilder {
        HyperTransportBuilder {
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            pool_idle_timeout: DEFAULT_POOL_IDLE_TIMEOUT,
            proxies: Proxies::FromEnv,
        }
    }
}

impl<C> HyperTransport<C> {
    /// A transport over a hyper client of your own (other roots, a proxy connector, other pool
    /// settings). It should neither follow redirects nor retry requests: the core decides that.
    ///
    /// Such a client gets no proxy from this crate: a proxy is its connector's business (a
    /// [`ProxyConnector`] under the TLS connector, say), and a plain `http` request sent to a
    /// proxy through it gets no `Proxy-Authorization` header from the transport.
    pub fn from_client(client: LegacyClient<C, Full<Bytes>>) -> Self {
        Self {
            client,
            proxies: None,
        }
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
            proxies: self.proxies.clone(),
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
    /// `send` bounds the whole exchange, the body included, by the attempt's timeout (Tokio's
    /// timer), so the core adds no second timer per call. An attempt that times out is
    /// [`TransportErrorKind::Timeout`], except a request that must not be replayed
    /// ([`AttemptLimits::may_replay`] is `false`: token creation) that times out before the
    /// pool handed it a connection: it never left, so it is [`TransportErrorKind::Connect`],
    /// and the core may send it again (R9).
    fn enforces_attempt_timeout(&self) -> bool {
        true
    }

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
        let mut request = request.map(|body| Full::new(Bytes::from(body)));
        // A plain `http` request to a proxy carries the proxy's credentials itself (an `https`
        // one is tunnelled: they went with the `CONNECT`, and must not reach the server).
        if let Some(proxies) = &self.proxies
            && request.uri().scheme() == Some(&Scheme::HTTP)
            && let Some(auth) = proxies
                .intercept(request.uri())
                .as_ref()
                .and_then(|proxy| proxy.basic_auth().cloned())
        {
            request
                .headers_mut()
                .insert(header::PROXY_AUTHORIZATION, auth);
        }
        // The pool hands the request its connection, new or kept alive, before writing it;
        // until then the request has not left. Asked only where the answer changes what the
        // core does: a request that may be replayed is tried again after a timeout anyway,
        // and the capture costs a few allocations per call.
        let connection = (!limits.may_replay()).then(|| capture_connection(&mut request));
        let exchange = async {
            let response = self.client.request(request).await.map_err(map_error)?;
            let (parts, body) = response.into_parts();
            let body = read_capped(body, limits.max_response_bytes()).await?;
            Ok(Response::from_parts(parts, body))
        };
        tokio::time::timeout(limits.timeout(), exchange)
            .await
            .unwrap_or_else(|_elapsed| {
                // The attempt's deadline struck before the request had a connection (TCP or
                // the TLS handshake still under way, or no pooled connection free): it never
                // reached the server, a connect failure, as a connect timeout is (R9 lets even
                // a token request be sent again). After that, a timeout.
                let never_left = connection
                    .as_ref()
                    .is_some_and(|connection| connection.connection_metadata().is_none());
                let kind = if never_left {
                    TransportErrorKind::Connect
                } else {
                    TransportErrorKind::Timeout
                };
                Err(TransportError::new(kind))
            })
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

/// The TCP connector of the default transport, with proxies: a destination the proxy rules
/// send to a proxy is reached through it — an `https` one through a `CONNECT` tunnel
/// (hyper-util's [`Tunnel`], which carries the proxy's credentials), a plain `http` one by
/// sending the request to the proxy in absolute form — and any other directly.
///
/// Only `http://` proxies are supported: a rule that names another kind (`https://`,
/// `socks5://`, …) fails the connection with an error that names the scheme, never the proxy's
/// address or credentials, rather than going around the proxy. Put the TLS connector over it
/// (the default transport does, inside a [`TimeoutConnector`]).
#[derive(Clone)]
pub struct ProxyConnector {
    http: HttpConnector,
    proxies: Option<Arc<ProxyMatcher>>,
}

impl ProxyConnector {
    /// `http` (which must accept `https` URIs: `enforce_http(false)`), through the proxies
    /// `proxies` chooses; directly everywhere when `None`.
    pub fn new(http: HttpConnector, proxies: Option<Arc<ProxyMatcher>>) -> Self {
        Self { http, proxies }
    }
}

impl fmt::Debug for ProxyConnector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The matcher prints its proxies' addresses, never their credentials.
        f.debug_struct("ProxyConnector")
            .field("proxies", &self.proxies)
            .finish_non_exhaustive()
    }
}

impl tower_service::Service<hyper::Uri> for ProxyConnector {
    type Response = ProxyConnection;
    type Error = Box<dyn StdError + Send + Sync>;
    type Future = std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<ProxyConnection, Self::Error>> + Send>,
    >;

    fn poll_ready(
        &mut self,
        context: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        tower_service::Service::<hyper::Uri>::poll_ready(&mut self.http, context)
            .map_err(Into::into)
    }

    fn call(&mut self, destination: hyper::Uri) -> Self::Future {
        let proxy = self
            .proxies
            .as_ref()
            .and_then(|proxies| proxies.intercept(&destination));
        let Some(proxy) = proxy else {
            let connecting = self.http.call(destination);
            return Box::pin(async move {
                Ok(ProxyConnection {
                    inner: connecting.await?,
                    to_proxy: false,
                })
            });
        };
        if proxy.uri().scheme() != Some(&Scheme::HTTP) {
            let error = UnsupportedProxy(proxy.uri().scheme_str().unwrap_or("").to_owned());
            return Box::pin(std::future::ready(Err(error.into())));
        }
        if destination.scheme() == Some(&Scheme::HTTP) {
            // Plain `http`: the request itself goes to the proxy, in absolute form.
            let connecting = self.http.call(proxy.uri().clone());
            return Box::pin(async move {
                Ok(ProxyConnection {
                    inner: connecting.await?,
                    to_proxy: true,
                })
            });
        }
        let mut tunnel = Tunnel::new(proxy.uri().clone(), self.http.clone());
        if let Some(auth) = proxy.basic_auth() {
            tunnel = tunnel.with_auth(auth.clone());
        }
        let connecting = tunnel.call(destination);
        Box::pin(async move {
            Ok(ProxyConnection {
                inner: connecting.await?,
                to_proxy: false,
            })
        })
    }
}

/// A connection made by a [`ProxyConnector`]: to the server, through a tunnel to the server,
/// or to a proxy that takes plain `http` requests in absolute form.
#[derive(Debug)]
pub struct ProxyConnection {
    inner: TokioIo<tokio::net::TcpStream>,
    to_proxy: bool,
}

impl Connection for ProxyConnection {
    fn connected(&self) -> Connected {
        // `proxy(true)` makes hyper-util write the request line in absolute form.
        self.inner.connected().proxy(self.to_proxy)
    }
}

impl hyper::rt::Read for ProxyConnection {
    fn poll_read(
        self: std::pin::Pin<&mut Self>,
        context: &mut std::task::Context<'_>,
        buffer: hyper::rt::ReadBufCursor<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.get_mut().inner).poll_read(context, buffer)
    }
}

impl hyper::rt::Write for ProxyConnection {
    fn poll_write(
        self: std::pin::Pin<&mut Self>,
        context: &mut std::task::Context<'_>,
        buffer: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::pin::Pin::new(&mut self.get_mut().inner).poll_write(context, buffer)
    }

    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        context: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.get_mut().inner).poll_flush(context)
    }

    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        context: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.get_mut().inner).poll_shutdown(context)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_write_vectored(
        self: std::pin::Pin<&mut Self>,
        context: &mut std::task::Context<'_>,
        buffers: &[std::io::IoSlice<'_>],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::pin::Pin::new(&mut self.get_mut().inner).poll_write_vectored(context, buffers)
    }
}

/// A proxy rule names a kind of proxy the default connector cannot use; holds the scheme only.
#[derive(Debug)]
struct UnsupportedProxy(String);

impl fmt::Display for UnsupportedProxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the proxy for this destination is a `{}` proxy; idenfy-hyper's connector supports \
             `http` proxies only",
            self.0
        )
    }
}

impl StdError for UnsupportedProxy {}

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

/// The crypto provider the crate's features choose: aws-lc-rs when `aws-lc-rs` is enabled,
/// ring otherwise. Passed to rustls explicitly, never installed as the process default.
fn crypto_provider() -> Arc<rustls::crypto::CryptoProvider> {
    #[cfg(feature = "aws-lc-rs")]
    let provider = rustls::crypto::aws_lc_rs::default_provider();
    #[cfg(all(feature = "ring", not(feature = "aws-lc-rs")))]
    let provider = rustls::crypto::ring::default_provider();
    Arc::new(provider)
}

/// The TLS connector's builder with the crate's crypto provider and roots: the platform's
/// verifier when `platform-verifier` is enabled, Mozilla's roots (`webpki-roots`) otherwise.
fn tls_connector_builder()
-> Result<HttpsConnectorBuilder<hyper_rustls::builderstates::WantsSchemes>, TransportError> {
    let builder = HttpsConnectorBuilder::new();
    #[cfg(feature = "platform-verifier")]
    let builder = builder.with_provider_and_platform_verifier(crypto_provider());
    #[cfg(all(feature = "webpki-roots", not(feature = "platform-verifier")))]
    let builder = builder.with_provider_and_webpki_roots(crypto_provider());
    builder.map_err(|error| TransportError::with_source(TransportErrorKind::Other, error))
}

#[cfg(not(any(feature = "aws-lc-rs", feature = "ring")))]
compile_error!(
    "idenfy-hyper needs a rustls crypto provider: enable its feature `aws-lc-rs` (the default) \
     or `ring`"
);

#[cfg(not(any(feature = "webpki-roots", feature = "platform-verifier")))]
compile_error!(
    "idenfy-hyper needs root certificates: enable its feature `webpki-roots` (the default) or \
     `platform-verifier`"
);

/// Builds a [`HyperTransport`] with the default connector and other timeouts or proxies.
#[derive(Debug, Clone)]
#[must_use]
pub struct HyperTransportBuilder {
    connect_timeout: Duration,
    pool_idle_timeout: Duration,
    proxies: Proxies,
}

/// Where the default transport's proxy rules come from.
#[derive(Debug, Clone)]
enum Proxies {
    /// `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY` (and their lower-case forms), read
    /// when the transport is built.
    FromEnv,
    /// None: every connection is direct.
    Direct,
    /// The user's.
    Rules(Arc<ProxyMatcher>),
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

    /// These proxy rules instead of the environment's, for example
    /// `ProxyMatcher::builder().https("http://proxy.internal:3128").no("localhost").build()`.
    /// Only `http://` proxies are supported (see [`ProxyConnector`]).
    pub fn proxies(mut self, proxies: ProxyMatcher) -> Self {
        self.proxies = Proxies::Rules(Arc::new(proxies));
        self
    }

    /// No proxy at all, whatever the environment says.
    pub fn no_proxies(mut self) -> Self {
        self.proxies = Proxies::Direct;
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
        let proxies = match self.proxies {
            Proxies::FromEnv => Some(Arc::new(ProxyMatcher::from_env())),
            Proxies::Direct => None,
            Proxies::Rules(rules) => Some(rules),
        };
        let https = tls_connector_builder()?
            .https_or_http()
            .enable_http1()
            .enable_http2()
            .wrap_connector(ProxyConnector::new(http, proxies.clone()));
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
        Ok(HyperTransport { client, proxies })
    }
}
