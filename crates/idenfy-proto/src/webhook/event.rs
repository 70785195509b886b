//! A parsed webhook delivery and its de-duplication key (R8).

use std::fmt;

use serde::{Serialize, Serializer};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::payload::{DocumentExpiration, IdentificationResult, VideoCallResult};
use crate::enums::EventType;

/// The event name used in a [`DedupKey`] for a delivery whose body is an identification
/// result and that came without an `Idenfy-Event-Type` header.
const INFERRED_IDENTIFICATION: &str = "IDENTIFICATION";
/// The event name for an unrecognised delivery without a header.
const INFERRED_UNKNOWN: &str = "UNKNOWN";

/// A webhook delivery, parsed (R8).
///
/// The variant is chosen by the `Idenfy-Event-Type` header when it names a known event, and
/// inferred from the body otherwise. `Serialize` writes the payload itself with iDenfy's field
/// names (no wrapper around it), so the output reads like what iDenfy sent.
///
/// `Debug` redacts personal data and the video-call `authToken` (R10); for an
/// [`WebhookEvent::Unknown`] event it shows the body's top-level keys only.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub enum WebhookEvent {
    /// A verification result: `IDENTIFICATION`, `IDENTIFICATION_AUTO_FINISHED`,
    /// `IDENTIFICATION_MANUAL_FINISHED`, `IDENTIFICATION_RESUBMITTED`,
    /// `IDENTIFICATION_CANCELLED`, `IDENTIFICATION_EXPIRED`, or a body with a `status` object (or
    /// `scanRef` and a `data` object) and no known header.
    Identification {
        /// The `Idenfy-Event-Type` header, if there was one.
        event_type: Option<EventType>,
        /// The result.
        result: Box<IdentificationResult>,
    },
    /// `DOCUMENT_EXPIRATION`, or a body with `expirationThreshold` and no known header.
    DocumentExpiration {
        /// The `Idenfy-Event-Type` header, if there was one.
        event_type: Option<EventType>,
        /// The notice.
        expiration: DocumentExpiration,
    },
    /// `VIDEO_CALL_FINISHED`, or a body with `videoCallAnswers` and no known header.
    VideoCall {
        /// The `Idenfy-Event-Type` header, if there was one.
        event_type: Option<EventType>,
        /// The outcome of the call.
        call: VideoCallResult,
    },
    /// Any other JSON: an event this version does not model (AML monitoring, KYB, …), kept
    /// whole.
    Unknown {
        /// The `Idenfy-Event-Type` header, if there was one.
        event_type: Option<EventType>,
        /// The body as JSON (duplicate keys resolved, the last one winning).
        body: Value,
    },
}

impl WebhookEvent {
    /// The `Idenfy-Event-Type` header the delivery came with, if any.
    pub fn event_type(&self) -> Option<&EventType> {
        match self {
            WebhookEvent::Identification { event_type, .. }
            | WebhookEvent::DocumentExpiration { event_type, .. }
            | WebhookEvent::VideoCall { event_type, .. }
            | WebhookEvent::Unknown { event_type, .. } => event_type.as_ref(),
        }
    }

    /// The `scanRef` of the verification the event is about (for an unknown event: a top-level
    /// string `scanRef`, if there is one).
    pub fn scan_ref(&self) -> Option<&str> {
        match self {
            WebhookEvent::Identification { result, .. } => result.scan_ref.as_deref(),
            WebhookEvent::DocumentExpiration { expiration, .. } => expiration.scan_ref.as_deref(),
            WebhookEvent::VideoCall { call, .. } => call.scan_ref.as_deref(),
            WebhookEvent::Unknown { body, .. } => body.get("scanRef").and_then(Value::as_str),
        }
    }

    /// The partner's `clientId` (for an unknown event: a top-level string `clientId`, if there
    /// is one).
    pub fn client_id(&self) -> Option<&str> {
        match self {
            WebhookEvent::Identification { result, .. } => result.client_id.as_deref(),
            WebhookEvent::DocumentExpiration { expiration, .. } => expiration.client_id.as_deref(),
            WebhookEvent::VideoCall { call, .. } => call.client_id.as_deref(),
            WebhookEvent::Unknown { body, .. } => body.get("clientId").and_then(Value::as_str),
        }
    }

    /// Whether this is a result a partner may act on (R8).
    ///
    /// An identification result is final when its overall status is terminal with no later
    /// result to come (`EXPIRED`, `EXPIRED-DELETED`, `DELETED` — what the expiry and
    /// cancellation events carry), when `final` is `true`, or, for legacy payloads without
    /// `final`, when a person has reviewed it ([`IdentificationResult::is_final`]). It depends on
    /// the body alone, so a delivery is final or not whether or not its `Idenfy-Event-Type`
    /// header came with it, and never contradicts a terminal status. A document-expiration notice
    /// and a video-call outcome are final by nature; an unknown event is never reported final.
    pub fn is_final(&self) -> bool {
        match self {
            WebhookEvent::Identification { result, .. } => result.is_final(),
            WebhookEvent::DocumentExpiration { .. } | WebhookEvent::VideoCall { .. } => true,
            WebhookEvent::Unknown { .. } => false,
        }
    }

    /// The event's name: the `Idenfy-Event-Type` header it came with, or, without one, the name
    /// inferred from the kind of body: `IDENTIFICATION`, `DOCUMENT_EXPIRATION`,
    /// `VIDEO_CALL_FINISHED` or `UNKNOWN`. See [`is_inferred`](Self::is_inferred).
    pub fn event_name(&self) -> &str {
        match (self.event_type(), self) {
            (Some(event_type), _) => event_type.as_str(),
            (None, WebhookEvent::Identification { .. }) => INFERRED_IDENTIFICATION,
            (None, WebhookEvent::DocumentExpiration { .. }) => {
                EventType::DocumentExpiration.as_str()
            }
            (None, WebhookEvent::VideoCall { .. }) => EventType::VideoCallFinished.as_str(),
            (None, WebhookEvent::Unknown { .. }) => INFERRED_UNKNOWN,
        }
    }

    /// Whether the event's name was inferred from the body, the delivery having no (known)
    /// `Idenfy-Event-Type` header.
    pub fn is_inferred(&self) -> bool {
        self.event_type().is_none()
    }

    /// The key to recognise a repeated delivery by (R8: iDenfy may deliver the same event more
    /// than once): `scanRef`, the event, the [`is_final`](Self::is_final) flag and a fingerprint
    /// of the result. `None` when the event has no `scanRef`.
    ///
    /// The event is the `Idenfy-Event-Type` header, or, without one, `IDENTIFICATION`,
    /// `DOCUMENT_EXPIRATION`, `VIDEO_CALL_FINISHED` or `UNKNOWN` by the kind of body. For a
    /// document-expiration notice the threshold is appended (`DOCUMENT_EXPIRATION/DOCUMENT_EXPIRED`),
    /// since one document brings one notice per threshold.
    ///
    /// The fingerprint (16 hex digits of a SHA-256) covers what makes one result differ from
    /// another of the same verification and event: for an identification the whole `status`
    /// object and `finishTime` (a resubmission is a new decision), for a document expiration the
    /// threshold and date, for a video call its date and outcome, for an unknown event the whole
    /// body. It leaves out what may change between two deliveries of the same result, such as
    /// the pre-signed file URLs. So repeats of one delivery share the key, and two different
    /// results never do.
    ///
    /// ```
    /// use idenfy_proto::webhook;
    /// let body = br#"{"scanRef":"7c0e1f9a","final":true,"status":{"overall":"APPROVED"}}"#;
    /// let event = webhook::parse_unverified(body, Some("IDENTIFICATION_MANUAL_FINISHED"))?;
    /// let key = event.dedup_key().unwrap();
    /// assert!(key.to_string().starts_with("7c0e1f9a:IDENTIFICATION_MANUAL_FINISHED:true:"));
    /// let again = webhook::parse_unverified(body, Some("IDENTIFICATION_MANUAL_FINISHED"))?;
    /// assert_eq!(again.dedup_key(), Some(key.clone()));
    /// let resubmitted = br#"{"scanRef":"7c0e1f9a","final":true,"status":{"overall":"DENIED"}}"#;
    /// let other = webhook::parse_unverified(resubmitted, Some("IDENTIFICATION_MANUAL_FINISHED"))?;
    /// assert_ne!(other.dedup_key(), Some(key));
    /// # Ok::<(), idenfy_proto::DecodeError>(())
    /// ```
    pub fn dedup_key(&self) -> Option<DedupKey> {
        let scan_ref = self.scan_ref()?;
        let mut event = self.event_name().to_owned();
        if let WebhookEvent::DocumentExpiration { expiration, .. } = self
            && let Some(threshold) = &expiration.expiration_threshold
        {
            event.push('/');
            event.push_str(threshold.as_str());
        }
        Some(DedupKey {
            scan_ref: scan_ref.to_owned(),
            event,
            final_flag: self.is_final(),
            fingerprint: self.fingerprint(),
        })
    }

    /// The fingerprint of [`dedup_key`](Self::dedup_key).
    fn fingerprint(&self) -> String {
        let mut hasher = Sha256::new();
        let mut feed = |value: &dyn erased::Feed| value.feed(&mut hasher);
        // Each field with its value, or, when that fell back, the value as it came.
        let raw = |extra: &crate::ExtraFields, key: &str| extra.get(key).cloned();
        match self {
            WebhookEvent::Identification { result, .. } => {
                feed(&result.status);
                feed(&raw(&result.extra, "status"));
                feed(&result.finish_time);
                feed(&raw(&result.extra, "finishTime"));
            }
            WebhookEvent::DocumentExpiration { expiration, .. } => {
                feed(&expiration.expiration_threshold);
                feed(&raw(&expiration.extra, "expirationThreshold"));
                feed(&expiration.document_expiration);
                feed(&raw(&expiration.extra, "documentExpiration"));
            }
            WebhookEvent::VideoCall { call, .. } => {
                feed(&call.date);
                feed(&raw(&call.extra, "date"));
                feed(&call.status);
                feed(&raw(&call.extra, "status"));
            }
            WebhookEvent::Unknown { body, .. } => feed(body),
        }
        let digest = hasher.finalize();
        super::signature::hex_encode(digest.get(..8).unwrap_or_default())
    }
}

impl fmt::Debug for WebhookEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WebhookEvent::Identification { event_type, result } => f
                .debug_struct("Identification")
                .field("event_type", event_type)
                .field("result", result)
                .finish(),
            WebhookEvent::DocumentExpiration {
                event_type,
                expiration,
            } => f
                .debug_struct("DocumentExpiration")
                .field("event_type", event_type)
                .field("expiration", expiration)
                .finish(),
            WebhookEvent::VideoCall { event_type, call } => f
                .debug_struct("VideoCall")
                .field("event_type", event_type)
                .field("call", call)
                .finish(),
            WebhookEvent::Unknown { event_type, body } => f
                .debug_struct("Unknown")
                .field("event_type", event_type)
                .field("body", &KeysOnly(body))
                .finish(),
        }
    }
}

/// `Debug` of a JSON value that shows the keys of an object and nothing else (R10).
struct KeysOnly<'a>(&'a Value);

impl fmt::Debug for KeysOnly<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Value::Object(map) => f.debug_set().entries(map.keys()).finish(),
            Value::Array(items) => write!(f, "[{} redacted items]", items.len()),
            Value::Null => f.write_str("null"),
            _ => f.write_str("[redacted]"),
        }
    }
}

impl Serialize for WebhookEvent {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            WebhookEvent::Identification { result, .. } => result.serialize(serializer),
            WebhookEvent::DocumentExpiration { expiration, .. } => expiration.serialize(serializer),
            WebhookEvent::VideoCall { call, .. } => call.serialize(serializer),
            WebhookEvent::Unknown { body, .. } => body.serialize(serializer),
        }
    }
}

/// What identifies one webhook delivery, for recognising repeats (R8): `scanRef`, event, the
/// final flag and a fingerprint of the result. `Display` writes
/// `{scanRef}:{event}:{final}:{fingerprint}`, e.g.
/// `7c0e1f9a:IDENTIFICATION_AUTO_FINISHED:false:3f1c9a0b7e2d4c55`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub struct DedupKey {
    /// The `scanRef`.
    pub scan_ref: String,
    /// The event: the `Idenfy-Event-Type` header or the name inferred from the body (see
    /// [`WebhookEvent::dedup_key`]).
    pub event: String,
    /// Whether the delivery was final ([`WebhookEvent::is_final`]).
    pub final_flag: bool,
    /// 16 hex digits that tell two different results of one verification and event apart (see
    /// [`WebhookEvent::dedup_key`]).
    pub fingerprint: String,
}

impl DedupKey {
    /// A key from its parts, e.g. to rebuild one that was stored.
    pub fn new(
        scan_ref: impl Into<String>,
        event: impl Into<String>,
        final_flag: bool,
        fingerprint: impl Into<String>,
    ) -> Self {
        Self {
            scan_ref: scan_ref.into(),
            event: event.into(),
            final_flag,
            fingerprint: fingerprint.into(),
        }
    }
}

impl fmt::Display for DedupKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}:{}",
            self.scan_ref, self.event, self.final_flag, self.fingerprint
        )
    }
}

mod erased {
    //! Feeding values of different types to one hasher, as their canonical JSON.

    use serde::Serialize;
    use sha2::{Digest, Sha256};

    pub(super) trait Feed {
        fn feed(&self, hasher: &mut Sha256);
    }

    impl<T: Serialize> Feed for T {
        fn feed(&self, hasher: &mut Sha256) {
            // Serializing a model value writes into a Vec and cannot fail; a failure would only
            // make the fingerprint coarser, never wrong for a repeat.
            let json = serde_json::to_vec(self).unwrap_or_default();
            hasher.update((json.len() as u64).to_le_bytes());
            hasher.update(&json);
        }
    }
}
