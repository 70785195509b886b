#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! The events beyond a finished or expired verification: `IDENTIFICATION_CANCELLED`,
//! `IDENTIFICATION_RESUBMITTED` (the request-information flow) and `DOCUMENT_EXPIRATION`, each
//! received by a real receiver on loopback, its signature checked and its body parsed by the
//! library, with the finality and de-duplication keys R8 asks for.

mod support;

use std::collections::HashSet;
use std::time::Duration;

use idenfy_emulator::{Emulator, EmulatorError, Outcome};
use idenfy_hyper::TokenRequest;
use idenfy_hyper::idenfy::webhook::{self, DedupKey, WebhookEvent};
use idenfy_hyper::idenfy::{EventType, ExpirationThreshold, OverallStatus};
use serde_json::{Value, json};
use support::{RawResponse, Received, Receiver, client, post_json, raw_async};

const WAIT: Duration = Duration::from_secs(10);

/// A control API call with a JSON body (or none).
async fn call(emulator: &Emulator, path: &str, body: Option<Value>) -> RawResponse {
    let (headers, body) = match body {
        Some(body) => (
            vec![("Content-Type", "application/json".to_owned())],
            body.to_string().into_bytes(),
        ),
        None => (vec![], vec![]),
    };
    raw_async(
        emulator.local_addr(),
        "POST",
        format!("/__emulator{path}"),
        headers,
        body,
    )
    .await
}

/// A control API `GET`.
async fn get(emulator: &Emulator, path: &str) -> RawResponse {
    raw_async(
        emulator.local_addr(),
        "GET",
        format!("/__emulator{path}"),
        vec![],
        vec![],
    )
    .await
}

/// What a receiver got, its signature checked with the emulator's key and parsed as a receiver
/// would.
fn verified(emulator: &Emulator, received: &Received) -> WebhookEvent {
    webhook::verify_and_parse(
        &received.body,
        received.header("idenfy-signature"),
        received.header("idenfy-event-type"),
        &[emulator.webhook_key()],
    )
    .unwrap()
}

/// A form post of the redirect page.
async fn finish_on_page(emulator: &Emulator, auth_token: &str, outcome: &str) -> RawResponse {
    raw_async(
        emulator.local_addr(),
        "POST",
        "/__emulator/ui/finish".to_owned(),
        vec![(
            "Content-Type",
            "application/x-www-form-urlencoded".to_owned(),
        )],
        format!("authToken={auth_token}&outcome={outcome}").into_bytes(),
    )
    .await
}

/// The path and query of a URL on the emulator.
fn target(emulator: &Emulator, url: &str) -> String {
    url.strip_prefix(emulator.base_url()).unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_verification_sends_a_final_cancelled_webhook_and_reads_expired() {
    let receiver = Receiver::start(vec![]).await;
    let emulator = Emulator::builder()
        .webhook_url(receiver.url.clone())
        .start()
        .await
        .unwrap();
    let client = client(&emulator);
    let request = TokenRequest::builder("cancel-me").build().unwrap();

    // Through Rust.
    let token = client.create_token(&request).await.unwrap();
    let scan_ref = token.scan_ref.as_str();
    emulator.start_session(scan_ref).unwrap();
    emulator.cancel(scan_ref).unwrap();
    let received = receiver.wait_for(1, WAIT).await;
    assert_eq!(
        received[0].header("idenfy-event-type"),
        Some("IDENTIFICATION_CANCELLED")
    );
    let event = verified(&emulator, &received[0]);
    assert!(event.is_final(), "a cancellation is final (R8)");
    let WebhookEvent::Identification { result, .. } = &event else {
        panic!("{event:?}");
    };
    assert_eq!(result.status.overall, Some(OverallStatus::Expired));
    assert_eq!(result.final_, Some(true));
    assert_eq!(result.scan_ref.as_deref(), Some(scan_ref));
    let body: Value = serde_json::from_slice(&received[0].body).unwrap();
    assert_eq!(body["status"]["autoDocument"], Value::Null, "no result");
    assert_eq!(body["data"]["docFirstName"], Value::Null, "no data");
    assert!(body.get("startTime").is_some(), "the session was opened");

    let status = client.status(scan_ref).await.unwrap();
    assert_eq!(status.status, Some(OverallStatus::Expired));
    let verification = emulator.verification(scan_ref).unwrap();
    assert_eq!(verification.status, OverallStatus::Expired);
    assert!(verification.finished_at.is_some() && verification.expires_at.is_none());
    assert!(matches!(
        emulator.cancel(scan_ref),
        Err(EmulatorError::Conflict { .. })
    ));
    assert!(matches!(
        emulator.complete(scan_ref, Outcome::approved()),
        Err(EmulatorError::Conflict { .. })
    ));
    // Deleting a cancelled verification: as an expired one.
    let deleted = post_json(
        &emulator,
        "/api/v2/delete",
        &json!({"scanRef": scan_ref}).to_string(),
    )
    .await;
    assert_eq!(deleted.status, 200);
    let status = client.status(scan_ref).await.unwrap();
    assert_eq!(status.status, Some(OverallStatus::ExpiredDeleted));

    // Through the control API: never opened, so no start and no address.
    let token = client.create_token(&request).await.unwrap();
    let scan_ref = token.scan_ref.as_str();
    let cancelled = call(
        &emulator,
        &format!("/verifications/{scan_ref}/cancel"),
        None,
    )
    .await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.text());
    assert_eq!(cancelled.json()["status"], "EXPIRED");
    let again = call(
        &emulator,
        &format!("/verifications/{scan_ref}/cancel"),
        None,
    )
    .await;
    assert_eq!(again.status, 409);
    assert_eq!(again.json()["identifier"], "CONFLICT");
    let unknown = call(&emulator, "/verifications/nobody/cancel", None).await;
    assert_eq!(unknown.status, 404);
    let with_body = call(
        &emulator,
        &format!("/verifications/{scan_ref}/cancel"),
        Some(json!({"why": "no"})),
    )
    .await;
    assert_eq!(with_body.status, 400, "{}", with_body.text());
    let received = receiver.wait_for(2, WAIT).await;
    let body: Value = serde_json::from_slice(&received[1].body).unwrap();
    assert_eq!(body["scanRef"], scan_ref);
    assert!(body.get("startTime").is_none());
    assert_eq!(body["clientIp"], Value::Null);
    assert!(verified(&emulator, &received[1]).is_final());
    // The link of a cancelled verification is no longer valid.
    let page = raw_async(
        emulator.local_addr(),
        "GET",
        target(&emulator, token.redirect_url.as_deref().unwrap()),
        vec![],
        vec![],
    )
    .await;
    assert_eq!(page.status, 410);
    assert!(page.text().contains("was cancelled"), "{}", page.text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_person_cancels_on_the_redirect_page_and_goes_to_the_unverified_url() {
    let receiver = Receiver::start(vec![]).await;
    let emulator = Emulator::builder()
        .webhook_url(receiver.url.clone())
        .start()
        .await
        .unwrap();
    let created = post_json(
        &emulator,
        "/api/v2/token",
        &json!({"clientId": "page", "unverifiedUrl": "https://partner.example/gave-up"})
            .to_string(),
    )
    .await
    .json();
    let auth_token = created["authToken"].as_str().unwrap();
    let scan_ref = created["scanRef"].as_str().unwrap();
    let page = raw_async(
        emulator.local_addr(),
        "GET",
        target(&emulator, created["redirectUrl"].as_str().unwrap()),
        vec![],
        vec![],
    )
    .await;
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(html.contains("name=\"outcome\" value=\"cancel\""), "{html}");
    assert_eq!(html.matches("<form ").count(), 2, "{html}");

    let cancelled = finish_on_page(&emulator, auth_token, "cancel").await;
    assert_eq!(cancelled.status, 303, "{}", cancelled.text());
    assert_eq!(
        cancelled.header("location"),
        Some("https://partner.example/gave-up")
    );
    let received = receiver.wait_for(1, WAIT).await;
    assert_eq!(
        received[0].header("idenfy-event-type"),
        Some("IDENTIFICATION_CANCELLED")
    );
    assert!(verified(&emulator, &received[0]).is_final());
    assert_eq!(
        emulator.verification(scan_ref).unwrap().status,
        OverallStatus::Expired
    );
    // An unknown choice lists the cancel one.
    let unknown = finish_on_page(&emulator, auth_token, "shrug").await;
    assert_eq!(unknown.status, 400);
    assert!(unknown.text().contains("cancel"), "{}", unknown.text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_for_information_brings_resubmissions_with_keys_of_their_own() {
    let receiver = Receiver::start(vec![]).await;
    let emulator = Emulator::builder()
        .webhook_url(receiver.url.clone())
        .start()
        .await
        .unwrap();
    let client = client(&emulator);
    let token = client
        .create_token(&TokenRequest::builder("resubmit").build().unwrap())
        .await
        .unwrap();
    let scan_ref = token.scan_ref.as_str();
    let old_link = token.redirect_url.as_deref().unwrap().clone();

    // Not finished yet: nothing to ask about.
    let early = call(
        &emulator,
        &format!("/verifications/{scan_ref}/request-information"),
        None,
    )
    .await;
    assert_eq!(early.status, 409, "{}", early.text());
    assert!(early.text().contains("ACTIVE"), "{}", early.text());

    // The first result, reviewed: AUTO_FINISHED (not final), MANUAL_FINISHED.
    let reviewed = Outcome::approved().manual_review(true);
    emulator.complete(scan_ref, reviewed.clone()).unwrap();
    receiver.wait_for(2, WAIT).await;

    // Bad lifetimes are refused, naming the field.
    for lifetime in [json!(2_592_001), json!(-1)] {
        let refused = call(
            &emulator,
            &format!("/verifications/{scan_ref}/request-information"),
            Some(json!({ "lifetime": lifetime })),
        )
        .await;
        assert_eq!(refused.status, 400, "{}", refused.text());
        assert!(refused.text().contains("lifetime"), "{}", refused.text());
    }
    assert!(matches!(
        emulator.request_information(scan_ref, Duration::from_secs(2_592_001)),
        Err(EmulatorError::InvalidArgument(_))
    ));
    let unknown = call(&emulator, "/verifications/nobody/request-information", None).await;
    assert_eq!(unknown.status, 404);

    // The partner asks for more information.
    let asked = call(
        &emulator,
        &format!("/verifications/{scan_ref}/request-information"),
        Some(json!({"lifetime": 600})),
    )
    .await;
    assert_eq!(asked.status, 200, "{}", asked.text());
    let asked = asked.json();
    let new_token = asked["tokenString"].as_str().unwrap().to_owned();
    assert_eq!(new_token.len(), 26);
    assert!(new_token.chars().all(|c| c.is_ascii_alphanumeric()));
    assert_ne!(new_token, token.auth_token.expose_secret());
    let session_url = asked["sessionUrl"].as_str().unwrap();
    assert_eq!(session_url, emulator.redirect_url(&new_token));
    let shown = get(&emulator, &format!("/verifications/{scan_ref}"))
        .await
        .json();
    assert_eq!(shown["status"], "ACTIVE");
    assert_eq!(shown["authToken"], new_token.as_str());
    assert_eq!(shown["redirectUrl"], session_url);
    assert_eq!(shown["startedAt"], Value::Null);
    let now = emulator
        .now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let expires = shown["expiresAt"].as_u64().unwrap();
    assert!(
        (now + 598..=now + 600).contains(&expires),
        "{expires} vs {now}"
    );
    assert_eq!(
        client.status(scan_ref).await.unwrap().status,
        Some(OverallStatus::Active)
    );
    // The old link is gone; the new one opens the session.
    let old = raw_async(
        emulator.local_addr(),
        "GET",
        target(&emulator, &old_link),
        vec![],
        vec![],
    )
    .await;
    assert_eq!(old.status, 404);
    let page = raw_async(
        emulator.local_addr(),
        "GET",
        target(&emulator, session_url),
        vec![],
        vec![],
    )
    .await;
    assert_eq!(page.status, 200);
    assert!(
        emulator
            .verification(scan_ref)
            .unwrap()
            .started_at
            .is_some()
    );

    // The person resubmits on the page: IDENTIFICATION_RESUBMITTED, final.
    let finished = finish_on_page(&emulator, &new_token, "approved").await;
    assert_eq!(finished.status, 303);
    receiver.wait_for(3, WAIT).await;
    assert_eq!(
        client.status(scan_ref).await.unwrap().status,
        Some(OverallStatus::Approved)
    );

    // Asked again (through Rust), resubmitted with the same reviewed result as the first:
    // RESUBMITTED (not final), then MANUAL_FINISHED.
    let again = emulator
        .request_information(scan_ref, idenfy_emulator::DEFAULT_INFORMATION_LIFETIME)
        .unwrap();
    assert_eq!(
        again.session_url,
        emulator.verification(scan_ref).unwrap().redirect_url
    );
    assert_ne!(again.token_string.expose_secret(), new_token);
    emulator.complete(scan_ref, reviewed).unwrap();
    let received = receiver.wait_for(5, WAIT).await;

    let events: Vec<WebhookEvent> = received
        .iter()
        .map(|received| verified(&emulator, received))
        .collect();
    let names: Vec<&str> = events.iter().map(WebhookEvent::event_name).collect();
    let auto = EventType::IdentificationAutoFinished.as_str();
    let manual = EventType::IdentificationManualFinished.as_str();
    let resubmitted = EventType::IdentificationResubmitted.as_str();
    assert_eq!(names, [auto, manual, resubmitted, resubmitted, manual]);
    let finals: Vec<bool> = events.iter().map(WebhookEvent::is_final).collect();
    assert_eq!(finals, [false, true, true, false, true]);
    // Five different results: five different keys, the two reviewed ones with the same status
    // included (a resubmission finishes later).
    let keys: HashSet<DedupKey> = events
        .iter()
        .map(|event| event.dedup_key().unwrap())
        .collect();
    assert_eq!(keys.len(), 5, "{keys:?}");
    let finish = |event: &WebhookEvent| match event {
        WebhookEvent::Identification { result, .. } => result.finish_time.unwrap(),
        other => panic!("{other:?}"),
    };
    assert!(finish(&events[2]) > finish(&events[1]));
    assert!(finish(&events[4]) > finish(&events[2]));
    // A repeat of one delivery shares its key.
    assert_eq!(
        verified(&emulator, &received[2]).dedup_key(),
        events[2].dedup_key()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unanswered_request_for_information_expires_after_its_lifetime() {
    let receiver = Receiver::start(vec![]).await;
    let emulator = Emulator::builder()
        .webhook_url(receiver.url.clone())
        .start()
        .await
        .unwrap();
    let client = client(&emulator);
    let token = client
        .create_token(&TokenRequest::builder("silent").build().unwrap())
        .await
        .unwrap();
    let scan_ref = token.scan_ref.as_str();
    emulator.complete(scan_ref, Outcome::denied()).unwrap();
    receiver.wait_for(1, WAIT).await;
    emulator
        .request_information(scan_ref, Duration::from_secs(60))
        .unwrap();
    // The clock also runs with real time: a second short of the lifetime leaves room for it.
    emulator.advance_clock(Duration::from_secs(59));
    assert_eq!(
        emulator.verification(scan_ref).unwrap().status,
        OverallStatus::Active
    );
    emulator.advance_clock(Duration::from_secs(1));
    let received = receiver.wait_for(2, WAIT).await;
    assert_eq!(
        received[1].header("idenfy-event-type"),
        Some("IDENTIFICATION_EXPIRED")
    );
    assert!(verified(&emulator, &received[1]).is_final());
    assert_eq!(
        client.status(scan_ref).await.unwrap().status,
        Some(OverallStatus::Expired)
    );
    // An expired verification cannot be asked again.
    assert!(matches!(
        emulator.request_information(scan_ref, Duration::from_secs(5)),
        Err(EmulatorError::WrongState { .. })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn document_expiration_notices_carry_the_documents_expiry_and_one_key_per_threshold() {
    let receiver = Receiver::start(vec![]).await;
    let emulator = Emulator::builder()
        .webhook_url(receiver.url.clone())
        .start()
        .await
        .unwrap();
    let client = client(&emulator);
    let token = client
        .create_token(&TokenRequest::builder("100042").build().unwrap())
        .await
        .unwrap();
    let scan_ref = token.scan_ref.as_str();
    let path = format!("/verifications/{scan_ref}/document-expiration");

    // No document read yet.
    let early = call(
        &emulator,
        &path,
        Some(json!({"threshold": "DOCUMENT_EXPIRED"})),
    )
    .await;
    assert_eq!(early.status, 409, "{}", early.text());
    emulator.complete(scan_ref, Outcome::approved()).unwrap();
    receiver.wait_for(1, WAIT).await;

    // Bad input names the field.
    let missing = call(&emulator, &path, None).await;
    assert_eq!(missing.status, 400);
    assert!(missing.text().contains("threshold"), "{}", missing.text());
    let unknown = call(&emulator, &path, Some(json!({"threshold": "SOON"}))).await;
    assert_eq!(unknown.status, 400);
    assert!(
        unknown.text().contains("DOCUMENT_EXPIRES_WITHIN_7_DAYS"),
        "{}",
        unknown.text()
    );
    assert!(matches!(
        emulator.document_expiration(scan_ref, ExpirationThreshold::from("SOON")),
        Err(EmulatorError::InvalidArgument(_))
    ));

    // Each threshold through the control API, the last one through Rust.
    for threshold in &ExpirationThreshold::KNOWN_STRS[..3] {
        let sent = call(&emulator, &path, Some(json!({ "threshold": threshold }))).await;
        assert_eq!(sent.status, 200, "{}", sent.text());
        assert_eq!(sent.json()["scanRef"], scan_ref);
    }
    emulator
        .document_expiration(scan_ref, ExpirationThreshold::Expired)
        .unwrap();
    let received = receiver.wait_for(5, WAIT).await;

    let data = post_json(
        &emulator,
        "/api/v2/data",
        &json!({"scanRef": scan_ref}).to_string(),
    )
    .await
    .json();
    let expiry = data["docExpiry"].as_str().unwrap();
    let mut keys = HashSet::new();
    for (received, threshold) in received[1..].iter().zip(ExpirationThreshold::KNOWN) {
        assert_eq!(
            received.header("idenfy-event-type"),
            Some("DOCUMENT_EXPIRATION")
        );
        let body: Value = serde_json::from_slice(&received.body).unwrap();
        assert_eq!(
            body,
            json!({
                "scanRef": scan_ref,
                "clientId": "100042",
                "expirationThreshold": threshold.as_str(),
                "documentExpiration": expiry,
            })
        );
        let event = verified(&emulator, received);
        assert!(event.is_final());
        let WebhookEvent::DocumentExpiration { expiration, .. } = &event else {
            panic!("{event:?}");
        };
        assert_eq!(expiration.expiration_threshold.as_ref(), Some(threshold));
        assert_eq!(
            expiration
                .document_expiration
                .as_deref()
                .map(String::as_str),
            Some(expiry)
        );
        keys.insert(event.dedup_key().unwrap());
    }
    assert_eq!(keys.len(), 4, "one key per threshold: {keys:?}");
    let deliveries = emulator.deliveries();
    assert!(
        deliveries
            .iter()
            .filter(|delivery| delivery.event_type == EventType::DocumentExpiration)
            .all(|delivery| delivery.is_final)
    );

    // Deleted: no document any more.
    post_json(
        &emulator,
        "/api/v2/delete",
        &json!({"scanRef": scan_ref}).to_string(),
    )
    .await;
    assert!(matches!(
        emulator.document_expiration(scan_ref, ExpirationThreshold::Expired),
        Err(EmulatorError::WrongState { .. })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_new_events_wait_for_an_earlier_retry() {
    // The first request fails (500); its retry is 0.5 s away when the next events happen.
    let receiver = Receiver::start(vec![500]).await;
    let emulator = Emulator::builder()
        .webhook_url(receiver.url.clone())
        .start()
        .await
        .unwrap();
    let client = client(&emulator);
    let token = client
        .create_token(&TokenRequest::builder("ordered").build().unwrap())
        .await
        .unwrap();
    let scan_ref = token.scan_ref.as_str();
    emulator.complete(scan_ref, Outcome::approved()).unwrap();
    receiver.wait_for(1, WAIT).await;
    emulator
        .document_expiration(scan_ref, ExpirationThreshold::Within30Days)
        .unwrap();
    emulator
        .request_information(scan_ref, Duration::from_secs(60))
        .unwrap();
    emulator.cancel(scan_ref).unwrap();
    assert_eq!(
        receiver.received().len(),
        1,
        "the retry went out before the events: the scenario did not happen"
    );
    let received = receiver.wait_for(4, WAIT).await;
    let names: Vec<&str> = received
        .iter()
        .map(|received| received.header("idenfy-event-type").unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "IDENTIFICATION_AUTO_FINISHED",
            "IDENTIFICATION_AUTO_FINISHED",
            "DOCUMENT_EXPIRATION",
            "IDENTIFICATION_CANCELLED"
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_new_events_in_quirks_mode_read_as_the_plain_ones() {
    let receiver = Receiver::start(vec![]).await;
    let emulator = Emulator::builder()
        .webhook_url(receiver.url.clone())
        .quirks(true)
        .start()
        .await
        .unwrap();
    let client = client(&emulator);
    let request = TokenRequest::builder("100042").build().unwrap();
    let token = client.create_token(&request).await.unwrap();
    let scan_ref = token.scan_ref.as_str();
    emulator.complete(scan_ref, Outcome::approved()).unwrap();
    emulator
        .document_expiration(scan_ref, ExpirationThreshold::Within1Day)
        .unwrap();
    emulator
        .request_information(scan_ref, Duration::from_secs(60))
        .unwrap();
    emulator.complete(scan_ref, Outcome::denied()).unwrap();
    let other = client.create_token(&request).await.unwrap();
    emulator.cancel(other.scan_ref.as_str()).unwrap();
    // AUTO_FINISHED, DOCUMENT_EXPIRATION, RESUBMITTED; the other's CANCELLED.
    let received = receiver.wait_for(4, WAIT).await;
    assert_eq!(received.len(), 4);

    for received in &received {
        let text = std::str::from_utf8(&received.body).unwrap();
        assert!(
            text.ends_with("}\n"),
            "pretty-printed, a signed newline: {text}"
        );
        assert!(
            text.contains("\"clientId\": 100042"),
            "a numeric clientId: {text}"
        );
        let event = verified(&emulator, received);
        assert!(event.is_final(), "{}", event.event_name());
        assert_eq!(
            event.client_id(),
            Some("100042"),
            "read leniently as the plain id"
        );
    }
    let by_name = |name: &str| {
        received
            .iter()
            .find(|received| received.header("idenfy-event-type") == Some(name))
            .unwrap()
    };
    let notice = verified(&emulator, by_name("DOCUMENT_EXPIRATION"));
    let WebhookEvent::DocumentExpiration { expiration, .. } = &notice else {
        panic!("{notice:?}");
    };
    assert!(
        expiration.fallbacks().is_empty(),
        "{:?}",
        expiration.fallbacks()
    );
    assert_eq!(
        expiration.expiration_threshold,
        Some(ExpirationThreshold::Within1Day)
    );
    let text = std::str::from_utf8(&by_name("DOCUMENT_EXPIRATION").body).unwrap();
    assert!(!text.contains("additionalSteps"), "{text}");
    assert!(verified(&emulator, by_name("IDENTIFICATION_CANCELLED")).is_final());
    let resubmitted = verified(&emulator, by_name("IDENTIFICATION_RESUBMITTED"));
    let WebhookEvent::Identification { result, .. } = &resubmitted else {
        panic!("{resubmitted:?}");
    };
    assert_eq!(result.status.overall, Some(OverallStatus::Denied));
}
