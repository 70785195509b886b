#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! The emulator's clock counts milliseconds: a token expires exactly `expiryTime` seconds after
//! it was made, not up to a second early; the control API shows and advances the clock in
//! milliseconds, and advances of any size saturate instead of overflowing.

mod support;

use std::time::{Duration, Instant};

use idenfy_emulator::Emulator;
use idenfy_hyper::TokenRequest;
use idenfy_hyper::idenfy::OverallStatus;
use serde_json::{Value, json};
use support::{RawResponse, client, post_json, raw_async};

const TOKENS: usize = 40;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_second_tokens_expire_after_one_second_and_not_before() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator);
    let request = TokenRequest::builder("sub-second")
        .expiry_time(1)
        .build()
        .unwrap();
    // Each token with the moment before it was asked for: the emulator made it later.
    let mut tokens = Vec::new();
    for _ in 0..TOKENS {
        let asked = Instant::now();
        let token = client.create_token(&request).await.unwrap();
        tokens.push((token.scan_ref.as_str().to_owned(), asked));
    }

    // 0.3 s after it was made, no token has expired.
    let mut checked = 0;
    for (scan_ref, asked) in &tokens {
        tokio::time::sleep_until((*asked + Duration::from_millis(300)).into()).await;
        let status = client.status(scan_ref).await.unwrap().status;
        // Only a check answered within the token's first second says anything (a stalled
        // machine may answer later; that is not what this test is about).
        if asked.elapsed() < Duration::from_millis(1000) {
            assert_eq!(
                status,
                Some(OverallStatus::Active),
                "{scan_ref} expired early"
            );
            checked += 1;
        }
    }
    assert!(
        checked > 0,
        "no token could be checked within its first second"
    );

    // 1.2 s after the last one was made, every token has expired.
    let last = tokens.last().unwrap().1;
    tokio::time::sleep_until((last + Duration::from_millis(1200)).into()).await;
    for (scan_ref, _) in &tokens {
        let status = client.status(scan_ref).await.unwrap().status;
        assert_eq!(status, Some(OverallStatus::Expired), "{scan_ref}");
    }
    // And each sent its IDENTIFICATION_EXPIRED (recorded: no webhook URL is set).
    let deliveries = emulator
        .wait_for_deliveries(TOKENS, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(deliveries.len(), TOKENS);
    // Reading a verification applied its expiry at once, as the clock's sweep does: no
    // verification expired twice.
    let mut scan_refs: Vec<&str> = deliveries.iter().map(|d| d.scan_ref.as_str()).collect();
    scan_refs.sort_unstable();
    scan_refs.dedup();
    assert_eq!(scan_refs.len(), TOKENS);
}

async fn control(
    emulator: &Emulator,
    method: &'static str,
    path: &str,
    body: Value,
) -> RawResponse {
    let (headers, body) = match body {
        Value::Null => (vec![], vec![]),
        body => (
            vec![("Content-Type", "application/json".to_owned())],
            body.to_string().into_bytes(),
        ),
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
async fn the_control_api_advances_the_clock_in_milliseconds_and_saturates() {
    let emulator = Emulator::start().await.unwrap();
    let before = control(&emulator, "GET", "/clock", Value::Null)
        .await
        .json();
    assert_eq!(before["offsetMs"], 0);
    let now_ms = before["nowMs"].as_i64().unwrap();
    assert_eq!(before["now"].as_i64().unwrap(), now_ms.div_euclid(1000));

    let token = client(&emulator)
        .create_token(&TokenRequest::builder("ms").expiry_time(2).build().unwrap())
        .await
        .unwrap();
    let scan_ref = token.scan_ref.as_str();
    let advanced = control(
        &emulator,
        "POST",
        "/clock/advance",
        json!({"milliseconds": 1500}),
    )
    .await;
    assert_eq!(advanced.status, 200);
    assert_eq!(advanced.json()["offsetMs"], 1500);
    assert_eq!(advanced.json()["offsetSeconds"], 1);
    assert!(advanced.json()["nowMs"].as_i64().unwrap() >= now_ms + 1500);
    assert_eq!(
        emulator.verification(scan_ref).unwrap().status,
        OverallStatus::Active
    );
    // Seconds and milliseconds add up: 1.5 s + 0.5 s more is the 2 s of the token.
    let advanced = control(
        &emulator,
        "POST",
        "/clock/advance",
        json!({"seconds": 0, "milliseconds": 500}),
    )
    .await;
    assert_eq!(advanced.json()["offsetMs"], 2000);
    assert_eq!(
        emulator.verification(scan_ref).unwrap().status,
        OverallStatus::Expired
    );

    // The largest advance there is: the clock stops at the end of year 9999 and everything
    // keeps working.
    // Over HTTP a step past the end is refused, naming the field; from Rust it saturates.
    let huge = control(
        &emulator,
        "POST",
        "/clock/advance",
        json!({"seconds": u64::MAX, "milliseconds": u64::MAX}),
    )
    .await;
    assert_eq!(huge.status, 400, "{}", huge.text());
    assert!(huge.text().contains("at most"), "{}", huge.text());
    for _ in 0..2 {
        emulator.advance_clock(std::time::Duration::MAX);
        let clock = control(&emulator, "GET", "/clock", Value::Null).await;
        assert_eq!(clock.status, 200, "{}", clock.text());
        assert_eq!(clock.json()["nowMs"], 253_402_300_799_999_i64);
        assert_eq!(clock.json()["now"], 253_402_300_799_i64);
    }
    let created = post_json(&emulator, "/api/v2/token", r#"{"clientId":"late"}"#).await;
    assert_eq!(created.status, 201, "{}", created.text());
    let late = created.json()["scanRef"].as_str().unwrap().to_owned();
    let status = post_json(
        &emulator,
        "/api/v2/status",
        &json!({"scanRef": late}).to_string(),
    )
    .await;
    assert_eq!(status.status, 200);
    // Its expiry falls past the clock's end, which the clock never reaches: it stays active
    // (rather than expiring the moment it is made), and can still be finished.
    assert_eq!(status.json()["status"], "ACTIVE");
    assert!(emulator.verification(&late).unwrap().created_at > std::time::SystemTime::now());
    let listed = control(
        &emulator,
        "GET",
        "/verifications?status=EXPIRED",
        Value::Null,
    )
    .await;
    assert_eq!(listed.json()["count"], 1, "only the token made before");
    let finished = control(
        &emulator,
        "POST",
        &format!("/verifications/{late}/complete"),
        json!({}),
    )
    .await;
    assert_eq!(finished.status, 200, "{}", finished.text());
    assert_eq!(finished.json()["status"], "APPROVED");

    let nothing = control(&emulator, "POST", "/clock/advance", json!({})).await;
    assert_eq!(nothing.status, 400);
    assert_eq!(nothing.json()["identifier"], "MISSING_VALUE");
}

#[test]
fn the_rust_clock_moves_by_milliseconds() {
    let emulator = Emulator::start_blocking().unwrap();
    let before = emulator.now();
    let after = emulator.advance_clock(Duration::from_millis(250));
    let moved = after.duration_since(before).unwrap();
    assert!(moved >= Duration::from_millis(250), "{moved:?}");
    assert!(moved < Duration::from_secs(5), "{moved:?}");
    let saturated = emulator.advance_clock(Duration::MAX);
    assert_eq!(
        saturated
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis(),
        253_402_300_799_999
    );
}
