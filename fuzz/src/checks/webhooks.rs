//! Webhooks (R8): the body alone under each event header, and the whole delivery — body,
//! `Idenfy-Signature` and `Idenfy-Event-Type` — through verification first.

use idenfy_proto::server;
use idenfy_proto::webhook::{
    self, DocumentExpiration, EVENT_TYPE_HEADER, IdentificationResult, SIGNATURE_HEADER,
    VideoCallResult, WebhookEvent, WebhookKey,
};
use idenfy_proto::{Error, EventType, http};

/// Header values to try: none, each known event, an unknown one.
const EVENT_TYPES: &[Option<&str>] = &[
    None,
    Some("IDENTIFICATION"),
    Some("IDENTIFICATION_AUTO_FINISHED"),
    Some("IDENTIFICATION_MANUAL_FINISHED"),
    Some("IDENTIFICATION_RESUBMITTED"),
    Some("IDENTIFICATION_CANCELLED"),
    Some("IDENTIFICATION_EXPIRED"),
    Some("DOCUMENT_EXPIRATION"),
    Some("VIDEO_CALL_FINISHED"),
    Some("AML_MONITORING_ALERT"),
];

/// The keys a receiver holds while rotating: the old one and the new one.
fn keys() -> [WebhookKey; 2] {
    let key = |text: &str| WebhookKey::new(text).unwrap_or_else(|_| unreachable!());
    [key("fuzz-old-key"), key("fuzz-key")]
}

/// Plain serde into `T` reads `body` as the parse function did (`parsed`), or stops at
/// serde_json's nesting limit, which the parse function reads past: then `parsed`, written
/// back, reads back the same.
fn same_as_plain<T>(body: &[u8], parsed: &T)
where
    T: serde::de::DeserializeOwned + serde::Serialize + PartialEq + std::fmt::Debug,
{
    match serde_json::from_slice::<T>(body) {
        Ok(plain) => assert_eq!(&plain, parsed),
        Err(err) => {
            assert!(
                super::beyond_serde_depth(&err),
                "serde refused an inferred body: {err}"
            );
            super::reads_back_the_same(parsed);
        }
    }
}

/// Any bytes, any event header: parsing a webhook returns an event or a typed error, never
/// panics; verification runs before parsing and agrees with it; a body inferred as an event
/// decodes exactly as it does with that event's header (R8); plain serde into the public type
/// agrees with the parse function (R7).
pub fn webhook((selector, body): (u8, &[u8])) {
    let event_type = EVENT_TYPES
        .get(usize::from(selector) % EVENT_TYPES.len())
        .copied()
        .flatten();

    let parsed = webhook::parse_unverified(body, event_type);
    if let Ok(event) = &parsed {
        // Whatever parsed must be usable without panicking.
        let _ = format!("{event:?}");
        let _ = event.scan_ref();
        let _ = event.client_id();
        let _ = event.is_final();
        if let Some(key) = event.dedup_key() {
            let _ = key.to_string();
        }
        let _ = serde_json::to_vec(event);
    }

    // Inferred without a header, the same event as with the header of its kind; and the same
    // payload as plain serde reads into the public type.
    if let Ok(inferred) = webhook::parse_unverified(body, None) {
        let identification_events: Vec<&str> = EventType::KNOWN
            .iter()
            .filter(|event| event.is_identification())
            .map(EventType::as_str)
            .collect();
        let headers: &[&str] = match &inferred {
            WebhookEvent::Identification { result, .. } => {
                same_as_plain::<IdentificationResult>(body, result);
                &identification_events
            }
            WebhookEvent::DocumentExpiration { expiration, .. } => {
                same_as_plain::<DocumentExpiration>(body, expiration);
                &["DOCUMENT_EXPIRATION"]
            }
            WebhookEvent::VideoCall { call, .. } => {
                same_as_plain::<VideoCallResult>(body, call);
                &["VIDEO_CALL_FINISHED"]
            }
            _ => &[],
        };
        for header in headers {
            let with_header =
                webhook::parse_unverified(body, Some(header)).expect("refused with its header");
            assert_eq!(
                serde_json::to_value(&with_header).ok(),
                serde_json::to_value(&inferred).ok()
            );
            assert_eq!(with_header.is_final(), inferred.is_final());
            assert_eq!(with_header.scan_ref(), inferred.scan_ref());
        }
    }

    // With its own signature the body gets past verification and parses exactly as above.
    let keys = keys();
    let signature = server::sign_webhook(&keys[1], body);
    match webhook::verify_and_parse(body, Some(&signature), event_type, &keys) {
        Ok(event) => assert_eq!(Ok(event), parsed),
        Err(Error::Decode(err)) => assert_eq!(Err(err), parsed),
        Err(err) => panic!("a correct signature was refused: {err}"),
    }

    // The body's own bytes as a signature header: refused before anything is parsed.
    if let Ok(text) = std::str::from_utf8(body)
        && webhook::verify(body, Some(text), &keys).is_err()
    {
        assert!(matches!(
            webhook::verify_and_parse(body, Some(text), event_type, &keys),
            Err(Error::Signature(_))
        ));
    }
}

/// A whole delivery, written `FLAGS EVENT-TYPE \n SIGNATURE \n BODY`: the first byte's flags,
/// the `Idenfy-Event-Type` header's bytes up to the first newline, the `Idenfy-Signature`
/// header's bytes up to the next, and the body (see `fuzz/README.md`).
#[derive(Debug)]
pub struct WebhookInput<'a> {
    /// Bits 0–1: the signature header is the line as given (0), the body's correct signature
    /// with the new key (1) or the old one (2), or absent (3). Bit 2: no event-type header.
    /// Bit 3: the signature upper-cased. Bit 4: one hex digit of a correct signature changed.
    pub flags: u8,
    /// The event-type header's bytes.
    pub event_type: &'a [u8],
    /// The signature header's bytes (used when the flags say so).
    pub signature: &'a [u8],
    /// The body.
    pub body: &'a [u8],
}

impl<'a> WebhookInput<'a> {
    /// Splits `bytes` as the type's documentation says; `None` for fewer than two newlines.
    fn split(bytes: &'a [u8]) -> Option<Self> {
        let (&flags, rest) = bytes.split_first()?;
        let mut parts = rest.splitn(3, |byte| *byte == b'\n');
        Some(Self {
            flags,
            event_type: parts.next()?,
            signature: parts.next()?,
            body: parts.next()?,
        })
    }
}

/// Any body, any `Idenfy-Signature`, any `Idenfy-Event-Type`, through
/// [`webhook::from_request`]: an event only with a signature one of the keys made over these
/// exact bytes, then exactly the event [`webhook::parse_unverified`] reads with that header;
/// every other signature a [`Error::Signature`] with nothing of the body; a correct signature is
/// never refused (upper-case hex, surrounding blanks included), a changed digit always is.
pub fn webhook_headers(bytes: &[u8]) {
    let Some(input) = WebhookInput::split(bytes) else {
        return;
    };
    let keys = keys();
    let signature: Option<Vec<u8>> = match input.flags & 0b11 {
        0 => Some(input.signature.to_vec()),
        3 => None,
        which => {
            let key = keys
                .get(usize::from(2 - which))
                .unwrap_or_else(|| unreachable!());
            let mut text = server::sign_webhook(key, input.body);
            if input.flags & 0b1000 != 0 {
                text = text.to_ascii_uppercase();
            }
            if input.flags & 0b1_0000 != 0 {
                // Change the digit the signature line's length points at.
                let at = input.signature.len() % text.len();
                let changed: String = text
                    .char_indices()
                    .map(|(index, digit)| match (index == at, digit) {
                        (false, digit) => digit,
                        (true, '0') => '1',
                        (true, _) => '0',
                    })
                    .collect();
                text = changed;
            }
            Some(text.into_bytes())
        }
    };
    let correct = matches!(input.flags & 0b11, 1 | 2) && input.flags & 0b1_0000 == 0;
    let changed = matches!(input.flags & 0b11, 1 | 2) && input.flags & 0b1_0000 != 0;

    let mut request = http::Request::new(input.body);
    let header = |bytes: &[u8]| http::HeaderValue::from_bytes(bytes).ok();
    if let Some(signature) = &signature {
        let Some(value) = header(signature) else {
            return;
        };
        request
            .headers_mut()
            .insert(http::HeaderName::from_static("idenfy-signature"), value);
    }
    if input.flags & 0b100 == 0 {
        let Some(value) = header(input.event_type) else {
            return;
        };
        request
            .headers_mut()
            .insert(http::HeaderName::from_static("idenfy-event-type"), value);
    }
    let event_type = request
        .headers()
        .get(EVENT_TYPE_HEADER)
        .and_then(|value| value.to_str().ok());
    let signature_text = request
        .headers()
        .get(SIGNATURE_HEADER)
        .and_then(|value| value.to_str().ok());

    let result = webhook::from_request(&request, &keys);
    match &result {
        Ok(_) | Err(Error::Decode(_)) => {
            assert!(!changed, "a changed signature was accepted");
            let verified = webhook::verify(input.body, signature_text, &keys);
            assert!(verified.is_ok(), "accepted without a valid signature");
            // The header, trimmed and lower-cased, is what one of the keys made.
            let presented = signature_text.map(|text| text.trim().to_ascii_lowercase());
            assert!(
                keys.iter()
                    .any(|key| presented.as_deref() == Some(&server::sign_webhook(key, input.body))),
                "a signature no key made was accepted"
            );
            let direct = webhook::parse_unverified(input.body, event_type);
            match (&result, direct) {
                (Ok(event), Ok(direct)) => assert_eq!(event, &direct),
                (Err(Error::Decode(err)), Err(direct)) => assert_eq!(err, &direct),
                _ => panic!("from_request and parse_unverified disagree"),
            }
        }
        Err(Error::Signature(err)) => {
            assert!(!correct, "a correct signature was refused: {err}");
            // A refusal names the header's fault, never the body's bytes: the body's twin,
            // other text of the same shape under the same headers, is refused in the same words
            // (unless it is the body itself, or the rare twin the signature fits).
            let twin_body = super::twin(input.body);
            let mut twin = http::Request::new(twin_body.as_slice());
            *twin.headers_mut() = request.headers().clone();
            if let Err(Error::Signature(twin_err)) = webhook::from_request(&twin, &keys) {
                assert_eq!(
                    format!("{err} {err:?}"),
                    format!("{twin_err} {twin_err:?}"),
                    "a refusal quoted the body"
                );
            }
        }
        Err(other) => panic!("unexpected error {other:?}"),
    }
}
