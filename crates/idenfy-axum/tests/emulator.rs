//! The extractors behind a real axum server on 127.0.0.1: the emulator delivers signed webhooks
//! to it, and requests of our own (over hyper's client, or written byte by byte on a socket)
//! bring what the emulator never sends — forged and tampered signatures, oversized and unending
//! bodies, signed bodies that are not webhooks. Every wait is bounded.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)]

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRef};
use axum::http::StatusCode;
use axum::routing::post;
use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper_util::client::legacy::Client as LegacyClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use idenfy_axum::idenfy_proto::http::{self, HeaderMap, Request, Response};
use idenfy_axum::idenfy_proto::server::sign_webhook;
use idenfy_axum::idenfy_proto::{Endpoint as _, EventType, OverallStatus, TokenRequest};
use idenfy_axum::{
    DEFAULT_MAX_BODY_BYTES, IdenfyWebhook, VerifiedBody, WebhookEvent, WebhookKey, WebhookKeys,
    WebhookRejection,
};
use idenfy_emulator::{Delivery, DeliveryOutcome, Emulator, Outcome};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// How long any one wait may last.
const WAIT: Duration = Duration::from_secs(10);

/// What a handler of the test server saw.
#[derive(Debug)]
enum Received {
    /// `IdenfyWebhook`'s event (`/webhook`, `/small`, `/keep`).
    Event(WebhookEvent),
    /// `VerifiedBody` (`/raw`).
    Raw(VerifiedBody),
    /// A signed body that is not a webhook, kept from the rejection (`/keep`).
    Kept(VerifiedBody),
}

#[derive(Clone)]
struct AppState {
    keys: WebhookKeys,
    received: mpsc::UnboundedSender<Received>,
}

impl FromRef<AppState> for WebhookKeys {
    fn from_ref(state: &AppState) -> Self {
        state.keys.clone()
    }
}

/// An axum server on 127.0.0.1 with the extractors on four routes; stopped when dropped.
struct Receiver {
    addr: SocketAddr,
    received: mpsc::UnboundedReceiver<Received>,
    server: JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl Receiver {
    async fn start(keys: WebhookKeys) -> Self {
        async fn webhook(
            axum::extract::State(state): axum::extract::State<AppState>,
            IdenfyWebhook(event): IdenfyWebhook,
        ) -> StatusCode {
            state.received.send(Received::Event(event)).unwrap();
            StatusCode::OK
        }
        async fn raw(
            axum::extract::State(state): axum::extract::State<AppState>,
            body: VerifiedBody,
        ) -> StatusCode {
            state.received.send(Received::Raw(body)).unwrap();
            StatusCode::OK
        }
        async fn keep(
            axum::extract::State(state): axum::extract::State<AppState>,
            delivery: Result<IdenfyWebhook, WebhookRejection>,
        ) -> StatusCode {
            match delivery {
                Ok(IdenfyWebhook(event)) => {
                    state.received.send(Received::Event(event)).unwrap();
                    StatusCode::OK
                }
                Err(rejection) => {
                    let status = rejection.status();
                    match rejection.into_verified_body() {
                        Some(body) => {
                            state.received.send(Received::Kept(body)).unwrap();
                            StatusCode::OK
                        }
                        None => status,
                    }
                }
            }
        }

        let (sender, received) = mpsc::unbounded_channel();
        let state = AppState {
            keys,
            received: sender,
        };
        let app = Router::new()
            .route("/webhook", post(webhook))
            .route("/raw", post(raw))
            .route("/keep", post(keep))
            .route("/small", post(webhook).layer(DefaultBodyLimit::max(64)))
            .with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self {
            addr,
            received,
            server,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The next thing a handler saw; fails after [`WAIT`].
    async fn next(&mut self) -> Received {
        tokio::time::timeout(WAIT, self.received.recv())
            .await
            .expect("no handler ran in time")
            .expect("the server stopped")
    }

    /// Fails if a handler saw anything (not yet taken by [`Receiver::next`]).
    fn assert_nothing_received(&mut self) {
        if let Ok(received) = self.received.try_recv() {
            panic!("a handler ran: {received:?}");
        }
    }
}

fn key(secret: &str) -> WebhookKey {
    WebhookKey::new(secret).unwrap()
}

fn keys(secrets: &[&str]) -> WebhookKeys {
    WebhookKeys::new(secrets.iter().map(|secret| key(secret))).unwrap()
}

async fn emulator(webhook_url: Option<String>, signing_key: &str) -> Emulator {
    let mut builder = Emulator::builder().webhook_key(signing_key);
    if let Some(url) = webhook_url {
        builder = builder.webhook_url(url);
    }
    builder.start().await.unwrap()
}

fn http_client() -> LegacyClient<HttpConnector, Full<Bytes>> {
    LegacyClient::builder(TokioExecutor::new()).build_http()
}

/// Creates a token on the emulator (idenfy-proto's request, sent by hyper) and returns its
/// `scanRef`.
async fn create_token(emulator: &Emulator, client_id: &str) -> String {
    let request = TokenRequest::builder(client_id).build().unwrap();
    let (parts, body) = request.to_request(&emulator.config()).unwrap().into_parts();
    let response = tokio::time::timeout(
        WAIT,
        http_client().request(Request::from_parts(parts, Full::new(Bytes::from(body)))),
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

/// Waits until the emulator recorded `count` delivery attempts that ended (not skipped).
async fn deliveries(emulator: &Emulator, count: usize) -> Vec<Delivery> {
    emulator.wait_for_deliveries(count, WAIT).await.unwrap()
}

/// POSTs `body` with `headers` through hyper's client and returns the answer whole.
async fn post_to(
    url: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (StatusCode, HeaderMap, Bytes) {
    let mut request = Request::post(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = request
        .body(Full::new(Bytes::copy_from_slice(body)))
        .unwrap();
    let response = tokio::time::timeout(WAIT, http_client().request(request))
        .await
        .unwrap()
        .unwrap();
    let (parts, body) = response.into_parts();
    let body = tokio::time::timeout(WAIT, body.collect())
        .await
        .unwrap()
        .unwrap()
        .to_bytes();
    (parts.status, parts.headers, body)
}

/// Asserts an answer of `status` with an empty body (and says so in `Content-Length`).
fn assert_empty_answer(answer: &(StatusCode, HeaderMap, Bytes), status: StatusCode, case: &str) {
    assert_eq!(answer.0, status, "{case}");
    assert!(
        answer.2.is_empty(),
        "{case}: a body came back: {:?}",
        answer.2
    );
    assert_eq!(
        answer
            .1
            .get(http::header::CONTENT_LENGTH)
            .map(|value| value.as_bytes()),
        Some(&b"0"[..]),
        "{case}"
    );
}

#[tokio::test]
async fn a_finished_verification_reaches_the_handler_as_a_typed_event() {
    let mut receiver = Receiver::start(keys(&["the-signing-key"])).await;
    let emulator = emulator(Some(receiver.url("/webhook")), "the-signing-key").await;
    let scan_ref = create_token(&emulator, "customer-42").await;

    emulator.complete(&scan_ref, Outcome::approved()).unwrap();

    let Received::Event(event) = receiver.next().await else {
        panic!("not an event");
    };
    let WebhookEvent::Identification { event_type, result } = &event else {
        panic!("not an identification result: {event:?}");
    };
    assert_eq!(event_type, &Some(EventType::IdentificationAutoFinished));
    assert_eq!(result.scan_ref.as_deref(), Some(scan_ref.as_str()));
    assert_eq!(result.client_id.as_deref(), Some("customer-42"));
    assert_eq!(result.status.overall, Some(OverallStatus::Approved));
    assert!(event.is_final());

    // The emulator saw 200, and the event is the one idenfy-proto reads from the bytes it sent.
    let delivered = deliveries(&emulator, 1).await;
    assert_eq!(delivered[0].outcome, DeliveryOutcome::Answered(200));
    assert_eq!(
        delivered[0]
            .verify_and_parse(&[key("the-signing-key")])
            .unwrap(),
        event
    );
}

#[tokio::test]
async fn a_manual_review_arrives_as_two_events_in_order() {
    let mut receiver = Receiver::start(keys(&["the-signing-key"])).await;
    let emulator = emulator(Some(receiver.url("/webhook")), "the-signing-key").await;
    let scan_ref = create_token(&emulator, "customer-43").await;

    emulator
        .complete(&scan_ref, Outcome::denied().manual_review(true))
        .unwrap();

    let mut seen = Vec::new();
    for _ in 0..2 {
        let Received::Event(event) = receiver.next().await else {
            panic!("not an event");
        };
        assert_eq!(event.scan_ref(), Some(scan_ref.as_str()));
        seen.push((event.event_name().to_owned(), event.is_final()));
    }
    assert_eq!(
        seen,
        [
            ("IDENTIFICATION_AUTO_FINISHED".to_owned(), false),
            ("IDENTIFICATION_MANUAL_FINISHED".to_owned(), true),
        ]
    );
}

#[tokio::test]
async fn the_verified_body_is_the_exact_bytes_the_emulator_signed() {
    let mut receiver = Receiver::start(keys(&["the-signing-key"])).await;
    let emulator = emulator(Some(receiver.url("/raw")), "the-signing-key").await;
    let scan_ref = create_token(&emulator, "customer-44").await;
    emulator.complete(&scan_ref, Outcome::approved()).unwrap();

    let Received::Raw(body) = receiver.next().await else {
        panic!("not a raw body");
    };
    let delivered = deliveries(&emulator, 1).await;
    assert_eq!(delivered[0].outcome, DeliveryOutcome::Answered(200));
    assert_eq!(&body.bytes()[..], &delivered[0].body[..]);
    assert_eq!(body.event_type(), Some("IDENTIFICATION_AUTO_FINISHED"));
    assert_eq!(body.parse().unwrap().scan_ref(), Some(scan_ref.as_str()));
}

#[tokio::test]
async fn a_delivery_signed_with_another_key_is_401_and_the_handler_never_runs() {
    let mut receiver = Receiver::start(keys(&["the-receivers-key"])).await;
    let emulator = emulator(Some(receiver.url("/webhook")), "another-key").await;
    let scan_ref = create_token(&emulator, "customer-45").await;
    emulator.complete(&scan_ref, Outcome::approved()).unwrap();

    // The first attempt and the emulator's one retry.
    let delivered = deliveries(&emulator, 2).await;
    assert_eq!(delivered.len(), 2);
    for attempt in &delivered {
        assert_eq!(
            attempt.outcome,
            DeliveryOutcome::Answered(401),
            "{attempt:?}"
        );
    }
    receiver.assert_nothing_received();
}

#[tokio::test]
async fn while_rotating_either_key_verifies() {
    let mut receiver = Receiver::start(keys(&["new-key", "old-key"])).await;
    // The second key of the list verifies, and so does the first.
    for (signing_key, client_id) in [("old-key", "rotating-1"), ("new-key", "rotating-2")] {
        let emulator = emulator(Some(receiver.url("/webhook")), signing_key).await;
        let scan_ref = create_token(&emulator, client_id).await;
        emulator.complete(&scan_ref, Outcome::approved()).unwrap();
        let Received::Event(event) = receiver.next().await else {
            panic!("not an event");
        };
        assert_eq!(event.scan_ref(), Some(scan_ref.as_str()), "{signing_key}");
        assert_eq!(
            deliveries(&emulator, 1).await[0].outcome,
            DeliveryOutcome::Answered(200),
            "{signing_key}"
        );
    }
    // A key that is in neither place does not.
    let emulator = emulator(Some(receiver.url("/webhook")), "older-key").await;
    let scan_ref = create_token(&emulator, "rotating-3").await;
    emulator.complete(&scan_ref, Outcome::approved()).unwrap();
    assert_eq!(
        deliveries(&emulator, 1).await[0].outcome,
        DeliveryOutcome::Answered(401)
    );
    receiver.assert_nothing_received();
}

#[tokio::test]
async fn forged_and_tampered_deliveries_are_401_with_an_empty_body() {
    let mut receiver = Receiver::start(keys(&["the-signing-key"])).await;
    // A real delivery, recorded but not sent (no webhook URL): its body and signature.
    let emulator = emulator(None, "the-signing-key").await;
    let scan_ref = create_token(&emulator, "customer-46").await;
    emulator.complete(&scan_ref, Outcome::approved()).unwrap();
    let delivery = deliveries(&emulator, 1).await.remove(0);
    assert_eq!(delivery.outcome, DeliveryOutcome::Skipped);
    let body = delivery.body.clone();
    let signature = delivery.signature().unwrap().to_owned();
    let event_type = ("Idenfy-Event-Type", "IDENTIFICATION_AUTO_FINISHED");
    let url = receiver.url("/webhook");

    let mut tampered = body.clone();
    let at = tampered.iter().position(|byte| *byte == b'A').unwrap();
    tampered[at] = b'B'; // APPROVED becomes BPPROVED, or a name changes: either way not signed
    let other_key = sign_webhook(&key("another-key"), &body);
    let zeros = "0".repeat(64);
    let not_hex = "z".repeat(64);
    let short = &signature[..63];
    let refused: [Case<'_>; 7] = [
        ("no signature", vec![event_type], &body),
        (
            "an empty signature",
            vec![("Idenfy-Signature", ""), event_type],
            &body,
        ),
        (
            "zeros",
            vec![("Idenfy-Signature", &zeros), event_type],
            &body,
        ),
        (
            "not hex",
            vec![("Idenfy-Signature", &not_hex), event_type],
            &body,
        ),
        (
            "63 digits",
            vec![("Idenfy-Signature", short), event_type],
            &body,
        ),
        (
            "another key",
            vec![("Idenfy-Signature", &other_key), event_type],
            &body,
        ),
        (
            "a tampered body",
            vec![("Idenfy-Signature", &signature), event_type],
            &tampered,
        ),
    ];
    for (case, headers, body) in refused {
        let answer = post_to(&url, &headers, body).await;
        assert_empty_answer(&answer, StatusCode::UNAUTHORIZED, case);
    }
    receiver.assert_nothing_received();

    // The genuine delivery, with the header name in lower case and the hex in upper case
    // between spaces (R8), is accepted.
    let lenient = format!("  {}  ", signature.to_uppercase());
    let answer = post_to(
        &url,
        &[
            ("idenfy-signature", &lenient),
            ("idenfy-event-type", event_type.1),
        ],
        &body,
    )
    .await;
    assert_eq!(answer.0, StatusCode::OK);
    let Received::Event(event) = receiver.next().await else {
        panic!("not an event");
    };
    assert_eq!(event.scan_ref(), Some(scan_ref.as_str()));
}

/// A case of a refused delivery: its name, its headers and its body.
type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, &'a [u8]);

/// A signed body of exactly `length` bytes (at least 35): a JSON object with a `scanRef` and
/// `final: true`, padded with spaces.
fn signed_body_of(length: usize, signing_key: &str) -> (Vec<u8>, String) {
    let mut body = br#"{"scanRef":"padded-1","final":true"#.to_vec();
    assert!(length > body.len());
    body.resize(length - 1, b' ');
    body.push(b'}');
    let signature = sign_webhook(&key(signing_key), &body);
    (body, signature)
}

/// Writes `head` and then `body` to a new connection while reading the answer; returns the
/// status and the answer's body once the answer is complete (by its `Content-Length`). The body
/// need not be complete: the server may answer before it has it all.
async fn exchange(addr: SocketAddr, head: String, body: Vec<u8>) -> (u16, Vec<u8>) {
    let stream = TcpStream::connect(addr).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    // The writer may fail once the server answered and closed: that is no error here.
    let writing = tokio::spawn(async move {
        if writer.write_all(head.as_bytes()).await.is_ok() {
            let _ = writer.write_all(&body).await;
        }
        // Kept open (not shut down): an unfinished body stays unfinished.
        tokio::time::sleep(WAIT).await;
        drop(writer);
    });
    let answer = tokio::time::timeout(WAIT, async {
        let mut answer = Vec::new();
        let mut chunk = [0u8; 4096];
        loop {
            if let Some(done) = complete_answer(&answer) {
                return done;
            }
            match reader.read(&mut chunk).await {
                Ok(0) | Err(_) => panic!(
                    "the connection ended before a whole answer: {:?}",
                    String::from_utf8_lossy(&answer)
                ),
                Ok(read) => answer.extend_from_slice(&chunk[..read]),
            }
        }
    })
    .await
    .expect("no answer in time");
    writing.abort();
    answer
}

/// The status and body of `bytes` if they hold a whole HTTP/1.1 answer.
fn complete_answer(bytes: &[u8]) -> Option<(u16, Vec<u8>)> {
    let end = bytes.windows(4).position(|window| window == b"\r\n\r\n")? + 4;
    let head = std::str::from_utf8(&bytes[..end]).unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let length: usize = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().unwrap())
        })
        .expect("an answer without Content-Length");
    let body = bytes.get(end..end + length)?;
    Some((status, body.to_vec()))
}

fn head(path: &str, signature: &str, framing: &str) -> String {
    format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         Idenfy-Signature: {signature}\r\nIdenfy-Event-Type: IDENTIFICATION_AUTO_FINISHED\r\n\
         {framing}\r\n\r\n"
    )
}

#[tokio::test]
async fn a_body_past_the_default_cap_is_413_without_being_read() {
    assert_eq!(DEFAULT_MAX_BODY_BYTES, 1024 * 1024);
    let mut receiver = Receiver::start(keys(&["the-signing-key"])).await;
    let (body, signature) = signed_body_of(DEFAULT_MAX_BODY_BYTES + 1, "the-signing-key");

    // Announced by Content-Length: refused on the head alone. Only 1 KiB of the body is ever
    // sent, and the answer comes anyway.
    let framing = format!("Content-Length: {}", body.len());
    let answer = exchange(
        receiver.addr,
        head("/webhook", &signature, &framing),
        body[..1024].to_vec(),
    )
    .await;
    assert_eq!(answer, (413, Vec::new()));

    // Chunked, with no length announced: read up to the cap and refused as soon as it goes
    // past, although the final chunk never comes.
    let mut chunked = Vec::new();
    for piece in body.chunks(64 * 1024) {
        chunked.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        chunked.extend_from_slice(piece);
        chunked.extend_from_slice(b"\r\n");
    }
    let answer = exchange(
        receiver.addr,
        head("/webhook", &signature, "Transfer-Encoding: chunked"),
        chunked,
    )
    .await;
    assert_eq!(answer, (413, Vec::new()));
    receiver.assert_nothing_received();

    // A body of exactly the cap is read, verified and parsed, chunked or not.
    let (body, signature) = signed_body_of(DEFAULT_MAX_BODY_BYTES, "the-signing-key");
    let mut chunked = Vec::new();
    for piece in body.chunks(100_000) {
        chunked.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        chunked.extend_from_slice(piece);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    for (framing, bytes) in [
        (format!("Content-Length: {}", body.len()), body.clone()),
        ("Transfer-Encoding: chunked".to_owned(), chunked),
    ] {
        let answer = exchange(receiver.addr, head("/webhook", &signature, &framing), bytes).await;
        assert_eq!(answer, (200, Vec::new()), "{framing}");
        let Received::Event(event) = receiver.next().await else {
            panic!("not an event");
        };
        assert_eq!(event.scan_ref(), Some("padded-1"));
        assert!(event.is_final());
    }
}

#[tokio::test]
async fn a_cap_of_ones_own_and_axums_default_body_limit_both_apply() {
    let mut receiver = Receiver::start(keys(&["the-signing-key"]).with_max_body_bytes(1000)).await;
    let (body, signature) = signed_body_of(1001, "the-signing-key");
    let answer = post_to(
        &receiver.url("/webhook"),
        &[("Idenfy-Signature", &signature)],
        &body,
    )
    .await;
    assert_empty_answer(
        &answer,
        StatusCode::PAYLOAD_TOO_LARGE,
        "1001 bytes, cap 1000",
    );

    let (body, signature) = signed_body_of(1000, "the-signing-key");
    let answer = post_to(
        &receiver.url("/webhook"),
        &[("Idenfy-Signature", &signature)],
        &body,
    )
    .await;
    assert_eq!(answer.0, StatusCode::OK);
    assert!(matches!(receiver.next().await, Received::Event(_)));

    // The `/small` route has axum's DefaultBodyLimit at 64 bytes, below the cap: the lower
    // limit wins, for a body announced by length or not.
    let (body, signature) = signed_body_of(65, "the-signing-key");
    let answer = post_to(
        &receiver.url("/small"),
        &[("Idenfy-Signature", &signature)],
        &body,
    )
    .await;
    assert_empty_answer(&answer, StatusCode::PAYLOAD_TOO_LARGE, "65 bytes, limit 64");
    let chunked = format!("{:x}\r\n", body.len()).into_bytes();
    let chunked = [chunked, body, b"\r\n0\r\n\r\n".to_vec()].concat();
    let answer = exchange(
        receiver.addr,
        head("/small", &signature, "Transfer-Encoding: chunked"),
        chunked,
    )
    .await;
    assert_eq!(answer, (413, Vec::new()));
    receiver.assert_nothing_received();

    let (body, signature) = signed_body_of(64, "the-signing-key");
    let answer = post_to(
        &receiver.url("/small"),
        &[("Idenfy-Signature", &signature)],
        &body,
    )
    .await;
    assert_eq!(answer.0, StatusCode::OK);
    assert!(matches!(receiver.next().await, Received::Event(_)));
}

#[tokio::test]
async fn a_signed_body_that_is_not_a_webhook_is_400_and_can_be_kept() {
    let mut receiver = Receiver::start(keys(&["the-signing-key"])).await;
    let signing_key = key("the-signing-key");
    let cases: [(&str, &[u8], Option<&str>); 5] = [
        ("not JSON", b"scanRef=1&status=APPROVED", None),
        ("an array", b"[1,2,3]", None),
        ("a string", b"\"APPROVED\"", None),
        ("empty", b"", None),
        (
            "a known event without scanRef",
            br#"{"final":true,"status":{"overall":"APPROVED"}}"#,
            Some("IDENTIFICATION_AUTO_FINISHED"),
        ),
    ];
    for (case, body, event_type) in cases {
        let signature = sign_webhook(&signing_key, body);
        let mut headers = vec![("Idenfy-Signature", signature.as_str())];
        headers.extend(event_type.map(|event_type| ("Idenfy-Event-Type", event_type)));

        // The plain extractor: 400, empty, and the handler does not run.
        let answer = post_to(&receiver.url("/webhook"), &headers, body).await;
        assert_empty_answer(&answer, StatusCode::BAD_REQUEST, case);
        receiver.assert_nothing_received();

        // A handler that takes the rejection gets the verified bytes and keeps them.
        let answer = post_to(&receiver.url("/keep"), &headers, body).await;
        assert_eq!(answer.0, StatusCode::OK, "{case}");
        let Received::Kept(kept) = receiver.next().await else {
            panic!("{case}: not kept");
        };
        assert_eq!(&kept.bytes()[..], body, "{case}");
        assert_eq!(kept.event_type(), event_type, "{case}");
        assert!(kept.parse().is_err(), "{case}");
    }

    // Unsigned, the same body is no more than a bad signature: nothing is kept.
    let answer = post_to(&receiver.url("/keep"), &[], b"[1,2,3]").await;
    assert_empty_answer(&answer, StatusCode::UNAUTHORIZED, "unsigned array");
    receiver.assert_nothing_received();

    // Any JSON object is a webhook, if not one this version models: it arrives whole (R7).
    let body = br#"{"kybEvent":"COMPANY_APPROVED","companyId":"c-9"}"#;
    let signature = sign_webhook(&signing_key, body);
    let answer = post_to(
        &receiver.url("/webhook"),
        &[
            ("Idenfy-Signature", &signature),
            ("Idenfy-Event-Type", "KYB_COMPANY_APPROVED"),
        ],
        body,
    )
    .await;
    assert_eq!(answer.0, StatusCode::OK);
    let Received::Event(WebhookEvent::Unknown { event_type, body }) = receiver.next().await else {
        panic!("not an unknown event");
    };
    assert_eq!(
        event_type.as_ref().map(EventType::as_str),
        Some("KYB_COMPANY_APPROVED")
    );
    assert_eq!(body["companyId"], "c-9");
}
