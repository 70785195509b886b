#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Test code indexes and slices known fixtures and outputs: a bad bound is a failed test.
#![allow(clippy::indexing_slicing, clippy::string_slice)]
//! What keeps the emulator safe to leave running: the control API refuses what a web page of
//! another origin can send, the clock saturates instead of overflowing, faults that can never
//! apply are refused, and what it writes matches what it records and what the reference says.

mod support;

use std::time::Duration;

use idenfy_emulator::{Emulator, EmulatorError, Fault, Outcome};
use idenfy_hyper::TokenRequest;
use idenfy_hyper::idenfy::OverallStatus;
use serde_json::{Value, json};
use support::{RawResponse, client, raw_async};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// A control request with the given headers and body.
async fn control(
    emulator: &Emulator,
    method: &'static str,
    path: &str,
    headers: &[(&'static str, &str)],
    body: &str,
) -> RawResponse {
    raw_async(
        emulator.local_addr(),
        method,
        format!("/__emulator{path}"),
        headers
            .iter()
            .map(|(name, value)| (*name, (*value).to_owned()))
            .collect(),
        body.as_bytes().to_vec(),
    )
    .await
}

const JSON: (&str, &str) = ("Content-Type", "application/json");

/// The clock's offset, as the control API reports it.
async fn offset(emulator: &Emulator) -> i64 {
    control(emulator, "GET", "/clock", &[], "").await.json()["offsetSeconds"]
        .as_i64()
        .unwrap()
}

/// A control request sent with `host` as its `Host` header (the shared helper writes the
/// address), read to the end.
async fn with_host(
    emulator: &Emulator,
    method: &str,
    path: &str,
    host: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> support::RawResponse {
    let mut stream = tokio::net::TcpStream::connect(emulator.local_addr())
        .await
        .unwrap();
    let mut request = format!(
        "{method} /__emulator{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\
         Content-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer))
        .await
        .unwrap()
        .unwrap();
    support::parse_response(&answer)
}

#[tokio::test]
async fn a_foreign_origin_is_refused_on_every_control_route() {
    let emulator = Emulator::start().await.unwrap();
    let advance = r#"{"seconds": 3600}"#;
    for origin in [
        "http://evil.example",
        "https://evil.example",
        "null",
        "http://127.0.0.1:1",
        "http://localhost",
    ] {
        let refused = control(
            &emulator,
            "POST",
            "/clock/advance",
            &[JSON, ("Origin", origin)],
            advance,
        )
        .await;
        assert_eq!(refused.status, 403, "{origin}");
        assert_eq!(refused.json()["identifier"], "PERMISSIONS_ERROR");
        assert!(
            refused.json()["message"]
                .as_str()
                .unwrap()
                .contains("Origin")
        );
        let read = control(
            &emulator,
            "GET",
            "/verifications",
            &[("Origin", origin)],
            "",
        )
        .await;
        assert_eq!(read.status, 403, "{origin}");
    }
    assert_eq!(offset(&emulator).await, 0, "no refused advance was obeyed");

    // The emulator's own origin, written as its base URL or as the loopback host it was
    // reached by, passes.
    let own = emulator.base_url().to_owned();
    let port = emulator.local_addr().port();
    let localhost = format!("http://localhost:{port}");
    let host = format!("localhost:{port}");
    let ok = control(
        &emulator,
        "POST",
        "/clock/advance",
        &[JSON, ("Origin", &own)],
        advance,
    )
    .await;
    assert_eq!(ok.status, 200, "{}", ok.text());
    let ok = with_host(
        &emulator,
        "POST",
        "/clock/advance",
        &host,
        &[JSON, ("Origin", &localhost)],
        advance,
    )
    .await;
    assert_eq!(ok.status, 200, "{}", ok.text());
    // A DNS name is not trusted even when it matches the Host: a hostile page can re-bind it.
    let rebound = with_host(
        &emulator,
        "POST",
        "/clock/advance",
        &format!("rebound.example:{port}"),
        &[JSON, ("Origin", &format!("http://rebound.example:{port}"))],
        advance,
    )
    .await;
    assert_eq!(rebound.status, 403);
    assert_eq!(offset(&emulator).await, 7200);
}

#[tokio::test]
async fn state_changing_control_requests_must_be_json() {
    let emulator = Emulator::start().await.unwrap();
    let advance = r#"{"seconds": 3600}"#;
    // What a foreign page can send without asking: text/plain and forms.
    for content_type in [
        "text/plain",
        "text/plain;charset=UTF-8",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
    ] {
        let refused = control(
            &emulator,
            "POST",
            "/clock/advance",
            &[("Content-Type", content_type)],
            advance,
        )
        .await;
        assert_eq!(refused.status, 415, "{content_type}");
        assert_eq!(refused.json()["identifier"], "BAD_VALUE");
        assert!(refused.text().contains("application/json"));
    }
    // A body without a Content-Type.
    let untyped = control(&emulator, "POST", "/clock/advance", &[], advance).await;
    assert_eq!(untyped.status, 415);
    let put = control(
        &emulator,
        "PUT",
        "/webhook-url",
        &[("Content-Type", "text/plain")],
        r#"{"url": null}"#,
    )
    .await;
    assert_eq!(put.status, 415);
    let faults = control(
        &emulator,
        "POST",
        "/faults",
        &[("Content-Type", "text/plain")],
        r#"{"kind": "drop"}"#,
    )
    .await;
    assert_eq!(faults.status, 415);
    assert!(emulator.faults().is_empty());
    assert_eq!(offset(&emulator).await, 0, "no refused request was obeyed");

    // JSON, with parameters or a +json type, passes; so does a request with no body at all.
    let ok = control(
        &emulator,
        "POST",
        "/clock/advance",
        &[("Content-Type", "application/json; charset=utf-8")],
        advance,
    )
    .await;
    assert_eq!(ok.status, 200, "{}", ok.text());
    let ok = control(
        &emulator,
        "POST",
        "/clock/advance",
        &[("Content-Type", "application/merge-patch+json")],
        advance,
    )
    .await;
    assert_eq!(ok.status, 200, "{}", ok.text());
    assert_eq!(offset(&emulator).await, 7200);
    assert_eq!(
        control(&emulator, "DELETE", "/webhooks", &[], "")
            .await
            .status,
        204
    );
    // Reading needs no Content-Type.
    assert_eq!(
        control(&emulator, "GET", "/clock", &[], "").await.status,
        200
    );
}

#[tokio::test]
async fn the_redirect_form_is_obeyed_only_from_the_emulators_own_page() {
    let emulator = Emulator::start().await.unwrap();
    let token = client(&emulator)
        .create_token(&TokenRequest::builder("csrf").build().unwrap())
        .await
        .unwrap();
    let scan_ref = token.scan_ref.as_str().to_owned();
    let form = format!(
        "authToken={}&outcome=approved",
        token.auth_token.expose_secret()
    );
    let form_type = ("Content-Type", "application/x-www-form-urlencoded");
    for sender in [
        ("Origin", "http://evil.example"),
        ("Origin", "null"),
        ("Referer", "http://evil.example/page.html"),
    ] {
        let refused = control(&emulator, "POST", "/ui/finish", &[form_type, sender], &form).await;
        assert_eq!(refused.status, 403, "{sender:?}");
        assert_eq!(
            emulator.verification(&scan_ref).unwrap().status,
            OverallStatus::Active
        );
    }
    // The page's own post: Origin, or Referer without Origin, is the emulator.
    let page = format!(
        "{}/api/v2/redirect?authToken={}",
        emulator.base_url(),
        token.auth_token.expose_secret()
    );
    let finished = control(
        &emulator,
        "POST",
        "/ui/finish",
        &[form_type, ("Referer", &page)],
        &form,
    )
    .await;
    assert_eq!(finished.status, 303, "{}", finished.text());
    assert_eq!(
        emulator.verification(&scan_ref).unwrap().status,
        OverallStatus::Approved
    );
}

#[tokio::test]
async fn the_clock_saturates_instead_of_overflowing() {
    let emulator = Emulator::start().await.unwrap();
    // Through the control API, a step past the end of the clock is refused, naming the field
    // and the largest step allowed.
    let refused = control(
        &emulator,
        "POST",
        "/clock/advance",
        &[JSON],
        r#"{"seconds": 18446744073709551615}"#,
    )
    .await;
    assert_eq!(refused.status, 400);
    assert_eq!(refused.json()["identifier"], "BAD_VALUE");
    let message = refused.json()["message"].as_str().unwrap().to_owned();
    assert!(message.contains("'seconds'"), "{message}");
    assert!(message.contains("at most"), "{message}");
    assert!(message.contains("18446744073709551615"), "{message}");
    assert_eq!(offset(&emulator).await, 0);

    // Through Rust, the clock stops at the end of year 9999; everything after still works.
    let receiver = support::Receiver::start(vec![]).await;
    emulator.set_webhook_url(Some(&receiver.url)).unwrap();
    let now = emulator.advance_clock(Duration::from_secs(u64::MAX));
    let year_10000 = std::time::UNIX_EPOCH + Duration::from_secs(253_402_300_800);
    assert!(now < year_10000 + Duration::from_secs(60), "{now:?}");
    assert!(now > year_10000 - Duration::from_secs(60), "{now:?}");
    // Advancing again is a no-op, not an overflow.
    emulator.advance_clock(Duration::from_secs(u64::MAX));
    let clock = control(&emulator, "GET", "/clock", &[], "").await;
    assert_eq!(clock.status, 200);
    let limit = control(
        &emulator,
        "POST",
        "/clock/advance",
        &[JSON],
        r#"{"seconds": 1}"#,
    )
    .await;
    assert_eq!(limit.status, 400, "{}", limit.text());

    let client = client(&emulator);
    let token = client
        .create_token(
            &TokenRequest::builder("far-future")
                .expiry_time(1)
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    // Its expiry falls past the clock's end, which the clock never reaches: it stays active.
    let status = client.status(token.scan_ref.as_str()).await.unwrap();
    assert_eq!(status.status, Some(OverallStatus::Active));
    let listed = control(
        &emulator,
        "GET",
        &format!("/verifications/{}", token.scan_ref.as_str()),
        &[],
        "",
    )
    .await;
    assert_eq!(listed.status, 200);
    assert_eq!(listed.json()["status"], "ACTIVE", "{}", listed.text());
    // The person finishes it; its webhook, dated at the clock's end, is sent and signed.
    emulator
        .complete(token.scan_ref.as_str(), Outcome::approved())
        .unwrap();
    let deliveries = emulator
        .wait_for_deliveries(1, Duration::from_secs(10))
        .await
        .unwrap();
    assert_eq!(
        deliveries[0].event_type.as_str(),
        "IDENTIFICATION_AUTO_FINISHED"
    );
    deliveries[0]
        .verify_and_parse(&[emulator.webhook_key()])
        .unwrap();
    receiver.wait_for(1, Duration::from_secs(10)).await;
    let status = client.status(token.scan_ref.as_str()).await.unwrap();
    assert_eq!(status.status, Some(OverallStatus::Approved));

    // A second token finishes, with a delayed review that can never come due.
    let token = client
        .create_token(&TokenRequest::builder("far-future-2").build().unwrap())
        .await
        .unwrap();
    emulator
        .complete(
            token.scan_ref.as_str(),
            Outcome::approved()
                .manual_review(true)
                .review_after(Duration::from_secs(u64::MAX)),
        )
        .unwrap();
    let status = client.status(token.scan_ref.as_str()).await.unwrap();
    assert_eq!(status.status, Some(OverallStatus::Reviewing));
    assert!(emulator.verifications().len() == 2);
}

#[tokio::test]
async fn faults_that_can_never_apply_are_refused() {
    let emulator = Emulator::start().await.unwrap();
    for (fault, field) in [
        (
            json!({"kind": "drop", "path": "/__emulator/health"}),
            "path",
        ),
        (json!({"kind": "drop", "path": "/__emulator"}), "path"),
        (json!({"kind": "drop", "prefix": "/__emulator/"}), "prefix"),
        (json!({"kind": "drop", "path": "api/v2/token"}), "path"),
        (
            json!({"kind": "drop", "path": "/api/v2/status?x=1"}),
            "path",
        ),
        (json!({"kind": "drop", "times": 0}), "times"),
        (json!({"kind": "status", "status": 101}), "status"),
        (json!({"kind": "status", "status": 100}), "status"),
        (json!({"kind": "status", "status": 1000}), "status"),
        (
            json!({"kind": "status", "status": 204, "body": "x"}),
            "body",
        ),
        (
            json!({"kind": "status", "status": 304, "body": {"a": 1}}),
            "body",
        ),
    ] {
        let refused = control(&emulator, "POST", "/faults", &[JSON], &fault.to_string()).await;
        assert_eq!(refused.status, 400, "{fault}: {}", refused.text());
        assert_eq!(refused.json()["identifier"], "BAD_VALUE");
        let message = refused.json()["message"].as_str().unwrap().to_owned();
        assert!(
            message.contains(&format!("`{field}`")),
            "{fault}: {message}"
        );
    }
    assert!(emulator.faults().is_empty());

    // The same refusals in Rust.
    for fault in [
        Fault::drop_connection().on_path("/__emulator/faults"),
        Fault::garbage().on_prefix("/__emulator/verifications"),
        Fault::garbage().times(0),
        Fault::status(101),
        Fault::status(204).with_body("text/plain", "no"),
    ] {
        assert!(
            matches!(
                emulator.inject_fault(fault.clone()),
                Err(EmulatorError::InvalidFault(_))
            ),
            "{fault:?}"
        );
    }
    assert!(emulator.faults().is_empty());
    // A prefix that can still match a path outside the control API is kept.
    emulator
        .inject_fault(Fault::status(503).on_prefix("/__emulator"))
        .unwrap();
    let answer = raw_async(
        emulator.local_addr(),
        "GET",
        "/__emulatorx".into(),
        vec![],
        vec![],
    )
    .await;
    assert_eq!(answer.status, 503);
}

#[tokio::test]
async fn a_204_or_304_fault_is_answered_without_a_body() {
    let emulator = Emulator::start().await.unwrap();
    for status in [204_u16, 304] {
        let added = control(
            &emulator,
            "POST",
            "/faults",
            &[JSON],
            &json!({"kind": "status", "status": status, "path": "/api/v2/status"}).to_string(),
        )
        .await;
        assert_eq!(added.status, 201, "{}", added.text());
        let answer = support::post_json(&emulator, "/api/v2/status", "{}").await;
        assert_eq!(answer.status, status);
        assert!(answer.body.is_empty(), "{}", answer.text());
        assert_eq!(answer.header("content-type"), None);
        assert!(
            answer
                .header("content-length")
                .is_none_or(|length| length == "0"),
            "{:?}",
            answer.headers
        );
    }
    // Rust's builder makes the same empty answer.
    emulator
        .inject_fault(Fault::status(204).on_path("/api/v2/data"))
        .unwrap();
    let answer = support::post_json(&emulator, "/api/v2/data", "{}").await;
    assert_eq!(answer.status, 204);
    assert!(answer.body.is_empty());
}

/// A webhook receiver on a plain socket that keeps the exact bytes of the request head.
async fn raw_receiver() -> (String, tokio::task::JoinHandle<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut bytes = Vec::new();
        let mut buffer = [0_u8; 4096];
        while !bytes.windows(4).any(|window| window == b"\r\n\r\n") {
            let read = stream.read(&mut buffer).await.unwrap();
            assert!(read > 0, "the request ended before its head");
            bytes.extend_from_slice(&buffer[..read]);
        }
        stream
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        let end = bytes
            .windows(4)
            .position(|window| window == b"\r\n\r\n")
            .unwrap();
        String::from_utf8(bytes[..end].to_vec()).unwrap()
    });
    (url, task)
}

#[tokio::test]
async fn webhook_header_names_on_the_wire_are_the_ones_recorded() {
    let (url, head) = raw_receiver().await;
    let emulator = Emulator::builder().webhook_url(url).start().await.unwrap();
    client(&emulator)
        .create_token(
            &TokenRequest::builder("wire")
                .dummy_status(idenfy_hyper::idenfy::DummyStatus::Approved)
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    let head = tokio::time::timeout(Duration::from_secs(10), head)
        .await
        .unwrap()
        .unwrap();
    let deliveries = emulator
        .wait_for_deliveries(1, Duration::from_secs(10))
        .await
        .unwrap();
    assert_eq!(deliveries[0].headers.len(), 3);
    for (name, value) in &deliveries[0].headers {
        assert!(
            head.contains(&format!("\r\n{name}: {value}")),
            "{name} is not on the wire as recorded:\n{head}"
        );
    }
    assert!(head.contains("\r\nIdenfy-Signature: "), "{head}");
}

#[tokio::test]
async fn an_unopened_token_expires_without_a_start_or_an_address() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator);
    let unopened = client
        .create_token(
            &TokenRequest::builder("never")
                .expiry_time(60)
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    let opened = client
        .create_token(
            &TokenRequest::builder("opened")
                .expiry_time(60)
                .session_length(60)
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    let page = raw_async(
        emulator.local_addr(),
        "GET",
        format!(
            "/api/v2/redirect?authToken={}",
            opened.auth_token.expose_secret()
        ),
        vec![],
        vec![],
    )
    .await;
    assert_eq!(page.status, 200);
    emulator.advance_clock(Duration::from_secs(120));
    let deliveries = emulator
        .wait_for_deliveries(2, Duration::from_secs(10))
        .await
        .unwrap();
    let body = |scan_ref: &str| -> Value {
        deliveries
            .iter()
            .find(|delivery| delivery.scan_ref == scan_ref)
            .unwrap()
            .json()
            .unwrap()
    };
    let never = body(unopened.scan_ref.as_str());
    assert_eq!(never["status"]["overall"], "EXPIRED");
    assert!(never.get("startTime").is_none(), "{never}");
    assert_eq!(never["clientIp"], Value::Null);
    assert!(never["finishTime"].is_i64());
    // The client library still reads it.
    deliveries
        .iter()
        .find(|delivery| delivery.scan_ref == unopened.scan_ref.as_str())
        .unwrap()
        .verify_and_parse(&[emulator.webhook_key()])
        .unwrap();
    // A session that was opened keeps its start and the person's address.
    let started = body(opened.scan_ref.as_str());
    assert!(started["startTime"].is_i64(), "{started}");
    assert_eq!(started["clientIp"], "127.0.0.1");
}

/// `POST /api/v2/status` for `scan_ref`, as JSON.
async fn status(emulator: &Emulator, scan_ref: &str) -> Value {
    support::post_json(
        emulator,
        "/api/v2/status",
        &json!({"scanRef": scan_ref}).to_string(),
    )
    .await
    .json()
}

#[tokio::test]
async fn manual_results_are_empty_in_status_and_null_in_webhooks_until_a_review() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator);
    let auto = client
        .create_token(&TokenRequest::builder("auto").build().unwrap())
        .await
        .unwrap();
    let reviewed = client
        .create_token(&TokenRequest::builder("reviewed").build().unwrap())
        .await
        .unwrap();
    emulator
        .complete(auto.scan_ref.as_str(), Outcome::approved())
        .unwrap();
    emulator
        .complete(
            reviewed.scan_ref.as_str(),
            Outcome::approved().manual_review(true),
        )
        .unwrap();
    let deliveries = emulator
        .wait_for_deliveries(3, Duration::from_secs(10))
        .await
        .unwrap();
    // Without a review: "" in status (reference §3.2), null in the webhook (§5.4).
    let auto_status = status(&emulator, auto.scan_ref.as_str()).await;
    assert_eq!(auto_status["manualDocument"], "");
    assert_eq!(auto_status["manualFace"], "");
    assert_eq!(auto_status["autoDocument"], "DOC_VALIDATED");
    let auto_hook = deliveries
        .iter()
        .find(|delivery| delivery.scan_ref == auto.scan_ref.as_str())
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(auto_hook["status"]["manualDocument"], Value::Null);
    assert_eq!(auto_hook["status"]["manualFace"], Value::Null);
    // After the review both carry the result.
    let reviewed_status = status(&emulator, reviewed.scan_ref.as_str()).await;
    assert_eq!(reviewed_status["manualDocument"], "DOC_VALIDATED");
    assert_eq!(reviewed_status["manualFace"], "FACE_MATCH");
    let manual_hook = deliveries
        .iter()
        .find(|delivery| delivery.scan_ref == reviewed.scan_ref.as_str() && delivery.is_final)
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(manual_hook["status"]["manualDocument"], "DOC_VALIDATED");
    assert_eq!(manual_hook["status"]["manualFace"], "FACE_MATCH");
}

/// Sends `GET {target}` with the given `Host` over a fresh loopback connection; the answer's
/// status code.
async fn get_with_host(emulator: &Emulator, target: &str, host: &str) -> u16 {
    let mut stream = tokio::net::TcpStream::connect(emulator.local_addr())
        .await
        .unwrap();
    let head = format!("GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer))
        .await
        .unwrap()
        .unwrap();
    let text = String::from_utf8_lossy(&answer);
    text.split(' ').nth(1).unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_page_rebound_to_loopback_by_a_dns_name_reads_nothing() {
    let emulator = Emulator::start().await.unwrap();
    let port = emulator.local_addr().port();
    // A hostile page whose own name now resolves to 127.0.0.1: same-origin with itself, so no
    // `Origin` on its GET — but its name is in `Host`.
    for host in [
        format!("attacker.example:{port}"),
        format!("kyc.attacker.example:{port}"),
        "attacker.example".to_owned(),
    ] {
        for target in ["/__emulator/verifications", "/__emulator/webhooks"] {
            assert_eq!(get_with_host(&emulator, target, &host).await, 403, "{host}");
        }
    }
    // Addressed as the emulator is: served.
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
    ] {
        assert_eq!(
            get_with_host(&emulator, "/__emulator/verifications", &host).await,
            200,
            "{host}"
        );
    }
    // The API itself is not concerned (it asks for credentials): a named host reaches it.
    assert_eq!(
        get_with_host(&emulator, "/api/v2/status", &format!("app:{port}")).await,
        401
    );
}
