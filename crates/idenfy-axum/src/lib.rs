//! [iDenfy](https://www.idenfy.com) webhooks in [axum]: an extractor that reads a delivery's raw
//! body, verifies its `Idenfy-Signature` against the keys in your application's state, and only
//! then hands your handler the typed event.
//!
//! ```
//! use axum::{Router, http::StatusCode, routing::post};
//! use idenfy_axum::{IdenfyWebhook, WebhookEvent, WebhookKey, WebhookKeys};
//!
//! async fn idenfy_webhook(IdenfyWebhook(event): IdenfyWebhook) -> StatusCode {
//!     // Only a delivery signed with one of the keys gets here; the rest were answered 401.
//!     if let (true, Some(key), WebhookEvent::Identification { result, .. }) =
//!         (event.is_final(), event.dedup_key(), &event)
//!     {
//!         // Deliveries can repeat: act once per key, and only on final results.
//!         println!("{key}: {:?}", result.status.overall);
//!     }
//!     StatusCode::OK
//! }
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let keys = WebhookKeys::new([WebhookKey::new("the-signing-key")?])?;
//! let app: Router = Router::new()
//!     .route("/idenfy/webhook", post(idenfy_webhook))
//!     .with_state(keys);
//! # Ok(())
//! # }
//! ```
//!
//! # Keys in the application's state
//!
//! The extractors take a [`WebhookKeys`] from the router's state through axum's [`FromRef`]: the
//! state may be the keys themselves, as above, or a larger state they are part of:
//!
//! ```
//! use axum::extract::{FromRef, State};
//! use axum::{Router, http::StatusCode, routing::post};
//! use idenfy_axum::{IdenfyWebhook, WebhookKey, WebhookKeys};
//!
//! #[derive(Clone)]
//! struct AppState {
//!     webhook_keys: WebhookKeys,
//!     service_name: &'static str,
//! }
//!
//! impl FromRef<AppState> for WebhookKeys {
//!     fn from_ref(state: &AppState) -> Self {
//!         state.webhook_keys.clone() // two words: the keys are shared, not copied
//!     }
//! }
//!
//! async fn idenfy_webhook(State(state): State<AppState>, IdenfyWebhook(event): IdenfyWebhook) -> StatusCode {
//!     println!("{}: {} for {:?}", state.service_name, event.event_name(), event.scan_ref());
//!     StatusCode::OK
//! }
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // While rotating the signing key, accept the new one and the old one.
//! let webhook_keys = WebhookKeys::new([WebhookKey::new("new-key")?, WebhookKey::new("old-key")?])?
//!     .with_max_body_bytes(256 * 1024);
//! let app: Router = Router::new()
//!     .route("/idenfy/webhook", post(idenfy_webhook))
//!     .with_state(AppState { webhook_keys, service_name: "kyc" });
//! # Ok(())
//! # }
//! ```
//!
//! # What a delivery is answered
//!
//! | the delivery | the extractor | axum answers |
//! |---|---|---|
//! | `Content-Length` above the size cap | refuses it before reading the body | `413`, empty body |
//! | a body that grows past the cap while read (chunked) | stops reading at the cap | `413`, empty body |
//! | `Idenfy-Signature` missing, empty, not 64 hex digits, or matching none of the keys | reads the body (the signature covers all of it), refuses it, parses nothing | `401`, empty body |
//! | signed, and a webhook body | yields [`IdenfyWebhook`] (or [`VerifiedBody`]) | what the handler returns |
//! | signed, but not a webhook body (not JSON, not a JSON object, a known event without `scanRef`) | [`WebhookRejection::NotAWebhook`], which keeps the verified bytes | `400`, empty body |
//! | the connection failed while the body was read | [`WebhookRejection::Body`] | `400`, empty body |
//!
//! Every refusal has an empty body and says nothing of which check failed: the sender learns only
//! the status. Which check it was is in the [`WebhookRejection`] and in a `debug`-level
//! [`tracing`](https://docs.rs/tracing) event of target `idenfy_axum` (the check, a length, the
//! event's name and `scanRef`; never a key, a signature or any of the body).
//!
//! The signature is checked by `idenfy-proto` (rule R8: the exact raw bytes, constant time, every
//! key tried, the header name in any case, the hex in either case, surrounding whitespace
//! ignored), and the body is parsed by it only afterwards, leniently (R7): an event this version
//! does not model arrives as [`WebhookEvent::Unknown`] with its JSON kept whole, and a field of an
//! unexpected type is kept raw in the result's `extra`.
//!
//! # The size cap
//!
//! A webhook has to be read whole before its signature can be checked, so anyone who can reach
//! the endpoint can make the server buffer a body up to the cap. The cap is
//! [`DEFAULT_MAX_BODY_BYTES`], 1 MiB, unless set with [`WebhookKeys::with_max_body_bytes`]: an
//! identification result with file URLs, AML hits and the other checks is a few to a few tens of
//! kilobytes, so 1 MiB leaves room for long AML and adverse-media lists while bounding what an
//! unsigned sender costs. A `Content-Length` above the cap is refused before any of the body is
//! read; a body without one (chunked) is read up to the cap and refused as soon as it goes past.
//!
//! axum's [`DefaultBodyLimit`](axum_core::extract::DefaultBodyLimit) applies as well, as it does
//! to axum's own body extractors: the lower of the two limits wins. Its default, 2 MB, is above
//! this crate's, so it matters only when set lower, or when the cap here is raised past it (then
//! raise or disable `DefaultBodyLimit` on that route too). A refusal by axum's limit is
//! [`WebhookRejection::TooLarge`] with no `limit`, since an extractor cannot see its value.
//!
//! # A signed body that is not a webhook
//!
//! A body that verifies came from iDenfy (or from whoever holds the key). If it still does not
//! parse — it is not JSON, or not a JSON object, or a known event without its `scanRef` — the
//! extractor answers `400` rather than pretending all is well: iDenfy then marks the delivery
//! failed, retries it, and lists it in the dashboard, where it can be resent once the receiver
//! reads it. Nothing iDenfy said is lost on the way: [`WebhookRejection::NotAWebhook`] holds the
//! verified bytes. To keep them (store them, answer `200`), take
//! `Result<IdenfyWebhook, WebhookRejection>` in the handler and call
//! [`WebhookRejection::into_verified_body`], or take [`VerifiedBody`] and parse it yourself.
//!
//! ```
//! use axum::http::StatusCode;
//! use idenfy_axum::{IdenfyWebhook, WebhookRejection};
//!
//! async fn idenfy_webhook(delivery: Result<IdenfyWebhook, WebhookRejection>) -> StatusCode {
//!     match delivery {
//!         Ok(IdenfyWebhook(event)) => StatusCode::OK,
//!         Err(rejection) => {
//!             let status = rejection.status();
//!             if let Some(body) = rejection.into_verified_body() {
//!                 // Signed, but not a webhook this version reads: keep it for later.
//!                 let _kept: Vec<u8> = body.into_bytes().to_vec();
//!             }
//!             status
//!         }
//!     }
//! }
//! ```
//!
//! # Dependencies
//!
//! The extractors need axum's traits and body only, so this crate depends on `axum-core` 0.5
//! (what axum 0.8 re-exports them from), not on axum with its router, server and runtime; it
//! works with any axum 0.8 application. Verification and parsing are `idenfy-proto`'s, re-exported
//! here as [`idenfy_proto`], with the names a handler needs at the root.
//!
//! [axum]: https://docs.rs/axum/0.8
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;

use axum_core::RequestExt as _;
use axum_core::body::Body;
use axum_core::extract::{FromRef, FromRequest, Request};
use axum_core::response::{IntoResponse, Response};
use bytes::{Bytes, BytesMut};
use http_body_util::{BodyExt as _, LengthLimitError};
use idenfy_proto::http::{HeaderMap, StatusCode, header};
use idenfy_proto::webhook::{self, EVENT_TYPE_HEADER, SIGNATURE_HEADER};

pub use idenfy_proto;
pub use idenfy_proto::DecodeError;
pub use idenfy_proto::webhook::{DedupKey, SignatureError, WebhookEvent, WebhookKey};

/// The size cap of a webhook body unless [`WebhookKeys::with_max_body_bytes`] sets another: 1 MiB
/// (see [the crate documentation](crate#the-size-cap)).
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

/// How many errors deep a body error is searched for axum's length limit.
const MAX_ERROR_DEPTH: usize = 16;

/// The keys webhooks are verified with, and the size cap of their bodies: what the extractors
/// take from the application's state (through [`FromRef`]).
///
/// One key, or several while a signing key is rotated (a delivery verifies if any of them
/// matches). An empty key cannot exist ([`WebhookKey::new`] refuses it, rule R8), and neither can
/// an empty list of keys ([`WebhookKeys::new`] refuses it): either would make every delivery
/// fail, or, for the empty key, let anyone sign.
///
/// Cloning is cheap (the keys are shared); axum clones the value out of the state for every
/// request. `Debug` shows how many keys there are and the cap, never a key:
///
/// ```
/// use idenfy_axum::{WebhookKey, WebhookKeys};
/// let keys = WebhookKeys::new([WebhookKey::new("k1")?, WebhookKey::new("k2")?])?;
/// assert_eq!(format!("{keys:?}"), "WebhookKeys { keys: [2 redacted], max_body_bytes: 1048576 }");
/// assert!(WebhookKeys::new([]).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct WebhookKeys {
    keys: Arc<[WebhookKey]>,
    max_body_bytes: usize,
}

/// [`WebhookKeys::new`] was given no key: every delivery would be refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("no webhook key was given: every delivery would be refused")]
pub struct NoKeysError;

impl WebhookKeys {
    /// The keys to verify with, in the order they are tried, and the default size cap
    /// ([`DEFAULT_MAX_BODY_BYTES`]).
    ///
    /// Errors: [`NoKeysError`] when `keys` is empty.
    pub fn new(keys: impl IntoIterator<Item = WebhookKey>) -> Result<Self, NoKeysError> {
        let keys: Arc<[WebhookKey]> = keys.into_iter().collect();
        if keys.is_empty() {
            return Err(NoKeysError);
        }
        Ok(Self {
            keys,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        })
    }

    /// Sets the size cap: a body of more than `limit` bytes is answered `413` (see
    /// [the crate documentation](crate#the-size-cap)).
    #[must_use]
    pub fn with_max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// The keys, in the order they are tried.
    pub fn keys(&self) -> &[WebhookKey] {
        &self.keys
    }

    /// The size cap in bytes.
    pub fn max_body_bytes(&self) -> usize {
        self.max_body_bytes
    }
}

impl From<WebhookKey> for WebhookKeys {
    /// One key, and the default size cap.
    fn from(key: WebhookKey) -> Self {
        Self {
            keys: Arc::new([key]),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }
}

impl fmt::Debug for WebhookKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookKeys")
            .field("keys", &format_args!("[{} redacted]", self.keys.len()))
            .field("max_body_bytes", &self.max_body_bytes)
            .finish()
    }
}

/// The extractor of a webhook delivery: the body's signature verified against the
/// [`WebhookKeys`] of the state, then the body parsed into a [`WebhookEvent`].
///
/// It reads the body, so it comes last among a handler's arguments. On failure the handler is
/// not called and the delivery is answered by [`WebhookRejection`]'s response (`401`, `413` or
/// `400`, always with an empty body); see [the crate documentation](crate#what-a-delivery-is-answered).
#[derive(Debug, Clone, PartialEq)]
pub struct IdenfyWebhook(pub WebhookEvent);

/// The raw body of a delivery whose signature verified, for a handler that stores or parses the
/// bytes itself; the event-type header comes with it.
///
/// It is an extractor too: the same checks as [`IdenfyWebhook`]'s, and the same answers, but no
/// parsing. A value exists only after verification: there is no other way to build one.
///
/// `Debug` shows the length and the event type, none of the body.
#[derive(Clone)]
pub struct VerifiedBody {
    body: Bytes,
    event_type: Option<String>,
}

impl VerifiedBody {
    /// The body exactly as it arrived (the bytes the signature covers).
    pub fn bytes(&self) -> &Bytes {
        &self.body
    }

    /// The body, as [`Bytes`].
    pub fn into_bytes(self) -> Bytes {
        self.body
    }

    /// The `Idenfy-Event-Type` header, if it came and is visible ASCII (as
    /// [`webhook::from_request`] reads it; otherwise the event is inferred from the body).
    pub fn event_type(&self) -> Option<&str> {
        self.event_type.as_deref()
    }

    /// Parses the body into the event, as [`IdenfyWebhook`] does (the signature has already been
    /// verified).
    ///
    /// Errors: a body that is not JSON, not a JSON object, or a known event without `scanRef`;
    /// the error names the JSON path.
    pub fn parse(&self) -> Result<WebhookEvent, DecodeError> {
        // Verified when this value was made; verifying again would find the same.
        webhook::parse_unverified(&self.body, self.event_type.as_deref())
    }

    /// Reads and verifies the body of `request` (see [`IdenfyWebhook`]).
    async fn read(request: Request, keys: &WebhookKeys) -> Result<Self, WebhookRejection> {
        let limit = keys.max_body_bytes;
        let announced = content_length(request.headers());
        if announced.is_some_and(|length| length > u64::try_from(limit).unwrap_or(u64::MAX)) {
            tracing::debug!(
                limit,
                "iDenfy webhook refused: Content-Length above the size cap"
            );
            return Err(WebhookRejection::TooLarge { limit: Some(limit) });
        }
        let signature = request.headers().get(SIGNATURE_HEADER).cloned();
        let event_type = request
            .headers()
            .get(EVENT_TYPE_HEADER)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        // `into_limited_body` applies axum's `DefaultBodyLimit`, as axum's own extractors do.
        let body = read_capped(request.into_limited_body(), limit).await?;
        // A header value that is not visible ASCII is passed on as it reads: it is not hex, and
        // `webhook::verify` says so (`NotHex`), as `webhook::from_request` does.
        let signature = signature
            .as_ref()
            .map(|value| String::from_utf8_lossy(value.as_bytes()));
        if let Err(error) = webhook::verify(&body, signature.as_deref(), &keys.keys) {
            tracing::debug!(
                reason = %error,
                length = body.len(),
                "iDenfy webhook refused: signature"
            );
            return Err(WebhookRejection::Signature(error));
        }
        Ok(Self { body, event_type })
    }
}

impl fmt::Debug for VerifiedBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifiedBody")
            .field("len", &self.body.len())
            .field("event_type", &self.event_type)
            .finish()
    }
}

impl<S> FromRequest<S> for VerifiedBody
where
    WebhookKeys: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = WebhookRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let keys = WebhookKeys::from_ref(state);
        Self::read(request, &keys).await
    }
}

impl<S> FromRequest<S> for IdenfyWebhook
where
    WebhookKeys: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = WebhookRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let body = VerifiedBody::from_request(request, state).await?;
        match body.parse() {
            Ok(event) => {
                tracing::debug!(
                    event = event.event_name(),
                    scan_ref = event.scan_ref(),
                    is_final = event.is_final(),
                    "iDenfy webhook verified"
                );
                Ok(Self(event))
            }
            Err(error) => {
                tracing::debug!(
                    reason = %error,
                    length = body.body.len(),
                    "iDenfy webhook refused: signed, but not a webhook body"
                );
                Err(WebhookRejection::NotAWebhook {
                    body,
                    error: Box::new(error),
                })
            }
        }
    }
}

/// Why a delivery was refused, and the answer it gets: an empty body with the status
/// [`WebhookRejection::status`] names.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookRejection {
    /// `401`: the `Idenfy-Signature` header is missing, empty or malformed, or matches the body
    /// under none of the keys. Nothing of the body is kept.
    #[error("the webhook was refused: {0}")]
    Signature(SignatureError),
    /// `413`: the body is larger than the size cap.
    #[error("the webhook was refused: its body is larger than {}", limit_name(*.limit))]
    TooLarge {
        /// The extractor's cap ([`WebhookKeys::max_body_bytes`]), or `None` when axum's
        /// `DefaultBodyLimit`, set lower, refused it (its value is not visible to an extractor).
        limit: Option<usize>,
    },
    /// `400`: the body could not be read (the connection failed, or the body was malformed).
    #[error("the webhook was refused: its body could not be read")]
    Body(#[source] axum_core::Error),
    /// `400`: the signature verified, but the body is not a webhook body (not JSON, not a JSON
    /// object, or a known event without `scanRef`). The verified bytes are kept.
    #[error(
        "the webhook was refused: its signature verified, but its body is not a webhook: {error}"
    )]
    NotAWebhook {
        /// The verified body and its event type.
        body: VerifiedBody,
        /// Why it does not parse, naming the JSON path.
        #[source]
        error: Box<DecodeError>,
    },
}

fn limit_name(limit: Option<usize>) -> String {
    match limit {
        Some(limit) => format!("the size cap of {limit} bytes"),
        None => "axum's DefaultBodyLimit".to_owned(),
    }
}

impl WebhookRejection {
    /// The status of the answer: `401` for [`Signature`](Self::Signature), `413` for
    /// [`TooLarge`](Self::TooLarge), `400` for [`Body`](Self::Body) and
    /// [`NotAWebhook`](Self::NotAWebhook).
    pub fn status(&self) -> StatusCode {
        match self {
            WebhookRejection::Signature(_) => StatusCode::UNAUTHORIZED,
            WebhookRejection::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            WebhookRejection::Body(_) | WebhookRejection::NotAWebhook { .. } => {
                StatusCode::BAD_REQUEST
            }
        }
    }

    /// The verified body, when the signature verified but the body did not parse
    /// ([`NotAWebhook`](Self::NotAWebhook)).
    pub fn verified_body(&self) -> Option<&VerifiedBody> {
        match self {
            WebhookRejection::NotAWebhook { body, .. } => Some(body),
            _ => None,
        }
    }

    /// [`verified_body`](Self::verified_body), by value.
    pub fn into_verified_body(self) -> Option<VerifiedBody> {
        match self {
            WebhookRejection::NotAWebhook { body, .. } => Some(body),
            _ => None,
        }
    }
}

impl IntoResponse for WebhookRejection {
    /// The status alone, with an empty body: nothing tells the sender which check failed.
    fn into_response(self) -> Response {
        self.status().into_response()
    }
}

/// The `Content-Length` the request announces, if it has one that is a number.
fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Reads `body` whole, refusing it as soon as it goes past `limit` bytes (nothing more is read).
async fn read_capped(mut body: Body, limit: usize) -> Result<Bytes, WebhookRejection> {
    let mut buffer = BytesMut::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(body_error)?;
        // A trailers frame carries no data.
        let Ok(data) = frame.into_data() else {
            continue;
        };
        if data.len() > limit.saturating_sub(buffer.len()) {
            tracing::debug!(limit, "iDenfy webhook refused: body past the size cap");
            return Err(WebhookRejection::TooLarge { limit: Some(limit) });
        }
        buffer.extend_from_slice(&data);
    }
    Ok(buffer.freeze())
}

/// A failure to read the body: axum's `DefaultBodyLimit` (an `http_body_util::Limited` under
/// the body) is [`WebhookRejection::TooLarge`], anything else [`WebhookRejection::Body`].
fn body_error(error: axum_core::Error) -> WebhookRejection {
    let first: &(dyn StdError + 'static) = &error;
    let mut chain = std::iter::successors(Some(first), |error| (*error).source());
    if chain
        .by_ref()
        .take(MAX_ERROR_DEPTH)
        .any(|error| error.is::<LengthLimitError>())
    {
        tracing::debug!("iDenfy webhook refused: body past axum's DefaultBodyLimit");
        WebhookRejection::TooLarge { limit: None }
    } else {
        tracing::debug!(reason = %error, "iDenfy webhook refused: the body could not be read");
        WebhookRejection::Body(error)
    }
}

/// The crate's README, whose example is compiled as a doctest so that it cannot drift from the
/// API.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn keys() -> WebhookKeys {
        WebhookKeys::from(WebhookKey::new("signing-key").unwrap())
    }

    #[test]
    fn r8_an_empty_list_of_keys_is_refused() {
        assert_eq!(WebhookKeys::new([]).unwrap_err(), NoKeysError);
        let two = WebhookKeys::new([
            WebhookKey::new("new").unwrap(),
            WebhookKey::new("old").unwrap(),
        ])
        .unwrap();
        assert_eq!(two.keys().len(), 2);
        assert_eq!(two.keys()[1].expose_secret(), b"old");
        assert_eq!(two.max_body_bytes(), DEFAULT_MAX_BODY_BYTES);
        assert_eq!(two.with_max_body_bytes(10).max_body_bytes(), 10);
    }

    #[test]
    fn r10_debug_shows_no_key_and_no_body() {
        let keys = keys();
        let debug = format!("{keys:?}");
        assert!(!debug.contains("signing-key"), "{debug}");
        assert!(debug.contains("[1 redacted]"), "{debug}");

        let body = VerifiedBody {
            body: Bytes::from_static(br#"{"scanRef":"s","data":{"docFirstName":"BIRUTE"}}"#),
            event_type: Some("IDENTIFICATION_AUTO_FINISHED".to_owned()),
        };
        let debug = format!("{body:?}");
        assert!(!debug.contains("BIRUTE"), "{debug}");
        assert!(debug.contains("len: 48"), "{debug}");
        let rejection = WebhookRejection::NotAWebhook {
            body,
            error: Box::new(webhook::parse_unverified(b"[\"BIRUTE\"]", None).unwrap_err()),
        };
        let shown = format!("{rejection:?} {rejection}");
        assert!(!shown.contains("BIRUTE"), "{shown}");
    }

    #[tokio::test]
    async fn each_rejection_answers_its_status_with_an_empty_body() {
        let cases = [
            (
                WebhookRejection::Signature(SignatureError::Mismatch),
                StatusCode::UNAUTHORIZED,
            ),
            (
                WebhookRejection::TooLarge { limit: Some(10) },
                StatusCode::PAYLOAD_TOO_LARGE,
            ),
            (
                WebhookRejection::TooLarge { limit: None },
                StatusCode::PAYLOAD_TOO_LARGE,
            ),
            (
                WebhookRejection::Body(axum_core::Error::new("reset")),
                StatusCode::BAD_REQUEST,
            ),
        ];
        for (rejection, status) in cases {
            assert_eq!(rejection.status(), status);
            assert!(rejection.verified_body().is_none());
            let response = rejection.into_response();
            assert_eq!(response.status(), status);
            let body = response.into_body().collect().await.unwrap().to_bytes();
            assert!(body.is_empty(), "{body:?}");
        }
    }

    #[test]
    fn the_messages_name_the_limit_and_the_failed_check() {
        let ours = WebhookRejection::TooLarge { limit: Some(1024) };
        assert!(ours.to_string().contains("1024 bytes"), "{ours}");
        let axums = WebhookRejection::TooLarge { limit: None };
        assert!(axums.to_string().contains("DefaultBodyLimit"), "{axums}");
        let signature = WebhookRejection::Signature(SignatureError::Missing);
        assert!(
            signature
                .to_string()
                .ends_with("the Idenfy-Signature header is missing"),
            "{signature}"
        );
    }

    #[test]
    fn content_length_reads_a_number_only() {
        let mut headers = HeaderMap::new();
        assert_eq!(content_length(&headers), None);
        headers.insert(header::CONTENT_LENGTH, "1048577".parse().unwrap());
        assert_eq!(content_length(&headers), Some(1_048_577));
        headers.insert(header::CONTENT_LENGTH, "lots".parse().unwrap());
        assert_eq!(content_length(&headers), None);
    }

    #[tokio::test]
    async fn axums_length_limit_under_the_body_is_too_large() {
        let limited = Body::new(http_body_util::Limited::new(Body::from("0123456789"), 4));
        assert!(matches!(
            read_capped(limited, 100).await,
            Err(WebhookRejection::TooLarge { limit: None })
        ));
        assert!(matches!(
            body_error(axum_core::Error::new("connection reset")),
            WebhookRejection::Body(_)
        ));
    }

    #[tokio::test]
    async fn the_cap_is_inclusive() {
        let exact = read_capped(Body::from("0123456789"), 10).await.unwrap();
        assert_eq!(&exact[..], b"0123456789");
        assert!(matches!(
            read_capped(Body::from("0123456789"), 9).await,
            Err(WebhookRejection::TooLarge { limit: Some(9) })
        ));
    }
}
