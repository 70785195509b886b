//! The example service run as it is shipped, with the emulator delivering to it on loopback: it
//! acknowledges a signed webhook and logs it without personal data, refuses one signed with
//! another key, and refuses to start with an empty key. Every wait is bounded.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)]

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper_util::client::legacy::Client as LegacyClient;
use hyper_util::rt::TokioExecutor;
use idenfy_emulator::{DeliveryOutcome, Emulator, Outcome};
use idenfy_proto::http::{Request, Response};
use idenfy_proto::{Endpoint as _, TokenRequest};

/// How long any one wait may last.
const WAIT: Duration = Duration::from_secs(10);

/// The service, killed when dropped, and the lines of its output.
struct Service {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Service {
    fn start(env: &[(&str, &str)]) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_idenfy-axum-example"));
        command
            .env_remove("IDENFY_WEBHOOK_KEY")
            .env_remove("IDENFY_WEBHOOK_KEY_PREVIOUS")
            .env_remove("RUST_LOG")
            .env("IDENFY_WEBHOOK_LISTEN", "127.0.0.1:0")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().unwrap();
        let (sender, lines) = mpsc::channel();
        for output in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let sender = sender.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(output).lines() {
                    let Ok(line) = line else { break };
                    if sender.send(line).is_err() {
                        break;
                    }
                }
            });
        }
        Self {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Waits for a line of output that contains every one of `parts`, and returns it.
    fn line_with(&mut self, parts: &[&str]) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if parts.iter().all(|part| line.contains(part)) {
                        return line;
                    }
                }
                Err(_) => panic!("no line with {parts:?} in time; output: {:#?}", self.seen),
            }
        }
    }

    /// The webhook URL the service logged when it started.
    fn webhook_url(&mut self) -> String {
        let line = self.line_with(&["listening on http://"]);
        let start = line.find("http://").unwrap();
        line[start..].split_whitespace().next().unwrap().to_owned()
    }
}

/// Creates a token on the emulator and returns its `scanRef`.
async fn create_token(emulator: &Emulator, request: &TokenRequest) -> String {
    let (parts, body) = request.to_request(&emulator.config()).unwrap().into_parts();
    let client = LegacyClient::builder(TokioExecutor::new()).build_http();
    let response = tokio::time::timeout(
        WAIT,
        client.request(Request::from_parts(parts, Full::new(Bytes::from(body)))),
    )
    .await
    .unwrap()
    .unwrap();
    let (parts, body) = response.into_parts();
    let body = body.collect().await.unwrap().to_bytes();
    let token = request
        .parse(Response::from_parts(parts, &body[..]))
        .unwrap();
    token.scan_ref.as_str().to_owned()
}

#[tokio::test]
async fn the_service_acknowledges_and_logs_the_emulators_webhook() {
    let mut service = Service::start(&[("IDENFY_WEBHOOK_KEY", "the-signing-key")]);
    let url = service.webhook_url();
    let emulator = Emulator::builder()
        .webhook_url(url)
        .webhook_key("the-signing-key")
        .start()
        .await
        .unwrap();
    let request = TokenRequest::builder("customer-42")
        .first_name("Birute")
        .last_name("Basanaviciene")
        .build()
        .unwrap();
    let scan_ref = create_token(&emulator, &request).await;
    emulator.complete(&scan_ref, Outcome::approved()).unwrap();

    let delivered = emulator.wait_for_deliveries(1, WAIT).await.unwrap();
    assert_eq!(delivered[0].outcome, DeliveryOutcome::Answered(200));
    // The body carried the person's name (the emulator synthesizes the document data from the
    // token request); the log has the event, the scanRef, the status and finality only.
    assert!(String::from_utf8_lossy(&delivered[0].body).contains("BIRUTE"));
    let line = service.line_with(&["webhook received", &scan_ref]);
    for part in ["IDENTIFICATION_AUTO_FINISHED", "APPROVED", "is_final=true"] {
        assert!(line.contains(part), "{part} missing from {line}");
    }
    assert!(
        service
            .seen
            .iter()
            .all(|line| !line.to_uppercase().contains("BIRUTE")),
        "{:#?}",
        service.seen
    );
}

#[tokio::test]
async fn the_service_refuses_a_webhook_signed_with_another_key_and_accepts_the_previous_one() {
    let mut service = Service::start(&[
        ("IDENFY_WEBHOOK_KEY", "new-key"),
        ("IDENFY_WEBHOOK_KEY_PREVIOUS", "old-key"),
    ]);
    let url = service.webhook_url();
    for (signing_key, answer) in [("old-key", 200), ("other-key", 401)] {
        let emulator = Emulator::builder()
            .webhook_url(url.as_str())
            .webhook_key(signing_key)
            .start()
            .await
            .unwrap();
        let scan_ref =
            create_token(&emulator, &TokenRequest::builder("c-1").build().unwrap()).await;
        emulator.complete(&scan_ref, Outcome::denied()).unwrap();
        let delivered = emulator.wait_for_deliveries(1, WAIT).await.unwrap();
        assert_eq!(
            delivered[0].outcome,
            DeliveryOutcome::Answered(answer),
            "{signing_key}"
        );
    }
    // The extractor's debug event says why, and the service's warning what was answered.
    service.line_with(&["signature", "does not match"]);
    service.line_with(&["delivery refused", "401"]);
}

#[test]
fn the_service_refuses_to_start_without_a_key_or_with_an_empty_one() {
    for (env, expected) in [
        (&[][..], "IDENFY_WEBHOOK_KEY is not set"),
        (
            &[("IDENFY_WEBHOOK_KEY", "")][..],
            "IDENFY_WEBHOOK_KEY: the webhook key is empty",
        ),
        (
            &[
                ("IDENFY_WEBHOOK_KEY", "k"),
                ("IDENFY_WEBHOOK_KEY_PREVIOUS", ""),
            ][..],
            "IDENFY_WEBHOOK_KEY_PREVIOUS: the webhook key is empty",
        ),
    ] {
        let mut service = Service::start(env);
        service.line_with(&[expected]);
        let deadline = Instant::now() + WAIT;
        let status = loop {
            if let Some(status) = service.child.try_wait().unwrap() {
                break status;
            }
            assert!(Instant::now() < deadline, "still running: {expected}");
            std::thread::sleep(Duration::from_millis(20));
        };
        assert_eq!(status.code(), Some(2), "{expected}");
    }
}
