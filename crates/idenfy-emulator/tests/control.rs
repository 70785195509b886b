#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The control API over HTTP (JSON in and out), as a test written in another language uses it.

mod support;

use std::time::Duration;

use idenfy_emulator::Emulator;
use idenfy_hyper::TokenRequest;
use idenfy_hyper::idenfy::OverallStatus;
use serde_json::{Value, json};
use support::{RawResponse, Receiver, client, raw_async};

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

#[tokio::test]
async fn verifications_clock_and_webhooks_through_the_control_api() {
    let receiver = Receiver::start(vec![]).await;
    let emulator = Emulator::start().await.unwrap();

    let index = call(&emulator, "GET", "", None).await;
    assert_eq!(index.status, 200);
    assert_eq!(index.json()["baseUrl"], emulator.base_url());
    assert!(index.json()["routes"].as_array().unwrap().len() > 10);
    assert_eq!(
        call(&emulator, "GET", "/health", None).await.json(),
        json!({"status": "ok"})
    );

    // The default webhook URL.
    let set = call(
        &emulator,
        "PUT",
        "/webhook-url",
        Some(json!({"url": receiver.url})),
    )
    .await;
    assert_eq!(set.status, 200);
    assert_eq!(set.json()["url"], receiver.url.as_str());
    assert_eq!(
        emulator.webhook_url().as_deref(),
        Some(receiver.url.as_str())
    );
    let bad = call(
        &emulator,
        "PUT",
        "/webhook-url",
        Some(json!({"url": "nope"})),
    )
    .await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.json()["identifier"], "BAD_VALUE");

    let token = client(&emulator)
        .create_token(
            &TokenRequest::builder("ctl")
                .expiry_time(120)
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    let scan_ref = token.scan_ref.as_str().to_owned();

    let list = call(&emulator, "GET", "/verifications", None).await.json();
    assert_eq!(list["count"], 1);
    assert_eq!(list["results"].as_array().unwrap().len(), 1);
    let one = call(
        &emulator,
        "GET",
        &format!("/verifications/{scan_ref}"),
        None,
    )
    .await
    .json();
    assert_eq!(one["scanRef"], scan_ref.as_str());
    assert_eq!(one["clientId"], "ctl");
    assert_eq!(one["status"], "ACTIVE");
    assert_eq!(one["authToken"], token.auth_token.expose_secret());
    assert_eq!(one["startedAt"], Value::Null);
    assert_eq!(
        one["expiresAt"].as_i64().unwrap() - one["createdAt"].as_i64().unwrap(),
        120
    );
    let missing = call(&emulator, "GET", "/verifications/unknown", None).await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["identifier"], "NOT_FOUND");

    let started = call(
        &emulator,
        "POST",
        &format!("/verifications/{scan_ref}/start"),
        None,
    )
    .await;
    assert_eq!(started.status, 200);
    assert!(started.json()["startedAt"].is_i64());

    // Complete with a reviewed outcome: two webhooks.
    let outcome = json!({
        "autoOverall": "SUSPECTED",
        "overall": "APPROVED",
        "fraudTags": [],
        "mismatchTags": ["SURNAME"],
        "manualFace": "FACE_MATCH"
    });
    let completed = call(
        &emulator,
        "POST",
        &format!("/verifications/{scan_ref}/complete"),
        Some(outcome),
    )
    .await;
    assert_eq!(completed.status, 200, "{}", completed.text());
    assert_eq!(completed.json()["status"], "APPROVED");
    receiver.wait_for(2, Duration::from_secs(10)).await;
    let again = call(
        &emulator,
        "POST",
        &format!("/verifications/{scan_ref}/complete"),
        None,
    )
    .await;
    assert_eq!(again.status, 409);
    let invalid = call(
        &emulator,
        "POST",
        &format!("/verifications/{scan_ref}/complete"),
        Some(json!({"overall": "ARCHIVED"})),
    )
    .await;
    assert_eq!(invalid.status, 400);
    let unknown_field = call(
        &emulator,
        "POST",
        &format!("/verifications/{scan_ref}/complete"),
        Some(json!({"verdict": "yes"})),
    )
    .await;
    assert_eq!(unknown_field.status, 400);

    let webhooks = call(&emulator, "GET", "/webhooks", None).await.json();
    let webhooks = webhooks["results"].as_array().unwrap();
    assert_eq!(webhooks.len(), 2);
    assert_eq!(webhooks[0]["eventType"], "IDENTIFICATION_AUTO_FINISHED");
    assert_eq!(webhooks[0]["final"], false);
    assert_eq!(webhooks[1]["eventType"], "IDENTIFICATION_MANUAL_FINISHED");
    assert_eq!(webhooks[1]["final"], true);
    assert_eq!(webhooks[1]["status"], 200);
    assert_eq!(webhooks[1]["attempt"], 1);
    let body = webhooks[1]["body"].as_str().unwrap();
    let signature = webhooks[1]["headers"]["Idenfy-Signature"].as_str().unwrap();
    idenfy_proto::webhook::verify(body.as_bytes(), Some(signature), &[emulator.webhook_key()])
        .unwrap();
    assert_eq!(
        call(&emulator, "DELETE", "/webhooks", None).await.status,
        204
    );
    assert!(emulator.deliveries().is_empty());

    // The clock.
    let clock = call(&emulator, "GET", "/clock", None).await.json();
    assert_eq!(clock["offsetSeconds"], 0);
    let token = client(&emulator)
        .create_token(
            &TokenRequest::builder("late")
                .expiry_time(60)
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    let advanced = call(
        &emulator,
        "POST",
        "/clock/advance",
        Some(json!({"seconds": 61})),
    )
    .await;
    assert_eq!(advanced.status, 200);
    assert_eq!(advanced.json()["offsetSeconds"], 61);
    assert!(advanced.json()["now"].as_i64().unwrap() >= clock["now"].as_i64().unwrap() + 61);
    assert_eq!(
        emulator
            .verification(token.scan_ref.as_str())
            .unwrap()
            .status,
        OverallStatus::Expired
    );
    let missing = call(&emulator, "POST", "/clock/advance", None).await;
    assert_eq!(missing.status, 400);

    // Unknown routes and wrong methods.
    assert_eq!(call(&emulator, "GET", "/nothing", None).await.status, 404);
    let wrong = call(&emulator, "DELETE", "/clock", None).await;
    assert_eq!(wrong.status, 405);
    assert_eq!(wrong.header("allow"), Some("GET"));
}

#[tokio::test]
async fn faults_through_the_control_api() {
    let emulator = Emulator::start().await.unwrap();
    let added = call(
        &emulator,
        "POST",
        "/faults",
        Some(json!({"kind": "status", "status": 500, "path": "/api/v2/token", "times": 2})),
    )
    .await;
    assert_eq!(added.status, 201);
    assert_eq!(added.json()["kind"], "status");
    let listed = call(&emulator, "GET", "/faults", None).await.json();
    assert_eq!(listed[0]["times"], 2);
    let bad = call(
        &emulator,
        "POST",
        "/faults",
        Some(json!({"kind": "explode"})),
    )
    .await;
    assert_eq!(bad.status, 400);
    let client = client(&emulator);
    let request = TokenRequest::builder("f").build().unwrap();
    assert!(client.create_token(&request).await.is_err());
    let listed = call(&emulator, "GET", "/faults", None).await.json();
    assert_eq!(listed[0]["times"], 1);
    assert_eq!(call(&emulator, "DELETE", "/faults", None).await.status, 204);
    client.create_token(&request).await.unwrap();
}
