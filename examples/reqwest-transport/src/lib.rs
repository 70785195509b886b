//! An [`idenfy::Transport`] on [reqwest], written the way a library author outside this
//! repository would write one, and held to the same conformance kit as the adapters
//! (`tests/conformance.rs` of this crate runs `idenfy_conformance` on it).
//!
//! ```no_run
//! use idenfy::{Client, Config, Credentials, TokenRequest};
//! use idenfy_reqwest_example::ReqwestTransport;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let config = Config::new(Credentials::new("api-key", "api-secret")?);
//! let client = Client::with_transport(config, ReqwestTransport::new()?);
//! let token = client.create_token(&TokenRequest::builder("customer-42").build()?).await?;
//! println!("send the person to {}", client.redirect_url(&token.auth_token));
//! # Ok(())
//! # }
//! ```
//!
//! What a transport owes the core, and how this one pays it:
//!
//! - **Only bytes.** A non-2xx answer is a successful round trip, returned as a response;
//!   redirects are not followed (the core decides everything about the answer).
//! - **The limits of each attempt**, from the request's extensions ([`AttemptLimits`]): the
//!   attempt's time, as reqwest's per-request timeout, which covers the body too; the body cap,
//!   checked against `Content-Length` before reading and against what arrives while reading,
//!   so that an oversized answer is abandoned early ([`TransportErrorKind::BodyTooLarge`]).
//! - **No second token.** When [`AttemptLimits::may_replay`] is `false` (token creation) the
//!   transport must not resend a request that may have reached the server. reqwest's own
//!   resends are safe here: its default retry policy only repeats protocol refusals that the
//!   server guarantees it did not process (HTTP/2 `REFUSED_STREAM`, a graceful `GOAWAY`), and
//!   hyper-util underneath only resends a request whose pooled connection closed before any of
//!   it was written. A stack that may resend a request the server read must be kept from doing
//!   so for these requests (see how `idenfy-isahc` deals with curl).
//! - **Honest error kinds.** [`TransportErrorKind::Connect`] only when the request certainly
//!   never reached the server (refused, DNS, TLS handshake, connect timeout): R9 lets the core
//!   retry a token request then, and only then. Everything after — a reset, a truncated body —
//!   is `Io`, and running out of time is `Timeout`.
//!
//! # TLS
//!
//! reqwest's rustls backend as it comes: the process's default crypto provider if one is
//! installed, otherwise aws-lc-rs, passed explicitly (so no ambiguity between two compiled-in
//! providers can make rustls panic, as the adapters also ensure), and the platform's root
//! certificates through `rustls-platform-verifier` — what `idenfy-isahc` trusts through curl.
//! Without any root certificate on the machine (a bare container) [`ReqwestTransport::new`]
//! fails; [`ReqwestTransport::from_client`] takes a client of your own, with roots of its own.
//!
//! [reqwest]: https://docs.rs/reqwest/0.13
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::time::Duration;

use idenfy::http::{Request, Response};
use idenfy::{AttemptLimits, DefaultTransport, Transport, TransportError, TransportErrorKind};

/// How long setting up a connection (TCP and TLS) may take.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A [`Transport`] over a pooled [`reqwest::Client`]; needs a Tokio runtime, as reqwest does.
///
/// Cloning is cheap and shares the connection pool.
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
}

impl ReqwestTransport {
    /// A client with rustls (see [TLS](crate#tls)), HTTP/2 and HTTP/1.1 by ALPN, no
    /// redirects, and a 10 s connect timeout.
    pub fn new() -> Result<Self, TransportError> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(DEFAULT_CONNECT_TIMEOUT)
            .build()
            .map_err(other)?;
        Ok(Self::from_client(client))
    }

    /// A transport over a reqwest client of your own (a proxy, other roots). It should not
    /// follow redirects: an answer belongs to the core as it is.
    pub fn from_client(client: reqwest::Client) -> Self {
        Self { client }
    }
}

impl DefaultTransport for ReqwestTransport {
    fn default_transport() -> Result<Self, TransportError> {
        Self::new()
    }
}

impl Transport for ReqwestTransport {
    async fn send(&self, request: Request<Vec<u8>>) -> Result<Response<Vec<u8>>, TransportError> {
        let limits = request
            .extensions()
            .get::<AttemptLimits>()
            .copied()
            .unwrap_or_default();
        let mut request = reqwest::Request::try_from(request).map_err(other)?;
        // From connecting to the body's last byte.
        *request.timeout_mut() = Some(limits.timeout());

        let mut response = self.client.execute(request).await.map_err(map_error)?;
        let max = limits.max_response_bytes();
        let too_large = || TransportError::new(TransportErrorKind::BodyTooLarge);
        let announced = response.content_length().unwrap_or(0);
        if usize::try_from(announced).map_or(true, |announced| announced > max) {
            return Err(too_large());
        }
        let status = response.status();
        let version = response.version();
        let headers = std::mem::take(response.headers_mut());
        let mut body = Vec::new();
        // Dropping `response` early, as the returns below do, closes its connection: the rest
        // of an oversized body is never read.
        while let Some(chunk) = response.chunk().await.map_err(map_error)? {
            if chunk.len() > max - body.len() {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }

        let mut answer = Response::new(body);
        *answer.status_mut() = status;
        *answer.version_mut() = version;
        *answer.headers_mut() = headers;
        Ok(answer)
    }

    // `sleep` keeps the core's default (`idenfy::ThreadSleep`, one timer thread for the whole
    // process), which works under any executor, Tokio included.
}

/// R9: `Connect` only when nothing can have been sent — reqwest says so for failures of its
/// connector (refused, DNS, TLS handshake, connect timeout); then `Timeout`, then `Io`.
fn map_error(error: reqwest::Error) -> TransportError {
    let kind = if error.is_connect() {
        TransportErrorKind::Connect
    } else if error.is_timeout() {
        TransportErrorKind::Timeout
    } else if error.is_builder() {
        TransportErrorKind::Other
    } else {
        TransportErrorKind::Io
    };
    TransportError::with_source(kind, error)
}

fn other(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> TransportError {
    TransportError::with_source(TransportErrorKind::Other, error)
}
