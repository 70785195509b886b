//! Any bytes, any event header: parsing a webhook returns an event or a typed error, never
//! panics; verification runs before parsing and agrees with it.
#![no_main]

use idenfy_proto::webhook::{self, WebhookError, WebhookKey};
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

    let parsed = webhook::parse(body, event_type);
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

    // With its own signature the body gets past verification and parses exactly as above.
    let keys = [
        WebhookKey::new("fuzz-old-key").unwrap(),
        WebhookKey::new("fuzz-key").unwrap(),
    ];
    let signature = webhook::sign(&keys[1], body);
    match webhook::verify_and_parse(body, Some(&signature), event_type, &keys) {
        Ok(event) => assert_eq!(Ok(event), parsed),
        Err(WebhookError::Decode(err)) => assert_eq!(Err(err), parsed),
        Err(err) => panic!("a correct signature was refused: {err}"),
    }

    // The body's own bytes as a signature header: refused before anything is parsed.
    if let Ok(text) = std::str::from_utf8(body)
        && webhook::verify(body, Some(text), &keys).is_err()
    {
        assert!(matches!(
            webhook::verify_and_parse(body, Some(text), event_type, &keys),
            Err(WebhookError::Signature(_))
        ));
    }
});
