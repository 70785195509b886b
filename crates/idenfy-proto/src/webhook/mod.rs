//! Webhooks (R7, R8): verify the `Idenfy-Signature` of a delivery, then parse its body.
//!
//! iDenfy POSTs a JSON body to the partner's URL with two headers: `Idenfy-Signature`, the
//! lowercase hex of `HMAC-SHA256(key, raw body)` where the key is the UTF-8 bytes of the signing
//! key set in the dashboard (older accounts: the API secret), and `Idenfy-Event-Type`, the event
//! (reference §5). This module checks the one and reads the other, with no I/O and no clock:
//!
//! - [`verify`] checks a signature against the exact raw bytes, in constant time, trying every
//!   key given (for key rotation); [`sign`] makes one, for tests and emulators.
//! - [`parse`] reads a body into a [`WebhookEvent`] leniently (R7): duplicate keys (last wins),
//!   float timestamps, numeric `clientId`, placeholder dates, legacy AML/LID shapes, unknown
//!   fields and enum values are all accepted.
//! - [`verify_and_parse`] and [`from_request`] do both, in that order: a body whose signature
//!   fails is never parsed, and nothing of it is returned.
//!
//! ```
//! use idenfy_proto::webhook::{self, WebhookEvent, WebhookKey};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let keys = [WebhookKey::from("new-signing-key"), WebhookKey::from("old-signing-key")];
//! let body = br#"{"clientId":"crm-88412","scanRef":"2f1e5c7a","final":true,"status":{"overall":"APPROVED"}}"#;
//! let request = idenfy_proto::http::Request::post("/idenfy/webhook")
//!     .header("idenfy-signature", webhook::sign(&keys[1], body))
//!     .header("idenfy-event-type", "IDENTIFICATION_AUTO_FINISHED")
//!     .body(&body[..])?;
//!
//! let event = webhook::from_request(&request, &keys)?;
//! assert!(event.is_final());
//! assert_eq!(event.client_id(), Some("crm-88412"));
//! if let WebhookEvent::Identification { result, .. } = &event {
//!     assert_eq!(result.status.overall.as_ref().map(|s| s.as_str()), Some("APPROVED"));
//! }
//! let key = event.dedup_key().unwrap();
//! assert_eq!(key.to_string(), "2f1e5c7a:IDENTIFICATION_AUTO_FINISHED:true");
//! # Ok(())
//! # }
//! ```

mod event;
mod payload;
mod signature;

use serde_json::Value;

use crate::de;
use crate::enums::EventType;
use crate::error::DecodeError;

pub use event::{DedupKey, WebhookEvent};
pub use payload::{
    DocumentExpiration, IdentificationResult, ServiceResult, ServiceResultStatus, VideoCallAnswer,
    VideoCallResult,
};
pub use signature::{
    EVENT_TYPE_HEADER, SIGNATURE_HEADER, SignatureError, WebhookKey, sign, verify,
};

/// Why a webhook delivery was refused: its signature, or (after the signature verified) its
/// body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The signature is missing, malformed or wrong; the body was not parsed.
    #[error(transparent)]
    Signature(#[from] SignatureError),
    /// The signature verified but the body could not be decoded.
    #[error(transparent)]
    Decode(#[from] DecodeError),
}

/// The kinds of body this module models.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Identification,
    DocumentExpiration,
    VideoCall,
    Unknown,
}

/// Parses a webhook body (R7, R8). It does **not** check the signature: call [`verify`] first,
/// or use [`verify_and_parse`] or [`from_request`].
///
/// `event_type` is the `Idenfy-Event-Type` header, if any (surrounding whitespace ignored). A
/// known event chooses the variant and a body that does not fit it is a [`DecodeError`]. Without
/// a header, or with one this version does not know, the variant is inferred from the body: a
/// `videoCallAnswers` field means a video call, `expirationThreshold` a document expiration, a
/// `status` object (or `scanRef` with a `data` object) an identification result; anything else,
/// including an inferred body that does not fit its type, is [`WebhookEvent::Unknown`].
///
/// Errors: an empty body, or one that is not JSON, or (with a known header) one that does not
/// fit the event.
pub fn parse(body: &[u8], event_type: Option<&str>) -> Result<WebhookEvent, DecodeError> {
    let value: Value = de::from_slice(body)?;
    let event_type = event_type
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(EventType::from);
    match event_type.as_ref().and_then(kind_of_event) {
        Some(kind) => build(kind, event_type, value),
        None => {
            let kind = infer(&value);
            if kind == Kind::Unknown {
                return Ok(WebhookEvent::Unknown {
                    event_type,
                    body: value,
                });
            }
            // A guess must never turn an event this version does not know into an error. The
            // value is consumed by the attempt, so the rare miss reads the bytes again rather
            // than every inferred parse paying for a copy.
            match build(kind, event_type.clone(), value) {
                Ok(event) => Ok(event),
                Err(_) => Ok(WebhookEvent::Unknown {
                    event_type,
                    body: de::from_slice(body)?,
                }),
            }
        }
    }
}

/// Verifies the signature (see [`verify`]) and only then parses the body (see [`parse`]).
///
/// `signature` and `event_type` are the values of the `Idenfy-Signature` and
/// `Idenfy-Event-Type` headers. A failed verification returns the [`SignatureError`] and nothing
/// of the body.
pub fn verify_and_parse(
    body: &[u8],
    signature: Option<&str>,
    event_type: Option<&str>,
    keys: &[WebhookKey],
) -> Result<WebhookEvent, WebhookError> {
    verify(body, signature, keys)?;
    Ok(parse(body, event_type)?)
}

/// [`verify_and_parse`] for an [`http::Request`]: reads the `Idenfy-Signature` and
/// `Idenfy-Event-Type` headers (names in any case) and the body.
///
/// A signature header that is not visible ASCII is [`SignatureError::NotHex`]; an event-type
/// header that is not visible ASCII is ignored (the event is inferred from the body).
pub fn from_request<B: AsRef<[u8]>>(
    request: &http::Request<B>,
    keys: &[WebhookKey],
) -> Result<WebhookEvent, WebhookError> {
    let body = request.body().as_ref();
    let headers = request.headers();
    signature::verify_header(body, headers.get(SIGNATURE_HEADER), keys)?;
    let event_type = headers
        .get(EVENT_TYPE_HEADER)
        .and_then(|value| value.to_str().ok());
    Ok(parse(body, event_type)?)
}

/// The kind of body a known event carries; `None` for an event this version does not know.
fn kind_of_event(event_type: &EventType) -> Option<Kind> {
    match event_type {
        EventType::Identification
        | EventType::IdentificationAutoFinished
        | EventType::IdentificationManualFinished
        | EventType::IdentificationResubmitted
        | EventType::IdentificationCancelled
        | EventType::IdentificationExpired => Some(Kind::Identification),
        EventType::DocumentExpiration => Some(Kind::DocumentExpiration),
        EventType::VideoCallFinished => Some(Kind::VideoCall),
        _ => None,
    }
}

/// The kind of body, guessed from its fields.
fn infer(value: &Value) -> Kind {
    let Value::Object(map) = value else {
        return Kind::Unknown;
    };
    if map.contains_key("videoCallAnswers") {
        Kind::VideoCall
    } else if map.contains_key("expirationThreshold") {
        Kind::DocumentExpiration
    } else if map.get("status").is_some_and(Value::is_object)
        || (map.contains_key("scanRef") && map.get("data").is_some_and(Value::is_object))
    {
        Kind::Identification
    } else {
        Kind::Unknown
    }
}

/// Decodes `value` as a body of `kind`.
fn build(
    kind: Kind,
    event_type: Option<EventType>,
    mut value: Value,
) -> Result<WebhookEvent, DecodeError> {
    Ok(match kind {
        Kind::Identification => {
            if let Value::Object(map) = &mut value {
                payload::normalize_legacy(map);
            }
            WebhookEvent::Identification {
                event_type,
                result: Box::new(de::from_value(value)?),
            }
        }
        Kind::DocumentExpiration => WebhookEvent::DocumentExpiration {
            event_type,
            expiration: de::from_value(value)?,
        },
        Kind::VideoCall => WebhookEvent::VideoCall {
            event_type,
            call: de::from_value(value)?,
        },
        Kind::Unknown => WebhookEvent::Unknown {
            event_type,
            body: value,
        },
    })
}
