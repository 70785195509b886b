#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! 1,000 verifications created and finished by parallel clients, with exactly one final,
//! correctly signed webhook each: none lost, none duplicated.

mod support;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper_util::client::legacy::Client as LegacyClient;
use hyper_util::rt::TokioExecutor;
use idenfy_emulator::{DeliveryOutcome, Emulator, Outcome};
use idenfy_hyper::TokenRequest;
use idenfy_hyper::idenfy::OverallStatus;
use idenfy_hyper::idenfy::webhook::{self, WebhookEvent};
use support::{Receiver, client};
use tokio::sync::Semaphore;

const SESSIONS: usize = 1_000;
const CLIENTS: usize = 8;
const IN_FLIGHT: usize = 64;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_sessions_get_exactly_one_final_webhook_each() {
    let receiver = Receiver::start(vec![]).await;
    let emulator = Arc::new(
        Emulator::builder()
            .webhook_url(receiver.url.clone())
            .start()
            .await
            .unwrap(),
    );
    let clients: Vec<_> = (0..CLIENTS).map(|_| Arc::new(client(&emulator))).collect();
    let control = LegacyClient::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let slots = Arc::new(Semaphore::new(IN_FLIGHT));

    let mut tasks = tokio::task::JoinSet::new();
    for index in 0..SESSIONS {
        let client = Arc::clone(&clients[index % CLIENTS]);
        let emulator = Arc::clone(&emulator);
        let control = control.clone();
        let slots = Arc::clone(&slots);
        tasks.spawn(async move {
            let _slot = slots.acquire_owned().await.unwrap();
            let request = TokenRequest::builder(format!("client-{index}"))
                .build()
                .unwrap();
            let token = client.create_token(&request).await.unwrap();
            let scan_ref = token.scan_ref.as_str().to_owned();
            if index % 2 == 0 {
                emulator.complete(&scan_ref, Outcome::approved()).unwrap();
            } else {
                // Through the control API, as a test in another language would.
                let uri = format!(
                    "{}/verifications/{scan_ref}/complete",
                    emulator.control_url()
                );
                let request = hyper::Request::post(uri)
                    .header("content-type", "application/json")
                    .body(Full::new(Bytes::from_static(br#"{"overall":"APPROVED"}"#)))
                    .unwrap();
                let response = control.request(request).await.unwrap();
                assert_eq!(response.status(), 200);
                let body = response.into_body().collect().await.unwrap().to_bytes();
                let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
                assert_eq!(body["status"], "APPROVED");
            }
            let status = client.status(&scan_ref).await.unwrap();
            assert_eq!(status.status, Some(OverallStatus::Approved));
            (scan_ref, format!("client-{index}"))
        });
    }
    let mut created = HashMap::new();
    while let Some(result) = tasks.join_next().await {
        let (scan_ref, client_id) = result.unwrap();
        assert!(
            created.insert(scan_ref, client_id).is_none(),
            "duplicate scanRef"
        );
    }
    assert_eq!(created.len(), SESSIONS);

    let received = receiver.wait_for(SESSIONS, Duration::from_secs(20)).await;
    // Nothing more arrives: no duplicate was on its way.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let received_late = receiver.received();
    assert_eq!(received_late.len(), SESSIONS, "duplicated webhooks");
    let key = emulator.webhook_key();
    let mut seen = HashSet::new();
    for delivery in &received {
        let event = webhook::verify_and_parse(
            &delivery.body,
            delivery.header("idenfy-signature"),
            delivery.header("idenfy-event-type"),
            std::slice::from_ref(&key),
        )
        .unwrap();
        assert!(event.is_final());
        let WebhookEvent::Identification { result, .. } = event else {
            panic!("not an identification result");
        };
        let scan_ref = result.scan_ref.clone().unwrap();
        assert_eq!(
            result.client_id.as_deref(),
            created.get(&scan_ref).map(String::as_str),
            "the webhook of {scan_ref} names its own client"
        );
        assert!(seen.insert(scan_ref), "two webhooks for one verification");
    }
    assert_eq!(seen.len(), SESSIONS);
    assert!(created.keys().all(|scan_ref| seen.contains(scan_ref)));

    let deliveries = emulator.deliveries();
    assert_eq!(deliveries.len(), SESSIONS);
    assert!(
        deliveries
            .iter()
            .all(|d| d.outcome == DeliveryOutcome::Answered(200) && d.attempt == 1)
    );
}
