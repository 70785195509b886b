#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Faults drawn at random, `Retry-After` on a status fault, and a body that stalls, over real
//! sockets.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use idenfy_emulator::{Emulator, EmulatorError, Fault, RandomFaults};
use idenfy_hyper::TokenRequest;
use support::{basic, client, post_json};

#[tokio::test]
async fn a_status_fault_carries_retry_after() {
    let emulator = Emulator::start().await.unwrap();
    emulator
        .inject_fault(Fault::status(429).retry_after(3).on_path("/api/v2/status"))
        .unwrap();
    let answer = post_json(&emulator, "/api/v2/status", "{}").await;
    assert_eq!(answer.status, 429);
    assert_eq!(answer.header("retry-after"), Some("3"));
}

#[tokio::test]
async fn a_stalled_body_sends_half_then_nothing_then_closes() {
    let emulator = Emulator::start().await.unwrap();
    let stall = Duration::from_millis(700);
    emulator
        .inject_fault(Fault::stall_body(stall).on_path("/api/v2/token"))
        .unwrap();
    let addr = emulator.local_addr();
    let authorization = basic(emulator.api_key(), emulator.api_secret());
    let (head_at, closed_at, bytes) = tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let body = r#"{"clientId":"stalled"}"#;
        write!(
            stream,
            "POST /api/v2/token HTTP/1.1\r\nHost: {addr}\r\nAuthorization: {authorization}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let started = Instant::now();
        let mut bytes = Vec::new();
        let mut buffer = [0u8; 4096];
        let mut head_at = None;
        loop {
            match stream.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    bytes.extend_from_slice(&buffer[..n]);
                    head_at.get_or_insert_with(|| started.elapsed());
                }
            }
        }
        (head_at.unwrap(), started.elapsed(), bytes)
    })
    .await
    .unwrap();
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.starts_with("HTTP/1.1 201"), "{text}");
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let announced: usize = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length: "))
        .unwrap()
        .parse()
        .unwrap();
    assert!(!body.is_empty() && body.len() < announced, "{text}");
    // The head came before the stall (well before the close, however loaded the machine); the
    // connection closed only after the stall.
    assert!(closed_at >= stall, "{closed_at:?}");
    assert!(
        closed_at.saturating_sub(head_at) >= stall / 2,
        "{head_at:?} then {closed_at:?}"
    );
    // The request was processed: its token exists.
    assert_eq!(emulator.verifications().len(), 1);
}

#[tokio::test]
async fn random_faults_hit_their_share_and_are_counted() {
    let emulator = Emulator::builder()
        .random_faults(
            RandomFaults::new(1.0, 11)
                .fault(Fault::status(503).on_path("/api/v2/status"))
                .fault(Fault::status(502).on_path("/api/v2/status")),
        )
        .start()
        .await
        .unwrap();
    for _ in 0..20 {
        let status = post_json(&emulator, "/api/v2/status", "{}").await.status;
        assert!(status == 503 || status == 502, "{status}");
    }
    // The token path matches neither fault: untouched and not counted.
    let client = client(&emulator);
    client
        .create_token(&TokenRequest::builder("calm").build().unwrap())
        .await
        .unwrap();
    // The control API is never hit.
    assert_eq!(
        support::raw_async(
            emulator.local_addr(),
            "GET",
            "/__emulator/health".into(),
            vec![],
            vec![]
        )
        .await
        .status,
        200
    );
    let tally = emulator.random_fault_tally();
    assert_eq!(tally.requests, 20);
    assert_eq!(tally.total(), 20);
    assert!(tally.injected.iter().all(|count| *count > 0), "{tally:?}");

    // Half the requests, then none.
    emulator
        .set_random_faults(Some(
            RandomFaults::new(0.5, 3).fault(Fault::status(500).on_prefix("/api/v2/")),
        ))
        .unwrap();
    let mut failed = 0;
    for _ in 0..40 {
        if post_json(&emulator, "/api/v2/status", "{}").await.status == 500 {
            failed += 1;
        }
    }
    let tally = emulator.random_fault_tally();
    assert_eq!((tally.requests, tally.total()), (40, failed));
    assert!((8..=32).contains(&failed), "{failed}");
    emulator.set_random_faults(None).unwrap();
    assert_eq!(
        post_json(&emulator, "/api/v2/status", "{}").await.status,
        400
    );
    assert_eq!(emulator.random_fault_tally().requests, 0);
}

#[tokio::test]
async fn random_faults_that_make_no_sense_are_refused() {
    let error = Emulator::builder()
        .random_faults(RandomFaults::new(1.5, 0).fault(Fault::drop_connection()))
        .start()
        .await
        .unwrap_err();
    assert!(matches!(error, EmulatorError::InvalidFault(_)), "{error}");
    let emulator = Emulator::start().await.unwrap();
    assert!(
        emulator
            .set_random_faults(Some(RandomFaults::new(0.1, 0)))
            .is_err()
    );
}

#[tokio::test]
async fn random_faults_through_the_control_api() {
    let emulator = Emulator::start().await.unwrap();
    let control = |method: &'static str, body: &str| {
        support::raw_async(
            emulator.local_addr(),
            method,
            "/__emulator/faults/random".into(),
            vec![("Content-Type", "application/json".to_owned())],
            body.as_bytes().to_vec(),
        )
    };
    assert_eq!(control("GET", "").await.json(), serde_json::Value::Null);
    let set = control(
        "PUT",
        r#"{"rate": 1, "seed": 5, "faults": [{"kind": "status", "status": 429, "retryAfter": 1, "path": "/api/v2/status"}]}"#,
    )
    .await;
    assert_eq!(set.status, 200, "{}", set.text());
    assert_eq!(set.json()["faults"][0]["retryAfter"], 1);
    let answer = post_json(&emulator, "/api/v2/status", "{}").await;
    assert_eq!(
        (answer.status, answer.header("retry-after")),
        (429, Some("1"))
    );
    let shown = control("GET", "").await.json();
    assert_eq!(
        (shown["requests"].as_u64(), shown["injected"][0].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(emulator.random_fault_tally().total(), 1);

    for refused in [
        r#"{"rate": 2, "faults": [{"kind": "drop"}]}"#,
        r#"{"rate": 0.5, "faults": []}"#,
        r#"{"faults": [{"kind": "drop"}]}"#,
        r#"{"rate": 0.5, "faults": [{"kind": "drop", "path": "/__emulator/health"}]}"#,
        "",
    ] {
        assert_eq!(control("PUT", refused).await.status, 400, "{refused}");
    }
    assert_eq!(control("DELETE", "").await.status, 204);
    assert_eq!(control("GET", "").await.json(), serde_json::Value::Null);
    assert_eq!(
        post_json(&emulator, "/api/v2/status", "{}").await.status,
        400
    );
}
