//! `idenfy emulator`'s options for realistic traffic, as a real process: `--quirks`, the callback
//! hosts beyond loopback, and the https webhook settings (`--webhook-ca-file`,
//! `--webhook-insecure`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStderr, ChildStdout, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// A running `idenfy emulator --json`, killed when dropped.
struct Served {
    child: Child,
    stdout: BufReader<ChildStdout>,
    stderr: BufReader<ChildStderr>,
}

impl Served {
    fn start(args: &[&str]) -> Self {
        let mut all = vec!["--json", "emulator", "--api-key", "k", "--api-secret", "s"];
        all.extend_from_slice(args);
        let mut child = support::command(&all)
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

    /// The document printed on start.
    fn announced(&mut self) -> Value {
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        serde_json::from_str(&line).unwrap_or_else(|err| panic!("{err}: {line:?}"))
    }

    fn stderr_line(&mut self) -> String {
        let mut line = String::new();
        self.stderr.read_line(&mut line).unwrap();
        line
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One request to the emulator over a fresh connection; the status and the body.
fn request(base_url: &str, method: &str, path: &str, body: &str) -> (u16, String) {
    let addr = base_url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         Authorization: Basic azpz\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, body.to_owned())
}

#[test]
fn quirks_are_announced_and_shape_the_webhooks() {
    let mut served = Served::start(&["--quirks"]);
    let announced = served.announced();
    assert_eq!(announced["quirks"], true);
    let base_url = announced["baseUrl"].as_str().unwrap();
    // `azpz` is `k:s` in base64: the credentials given above.
    let (status, body) = request(
        base_url,
        "POST",
        "/api/v2/token",
        r#"{"clientId": "100042", "dummyStatus": "APPROVED"}"#,
    );
    assert_eq!(status, 201, "{body}");
    assert!(body.contains(r#""clientId":100042"#), "{body}");
    // The dummy result's webhook, recorded (no URL): the quirky text, trailing newline included.
    let deadline = Instant::now() + Duration::from_secs(10);
    let deliveries = loop {
        let (status, deliveries) = request(base_url, "GET", "/__emulator/webhooks", "");
        assert_eq!(status, 200);
        let page: Value = serde_json::from_str(&deliveries).unwrap();
        let deliveries = page["results"].clone();
        if deliveries[0].is_object() {
            break deliveries;
        }
        assert!(Instant::now() < deadline, "no delivery recorded");
        std::thread::sleep(Duration::from_millis(20));
    };
    let sent = deliveries[0]["body"].as_str().unwrap();
    assert!(sent.contains("\"clientId\": 100042,"), "{sent}");
    assert!(
        sent.contains("\"aml\": {") && sent.ends_with("}\n"),
        "{sent}"
    );

    let mut plain = Served::start(&[]);
    assert_eq!(plain.announced()["quirks"], false);
}

#[test]
fn allowed_callback_hosts_take_plain_http() {
    let mut served = Served::start(&[
        "--allow-callback-host",
        "app.invalid",
        "--allow-callback-host",
        "db.invalid",
    ]);
    let base_url = served.announced()["baseUrl"].as_str().unwrap().to_owned();
    for host in ["app.invalid", "db.invalid"] {
        let body = format!(r#"{{"clientId": "c", "callbackUrl": "http://{host}:8080/hook"}}"#);
        let (status, answer) = request(&base_url, "POST", "/api/v2/token", &body);
        assert_eq!(status, 201, "{answer}");
    }
    let body = r#"{"clientId": "c", "callbackUrl": "http://cache.invalid/hook"}"#;
    let (status, answer) = request(&base_url, "POST", "/api/v2/token", body);
    assert_eq!(status, 400, "{answer}");
    assert!(answer.contains("--allow-callback-host"), "{answer}");

    let mut any = Served::start(&["--allow-any-callback-host"]);
    let base_url = any.announced()["baseUrl"].as_str().unwrap().to_owned();
    let (status, answer) = request(&base_url, "POST", "/api/v2/token", body);
    assert_eq!(status, 201, "{answer}");
}

#[test]
fn settings_that_cannot_be_used_are_usage_errors_naming_the_flag() {
    let run = support::idenfy(&["emulator", "--allow-callback-host", "app:8080"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("--allow-callback-host"),
        "{}",
        run.stderr
    );

    let missing = std::env::temp_dir().join("idenfy-cli-no-such-ca.pem");
    let missing = missing.to_str().unwrap();
    let run = support::idenfy(&["--json", "emulator", "--webhook-ca-file", missing]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let error = &run.json()["error"];
    assert_eq!(error["kind"], "emulator");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("--webhook-ca-file"),
        "{error}"
    );

    let run = support::idenfy(&[
        "emulator",
        "--webhook-ca-file",
        missing,
        "--webhook-insecure",
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--webhook-insecure"), "{}", run.stderr);
}

#[test]
fn turning_certificate_checks_off_is_warned_about() {
    let mut served = Served::start(&["--webhook-insecure"]);
    let warning = served.stderr_line();
    assert!(warning.contains("WARNING: --webhook-insecure"), "{warning}");
    assert!(warning.contains("not checked"), "{warning}");
    // And it serves.
    assert!(served.announced()["baseUrl"].is_string());
}
