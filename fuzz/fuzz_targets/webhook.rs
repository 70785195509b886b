//! Any bytes, any event header: parsing a webhook returns an event or a typed error, never
//! panics; verification runs before parsing and agrees with it; a body inferred as an event
//! decodes exactly as it does with that event's header (R8); plain serde into the public type
//! agrees with the parse function (R7).
#![no_main]

use idenfy_proto::server;
use idenfy_proto::EventType;
use idenfy_proto::webhook::{
    self, DocumentExpiration, IdentificationResult, VideoCallResult, WebhookEvent,
    WebhookKey,
};
use libfuzzer_sys::fuzz_target;

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

fuzz_target!(|input: (u8, &[u8])| {
    let (selector, body) = input;
    let event_type = EVENT_TYPES[usize::from(selector) % EVENT_TYPES.len()];

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
                let plain: IdentificationResult =
                    serde_json::from_slice(body).expect("serde refused an inferred body");
                assert_eq!(&plain, result.as_ref());
                &identification_events
            }
            WebhookEvent::DocumentExpiration { expiration, .. } => {
                let plain: DocumentExpiration =
                    serde_json::from_slice(body).expect("serde refused an inferred body");
                assert_eq!(&plain, expiration);
                &["DOCUMENT_EXPIRATION"]
            }
            WebhookEvent::VideoCall { call, .. } => {
                let plain: VideoCallResult =
                    serde_json::from_slice(body).expect("serde refused an inferred body");
                assert_eq!(&plain, call);
                &["VIDEO_CALL_FINISHED"]
            }
            _ => &[],
        };
        for header in headers {
            let with_header = webhook::parse_unverified(body, Some(header)).expect("refused with its header");
            assert_eq!(
                serde_json::to_value(&with_header).ok(),
                serde_json::to_value(&inferred).ok()
            );
            assert_eq!(with_header.is_final(), inferred.is_final());
            assert_eq!(with_header.scan_ref(), inferred.scan_ref());
        }
    }

    // With its own signature the body gets past verification and parses exactly as above.
    let keys = [
        WebhookKey::new("fuzz-old-key").unwrap(),
        WebhookKey::new("fuzz-key").unwrap(),
    ];
    let signature = server::sign_webhook(&keys[1], body);
    match webhook::verify_and_parse(body, Some(&signature), event_type, &keys) {
        Ok(event) => assert_eq!(Ok(event), parsed),
        Err(idenfy_proto::Error::Decode(err)) => assert_eq!(Err(err), parsed),
        Err(err) => panic!("a correct signature was refused: {err}"),
    }

    // The body's own bytes as a signature header: refused before anything is parsed.
    if let Ok(text) = std::str::from_utf8(body)
        && webhook::verify(body, Some(text), &keys).is_err()
    {
        assert!(matches!(
            webhook::verify_and_parse(body, Some(text), event_type, &keys),
            Err(idenfy_proto::Error::Signature(_))
        ));
    }
});
