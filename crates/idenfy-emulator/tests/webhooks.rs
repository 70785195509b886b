#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Webhooks: signatures that verify with the library, the current payload shape, automatic and
//! manual results, the retry, the URL used, and expiry through the emulator's clock.

mod support;

use std::time::Duration;

use idenfy_emulator::{DeliveryOutcome, Emulator, Outcome};
use idenfy_hyper::TokenRequest;
use idenfy_hyper::idenfy::webhook::{self, WebhookEvent, WebhookKey};
use idenfy_hyper::idenfy::{DocumentStatus, EventType, FaceStatus, MismatchTag, OverallStatus};
use serde_json::{Value, json};
use support::{Receiver, client};

const WAIT: Duration = Duration::from_secs(10);

async fn emulator_for(receiver: &Receiver) -> Emulator {
    Emulator::builder()
        .webhook_url(receiver.url.clone())
        .webhook_key("test-signing-key")
        .start()
        .await
        .unwrap()
}

fn parse(received: &support::Received, key: &WebhookKey) -> WebhookEvent {
    webhook::verify_and_parse(
        &received.body,
        received.header("idenfy-signature"),
        received.header("idenfy-event-type"),
        std::slice::from_ref(key),
    )
    .unwrap()
}

fn json_of(received: &support::Received) -> Value {
    serde_json::from_slice(&received.body).unwrap()
}

#[tokio::test]
async fn a_finished_verification_sends_one_signed_final_webhook_in_the_current_shape() {
    let receiver = Receiver::start(vec![]).await;
    let emulator = emulator_for(&receiver).await;
    let request = TokenRequest::builder("crm-88412")
        .first_name("Birute")
        .last_name("Basanaviciene")
        .external_ref("order-77")
        .country("lt")
        .build()
        .unwrap();
    let token = client(&emulator).create_token(&request).await.unwrap();
    let scan_ref = token.scan_ref.as_str();
    emulator.complete(scan_ref, Outcome::approved()).unwrap();

    let received = receiver.wait_for(1, WAIT).await;
    assert_eq!(received.len(), 1);
    let delivery = &received[0];
    assert_eq!(delivery.header("content-type"), Some("application/json"));
    assert_eq!(
        delivery.header("idenfy-event-type"),
        Some("IDENTIFICATION_AUTO_FINISHED")
    );
    let signature = delivery.header("idenfy-signature").unwrap();
    assert_eq!(signature.len(), 64);
    assert!(
        signature
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    );
    let key = emulator.webhook_key();
    assert_eq!(
        signature,
        idenfy_hyper::idenfy::idenfy_proto::server::sign_webhook(&key, &delivery.body)
    );
    assert!(
        webhook::verify(
            &delivery.body,
            Some(signature),
            &[WebhookKey::new("other").unwrap()]
        )
        .is_err()
    );

    let event = parse(delivery, &key);
    assert!(event.is_final());
    assert_eq!(
        event.event_type(),
        Some(&EventType::IdentificationAutoFinished)
    );
    let WebhookEvent::Identification { result, .. } = &event else {
        panic!("not an identification result: {event:?}");
    };
    assert_eq!(result.scan_ref.as_deref(), Some(scan_ref));
    assert_eq!(result.client_id.as_deref(), Some("crm-88412"));
    assert_eq!(result.external_ref.as_deref(), Some("order-77"));
    assert_eq!(result.status.overall, Some(OverallStatus::Approved));
    assert_eq!(result.status.auto_face, Some(FaceStatus::FaceMatch));
    assert_eq!(
        result.status.auto_document,
        Some(DocumentStatus::DocValidated)
    );
    assert_eq!(result.status.manual_face, None);
    assert_eq!(
        result.data.doc_first_name.as_deref().map(String::as_str),
        Some("BIRUTE")
    );
    assert_eq!(result.data.doc_issuing_country.as_deref(), Some("LT"));
    assert_eq!(result.aml.as_ref().map(Vec::len), Some(1));
    assert_eq!(result.lid.as_ref().map(Vec::len), Some(1));
    assert_eq!(result.aml.as_ref().unwrap()[0].suspected(), Some(false));

    // The raw shape: every key of the current payload, integers for the times.
    let body = json_of(delivery);
    for key in [
        "final",
        "platform",
        "status",
        "data",
        "fileUrls",
        "additionalStepPdfUrls",
        "AML",
        "LID",
        "scanRef",
        "clientId",
        "externalRef",
        "startTime",
        "finishTime",
        "clientIp",
        "clientIpCountry",
        "clientLocation",
    ] {
        assert!(body.get(key).is_some(), "{key} missing");
    }
    assert_eq!(body["final"], true);
    assert_eq!(body["platform"], "PC");
    assert!(body["startTime"].is_i64() && body["finishTime"].is_i64());
    assert_eq!(body["status"]["manualFace"], Value::Null);
    assert_eq!(body["status"]["suspicionReasons"], json!([]));
    assert!(
        body["data"]
            .as_object()
            .unwrap()
            .contains_key("docPersonalCode")
    );
    assert!(
        body["fileUrls"]["FRONT"]
            .as_str()
            .unwrap()
            .starts_with(emulator.base_url())
    );
    assert_eq!(body["AML"][0]["serviceGroupType"], "AML");
    assert_eq!(body["LID"][0]["status"]["overallStatus"], "NOT_SUSPECTED");

    // The emulator's own record of the attempt matches what arrived.
    let deliveries = emulator.wait_for_deliveries(1, WAIT).await.unwrap();
    assert_eq!(deliveries.len(), 1);
    let recorded = &deliveries[0];
    assert_eq!(recorded.outcome, DeliveryOutcome::Answered(200));
    assert_eq!(recorded.attempt, 1);
    assert!(recorded.is_final);
    assert_eq!(recorded.url.as_deref(), Some(receiver.url.as_str()));
    assert_eq!(recorded.body, delivery.body.to_vec());
    assert_eq!(recorded.signature(), Some(signature));
    assert!(recorded.verify_and_parse(&[key]).unwrap().is_final());
}

#[tokio::test]
async fn a_manual_review_sends_a_preliminary_then_a_final_webhook() {
    let receiver = Receiver::start(vec![]).await;
    let emulator = emulator_for(&receiver).await;
    let client = client(&emulator);
    let token = client
        .create_token(&TokenRequest::builder("reviewed").build().unwrap())
        .await
        .unwrap();
    let scan_ref = token.scan_ref.as_str();
    let outcome = Outcome::suspected()
        .mismatch_tags([MismatchTag::Name])
        .reviewed_as(OverallStatus::Approved);
    emulator.complete(scan_ref, outcome).unwrap();

    let received = receiver.wait_for(2, WAIT).await;
    let key = emulator.webhook_key();
    let first = parse(&received[0], &key);
    let second = parse(&received[1], &key);
    assert_eq!(
        first.event_type(),
        Some(&EventType::IdentificationAutoFinished)
    );
    assert!(!first.is_final());
    assert_eq!(
        second.event_type(),
        Some(&EventType::IdentificationManualFinished)
    );
    assert!(second.is_final());
    let (first, second) = (json_of(&received[0]), json_of(&received[1]));
    assert_eq!(first["status"]["overall"], "SUSPECTED");
    assert_eq!(first["status"]["mismatchTags"], json!(["NAME"]));
    assert_eq!(first["status"]["manualDocument"], Value::Null);
    assert_eq!(second["status"]["overall"], "APPROVED");
    assert_eq!(second["status"]["manualDocument"], "DOC_VALIDATED");
    assert_eq!(second["status"]["manualFace"], "FACE_MATCH");

    let status = client.status(scan_ref).await.unwrap();
    assert_eq!(status.status, Some(OverallStatus::Approved));
    assert_eq!(status.manual_face, Some(FaceStatus::FaceMatch));
    assert!(status.is_manually_reviewed());
}

#[tokio::test]
async fn a_review_that_takes_time_shows_reviewing_until_the_clock_passes() {
    let receiver = Receiver::start(vec![]).await;
    let emulator = emulator_for(&receiver).await;
    let client = client(&emulator);
    let token = client
        .create_token(&TokenRequest::builder("slow-review").build().unwrap())
        .await
        .unwrap();
    let scan_ref = token.scan_ref.as_str();
    let outcome = Outcome::denied()
        .manual_review(true)
        .review_after(Duration::from_secs(1800));
    emulator.complete(scan_ref, outcome).unwrap();
    receiver.wait_for(1, WAIT).await;
    let status = client.status(scan_ref).await.unwrap();
    assert_eq!(status.status, Some(OverallStatus::Reviewing));
    assert_eq!(status.auto_face, Some(FaceStatus::FaceMismatch));
    assert_eq!(status.manual_face, None);

    emulator.advance_clock(Duration::from_secs(1800));
    let received = receiver.wait_for(2, WAIT).await;
    assert_eq!(
        received[1].header("idenfy-event-type"),
        Some("IDENTIFICATION_MANUAL_FINISHED")
    );
    let status = client.status(scan_ref).await.unwrap();
    assert_eq!(status.status, Some(OverallStatus::Denied));
    assert_eq!(status.manual_face, Some(FaceStatus::FaceMismatch));
}

#[tokio::test]
async fn a_callback_url_wins_over_the_default_url() {
    let default = Receiver::start(vec![]).await;
    let callback = Receiver::start(vec![]).await;
    let emulator = emulator_for(&default).await;
    let request = TokenRequest::builder("callback")
        .callback_url(callback.url.clone())
        .build()
        .unwrap();
    let token = client(&emulator).create_token(&request).await.unwrap();
    emulator
        .complete(token.scan_ref.as_str(), Outcome::approved())
        .unwrap();
    callback.wait_for(1, WAIT).await;
    emulator.wait_for_deliveries(1, WAIT).await.unwrap();
    assert!(default.received().is_empty());
}

#[tokio::test]
async fn a_failed_delivery_is_retried_once_after_half_a_second() {
    let receiver = Receiver::start(vec![500]).await;
    let emulator = emulator_for(&receiver).await;
    let token = client(&emulator)
        .create_token(&TokenRequest::builder("retry").build().unwrap())
        .await
        .unwrap();
    emulator
        .complete(token.scan_ref.as_str(), Outcome::approved())
        .unwrap();
    let received = receiver.wait_for(2, WAIT).await;
    assert_eq!(received[0].body, received[1].body);
    assert_eq!(
        received[0].header("idenfy-signature"),
        received[1].header("idenfy-signature")
    );
    let deliveries = emulator.wait_for_deliveries(2, WAIT).await.unwrap();
    assert_eq!(deliveries[0].attempt, 1);
    assert_eq!(deliveries[0].outcome, DeliveryOutcome::Answered(500));
    assert_eq!(deliveries[1].attempt, 2);
    assert_eq!(deliveries[1].outcome, DeliveryOutcome::Answered(200));
    let pause = deliveries[1].at.duration_since(deliveries[0].at).unwrap();
    assert!(pause >= Duration::from_millis(450), "{pause:?}");
    // Exactly two attempts: a success ends it.
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(emulator.deliveries().len(), 2);
}

#[tokio::test]
async fn an_unreachable_receiver_gets_two_attempts_then_nothing() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", closed.local_addr().unwrap());
    drop(closed);
    let emulator = Emulator::builder().webhook_url(url).start().await.unwrap();
    let token = client(&emulator)
        .create_token(&TokenRequest::builder("down").build().unwrap())
        .await
        .unwrap();
    emulator
        .complete(token.scan_ref.as_str(), Outcome::approved())
        .unwrap();
    let deliveries = emulator.wait_for_deliveries(2, WAIT).await.unwrap();
    assert!(
        deliveries
            .iter()
            .all(|d| matches!(d.outcome, DeliveryOutcome::Failed(_)))
    );
    assert_eq!(
        deliveries.iter().map(|d| d.attempt).collect::<Vec<_>>(),
        [1, 2]
    );
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(emulator.deliveries().len(), 2);
}

#[tokio::test]
async fn without_a_url_deliveries_are_recorded_as_skipped() {
    let emulator = Emulator::start().await.unwrap();
    let token = client(&emulator)
        .create_token(&TokenRequest::builder("nowhere").build().unwrap())
        .await
        .unwrap();
    emulator
        .complete(token.scan_ref.as_str(), Outcome::approved())
        .unwrap();
    let deliveries = emulator.wait_for_deliveries(1, WAIT).await.unwrap();
    assert_eq!(deliveries[0].outcome, DeliveryOutcome::Skipped);
    assert_eq!(deliveries[0].url, None);
    assert!(
        deliveries[0]
            .verify_and_parse(&[emulator.webhook_key()])
            .unwrap()
            .is_final()
    );
    // A URL set later is used for later events.
    let receiver = Receiver::start(vec![]).await;
    emulator.set_webhook_url(Some(&receiver.url)).unwrap();
    let token = client(&emulator)
        .create_token(&TokenRequest::builder("somewhere").build().unwrap())
        .await
        .unwrap();
    emulator
        .complete(token.scan_ref.as_str(), Outcome::approved())
        .unwrap();
    receiver.wait_for(1, WAIT).await;
    assert!(emulator.set_webhook_url(Some("not a url")).is_err());
}

#[tokio::test]
async fn an_unused_token_expires_by_the_clock_then_may_be_deleted() {
    let receiver = Receiver::start(vec![]).await;
    let emulator = emulator_for(&receiver).await;
    let client = client(&emulator);
    let request = TokenRequest::builder("abandoned")
        .expiry_time(600)
        .build()
        .unwrap();
    let token = client.create_token(&request).await.unwrap();
    let scan_ref = token.scan_ref.as_str();
    emulator.advance_clock(Duration::from_secs(599));
    assert_eq!(
        client.status(scan_ref).await.unwrap().status,
        Some(OverallStatus::Active)
    );
    assert!(client.delete(scan_ref).await.is_err());

    emulator.advance_clock(Duration::from_secs(1));
    let received = receiver.wait_for(1, WAIT).await;
    let event = parse(&received[0], &emulator.webhook_key());
    assert_eq!(event.event_type(), Some(&EventType::IdentificationExpired));
    assert!(event.is_final());
    let body = json_of(&received[0]);
    assert_eq!(body["status"]["overall"], "EXPIRED");
    assert_eq!(body["status"]["autoFace"], Value::Null);
    assert_eq!(body["fileUrls"], json!({}));
    assert_eq!(
        client.status(scan_ref).await.unwrap().status,
        Some(OverallStatus::Expired)
    );
    assert!(emulator.complete(scan_ref, Outcome::approved()).is_err());

    client.delete(scan_ref).await.unwrap();
    assert_eq!(
        client.status(scan_ref).await.unwrap().status,
        Some(OverallStatus::ExpiredDeleted)
    );
}

#[tokio::test]
async fn a_started_session_expires_by_its_session_length() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator);
    let request = TokenRequest::builder("started")
        .expiry_time(60)
        .session_length(900)
        .build()
        .unwrap();
    let token = client.create_token(&request).await.unwrap();
    let scan_ref = token.scan_ref.as_str();
    emulator.start_session(scan_ref).unwrap();
    // The token's own expiry no longer applies once the session started.
    emulator.advance_clock(Duration::from_secs(899));
    assert_eq!(
        client.status(scan_ref).await.unwrap().status,
        Some(OverallStatus::Active)
    );
    emulator.advance_clock(Duration::from_secs(1));
    assert_eq!(
        client.status(scan_ref).await.unwrap().status,
        Some(OverallStatus::Expired)
    );
    let deliveries = emulator.wait_for_deliveries(1, WAIT).await.unwrap();
    assert_eq!(deliveries[0].event_type, EventType::IdentificationExpired);
}

/// R10: a delivery's `Debug` names the attempt and its event, never the body (the person's data,
/// the `authToken`) or the signature.
#[tokio::test]
async fn r10_a_delivery_debug_shows_neither_body_nor_signature() {
    let emulator = idenfy_emulator::Emulator::start().await.unwrap();
    let created = support::post_json(
        &emulator,
        "/api/v2/token",
        r#"{"clientId":"c-dbg","firstName":"Sentinelname","dummyStatus":"APPROVED"}"#,
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let deliveries = emulator
        .wait_for_deliveries(1, std::time::Duration::from_secs(10))
        .await
        .unwrap();
    let delivery = &deliveries[0];
    let shown = format!("{delivery:?} {delivery:#?}");
    let auth_token = created.json()["authToken"].as_str().unwrap().to_owned();
    let signature = delivery.signature().unwrap().to_owned();
    // The body holds the person's name (what must not show).
    assert!(String::from_utf8_lossy(&delivery.body).contains("SENTINELNAME"));
    for secret in [
        auth_token.as_str(),
        signature.as_str(),
        "SENTINELNAME",
        "Sentinelname",
    ] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    assert!(
        shown.contains("IDENTIFICATION_AUTO_FINISHED") || shown.contains("AutoFinished"),
        "{shown}"
    );
    assert!(
        shown.contains(&format!("[{} bytes]", delivery.body.len())),
        "{shown}"
    );
}
