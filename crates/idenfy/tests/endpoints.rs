#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Test code indexes known outputs: a bad index is a failed test.
#![allow(clippy::indexing_slicing)]
//! The further endpoints on both clients (R12), driven by closure transports: each method sends
//! the documented method and path and reads the answer; the read-only ones are retried on 503
//! and the others are not (R9); an upload's body reaches the transport in one exact allocation
//! and is made afresh for a retry after a connection failure (R14); a `200` carrying an error
//! is an error.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use idenfy::http::{Method, Request, Response};
use idenfy::{
    AuthToken, BlockingClient, CallOptions, Client, Config, Credentials, Error, ErrorIdentifier,
    FaceAuthTokenRequest, FaceAuthType, IdentificationsRequest, ImageStep, ProcessRequest,
    RequestInformationRequest, RetryPolicy, TransportError, TransportErrorKind, VideoCallRequest,
};
use serde_json::{Value, json};

const SCAN_REF: &str = "4f1c2a9e-0b7d-4c3e-9a55-6d2e8f1b3c70";
const TOKEN: &str = "3FA5TFPA2ZE3LMPGGS1EGOJNJE";

fn config() -> Config {
    Config::new(Credentials::new("partner-key", "partner-secret").unwrap())
}

/// Quick retries, so that a retried call costs milliseconds.
fn quick_retries() -> CallOptions {
    CallOptions::default().with_retry(
        RetryPolicy::default()
            .with_initial_backoff(Duration::from_millis(1))
            .with_max_backoff(Duration::from_millis(2)),
    )
}

/// What a transport saw of one request.
#[derive(Debug, Clone)]
struct Seen {
    method: Method,
    path_and_query: String,
    body: Vec<u8>,
    capacity: usize,
}

type Log = Arc<Mutex<Vec<Seen>>>;

fn record(log: &Log, request: Request<Vec<u8>>) -> Seen {
    let (parts, body) = request.into_parts();
    let seen = Seen {
        method: parts.method,
        path_and_query: parts.uri.path_and_query().unwrap().to_string(),
        capacity: body.capacity(),
        body,
    };
    log.lock().unwrap().push(seen.clone());
    seen
}

/// iDenfy's answer to each endpoint, by path.
fn answer(seen: &Seen) -> Response<Vec<u8>> {
    let path = seen.path_and_query.split('?').next().unwrap();
    let body = match path {
        "/api/v2/process" => json!(null),
        "/kyc/identifications/" => json!({"count": 1, "next": null,
            "results": [{"scanRef": SCAN_REF, "status": "APPROVED", "suspected": false}]}),
        "/kyc/identifications/4f1c2a9e-0b7d-4c3e-9a55-6d2e8f1b3c70/request-information/" => {
            json!({"tokenString": "ReopenT0ken1", "sessionUrl": "https://ui.idenfy.com/?authToken=ReopenT0ken1"})
        }
        "/identification/facial-auth/4f1c2a9e-0b7d-4c3e-9a55-6d2e8f1b3c70/check-status/" => {
            json!({"type": "AUTHENTICATION"})
        }
        "/partner/authentication-info" => {
            json!({"authToken": "FaceT0ken1", "digitString": "12345678"})
        }
        "/api/v2/facial-authentication-sessions/" => json!([{"id": "s1", "approved": true}]),
        "/api/v2/facial-authentication-sessions/SessionT0ken1/" => {
            json!({"id": "s1", "tokenString": "SessionT0ken1", "approved": false})
        }
        "/api/v2/video-call" => json!({"url": "https://video.example/join/1"}),
        "/api/v2/video-call-record" => json!({"photos": {"VIDEO_CALL_FACE": "https://f/1.jpg"},
            "videos": ["https://f/1.mp4"]}),
        "/api/v2/full-status" => json!({"face_match_result": "FACE_MATCH", "review_time": ""}),
        other => panic!("unexpected path {other}"),
    };
    let bytes = if body.is_null() {
        Vec::new()
    } else {
        serde_json::to_vec(&body).unwrap()
    };
    Response::new(bytes)
}

fn jpeg(len: usize) -> Vec<u8> {
    let mut bytes = b"\xFF\xD8\xFF\xE0".to_vec();
    bytes.resize(len, 0x42);
    bytes
}

/// Runs every endpoint method of the async client against `answer`, checking each result.
fn every_method_async(client: &Client<impl idenfy::Transport>) {
    pollster::block_on(async {
        let front = jpeg(3000);
        let upload = ProcessRequest::builder(&AuthToken::new(TOKEN), "LT")
            .image(ImageStep::Front, &front[..])
            .build()
            .unwrap();
        client.process(&upload).await.unwrap();
        let page = client
            .identification_page(&IdentificationsRequest::all())
            .await
            .unwrap();
        assert_eq!(
            page.identifications()[0].scan_ref.as_deref(),
            Some(SCAN_REF)
        );
        let reopened = client
            .request_information(
                &RequestInformationRequest::builder(SCAN_REF)
                    .build()
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(reopened.token_string.expose_secret(), "ReopenT0ken1");
        let status = client.face_auth_status(SCAN_REF).await.unwrap();
        assert_eq!(status.auth_type, Some(FaceAuthType::Authentication));
        let token = client
            .face_auth_token(&FaceAuthTokenRequest::builder(SCAN_REF).build().unwrap())
            .await
            .unwrap();
        assert_eq!(token.auth_token.expose_secret(), "FaceT0ken1");
        let sessions = client.face_auth_sessions().await.unwrap();
        assert_eq!(sessions.sessions.len(), 1);
        let session = client.face_auth_session("SessionT0ken1").await.unwrap();
        assert_eq!(session.approved, Some(false));
        let call = client
            .video_call(&VideoCallRequest::new(SCAN_REF).unwrap())
            .await
            .unwrap();
        assert_eq!(call.link(), Some("https://video.example/join/1"));
        let record = client.video_call_record(SCAN_REF).await.unwrap();
        assert_eq!(record.video_urls().count(), 1);
        let full = client.full_status(SCAN_REF).await.unwrap();
        assert_eq!(full.review_time, None);
    });
}

/// The same for the blocking client.
fn every_method_blocking(client: &BlockingClient<impl idenfy::BlockingTransport>) {
    let front = jpeg(3000);
    let upload = ProcessRequest::builder(&AuthToken::new(TOKEN), "LT")
        .image(ImageStep::Front, &front[..])
        .build()
        .unwrap();
    client.process(&upload).unwrap();
    let page = client
        .identification_page(&IdentificationsRequest::all())
        .unwrap();
    assert_eq!(page.count, Some(1));
    let reopened = client
        .request_information(
            &RequestInformationRequest::builder(SCAN_REF)
                .build()
                .unwrap(),
        )
        .unwrap();
    assert!(reopened.session_url.is_some());
    assert!(
        client
            .face_auth_status(SCAN_REF)
            .unwrap()
            .can_authenticate()
    );
    let token = client
        .face_auth_token(&FaceAuthTokenRequest::builder(SCAN_REF).build().unwrap())
        .unwrap();
    assert!(token.digit_string.is_some());
    assert_eq!(client.face_auth_sessions().unwrap().sessions.len(), 1);
    assert_eq!(
        client
            .face_auth_session("SessionT0ken1")
            .unwrap()
            .id
            .as_deref(),
        Some("s1")
    );
    assert!(
        client
            .video_call(&VideoCallRequest::new(SCAN_REF).unwrap().with_photos(true))
            .unwrap()
            .link()
            .is_some()
    );
    assert_eq!(
        client
            .video_call_record(SCAN_REF)
            .unwrap()
            .photo("VIDEO_CALL_FACE"),
        Some("https://f/1.jpg")
    );
    assert!(client.full_status(SCAN_REF).unwrap().face().is_some());
}

/// The method and path of each call, in the order of `every_method_*`.
const EXPECTED: [(&str, &str); 10] = [
    ("POST", "/api/v2/process"),
    ("GET", "/kyc/identifications/"),
    (
        "POST",
        "/kyc/identifications/4f1c2a9e-0b7d-4c3e-9a55-6d2e8f1b3c70/request-information/",
    ),
    (
        "GET",
        "/identification/facial-auth/4f1c2a9e-0b7d-4c3e-9a55-6d2e8f1b3c70/check-status/?method=FACE_MATCHING",
    ),
    ("POST", "/partner/authentication-info"),
    ("GET", "/api/v2/facial-authentication-sessions/"),
    (
        "GET",
        "/api/v2/facial-authentication-sessions/SessionT0ken1/",
    ),
    ("POST", "/api/v2/video-call"),
    ("POST", "/api/v2/video-call-record"),
    ("POST", "/api/v2/full-status"),
];

fn assert_expected(log: &Log) {
    let seen = log.lock().unwrap();
    let calls: Vec<(String, String)> = seen
        .iter()
        .map(|seen| (seen.method.to_string(), seen.path_and_query.clone()))
        .collect();
    let expected: Vec<(String, String)> = EXPECTED
        .iter()
        .map(|(method, path)| ((*method).to_owned(), (*path).to_owned()))
        .collect();
    assert_eq!(calls, expected);
    // GETs carry no body; every POST body is JSON.
    for seen in seen.iter() {
        if seen.method == Method::GET {
            assert!(seen.body.is_empty(), "{}", seen.path_and_query);
        } else {
            serde_json::from_slice::<Value>(&seen.body).unwrap();
        }
    }
}

#[test]
fn r12_every_endpoint_on_the_async_client() {
    let log = Log::default();
    let seen = log.clone();
    let client = Client::with_transport(config(), move |request: Request<Vec<u8>>| {
        let response = answer(&record(&seen, request));
        async move { Ok::<_, TransportError>(response) }
    });
    every_method_async(&client);
    assert_expected(&log);
}

#[test]
fn r12_every_endpoint_on_the_blocking_client() {
    let log = Log::default();
    let seen = log.clone();
    let client = BlockingClient::with_transport(config(), move |request: Request<Vec<u8>>| {
        Ok::<_, TransportError>(answer(&record(&seen, request)))
    });
    every_method_blocking(&client);
    assert_expected(&log);
}

#[test]
fn r12_invalid_values_are_refused_before_anything_is_sent() {
    let log = Log::default();
    let seen = log.clone();
    let client = BlockingClient::with_transport(config(), move |request: Request<Vec<u8>>| {
        Ok::<_, TransportError>(answer(&record(&seen, request)))
    });
    for result in [
        client.face_auth_status("..").map(|_| ()),
        client.face_auth_session("x".repeat(41)).map(|_| ()),
        client.video_call_record("").map(|_| ()),
        client.full_status("y".repeat(41)).map(|_| ()),
    ] {
        assert!(matches!(result, Err(Error::Validation(_))), "{result:?}");
    }
    assert!(log.lock().unwrap().is_empty());
}

/// A transport that answers 503 to the first attempt of each call and then as iDenfy does.
fn flaky(log: Log) -> impl Fn(Request<Vec<u8>>) -> Result<Response<Vec<u8>>, TransportError> {
    move |request: Request<Vec<u8>>| {
        let seen = record(&log, request);
        let attempts = log
            .lock()
            .unwrap()
            .iter()
            .filter(|other| other.path_and_query == seen.path_and_query)
            .count();
        if attempts == 1 {
            Ok(Response::builder().status(503).body(Vec::new()).unwrap())
        } else {
            Ok(answer(&seen))
        }
    }
}

#[test]
fn r9_read_only_endpoints_are_retried_and_the_others_are_not() {
    let log = Log::default();
    let client =
        BlockingClient::with_transport(config(), flaky(log.clone())).with_options(quick_retries());
    // Read-only: a 503 is retried, and the call succeeds.
    client
        .identification_page(&IdentificationsRequest::all())
        .unwrap();
    client.face_auth_status(SCAN_REF).unwrap();
    client.face_auth_sessions().unwrap();
    client.face_auth_session("SessionT0ken1").unwrap();
    client.video_call_record(SCAN_REF).unwrap();
    client.full_status(SCAN_REF).unwrap();
    assert_eq!(log.lock().unwrap().len(), 12);

    // Not idempotent: the 503 is the answer, sent once.
    log.lock().unwrap().clear();
    let front = jpeg(100);
    let upload = ProcessRequest::builder(&AuthToken::new(TOKEN), "LT")
        .image(ImageStep::Front, &front[..])
        .build()
        .unwrap();
    let calls: [Result<(), Error>; 4] = [
        client.process(&upload),
        client
            .request_information(
                &RequestInformationRequest::builder(SCAN_REF)
                    .build()
                    .unwrap(),
            )
            .map(|_| ()),
        client
            .face_auth_token(&FaceAuthTokenRequest::builder(SCAN_REF).build().unwrap())
            .map(|_| ()),
        client
            .video_call(&VideoCallRequest::new(SCAN_REF).unwrap())
            .map(|_| ()),
    ];
    for result in &calls {
        assert_eq!(result.as_ref().unwrap_err().as_api().unwrap().status(), 503);
    }
    assert_eq!(log.lock().unwrap().len(), 4);
}

#[test]
fn r14_an_upload_reaches_the_transport_in_one_exact_body_made_afresh_for_a_retry() {
    let front = jpeg(300_000);
    let face = jpeg(120_001);
    let upload = ProcessRequest::builder(&AuthToken::new(TOKEN), "LT")
        .image(ImageStep::Front, &front[..])
        .image(ImageStep::Face, &face[..])
        .build()
        .unwrap();

    // The first attempt cannot connect: the body is built again for the second.
    let log = Log::default();
    let client = Client::with_transport(config(), {
        let log = log.clone();
        move |request: Request<Vec<u8>>| {
            let _ = record(&log, request);
            let attempts = log.lock().unwrap().len();
            let result = if attempts == 1 {
                Err(TransportError::new(TransportErrorKind::Connect))
            } else {
                Ok(Response::new(Vec::new()))
            };
            async move { result }
        }
    })
    .with_options(quick_retries());
    pollster::block_on(client.process(&upload)).unwrap();

    let seen = log.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    for attempt in &seen {
        assert_eq!(attempt.body.len(), upload.body_len());
        // One allocation of exactly the body: nothing grew, nothing left over.
        assert_eq!(attempt.capacity, attempt.body.len());
    }
    assert_eq!(seen[0].body, seen[1].body);
    let json: Value = serde_json::from_slice(&seen[0].body).unwrap();
    assert_eq!(json["images"].as_object().unwrap().len(), 2);
    assert_eq!(json["authToken"], TOKEN);

    // A failure after the request may have been sent is not retried: the token may be spent.
    let log = Log::default();
    let client = Client::with_transport(config(), {
        let log = log.clone();
        move |request: Request<Vec<u8>>| {
            let _ = record(&log, request);
            async { Err::<Response<Vec<u8>>, _>(TransportError::new(TransportErrorKind::Io)) }
        }
    })
    .with_options(quick_retries());
    let error = pollster::block_on(client.process(&upload)).unwrap_err();
    assert!(matches!(error, Error::Transport(ref error) if error.kind() == TransportErrorKind::Io));
    assert_eq!(log.lock().unwrap().len(), 1);
}

#[test]
fn r14_a_200_that_carries_an_error_is_an_error_on_both_clients() {
    let body = br#"{"identifier":"MISSING_VALUE","message":"No image provided for step 'BACK'"}"#;
    let front = jpeg(100);
    let upload = ProcessRequest::builder(&AuthToken::new(TOKEN), "LT")
        .image(ImageStep::Front, &front[..])
        .build()
        .unwrap();
    let check = |result: Result<(), Error>| match result {
        Err(Error::Api(error)) => {
            assert_eq!(error.status(), 200);
            assert_eq!(error.identifier(), Some(&ErrorIdentifier::MissingValue));
        }
        other => panic!("expected an API error, got {other:?}"),
    };
    let blocking = BlockingClient::with_transport(config(), |_request: Request<Vec<u8>>| {
        Ok::<_, TransportError>(Response::new(body.to_vec()))
    });
    check(blocking.process(&upload));
    let client = Client::with_transport(config(), |_request: Request<Vec<u8>>| async {
        Ok::<_, TransportError>(Response::new(body.to_vec()))
    });
    check(pollster::block_on(client.process(&upload)));
}
