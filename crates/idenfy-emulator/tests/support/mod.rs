//! Shared helpers of the emulator's tests: clients over the project's adapters, a raw HTTP/1.1
//! client on `std::net`, and a webhook receiver. Each test file uses its own subset.
#![allow(dead_code, unreachable_pub)]
// Test code indexes and slices known fixtures and outputs: a bad bound is a failed test.
#![allow(clippy::indexing_slicing, clippy::string_slice)]

use std::collections::VecDeque;
use std::convert::Infallible;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use idenfy_emulator::Emulator;
use idenfy_hyper::{CallOptions, Client, HyperTransport, RetryPolicy};
use tokio::net::TcpListener;
use tokio::sync::Notify;

/// The hyper client of the project, without retries (so every request reaches the emulator
/// exactly once).
pub fn client(emulator: &Emulator) -> Client {
    Client::with_transport(emulator.config(), HyperTransport::new().unwrap())
        .with_options(CallOptions::default().with_retry(RetryPolicy::none()))
}

/// A raw HTTP answer.
#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(header, _)| header.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|err| {
            panic!("not JSON ({err}): {}", String::from_utf8_lossy(&self.body))
        })
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// The `Authorization` value for `key:secret`.
pub fn basic(key: &str, secret: &str) -> String {
    use base64::Engine as _;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{key}:{secret}"))
    )
}

/// Sends one request over a fresh connection (`Connection: close`) and reads the whole answer.
/// Blocking: call it from a plain `#[test]` or through `spawn_blocking`.
pub fn raw(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> RawResponse {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut request =
        format!("{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    stream.write_all(request.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).unwrap();
    parse_response(&bytes)
}

/// Parses an HTTP/1.1 answer with a `Content-Length` body.
pub fn parse_response(bytes: &[u8]) -> RawResponse {
    let end = bytes
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(bytes)));
    let head = String::from_utf8(bytes[..end].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap();
    let status = status_line.split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .map(|line| {
            let (name, value) = line.split_once(':').unwrap();
            (name.trim().to_owned(), value.trim().to_owned())
        })
        .collect();
    let body = bytes[end + 4..].to_vec();
    RawResponse {
        status,
        headers,
        body,
    }
}

/// A request a [`Receiver`] got.
#[derive(Debug, Clone)]
pub struct Received {
    pub headers: hyper::HeaderMap,
    pub body: Bytes,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

/// A webhook receiver: a hyper HTTP/1.1 server on `127.0.0.1` that records every request and
/// answers the scripted statuses in turn (200 once the script is used up).
pub struct Receiver {
    pub url: String,
    received: Arc<Mutex<Vec<Received>>>,
    notify: Arc<Notify>,
    task: tokio::task::JoinHandle<()>,
}

impl Receiver {
    pub async fn start(script: Vec<u16>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/webhooks/idenfy", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let notify = Arc::new(Notify::new());
        let script = Arc::new(Mutex::new(VecDeque::from(script)));
        let (task_received, task_notify) = (Arc::clone(&received), Arc::clone(&notify));
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let received = Arc::clone(&task_received);
                let notify = Arc::clone(&task_notify);
                let script = Arc::clone(&script);
                tokio::spawn(async move {
                    let service = service_fn(move |request: hyper::Request<Incoming>| {
                        let received = Arc::clone(&received);
                        let notify = Arc::clone(&notify);
                        let script = Arc::clone(&script);
                        async move {
                            let (parts, body) = request.into_parts();
                            let body = body.collect().await.unwrap().to_bytes();
                            let status = script.lock().unwrap().pop_front().unwrap_or(200);
                            received.lock().unwrap().push(Received {
                                headers: parts.headers,
                                body,
                            });
                            notify.notify_waiters();
                            let mut response = hyper::Response::new(Full::new(Bytes::new()));
                            *response.status_mut() = hyper::StatusCode::from_u16(status).unwrap();
                            Ok::<_, Infallible>(response)
                        }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Self {
            url,
            received,
            notify,
            task,
        }
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// Waits until `count` requests arrived (panics after `timeout`).
    pub async fn wait_for(&self, count: usize, timeout: Duration) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let received = self.received();
            if received.len() >= count {
                return received;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                panic!(
                    "the receiver got {} of {count} requests in {timeout:?}",
                    self.received().len()
                );
            }
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// [`raw`] from async code (on the blocking pool).
pub async fn raw_async(
    addr: SocketAddr,
    method: &'static str,
    target: String,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
) -> RawResponse {
    tokio::task::spawn_blocking(move || {
        let headers: Vec<(&str, &str)> = headers
            .iter()
            .map(|(name, value)| (*name, value.as_str()))
            .collect();
        raw(addr, method, &target, &headers, &body)
    })
    .await
    .unwrap()
}

/// An authenticated JSON `POST` to `path` with `body`, raw.
pub async fn post_json(emulator: &Emulator, path: &str, body: &str) -> RawResponse {
    raw_async(
        emulator.local_addr(),
        "POST",
        path.to_owned(),
        vec![
            (
                "Authorization",
                basic(emulator.api_key(), emulator.api_secret()),
            ),
            ("Content-Type", "application/json".to_owned()),
        ],
        body.as_bytes().to_vec(),
    )
    .await
}
