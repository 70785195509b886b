//! The transport abstraction: one request in, one response out.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;

use idenfy_proto::http::{Request, Response};

/// Moves one request to the server and its response back; the only I/O the client needs.
///
/// Implementations do no protocol work: no retries, no status interpretation, no parsing. A
/// non-2xx response is a successful transport round trip and must be returned as a response.
///
/// Closures `Fn(Request<Vec<u8>>) -> impl Future<Output = Result<Response<Vec<u8>>, TransportError>>`
/// are transports, which makes a closure the simplest test server.
pub trait Transport {
    /// Sends `request` and returns the complete response.
    fn send(
        &self,
        request: Request<Vec<u8>>,
    ) -> impl Future<Output = Result<Response<Vec<u8>>, TransportError>> + Send;
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

/// What kind of transport failure happened; it decides whether a retry is safe (R9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// No connection was established (refused, DNS failure, TLS handshake failure): the
    /// request never reached the server.
    Connect,
    /// The request timed out; it may have reached the server.
    Timeout,
    /// The connection failed after the request may have been sent (reset, truncated body).
    Io,
    /// The response was larger than the configured limit.
    BodyTooLarge,
    /// Anything else.
    Other,
}

impl fmt::Display for TransportErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TransportErrorKind::Connect => "could not connect",
            TransportErrorKind::Timeout => "timed out",
            TransportErrorKind::Io => "connection failed",
            TransportErrorKind::BodyTooLarge => "response body too large",
            TransportErrorKind::Other => "transport failed",
        })
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
