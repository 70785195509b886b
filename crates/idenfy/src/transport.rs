//! The transport abstraction: one request in, one response out.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::time::Duration;

pub use idenfy_proto::TransportErrorKind;

use idenfy_proto::http::{Request, Response};

use crate::timer::ThreadSleep;

/// Moves one request to the server and its response back; the only I/O the client needs.
///
/// Implementations do no protocol work: no retries, no status interpretation, no parsing. A
/// non-2xx response is a successful transport round trip and must be returned as a response.
///
/// Closures `Fn(Request<Vec<u8>>) -> impl Future<Output = Result<Response<Vec<u8>>, TransportError>>`
/// are transports, which makes a closure the simplest test server.
///
/// Each request carries [`AttemptLimits`] in its extensions: a transport should stop waiting
/// after its `timeout` and stop reading a body longer than its `max_response_bytes` (returning
/// [`TransportErrorKind::BodyTooLarge`]). The client enforces both as well, but only the
/// transport can stop the work early.
pub trait Transport {
    /// Sends `request` and returns the complete response.
    fn send(
        &self,
        request: Request<Vec<u8>>,
    ) -> impl Future<Output = Result<Response<Vec<u8>>, TransportError>> + Send;

    /// Waits `duration`: used for the pauses between retries and for the call timeout.
    ///
    /// The default, [`ThreadSleep`], works under any executor (all its pending sleeps share one
    /// timer thread); adapters for a runtime return that runtime's timer.
    fn sleep(&self, duration: Duration) -> impl Future<Output = ()> + Send {
        ThreadSleep::new(duration)
    }
}

/// The same as [`Transport`], for synchronous code: one blocking call per request.
///
/// Closures `Fn(Request<Vec<u8>>) -> Result<Response<Vec<u8>>, TransportError>` are blocking
/// transports. A blocking transport must honour the [`AttemptLimits`] in the request's
/// extensions, since a blocked thread cannot be interrupted from outside.
pub trait BlockingTransport {
    /// Sends `request` and returns the complete response.
    fn send(&self, request: Request<Vec<u8>>) -> Result<Response<Vec<u8>>, TransportError>;
}

impl<F> BlockingTransport for F
where
    F: Fn(Request<Vec<u8>>) -> Result<Response<Vec<u8>>, TransportError>,
{
    fn send(&self, request: Request<Vec<u8>>) -> Result<Response<Vec<u8>>, TransportError> {
        self(request)
    }
}

/// A transport that can set itself up with sensible defaults (connection pool, TLS with the
/// usual root certificates, connect timeout). Implemented by the adapters; it is what makes
/// `Client::new(credentials)` work.
pub trait DefaultTransport: Sized {
    /// The transport with its default setup.
    fn default_transport() -> Result<Self, TransportError>;
}

/// The limits of one attempt, put into every request's extensions by the client.
///
/// ```
/// # use idenfy::{AttemptLimits, http::Request};
/// # fn transport(request: Request<Vec<u8>>) {
/// let limits = request.extensions().get::<AttemptLimits>().copied().unwrap_or_default();
/// let _ = (limits.timeout(), limits.max_response_bytes());
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptLimits {
    timeout: Duration,
    max_response_bytes: usize,
    may_replay: bool,
}

impl AttemptLimits {
    pub(crate) fn new(timeout: Duration, max_response_bytes: usize, may_replay: bool) -> Self {
        Self {
            timeout,
            max_response_bytes,
            may_replay,
        }
    }

    /// Whether the transport may send this request again on its own — e.g. on a fresh
    /// connection after a kept-alive one died without an answer. `false` for token creation
    /// (R9): the server may have processed the first copy, and a second would be a second
    /// token. A transport that cannot tell must then report the failure instead of resending.
    pub fn may_replay(&self) -> bool {
        self.may_replay
    }

    /// How long this attempt may take at most: what is left of the call's total timeout.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The largest response body to accept.
    pub fn max_response_bytes(&self) -> usize {
        self.max_response_bytes
    }
}

impl Default for AttemptLimits {
    /// The client's defaults: 30 s, 32 MiB, and no replay (the safe assumption).
    fn default() -> Self {
        Self::new(
            crate::policy::DEFAULT_TIMEOUT,
            crate::policy::DEFAULT_MAX_RESPONSE_BYTES,
            false,
        )
    }
}

impl<F, Fut> Transport for F
where
    F: Fn(Request<Vec<u8>>) -> Fut,
    Fut: Future<Output = Result<Response<Vec<u8>>, TransportError>> + Send,
{
    fn send(
        &self,
        request: Request<Vec<u8>>,
    ) -> impl Future<Output = Result<Response<Vec<u8>>, TransportError>> + Send {
        self(request)
    }
}

/// A failure to exchange bytes with the server.
///
/// Adapters must not put credentials, header values or bodies into it (R6, R10).
#[derive(Debug)]
pub struct TransportError {
    kind: TransportErrorKind,
    source: Option<Box<dyn StdError + Send + Sync>>,
}

impl TransportError {
    /// An error of `kind` with no underlying cause.
    pub fn new(kind: TransportErrorKind) -> Self {
        Self { kind, source: None }
    }

    /// An error of `kind` caused by `source`.
    pub fn with_source(
        kind: TransportErrorKind,
        source: impl Into<Box<dyn StdError + Send + Sync>>,
    ) -> Self {
        Self {
            kind,
            source: Some(source.into()),
        }
    }

    /// The kind of failure.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// Whether the request certainly never reached the server.
    pub fn is_connect(&self) -> bool {
        self.kind == TransportErrorKind::Connect
    }

    /// Whether the call ran out of time.
    pub fn is_timeout(&self) -> bool {
        self.kind == TransportErrorKind::Timeout
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.kind, f)?;
        if let Some(source) = &self.source {
            write!(f, ": {source}")?;
        }
        Ok(())
    }
}

impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|source| source as &(dyn StdError + 'static))
    }
}
