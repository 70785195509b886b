//! Webhooks (R7, R8): verify the `Idenfy-Signature` of a delivery, then parse its body.
//!
//! iDenfy POSTs a JSON body to the partner's URL with two headers: `Idenfy-Signature`, the
//! lowercase hex of `HMAC-SHA256(key, raw body)` where the key is the UTF-8 bytes of the signing
//! key set in the dashboard (older accounts: the API secret), and `Idenfy-Event-Type`, the event
//! (reference §5). This module checks the one and reads the other, with no I/O and no clock:
//!
//! - [`from_request`] and [`verify_and_parse`] are what a receiver calls: they check the
//!   signature against the exact raw bytes, in constant time, trying every key given (for key
//!   rotation), and only then read the body into a [`WebhookEvent`], leniently (R7): duplicate
//!   keys (last wins), float timestamps, numeric `clientId`, placeholder dates, legacy AML/LID
//!   shapes, unknown fields and enum values are all accepted. A body whose signature fails is
//!   never parsed, and nothing of it is returned.
//! - [`verify`] is the signature check alone.
//! - [`parse_unverified`] reads a body **without** checking its signature: for bodies whose
//!   origin is already established (a stored delivery, a fixture, a fuzzer), never for a request
//!   off the network. Its name says so at every call site.
//!
//! Signing, the sender's side, is [`crate::server::sign_webhook`].
//!
//! ```
//! use idenfy_proto::webhook::{self, WebhookEvent, WebhookKey};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let keys = [WebhookKey::new("new-signing-key")?, WebhookKey::new("old-signing-key")?];
//! let body = br#"{"clientId":"crm-88412","scanRef":"2f1e5c7a","final":true,"status":{"overall":"APPROVED"}}"#;
//! let request = idenfy_proto::http::Request::post("/idenfy/webhook")
//!     .header("idenfy-signature", idenfy_proto::server::sign_webhook(&keys[1], body))
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
//! assert!(key.to_string().starts_with("2f1e5c7a:IDENTIFICATION_AUTO_FINISHED:true:"));
//! # Ok(())
//! # }
//! ```

mod event;
mod payload;
mod signature;

use serde_json::Value;

use crate::decode::{self, Draft, IsObject, Missing, Outcome, Source};
use crate::enums::EventType;
use crate::error::{DecodeError, Error};
use payload::{DocumentExpirationDraft, IdentificationResultDraft, VideoCallResultDraft};

pub use event::{DedupKey, WebhookEvent};
pub use payload::{
    DocumentExpiration, IdentificationResult, ServiceResult, ServiceResultStatus, VideoCallAnswer,
    VideoCallResult,
};
pub(crate) use signature::sign;
pub use signature::{
    EVENT_TYPE_HEADER, EmptyKeyError, SIGNATURE_HEADER, SignatureError, WebhookKey, verify,
};

/// The kinds of body this module models.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Identification,
    DocumentExpiration,
    VideoCall,
    Unknown,
}

/// Parses a webhook body (R7, R8) **without checking its signature**: anyone can send a body
/// that parses. A receiver calls [`from_request`] or [`verify_and_parse`], which verify first;
/// this is for bodies whose origin is already established (read back from storage after
/// verification, fixtures, fuzzing).
///
/// `event_type` is the `Idenfy-Event-Type` header, if any (surrounding whitespace ignored). A
/// known event chooses the variant. Without a header, or with one this version does not know,
/// the variant is inferred from the body: with a `scanRef`, a `videoCallAnswers` field means a
/// video call, `expirationThreshold` a document expiration, and a `status` or `data` object an
/// identification result; anything else is [`WebhookEvent::Unknown`].
///
/// The body is decoded field by field (R7): a value that does not fit its field is kept raw in
/// the result's `extra` and listed by its `fallbacks()`, and every other field still decodes.
/// So a body inferred as a kind decodes exactly as it does with that kind's header: the same
/// variant, status and [`WebhookEvent::is_final`].
///
/// Errors: an empty body, one that is not JSON, one whose top level is not an object, and (with
/// a known header) one without the required `scanRef`; the error names the JSON path.
pub fn parse_unverified(
    body: &[u8],
    event_type: Option<&str>,
) -> Result<WebhookEvent, DecodeError> {
    let event_type = event_type
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(EventType::from);
    match event_type.as_ref().and_then(kind_of_event) {
        Some(kind) => build(kind, event_type, body),
        None => {
            let kind = infer(body)?;
            // A guess never turns a delivery into an error: should the inferred kind not
            // decode after all, the event is kept whole as an unknown one.
            build(kind, event_type.clone(), body).or_else(|_| {
                Ok(WebhookEvent::Unknown {
                    event_type,
                    body: decode::value_from_slice(body)?,
                })
            })
        }
    }
}

/// Verifies the signature (see [`verify`]) and only then parses the body (as
/// [`parse_unverified`] does).
///
/// `signature` and `event_type` are the values of the `Idenfy-Signature` and
/// `Idenfy-Event-Type` headers. A failed verification returns [`Error::Signature`] and nothing
/// of the body.
pub fn verify_and_parse(
    body: &[u8],
    signature: Option<&str>,
    event_type: Option<&str>,
    keys: &[WebhookKey],
) -> Result<WebhookEvent, Error> {
    verify(body, signature, keys)?;
    Ok(parse_unverified(body, event_type)?)
}

/// [`verify_and_parse`] for an [`http::Request`]: reads the `Idenfy-Signature` and
/// `Idenfy-Event-Type` headers (names in any case) and the body.
///
/// A signature header that is not visible ASCII is [`SignatureError::NotHex`]; an event-type
/// header that is not visible ASCII is ignored (the event is inferred from the body).
pub fn from_request<B: AsRef<[u8]>>(
    request: &http::Request<B>,
    keys: &[WebhookKey],
) -> Result<WebhookEvent, Error> {
    let body = request.body().as_ref();
    let headers = request.headers();
    signature::verify_header(body, headers.get(SIGNATURE_HEADER), keys)?;
    let event_type = headers
        .get(EVENT_TYPE_HEADER)
        .and_then(|value| value.to_str().ok());
    Ok(parse_unverified(body, event_type)?)
}

/// The kind of body a known event carries; `None` for an event this version does not know.
fn kind_of_event(event_type: &EventType) -> Option<Kind> {
    match event_type {
        event if event.is_identification() => Some(Kind::Identification),
        EventType::DocumentExpiration => Some(Kind::DocumentExpiration),
        EventType::VideoCallFinished => Some(Kind::VideoCall),
        _ => None,
    }
}

/// The kind of body, guessed from its top-level fields, read without building anything.
fn infer(body: &[u8]) -> Result<Kind, DecodeError> {
    let mut probe = Probe::default();
    decode::read_body(&mut probe, body)?;
    Ok(if !probe.scan_ref {
        Kind::Unknown
    } else if probe.video_call_answers {
        Kind::VideoCall
    } else if probe.expiration_threshold {
        Kind::DocumentExpiration
    } else if probe.status_object || probe.data_object {
        Kind::Identification
    } else {
        Kind::Unknown
    })
}

/// What [`infer`] looks at: a few top-level keys (the last of a repeated key counting).
#[derive(Default)]
struct Probe {
    scan_ref: bool,
    video_call_answers: bool,
    expiration_threshold: bool,
    status_object: bool,
    data_object: bool,
    extra: crate::extra::ExtraFields,
}

impl Draft for Probe {
    type Output = ();

    fn entry<'de, S: Source<'de>>(&mut self, key: &str, source: &mut S) -> Result<bool, S::Error> {
        match key {
            // The same decoder as the models' required `scanRef`.
            "scanRef" => {
                self.scan_ref = matches!(source.field::<String>()?, Outcome::Fit(scan_ref) if !scan_ref.is_empty());
            }
            "status" => self.status_object = is_object(source)?,
            "data" => self.data_object = is_object(source)?,
            "videoCallAnswers" => {
                self.video_call_answers = true;
                decode::skip(source)?;
            }
            "expirationThreshold" => {
                self.expiration_threshold = true;
                decode::skip(source)?;
            }
            _ => decode::skip(source)?,
        }
        Ok(true)
    }

    fn has(&self, _key: &str) -> bool {
        false
    }

    fn extra_mut(&mut self) -> &mut crate::extra::ExtraFields {
        &mut self.extra
    }

    fn finish(self) -> Result<(), Missing> {
        Ok(())
    }
}

fn is_object<'de, S: Source<'de>>(source: &mut S) -> Result<bool, S::Error> {
    Ok(matches!(
        source.field::<IsObject>()?,
        Outcome::Fit(IsObject(true))
    ))
}

/// Decodes `body` as a body of `kind`.
fn build(
    kind: Kind,
    event_type: Option<EventType>,
    body: &[u8],
) -> Result<WebhookEvent, DecodeError> {
    Ok(match kind {
        Kind::Identification => WebhookEvent::Identification {
            event_type,
            result: Box::new(decode::from_slice::<IdentificationResultDraft>(body)?),
        },
        Kind::DocumentExpiration => WebhookEvent::DocumentExpiration {
            event_type,
            expiration: decode::from_slice::<DocumentExpirationDraft>(body)?,
        },
        Kind::VideoCall => WebhookEvent::VideoCall {
            event_type,
            call: decode::from_slice::<VideoCallResultDraft>(body)?,
        },
        Kind::Unknown => match decode::value_from_slice(body)? {
            body @ Value::Object(_) => WebhookEvent::Unknown { event_type, body },
            Value::Array(_) => return Err(decode::not_an_object("an array")),
            _ => return Err(decode::not_an_object("a scalar")),
        },
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]

    use super::*;

    #[test]
    fn r7_an_unknown_kind_is_built_from_an_object_only() {
        // `parse_unverified` never reaches these refusals (`infer` refuses a body that is not an
        // object first, and a failed guess falls back to the whole object); `build` still
        // keeps to its own contract.
        let event = build(Kind::Unknown, None, br#"{"a":1}"#).unwrap();
        let WebhookEvent::Unknown { event_type, body } = event else {
            panic!("{event:?}");
        };
        assert_eq!(event_type, None);
        assert_eq!(body, serde_json::json!({"a": 1}));
        for (body, found) in [(&b"[1]"[..], "an array"), (b"7", "a scalar")] {
            let error = build(Kind::Unknown, None, body).unwrap_err();
            assert_eq!(error.kind(), crate::DecodeErrorKind::Data);
            assert!(
                error
                    .to_string()
                    .contains(&format!("expected a JSON object, found {found}")),
                "{error}"
            );
        }
    }
}
