//! `idenfy emulator --keep-finished N --keep-deliveries N`: the retention limits of the served
//! emulator, and their refusal when out of range.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing)]

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Stdio};

use idenfy::DummyStatus;
use idenfy_hyper::{Client, Config, Credentials, HyperTransport, TokenRequest};
use serde_json::Value;

/// The served emulator, killed when dropped.
struct Served(Child);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The body of `GET path` on `base_url`.
fn get(base_url: &str, path: &str) -> Value {
    let addr = base_url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    serde_json::from_str(body).unwrap()
}

#[test]
fn the_served_emulator_keeps_what_the_flags_say() {
    let mut child = support::command(&[
        "--json",
        "emulator",
        "--api-key",
        "keep-key",
        "--api-secret",
        "keep-secret",
        "--keep-finished",
        "1",
        "--keep-deliveries",
        "1",
    ])
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::null())
    .spawn()
    .expect("the binary starts");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let served = Served(child);
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let started: Value = serde_json::from_str(&line).unwrap();
    let base_url = started["baseUrl"].as_str().unwrap().to_owned();

    let config = Config::builder(Credentials::new("keep-key", "keep-secret").unwrap())
        .base_url(base_url.as_str())
        .build()
        .unwrap();
    let client = Client::with_transport(config, HyperTransport::new().unwrap());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let request = TokenRequest::builder("kept")
            .dummy_status(DummyStatus::Approved)
            .build()
            .unwrap();
        let first = client.create_token(&request).await.unwrap();
        let second = client.create_token(&request).await.unwrap();
        // Only the latest finished verification is kept; the first answers like an unknown one.
        let gone = client.status(first.scan_ref.as_str()).await.unwrap_err();
        assert_eq!(gone.as_api().unwrap().status().as_u16(), 404, "{gone}");
        assert!(client.status(second.scan_ref.as_str()).await.is_ok());
    });
    let verifications = get(&base_url, "/__emulator/verifications");
    assert_eq!(verifications["count"], 1);
    // Two webhooks were recorded, one is kept (waiting for the second one's record first).
    let mut webhooks = Value::Null;
    for _ in 0..100 {
        webhooks = get(&base_url, "/__emulator/webhooks");
        if webhooks["results"][0]["scanRef"] == verifications["results"][0]["scanRef"] {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(webhooks["count"], 1);
    assert_eq!(
        webhooks["results"][0]["scanRef"],
        verifications["results"][0]["scanRef"]
    );
    drop(served);
}

#[test]
fn retention_out_of_range_is_a_usage_error() {
    let run = support::idenfy(&["emulator", "--keep-finished", "0"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("finishedRetention"), "{}", run.stderr);
    let run = support::idenfy(&["emulator", "--keep-deliveries", "-1"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}
