#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Test code indexes and slices known fixtures and outputs: a bad bound is a failed test.
#![allow(clippy::indexing_slicing, clippy::string_slice)]
//! The transport conformance suite against the stateful emulator (issue 5, item 7): the same
//! cases, with the same assertions, run against each HTTP adapter — `idenfy-hyper`,
//! `idenfy-isahc` and `idenfy-blocking` (ureq) — over loopback, each case on a fresh
//! [`Emulator`] of its own.
//!
//! Its [`Harness`] and `conformance!` macro (in `harness/`) make the tests named `hyper::r5_lifecycle_from_token_to_deletion`,
//! `isahc::r5_lifecycle_from_token_to_deletion`, … (`cargo test --test conformance_emulator
//! blocking::` runs one adapter). The conformance kit (`idenfy-conformance`, run against the
//! adapters by `conformance.rs`) has the cases only a scripted server can produce precisely (stalls, resets, oversized bodies, idle closes, every documented error
//! body); this file covers what needs a server with state — a verification's lifecycle, the
//! delete rule and its expiry on the emulator's clock, credentials, unknown `scanRef`s — and
//! the faults the emulator injects, as each adapter sees them, plus the signed webhook a
//! finished verification sends; and each further endpoint of issue 14 (R12–R14) — direct
//! processing with real JPEG and PNG bytes, the listing walked across pages with the client's
//! `Stream` or `Iterator`, the request for information and the `IDENTIFICATION_RESUBMITTED` of
//! the re-submission, face authentication, video calls and their webhook, the legacy full
//! status — with its error paths: what the rules refuse is never sent, and the emulator's
//! refusals arrive typed.
//!
//! Every case runs a second time per adapter against an emulator in quirks mode
//! (`hyper_quirks::…`, `isahc_quirks::…`, `blocking_quirks::…`; the [`Quirks`] harness): the
//! answers and webhooks carry the quirks of iDenfy's real payloads — `clientId` as a number
//! (hence the numeric [`CLIENT_ID`]), a duplicate key, float timestamps, legacy `aml`/`lid` —
//! and every assertion must hold all the same.
//!
//! The emulator runs on a runtime thread of its own ([`Emulator::start_blocking`]), so the same
//! case drives the async adapters (inside their harness's runtime) and the blocking one. Nothing
//! sleeps to synchronise: state changes are made through the emulator's API (`complete`,
//! `advance_clock`), faults are counted by what is left of them ([`Emulator::faults`]), and
//! webhooks are waited for with [`Emulator::wait_for_deliveries_blocking`]. Retry pauses are
//! 10 ms; the only real waiting is the 300 ms client timeout of the delay case.
//!
//! One case runs outside the matrix, per adapter, because `idenfy-isahc` fails it: token
//! creation on a reused connection that the server closes unanswered (see [`reused_connection`]).

#[macro_use]
mod harness;

use std::time::{Duration, Instant};

use idenfy::webhook::{self, WebhookEvent, WebhookKey};
use idenfy::{
    AuthToken, CallOptions, Config, Credentials, DataRequest, DeleteRequest, DocumentStatus, Error,
    ErrorIdentifier, ErrorMessage, EventType, FaceAuthSessionsRequest, FaceAuthTokenRequest,
    FaceAuthType, FaceStatus, FilesRequest, Identification, IdentificationsRequest, ImageStep,
    OverallStatus, PdfRequest, ProcessRequest, RequestInformationRequest, RetryPolicy, Rule,
    StatusRequest, StatusResponse, TokenRequest, TokenResponse, TokenType, TransportErrorKind,
    VideoCallRequest,
};
use idenfy_conformance::server::{Behaviour, Reply, TestServer};
use idenfy_emulator::{
    DeliveryOutcome, Emulator, EmulatorBuilder, Fault, Outcome, ProcessSettings, VideoCallAnswer,
};

use harness::{Blocking, Harness, Hyper, Isahc, Quirks};

/// A plain number, as many partners' identifiers are: in quirks mode the emulator writes it as a
/// JSON number, which every answer must still read back as this string.
const CLIENT_ID: &str = "100042";
/// The token's `expiryTime`, in seconds.
const EXPIRY_SECONDS: i64 = 3600;
/// A well-formed `scanRef` the emulator never issued.
const UNKNOWN_SCAN_REF: &str = "00000000-0000-4000-8000-000000000000";

const TOKEN: &str = "/api/v2/token";
const STATUS: &str = "/api/v2/status";
/// Where the webhook receiver listens.
const WEBHOOK_PATH: &str = "/webhook";

/// The total timeout of calls that are expected to finish: long enough for a loaded machine,
/// short enough that a hang fails the test quickly.
const GENEROUS: Duration = Duration::from_secs(10);
/// How long to wait for webhook deliveries that are expected to happen.
const WAIT: Duration = Duration::from_secs(10);

// ---------------------------------------------------------------------------------------------
// Helpers.

/// An emulator for the cases of harness `H`, in quirks mode for [`Quirks`].
fn start<H: Harness>() -> Emulator {
    builder::<H>().start_blocking().unwrap()
}

fn builder<H: Harness>() -> EmulatorBuilder {
    Emulator::builder().quirks(H::QUIRKS)
}

/// A client of adapter `H` for `emulator`, with its credentials.
fn client_for<H: Harness>(emulator: &Emulator, options: CallOptions) -> H {
    H::new(emulator.config(), options)
}

fn defaults() -> CallOptions {
    CallOptions::default().with_timeout(GENEROUS)
}

fn no_retries() -> CallOptions {
    defaults().with_retry(RetryPolicy::none())
}

/// Two retries, 10 ms apart: the retry cases stay fast and their attempt count exact.
fn quick_retries() -> CallOptions {
    defaults().with_retry(
        RetryPolicy::default()
            .with_max_retries(2)
            .with_initial_backoff(Duration::from_millis(10))
            .with_jitter(false),
    )
}

fn token_request() -> TokenRequest {
    TokenRequest::builder(CLIENT_ID)
        .first_name("Jonas")
        .last_name("Jonaitis")
        .locale("en")
        .expiry_time(EXPIRY_SECONDS)
        .build()
        .unwrap()
}

fn create_token<H: Harness>(client: &H) -> TokenResponse {
    client.send(&token_request()).unwrap()
}

fn status<H: Harness>(client: &H, scan_ref: &str) -> StatusResponse {
    client.send(&StatusRequest::new(scan_ref).unwrap()).unwrap()
}

/// The transport error of a failed call.
fn transport_kind<T: std::fmt::Debug>(result: Result<T, Error>) -> TransportErrorKind {
    match result {
        Err(Error::Transport(error)) => error.kind(),
        other => panic!("expected a transport error, got {other:?}"),
    }
}

/// The API error of a failed call.
fn api_error<T: std::fmt::Debug>(result: Result<T, Error>) -> idenfy::ApiError {
    match result {
        Err(Error::Api(error)) => error,
        other => panic!("expected an API error, got {other:?}"),
    }
}

/// How many more requests the only pending fault applies to (0 once it is used up and gone).
fn fault_remaining(emulator: &Emulator) -> u32 {
    let faults = emulator.faults();
    assert!(faults.len() <= 1, "{faults:?}");
    faults.first().map_or(0, Fault::remaining)
}

// ---------------------------------------------------------------------------------------------
// R5: a verification's whole life, through every endpoint.

/// Token → `ACTIVE` → finished as approved → status, data, files and report → delete →
/// `DELETED`, and what the endpoints answer before the checks and after the deletion.
fn r5_lifecycle_from_token_to_deletion<H: Harness>() {
    let emulator = start::<H>();
    let client: H = client_for(&emulator, defaults());

    let token = create_token(&client);
    let scan_ref = token.scan_ref.as_str().to_owned();
    assert_eq!(scan_ref.len(), 36, "{scan_ref}");
    let groups: Vec<usize> = scan_ref.split('-').map(str::len).collect();
    assert_eq!(groups, [8, 4, 4, 4, 12], "a UUID: {scan_ref}");
    let auth_token = token.auth_token.expose_secret();
    assert_eq!(auth_token.len(), 26);
    assert!(auth_token.bytes().all(|b| b.is_ascii_alphanumeric()));
    assert_eq!(token.message.as_deref(), Some("Token created successfully"));
    assert_eq!(token.client_id.as_deref(), Some(CLIENT_ID));
    assert_eq!(
        token.first_name.as_deref().map(String::as_str),
        Some("JONAS")
    );
    assert_eq!(token.expiry_time, Some(EXPIRY_SECONDS));
    let verifications = emulator.verifications();
    assert_eq!(verifications.len(), 1);
    assert_eq!(verifications[0].scan_ref, scan_ref);
    assert_eq!(verifications[0].client_id, CLIENT_ID);

    // Active: nothing to show yet.
    let active = status(&client, &scan_ref);
    assert_eq!(active.status, Some(OverallStatus::Active));
    assert!(!active.is_final());
    assert_eq!(active.scan_ref.as_deref(), Some(scan_ref.as_str()));
    assert_eq!(active.client_id.as_deref(), Some(CLIENT_ID));
    let data = client.send(&DataRequest::new(&scan_ref).unwrap()).unwrap();
    assert_eq!(data.data.doc_first_name, None);
    let files = client.send(&FilesRequest::new(&scan_ref).unwrap()).unwrap();
    assert_eq!((files.front(), files.face()), (None, None));
    let error = api_error(client.send(&PdfRequest::new(&scan_ref).unwrap()));
    assert_eq!(error.status().as_u16(), 400);
    assert_eq!(error.identifier(), Some(&ErrorIdentifier::BadValue));
    let error = api_error(client.send(&DeleteRequest::new(&scan_ref).unwrap()));
    assert_eq!(error.identifier(), Some(&ErrorIdentifier::PartnerError));

    emulator.complete(&scan_ref, Outcome::approved()).unwrap();

    let approved = status(&client, &scan_ref);
    assert_eq!(approved.status, Some(OverallStatus::Approved));
    assert!(approved.is_approved() && approved.is_final());
    assert_eq!(approved.auto_face, Some(FaceStatus::FaceMatch));
    assert_eq!(approved.auto_document, Some(DocumentStatus::DocValidated));
    assert!(!approved.is_manually_reviewed());
    assert_eq!(approved.fraud_tags.as_deref(), Some(&[][..]));
    assert_eq!(approved.mismatch_tags.as_deref(), Some(&[][..]));

    // The names of the token request, upper-cased as read from the document.
    let data = client.send(&DataRequest::new(&scan_ref).unwrap()).unwrap();
    assert_eq!(data.scan_ref.as_deref(), Some(scan_ref.as_str()));
    assert_eq!(data.client_id.as_deref(), Some(CLIENT_ID));
    assert_eq!(
        data.data.doc_first_name.as_deref().map(String::as_str),
        Some("JONAS")
    );
    assert_eq!(
        data.data.doc_last_name.as_deref().map(String::as_str),
        Some("JONAITIS")
    );

    let files = client.send(&FilesRequest::new(&scan_ref).unwrap()).unwrap();
    for (step, url) in [("FRONT", files.front()), ("FACE", files.face())] {
        let expected = format!(
            "{}/__emulator/files/{scan_ref}/{step}.png",
            emulator.base_url()
        );
        assert_eq!(url, Some(expected.as_str()), "{step}");
    }

    let pdf = client.send(&PdfRequest::new(&scan_ref).unwrap()).unwrap();
    assert!(
        pdf.as_bytes().starts_with(b"%PDF-"),
        "{:?}",
        pdf.as_bytes().get(..8)
    );

    // Finished, so it may be deleted (the token need not have expired).
    client
        .send(&DeleteRequest::new(&scan_ref).unwrap())
        .unwrap();
    let deleted = status(&client, &scan_ref);
    assert_eq!(deleted.status, Some(OverallStatus::Deleted));
    let data = client.send(&DataRequest::new(&scan_ref).unwrap()).unwrap();
    assert_eq!(data.data.doc_first_name, None);
    let files = client.send(&FilesRequest::new(&scan_ref).unwrap()).unwrap();
    assert_eq!((files.front(), files.face()), (None, None));
    assert_eq!(
        emulator.verification(&scan_ref).unwrap().status,
        OverallStatus::Deleted
    );
}

/// Delete is refused with iDenfy's `PARTNER_ERROR` while the token is active, and allowed once
/// the emulator's clock passed its `expiryTime`: `EXPIRED`, then `EXPIRED-DELETED`.
fn r5_delete_refused_while_active_then_allowed_after_expiry<H: Harness>() {
    let emulator = start::<H>();
    let client: H = client_for(&emulator, defaults());
    let scan_ref = create_token(&client).scan_ref.as_str().to_owned();

    let error = api_error(client.send(&DeleteRequest::new(&scan_ref).unwrap()));
    assert_eq!(error.status().as_u16(), 400);
    assert_eq!(error.identifier(), Some(&ErrorIdentifier::PartnerError));
    assert_eq!(
        error.message(),
        Some(&ErrorMessage::Text("Token has not expired yet.".to_owned()))
    );
    assert_eq!(
        error.documentation(),
        Some("https://github.com/idenfy/Documentation")
    );
    assert_eq!(error.severity(), Some("NOT_SEVERE"));
    assert_eq!(
        status(&client, &scan_ref).status,
        Some(OverallStatus::Active)
    );

    emulator.advance_clock(Duration::from_secs(EXPIRY_SECONDS.unsigned_abs() + 1));
    let expired = status(&client, &scan_ref);
    assert_eq!(expired.status, Some(OverallStatus::Expired));
    assert!(expired.is_final());
    // Expiry sends its webhook (recorded as skipped: no webhook URL is set).
    let deliveries = emulator.wait_for_deliveries_blocking(1, WAIT).unwrap();
    assert_eq!(deliveries.len(), 1);
    assert_eq!(deliveries[0].event_type, EventType::IdentificationExpired);
    assert_eq!(deliveries[0].outcome, DeliveryOutcome::Skipped);

    client
        .send(&DeleteRequest::new(&scan_ref).unwrap())
        .unwrap();
    assert_eq!(
        status(&client, &scan_ref).status,
        Some(OverallStatus::ExpiredDeleted)
    );
}

// ---------------------------------------------------------------------------------------------
// R6: the emulator's error answers, as each adapter reports them.

/// Wrong credentials: `401 UNAUTHORIZED` for every endpoint, before anything is looked at; no
/// verification is created and the secret shows nowhere in the error.
fn r6_wrong_credentials_are_unauthorized<H: Harness>() {
    const WRONG_SECRET: &str = "not-the-emulator-secret-3Kx";
    let emulator = start::<H>();
    let config = Config::builder(Credentials::new(emulator.api_key(), WRONG_SECRET).unwrap())
        .base_url(emulator.base_url())
        .build()
        .unwrap();
    let client = H::new(config, defaults());

    let error = api_error(client.send(&token_request()));
    assert_eq!(error.status().as_u16(), 401);
    assert_eq!(error.identifier(), Some(&ErrorIdentifier::Unauthorized));
    assert_eq!(
        error.message(),
        Some(&ErrorMessage::Text(
            "Invalid API key or API secret.".to_owned()
        ))
    );
    for text in [error.to_string(), format!("{error:?}")] {
        assert!(!text.contains(WRONG_SECRET), "{text}");
    }
    let error = api_error(client.send(&StatusRequest::new(UNKNOWN_SCAN_REF).unwrap()));
    assert_eq!(error.status().as_u16(), 401);
    assert_eq!(error.identifier(), Some(&ErrorIdentifier::Unauthorized));
    assert!(emulator.verifications().is_empty());
}

/// A `scanRef` the emulator never issued: `404 NOT_FOUND` from every retrieval endpoint.
fn r6_unknown_scan_ref_is_not_found<H: Harness>() {
    let emulator = start::<H>();
    let client: H = client_for(&emulator, defaults());

    let results = [
        client
            .send(&StatusRequest::new(UNKNOWN_SCAN_REF).unwrap())
            .map(drop),
        client
            .send(&DataRequest::new(UNKNOWN_SCAN_REF).unwrap())
            .map(drop),
        client
            .send(&FilesRequest::new(UNKNOWN_SCAN_REF).unwrap())
            .map(drop),
        client.send(&DeleteRequest::new(UNKNOWN_SCAN_REF).unwrap()),
        client
            .send(&PdfRequest::new(UNKNOWN_SCAN_REF).unwrap())
            .map(drop),
    ];
    for (index, result) in results.into_iter().enumerate() {
        let error = api_error(result);
        assert_eq!(error.status().as_u16(), 404, "endpoint {index}");
        let identifier = error.identifier().expect("an identifier");
        assert_eq!(identifier.as_str(), "NOT_FOUND", "endpoint {index}");
        let expected = format!("No verification with scanRef '{UNKNOWN_SCAN_REF}' was found.");
        assert_eq!(
            error.message(),
            Some(&ErrorMessage::Text(expected)),
            "endpoint {index}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// R6 and R9: faults injected by the emulator.

/// `status` answered `503` twice is retried, and the third answer wins.
fn r9_status_is_retried_through_two_injected_503s<H: Harness>() {
    let emulator = start::<H>();
    let client: H = client_for(&emulator, quick_retries());
    let scan_ref = create_token(&client).scan_ref.as_str().to_owned();

    emulator
        .inject_fault(Fault::status(503).on_path(STATUS).times(2))
        .unwrap();
    assert_eq!(
        status(&client, &scan_ref).status,
        Some(OverallStatus::Active)
    );
    assert_eq!(fault_remaining(&emulator), 0, "both 503s were used");
}

/// Token creation answered `503` is sent once, retries on or not: the fault that would answer
/// three requests answered one, and no verification was created.
fn r9_token_is_sent_once_on_an_injected_503<H: Harness>() {
    let emulator = start::<H>();
    let client: H = client_for(&emulator, quick_retries());

    emulator
        .inject_fault(Fault::status(503).on_path(TOKEN).times(3))
        .unwrap();
    let error = api_error(client.send(&token_request()));
    assert_eq!(error.status().as_u16(), 503);
    assert_eq!(error.identifier(), Some(&ErrorIdentifier::InternalError));
    assert_eq!(fault_remaining(&emulator), 2, "sent exactly once");
    assert!(emulator.verifications().is_empty());

    // Once the fault is gone, the same client creates the token.
    emulator.clear_faults();
    create_token(&client);
    assert_eq!(emulator.verifications().len(), 1);
}

/// A delay beyond the client's timeout is `Timeout`, within the timeout (plus a margin) and
/// long before the emulator would have answered.
fn r6_injected_delay_beyond_the_timeout_is_timeout<H: Harness>() {
    let timeout = Duration::from_millis(300);
    let emulator = start::<H>();
    let client: H = client_for(&emulator, no_retries().with_timeout(timeout));

    emulator
        .inject_fault(Fault::delay(Duration::from_secs(5)).on_path(STATUS))
        .unwrap();
    let started = Instant::now();
    let kind = transport_kind(client.send(&StatusRequest::new(UNKNOWN_SCAN_REF).unwrap()));
    let elapsed = started.elapsed();
    assert_eq!(kind, TransportErrorKind::Timeout);
    assert!(
        elapsed >= timeout - Duration::from_millis(100),
        "gave up early: {elapsed:?}"
    );
    assert!(
        elapsed < timeout + Duration::from_secs(2),
        "took too long: {elapsed:?}"
    );
    assert_eq!(fault_remaining(&emulator), 0);
}

/// A connection closed without an answer is `Io` with retries off. With retries on, `status`
/// is retried through it; token creation is not (the request was sent), and since the emulator
/// did not process it, no verification exists.
fn r6_injected_dropped_connection_is_io<H: Harness>() {
    let emulator = start::<H>();

    let client: H = client_for(&emulator, no_retries());
    emulator
        .inject_fault(Fault::drop_connection().on_path(STATUS))
        .unwrap();
    let kind = transport_kind(client.send(&StatusRequest::new(UNKNOWN_SCAN_REF).unwrap()));
    assert_eq!(kind, TransportErrorKind::Io);
    assert_eq!(fault_remaining(&emulator), 0);

    let client: H = client_for(&emulator, quick_retries());
    emulator
        .inject_fault(Fault::drop_connection().on_path(TOKEN).times(2))
        .unwrap();
    assert_eq!(
        transport_kind(client.send(&token_request())),
        TransportErrorKind::Io
    );
    assert_eq!(fault_remaining(&emulator), 1, "token creation sent once");
    assert!(emulator.verifications().is_empty());
    emulator.clear_faults();

    let scan_ref = create_token(&client).scan_ref.as_str().to_owned();
    emulator
        .inject_fault(Fault::drop_connection().on_path(STATUS))
        .unwrap();
    assert_eq!(
        status(&client, &scan_ref).status,
        Some(OverallStatus::Active)
    );
    assert_eq!(fault_remaining(&emulator), 0);
}

/// The same on a kept-alive connection: token creation whose request reached the server on a
/// connection the client had already used, and that the server then closed without answering,
/// is not resent — not by the core, and not by the HTTP stack underneath it (which may resend a
/// request on a reused connection that closed before the request was sent, but not once the
/// server has read it). Outside the matrix while `idenfy-isahc` fails it; see
/// [`reused_connection`].
fn r9_token_on_a_reused_connection_is_not_resent_after_a_drop<H: Harness>() {
    let emulator = start::<H>();
    let client: H = client_for(&emulator, quick_retries());
    create_token(&client);
    let before = emulator.verifications().len();

    emulator
        .inject_fault(Fault::drop_connection().on_path(TOKEN).times(2))
        .unwrap();
    assert_eq!(
        transport_kind(client.send(&token_request())),
        TransportErrorKind::Io
    );
    assert_eq!(fault_remaining(&emulator), 1, "token creation sent once");
    assert_eq!(emulator.verifications().len(), before);
}

/// A body cut short (`Content-Length` larger than what arrives, then a close) is `Io`, never a
/// success with half a body — for token creation (which the emulator did process: the token
/// exists, only its answer was cut) and for `status`.
fn r6_injected_truncated_body_is_io<H: Harness>() {
    let emulator = start::<H>();
    let client: H = client_for(&emulator, no_retries());

    emulator
        .inject_fault(Fault::truncate_body().on_path(TOKEN))
        .unwrap();
    assert_eq!(
        transport_kind(client.send(&token_request())),
        TransportErrorKind::Io
    );
    assert_eq!(fault_remaining(&emulator), 0);
    assert_eq!(emulator.verifications().len(), 1, "processed, answer cut");

    let scan_ref = emulator.verifications()[0].scan_ref.clone();
    emulator
        .inject_fault(Fault::truncate_body().on_path(STATUS))
        .unwrap();
    assert_eq!(
        transport_kind(client.send(&StatusRequest::new(&scan_ref).unwrap())),
        TransportErrorKind::Io
    );
}

/// Bytes that are not HTTP are a transport error — `Io`, not an API or decoding error, and at
/// once rather than as a timeout; the client recovers on a new connection.
fn r6_injected_garbage_is_io<H: Harness>() {
    let emulator = start::<H>();
    let client: H = client_for(&emulator, no_retries());

    emulator
        .inject_fault(Fault::garbage().on_path(STATUS))
        .unwrap();
    let started = Instant::now();
    let kind = transport_kind(client.send(&StatusRequest::new(UNKNOWN_SCAN_REF).unwrap()));
    // Every adapter reports a response it cannot parse as a failed connection.
    assert_eq!(kind, TransportErrorKind::Io);
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(fault_remaining(&emulator), 0);

    create_token(&client);
}

// ---------------------------------------------------------------------------------------------
// R8: the webhook a finished verification sends.

/// With the emulator's webhook URL on a loopback receiver, finishing a verification delivers
/// exactly one webhook, final, about that `scanRef`, whose signature verifies with the
/// emulator's key (and with no other).
fn r8_finished_verification_delivers_one_signed_final_webhook<H: Harness>() {
    let receiver = TestServer::start().unwrap();
    receiver.set_default(WEBHOOK_PATH, Behaviour::Respond(Reply::new(200)));
    let webhook_url = format!("{}{WEBHOOK_PATH}", receiver.base_url());
    let emulator = builder::<H>()
        .webhook_url(webhook_url.as_str())
        .start_blocking()
        .unwrap();
    let client: H = client_for(&emulator, defaults());

    let scan_ref = create_token(&client).scan_ref.as_str().to_owned();
    emulator.complete(&scan_ref, Outcome::approved()).unwrap();

    // The delivery is recorded once the receiver answered, so it has the request by then.
    let deliveries = emulator.wait_for_deliveries_blocking(1, WAIT).unwrap();
    assert_eq!(deliveries.len(), 1, "{deliveries:#?}");
    let delivery = &deliveries[0];
    assert_eq!(delivery.scan_ref, scan_ref);
    assert_eq!(delivery.event_type, EventType::IdentificationAutoFinished);
    assert!(delivery.is_final);
    assert_eq!(delivery.url.as_deref(), Some(webhook_url.as_str()));
    assert_eq!(delivery.attempt, 1);
    assert_eq!(delivery.outcome, DeliveryOutcome::Answered(200));

    let requests = receiver.requests();
    assert_eq!(requests.len(), 1, "{requests:#?}");
    let received = &requests[0];
    assert_eq!(received.method, "POST");
    assert_eq!(received.path(), WEBHOOK_PATH);
    assert_eq!(received.header("content-type"), Some("application/json"));
    assert_eq!(received.body, delivery.body);
    // Quirks mode shows on the wire: a numeric clientId, and the signed trailing newline.
    let text = String::from_utf8_lossy(&received.body);
    assert_eq!(text.contains("\"clientId\": 100042,"), H::QUIRKS, "{text}");
    assert_eq!(text.ends_with("}\n"), H::QUIRKS, "{text}");

    let event = webhook::verify_and_parse(
        &received.body,
        received.header("idenfy-signature"),
        received.header("idenfy-event-type"),
        &[emulator.webhook_key()],
    )
    .unwrap();
    assert!(event.is_final());
    assert_eq!(event.scan_ref(), Some(scan_ref.as_str()));
    assert_eq!(event.client_id(), Some(CLIENT_ID));
    assert_eq!(
        event.event_type(),
        Some(&EventType::IdentificationAutoFinished)
    );
    assert!(
        webhook::verify_and_parse(
            &received.body,
            received.header("idenfy-signature"),
            received.header("idenfy-event-type"),
            &[WebhookKey::new("some-other-key").unwrap()],
        )
        .is_err()
    );

    // What the adapter reads agrees with what the webhook said.
    assert!(status(&client, &scan_ref).is_approved());
}

// ---------------------------------------------------------------------------------------------
// R12–R14: the further endpoints (issue 14), each over every adapter.

const PROCESS: &str = "/api/v2/process";
const LISTING: &str = "/kyc/identifications/";

/// A valid 1×1 baseline JPEG (grey), 159 bytes.
const JPEG: &[u8] = &[
    0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
    0x00, 0x01, 0x00, 0x00, 0xff, 0xdb, 0x00, 0x43, 0x00, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
    0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
    0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
    0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
    0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0xff, 0xc0, 0x00, 0x0b, 0x08, 0x00, 0x01,
    0x00, 0x01, 0x01, 0x01, 0x11, 0x00, 0xff, 0xc4, 0x00, 0x14, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xc4, 0x00, 0x14,
    0x10, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00, 0x3f, 0xff, 0xd9,
];

/// A valid 1×1 PNG (RGB), 69 bytes.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53,
    0xde, 0x00, 0x00, 0x00, 0x0c, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0xd0, 0xca, 0xbf, 0x08,
    0x00, 0x02, 0x31, 0x01, 0x6b, 0x36, 0x0e, 0x77, 0x16, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e,
    0x44, 0xae, 0x42, 0x60, 0x82,
];

/// A `scanRef` of 41 characters: one more than R5 allows.
const TOO_LONG: &str = "00000000-0000-4000-8000-000000000000-00000";

/// An ID card's front and back and a face, for the session of `auth_token`.
fn upload(auth_token: &AuthToken) -> ProcessRequest<'static> {
    ProcessRequest::builder(auth_token, "lt")
        .image(ImageStep::Front, JPEG)
        .image(ImageStep::Back, PNG)
        .image(ImageStep::Face, JPEG)
        .build()
        .unwrap()
}

/// The one webhook recorded for `scan_ref` of `event`, checked with the emulator's key (it is
/// recorded as skipped: no webhook URL is set).
fn webhook_of(emulator: &Emulator, scan_ref: &str, event: &EventType) -> WebhookEvent {
    let deliveries = emulator
        .wait_until_blocking(
            |deliveries| {
                deliveries
                    .iter()
                    .any(|d| d.scan_ref == scan_ref && d.event_type == *event)
            },
            WAIT,
        )
        .unwrap();
    let delivery = deliveries
        .iter()
        .find(|d| d.scan_ref == scan_ref && d.event_type == *event)
        .unwrap();
    assert_eq!(delivery.outcome, DeliveryOutcome::Skipped);
    delivery
        .verify_and_parse(&[emulator.webhook_key()])
        .unwrap()
}

/// The validation error of a refused call.
fn validation<T: std::fmt::Debug>(result: Result<T, Error>) -> idenfy::ValidationError {
    match result {
        Err(Error::Validation(error)) => error,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

/// A fault on `path` that is still pending after a call proves the call sent nothing there.
fn arm(emulator: &Emulator, path: &str) {
    emulator.clear_faults();
    emulator
        .inject_fault(Fault::status(500).on_path(path))
        .unwrap();
}

/// Direct processing: a JPEG/PNG upload finishes the verification, whose signed webhook says
/// so and whose data shows it; the spent token is refused with a typed error.
fn r14_process_upload_finishes_the_verification<H: Harness>() {
    let emulator = start::<H>();
    let client: H = client_for(&emulator, defaults());
    let token = create_token(&client);
    let scan_ref = token.scan_ref.as_str().to_owned();

    client.send(&upload(&token.auth_token)).unwrap();
    assert!(status(&client, &scan_ref).is_approved());
    let event = webhook_of(&emulator, &scan_ref, &EventType::IdentificationAutoFinished);
    assert!(event.is_final());
    assert_eq!(event.client_id(), Some(CLIENT_ID));
    let files = client.send(&FilesRequest::new(&scan_ref).unwrap()).unwrap();
    assert!(files.front().is_some() && files.back().is_some() && files.face().is_some());

    let error = api_error(client.send(&upload(&token.auth_token)));
    assert_eq!(error.status().as_u16(), 400);
    assert_eq!(error.identifier(), Some(&ErrorIdentifier::TokenNotValid));
}

/// Direct processing's error paths: what the client's rules refuse is never built (so never
/// sent); a missing step is iDenfy's documented `MISSING_VALUE`, typed; the documented `200`
/// with an error body is an API error; an upload answered `503` is not sent again (R9: it
/// spends the token).
fn r14_process_errors_are_typed<H: Harness>() {
    let emulator = start::<H>();
    let client: H = client_for(&emulator, quick_retries());
    let token = create_token(&client);
    let scan_ref = token.scan_ref.as_str().to_owned();

    let gif = ProcessRequest::builder(&token.auth_token, "LT")
        .image(ImageStep::Front, b"GIF89a".as_slice())
        .build()
        .unwrap_err();
    assert_eq!(gif.field(), "images.FRONT");
    let no_front = ProcessRequest::builder(&token.auth_token, "LT")
        .image(ImageStep::Face, JPEG)
        .build()
        .unwrap_err();
    assert_eq!(
        (no_front.field(), no_front.rule()),
        ("images.FRONT", &Rule::Required)
    );

    let no_back = ProcessRequest::builder(&token.auth_token, "LT")
        .image(ImageStep::Front, JPEG)
        .image(ImageStep::Face, PNG)
        .build()
        .unwrap();
    let error = api_error(client.send(&no_back));
    assert_eq!(error.status().as_u16(), 400);
    assert_eq!(error.identifier(), Some(&ErrorIdentifier::MissingValue));
    assert_eq!(
        error.message(),
        Some(&ErrorMessage::Text(
            "No image provided for step 'BACK'".to_owned()
        ))
    );
    assert_eq!(error.severity(), Some("NOT_SEVERE"));

    emulator.set_process_settings(ProcessSettings::new().document_not_detected(true));
    let error = api_error(client.send(&upload(&token.auth_token)));
    assert_eq!(error.status().as_u16(), 200, "a 200 with an error body");
    assert_eq!(error.identifier(), Some(&ErrorIdentifier::BadValue));
    assert_eq!(
        status(&client, &scan_ref).status,
        Some(OverallStatus::Active),
        "nothing was processed"
    );

    emulator.set_process_settings(ProcessSettings::new());
    emulator
        .inject_fault(Fault::status(503).on_path(PROCESS).times(3))
        .unwrap();
    let error = api_error(client.send(&upload(&token.auth_token)));
    assert_eq!(error.status().as_u16(), 503);
    assert_eq!(fault_remaining(&emulator), 2, "sent exactly once");
    emulator.clear_faults();
    client.send(&upload(&token.auth_token)).unwrap();
    assert!(status(&client, &scan_ref).is_approved());
}

/// The listing walked with the client's `Stream` (async) or `Iterator` (blocking) across
/// several pages, following the emulator's absolute `next` links: every identification of the
/// `clientId`, once, in order, with its status — through a `503` on the way, retried (the
/// listing is read-only).
fn r13_listing_walks_every_page<H: Harness>() {
    let emulator = start::<H>();
    let client: H = client_for(&emulator, quick_retries());
    let mut mine = Vec::new();
    for index in 0..7 {
        let token = create_token(&client);
        if index == 3 {
            // Someone else's, between them.
            client
                .send(&TokenRequest::builder("someone-else").build().unwrap())
                .unwrap();
        }
        mine.push(token.scan_ref.as_str().to_owned());
    }
    emulator.complete(&mine[1], Outcome::suspected()).unwrap();
    emulator.complete(&mine[2], Outcome::denied()).unwrap();

    emulator
        .inject_fault(Fault::status(503).on_path(LISTING))
        .unwrap();
    let first = IdentificationsRequest::builder()
        .client_id(CLIENT_ID)
        .per_page(2)
        .build()
        .unwrap();
    let listed: Vec<Identification> = client
        .identifications(first.clone())
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert_eq!(fault_remaining(&emulator), 0, "the 503 was retried");
    let scan_refs: Vec<&str> = listed
        .iter()
        .map(|item| item.scan_ref.as_deref().unwrap())
        .collect();
    assert_eq!(scan_refs, mine);
    assert_eq!(listed[1].status, Some(OverallStatus::Suspected));
    assert_eq!(listed[1].suspected, Some(true));
    assert_eq!(listed[2].status, Some(OverallStatus::Denied));
    assert_eq!(listed[0].status, Some(OverallStatus::Active));
    assert_eq!(listed[0].suspected, Some(false));

    // One page by itself: the count of all, and an absolute link to the next.
    let page = client.send(&first).unwrap();
    assert_eq!(page.count, Some(7));
    assert_eq!(page.identifications().len(), 2);
    assert_eq!(
        page.next_link(),
        Some(
            format!(
                "{}/kyc/identifications/?clientId={CLIENT_ID}&page=2&perPage=2",
                emulator.base_url()
            )
            .as_str()
        )
    );
    // Everyone's, in pages of three.
    let all = client.identifications(
        IdentificationsRequest::builder()
            .per_page(3)
            .build()
            .unwrap(),
    );
    assert_eq!(all.len(), 8);
}

/// The listing's error paths: a page size the rules refuse is never built; a page that fails
/// is a typed error that ends the listing.
fn r13_listing_errors_are_typed_and_end_it<H: Harness>() {
    let emulator = start::<H>();
    let client: H = client_for(&emulator, no_retries());
    create_token(&client);
    let refused = IdentificationsRequest::builder()
        .per_page(0)
        .build()
        .unwrap_err();
    assert_eq!(refused.field(), "perPage");

    emulator
        .inject_fault(Fault::status(500).on_path(LISTING))
        .unwrap();
    let items = client.identifications(IdentificationsRequest::all());
    assert_eq!(items.len(), 1, "the error ends the listing");
    let error = api_error(items.into_iter().next().unwrap());
    assert_eq!(error.status().as_u16(), 500);
    // A page past the end: the emulator's 404, typed.
    let past = IdentificationsRequest::builder().page(5).build().unwrap();
    let error = api_error(client.send(&past));
    assert_eq!(error.status().as_u16(), 404);
}

/// A request for more information reopens a finished verification with a new token; the old
/// one is refused, and the re-submission (by direct processing with the new token) sends the
/// signed `IDENTIFICATION_RESUBMITTED`. Its error paths are typed.
fn r12_request_information_then_resubmission<H: Harness>() {
    let emulator = start::<H>();
    let client: H = client_for(&emulator, defaults());
    let token = create_token(&client);
    let scan_ref = token.scan_ref.as_str().to_owned();
    let request = RequestInformationRequest::builder(&scan_ref)
        .lifetime(3600)
        .build()
        .unwrap();

    let error = api_error(client.send(&request));
    assert_eq!(error.status().as_u16(), 400, "not finished yet");
    assert_eq!(error.identifier(), Some(&ErrorIdentifier::BadValue));
    let refused = RequestInformationRequest::builder(&scan_ref)
        .lifetime(2_592_001)
        .build()
        .unwrap_err();
    assert_eq!(refused.field(), "lifetime");
    let unknown = RequestInformationRequest::builder(UNKNOWN_SCAN_REF)
        .build()
        .unwrap();
    assert_eq!(api_error(client.send(&unknown)).status().as_u16(), 404);

    emulator.complete(&scan_ref, Outcome::denied()).unwrap();
    let session = client.send(&request).unwrap();
    let new_token = session.token_string.clone();
    assert_ne!(new_token.expose_secret(), token.auth_token.expose_secret());
    assert_eq!(
        session
            .session_url
            .as_ref()
            .map(|url| url.as_str().to_owned()),
        Some(emulator.redirect_url(new_token.expose_secret()))
    );
    assert_eq!(
        status(&client, &scan_ref).status,
        Some(OverallStatus::Active)
    );
    let error = api_error(client.send(&upload(&token.auth_token)));
    assert_eq!(error.identifier(), Some(&ErrorIdentifier::TokenNotValid));

    client.send(&upload(&new_token)).unwrap();
    let event = webhook_of(&emulator, &scan_ref, &EventType::IdentificationResubmitted);
    assert!(event.is_final());
    assert_eq!(event.scan_ref(), Some(scan_ref.as_str()));
    assert!(status(&client, &scan_ref).is_approved());
}

/// Face authentication: `IDENTIFICATION` until the identification is approved, then
/// `AUTHENTICATION`; a token opens a session, listed and read back, whose `approved` follows the
/// control API. Unknown identifications are a typed `404`; a token string the rules refuse is
/// never sent.
fn r12_face_authentication<H: Harness>() {
    let emulator = start::<H>();
    let client: H = client_for(&emulator, defaults());
    let scan_ref = create_token(&client).scan_ref.as_str().to_owned();

    let status_check = client.face_auth_status(&scan_ref).unwrap();
    assert_eq!(status_check.auth_type, Some(FaceAuthType::Identification));
    let token_request = FaceAuthTokenRequest::builder(&scan_ref)
        .generate_digit_string(true)
        .build()
        .unwrap();
    let error = api_error(client.send(&token_request));
    assert_eq!(error.identifier(), Some(&ErrorIdentifier::BadValue));

    emulator.complete(&scan_ref, Outcome::approved()).unwrap();
    assert!(
        client
            .face_auth_status(&scan_ref)
            .unwrap()
            .can_authenticate()
    );
    let token = client.send(&token_request).unwrap();
    let token_string = token.auth_token.expose_secret().to_owned();
    assert_eq!(
        token
            .digit_string
            .as_ref()
            .map(|digits| digits.as_str().len()),
        Some(8)
    );
    let session = client.face_auth_session(&token_string).unwrap();
    assert_eq!(session.approved, None);
    assert_eq!(session.given_scan_ref.as_deref(), Some(scan_ref.as_str()));
    emulator.complete_face_auth(&token_string, true).unwrap();
    let session = client.face_auth_session(&token_string).unwrap();
    assert_eq!(session.approved, Some(true));
    assert!(session.face_photo.is_some());
    let sessions = client.send(&FaceAuthSessionsRequest::new()).unwrap();
    assert_eq!(sessions.sessions.len(), 1);
    assert_eq!(sessions.sessions[0].approved, Some(true));

    assert_eq!(
        api_error(client.face_auth_status(UNKNOWN_SCAN_REF))
            .status()
            .as_u16(),
        404
    );
    assert_eq!(
        api_error(client.face_auth_session("NOSUCHTOKEN"))
            .status()
            .as_u16(),
        404
    );
    arm(&emulator, "/api/v2/facial-authentication-sessions/..");
    let refused = validation(client.face_auth_session(".."));
    assert_eq!(refused.field(), "tokenString");
    assert_eq!(fault_remaining(&emulator), 1, "nothing was sent");
}

/// A video call: started for a video-call token (its URL, the emulator's call page), ended
/// with the answers, which the signed `VIDEO_CALL_FINISHED` webhook carries; the recording is
/// then served. A token of another type is a typed `400`; a `scanRef` the rules refuse is never
/// sent.
fn r12_video_call<H: Harness>() {
    let emulator = start::<H>();
    let client: H = client_for(&emulator, defaults());
    let token = client
        .send(
            &TokenRequest::builder(CLIENT_ID)
                .token_type(TokenType::VideoCall)
                .video_call_questions(vec!["Your name?".to_owned()])
                .build()
                .unwrap(),
        )
        .unwrap();
    let scan_ref = token.scan_ref.as_str().to_owned();

    let call = client
        .send(&VideoCallRequest::new(&scan_ref).unwrap().with_photos(true))
        .unwrap();
    let url = call.link().unwrap();
    assert!(
        url.starts_with(&format!("{}/__emulator/video-calls/", emulator.base_url())),
        "{url}"
    );
    let record = client.video_call_record(&scan_ref).unwrap();
    assert_eq!(record.video_urls().count(), 0, "nothing recorded yet");

    emulator
        .finish_video_call(
            &scan_ref,
            true,
            Some(vec![VideoCallAnswer::new("Your name?", "Jonas", true)]),
        )
        .unwrap();
    let event = webhook_of(&emulator, &scan_ref, &EventType::VideoCallFinished);
    let WebhookEvent::VideoCall { call, .. } = event else {
        panic!("not a video call: {event:?}");
    };
    assert_eq!(call.scan_ref.as_deref(), Some(scan_ref.as_str()));
    assert_eq!(call.client_id.as_deref(), Some(CLIENT_ID));
    assert_eq!(call.status, Some(true));
    let answer = &call.video_call_answers.unwrap()["Your name?"];
    assert_eq!(answer.answer.as_deref().map(String::as_str), Some("Jonas"));
    assert_eq!(
        call.auth_token.as_ref().map(|token| token.expose_secret()),
        Some(token.auth_token.expose_secret())
    );
    let record = client.video_call_record(&scan_ref).unwrap();
    assert!(record.photo("VIDEO_CALL_FACE").is_some());
    assert_eq!(record.video_urls().count(), 1);

    let plain = create_token(&client).scan_ref.as_str().to_owned();
    let error = api_error(client.send(&VideoCallRequest::new(&plain).unwrap()));
    assert_eq!(error.status().as_u16(), 400);
    assert_eq!(error.identifier(), Some(&ErrorIdentifier::BadValue));
    arm(&emulator, "/api/v2/video-call-record");
    assert_eq!(
        validation(client.video_call_record(TOO_LONG)).field(),
        "scanRef"
    );
    assert_eq!(fault_remaining(&emulator), 1, "nothing was sent");
}

/// The legacy full status follows the verification: empty (`""`, read as absent) while active,
/// the results and the data read once finished; unknown is a typed `404`; a `scanRef` the rules
/// refuse is never sent.
fn r12_full_status<H: Harness>() {
    let emulator = start::<H>();
    let client: H = client_for(&emulator, defaults());
    let scan_ref = create_token(&client).scan_ref.as_str().to_owned();

    let active = client.full_status(&scan_ref).unwrap();
    assert_eq!(active.face_match_result, None);
    assert_eq!(active.attempt_count, Some(0));
    let requested = active.client.unwrap();
    assert_eq!(requested.name.as_deref().map(String::as_str), Some("Jonas"));
    assert_eq!(requested.nationality, None, "\"\" reads as absent");

    emulator
        .complete(&scan_ref, Outcome::approved().manual_review(true))
        .unwrap();
    let finished = client.full_status(&scan_ref).unwrap();
    assert_eq!(finished.face(), Some(&FaceStatus::FaceMatch));
    assert_eq!(finished.document(), Some(&DocumentStatus::DocValidated));
    assert_eq!(
        finished.manual_face_match_result,
        Some(FaceStatus::FaceMatch)
    );
    let document = finished.client_identity_document.unwrap();
    assert_eq!(
        document.doc_surname.as_deref().map(String::as_str),
        Some("JONAITIS")
    );
    assert!(finished.finish_time.is_some());

    assert_eq!(
        api_error(client.full_status(UNKNOWN_SCAN_REF))
            .status()
            .as_u16(),
        404
    );
    arm(&emulator, "/api/v2/full-status");
    assert_eq!(validation(client.full_status(TOO_LONG)).field(), "scanRef");
    assert_eq!(fault_remaining(&emulator), 1, "nothing was sent");
}

// ---------------------------------------------------------------------------------------------
// Every case × every adapter.

conformance! {
    adapters: [
        hyper => super::Hyper,
        isahc => super::Isahc,
        blocking => super::Blocking,
        // The same against emulators in quirks mode (issue 13): every assertion must hold on
        // payloads in the shapes of iDenfy's real ones.
        hyper_quirks => super::Quirks<super::Hyper>,
        isahc_quirks => super::Quirks<super::Isahc>,
        blocking_quirks => super::Quirks<super::Blocking>,
    ],
    cases: [
        r5_lifecycle_from_token_to_deletion,
        r5_delete_refused_while_active_then_allowed_after_expiry,
        r6_wrong_credentials_are_unauthorized,
        r6_unknown_scan_ref_is_not_found,
        r9_status_is_retried_through_two_injected_503s,
        r9_token_is_sent_once_on_an_injected_503,
        r6_injected_delay_beyond_the_timeout_is_timeout,
        r6_injected_dropped_connection_is_io,
        r6_injected_truncated_body_is_io,
        r6_injected_garbage_is_io,
        r8_finished_verification_delivers_one_signed_final_webhook,
        r9_token_on_a_reused_connection_is_not_resent_after_a_drop,
        r14_process_upload_finishes_the_verification,
        r14_process_errors_are_typed,
        r13_listing_walks_every_page,
        r13_listing_errors_are_typed_and_end_it,
        r12_request_information_then_resubmission,
        r12_face_authentication,
        r12_video_call,
        r12_full_status,
    ]
}
