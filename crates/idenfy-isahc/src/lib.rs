//! The iDenfy client over [isahc] 2: [`idenfy`] with an async transport driven by curl on
//! isahc's own background thread, so it works under any executor (Tokio, async-std, smol, or
//! a plain `block_on`).
//!
//! [`Client`] is the core client with [`IsahcTransport`] filled in. The core crate is
//! re-exported whole as [`idenfy`] (every protocol type, webhooks, `http`), and the few names a
//! first call needs at the root:
//!
//! ```no_run
//! use idenfy_isahc::{Client, Credentials, TokenRequest};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::new(Credentials::new("api-key", "api-secret")?)?;
//! let request = TokenRequest::builder("customer-42").build()?;
//! let token = pollster::block_on(client.create_token(&request))?;
//! println!("send the person to {}", client.redirect_url(&token.auth_token));
//! # Ok(())
//! # }
//! ```
//!
//! The transport only moves bytes: retries, the call's total timeout and the interpretation of
//! statuses live in the core. Per attempt it honours the [`AttemptLimits`] the core puts into
//! each request: the time left becomes curl's timeout for the whole exchange, and the body is
//! read up to the size limit and no further.
//!
//! # TLS
//!
//! curl's TLS library and roots are chosen by the crate's features:
//!
//! | feature | what | with both |
//! |---|---|---|
//! | `aws-lc-rs` (default), `native-tls` | curl with rustls (through rustls-ffi), or with the system's TLS library (OpenSSL on Linux, found with pkg-config) | refused: isahc builds curl with one TLS library (so `--all-features` does not build) |
//! | `webpki-roots` (default), `platform-verifier` | Mozilla's roots compiled in, or the platform's (with rustls, rustls-platform-verifier; with OpenSSL, its default store; `SSL_CERT_FILE` is honoured) | the platform's |
//!
//! **There is no `ring` build.** curl-sys depends on rustls-ffi with its default features,
//! which include aws-lc-rs, and Cargo offers a dependent crate no way to switch a dependency's
//! default features off: any rustls build of isahc 2 compiles aws-lc. `native-tls` is the one
//! way to build this crate without aws-lc. Nor can this crate pass curl a crypto provider:
//! rustls-ffi uses rustls' process-wide default if the program installed one, and otherwise
//! installs aws-lc-rs as that default on the first TLS connection. The other adapters of this
//! project pass their provider explicitly, so they are unaffected by it either way. HTTP/2 is
//! negotiated by ALPN.
//!
//! The roots go with `https` requests only. curl copies a client's roots into every connection
//! it opens, TLS or not, so requests to a plain-`http` address (the emulator, a test server)
//! are given isahc's native store instead — a flag, a file path or nothing, never read on a
//! connection without TLS — rather than the 180 KB of Mozilla's roots.
//!
//! # Proxies
//!
//! curl reads the proxy variables for every request: `https_proxy` or `HTTPS_PROXY` for `https`
//! destinations, `http_proxy` for plain `http` ones (never the upper-case `HTTP_PROXY`, which
//! a CGI program's environment takes from a request's `Proxy:` header), `all_proxy` or
//! `ALL_PROXY` for both, and `no_proxy` or `NO_PROXY` for the hosts reached directly. Loopback
//! destinations are not exempt unless `NO_PROXY` names them. `https` goes through a `CONNECT`
//! tunnel, plain `http` to the proxy in absolute form; the connect timeout covers the tunnel.
//! For other proxy settings, pass a client of your own to [`IsahcTransport::from_client`].
//!
//! The call timeout and the pauses between retries use the core's default timer
//! ([`idenfy::default_sleep`], futures-timer): isahc's dependencies include no timer usable
//! without a runtime, and a runtime's timer would tie this crate to an executor. All pending
//! sleeps of the process share one timer thread, so this costs no thread per call.
//!
//! # Logging (R10)
//!
//! isahc logs curl's raw wire trace — the `Authorization` header, request bodies with personal
//! data — under `isahc::wire` at TRACE whenever curl's verbose mode is on, and turns that mode on
//! when a `tracing` subscriber wants its request span. This transport creates each request with
//! no subscriber, so curl stays quiet, and depends on isahc without its `log` feature, which
//! would turn verbose mode on for any `log` logger at debug. If your own build enables isahc's
//! default features (and so `log`) and you run a `log` logger at debug, filter `isahc` below
//! debug.
//!
//! [isahc]: https://docs.rs/isahc/2
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::fmt;
use std::sync::OnceLock;
use std::time::Duration;

use futures_lite::AsyncReadExt as _;
use isahc::config::Configurable as _;
use isahc::error::ErrorKind;
use isahc::{AsyncBody, HttpClient};
use tracing::Dispatch;
use tracing::instrument::WithSubscriber as _;
use tracing::subscriber::NoSubscriber;

use idenfy::http::uri::Scheme;
use idenfy::http::{Request, Response, header};
use idenfy::{AttemptLimits, DefaultTransport, Transport, TransportError, TransportErrorKind};

pub use idenfy;
#[doc(no_inline)]
pub use idenfy::{CallOptions, Config, Credentials, Error, RetryPolicy, TokenRequest};

/// The iDenfy client over isahc: `idenfy_isahc::Client::new(credentials)?`.
pub type Client = idenfy::Client<IsahcTransport>;

/// How long establishing a connection (TCP and TLS) may take by default.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A [`Transport`] over an [`isahc::HttpClient`] (a connection pool with one curl agent thread).
///
/// Cloning is cheap and shares the client.
#[derive(Clone)]
pub struct IsahcTransport {
    client: HttpClient,
    /// The client for requests that must not be replayed (token creation): it keeps no
    /// connections, so curl never sends them over a kept-alive connection that may die
    /// unanswered (see [`Transport::send`](IsahcTransport::send)). `None` with a client of the
    /// user's own, where such requests fail rather than being resent.
    unpooled: Option<HttpClient>,
    /// The TLS settings given to requests for plain-`http` destinations (the emulator, a test
    /// server), which do no TLS: without the roots of [`tls_config`], which curl would otherwise
    /// copy into every new connection (see [`Transport::send`](IsahcTransport::send)). `None`
    /// with a client of the user's own, whose settings are left alone.
    plain_http_tls: Option<isahc::tls::TlsConfig>,
}

impl IsahcTransport {
    /// The default transport: isahc's defaults (HTTP/2, no redirects followed, the proxies of the
    /// environment) with the TLS library and roots of the crate's features (see the crate
    /// documentation) and a 10 s connect timeout.
    pub fn new() -> Result<Self, TransportError> {
        Self::with_connect_timeout(DEFAULT_CONNECT_TIMEOUT)
    }

    /// The default transport with another connect timeout.
    pub fn with_connect_timeout(timeout: Duration) -> Result<Self, TransportError> {
        let client = HttpClient::builder()
            .connect_timeout(timeout)
            .tls_config(tls_config())
            .build()
            .map_err(map_error)?;
        let unpooled = HttpClient::builder()
            .connect_timeout(timeout)
            .tls_config(tls_config())
            .connection_cache_size(0)
            .build()
            .map_err(map_error)?;
        Ok(Self {
            client,
            unpooled: Some(unpooled),
            plain_http_tls: Some(plain_http_tls_config()),
        })
    }

    /// A transport over an isahc client of your own (a proxy, other certificates). It should
    /// not follow redirects: a redirect is an answer for the core to report.
    ///
    /// Requests that must not be replayed go through the same client with a body curl cannot
    /// rewind, so a kept-alive connection that dies unanswered fails the call (not retried by
    /// the core) instead of curl resending a token request behind everyone's back.
    pub fn from_client(client: HttpClient) -> Self {
        Self {
            client,
            unpooled: None,
            plain_http_tls: None,
        }
    }

    /// The underlying isahc client.
    pub fn client(&self) -> &HttpClient {
        &self.client
    }
}

/// The TLS settings of the default transport: isahc's, with the roots the crate's features
/// choose — the platform's when `platform-verifier` is enabled, Mozilla's (`webpki-roots`)
/// otherwise.
fn tls_config() -> isahc::tls::TlsConfig {
    #[cfg(feature = "platform-verifier")]
    let roots = isahc::tls::TrustStore::native();
    #[cfg(all(feature = "webpki-roots", not(feature = "platform-verifier")))]
    let roots = isahc::tls::TrustStore::webpki_roots();
    isahc::tls::TlsConfig::builder().trust_store(roots).build()
}

/// The TLS settings of the default transport's requests to plain-`http` destinations: isahc's
/// native store (a flag, a file path, or nothing set, depending on the TLS library) in place of
/// Mozilla's roots, a PEM bundle of about 180 KB that curl copies into each new connection
/// whether or not it does TLS. An unpooled token request opens a connection each time; on
/// loopback, not copying the bundle took its throughput from a median of 0.77× a bare unpooled
/// isahc request to 1.00× (BENCHMARKS.md). No TLS is done on such a connection, so the store is
/// never read; `https` requests keep the roots of [`tls_config`]. A proxy's TLS has settings of
/// its own (`proxy_tls_config`), which neither touches.
fn plain_http_tls_config() -> isahc::tls::TlsConfig {
    isahc::tls::TlsConfig::builder()
        .trust_store(isahc::tls::TrustStore::native())
        .build()
}

#[cfg(not(any(feature = "aws-lc-rs", feature = "native-tls")))]
compile_error!(
    "idenfy-isahc needs curl with TLS: enable its feature `aws-lc-rs` (rustls, the default) or \
     `native-tls` (the system's TLS library). There is no `ring` build: curl-sys's rustls-ffi \
     always brings aws-lc-rs."
);

#[cfg(not(any(feature = "webpki-roots", feature = "platform-verifier")))]
compile_error!(
    "idenfy-isahc needs root certificates: enable its feature `webpki-roots` (the default) or \
     `platform-verifier`"
);

impl DefaultTransport for IsahcTransport {
    fn default_transport() -> Result<Self, TransportError> {
        Self::new()
    }
}

impl fmt::Debug for IsahcTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IsahcTransport").finish_non_exhaustive()
    }
}

// `Transport::sleep` keeps its default, the core's `default_sleep`: one timer thread shared by
// every pending sleep of the process, a sleep deregistered as soon as its call is dropped. It
// works under any executor, as this transport does; a runtime's timer would tie the crate to
// that runtime for no gain.
impl Transport for IsahcTransport {
    /// curl stops the transfer at the attempt's timeout (`CURLOPT_TIMEOUT`, set from the
    /// request's [`AttemptLimits`]), so the core needs no timer of its own per call: each
    /// sleep of the core's default timer wakes its thread twice.
    fn enforces_attempt_timeout(&self) -> bool {
        true
    }

    async fn send(&self, request: Request<Vec<u8>>) -> Result<Response<Vec<u8>>, TransportError> {
        let limits = request
            .extensions()
            .get::<AttemptLimits>()
            .copied()
            .unwrap_or_default();
        let (parts, body) = request.into_parts();
        let plain_http = parts.uri.scheme() == Some(&Scheme::HTTP);
        let mut builder = Request::builder()
            .method(parts.method)
            .uri(parts.uri)
            .version(parts.version)
            .timeout(limits.timeout());
        if let Some(headers) = builder.headers_mut() {
            *headers = parts.headers;
        }
        if let Some(tls) = self.plain_http_tls.as_ref().filter(|_| plain_http) {
            builder = builder.tls_config(tls.clone());
        }
        // curl silently resends a request whose kept-alive connection died without an answer,
        // rewinding the body to do so — even a POST the server read in full. Requests that must
        // not be replayed (token creation, R9) therefore go over a fresh connection, and with a
        // body curl cannot rewind, so that a failure is reported instead of resent.
        let body = if limits.may_replay() {
            AsyncBody::from(body)
        } else {
            let length = u64::try_from(body.len()).unwrap_or(u64::MAX);
            AsyncBody::from_reader_sized(futures_lite::io::Cursor::new(body), length)
        };
        let request = builder
            .body(body)
            .map_err(|error| TransportError::with_source(TransportErrorKind::Other, error))?;

        let client = match (&self.unpooled, limits.may_replay()) {
            (Some(unpooled), false) => unpooled,
            _ => &self.client,
        };
        // isahc turns on curl's verbose mode when a tracing subscriber is interested in its
        // request span, and then logs the raw wire bytes — the `Authorization` header, bodies
        // with personal data — under `isahc::wire` (R10). Creating the request with no
        // subscriber leaves that span disabled, so curl stays quiet; the user's subscriber
        // still sees everything else, this crate's and the core's events included.
        let response = client
            .send_async(request)
            .with_subscriber(quiet())
            .await
            .map_err(map_error)?;
        let (parts, body) = response.into_parts();
        let max = limits.max_response_bytes();
        let announced = parts
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok()?.parse::<u64>().ok());
        let limit = u64::try_from(max).unwrap_or(u64::MAX);
        if announced.is_some_and(|length| length > limit) {
            return Err(TransportError::new(TransportErrorKind::BodyTooLarge));
        }
        let capacity = announced.map_or(0, |length| usize::try_from(length).unwrap_or(max));
        let mut bytes = Vec::with_capacity(capacity);
        // One byte more than allowed tells an overlong body from one of exactly `max` bytes.
        body.take(limit.saturating_add(1))
            .read_to_end(&mut bytes)
            .await
            .map_err(|error| map_error(isahc::Error::from(error)))?;
        if bytes.len() > max {
            return Err(TransportError::new(TransportErrorKind::BodyTooLarge));
        }
        Ok(Response::from_parts(parts, bytes))
    }
}

/// The tracing dispatcher isahc's requests are created under: one that wants nothing, made once
/// (every new dispatcher makes tracing recompute the interest of every callsite).
fn quiet() -> Dispatch {
    static QUIET: OnceLock<Dispatch> = OnceLock::new();
    QUIET
        .get_or_init(|| Dispatch::new(NoSubscriber::default()))
        .clone()
}

/// Maps isahc's error kinds onto the core's: `Connect` only when the request certainly did not
/// reach the server.
fn map_error(error: isahc::Error) -> TransportError {
    let kind = match error.kind() {
        ErrorKind::ConnectionFailed
        | ErrorKind::NameResolution
        | ErrorKind::BadServerCertificate
        | ErrorKind::BadClientCertificate => TransportErrorKind::Connect,
        ErrorKind::Timeout if timed_out_while_connecting(&error) => TransportErrorKind::Connect,
        ErrorKind::Timeout => TransportErrorKind::Timeout,
        ErrorKind::ClientInitialization
        | ErrorKind::InvalidTlsConfiguration
        | ErrorKind::TlsEngine
        | ErrorKind::InvalidRequest
        | ErrorKind::InvalidCredentials
        | ErrorKind::RequestBodyNotRewindable
        | ErrorKind::TooManyRedirects => TransportErrorKind::Other,
        _ => TransportErrorKind::Io,
    };
    TransportError::with_source(kind, error)
}

/// Whether a timeout struck while the connection was being set up — TCP, a proxy's `CONNECT`,
/// the TLS handshake — so that the request never left (R9: even a token request may be sent
/// again).
///
/// curl reports every timeout of a transfer with one code (`CURLE_OPERATION_TIMEDOUT`) and
/// isahc with one kind, and the message that would tell the phase does not reach isahc's error
/// on its multi-handle path. What does tell it is the connection's address: curl (8.x, the
/// version `curl-sys` builds into this crate) records it for the transfer only once every
/// connection filter — TCP, proxy tunnel, TLS — has connected, or when the transfer is attached
/// to a pooled connection, in both cases before a byte of the request is written; isahc copies
/// it into the error. A timeout of curl's transfer without an address therefore comes from a
/// connection that was never complete. Only curl's own error counts: a timeout isahc makes of
/// an I/O error carries no address whatever the phase. A curl that recorded the address
/// earlier would only make more timeouts `Timeout`, which is never unsafe (it forgoes a
/// retry). The loopback tests (`tests/tests/parity_connect.rs`) pin both directions.
fn timed_out_while_connecting(error: &isahc::Error) -> bool {
    let curl_timeout = std::error::Error::source(error)
        .and_then(|source| source.downcast_ref::<curl::Error>())
        .is_some_and(curl::Error::is_operation_timedout);
    curl_timeout && error.remote_addr().is_none() && error.local_addr().is_none()
}
