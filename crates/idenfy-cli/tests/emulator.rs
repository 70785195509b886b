//! `idenfy emulator` as a real process: it prints how to reach it, serves the API to the
//! library's hyper client, and stops cleanly on Ctrl-C (SIGINT).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Test code indexes and slices known fixtures and outputs: a bad bound is a failed test.
#![allow(clippy::indexing_slicing, clippy::string_slice)]

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStderr, ChildStdout, Stdio};
use std::time::{Duration, Instant};

use idenfy::{OverallStatus, webhook};
use idenfy_hyper::{Client, Config, Credentials, HyperTransport, TokenRequest};
use serde_json::Value;

/// A running `idenfy emulator`, killed when dropped.
struct Served {
    child: Child,
    stdout: BufReader<ChildStdout>,
    stderr: BufReader<ChildStderr>,
}

impl Served {
    fn start(args: &[&str]) -> Self {
        let mut child = support::command(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let stderr = BufReader::new(child.stderr.take().unwrap());
        Self {
            child,
            stdout,
            stderr,
        }
    }

    /// The next line on stderr.
    fn error_line(&mut self) -> String {
        let mut line = String::new();
        self.stderr.read_line(&mut line).unwrap();
        assert!(
            !line.is_empty(),
            "the emulator exited before writing to stderr"
        );
        line
    }

    fn line(&mut self) -> String {
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        assert!(!line.is_empty(), "the emulator exited before printing");
        line
    }

    /// Sends SIGINT, as Ctrl-C does, and waits for the process to exit; `None` when no `kill`
    /// command is available to send it.
    fn interrupt(mut self) -> Option<std::process::ExitStatus> {
        let sent = std::process::Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .is_ok_and(|status| status.success());
        if !sent {
            return None;
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("the emulator did not stop on SIGINT");
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn client(base_url: &str, key: &str, secret: &str) -> Client {
    let config = Config::builder(Credentials::new(key, secret).unwrap())
        .base_url(base_url)
        .build()
        .unwrap();
    Client::with_transport(config, HyperTransport::new().unwrap())
}

#[test]
fn json_mode_prints_one_document_then_serves_until_interrupted() {
    let mut served = Served::start(&[
        "emulator",
        "--json",
        "--api-key",
        "cli-key",
        "--api-secret",
        "cli-secret",
        "--webhook-key",
        "cli-signing-key",
    ]);
    let started: Value = serde_json::from_str(&served.line()).unwrap();
    let base_url = started["baseUrl"].as_str().unwrap().to_owned();
    assert!(base_url.starts_with("http://127.0.0.1:"), "{base_url}");
    assert_eq!(started["apiKey"], "cli-key");
    // A secret the user gave may be a real one (IDENFY_API_SECRET): never printed (R10).
    assert_eq!(started["apiSecret"], "[given]");
    assert!(!served_output_contains_secret(&started, "cli-secret"));
    // So is a webhook key the user gave (issue 12): only that one was given.
    assert_eq!(started["webhookKey"], "[given]");
    assert!(!served_output_contains_secret(&started, "cli-signing-key"));
    assert_eq!(started["webhookUrl"], Value::Null);
    assert_eq!(started["controlUrl"], format!("{base_url}/__emulator"));

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = client(&base_url, "cli-key", "cli-secret");
        let request = TokenRequest::builder("from-the-cli-test")
            .dummy_status(idenfy::DummyStatus::Approved)
            .build()
            .unwrap();
        let token = client.create_token(&request).await.unwrap();
        let status = client.status(token.scan_ref.as_str()).await.unwrap();
        assert_eq!(status.status, Some(OverallStatus::Approved));
        let wrong = self::client(&base_url, "cli-key", "other-secret");
        assert!(wrong.status(token.scan_ref.as_str()).await.is_err());
    });
    // The emulator signs with the key given (a dummy webhook was recorded).
    let deliveries = support_get(&base_url, "/__emulator/webhooks");
    let deliveries: Value = serde_json::from_str(&deliveries).unwrap();
    let delivery = &deliveries["results"][0];
    webhook::verify(
        delivery["body"].as_str().unwrap().as_bytes(),
        delivery["headers"]["Idenfy-Signature"].as_str(),
        &[webhook::WebhookKey::new("cli-signing-key").unwrap()],
    )
    .unwrap();

    if let Some(status) = served.interrupt() {
        assert!(status.success(), "{status}");
    }
}

/// `GET` of a control route with a hand-written request; the body.
fn support_get(base_url: &str, path: &str) -> String {
    use std::io::{Read, Write};
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
    body.to_owned()
}

#[test]
fn human_mode_prints_the_base_url_and_generated_credentials() {
    let mut served = Served::start(&["emulator", "--listen", "127.0.0.1:0"]);
    let lines: Vec<String> = (0..6).map(|_| served.line()).collect();
    let value = |label: &str| -> String {
        let line = lines
            .iter()
            .find(|line| line.starts_with(label))
            .unwrap_or_else(|| panic!("no {label} line in {lines:?}"));
        line[label.len()..].trim().to_owned()
    };
    let base_url = value("base URL");
    let (key, secret) = (value("API key"), value("API secret"));
    assert!(key.starts_with("emulator-"));
    assert_eq!(secret.len(), 32);
    assert_eq!(value("webhook key").len(), 32);
    assert_eq!(value("webhook URL"), "none");
    assert_eq!(value("control API"), format!("{base_url}/__emulator"));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let token = client(&base_url, &key, &secret)
            .create_token(&TokenRequest::builder("human").build().unwrap())
            .await
            .unwrap();
        assert_eq!(token.auth_token.expose_secret().len(), 26);
    });
}

#[test]
fn a_bad_address_is_a_usage_error() {
    let run = support::idenfy(&["emulator", "--listen", "localhost"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("listen:"), "{}", run.stderr);

    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let run = support::idenfy(&["--json", "emulator", "--listen", &addr]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.json()["error"]["kind"], "emulator");

    let run = support::idenfy(&["emulator", "--webhook-url", "not a url"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("webhookUrl"), "{}", run.stderr);
}

#[test]
fn a_loopback_address_is_reported_as_loopback_only_without_a_warning() {
    // What a non-loopback address prints is checked on the address alone (unit tests of the
    // command): tests bind loopback addresses only. On loopback there is no warning: the status
    // line comes first.
    let mut served = Served::start(&["--json", "emulator"]);
    let started: Value = serde_json::from_str(&served.line()).unwrap();
    assert_eq!(started["loopbackOnly"], true);
    assert!(
        started["listen"]
            .as_str()
            .unwrap()
            .starts_with("127.0.0.1:")
    );
    assert!(served.error_line().starts_with("idenfy emulator: serving"));
}

#[test]
fn the_connection_bounds_are_flags() {
    let mut served = Served::start(&["--json", "emulator", "--idle-timeout", "1"]);
    let started: Value = serde_json::from_str(&served.line()).unwrap();
    let addr = started["baseUrl"]
        .as_str()
        .unwrap()
        .trim_start_matches("http://")
        .to_owned();
    // A socket that sends nothing is closed after about a second.
    let mut silent = std::net::TcpStream::connect(&addr).unwrap();
    silent
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let started = Instant::now();
    let mut byte = [0_u8; 1];
    let read = std::io::Read::read(&mut silent, &mut byte);
    assert!(matches!(read, Ok(0)), "{read:?}");
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(900), "{took:?}");
    assert!(took < Duration::from_secs(10), "{took:?}");

    let mut served = Served::start(&["--json", "emulator", "--max-connections", "1"]);
    let started: Value = serde_json::from_str(&served.line()).unwrap();
    let addr = started["baseUrl"]
        .as_str()
        .unwrap()
        .trim_start_matches("http://")
        .to_owned();
    let _held = std::net::TcpStream::connect(&addr).unwrap();
    let refused = raw_get(&addr, "/__emulator/health");
    assert!(refused.starts_with("HTTP/1.1 503"), "{refused}");
    assert!(refused.contains("Connection: close"), "{refused}");

    for (flag, value) in [
        ("--idle-timeout", "0"),
        ("--header-read-timeout", "86401"),
        ("--body-read-timeout", "soon"),
        ("--max-connections", "0"),
    ] {
        let run = support::idenfy(&["emulator", flag, value]);
        assert_eq!(run.code, 2, "{flag} {value}: {}", run.stderr);
        assert!(run.stderr.contains(flag), "{}", run.stderr);
    }
}

/// A whole `GET` answer, head and body, as text.
fn raw_get(addr: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

/// Whether `secret` appears anywhere in the printed document.
fn served_output_contains_secret(document: &Value, secret: &str) -> bool {
    document.to_string().contains(secret)
}
