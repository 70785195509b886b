#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Test code indexes and slices known fixtures and outputs: a bad bound is a failed test.
#![allow(clippy::indexing_slicing, clippy::string_slice)]
//! The bounds on connections, over real sockets on loopback: the idle timeout (nothing sent,
//! part of an HTTP/2 preface, an unused HTTP/2 connection), the header-read timeout, the
//! body-read deadline and the cap on connections with its `503`. Each test sets small bounds so
//! that it ends in a few seconds.

mod support;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt as _, Empty};
use hyper_util::rt::{TokioExecutor, TokioIo};
use idenfy_emulator::{Emulator, EmulatorBuilder, EmulatorError};
use support::{basic, parse_response, raw};

/// How long any test waits for the emulator to close a connection: far above the bounds the
/// tests set, so only a missing bound fails it.
const PATIENCE: Duration = Duration::from_secs(5);

/// An emulator whose bounds are all long but the ones a test shortens.
fn patient() -> EmulatorBuilder {
    Emulator::builder()
        .idle_timeout(Duration::from_secs(30))
        .header_read_timeout(Duration::from_secs(30))
        .body_read_timeout(Duration::from_secs(30))
}

fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream
}

/// Reads until the emulator closes the connection; the bytes it sent and how long that took.
/// Panics when it is still open after [`PATIENCE`].
fn read_until_closed(stream: &mut TcpStream) -> (Vec<u8>, Duration) {
    let started = Instant::now();
    let mut bytes = Vec::new();
    let mut buffer = [0_u8; 4096];
    loop {
        assert!(
            started.elapsed() < PATIENCE,
            "the connection is still open after {PATIENCE:?}"
        );
        match stream.read(&mut buffer) {
            Ok(0) => return (bytes, started.elapsed()),
            Ok(read) => bytes.extend_from_slice(&buffer[..read]),
            Err(err)
                if matches!(
                    err.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                panic!("the connection is still open after {PATIENCE:?}")
            }
            // A reset closes it too.
            Err(_) => return (bytes, started.elapsed()),
        }
    }
}

/// `GET /__emulator/health` on a fresh connection: the status.
fn health(addr: SocketAddr) -> RawAnswer {
    let answer = raw(addr, "GET", "/__emulator/health", &[], b"");
    RawAnswer {
        status: answer.status,
        connection: answer.header("connection").map(str::to_owned),
        retry_after: answer.header("retry-after").map(str::to_owned),
        body: answer.body,
    }
}

struct RawAnswer {
    status: u16,
    connection: Option<String>,
    retry_after: Option<String>,
    body: Vec<u8>,
}

#[test]
fn a_connection_that_sends_nothing_is_closed_after_the_idle_timeout() {
    let emulator = patient()
        .idle_timeout(Duration::from_millis(300))
        .start_blocking()
        .unwrap();
    let mut silent = connect(emulator.local_addr());
    let (bytes, took) = read_until_closed(&mut silent);
    assert!(bytes.is_empty(), "{:?}", String::from_utf8_lossy(&bytes));
    // Closed by the timeout, not at once.
    assert!(took >= Duration::from_millis(250), "{took:?}");
}

#[test]
fn a_partial_http2_preface_is_closed_after_the_idle_timeout() {
    let emulator = patient()
        .idle_timeout(Duration::from_millis(300))
        .start_blocking()
        .unwrap();
    let mut partial = connect(emulator.local_addr());
    // 16 of the 24 bytes of the preface: the emulator cannot tell HTTP/1.1 from HTTP/2 yet.
    partial.write_all(b"PRI * HTTP/2.0\r\n").unwrap();
    let (bytes, _) = read_until_closed(&mut partial);
    assert!(bytes.is_empty(), "{:?}", String::from_utf8_lossy(&bytes));

    // Dripping it a byte at a time does not keep it open either: bytes that make no request
    // are no activity.
    let mut dripping = connect(emulator.local_addr());
    let started = Instant::now();
    let mut closed = false;
    for byte in b"PRI * HTTP/2.0\r\n\r\nSM\r\n".iter().take(20) {
        if dripping.write_all(&[*byte]).is_err() {
            closed = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    if !closed {
        read_until_closed(&mut dripping);
    }
    assert!(started.elapsed() < PATIENCE);
}

#[tokio::test]
async fn an_unused_http2_connection_is_closed_after_the_idle_timeout() {
    let emulator = patient()
        .idle_timeout(Duration::from_millis(400))
        .start()
        .await
        .unwrap();
    let stream = tokio::net::TcpStream::connect(emulator.local_addr())
        .await
        .unwrap();
    let (mut sender, connection) =
        hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(stream))
            .await
            .unwrap();
    let connection = tokio::spawn(connection);
    // It serves HTTP/2 with prior knowledge…
    let request = hyper::Request::get(format!("{}/__emulator/health", emulator.base_url()))
        .body(Empty::<Bytes>::new())
        .unwrap();
    let answer = sender.send_request(request).await.unwrap();
    assert_eq!(answer.status(), 200);
    let body = answer.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&body[..], br#"{"status":"ok"}"#);
    // …and closes the connection once it has been idle long enough.
    let ended = tokio::time::timeout(PATIENCE, connection).await;
    assert!(ended.is_ok(), "the HTTP/2 connection is still open");
    assert!(sender.ready().await.is_err());
}

#[test]
fn a_request_head_must_arrive_within_the_header_read_timeout() {
    let emulator = patient()
        .header_read_timeout(Duration::from_millis(300))
        .start_blocking()
        .unwrap();
    let addr = emulator.local_addr();
    // A head that stops half-way.
    let mut stalled = connect(addr);
    stalled
        .write_all(format!("GET /__emulator/health HTTP/1.1\r\nHost: {addr}\r\n").as_bytes())
        .unwrap();
    let (bytes, _) = read_until_closed(&mut stalled);
    if !bytes.is_empty() {
        // hyper may say why before it closes; it is never a served request.
        assert!(!String::from_utf8_lossy(&bytes).starts_with("HTTP/1.1 200"));
    }

    // A head sent a byte every 100 ms: 40 bytes would take 4 s; it is cut off before.
    let mut dripping = connect(addr);
    let head = format!("GET /__emulator/health HTTP/1.1\r\nHost: {addr}\r\nX-Slow: 1\r\n\r\n");
    let started = Instant::now();
    let mut cut = false;
    for byte in head.as_bytes() {
        if dripping.write_all(&[*byte]).is_err() {
            cut = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    if !cut {
        let (bytes, _) = read_until_closed(&mut dripping);
        assert!(!String::from_utf8_lossy(&bytes).starts_with("HTTP/1.1 200"));
    }
    assert!(started.elapsed() < PATIENCE + Duration::from_secs(2));

    // A kept-alive connection that sends no second request is closed after the same time.
    let mut kept = connect(addr);
    kept.write_all(format!("GET /__emulator/health HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes())
        .unwrap();
    let (bytes, took) = read_until_closed(&mut kept);
    assert!(String::from_utf8_lossy(&bytes).starts_with("HTTP/1.1 200"));
    assert!(took >= Duration::from_millis(250), "{took:?}");
}

/// Sends the head of a `POST` announcing a 100-byte body, then drips the body a byte every
/// 200 ms from another thread (20 s in all) while the answer is read here.
fn dripping_post(addr: SocketAddr, path: &str, headers: &[(&str, String)]) -> (Vec<u8>, Duration) {
    let mut stream = connect(addr);
    let mut head = format!("POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 100\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n{");
    stream.write_all(head.as_bytes()).unwrap();
    let mut writer = stream.try_clone().unwrap();
    let drip = std::thread::spawn(move || {
        for _ in 0..99 {
            std::thread::sleep(Duration::from_millis(200));
            if writer.write_all(b" ").is_err() {
                return;
            }
        }
    });
    let answer = read_until_closed(&mut stream);
    drop(stream);
    drip.join().unwrap();
    answer
}

#[test]
fn a_body_sent_too_slowly_is_cut_off_with_408() {
    let emulator = patient()
        .body_read_timeout(Duration::from_millis(500))
        .start_blocking()
        .unwrap();
    let addr = emulator.local_addr();
    let authorization = basic(emulator.api_key(), emulator.api_secret());
    for (path, headers) in [
        (
            "/api/v2/status",
            vec![
                ("Authorization", authorization.clone()),
                ("Content-Type", "application/json".to_owned()),
            ],
        ),
        (
            "/__emulator/clock/advance",
            vec![("Content-Type", "application/json".to_owned())],
        ),
    ] {
        let (bytes, took) = dripping_post(addr, path, &headers);
        let answer = parse_response(&bytes);
        assert_eq!(answer.status, 408, "{path}: {}", answer.text());
        assert_eq!(answer.json()["identifier"], "BAD_VALUE");
        assert!(answer.text().contains("500 ms"), "{}", answer.text());
        assert_eq!(answer.header("connection"), Some("close"));
        // Answered once the deadline passed, not once the drip ended (20 s).
        assert!(took >= Duration::from_millis(400), "{took:?}");
    }
    // Nothing was changed by the cut request.
    assert_eq!(
        raw(addr, "GET", "/__emulator/clock", &[], b"").json()["offsetSeconds"],
        0
    );
}

#[test]
fn past_the_cap_a_connection_is_refused_with_503_and_health_answers_below_it() {
    let emulator = patient().max_connections(3).start_blocking().unwrap();
    let addr = emulator.local_addr();
    // Two idle sockets: below the cap, health still answers.
    let idle: Vec<TcpStream> = (0..2).map(|_| connect(addr)).collect();
    let below = health(addr);
    assert_eq!(
        below.status,
        200,
        "{}",
        String::from_utf8_lossy(&below.body)
    );

    // A third fills the cap. The health connection's place may not be free yet when it
    // arrives: then it is the one refused (it reads a 503), and it is opened again.
    let mut third = None;
    for _ in 0..20 {
        let mut candidate = connect(addr);
        candidate
            .set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        let mut byte = [0_u8; 1];
        match candidate.read(&mut byte) {
            Err(err)
                if matches!(
                    err.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                third = Some(candidate);
                break;
            }
            _ => std::thread::sleep(Duration::from_millis(50)),
        }
    }
    let third = third.expect("a third connection is served");
    // The next connection is refused.
    let refused = health(addr);
    assert_eq!(refused.status, 503);
    assert_eq!(refused.connection.as_deref(), Some("close"));
    assert_eq!(refused.retry_after.as_deref(), Some("1"));
    let body: serde_json::Value = serde_json::from_slice(&refused.body).unwrap();
    assert_eq!(body["identifier"], "INTERNAL_ERROR");
    assert!(
        body["message"].as_str().unwrap().contains("at most 3"),
        "{body}"
    );

    // Once one closes, its place is free again.
    drop(third);
    let started = Instant::now();
    loop {
        let answer = health(addr);
        if answer.status == 200 {
            break;
        }
        assert_eq!(answer.status, 503);
        assert!(
            started.elapsed() < PATIENCE,
            "the freed place was not reused"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    drop(idle);
}

#[test]
fn idle_sockets_below_the_default_cap_leave_the_emulator_answering() {
    let emulator = Emulator::start_blocking().unwrap();
    let addr = emulator.local_addr();
    let idle: Vec<TcpStream> = (0..100).map(|_| connect(addr)).collect();
    assert_eq!(health(addr).status, 200);
    let token = raw(
        addr,
        "POST",
        "/api/v2/token",
        &[
            (
                "Authorization",
                &basic(emulator.api_key(), emulator.api_secret()),
            ),
            ("Content-Type", "application/json"),
        ],
        br#"{"clientId": "among-idle-sockets"}"#,
    );
    assert_eq!(token.status, 201, "{}", token.text());
    drop(idle);
}

#[test]
fn out_of_range_bounds_are_refused_naming_the_setting() {
    let refused = |builder: EmulatorBuilder, field: &str| match builder.start_blocking() {
        Err(EmulatorError::Config(err)) => {
            assert_eq!(err.field(), field);
            assert!(err.to_string().contains(field), "{err}");
        }
        other => panic!("{field}: expected a refusal, got {other:?}"),
    };
    refused(
        Emulator::builder().idle_timeout(Duration::ZERO),
        "idleTimeoutMs",
    );
    refused(
        Emulator::builder().header_read_timeout(Duration::from_secs(86_401)),
        "headerReadTimeoutMs",
    );
    refused(
        Emulator::builder().body_read_timeout(Duration::MAX),
        "bodyReadTimeoutMs",
    );
    refused(Emulator::builder().max_connections(0), "maxConnections");
}
