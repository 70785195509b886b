#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Bounded memory and bounded answers: retention of finished verifications and of delivery
//! attempts, paged and filtered control lists (over HTTP and in Rust), and the cap on a token's
//! extra fields.

mod support;

use std::time::Duration;

use idenfy_emulator::{
    DeliveryQuery, Emulator, EmulatorError, MAX_EXTRA_FIELD_BYTES, MAX_PER_PAGE, Outcome,
    VerificationQuery,
};
use idenfy_hyper::TokenRequest;
use idenfy_hyper::idenfy::{DummyStatus, EventType, OverallStatus};
use serde_json::{Value, json};
use support::{RawResponse, client, post_json, raw_async};

const WAIT: Duration = Duration::from_secs(10);

async fn get(emulator: &Emulator, target: &str) -> RawResponse {
    raw_async(
        emulator.local_addr(),
        "GET",
        target.to_owned(),
        vec![],
        vec![],
    )
    .await
}

/// The path and query of a `next`/`previous` link of `emulator`.
fn target(emulator: &Emulator, link: &Value) -> String {
    link.as_str()
        .unwrap()
        .strip_prefix(emulator.base_url())
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn the_oldest_finished_verifications_and_deliveries_are_forgotten() {
    let emulator = Emulator::builder()
        .finished_retention(3)
        .delivery_retention(4)
        .start()
        .await
        .unwrap();
    let client = client(&emulator);
    let active = client
        .create_token(&TokenRequest::builder("stays").build().unwrap())
        .await
        .unwrap();
    let mut finished = Vec::new();
    for index in 0..6 {
        let request = TokenRequest::builder(format!("done-{index}"))
            .dummy_status(DummyStatus::Approved)
            .build()
            .unwrap();
        let token = client.create_token(&request).await.unwrap();
        finished.push(token.scan_ref.as_str().to_owned());
        // One at a time, so that the deliveries are recorded in this order.
        emulator.wait_for_deliveries(index + 1, WAIT).await.unwrap();
    }
    // The active one and the last three finished are kept.
    let kept: Vec<String> = emulator
        .verifications()
        .into_iter()
        .map(|verification| verification.scan_ref)
        .collect();
    let mut expected = vec![active.scan_ref.as_str().to_owned()];
    expected.extend(finished[3..].iter().cloned());
    assert_eq!(kept, expected);
    // A forgotten verification answers like an unknown one.
    let gone = post_json(
        &emulator,
        "/api/v2/status",
        &json!({"scanRef": finished[0]}).to_string(),
    )
    .await;
    assert_eq!(gone.status, 404);
    assert_eq!(gone.json()["identifier"], "NOT_FOUND");
    let gone = get(
        &emulator,
        &format!("/__emulator/verifications/{}", finished[0]),
    )
    .await;
    assert_eq!(gone.status, 404);

    // Six webhooks were recorded; the latest four are kept.
    let deliveries = emulator.wait_for_deliveries(6, WAIT).await.unwrap();
    let scan_refs: Vec<&str> = deliveries.iter().map(|d| d.scan_ref.as_str()).collect();
    assert_eq!(
        scan_refs,
        finished[2..].iter().map(String::as_str).collect::<Vec<_>>()
    );
    assert_eq!(
        emulator
            .verification(active.scan_ref.as_str())
            .unwrap()
            .status,
        OverallStatus::Active
    );
}

#[tokio::test]
async fn retention_limits_are_checked_at_start() {
    let refused = Emulator::builder().finished_retention(0).start().await;
    match refused {
        Err(EmulatorError::Config(err)) => assert_eq!(err.field(), "finishedRetention"),
        other => panic!("{other:?}"),
    }
    let refused = Emulator::builder()
        .delivery_retention(usize::MAX)
        .start()
        .await;
    match refused {
        Err(EmulatorError::Config(err)) => assert_eq!(err.field(), "deliveryRetention"),
        other => panic!("{other:?}"),
    }
    // No delivery history at all is a valid choice: waiting still counts them.
    let emulator = Emulator::builder()
        .delivery_retention(0)
        .start()
        .await
        .unwrap();
    let request = TokenRequest::builder("none-kept")
        .dummy_status(DummyStatus::Denied)
        .build()
        .unwrap();
    client(&emulator).create_token(&request).await.unwrap();
    assert!(
        emulator
            .wait_for_deliveries(1, WAIT)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn the_verification_list_is_paged_and_filtered() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator);
    let mut scan_refs = Vec::new();
    for index in 0..7 {
        let request = TokenRequest::builder(format!("client-{}", index % 2))
            .build()
            .unwrap();
        let token = client.create_token(&request).await.unwrap();
        scan_refs.push(token.scan_ref.as_str().to_owned());
    }
    for scan_ref in [&scan_refs[1], &scan_refs[4]] {
        emulator.complete(scan_ref, Outcome::denied()).unwrap();
    }
    let pick = |indexes: &[usize]| -> Vec<String> {
        indexes
            .iter()
            .map(|&index| scan_refs[index].clone())
            .collect()
    };
    let names = |page: &Value| -> Vec<String> {
        page["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["scanRef"].as_str().unwrap().to_owned())
            .collect()
    };

    let first = get(&emulator, "/__emulator/verifications?perPage=3")
        .await
        .json();
    assert_eq!(first["count"], 7);
    assert_eq!(names(&first), pick(&[0, 1, 2]));
    assert_eq!(first["previous"], Value::Null);
    let second = get(&emulator, &target(&emulator, &first["next"]))
        .await
        .json();
    assert_eq!(names(&second), pick(&[3, 4, 5]));
    let third = get(&emulator, &target(&emulator, &second["next"]))
        .await
        .json();
    assert_eq!(names(&third), pick(&[6]));
    assert_eq!(third["next"], Value::Null);
    let back = get(&emulator, &target(&emulator, &third["previous"]))
        .await
        .json();
    assert_eq!(back, second);
    let past = get(&emulator, "/__emulator/verifications?page=9&perPage=3")
        .await
        .json();
    assert_eq!(past["count"], 7);
    assert!(names(&past).is_empty());

    // Filters, alone and together; links keep them.
    let client_1 = get(
        &emulator,
        "/__emulator/verifications?clientId=client-1&perPage=2",
    )
    .await
    .json();
    assert_eq!(client_1["count"], 3);
    assert_eq!(names(&client_1), pick(&[1, 3]));
    assert!(
        client_1["next"]
            .as_str()
            .unwrap()
            .contains("clientId=client-1")
    );
    let denied = get(&emulator, "/__emulator/verifications?status=DENIED")
        .await
        .json();
    assert_eq!(names(&denied), pick(&[1, 4]));
    let both = get(
        &emulator,
        "/__emulator/verifications?status=DENIED&clientId=client-0",
    )
    .await
    .json();
    assert_eq!(names(&both), pick(&[4]));
    let one = get(
        &emulator,
        &format!("/__emulator/verifications?scanRef={}", scan_refs[5]),
    )
    .await
    .json();
    assert_eq!(one["count"], 1);
    assert_eq!(one["results"][0]["status"], "ACTIVE");

    // Bad queries name what is wrong.
    for (query, named) in [
        ("status=approved", "status"),
        ("perPage=1000", "perPage"),
        ("perPage=0", "perPage"),
        ("page=0", "page"),
        ("page=two", "page"),
        ("sort=newest", "sort"),
        ("page=1&page=2", "page"),
    ] {
        let refused = get(&emulator, &format!("/__emulator/verifications?{query}")).await;
        assert_eq!(refused.status, 400, "{query}");
        assert_eq!(refused.json()["identifier"], "BAD_VALUE", "{query}");
        let message = refused.json()["message"].as_str().unwrap().to_owned();
        assert!(message.contains(named), "{query}: {message}");
    }

    // The Rust twin answers the same.
    let page = emulator
        .verifications_page(
            &VerificationQuery::new()
                .client_id("client-0")
                .status(OverallStatus::Active)
                .per_page(2)
                .page(2),
        )
        .unwrap();
    assert_eq!(page.count, 3);
    assert_eq!(page.results.len(), 1);
    assert_eq!(page.results[0].scan_ref, scan_refs[6]);
    assert!(page.has_previous() && !page.has_next());
    assert!(matches!(
        emulator.verifications_page(&VerificationQuery::new().per_page(MAX_PER_PAGE + 1)),
        Err(EmulatorError::InvalidQuery(_))
    ));
}

#[tokio::test]
async fn the_delivery_list_is_paged_and_filtered() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator);
    let mut scan_refs = Vec::new();
    for index in 0..3 {
        let token = client
            .create_token(&TokenRequest::builder(format!("c-{index}")).build().unwrap())
            .await
            .unwrap();
        let scan_ref = token.scan_ref.as_str().to_owned();
        emulator
            .complete(&scan_ref, Outcome::approved().manual_review(true))
            .unwrap();
        scan_refs.push(scan_ref);
    }
    emulator.wait_for_deliveries(6, WAIT).await.unwrap();

    let page = get(&emulator, "/__emulator/webhooks?perPage=4")
        .await
        .json();
    assert_eq!(page["count"], 6);
    assert_eq!(page["results"].as_array().unwrap().len(), 4);
    assert!(
        page["next"]
            .as_str()
            .unwrap()
            .ends_with("/__emulator/webhooks?page=2&perPage=4")
    );
    let manual = get(
        &emulator,
        "/__emulator/webhooks?eventType=IDENTIFICATION_MANUAL_FINISHED",
    )
    .await
    .json();
    assert_eq!(manual["count"], 3);
    assert!(
        manual["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["final"] == true)
    );
    let one = get(
        &emulator,
        &format!("/__emulator/webhooks?scanRef={}", scan_refs[1]),
    )
    .await
    .json();
    assert_eq!(one["count"], 2);
    assert_eq!(
        one["results"][0]["eventType"],
        "IDENTIFICATION_AUTO_FINISHED"
    );
    assert_eq!(
        one["results"][1]["eventType"],
        "IDENTIFICATION_MANUAL_FINISHED"
    );
    let refused = get(&emulator, "/__emulator/webhooks?eventType=NOPE").await;
    assert_eq!(refused.status, 400);
    let refused = get(&emulator, "/__emulator/webhooks?clientId=c-1").await;
    assert_eq!(refused.status, 400, "not a filter of this list");

    let page = emulator
        .deliveries_page(
            &DeliveryQuery::new()
                .scan_ref(scan_refs[2].clone())
                .event_type(EventType::IdentificationAutoFinished),
        )
        .unwrap();
    assert_eq!(page.count, 1);
    assert!(!page.results[0].is_final);
}

#[tokio::test]
async fn extra_token_fields_are_capped() {
    let emulator = Emulator::start().await.unwrap();
    let fits = json!({"clientId": "c", "theme": "dark", "note": "x".repeat(1000)});
    let created = post_json(&emulator, "/api/v2/token", &fits.to_string()).await;
    assert_eq!(created.status, 201, "{}", created.text());
    assert_eq!(created.json()["theme"], "dark");

    let too_much = json!({
        "clientId": "c",
        "note": "x".repeat(MAX_EXTRA_FIELD_BYTES),
    });
    let refused = post_json(&emulator, "/api/v2/token", &too_much.to_string()).await;
    assert_eq!(refused.status, 400);
    assert_eq!(refused.json()["identifier"], "BAD_VALUE");
    let message = refused.json()["message"].as_str().unwrap().to_owned();
    assert!(message.contains("note"), "{message}");
    assert!(
        message.contains(&format!("{MAX_EXTRA_FIELD_BYTES} bytes")),
        "{message}"
    );
    assert_eq!(emulator.verifications().len(), 1, "nothing was stored");
}
