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
//! finished verification sends.
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

use idenfy::webhook::{self, WebhookKey};
use idenfy::{
    CallOptions, Config, Credentials, DataRequest, DeleteRequest, DocumentStatus, Error,
    ErrorIdentifier, ErrorMessage, EventType, FaceStatus, FilesRequest, OverallStatus, PdfRequest,
    RetryPolicy, StatusRequest, StatusResponse, TokenRequest, TokenResponse, TransportErrorKind,
};
use idenfy_conformance::server::{Behaviour, Reply, TestServer};
use idenfy_emulator::{DeliveryOutcome, Emulator, EmulatorBuilder, Fault, Outcome};

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
    ]
}
