#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! A token's `callbackUrl`: loopback hosts by default; other hosts when the emulator is told.
//! Nothing here resolves a name off the machine: the refused hosts are never looked up, the
//! allowed ones are not delivered to, and deliveries go to `localhost` (which resolves on the
//! machine itself).

mod support;

use std::time::Duration;

use idenfy_emulator::{DeliveryOutcome, Emulator, EmulatorError, Outcome};
use idenfy_hyper::TokenRequest;
use serde_json::{Value, json};
use support::{Receiver, client, post_json};

const WAIT: Duration = Duration::from_secs(10);

/// A docker-compose style receiver: a plain http URL on a host that is not loopback. `.invalid`
/// (RFC 6761) never resolves.
const COMPOSE_HOOK: &str = "http://app.invalid:8080/hook";

fn token_body(callback_url: &str) -> String {
    json!({"clientId": "compose-1", "callbackUrl": callback_url}).to_string()
}

#[tokio::test]
async fn by_default_plain_http_off_loopback_is_refused_naming_the_option() {
    let emulator = Emulator::start().await.unwrap();
    let answer = post_json(&emulator, "/api/v2/token", &token_body(COMPOSE_HOOK)).await;
    assert_eq!(answer.status, 400, "{}", answer.text());
    let body = answer.json();
    assert_eq!(body["identifier"], "BAD_VALUE");
    let message = body["message"].as_str().unwrap();
    assert!(
        message.starts_with("Field 'callbackUrl' must use https"),
        "{message}"
    );
    assert!(message.contains("--allow-callback-host"), "{message}");
    assert!(emulator.verifications().is_empty());
}

#[tokio::test]
async fn an_allowed_host_takes_plain_http_and_is_echoed() {
    let emulator = Emulator::builder()
        .allow_callback_hosts(["APP.invalid", "other.invalid"])
        .start()
        .await
        .unwrap();
    let answer = post_json(&emulator, "/api/v2/token", &token_body(COMPOSE_HOOK)).await;
    assert_eq!(answer.status, 201, "{}", answer.text());
    let body = answer.json();
    assert_eq!(body["callbackUrl"], COMPOSE_HOOK);
    let scan_ref = body["scanRef"].as_str().unwrap();
    let verification = emulator.verification(scan_ref).unwrap();
    assert_eq!(verification.callback_url.as_deref(), Some(COMPOSE_HOOK));

    // The rest of the request keeps every rule.
    let bad = json!({"clientId": "c", "callbackUrl": COMPOSE_HOOK, "locale": "EN"}).to_string();
    let answer = post_json(&emulator, "/api/v2/token", &bad).await;
    assert_eq!(answer.status, 400);
    assert!(answer.text().contains("locale"), "{}", answer.text());
    // A host not in the list is still refused.
    let answer = post_json(
        &emulator,
        "/api/v2/token",
        &token_body("http://db.invalid/h"),
    )
    .await;
    assert_eq!(answer.status, 400);
}

#[tokio::test]
async fn any_host_when_told() {
    let emulator = Emulator::builder()
        .allow_any_callback_host(true)
        .start()
        .await
        .unwrap();
    for url in [
        COMPOSE_HOOK,
        "http://10.0.0.7:9000/hook",
        "https://hooks.invalid/x",
    ] {
        let answer = post_json(&emulator, "/api/v2/token", &token_body(url)).await;
        assert_eq!(answer.status, 201, "{url}: {}", answer.text());
        assert_eq!(answer.json()["callbackUrl"], url);
    }
}

#[tokio::test]
async fn an_https_callback_off_loopback_is_accepted_but_not_sent() {
    let emulator = Emulator::start().await.unwrap();
    let url = "https://partner.invalid/hook";
    let request = TokenRequest::builder("remote")
        .callback_url(url)
        .build()
        .unwrap();
    let token = client(&emulator).create_token(&request).await.unwrap();
    emulator
        .complete(token.scan_ref.as_str(), Outcome::approved())
        .unwrap();
    let deliveries = emulator.wait_for_deliveries(1, WAIT).await.unwrap();
    // Recorded once, without a connection: there is nothing a retry could change.
    tokio::time::sleep(Duration::from_millis(700)).await;
    let deliveries_after = emulator.deliveries();
    assert_eq!(deliveries_after.len(), 1, "{deliveries_after:?}");
    assert_eq!(deliveries[0].url.as_deref(), Some(url));
    let DeliveryOutcome::Failed(reason) = &deliveries[0].outcome else {
        panic!("{:?}", deliveries[0]);
    };
    assert!(reason.starts_with("not sent"), "{reason}");
    assert!(reason.contains("partner.invalid") && reason.contains("--allow-callback-host"));
}

#[tokio::test]
async fn loopback_names_are_delivered_to_whatever_the_list() {
    let receiver = Receiver::start(vec![]).await;
    let emulator = Emulator::builder()
        .allow_callback_hosts(["app.invalid"])
        .start()
        .await
        .unwrap();
    // `localhost`, a name that resolves to 127.0.0.1 on the machine.
    let url = receiver.url.replace("127.0.0.1", "localhost");
    let answer = post_json(&emulator, "/api/v2/token", &token_body(&url)).await;
    assert_eq!(answer.status, 201, "{}", answer.text());
    let scan_ref = answer.json()["scanRef"].as_str().unwrap().to_owned();
    emulator.complete(&scan_ref, Outcome::approved()).unwrap();
    let received = receiver.wait_for(1, WAIT).await;
    let body: Value = serde_json::from_slice(&received[0].body).unwrap();
    assert_eq!(body["scanRef"], scan_ref.as_str());
    let deliveries = emulator.wait_for_deliveries(1, WAIT).await.unwrap();
    assert_eq!(deliveries[0].outcome, DeliveryOutcome::Answered(200));
}

#[tokio::test]
async fn a_value_that_is_not_a_host_stops_the_start() {
    for bad in ["app:8080", "http://app", "app/hook", ""] {
        let err = Emulator::builder()
            .allow_callback_hosts([bad])
            .start()
            .await
            .unwrap_err();
        assert!(
            matches!(
                &err,
                EmulatorError::InvalidSetting {
                    setting: "allowCallbackHost",
                    ..
                }
            ),
            "{bad}: {err:?}"
        );
    }
}
