#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Test code indexes and slices known fixtures and outputs: a bad bound is a failed test.
#![allow(clippy::indexing_slicing, clippy::string_slice)]
//! An "independent client": HTTP written by hand on `std::net` from iDenfy's documented wire
//! format (reference §2–§5), using none of the project's code except the signature check. It
//! proves the emulator speaks the documented protocol, not merely our client's habits.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use base64::Engine as _;
use serde_json::Value;

/// One HTTP/1.1 exchange on a fresh connection; returns (status, lower-cased headers, body).
fn exchange(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut head = format!("{method} {target} HTTP/1.1\r\nHost: {addr}\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    read_message(&mut BufReader::new(stream), true)
}

/// Reads a request or response: start line, headers, `Content-Length` body.
fn read_message(
    reader: &mut impl BufRead,
    is_response: bool,
) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    let status = if is_response {
        assert!(line.starts_with("HTTP/1.1 "), "not HTTP: {line:?}");
        line[9..12].parse().unwrap()
    } else {
        assert!(line.starts_with("POST "), "not a POST: {line:?}");
        0
    };
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':').unwrap();
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let length: usize = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .map_or(0, |(_, value)| value.parse().unwrap());
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    (status, headers, body)
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(header, _)| header == name)
        .map(|(_, value)| value.as_str())
}

/// The headers (names lower-cased) and raw body of a received request.
type Message = (Vec<(String, String)>, Vec<u8>);

/// A webhook endpoint: answers `200 OK` to every POST and hands over (headers, raw body).
fn webhook_endpoint() -> (String, mpsc::Receiver<Message>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/idenfy/webhook", listener.local_addr().unwrap());
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let (_, headers, body) = read_message(&mut BufReader::new(&mut stream), false);
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            if sender.send((headers, body)).is_err() {
                return;
            }
        }
    });
    (url, receiver)
}

#[test]
fn a_hand_written_client_creates_a_token_and_verifies_the_webhook() {
    let (webhook_url, webhooks) = webhook_endpoint();
    let emulator = idenfy_emulator::Emulator::builder()
        .credentials("partner-api-key", "partner-api-secret")
        .webhook_key("partner-signing-key")
        .webhook_url(webhook_url)
        .start_blocking()
        .unwrap();
    let addr = emulator.local_addr();
    let authorization = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode("partner-api-key:partner-api-secret")
    );
    let json_headers = [
        ("Authorization", authorization.as_str()),
        ("Content-Type", "application/json"),
        ("Accept", "application/json"),
    ];

    // Bad credentials: 401 with identifier UNAUTHORIZED (what the WordPress plugin checks).
    let wrong = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode("partner-api-key:wrong")
    );
    let (status, _, body) = exchange(
        addr,
        "POST",
        "/api/v2/token",
        &[
            ("Authorization", &wrong),
            ("Content-Type", "application/json"),
        ],
        br#"{"clientId":"100000"}"#,
    );
    assert_eq!(status, 401);
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["identifier"], "UNAUTHORIZED");

    // POST /api/v2/token {"clientId": …} → 201 with authToken and scanRef.
    let (status, headers, body) = exchange(
        addr,
        "POST",
        "/api/v2/token",
        &json_headers,
        br#"{"clientId":"100000"}"#,
    );
    assert_eq!(status, 201);
    assert!(
        header(&headers, "content-type")
            .unwrap()
            .starts_with("application/json")
    );
    let token: Value = serde_json::from_slice(&body).unwrap();
    let auth_token = token["authToken"].as_str().unwrap().to_owned();
    let scan_ref = token["scanRef"].as_str().unwrap().to_owned();
    assert_eq!(auth_token.len(), 26);
    assert_eq!(scan_ref.len(), 36);
    assert_eq!(token["clientId"], "100000");
    assert_eq!(token["message"], "Token created successfully");

    // POST /api/v2/status {"scanRef": …} → ACTIVE.
    let scan_ref_body = format!(r#"{{"scanRef":"{scan_ref}"}}"#);
    let (status, _, body) = exchange(
        addr,
        "POST",
        "/api/v2/status",
        &json_headers,
        scan_ref_body.as_bytes(),
    );
    assert_eq!(status, 200);
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["status"], "ACTIVE");
    assert_eq!(body["scanRef"], scan_ref.as_str());

    // The person follows GET /api/v2/redirect?authToken=… and submits the page's form.
    let (status, _, page) = exchange(
        addr,
        "GET",
        &format!("/api/v2/redirect?authToken={auth_token}"),
        &[],
        b"",
    );
    assert_eq!(status, 200);
    let page = String::from_utf8(page).unwrap();
    let action = page
        .split("<form method=\"post\" action=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    let form = format!("authToken={auth_token}&outcome=approved");
    let (status, headers, _) = exchange(
        addr,
        "POST",
        &action,
        &[("Content-Type", "application/x-www-form-urlencoded")],
        form.as_bytes(),
    );
    assert_eq!(status, 303);
    assert_eq!(
        header(&headers, "location"),
        Some("https://ui.idenfy.com/result?status=success")
    );

    // The webhook: verify Idenfy-Signature over the raw bytes, then read them.
    let (headers, body) = webhooks.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(header(&headers, "content-type"), Some("application/json"));
    assert_eq!(
        header(&headers, "idenfy-event-type"),
        Some("IDENTIFICATION_AUTO_FINISHED")
    );
    let signature = header(&headers, "idenfy-signature").unwrap();
    idenfy_proto::webhook::verify(
        &body,
        Some(signature),
        &[idenfy_proto::webhook::WebhookKey::new("partner-signing-key").unwrap()],
    )
    .unwrap();
    let result: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(result["scanRef"], scan_ref.as_str());
    assert_eq!(result["clientId"], "100000");
    assert_eq!(result["final"], true);
    assert_eq!(result["status"]["overall"], "APPROVED");

    // And the documented status afterwards.
    let (_, _, body) = exchange(
        addr,
        "POST",
        "/api/v2/status",
        &json_headers,
        scan_ref_body.as_bytes(),
    );
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["status"], "APPROVED");
    assert_eq!(body["autoFace"], "FACE_MATCH");
}
