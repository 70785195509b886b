#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! The webhooks of one verification leave in the order of its events, retries included: a later
//! event waits until the earlier one's retry is done. Other verifications do not wait.

mod support;

use std::time::Duration;

use idenfy_emulator::{DeliveryOutcome, Emulator, Outcome};
use idenfy_hyper::TokenRequest;
use idenfy_hyper::idenfy::EventType;
use support::{Receiver, client};

const WAIT: Duration = Duration::from_secs(10);

/// `(scanRef, event type)` of what a receiver got, in arrival order.
fn arrivals(receiver: &Receiver) -> Vec<(String, String)> {
    receiver
        .received()
        .iter()
        .map(|received| {
            let body: serde_json::Value = serde_json::from_slice(&received.body).unwrap();
            (
                body["scanRef"].as_str().unwrap().to_owned(),
                received.header("idenfy-event-type").unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_review_that_finishes_during_a_retry_is_delivered_after_it() {
    // The receiver fails the first request it gets (500), then accepts everything.
    let receiver = Receiver::start(vec![500]).await;
    let emulator = Emulator::builder()
        .webhook_url(receiver.url.clone())
        .start()
        .await
        .unwrap();
    let client = client(&emulator);
    let request = TokenRequest::builder("ordered").build().unwrap();
    let first = client.create_token(&request).await.unwrap();
    let other = client.create_token(&request).await.unwrap();
    let (first, other) = (first.scan_ref.as_str(), other.scan_ref.as_str());

    let reviewed = Outcome::approved()
        .manual_review(true)
        .review_after(Duration::from_secs(60));
    emulator.complete(first, reviewed).unwrap();
    // AUTO_FINISHED (final: false) arrives and is refused; its retry is 0.5 s away.
    receiver.wait_for(1, WAIT).await;
    // The review finishes now, while the retry waits: MANUAL_FINISHED is due at once.
    emulator.advance_clock(Duration::from_secs(61));
    assert_eq!(
        emulator.verification(first).unwrap().status,
        idenfy_hyper::idenfy::OverallStatus::Approved
    );
    assert_eq!(
        receiver.received().len(),
        1,
        "the retry went out before the review finished: the scenario did not happen"
    );
    // Another verification's webhook is not held up by the first one's retry.
    emulator.complete(other, Outcome::denied()).unwrap();

    receiver.wait_for(4, WAIT).await;
    let auto = EventType::IdentificationAutoFinished.as_str();
    let manual = EventType::IdentificationManualFinished.as_str();
    let first_events: Vec<String> = arrivals(&receiver)
        .into_iter()
        .filter(|(scan_ref, _)| scan_ref == first)
        .map(|(_, event)| event)
        .collect();
    assert_eq!(first_events, [auto, auto, manual], "out of order");
    let arrived = arrivals(&receiver);
    let other_at = arrived.iter().position(|(s, _)| s == other).unwrap();
    let retry_at = arrived
        .iter()
        .enumerate()
        .filter(|(_, (s, _))| s == first)
        .nth(1)
        .unwrap()
        .0;
    assert!(
        other_at < retry_at,
        "the other verification waited for the retry: {arrived:?}"
    );

    // The emulator's log tells the same story, with the receiver's answers.
    let deliveries = emulator.wait_for_deliveries(4, WAIT).await.unwrap();
    let log: Vec<(EventType, u32, DeliveryOutcome)> = deliveries
        .iter()
        .filter(|delivery| delivery.scan_ref == first)
        .map(|delivery| {
            (
                delivery.event_type.clone(),
                delivery.attempt,
                delivery.outcome.clone(),
            )
        })
        .collect();
    assert_eq!(
        log,
        [
            (
                EventType::IdentificationAutoFinished,
                1,
                DeliveryOutcome::Answered(500)
            ),
            (
                EventType::IdentificationAutoFinished,
                2,
                DeliveryOutcome::Answered(200)
            ),
            (
                EventType::IdentificationManualFinished,
                1,
                DeliveryOutcome::Answered(200)
            ),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_review_due_at_once_follows_a_failed_automatic_result() {
    // Both webhooks are made in one step; the first fails twice (given up), then the second.
    let receiver = Receiver::start(vec![503, 503]).await;
    let emulator = Emulator::builder()
        .webhook_url(receiver.url.clone())
        .start()
        .await
        .unwrap();
    let token = client(&emulator)
        .create_token(&TokenRequest::builder("given-up").build().unwrap())
        .await
        .unwrap();
    emulator
        .complete(
            token.scan_ref.as_str(),
            Outcome::suspected().manual_review(true),
        )
        .unwrap();
    receiver.wait_for(3, WAIT).await;
    let events: Vec<String> = arrivals(&receiver).into_iter().map(|(_, e)| e).collect();
    assert_eq!(
        events,
        [
            "IDENTIFICATION_AUTO_FINISHED",
            "IDENTIFICATION_AUTO_FINISHED",
            "IDENTIFICATION_MANUAL_FINISHED"
        ]
    );
    let outcomes: Vec<DeliveryOutcome> = emulator
        .wait_for_deliveries(3, WAIT)
        .await
        .unwrap()
        .into_iter()
        .map(|delivery| delivery.outcome)
        .collect();
    assert_eq!(
        outcomes,
        [
            DeliveryOutcome::Answered(503),
            DeliveryOutcome::Answered(503),
            DeliveryOutcome::Answered(200)
        ]
    );
}
