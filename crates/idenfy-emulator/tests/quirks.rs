#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Test code indexes and slices known outputs: a bad bound is a failed test.
#![allow(clippy::indexing_slicing, clippy::string_slice)]
//! Quirks mode: the token answer, `status`, `data` and webhooks carry the quirks of iDenfy's real
//! payloads on the wire, and the library reads them to the values the plain payloads give.

mod support;

use std::time::{Duration, UNIX_EPOCH};

use idenfy_emulator::{Emulator, Outcome};
use idenfy_hyper::TokenRequest;
use idenfy_hyper::idenfy::webhook::{self, WebhookEvent, WebhookKey};
use idenfy_hyper::idenfy::{DocumentType, OverallStatus};
use support::{Receiver, client, post_json};

const WAIT: Duration = Duration::from_secs(10);
const KEY: &str = "quirks-signing-key";
/// A client id iDenfy's quirky answers write as a JSON number.
const NUMERIC_CLIENT_ID: &str = "100042";

async fn emulator(receiver: &Receiver, quirks: bool) -> Emulator {
    Emulator::builder()
        .webhook_url(receiver.url.clone())
        .webhook_key(KEY)
        .quirks(quirks)
        .start()
        .await
        .unwrap()
}

const TOKEN_BODY: &str = r#"{"clientId": "100042", "firstName": "Ona", "lastName": "Petraityte",
    "country": "lt", "documents": ["ID_CARD"], "externalRef": "order-7"}"#;

/// A `"key": value` of a JSON text (compact or pretty), as written.
fn written<'a>(text: &'a str, key: &str) -> Vec<&'a str> {
    text.split(&format!("\"{key}\":"))
        .skip(1)
        .map(|rest| rest.trim_start().split([',', '\n', '}']).next().unwrap())
        .collect()
}

#[tokio::test]
async fn every_payload_carries_its_quirks_and_reads_as_the_plain_one() {
    let receiver = Receiver::start(vec![]).await;
    let emulator = emulator(&receiver, true).await;
    assert!(emulator.quirks());
    let key = WebhookKey::new(KEY).unwrap();

    // Token: the number, and the library's string.
    let answer = post_json(&emulator, "/api/v2/token", TOKEN_BODY).await;
    assert_eq!(answer.status, 201, "{}", answer.text());
    assert_eq!(written(&answer.text(), "clientId"), ["100042"]);
    let token: idenfy_hyper::idenfy::TokenResponse = serde_json::from_slice(&answer.body).unwrap();
    assert_eq!(token.client_id.as_deref(), Some(NUMERIC_CLIENT_ID));
    let scan_ref = token.scan_ref.as_str().to_owned();
    emulator.start_session(&scan_ref).unwrap();
    emulator.complete(&scan_ref, Outcome::approved()).unwrap();

    // The webhook, as sent.
    let received = receiver.wait_for(1, WAIT).await;
    let body = &received[0].body;
    let text = std::str::from_utf8(body).unwrap();
    assert!(text.ends_with("}\n"), "a trailing newline: {text}");
    assert!(text.starts_with("{\n  \""), "pretty-printed: {text}");
    assert_eq!(written(text, "clientId"), ["100042"]);
    assert_eq!(written(text, "selectedCountry"), ["\"LT\"", "\"LT\""]);
    assert!(
        !text.contains("\"AML\":") && !text.contains("\"LID\":"),
        "{text}"
    );
    assert!(
        text.contains("\"aml\": {\n") && text.contains("\"lid\": {\n"),
        "{text}"
    );
    // The status object's string and the top-level map share a name.
    assert!(text.contains("    \"additionalSteps\": null"), "{text}");
    assert!(text.ends_with("\n  \"additionalSteps\": {}\n}\n"), "{text}");
    let started = emulator
        .verification(&scan_ref)
        .unwrap()
        .started_at
        .unwrap()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    for time in ["startTime", "finishTime"] {
        let value = written(text, time)[0];
        let (seconds, micros) = value.split_once('.').expect("a float");
        assert!(seconds.parse::<u64>().unwrap() >= started, "{time} {value}");
        assert!(
            micros.len() == 6 && micros.bytes().all(|b| b.is_ascii_digit()),
            "{value}"
        );
    }

    // Signed over the exact bytes, the final newline included.
    let signature = received[0].header("idenfy-signature");
    let event_type = received[0].header("idenfy-event-type");
    let event =
        webhook::verify_and_parse(body, signature, event_type, std::slice::from_ref(&key)).unwrap();
    let trimmed = &body[..body.len() - 1];
    assert!(webhook::verify_and_parse(trimmed, signature, event_type, &[key]).is_err());
    let recorded = emulator.wait_for_deliveries(1, WAIT).await.unwrap();
    assert_eq!(recorded[0].body, body.to_vec());

    // Read by the library: every value as the plain payload gives it, nothing set aside.
    let WebhookEvent::Identification { result, .. } = &event else {
        panic!("{event:?}");
    };
    assert!(result.fallbacks().is_empty(), "{:?}", result.fallbacks());
    assert!(event.is_final());
    assert_eq!(event.client_id(), Some(NUMERIC_CLIENT_ID));
    assert_eq!(result.start_time, Some(i64::try_from(started).unwrap()));
    assert!(result.finish_time >= result.start_time);
    assert_eq!(result.status.overall, Some(OverallStatus::Approved));
    assert_eq!(result.data.selected_country.as_deref(), Some("LT"));
    assert_eq!(result.data.doc_type, Some(DocumentType::IdCard));
    let aml = result.aml.as_deref().unwrap();
    assert_eq!(aml.len(), 1);
    assert_eq!(aml[0].service_name.as_deref(), Some("PilotApiAmlV2"));
    let lid = result.lid.as_deref().unwrap();
    assert_eq!(lid[0].service_name.as_deref(), Some("IrdInvalidPapers"));
    assert_eq!(result.additional_steps, Some(Default::default()));

    // status and data.
    let body = format!(r#"{{"scanRef": "{scan_ref}"}}"#);
    let status = post_json(&emulator, "/api/v2/status", &body).await;
    assert_eq!(written(&status.text(), "clientId"), ["100042"]);
    let data = post_json(&emulator, "/api/v2/data", &body).await;
    assert_eq!(written(&data.text(), "clientId"), ["100042"]);
    assert_eq!(
        written(&data.text(), "selectedCountry"),
        ["\"LT\"", "\"LT\""]
    );
    let client = client(&emulator);
    let status = client.status(&scan_ref).await.unwrap();
    assert_eq!(status.client_id.as_deref(), Some(NUMERIC_CLIENT_ID));
    assert!(status.is_approved());
    let data = client.data(&scan_ref).await.unwrap();
    assert_eq!(data.client_id.as_deref(), Some(NUMERIC_CLIENT_ID));
    assert_eq!(data.data.selected_country.as_deref(), Some("LT"));
    assert!(data.fallbacks().is_empty(), "{:?}", data.fallbacks());
    assert_eq!(
        data.data.doc_first_name.as_deref().map(String::as_str),
        Some("ONA")
    );
}

/// The plain emulator and the quirky one give a client the same status answer.
#[tokio::test]
async fn quirky_and_plain_status_answers_read_alike() {
    let receiver = Receiver::start(vec![]).await;
    let mut read = Vec::new();
    for quirks in [false, true] {
        let emulator = emulator(&receiver, quirks).await;
        let client = client(&emulator);
        let request = TokenRequest::builder(NUMERIC_CLIENT_ID).build().unwrap();
        let token = client.create_token(&request).await.unwrap();
        let scan_ref = token.scan_ref.as_str();
        emulator
            .complete(scan_ref, Outcome::suspected().manual_review(true))
            .unwrap();
        let mut status = client.status(scan_ref).await.unwrap();
        assert_eq!(status.scan_ref.as_deref(), Some(scan_ref));
        status.scan_ref = None;
        read.push((token.client_id, status));
    }
    assert_eq!(read[0].0, read[1].0);
    assert_eq!(
        serde_json::to_value(&read[0].1).unwrap(),
        serde_json::to_value(&read[1].1).unwrap()
    );
}

#[tokio::test]
async fn quirks_are_off_by_default() {
    let receiver = Receiver::start(vec![]).await;
    let emulator = Emulator::builder()
        .webhook_url(receiver.url.clone())
        .start()
        .await
        .unwrap();
    assert!(!emulator.quirks());
    let answer = post_json(&emulator, "/api/v2/token", TOKEN_BODY).await;
    assert_eq!(written(&answer.text(), "clientId"), ["\"100042\""]);
    let scan_ref = answer.json()["scanRef"].as_str().unwrap().to_owned();
    emulator.complete(&scan_ref, Outcome::approved()).unwrap();
    let received = receiver.wait_for(1, WAIT).await;
    let text = std::str::from_utf8(&received[0].body).unwrap();
    assert!(text.ends_with('}') && !text.contains('\n'), "{text}");
    assert_eq!(written(text, "clientId"), ["\"100042\""]);
    assert_eq!(written(text, "selectedCountry").len(), 1);
    assert!(
        text.contains("\"AML\":[") && !text.contains("\"aml\""),
        "{text}"
    );
}
