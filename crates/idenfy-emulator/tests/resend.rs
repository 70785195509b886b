#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Resending webhooks, as iDenfy's dashboard "Resend failed webhook" does: the same bytes,
//! signed alike, queued in the verification's order, each attempt recorded as a resend; and the
//! verification's `callbackFailed` flag, set when a delivery failed for good and cleared when a
//! later one arrives.

mod support;

use std::time::Duration;

use idenfy_emulator::{DeliveryOutcome, Emulator, EmulatorError, Outcome};
use idenfy_hyper::TokenRequest;
use idenfy_hyper::idenfy::webhook;
use idenfy_hyper::idenfy::{EventType, ExpirationThreshold};
use serde_json::{Value, json};
use support::{RawResponse, Receiver, client, raw_async};

const WAIT: Duration = Duration::from_secs(10);

async fn call(
    emulator: &Emulator,
    method: &'static str,
    path: &str,
    body: Option<Value>,
) -> RawResponse {
    let (headers, body) = match body {
        Some(body) => (
            vec![("Content-Type", "application/json".to_owned())],
            body.to_string().into_bytes(),
        ),
        None => (vec![], vec![]),
    };
    raw_async(
        emulator.local_addr(),
        method,
        format!("/__emulator{path}"),
        headers,
        body,
    )
    .await
}

/// The verification as the control API shows it.
async fn shown(emulator: &Emulator, scan_ref: &str) -> Value {
    call(emulator, "GET", &format!("/verifications/{scan_ref}"), None)
        .await
        .json()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_webhook_flags_the_verification_and_a_resend_sends_the_same_bytes() {
    // The receiver refuses the first delivery and its retry, then accepts.
    let receiver = Receiver::start(vec![500, 503]).await;
    let emulator = Emulator::builder()
        .webhook_url(receiver.url.clone())
        .start()
        .await
        .unwrap();
    let client = client(&emulator);
    let token = client
        .create_token(&TokenRequest::builder("resend").build().unwrap())
        .await
        .unwrap();
    let scan_ref = token.scan_ref.as_str();
    assert_eq!(shown(&emulator, scan_ref).await["callbackFailed"], false);

    emulator.complete(scan_ref, Outcome::approved()).unwrap();
    let attempts = emulator.wait_for_deliveries(2, WAIT).await.unwrap();
    assert_eq!(attempts[0].outcome, DeliveryOutcome::Answered(500));
    assert_eq!(attempts[1].outcome, DeliveryOutcome::Answered(503));
    assert_eq!(attempts[1].attempt, 2);
    assert!(attempts[0].id > 0 && attempts[1].id > attempts[0].id);
    assert_eq!(attempts[0].resend_of, None);
    // The retry gave up: the verification says its callback failed, in Rust and in JSON.
    assert!(emulator.verification(scan_ref).unwrap().callback_failed);
    assert_eq!(shown(&emulator, scan_ref).await["callbackFailed"], true);
    let listed = call(
        &emulator,
        "GET",
        &format!("/verifications?scanRef={scan_ref}"),
        None,
    )
    .await
    .json();
    assert_eq!(listed["results"][0]["callbackFailed"], true);
    let logged = call(&emulator, "GET", "/webhooks", None).await.json();
    assert_eq!(logged["results"][1]["id"], attempts[1].id);
    assert_eq!(logged["results"][1]["resendOf"], Value::Null);

    // Resend what failed, by scanRef.
    let resent = call(
        &emulator,
        "POST",
        "/webhooks/resend",
        Some(json!({ "scanRef": scan_ref })),
    )
    .await;
    assert_eq!(resent.status, 202, "{}", resent.text());
    assert_eq!(resent.json(), json!({"resent": [attempts[1].id]}));
    let received = receiver.wait_for(3, WAIT).await;
    // Byte for byte the same webhook, signed alike.
    assert_eq!(received[2].body, received[0].body);
    assert_eq!(
        received[2].header("idenfy-signature"),
        received[0].header("idenfy-signature")
    );
    assert_eq!(
        received[2].header("idenfy-event-type"),
        Some("IDENTIFICATION_AUTO_FINISHED")
    );
    let event = webhook::verify_and_parse(
        &received[2].body,
        received[2].header("idenfy-signature"),
        received[2].header("idenfy-event-type"),
        &[emulator.webhook_key()],
    )
    .unwrap();
    let first = webhook::verify_and_parse(
        &received[0].body,
        received[0].header("idenfy-signature"),
        received[0].header("idenfy-event-type"),
        &[emulator.webhook_key()],
    )
    .unwrap();
    assert_eq!(
        event.dedup_key(),
        first.dedup_key(),
        "a repeat of one result"
    );
    let attempts = emulator.wait_for_deliveries(3, WAIT).await.unwrap();
    let resend = &attempts[2];
    assert_eq!(resend.resend_of, Some(attempts[1].id));
    assert_eq!(resend.outcome, DeliveryOutcome::Answered(200));
    assert_eq!(
        (resend.attempt, resend.body.as_slice()),
        (1, attempts[0].body.as_slice())
    );
    assert_eq!(resend.headers, attempts[0].headers);
    // Delivered at last: the flag is cleared, and nothing is left to resend.
    assert!(!emulator.verification(scan_ref).unwrap().callback_failed);
    assert_eq!(shown(&emulator, scan_ref).await["callbackFailed"], false);
    assert!(emulator.resend_failed(scan_ref).unwrap().is_empty());
    let logged = call(
        &emulator,
        "GET",
        &format!("/webhooks?scanRef={scan_ref}"),
        None,
    )
    .await
    .json();
    assert_eq!(logged["results"][2]["resendOf"], attempts[1].id);
    assert_eq!(logged["results"][2]["id"], resend.id);

    // Any attempt can be resent by its id, a delivered one too.
    let again = call(
        &emulator,
        "POST",
        &format!("/webhooks/{}/resend", resend.id),
        None,
    )
    .await;
    assert_eq!(again.status, 202, "{}", again.text());
    assert_eq!(again.json(), json!({"resent": [resend.id]}));
    let received = receiver.wait_for(4, WAIT).await;
    assert_eq!(received[3].body, received[0].body);
    let attempts = emulator.wait_for_deliveries(4, WAIT).await.unwrap();
    assert_eq!(attempts[3].resend_of, Some(resend.id));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resends_are_refused_for_what_is_not_kept_and_named_by_the_control_api() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator);
    let token = client
        .create_token(&TokenRequest::builder("refusals").build().unwrap())
        .await
        .unwrap();
    let scan_ref = token.scan_ref.as_str();

    assert!(matches!(
        emulator.resend_delivery(1),
        Err(EmulatorError::UnknownDelivery(1))
    ));
    assert!(matches!(
        emulator.resend_failed("nobody"),
        Err(EmulatorError::UnknownScanRef(_))
    ));
    // A known verification without deliveries: nothing to resend.
    assert!(emulator.resend_failed(scan_ref).unwrap().is_empty());
    for (path, body, status) in [
        ("/webhooks/1/resend", None, 404),
        ("/webhooks/0/resend", None, 404),
        ("/webhooks/abc/resend", None, 404),
        ("/webhooks/resend", Some(json!({"scanRef": "nobody"})), 404),
        ("/webhooks/resend", None, 400),
        ("/webhooks/resend", Some(json!({"scan": scan_ref})), 400),
    ] {
        let answer = call(&emulator, "POST", path, body.clone()).await;
        assert_eq!(answer.status, status, "{path} {body:?}: {}", answer.text());
    }
    let missing = call(&emulator, "POST", "/webhooks/resend", None).await;
    assert!(missing.text().contains("scanRef"), "{}", missing.text());
    let wrong = call(&emulator, "GET", "/webhooks/1/resend", None).await;
    assert_eq!(wrong.status, 405);
    assert_eq!(wrong.header("allow"), Some("POST"));
    let wrong = call(&emulator, "PUT", "/webhooks", None).await;
    assert_eq!(wrong.header("allow"), Some("GET, DELETE"));
    let routes = call(&emulator, "GET", "", None).await.json()["routes"].clone();
    for route in [
        "POST /__emulator/webhooks/resend",
        "POST /__emulator/webhooks/{id}/resend",
        "POST /__emulator/verifications/{scanRef}/cancel",
        "POST /__emulator/verifications/{scanRef}/request-information",
        "POST /__emulator/verifications/{scanRef}/document-expiration",
    ] {
        assert!(
            routes.as_array().unwrap().contains(&json!(route)),
            "{route}"
        );
    }
    // An action the control API does not have is not found, whatever the method.
    let nothing = call(
        &emulator,
        "POST",
        &format!("/verifications/{scan_ref}/explode"),
        None,
    )
    .await;
    assert_eq!(nothing.status, 404);

    // Skipped for want of a URL: not a failure, but resent by id once a URL is set.
    emulator.complete(scan_ref, Outcome::denied()).unwrap();
    let skipped = emulator.wait_for_deliveries(1, WAIT).await.unwrap();
    assert_eq!(skipped[0].outcome, DeliveryOutcome::Skipped);
    assert!(!emulator.verification(scan_ref).unwrap().callback_failed);
    assert!(emulator.resend_failed(scan_ref).unwrap().is_empty());
    let receiver = Receiver::start(vec![]).await;
    emulator.set_webhook_url(Some(&receiver.url)).unwrap();
    emulator.resend_delivery(skipped[0].id).unwrap();
    let received = receiver.wait_for(1, WAIT).await;
    assert_eq!(received[0].body, skipped[0].body);
    let attempts = emulator.wait_for_deliveries(2, WAIT).await.unwrap();
    assert_eq!(attempts[1].url.as_deref(), Some(receiver.url.as_str()));
    assert_eq!(attempts[1].resend_of, Some(skipped[0].id));

    // Ids are never reused, not even after the log is cleared.
    emulator.clear_deliveries();
    assert!(matches!(
        emulator.resend_delivery(attempts[1].id),
        Err(EmulatorError::UnknownDelivery(_))
    ));
    emulator
        .document_expiration(scan_ref, ExpirationThreshold::Expired)
        .unwrap();
    let after = emulator.wait_for_deliveries(1, WAIT).await.unwrap();
    assert!(after[0].id > attempts[1].id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resend_waits_in_the_verifications_queue_and_a_later_delivery_clears_the_flag() {
    // Fails the first webhook and its retry, then the resend and its retry.
    let receiver = Receiver::start(vec![500, 500, 500, 500]).await;
    let emulator = Emulator::builder()
        .webhook_url(receiver.url.clone())
        .start()
        .await
        .unwrap();
    let client = client(&emulator);
    let token = client
        .create_token(&TokenRequest::builder("queued").build().unwrap())
        .await
        .unwrap();
    let scan_ref = token.scan_ref.as_str();
    emulator.complete(scan_ref, Outcome::approved()).unwrap();
    let attempts = emulator.wait_for_deliveries(2, WAIT).await.unwrap();
    assert!(emulator.verification(scan_ref).unwrap().callback_failed);

    // The resend fails at once; its retry is 0.5 s away when the next event happens.
    assert_eq!(emulator.resend_failed(scan_ref).unwrap(), [attempts[1].id]);
    receiver.wait_for(3, WAIT).await;
    emulator
        .document_expiration(scan_ref, ExpirationThreshold::Within7Days)
        .unwrap();
    assert_eq!(
        receiver.received().len(),
        3,
        "the resend's retry went out before the event: the scenario did not happen"
    );
    let received = receiver.wait_for(5, WAIT).await;
    let names: Vec<&str> = received
        .iter()
        .map(|received| received.header("idenfy-event-type").unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "IDENTIFICATION_AUTO_FINISHED",
            "IDENTIFICATION_AUTO_FINISHED",
            "IDENTIFICATION_AUTO_FINISHED",
            "IDENTIFICATION_AUTO_FINISHED",
            "DOCUMENT_EXPIRATION"
        ]
    );
    let attempts = emulator.wait_for_deliveries(5, WAIT).await.unwrap();
    assert_eq!(attempts[3].resend_of, Some(attempts[1].id));
    assert_eq!(
        attempts[3].attempt, 2,
        "a resend is retried like any delivery"
    );
    assert_eq!(attempts[4].event_type, EventType::DocumentExpiration);
    // The later notice was delivered: the flag is cleared (as iDenfy's is once a callback
    // arrives), though the automatic result never was; it is still there to resend.
    assert!(!emulator.verification(scan_ref).unwrap().callback_failed);
    assert_eq!(emulator.resend_failed(scan_ref).unwrap(), [attempts[3].id]);
    receiver.wait_for(6, WAIT).await;
}
