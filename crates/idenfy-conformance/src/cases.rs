//! The cases, each written once as an async function over a [`Harness`], so that the same
//! checks run against an async and a blocking transport.
//!
//! Each case scripts a fresh [`TestServer`] byte by byte, for what a transport must get right
//! whatever server it meets: every endpoint's request and answer (R1, R5, R12) — `GET`s without
//! a body, the listing's pages followed on the same origin only (R13), an upload of the largest
//! size sent whole (R14) —, typed error
//! answers (R6), each kind of transport failure — never-answering and stalled servers, resets,
//! truncated and oversized bodies, a failed TLS handshake (R6) — and what retries may and may not
//! resend (R9). Case names start with the rule they check.
//!
//! Cases that need a deterministic error kind switch retries off through [`CallOptions`]; the
//! retry cases keep the default policy, whose pauses are driven by `Retry-After: 0` or are
//! bounded by the server, never by sleeps in the case. Timing checks are generous (a loaded
//! machine with two cores passes them); the whole suite takes a few seconds.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::thread;
use std::time::{Duration, Instant};

use idenfy::{
    ApiError, AuthToken, CallOptions, Config, Credentials, DEFAULT_USER_AGENT, DataRequest,
    DeleteRequest, Error, ErrorIdentifier, ErrorMessage, FaceAuthSessionRequest,
    FaceAuthSessionsRequest, FaceAuthStatusRequest, FaceAuthTokenRequest, FaceAuthType,
    FilesRequest, FullStatusRequest, IdentificationsRequest, ImageStep, MAX_IMAGE_BYTES,
    PdfRequest, ProcessRequest, RequestInformationRequest, RetryPolicy, StatusRequest,
    TokenRequest, TransportErrorKind, VideoCallRecordRequest, VideoCallRequest,
};
use serde_json::{Value, json};

use crate::exec::{on_thread, pause};
use crate::kit::{Harness, Kit, Subject};
use crate::report::{Failure, Report};
use crate::server::{Behaviour, RecordedRequest, Reply, TestServer, refused_base_url};

/// Declares the cases in the order they run: [`CASES`] lists their names and `run_all` runs the
/// selected ones.
macro_rules! cases {
    ($($case:ident),* $(,)?) => {
        /// The name of every case, in the order a run takes them. Each starts with the rule of
        /// idenfy-rs (`idenfy_proto::rules`) it checks: `r1_` transport, `r5_` endpoints, `r6_`
        /// errors, `r9_` retries, `r12_` to `r14_` the further endpoints (their `GET`s, the
        /// listing's pages, the largest upload).
        pub const CASES: &[&str] = &[$(stringify!($case)),*];

        /// Runs every case that `kit` selects, in order, into `report`.
        pub(crate) async fn run_all<H: Harness>(harness: &H, kit: &Kit, report: &mut Report) {
            $( kit.case(report, stringify!($case), $case(harness, kit)).await; )*
        }
    };
}

cases! {
    r5_token_success,
    r5_status_success,
    r5_data_success,
    r5_files_success,
    r5_delete_success_with_empty_body,
    r5_pdf_success_bytes_unchanged,
    r1_calls_share_a_kept_alive_connection,
    r9_slow_answer_within_the_timeout_succeeds,
    r6_every_error_identifier_is_typed,
    r6_unauthorized_with_and_without_body,
    r6_never_answering_server_times_out,
    r6_stalled_body_times_out,
    r6_oversized_body_is_refused,
    r6_oversized_body_is_not_read_to_the_end,
    r6_large_body_under_the_cap_is_delivered,
    r6_body_cap_is_exact_to_the_byte,
    r6_reset_mid_response_is_io,
    r6_truncated_body_is_io,
    r6_https_to_a_plain_text_server_fails_cleanly,
    r9_token_is_sent_once_on_503,
    r9_status_is_retried_after_two_503s,
    r9_status_is_retried_after_a_reset,
    r9_token_is_not_retried_after_a_reset,
    r9_connection_closed_while_idle_is_not_reused,
    r9_refused_connection_is_connect_and_token_is_retried,
    r14_largest_upload_is_sent_whole,
    r13_listing_gets_each_page_on_the_same_origin_only,
    r12_reads_are_gets_without_a_body,
    r12_further_posts_send_their_body_and_read_the_answer,
}

type Outcome = Result<(), Failure>;

const KEY: &str = "conformance-key";
const SECRET: &str = "conformance-secret-9Zq";
/// `Basic ` and the standard base64 of `KEY:SECRET` (checked against a base64 decoder in this
/// module's tests).
const AUTHORIZATION: &str = "Basic Y29uZm9ybWFuY2Uta2V5OmNvbmZvcm1hbmNlLXNlY3JldC05WnE=";
const CLIENT_ID: &str = "customer-42";
const SCAN_REF: &str = "3af4c9a4-1d2f-4b8e-9c61-0a2b3c4d5e6f";
const AUTH_TOKEN: &str = "AbCdEfGhIjKlMnOpQrStUvWxYz";
/// The smallest valid PDF (one empty page), 335 bytes.
const MINIMAL_PDF: &[u8] = include_bytes!("minimal.pdf");

const TOKEN: &str = "/api/v2/token";
const STATUS: &str = "/api/v2/status";
const DATA: &str = "/api/v2/data";
const FILES: &str = "/api/v2/files";
const DELETE: &str = "/api/v2/delete";
const PDF: &str = "/api/v2/generate-pdf";

/// The total timeout of calls that are expected to finish: long enough for a loaded machine,
/// short enough that a hang fails the case quickly.
const GENEROUS: Duration = Duration::from_secs(10);

// ---------------------------------------------------------------------------------------------
// Helpers.

/// A scripted server of its own for a case.
fn start() -> Result<TestServer, Failure> {
    Ok(ok!(TestServer::start()))
}

/// A client configuration for the scripted server at `base_url`.
fn config(base_url: &str) -> Result<Config, Failure> {
    let credentials = ok!(Credentials::new(KEY, SECRET));
    Ok(ok!(Config::builder(credentials).base_url(base_url).build()))
}

fn defaults() -> CallOptions {
    CallOptions::default().with_timeout(GENEROUS)
}

fn no_retries() -> CallOptions {
    defaults().with_retry(RetryPolicy::none())
}

fn token_request() -> Result<TokenRequest, Failure> {
    Ok(ok!(TokenRequest::builder(CLIENT_ID)
        .first_name("Jonas")
        .last_name("Jonaitis")
        .locale("en")
        .expiry_time(3600)
        .build()))
}

fn token_body() -> String {
    json!({
        "message": "Token created successfully",
        "authToken": AUTH_TOKEN,
        "scanRef": SCAN_REF,
        "clientId": CLIENT_ID,
        "firstName": "JONAS",
        "lastName": "JONAITIS",
        "locale": "en",
        "expiryTime": 3600,
        "sessionLength": 600,
        "tokenType": "IDENTIFICATION"
    })
    .to_string()
}

fn status_body() -> String {
    json!({
        "status": "APPROVED",
        "autoDocument": "DOC_VALIDATED",
        "autoFace": "FACE_MATCH",
        "manualDocument": "",
        "manualFace": "",
        "fraudTags": [],
        "mismatchTags": [],
        "scanRef": SCAN_REF,
        "clientId": CLIENT_ID
    })
    .to_string()
}

fn status_request() -> Result<StatusRequest, Failure> {
    Ok(ok!(StatusRequest::new(SCAN_REF)))
}

fn pdf_request() -> Result<PdfRequest, Failure> {
    Ok(ok!(PdfRequest::new(SCAN_REF)))
}

/// The transport error of a failed call.
fn transport_kind<T: std::fmt::Debug>(
    result: Result<T, Error>,
) -> Result<TransportErrorKind, Failure> {
    match result {
        Err(Error::Transport(error)) => Ok(error.kind()),
        other => fail!("expected a transport error, got {other:?}"),
    }
}

/// The API error of a failed call.
fn api_error<T: std::fmt::Debug>(result: Result<T, Error>) -> Result<ApiError, Failure> {
    match result {
        Err(Error::Api(error)) => Ok(error),
        other => fail!("expected an API error, got {other:?}"),
    }
}

/// R1: what every request must look like on the wire; returns its JSON body.
fn check_api_request(request: &RecordedRequest, path: &str) -> Result<Value, Failure> {
    check_eq!(request.method, "POST");
    check_eq!(request.target, path, "exact path, no trailing slash (R1)");
    check_eq!(request.version, "HTTP/1.1");
    let authorization = request.header_all("authorization");
    check_eq!(
        authorization,
        [AUTHORIZATION],
        "one HTTP Basic header, the kit's credentials"
    );
    check_eq!(request.header("content-type"), Some("application/json"));
    check_eq!(request.header("accept"), Some("application/json"));
    check_eq!(request.header("user-agent"), Some(DEFAULT_USER_AGENT));
    check!(DEFAULT_USER_AGENT.starts_with("idenfy-rs/"));
    check!(request.header("host").is_some(), "HTTP/1.1 needs Host");
    if let Some(length) = request.header("content-length") {
        check_eq!(length, request.body.len().to_string());
    }
    Ok(ok!(serde_json::from_slice(&request.body)))
}

/// R1 for a `GET` (the listing, face authentication's reads): the same headers but no body and
/// no `Content-Type`; the target exactly `target`, query included.
fn check_get_request(request: &RecordedRequest, target: &str) -> Outcome {
    check_eq!(request.method, "GET");
    check_eq!(request.target, target, "exact path and query (R12)");
    check_eq!(request.version, "HTTP/1.1");
    check_eq!(
        request.header_all("authorization"),
        [AUTHORIZATION],
        "one HTTP Basic header, the kit's credentials"
    );
    check_eq!(request.header("accept"), Some("application/json"));
    check_eq!(request.header("user-agent"), Some(DEFAULT_USER_AGENT));
    check_eq!(
        request.header("content-type"),
        None,
        "a GET has no body to type"
    );
    check_eq!(request.header("transfer-encoding"), None);
    check!(
        request
            .header("content-length")
            .is_none_or(|length| length == "0"),
        "no body announced: {:?}",
        request.header("content-length")
    );
    check!(request.body.is_empty(), "{} body bytes", request.body.len());
    Ok(())
}

/// The one request the server received.
fn only_request(server: &TestServer) -> Result<RecordedRequest, Failure> {
    let requests = server.requests();
    check_eq!(requests.len(), 1, "{requests:#?}");
    Ok(some!(requests.into_iter().next(), "one request"))
}

/// `duration` passing, without holding the executor's thread.
async fn sleep(duration: Duration) -> Outcome {
    ok!(pause(duration)).await;
    Ok(())
}

/// A plain-text HTTP server for one connection, for a client that speaks TLS to it: it reads
/// what arrives (the ClientHello) and answers `400` in clear text, as a plain HTTP server does.
/// [`TestServer`] cannot play it: it waits for a request line, which a ClientHello is not.
/// Returns the `https` base URL and the server thread, which ends within [`GENEROUS`] and
/// returns whether a client came.
fn plain_text_server() -> Result<(String, thread::JoinHandle<Result<(), String>>), Failure> {
    let listener = ok!(TcpListener::bind("127.0.0.1:0"));
    let addr = ok!(listener.local_addr());
    ok!(listener.set_nonblocking(true));
    let server = ok!(thread::Builder::new()
        .name("idenfy-conformance-plain".into())
        .spawn(move || {
            let deadline = Instant::now() + GENEROUS;
            let mut stream = loop {
                match listener.accept() {
                    Ok((stream, _)) => break stream,
                    Err(_) if Instant::now() < deadline => thread::sleep(Duration::from_millis(5)),
                    Err(error) => return Err(format!("no client came: {error}")),
                }
            };
            stream
                .set_nonblocking(false)
                .map_err(|error| error.to_string())?;
            stream
                .set_read_timeout(Some(GENEROUS))
                .map_err(|error| error.to_string())?;
            let _ = stream.read(&mut [0; 4096]);
            let _ = stream.write_all(
                b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
            Ok(())
        }));
    Ok((format!("https://{addr}"), server))
}

// ---------------------------------------------------------------------------------------------
// R5: every endpoint's success path (and R1: the request the server saw).

async fn r5_token_success<H: Harness>(harness: &H, _: &Kit) -> Outcome {
    let server = start()?;
    server.enqueue(TOKEN, Behaviour::Respond(Reply::json(201, token_body())));
    let client = harness.client(config(&server.base_url())?, defaults());

    let token = ok!(client.send(&token_request()?).await);
    check_eq!(token.auth_token.expose_secret(), AUTH_TOKEN);
    check_eq!(token.scan_ref.as_str(), SCAN_REF);
    check_eq!(token.client_id.as_deref(), Some(CLIENT_ID));
    check_eq!(token.message.as_deref(), Some("Token created successfully"));

    let body = check_api_request(&only_request(&server)?, TOKEN)?;
    check_eq!(
        body,
        json!({
            "clientId": CLIENT_ID,
            "firstName": "Jonas",
            "lastName": "Jonaitis",
            "locale": "en",
            "expiryTime": 3600
        })
    );
    Ok(())
}

async fn r5_status_success<H: Harness>(harness: &H, _: &Kit) -> Outcome {
    let server = start()?;
    server.enqueue(STATUS, Behaviour::Respond(Reply::json(200, status_body())));
    let client = harness.client(config(&server.base_url())?, defaults());

    let answer = ok!(client.send(&status_request()?).await);
    check!(answer.is_approved());
    check_eq!(answer.scan_ref.as_deref(), Some(SCAN_REF));
    check_eq!(answer.client_id.as_deref(), Some(CLIENT_ID));
    check!(!answer.is_manually_reviewed());

    let body = check_api_request(&only_request(&server)?, STATUS)?;
    check_eq!(body, json!({ "scanRef": SCAN_REF }));
    Ok(())
}

async fn r5_data_success<H: Harness>(harness: &H, _: &Kit) -> Outcome {
    let server = start()?;
    let data = json!({
        "docFirstName": "JONAS",
        "docLastName": "JONAITIS",
        "docNumber": "LT1234567",
        "docExpiry": "2030-01-31",
        "docType": "ID_CARD",
        "selectedCountry": "LT",
        "scanRef": SCAN_REF,
        "clientId": 42
    });
    server.enqueue(DATA, Behaviour::Respond(Reply::json(200, data.to_string())));
    let client = harness.client(config(&server.base_url())?, defaults());

    let answer = ok!(client.send(&ok!(DataRequest::new(SCAN_REF))).await);
    check_eq!(answer.scan_ref.as_deref(), Some(SCAN_REF));
    check_eq!(answer.client_id.as_deref(), Some("42"));
    check_eq!(
        answer.data.doc_first_name.as_deref().map(String::as_str),
        Some("JONAS")
    );
    check_eq!(
        answer.data.doc_number.as_deref().map(String::as_str),
        Some("LT1234567")
    );

    let body = check_api_request(&only_request(&server)?, DATA)?;
    check_eq!(body, json!({ "scanRef": SCAN_REF }));
    Ok(())
}

async fn r5_files_success<H: Harness>(harness: &H, _: &Kit) -> Outcome {
    let server = start()?;
    let files = json!({
        "FRONT": "https://files.example/front.jpg",
        "BACK": null,
        "FACE": "https://files.example/face.jpg"
    });
    server.enqueue(
        FILES,
        Behaviour::Respond(Reply::json(200, files.to_string())),
    );
    let client = harness.client(config(&server.base_url())?, defaults());

    let answer = ok!(client.send(&ok!(FilesRequest::new(SCAN_REF))).await);
    check_eq!(answer.front(), Some("https://files.example/front.jpg"));
    check_eq!(answer.face(), Some("https://files.example/face.jpg"));
    check_eq!(answer.back(), None);
    check!(answer.contains_key("BACK"));
    check_eq!(answer.len(), 3);

    let body = check_api_request(&only_request(&server)?, FILES)?;
    check_eq!(body, json!({ "scanRef": SCAN_REF }));
    Ok(())
}

async fn r5_delete_success_with_empty_body<H: Harness>(harness: &H, _: &Kit) -> Outcome {
    let server = start()?;
    server.enqueue(DELETE, Behaviour::Respond(Reply::new(200)));
    let client = harness.client(config(&server.base_url())?, defaults());

    ok!(client.send(&ok!(DeleteRequest::new(SCAN_REF))).await);

    let body = check_api_request(&only_request(&server)?, DELETE)?;
    check_eq!(body, json!({ "scanRef": SCAN_REF }));
    Ok(())
}

async fn r5_pdf_success_bytes_unchanged<H: Harness>(harness: &H, _: &Kit) -> Outcome {
    check!(MINIMAL_PDF.starts_with(b"%PDF-1.4") && MINIMAL_PDF.ends_with(b"%%EOF\n"));
    let server = start()?;
    server.enqueue(
        PDF,
        Behaviour::Respond(
            Reply::new(200)
                .header("Content-Type", "application/pdf")
                .body(MINIMAL_PDF),
        ),
    );
    let client = harness.client(config(&server.base_url())?, defaults());

    let answer = ok!(client.send(&pdf_request()?).await);
    check_eq!(answer.as_bytes(), MINIMAL_PDF);

    let body = check_api_request(&only_request(&server)?, PDF)?;
    check_eq!(body, json!({ "scanRef": SCAN_REF }));
    Ok(())
}

/// R1: a pooled client reuses its keep-alive connection for consecutive calls (unless the run
/// says the transport keeps no pool: [`Kit::connection_reuse`]).
async fn r1_calls_share_a_kept_alive_connection<H: Harness>(harness: &H, kit: &Kit) -> Outcome {
    let server = start()?;
    server.set_default(STATUS, Behaviour::Respond(Reply::json(200, status_body())));
    let client = harness.client(config(&server.base_url())?, defaults());

    for _ in 0..4 {
        check!(ok!(client.send(&status_request()?).await).is_approved());
    }
    check_eq!(server.count(STATUS), 4);
    if kit.requires_connection_reuse() {
        // One connection is the norm; a second is tolerated for a pool that checks a
        // connection back in a moment after the body was read. Four would mean no reuse at all.
        check!(
            server.connections() <= 2,
            "{} connections",
            server.connections()
        );
    }
    Ok(())
}

/// A server that is slow but answers within the timeout is waited for.
async fn r9_slow_answer_within_the_timeout_succeeds<H: Harness>(harness: &H, _: &Kit) -> Outcome {
    let server = start()?;
    server.enqueue(
        STATUS,
        Behaviour::Delay(Duration::from_millis(300), Reply::json(200, status_body())),
    );
    let client = harness.client(config(&server.base_url())?, no_retries());

    let started = Instant::now();
    check!(ok!(client.send(&status_request()?).await).is_approved());
    check!(started.elapsed() >= Duration::from_millis(300));
    check_eq!(server.count(STATUS), 1);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// R6: API errors.

/// Every identifier of reference §4.3, the variant it must become, and a status iDenfy sends
/// it with (or plausibly would: 400, 401, 403, 405, 429, 500).
fn identifiers() -> [(&'static str, ErrorIdentifier, u16); 13] {
    [
        ("INTERNAL_ERROR", ErrorIdentifier::InternalError, 500),
        ("BAD_VALUE", ErrorIdentifier::BadValue, 400),
        ("MISSING_VALUE", ErrorIdentifier::MissingValue, 400),
        ("UNAUTHORIZED", ErrorIdentifier::Unauthorized, 401),
        ("ENCODING_ERROR", ErrorIdentifier::EncodingError, 400),
        ("JSON_ERROR", ErrorIdentifier::JsonError, 400),
        ("TOKEN_NOT_VALID", ErrorIdentifier::TokenNotValid, 400),
        (
            "PARTNER_CONTRACT_ERROR",
            ErrorIdentifier::PartnerContractError,
            403,
        ),
        ("METHOD_NOT_ALLOWED", ErrorIdentifier::MethodNotAllowed, 405),
        ("PERMISSIONS_ERROR", ErrorIdentifier::PermissionsError, 403),
        ("TOO_MANY_REQUESTS", ErrorIdentifier::TooManyRequests, 429),
        ("VALIDATION_ERROR", ErrorIdentifier::ValidationError, 400),
        ("PARTNER_ERROR", ErrorIdentifier::PartnerError, 400),
    ]
}

/// Every §4.3 identifier becomes `Error::Api` with its variant and the status sent, through
/// every endpoint in turn. Retries are off, so the 429 and 500 are answered once (the retry
/// cases below cover retrying).
async fn r6_every_error_identifier_is_typed<H: Harness>(harness: &H, _: &Kit) -> Outcome {
    let server = start()?;
    let client = harness.client(config(&server.base_url())?, no_retries());
    let paths = [TOKEN, STATUS, DATA, FILES, DELETE, PDF];

    let identifiers = identifiers();
    for ((identifier, variant, status), path) in
        identifiers.clone().into_iter().zip(paths.iter().cycle())
    {
        let message = format!("Something about {identifier}.");
        let body = json!({
            "identifier": identifier,
            "message": message,
            "documentation": "https://github.com/idenfy/Documentation",
            "severity": "NOT_SEVERE"
        });
        server.enqueue(
            path,
            Behaviour::Respond(Reply::json(status, body.to_string())),
        );
        let result = match *path {
            TOKEN => client.send(&token_request()?).await.map(drop),
            STATUS => client.send(&status_request()?).await.map(drop),
            DATA => client
                .send(&ok!(DataRequest::new(SCAN_REF)))
                .await
                .map(drop),
            FILES => client
                .send(&ok!(FilesRequest::new(SCAN_REF)))
                .await
                .map(drop),
            DELETE => client.send(&ok!(DeleteRequest::new(SCAN_REF))).await,
            _ => client.send(&pdf_request()?).await.map(drop),
        };
        let error = api_error(result)?;
        check_eq!(error.status().as_u16(), status, "{identifier}");
        let parsed = some!(error.identifier(), "an identifier for {identifier}");
        check!(parsed.is_known(), "{identifier}");
        check_eq!(parsed.as_str(), identifier);
        check_eq!(parsed, &variant);
        check_eq!(error.message(), Some(&ErrorMessage::Text(message)));
        check_eq!(
            error.documentation(),
            Some("https://github.com/idenfy/Documentation")
        );
        check_eq!(error.severity(), Some("NOT_SEVERE"));
        check_eq!(error.raw_body(), None);
    }
    check_eq!(server.total(), identifiers.len());
    for (position, path) in paths.into_iter().enumerate() {
        let expected = (0..identifiers.len())
            .filter(|index| index % paths.len() == position)
            .count();
        check_eq!(server.count(path), expected, "{path}");
    }
    Ok(())
}

/// 401 with iDenfy's JSON body, and 401 and 403 with no body at all: all `Error::Api`.
async fn r6_unauthorized_with_and_without_body<H: Harness>(harness: &H, _: &Kit) -> Outcome {
    let server = start()?;
    let client = harness.client(config(&server.base_url())?, defaults());

    server.enqueue(
        TOKEN,
        Behaviour::Respond(Reply::json(
            401,
            r#"{"identifier":"UNAUTHORIZED","message":"Invalid credentials."}"#,
        )),
    );
    let error = api_error(client.send(&token_request()?).await)?;
    check_eq!(error.status().as_u16(), 401);
    check_eq!(error.identifier(), Some(&ErrorIdentifier::Unauthorized));

    server.enqueue(TOKEN, Behaviour::Respond(Reply::new(401)));
    let error = api_error(client.send(&token_request()?).await)?;
    check_eq!(error.status().as_u16(), 401);
    check_eq!(error.identifier(), None);

    server.enqueue(STATUS, Behaviour::Respond(Reply::new(403)));
    let error = api_error(client.send(&status_request()?).await)?;
    check_eq!(error.status().as_u16(), 403);
    check_eq!(error.identifier(), None);

    check_eq!(server.count(TOKEN), 2);
    check_eq!(server.count(STATUS), 1);
    // R6: the secret never shows in the error.
    for text in [error.to_string(), format!("{error:?}")] {
        check!(!text.contains(SECRET), "{text}");
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// R6: transport failures, each its own kind.

/// A call against `server` (scripted with a stall of some kind) with a total timeout of
/// `timeout` ends in `Timeout` within it (plus a margin), never a hang, and is not retried,
/// the time being spent.
async fn check_times_out<H: Harness>(
    harness: &H,
    server: &TestServer,
    timeout: Duration,
) -> Outcome {
    let client = harness.client(
        config(&server.base_url())?,
        CallOptions::default().with_timeout(timeout),
    );

    let started = Instant::now();
    let kind = transport_kind(client.send(&status_request()?).await)?;
    let elapsed = started.elapsed();
    check_eq!(kind, TransportErrorKind::Timeout);
    check!(
        elapsed >= timeout - Duration::from_millis(100),
        "gave up early: {elapsed:?}"
    );
    check!(
        elapsed < timeout + Duration::from_secs(2),
        "took too long: {elapsed:?}"
    );
    check_eq!(server.count(STATUS), 1);
    Ok(())
}

/// A server that reads the request and never answers: `Timeout` within the configured total
/// timeout (plus a margin), never a hang; not retried, the time being spent.
async fn r6_never_answering_server_times_out<H: Harness>(harness: &H, _: &Kit) -> Outcome {
    let server = start()?;
    server.set_default(STATUS, Behaviour::NeverAnswer);
    check_times_out(harness, &server, Duration::from_millis(500)).await
}

/// A server that sends the headers and part of the body, then stalls: still `Timeout` within
/// the configured timeout — the limit covers reading the body, not only the headers.
async fn r6_stalled_body_times_out<H: Harness>(harness: &H, _: &Kit) -> Outcome {
    let server = start()?;
    server.set_default(STATUS, Behaviour::StallMidResponse);
    check_times_out(harness, &server, Duration::from_millis(500)).await
}

/// The body cap: a 1 MiB answer against a 64 KiB limit is refused as `BodyTooLarge`, whether
/// its size is announced (`Content-Length`) or only found out by reading (chunked).
async fn r6_oversized_body_is_refused<H: Harness>(harness: &H, _: &Kit) -> Outcome {
    for behaviour in [
        Behaviour::Oversized(1024 * 1024),
        Behaviour::OversizedChunked(1024 * 1024),
    ] {
        let server = start()?;
        server.enqueue(PDF, behaviour.clone());
        let client = harness.client(
            config(&server.base_url())?,
            no_retries().with_max_response_bytes(64 * 1024),
        );
        let kind = transport_kind(client.send(&pdf_request()?).await)?;
        check_eq!(kind, TransportErrorKind::BodyTooLarge, "{behaviour:?}");
        check_eq!(server.count(PDF), 1);
    }
    Ok(())
}

/// The transport itself stops at the cap — only it can stop the work early: a 64 MiB body
/// against a 64 KiB cap is abandoned long before its end (the connection is closed while the
/// server is still writing), whether its size is announced or not.
async fn r6_oversized_body_is_not_read_to_the_end<H: Harness>(harness: &H, _: &Kit) -> Outcome {
    let size = 64 * 1024 * 1024;
    for behaviour in [
        Behaviour::Oversized(size),
        Behaviour::OversizedChunked(size),
    ] {
        let server = start()?;
        server.enqueue(PDF, behaviour.clone());
        let client = harness.client(
            config(&server.base_url())?,
            no_retries().with_max_response_bytes(64 * 1024),
        );
        let kind = transport_kind(client.send(&pdf_request()?).await)?;
        check_eq!(kind, TransportErrorKind::BodyTooLarge, "{behaviour:?}");
        // With the client still alive: the transport must give the connection up by itself.
        // The wait runs on a thread of its own, so that an executor with one thread goes on
        // running the transport's connection tasks meanwhile.
        let waiter = server.stream_waiter(1, Duration::from_secs(5));
        let streams = some!(ok!(on_thread(waiter)).await, "the stream outcomes");
        drop(client);
        let stream = match streams.as_slice() {
            [stream] => *stream,
            other => fail!("the server is still writing: {behaviour:?}: {other:?}"),
        };
        check!(!stream.completed, "{behaviour:?}: {stream:?}");
        check!(stream.written < size / 2, "{behaviour:?}: {stream:?}");
    }
    Ok(())
}

/// The same 1 MiB body under the default cap is delivered whole.
async fn r6_large_body_under_the_cap_is_delivered<H: Harness>(harness: &H, _: &Kit) -> Outcome {
    let server = start()?;
    server.enqueue(PDF, Behaviour::OversizedChunked(1024 * 1024));
    let client = harness.client(config(&server.base_url())?, no_retries());
    let answer = ok!(client.send(&pdf_request()?).await);
    check_eq!(answer.as_bytes().len(), 1024 * 1024);
    check!(answer.as_bytes().starts_with(b"%PDF-1.4\n"));
    Ok(())
}

/// The cap is exact: a body of `max_response_bytes` is delivered, one byte more is refused as
/// `BodyTooLarge`, whether its size is announced (`Content-Length`) or only found out by
/// reading (chunked).
async fn r6_body_cap_is_exact_to_the_byte<H: Harness>(harness: &H, _: &Kit) -> Outcome {
    let body = status_body();
    let server = start()?;
    let at_cap = harness.client(
        config(&server.base_url())?,
        no_retries().with_max_response_bytes(body.len()),
    );
    let one_over = harness.client(
        config(&server.base_url())?,
        no_retries().with_max_response_bytes(body.len() - 1),
    );
    let chunked = Reply::new(200)
        .header("Content-Type", "application/json")
        .header("Transfer-Encoding", "chunked")
        .body(format!("{:x}\r\n{body}\r\n0\r\n\r\n", body.len()));
    for reply in [Reply::json(200, body.clone()), chunked] {
        server.enqueue(STATUS, Behaviour::Respond(reply.clone()));
        check!(ok!(at_cap.send(&status_request()?).await).is_approved());
        server.enqueue(STATUS, Behaviour::Respond(reply.clone()));
        check_eq!(
            transport_kind(one_over.send(&status_request()?).await)?,
            TransportErrorKind::BodyTooLarge,
            "{reply:?}"
        );
    }
    check_eq!(server.count(STATUS), 4);
    Ok(())
}

/// A connection reset in the middle of the body is `Io` (retries off, so the kind is the
/// first attempt's).
async fn r6_reset_mid_response_is_io<H: Harness>(harness: &H, _: &Kit) -> Outcome {
    let server = start()?;
    server.enqueue(STATUS, Behaviour::ResetMidResponse);
    let client = harness.client(config(&server.base_url())?, no_retries());
    check_eq!(
        transport_kind(client.send(&status_request()?).await)?,
        TransportErrorKind::Io
    );
    check_eq!(server.count(STATUS), 1);
    Ok(())
}

/// A body cut short by a normal close (fewer bytes than `Content-Length`) is `Io` too, never
/// a success with a truncated body.
async fn r6_truncated_body_is_io<H: Harness>(harness: &H, _: &Kit) -> Outcome {
    let server = start()?;
    server.enqueue(STATUS, Behaviour::TruncateMidResponse);
    let client = harness.client(config(&server.base_url())?, no_retries());
    check_eq!(
        transport_kind(client.send(&status_request()?).await)?,
        TransportErrorKind::Io
    );
    check_eq!(server.count(STATUS), 1);
    Ok(())
}

/// `https` to a server that answers in plain text: a clean transport error, never a panic, of
/// a kind the run accepts ([`Kit::handshake_failure`]: `Connect` or `Io` unless pinned);
/// retries are off, so one attempt.
async fn r6_https_to_a_plain_text_server_fails_cleanly<H: Harness>(
    harness: &H,
    kit: &Kit,
) -> Outcome {
    let (base_url, server) = plain_text_server()?;
    let client = harness.client(config(&base_url)?, no_retries());
    let kind = transport_kind(client.send(&status_request()?).await)?;
    let accepted = kit.handshake_failure_kinds();
    check!(accepted.contains(&kind), "{kind:?} is none of {accepted:?}");
    drop(client);
    // The server thread ends within GENEROUS; joined on a thread of its own.
    let served = some!(ok!(on_thread(move || server.join())).await, "the join");
    ok!(ok!(served));
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// R9: retries.

/// Token creation is sent exactly once when the server answers 503, even with retries on and
/// `Retry-After: 0`.
async fn r9_token_is_sent_once_on_503<H: Harness>(harness: &H, _: &Kit) -> Outcome {
    let server = start()?;
    server.set_default(
        TOKEN,
        Behaviour::Respond(
            Reply::json(
                503,
                r#"{"identifier":"INTERNAL_ERROR","message":"Unavailable."}"#,
            )
            .header("Retry-After", "0"),
        ),
    );
    let client = harness.client(config(&server.base_url())?, defaults());
    let error = api_error(client.send(&token_request()?).await)?;
    check_eq!(error.status().as_u16(), 503);
    check_eq!(server.count(TOKEN), 1);
    Ok(())
}

/// `status` is retried after two 503s with `Retry-After: 0`, and the third answer wins.
async fn r9_status_is_retried_after_two_503s<H: Harness>(harness: &H, _: &Kit) -> Outcome {
    let server = start()?;
    for _ in 0..2 {
        server.enqueue(
            STATUS,
            Behaviour::Respond(Reply::new(503).header("Retry-After", "0")),
        );
    }
    server.enqueue(STATUS, Behaviour::Respond(Reply::json(200, status_body())));
    let client = harness.client(config(&server.base_url())?, defaults());

    check!(ok!(client.send(&status_request()?).await).is_approved());
    check_eq!(server.count(STATUS), 3);
    for request in &server.requests() {
        check_eq!(
            check_api_request(request, STATUS)?,
            json!({ "scanRef": SCAN_REF })
        );
    }
    Ok(())
}

/// A read-only call whose connection is reset mid-response is retried (on a new connection).
async fn r9_status_is_retried_after_a_reset<H: Harness>(harness: &H, _: &Kit) -> Outcome {
    let server = start()?;
    server.enqueue(STATUS, Behaviour::ResetMidResponse);
    server.enqueue(STATUS, Behaviour::Respond(Reply::json(200, status_body())));
    let client = harness.client(config(&server.base_url())?, defaults());

    check!(ok!(client.send(&status_request()?).await).is_approved());
    check_eq!(server.count(STATUS), 2);
    check_eq!(server.connections(), 2);
    Ok(())
}

/// Token creation whose connection is reset after the request arrived is NOT retried.
async fn r9_token_is_not_retried_after_a_reset<H: Harness>(harness: &H, _: &Kit) -> Outcome {
    let server = start()?;
    server.enqueue(TOKEN, Behaviour::ResetMidResponse);
    server.set_default(TOKEN, Behaviour::Respond(Reply::json(201, token_body())));
    let client = harness.client(config(&server.base_url())?, defaults());

    check_eq!(
        transport_kind(client.send(&token_request()?).await)?,
        TransportErrorKind::Io
    );
    check_eq!(server.count(TOKEN), 1);
    Ok(())
}

/// A keep-alive connection the server closed while it was idle is not reused: the next call —
/// a token creation, which the core never retries once sent — goes out on a new connection
/// and succeeds. (The pause between the calls is the idle time of the scenario, not a
/// synchronisation: a server closes idle connections long before the next call in real life.
/// It holds no executor thread, so an async transport's connection tasks see the close.)
async fn r9_connection_closed_while_idle_is_not_reused<H: Harness>(
    harness: &H,
    _: &Kit,
) -> Outcome {
    let server = start()?;
    server.enqueue(
        STATUS,
        Behaviour::RespondThenClose(Reply::json(200, status_body())),
    );
    server.enqueue(TOKEN, Behaviour::Respond(Reply::json(201, token_body())));
    let client = harness.client(config(&server.base_url())?, defaults());

    check!(ok!(client.send(&status_request()?).await).is_approved());
    sleep(Duration::from_millis(200)).await?;
    let token = ok!(client.send(&token_request()?).await);
    check_eq!(token.scan_ref.as_str(), SCAN_REF);
    check_eq!(server.count(TOKEN), 1);
    check_eq!(server.connections(), 2);
    Ok(())
}

/// Nothing listens: `Connect`. Token creation IS retried then (the request never left), which
/// shows in the time taken: two pauses of 100 ms and 200 ms (no jitter) before giving up, and
/// still well within the timeout.
async fn r9_refused_connection_is_connect_and_token_is_retried<H: Harness>(
    harness: &H,
    _: &Kit,
) -> Outcome {
    let options = CallOptions::default()
        .with_timeout(Duration::from_secs(5))
        .with_retry(
            RetryPolicy::default()
                .with_max_retries(2)
                .with_initial_backoff(Duration::from_millis(100))
                .with_jitter(false),
        );
    let client = harness.client(config(&ok!(refused_base_url()))?, options);

    let started = Instant::now();
    let kind = transport_kind(client.send(&token_request()?).await)?;
    let elapsed = started.elapsed();
    check_eq!(kind, TransportErrorKind::Connect);
    check!(
        elapsed >= Duration::from_millis(300),
        "not retried: {elapsed:?}"
    );
    check!(elapsed < Duration::from_secs(5), "{elapsed:?}");

    // Without retries the same failure comes back at once.
    let client = harness.client(config(&ok!(refused_base_url()))?, no_retries());
    check_eq!(
        transport_kind(client.send(&status_request()?).await)?,
        TransportErrorKind::Connect
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// R12–R14: the further endpoints, as a transport carries them.

const PROCESS: &str = "/api/v2/process";
const LISTING: &str = "/kyc/identifications/";

/// The largest upload the client sends (R14): three images of the largest size, an 18 MB body,
/// arrives whole, byte for byte and announced with its exact `Content-Length`; an answer of
/// `200` with no body is success, and a `200` whose body carries an error is an API error.
async fn r14_largest_upload_is_sent_whole<H: Harness>(harness: &H, _: &Kit) -> Outcome {
    let server = start()?;
    server.enqueue(PROCESS, Behaviour::Respond(Reply::new(200)));
    server.enqueue(
        PROCESS,
        Behaviour::Respond(Reply::json(
            200,
            r#"{"identifier": "BAD_VALUE", "message": "The document was not detected."}"#,
        )),
    );
    let client = harness.client(config(&server.base_url())?, defaults());
    let mut image = vec![0_u8; MAX_IMAGE_BYTES];
    let signature = some!(image.get_mut(..3), "the image's first bytes");
    signature.copy_from_slice(b"\xFF\xD8\xFF");
    let token = AuthToken::new(AUTH_TOKEN);
    let upload = ok!(ProcessRequest::builder(&token, "LT")
        .image(ImageStep::Front, &image[..])
        .image(ImageStep::Back, &image[..])
        .image(ImageStep::Face, &image[..])
        .build());
    check!(upload.body_len() > 18_000_000, "{}", upload.body_len());

    ok!(client.send(&upload).await);
    let request = only_request(&server)?;
    check_eq!(
        request.header("content-length"),
        Some(upload.body_len().to_string().as_str())
    );
    check!(
        request.body == ok!(upload.to_json()),
        "the body arrived altered"
    );
    let body = check_api_request(&request, PROCESS)?;
    check_eq!(body.get("authToken"), Some(&json!(AUTH_TOKEN)));

    let error = api_error(client.send(&upload).await)?;
    check_eq!(error.status().as_u16(), 200);
    check_eq!(error.identifier(), Some(&ErrorIdentifier::BadValue));
    Ok(())
}

/// The listing (R13) as a user walks it: each page a `GET` with its query, the next one taken
/// from the page's `next` link on the configured origin; a link to another origin is not
/// followed (the credentials stay home) and ends the listing with a typed error after the
/// page's identifications.
async fn r13_listing_gets_each_page_on_the_same_origin_only<H: Harness>(
    harness: &H,
    _: &Kit,
) -> Outcome {
    let server = start()?;
    let base = server.base_url();
    let page = |scan_ref: &str, next: Value| {
        json!({"count": 2, "next": next, "previous": null,
            "results": [{"scanRef": scan_ref, "status": "APPROVED", "suspected": false}]})
        .to_string()
    };
    server.enqueue(
        LISTING,
        Behaviour::Respond(Reply::json(
            200,
            page("a1", json!(format!("{base}{LISTING}?page=2&perPage=1"))),
        )),
    );
    server.enqueue(
        LISTING,
        Behaviour::Respond(Reply::json(200, page("b2", Value::Null))),
    );
    server.enqueue(
        LISTING,
        Behaviour::Respond(Reply::json(
            200,
            page(
                "c3",
                json!("http://elsewhere.example/kyc/identifications/?page=2"),
            ),
        )),
    );
    let client = harness.client(config(&base)?, defaults());

    let first = ok!(IdentificationsRequest::builder().per_page(1).build());
    let items = client.identifications(first).await;
    let scan_refs: Vec<Option<String>> = items
        .iter()
        .map(|item| item.as_ref().ok().and_then(|item| item.scan_ref.clone()))
        .collect();
    check_eq!(
        scan_refs,
        [Some("a1".to_owned()), Some("b2".to_owned())],
        "{items:?}"
    );
    let requests = server.requests();
    check_eq!(requests.len(), 2);
    check_get_request(
        some!(requests.first(), "page 1"),
        "/kyc/identifications/?perPage=1",
    )?;
    check_get_request(
        some!(requests.get(1), "page 2"),
        "/kyc/identifications/?page=2&perPage=1",
    )?;

    let items = client.identifications(IdentificationsRequest::all()).await;
    check_eq!(items.len(), 2, "{items:?}");
    check!(matches!(items.first(), Some(Ok(item)) if item.scan_ref.as_deref() == Some("c3")));
    match items.get(1) {
        Some(Err(Error::Decode(error))) => check_eq!(error.path(), Some("next")),
        other => fail!("expected a decoding error at `next`, got {other:?}"),
    }
    check_eq!(server.total(), 3, "nothing sent to the other origin");
    Ok(())
}

/// Face authentication's reads (R12) are `GET`s without a body, each with its exact path and
/// query — the `scanRef` and the token as path segments, the method as a query — and their
/// answers are read.
async fn r12_reads_are_gets_without_a_body<H: Harness>(harness: &H, _: &Kit) -> Outcome {
    let server = start()?;
    let check_status = format!("/identification/facial-auth/{SCAN_REF}/check-status/");
    let sessions = "/api/v2/facial-authentication-sessions/";
    let session = format!("{sessions}{AUTH_TOKEN}/");
    server.enqueue(
        &check_status,
        Behaviour::Respond(Reply::json(200, r#"{"type": "AUTHENTICATION"}"#)),
    );
    let one = json!({"id": "9b11acb2-8c27-11e9-9758-309c231b1bac", "tokenString": AUTH_TOKEN,
        "approved": true, "givenScanRef": SCAN_REF, "type": "AUTHENTICATION",
        "authenticationMethod": "FACE_MATCHING", "facePhoto": null});
    server.enqueue(
        sessions,
        Behaviour::Respond(Reply::json(200, json!([one]).to_string())),
    );
    server.enqueue(
        &session,
        Behaviour::Respond(Reply::json(200, one.to_string())),
    );
    let client = harness.client(config(&server.base_url())?, defaults());

    let status = ok!(client
        .send(&ok!(FaceAuthStatusRequest::new(SCAN_REF)))
        .await);
    check!(status.can_authenticate());
    let listed = ok!(client.send(&FaceAuthSessionsRequest::new()).await);
    check_eq!(listed.sessions.len(), 1);
    let read = ok!(client
        .send(&ok!(FaceAuthSessionRequest::new(AUTH_TOKEN)))
        .await);
    check_eq!(read.approved, Some(true));
    check_eq!(read.session_type, Some(FaceAuthType::Authentication));

    let requests = server.requests();
    check_eq!(requests.len(), 3);
    let targets = [
        format!("{check_status}?method=FACE_MATCHING"),
        sessions.to_owned(),
        session,
    ];
    for (request, target) in requests.iter().zip(&targets) {
        check_get_request(request, target)?;
    }
    Ok(())
}

/// The further `POST`s (R12): request-information, authentication-info, video-call,
/// video-call-record and full-status, each to its exact path (the newer ones with their
/// trailing slash) with its JSON body, each answer read.
async fn r12_further_posts_send_their_body_and_read_the_answer<H: Harness>(
    harness: &H,
    _: &Kit,
) -> Outcome {
    let server = start()?;
    let information = format!("/kyc/identifications/{SCAN_REF}/request-information/");
    server.enqueue(
        &information,
        Behaviour::Respond(Reply::json(
            200,
            json!({"sessionUrl": "https://ivs.idenfy.com/session", "tokenString": AUTH_TOKEN})
                .to_string(),
        )),
    );
    server.enqueue(
        "/partner/authentication-info",
        Behaviour::Respond(Reply::json(
            201,
            json!({"authToken": AUTH_TOKEN, "digitString": "12345678"}).to_string(),
        )),
    );
    server.enqueue(
        "/api/v2/video-call",
        Behaviour::Respond(Reply::json(
            200,
            r#"{"url": "https://ivs.idenfy.com/video-call/1"}"#,
        )),
    );
    server.enqueue(
        "/api/v2/video-call-record",
        Behaviour::Respond(Reply::json(
            200,
            json!({"photos": {"VIDEO_CALL_FACE": "https://files.example/face.jpg",
                "VIDEO_CALL_BACK": null}, "videos": ["https://files.example/call.mp4"]})
            .to_string(),
        )),
    );
    server.enqueue(
        "/api/v2/full-status",
        Behaviour::Respond(Reply::json(
            200,
            r#"{"face_match_result": "FACE_MATCH", "manual_face_match_result": "", "attempt_count": 1}"#,
        )),
    );
    let client = harness.client(config(&server.base_url())?, defaults());

    let reopened = ok!(client
        .send(&ok!(RequestInformationRequest::builder(SCAN_REF)
            .lifetime(600)
            .build()))
        .await);
    check_eq!(reopened.token_string.expose_secret(), AUTH_TOKEN);
    let face = ok!(client
        .send(&ok!(FaceAuthTokenRequest::builder(SCAN_REF).build()))
        .await);
    check_eq!(face.auth_token.expose_secret(), AUTH_TOKEN);
    let call = ok!(client
        .send(&ok!(VideoCallRequest::new(SCAN_REF)).with_photos(true))
        .await);
    check_eq!(call.link(), Some("https://ivs.idenfy.com/video-call/1"));
    let record = ok!(client
        .send(&ok!(VideoCallRecordRequest::new(SCAN_REF)))
        .await);
    check_eq!(
        record.photo("VIDEO_CALL_FACE"),
        Some("https://files.example/face.jpg")
    );
    check_eq!(record.video_urls().count(), 1);
    let full = ok!(client.send(&ok!(FullStatusRequest::new(SCAN_REF))).await);
    check_eq!(full.attempt_count, Some(1));
    check_eq!(full.manual_face_match_result, None);

    let requests = server.requests();
    check_eq!(requests.len(), 5);
    let expected = [
        (information.as_str(), json!({"lifetime": 600})),
        (
            "/partner/authentication-info",
            json!({"scanRef": SCAN_REF, "type": "AUTHENTICATION", "method": "FACE_MATCHING"}),
        ),
        (
            "/api/v2/video-call",
            json!({"scanRef": SCAN_REF, "photos": true}),
        ),
        ("/api/v2/video-call-record", json!({"scanRef": SCAN_REF})),
        ("/api/v2/full-status", json!({"scanRef": SCAN_REF})),
    ];
    for (request, (path, body)) in requests.iter().zip(expected) {
        check_eq!(check_api_request(request, path)?, body, "{path}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;

    use super::{AUTHORIZATION, KEY, SECRET};

    #[test]
    fn the_expected_authorization_header_is_basic_auth_of_the_kit_credentials() {
        let encoded = AUTHORIZATION.strip_prefix("Basic ");
        let decoded =
            encoded.map(|encoded| base64::engine::general_purpose::STANDARD.decode(encoded));
        assert_eq!(
            decoded.and_then(Result::ok),
            Some(format!("{KEY}:{SECRET}").into_bytes())
        );
    }
}
