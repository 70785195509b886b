#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Test code indexes known outputs: a bad index is a failed test.
#![allow(clippy::indexing_slicing)]
//! The listing as a `Stream` (async client) and an `Iterator` (blocking client), R13: every
//! identification of several pages in order, one call per page and only when needed, the
//! credentials never sent off the configured origin, and the end after the first error. The
//! transports are closures playing iDenfy with canned pages; the real-socket runs come with the
//! emulator.

use std::future::poll_fn;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use idenfy::http::header::AUTHORIZATION;
use idenfy::http::{Method, Request, Response};
use idenfy::{
    BlockingClient, CallOptions, Client, Config, Credentials, DecodeErrorKind, Error, FusedStream,
    Identification, IdentificationPage, IdentificationsRequest, RetryPolicy, Stream,
    TransportError,
};
use serde_json::json;

/// What a transport saw of each request: method, URI and whether it carried credentials.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    method: Method,
    uri: String,
    authorized: bool,
}

type Log = Arc<Mutex<Vec<Seen>>>;

fn record(log: &Log, request: &Request<Vec<u8>>) {
    log.lock().unwrap().push(Seen {
        method: request.method().clone(),
        uri: request.uri().to_string(),
        authorized: request.headers().contains_key(AUTHORIZATION),
    });
}

fn config() -> Config {
    Config::new(Credentials::new("partner-key", "partner-secret").unwrap())
}

/// Quick retries, so that a retried page costs milliseconds.
fn quick_retries() -> CallOptions {
    CallOptions::default().with_retry(
        RetryPolicy::default()
            .with_initial_backoff(Duration::from_millis(1))
            .with_max_backoff(Duration::from_millis(2)),
    )
}

fn ok(body: serde_json::Value) -> Response<Vec<u8>> {
    Response::new(serde_json::to_vec(&body).unwrap())
}

fn status(code: u16, body: &str) -> Response<Vec<u8>> {
    Response::builder()
        .status(code)
        .body(body.as_bytes().to_vec())
        .unwrap()
}

fn items(scan_refs: &[&str]) -> serde_json::Value {
    serde_json::Value::Array(
        scan_refs
            .iter()
            .map(|scan_ref| json!({"scanRef": scan_ref, "status": "APPROVED", "suspected": false}))
            .collect(),
    )
}

/// Three pages of 2, 2 and 1 identifications, the second page's link relative, answered by
/// page number.
fn three_pages(request: &Request<Vec<u8>>) -> Response<Vec<u8>> {
    match request.uri().query() {
        Some("clientId=crm-1&perPage=2") => ok(json!({"count": 5, "results": items(&["a", "b"]),
            "next": "https://ivs.idenfy.com/kyc/identifications/?clientId=crm-1&page=2&perPage=2",
            "previous": null})),
        Some("clientId=crm-1&page=2&perPage=2") => {
            ok(json!({"count": 5, "results": items(&["c", "d"]),
            "next": "/kyc/identifications/?clientId=crm-1&page=3&perPage=2"}))
        }
        Some("clientId=crm-1&page=3&perPage=2") => {
            ok(json!({"count": 5, "results": items(&["e"]), "next": null}))
        }
        other => status(404, &format!("unexpected query {other:?}")),
    }
}

fn first() -> IdentificationsRequest {
    IdentificationsRequest::builder()
        .client_id("crm-1")
        .per_page(2)
        .build()
        .unwrap()
}

/// The next item of a stream.
async fn next<S: Stream + Unpin>(stream: &mut S) -> Option<S::Item> {
    poll_fn(|cx| Pin::new(&mut *stream).poll_next(cx)).await
}

/// Every item of a stream.
fn collect<S: Stream + Unpin>(mut stream: S) -> Vec<S::Item> {
    pollster::block_on(async {
        let mut all = Vec::new();
        // Bounded: the listings here have a handful of items.
        for _ in 0..100 {
            match next(&mut stream).await {
                Some(item) => all.push(item),
                None => return all,
            }
        }
        panic!("the stream did not end");
    })
}

fn scan_refs(items: &[Result<Identification, Error>]) -> Vec<String> {
    items
        .iter()
        .filter_map(|item| item.as_ref().ok())
        .map(|item| item.scan_ref.clone().unwrap())
        .collect()
}

#[test]
fn r13_the_stream_walks_every_page_in_order() {
    let log = Log::default();
    let seen = log.clone();
    let client = Client::with_transport(config(), move |request: Request<Vec<u8>>| {
        record(&seen, &request);
        let response = three_pages(&request);
        async move { Ok::<_, TransportError>(response) }
    });
    let items = collect(client.identifications(first()));
    assert!(items.iter().all(Result::is_ok), "{items:?}");
    assert_eq!(scan_refs(&items), ["a", "b", "c", "d", "e"]);
    let seen = log.lock().unwrap().clone();
    assert_eq!(seen.len(), 3);
    for request in &seen {
        assert_eq!(request.method, Method::GET);
        assert!(request.authorized);
        assert!(
            request
                .uri
                .starts_with("https://ivs.idenfy.com/kyc/identifications/?")
        );
    }
}

#[test]
fn r13_a_page_is_fetched_only_when_the_last_one_is_used_up() {
    let log = Log::default();
    let seen = log.clone();
    let client = Client::with_transport(config(), move |request: Request<Vec<u8>>| {
        record(&seen, &request);
        let response = three_pages(&request);
        async move { Ok::<_, TransportError>(response) }
    });
    let mut stream = client.identifications(first());
    pollster::block_on(async {
        assert_eq!(
            next(&mut stream)
                .await
                .unwrap()
                .unwrap()
                .scan_ref
                .as_deref(),
            Some("a")
        );
        assert_eq!(log.lock().unwrap().len(), 1);
        assert_eq!(
            next(&mut stream)
                .await
                .unwrap()
                .unwrap()
                .scan_ref
                .as_deref(),
            Some("b")
        );
        assert_eq!(log.lock().unwrap().len(), 1);
        assert_eq!(
            next(&mut stream)
                .await
                .unwrap()
                .unwrap()
                .scan_ref
                .as_deref(),
            Some("c")
        );
        assert_eq!(log.lock().unwrap().len(), 2);
    });
    assert!(!stream.is_terminated());
}

#[test]
fn r13_the_pages_stream_gives_each_page_whole() {
    let client = Client::with_transport(config(), |request: Request<Vec<u8>>| {
        let response = three_pages(&request);
        async move { Ok::<_, TransportError>(response) }
    });
    let mut pages = client.identification_pages(first());
    let all: Vec<IdentificationPage> = pollster::block_on(async {
        let mut all = Vec::new();
        while let Some(page) = next(&mut pages).await {
            all.push(page.unwrap());
            assert!(all.len() <= 3);
        }
        all
    });
    assert_eq!(all.len(), 3);
    assert!(all.iter().all(|page| page.count == Some(5)));
    assert_eq!(all[2].identifications().len(), 1);
    assert!(pages.is_terminated());
    // A finished stream stays finished.
    assert!(pollster::block_on(next(&mut pages)).is_none());
}

#[test]
fn r13_credentials_never_leave_the_configured_origin() {
    let log = Log::default();
    let seen = log.clone();
    let client = Client::with_transport(config(), move |request: Request<Vec<u8>>| {
        record(&seen, &request);
        let response = ok(json!({"results": items(&["a"]),
            "next": "https://collector.example/kyc/identifications/?page=2"}));
        async move { Ok::<_, TransportError>(response) }
    });
    let items = collect(client.identifications(IdentificationsRequest::all()));
    assert_eq!(items.len(), 2, "{items:?}");
    assert_eq!(items[0].as_ref().unwrap().scan_ref.as_deref(), Some("a"));
    match &items[1] {
        Err(Error::Decode(error)) => {
            assert_eq!(error.path(), Some("next"));
            assert_eq!(error.kind(), DecodeErrorKind::Data);
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    let seen = log.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    assert!(
        seen.iter()
            .all(|request| request.uri.starts_with("https://ivs.idenfy.com/"))
    );
}

#[test]
fn r13_the_stream_ends_after_an_error() {
    let log = Log::default();
    let seen = log.clone();
    let client = Client::with_transport(config(), move |request: Request<Vec<u8>>| {
        record(&seen, &request);
        let response = match request.uri().query() {
            None => ok(json!({"results": items(&["a", "b"]),
                "next": "https://ivs.idenfy.com/kyc/identifications/?page=2"})),
            _ => status(
                403,
                r#"{"identifier":"PERMISSIONS_ERROR","message":"No listing."}"#,
            ),
        };
        async move { Ok::<_, TransportError>(response) }
    })
    .with_options(CallOptions::default().with_retry(RetryPolicy::none()));
    let mut stream = client.identifications(IdentificationsRequest::all());
    let items = pollster::block_on(async {
        let mut all = Vec::new();
        for _ in 0..10 {
            match next(&mut stream).await {
                Some(item) => all.push(item),
                None => break,
            }
        }
        all
    });
    assert_eq!(scan_refs(&items), ["a", "b"]);
    assert_eq!(items.len(), 3);
    assert_eq!(
        items[2].as_ref().unwrap_err().as_api().unwrap().status(),
        403
    );
    assert!(stream.is_terminated());
    assert_eq!(log.lock().unwrap().len(), 2);
}

#[test]
fn r13_a_page_is_retried_like_any_read_only_call() {
    let log = Log::default();
    let seen = log.clone();
    let client = Client::with_transport(config(), move |request: Request<Vec<u8>>| {
        record(&seen, &request);
        let attempts = seen.lock().unwrap().len();
        let response = match (request.uri().query(), attempts) {
            (None, _) => ok(json!({"results": items(&["a"]),
                "next": "https://ivs.idenfy.com/kyc/identifications/?page=2"})),
            // The second page fails once with 503, then answers.
            (Some(_), 2) => status(503, ""),
            (Some(_), _) => ok(json!({"results": items(&["b"]), "next": null})),
        };
        async move { Ok::<_, TransportError>(response) }
    })
    .with_options(quick_retries());
    let items = collect(client.identifications(IdentificationsRequest::all()));
    assert_eq!(scan_refs(&items), ["a", "b"]);
    assert_eq!(items.len(), 2);
    assert_eq!(log.lock().unwrap().len(), 3);
}

#[test]
fn r13_a_loop_is_reported_once_and_ends_the_listing() {
    let log = Log::default();
    let seen = log.clone();
    let client = Client::with_transport(config(), move |request: Request<Vec<u8>>| {
        record(&seen, &request);
        // Page 2 names page 1 again.
        let response = match request.uri().query() {
            None => ok(json!({"results": items(&["a"]), "next": "?page=2"})),
            _ => ok(json!({"results": items(&["b"]), "next": "/kyc/identifications/"})),
        };
        async move { Ok::<_, TransportError>(response) }
    });
    let items = collect(client.identifications(IdentificationsRequest::all()));
    assert_eq!(scan_refs(&items), ["a", "b"]);
    assert_eq!(items.len(), 3);
    assert!(matches!(&items[2], Err(Error::Decode(error)) if error.path() == Some("next")));
    assert_eq!(log.lock().unwrap().len(), 2);
}

#[test]
fn r11_the_stream_is_send_when_the_transport_is() {
    fn assert_send<T: Send>(_: &T) {}
    let client = Client::with_transport(config(), |request: Request<Vec<u8>>| {
        let response = three_pages(&request);
        async move { Ok::<_, TransportError>(response) }
    });
    let stream = client.identifications(first());
    assert_send(&stream);
    let pages = client.identification_pages(first());
    assert_send(&pages);
}

#[test]
fn r13_the_iterator_walks_every_page_and_ends_after_an_error() {
    let log = Log::default();
    let seen = log.clone();
    let client = BlockingClient::with_transport(config(), move |request: Request<Vec<u8>>| {
        record(&seen, &request);
        Ok::<_, TransportError>(three_pages(&request))
    });
    let all: Vec<_> = client.identifications(first()).collect();
    assert_eq!(scan_refs(&all), ["a", "b", "c", "d", "e"]);
    assert_eq!(all.len(), 5);
    assert_eq!(log.lock().unwrap().len(), 3);
    let pages: Vec<_> = client.identification_pages(first()).collect();
    assert_eq!(pages.len(), 3);
    assert!(pages.iter().all(Result::is_ok));

    // An answer that is no page: an error, then nothing more.
    let log = Log::default();
    let seen = log.clone();
    let client = BlockingClient::with_transport(config(), move |request: Request<Vec<u8>>| {
        record(&seen, &request);
        let response = match request.uri().query() {
            None => ok(json!({"results": items(&["a"]), "next": "?page=2"})),
            _ => status(200, "<html>maintenance</html>"),
        };
        Ok::<_, TransportError>(response)
    });
    let mut iter = client.identifications(IdentificationsRequest::all());
    assert_eq!(iter.next().unwrap().unwrap().scan_ref.as_deref(), Some("a"));
    match iter.next() {
        Some(Err(Error::Decode(error))) => assert_eq!(error.kind(), DecodeErrorKind::Syntax),
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert!(iter.next().is_none());
    assert!(iter.next().is_none());
    assert_eq!(log.lock().unwrap().len(), 2);
}

#[test]
fn r13_an_empty_listing_ends_at_once() {
    let client = BlockingClient::with_transport(config(), |_request: Request<Vec<u8>>| {
        Ok::<_, TransportError>(ok(json!({"count": 0, "next": null, "results": []})))
    });
    assert_eq!(
        client
            .identifications(IdentificationsRequest::all())
            .count(),
        0
    );
    let client = Client::with_transport(config(), |_request: Request<Vec<u8>>| async {
        Ok::<_, TransportError>(ok(json!({"count": 0, "next": null, "results": []})))
    });
    let mut stream = client.identifications(IdentificationsRequest::all());
    assert!(pollster::block_on(next(&mut stream)).is_none());
    assert!(stream.is_terminated());
}
