#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Test code indexes and slices known fixtures and outputs: a bad bound is a failed test.
#![allow(clippy::indexing_slicing)]
//! Face authentication and video calls, over real sockets: the project's hyper client, and raw
//! HTTP for what the client would refuse to send and for the control API and pages.

mod support;

use std::time::Duration;

use idenfy_emulator::{Emulator, EmulatorError, Outcome, VideoCallAnswer};
use idenfy_hyper::idenfy::webhook::WebhookEvent;
use idenfy_hyper::idenfy::{
    ApiError, ErrorIdentifier, EventType, FaceAuthMethod, FaceAuthStatusRequest,
    FaceAuthTokenRequest, FaceAuthType, TokenType, VideoCallRequest,
};
use idenfy_hyper::{Client, Error, TokenRequest};
use serde_json::{Value, json};
use support::{Receiver, basic, client, post_json, raw_async};

const WAIT: Duration = Duration::from_secs(10);
const UNKNOWN: &str = "00000000-0000-4000-8000-000000000000";

fn api_error(result: Result<impl std::fmt::Debug, Error>) -> ApiError {
    match result {
        Err(Error::Api(error)) => error,
        other => panic!("expected an API error, got {other:?}"),
    }
}

async fn scan_ref(client: &Client, request: TokenRequest) -> String {
    let token = client.create_token(&request).await.unwrap();
    token.scan_ref.as_str().to_owned()
}

/// A control request (no credentials) to `path`, with a JSON body when one is given.
async fn control(emulator: &Emulator, method: &'static str, path: &str, body: &str) -> Value {
    let headers = if body.is_empty() {
        Vec::new()
    } else {
        vec![("Content-Type", "application/json".to_owned())]
    };
    let answer = raw_async(
        emulator.local_addr(),
        method,
        path.to_owned(),
        headers,
        body.as_bytes().to_vec(),
    )
    .await;
    let mut json = answer.json();
    json["httpStatus"] = answer.status.into();
    json
}

// ---------------------------------------------------------------------------------------------
// Face authentication.

#[tokio::test]
async fn a_person_can_authenticate_by_face_once_approved() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator);
    let scan_ref = scan_ref(&client, TokenRequest::builder("c-1").build().unwrap()).await;

    let status = client.face_auth_status(&scan_ref).await.unwrap();
    assert_eq!(status.auth_type, Some(FaceAuthType::Identification));
    let error = api_error(
        client
            .face_auth_token(&FaceAuthTokenRequest::builder(&scan_ref).build().unwrap())
            .await,
    );
    assert_eq!(error.status().as_u16(), 400);
    assert_eq!(error.identifier(), Some(&ErrorIdentifier::BadValue));

    emulator.complete(&scan_ref, Outcome::approved()).unwrap();
    assert!(
        client
            .face_auth_status(&scan_ref)
            .await
            .unwrap()
            .can_authenticate()
    );
    let liveness =
        FaceAuthStatusRequest::for_method(&scan_ref, FaceAuthMethod::ActiveLiveness).unwrap();
    assert!(client.send(&liveness).await.unwrap().can_authenticate());

    let token = client
        .face_auth_token(
            &FaceAuthTokenRequest::builder(&scan_ref)
                .generate_digit_string(true)
                .lifetime(600)
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    let token_string = token.auth_token.expose_secret().to_owned();
    assert_eq!(token_string.len(), 26);
    let digits = token.digit_string.as_ref().unwrap().as_str().to_owned();
    assert!(digits.len() == 8 && digits.bytes().all(|b| b.is_ascii_digit()));
    assert_eq!(token.scan_ref.as_deref(), Some(scan_ref.as_str()));

    // The session, open.
    let session = client.face_auth_session(&token_string).await.unwrap();
    assert_eq!(session.approved, None);
    assert_eq!(session.given_scan_ref.as_deref(), Some(scan_ref.as_str()));
    assert_eq!(session.session_type, Some(FaceAuthType::Authentication));
    assert_eq!(
        session.authentication_method,
        Some(FaceAuthMethod::FaceMatching)
    );
    assert_eq!(session.face_photo, None);
    assert_eq!(session.id.as_deref().map(str::len), Some(36));

    // Finished through the control API: approved changes, the photo is served.
    let finished = control(
        &emulator,
        "POST",
        &format!("/__emulator/face-auth/{token_string}/complete"),
        r#"{"approved": true}"#,
    )
    .await;
    assert_eq!(finished["httpStatus"], 200, "{finished}");
    assert_eq!(finished["approved"], true);
    let session = client.face_auth_session(&token_string).await.unwrap();
    assert_eq!(session.approved, Some(true));
    let photo = session.face_photo.unwrap().as_str().to_owned();
    let path = photo.strip_prefix(emulator.base_url()).unwrap().to_owned();
    let png = raw_async(emulator.local_addr(), "GET", path, Vec::new(), Vec::new()).await;
    assert_eq!(png.status, 200);
    assert_eq!(png.header("content-type"), Some("image/png"));
    // Once finished it stays so.
    let again = control(
        &emulator,
        "POST",
        &format!("/__emulator/face-auth/{token_string}/complete"),
        r#"{"approved": false}"#,
    )
    .await;
    assert_eq!(again["httpStatus"], 409, "{again}");
    assert!(matches!(
        emulator.complete_face_auth(&token_string, false),
        Err(EmulatorError::FaceAuthSessionClosed("finished"))
    ));

    // A second session, denied through the Rust twin; the list holds both, in order.
    let second = client
        .face_auth_token(&FaceAuthTokenRequest::builder(&scan_ref).build().unwrap())
        .await
        .unwrap();
    let second = second.auth_token.expose_secret().to_owned();
    emulator.complete_face_auth(&second, false).unwrap();
    let sessions = client.face_auth_sessions().await.unwrap();
    let approvals: Vec<Option<bool>> = sessions.sessions.iter().map(|s| s.approved).collect();
    assert_eq!(approvals, [Some(true), Some(false)]);
    assert!(sessions.unreadable.is_empty());
}

#[tokio::test]
async fn face_authentication_refuses_what_it_must() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator);

    // Unknown and deleted identifications: 404.
    let error = api_error(client.face_auth_status(UNKNOWN).await);
    assert_eq!(error.status().as_u16(), 404);
    let scan_ref = scan_ref(&client, TokenRequest::builder("c-1").build().unwrap()).await;
    emulator.complete(&scan_ref, Outcome::approved()).unwrap();
    client.delete(&scan_ref).await.unwrap();
    let error = api_error(client.face_auth_status(&scan_ref).await);
    assert_eq!(error.status().as_u16(), 404);
    let error = api_error(
        client
            .face_auth_token(&FaceAuthTokenRequest::builder(&scan_ref).build().unwrap())
            .await,
    );
    assert_eq!(error.status().as_u16(), 404);

    // What the client's rules refuse, sent raw: 400 naming the field.
    let authorization = basic(emulator.api_key(), emulator.api_secret());
    let method = raw_async(
        emulator.local_addr(),
        "GET",
        format!("/identification/facial-auth/{scan_ref}/check-status/?method=SMILE"),
        vec![("Authorization", authorization.clone())],
        Vec::new(),
    )
    .await;
    assert_eq!(method.status, 400);
    assert!(method.text().contains("'method'"), "{}", method.text());
    let identification = post_json(
        &emulator,
        "/partner/authentication-info",
        &json!({"scanRef": scan_ref, "type": "IDENTIFICATION"}).to_string(),
    )
    .await;
    assert_eq!(identification.status, 400);
    assert!(identification.text().contains("'type'"));
    // Credentials first, as everywhere.
    let anonymous = raw_async(
        emulator.local_addr(),
        "GET",
        "/api/v2/facial-authentication-sessions/".into(),
        Vec::new(),
        Vec::new(),
    )
    .await;
    assert_eq!(anonymous.status, 401);
    // An unknown session token: 404, in the API and the control API.
    let error = api_error(client.face_auth_session("NOSUCHTOKEN").await);
    assert_eq!(error.status().as_u16(), 404);
    let missing = control(
        &emulator,
        "POST",
        "/__emulator/face-auth/NOSUCHTOKEN/complete",
        "",
    )
    .await;
    assert_eq!(missing["httpStatus"], 404);
    assert_eq!(client.face_auth_sessions().await.unwrap().sessions.len(), 0);

    // An expired session cannot be finished.
    let live = scan_ref_approved(&client, &emulator).await;
    let token = client
        .face_auth_token(
            &FaceAuthTokenRequest::builder(&live)
                .lifetime(60)
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    emulator.advance_clock(Duration::from_secs(61));
    assert!(matches!(
        emulator.complete_face_auth(token.auth_token.expose_secret(), true),
        Err(EmulatorError::FaceAuthSessionClosed("expired"))
    ));
}

async fn scan_ref_approved(client: &Client, emulator: &Emulator) -> String {
    let scan_ref = scan_ref(client, TokenRequest::builder("c-2").build().unwrap()).await;
    emulator.complete(&scan_ref, Outcome::approved()).unwrap();
    scan_ref
}

// ---------------------------------------------------------------------------------------------
// Video calls.

fn video_token(token_type: TokenType) -> TokenRequest {
    TokenRequest::builder("100042")
        .token_type(token_type)
        .video_call_questions(vec![
            "What is your name?".to_owned(),
            "Where do you live?".to_owned(),
        ])
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_video_call_records_its_answers_and_sends_a_signed_webhook() {
    let receiver = Receiver::start(vec![]).await;
    let emulator = Emulator::builder()
        .webhook_url(receiver.url.clone())
        .start()
        .await
        .unwrap();
    let client = client(&emulator);
    let scan_ref = scan_ref(&client, video_token(TokenType::VideoCall)).await;

    let call = client
        .video_call(&VideoCallRequest::new(&scan_ref).unwrap().with_photos(true))
        .await
        .unwrap();
    let url = call.link().unwrap().to_owned();
    assert!(
        url.starts_with(&format!("{}/__emulator/video-calls/", emulator.base_url())),
        "{url}"
    );
    // Asked again while the call is under way: the same call.
    let again = client
        .video_call(&VideoCallRequest::new(&scan_ref).unwrap())
        .await
        .unwrap();
    assert_eq!(again.link(), Some(url.as_str()));
    // Nothing recorded yet.
    let record = client.video_call_record(&scan_ref).await.unwrap();
    assert_eq!(record.photo("VIDEO_CALL_FACE"), None);
    assert_eq!(record.video_urls().count(), 0);

    // The call's page shows the token's questions.
    let path = url.strip_prefix(emulator.base_url()).unwrap().to_owned();
    let page = raw_async(emulator.local_addr(), "GET", path, Vec::new(), Vec::new()).await;
    assert_eq!(page.status, 200);
    assert!(
        page.text().contains("Where do you live?"),
        "{}",
        page.text()
    );

    emulator
        .finish_video_call(
            &scan_ref,
            true,
            Some(vec![
                VideoCallAnswer::new("What is your name?", "Ona", true),
                VideoCallAnswer::new("Where do you live?", "Kaunas", false),
            ]),
        )
        .unwrap();
    let received = receiver.wait_for(1, WAIT).await;
    assert_eq!(
        received[0].header("idenfy-event-type"),
        Some("VIDEO_CALL_FINISHED")
    );
    let event = idenfy_hyper::idenfy::webhook::verify_and_parse(
        &received[0].body,
        received[0].header("idenfy-signature"),
        received[0].header("idenfy-event-type"),
        &[emulator.webhook_key()],
    )
    .unwrap();
    let WebhookEvent::VideoCall { event_type, call } = event else {
        panic!("not a video call: {event:?}");
    };
    assert_eq!(event_type, Some(EventType::VideoCallFinished));
    assert_eq!(call.scan_ref.as_deref(), Some(scan_ref.as_str()));
    assert_eq!(call.client_id.as_deref(), Some("100042"));
    assert_eq!(call.status, Some(true));
    let answers = call.video_call_answers.unwrap();
    let kaunas = &answers["Where do you live?"];
    assert_eq!(kaunas.answer.as_deref().map(String::as_str), Some("Kaunas"));
    assert_eq!(kaunas.correct, Some(false));
    let date = call.date.unwrap();
    assert!(date.ends_with("+00:00") && date.len() == 32, "{date}");
    let body: Value = serde_json::from_slice(&received[0].body).unwrap();
    assert_eq!(
        body["authToken"],
        emulator
            .verification(&scan_ref)
            .unwrap()
            .auth_token
            .expose_secret()
    );

    // The recording: three photos and a video, served by the emulator.
    let record = client.video_call_record(&scan_ref).await.unwrap();
    for step in ["VIDEO_CALL_FRONT", "VIDEO_CALL_BACK", "VIDEO_CALL_FACE"] {
        let url = record.photo(step).unwrap();
        let path = url.strip_prefix(emulator.base_url()).unwrap().to_owned();
        let photo = raw_async(emulator.local_addr(), "GET", path, Vec::new(), Vec::new()).await;
        assert_eq!(photo.status, 200, "{step}");
        assert_eq!(photo.header("content-type"), Some("image/png"));
    }
    let videos: Vec<String> = record.video_urls().map(str::to_owned).collect();
    assert_eq!(videos.len(), 1);
    let path = videos[0]
        .strip_prefix(emulator.base_url())
        .unwrap()
        .to_owned();
    let video = raw_async(emulator.local_addr(), "GET", path, Vec::new(), Vec::new()).await;
    assert_eq!(video.status, 200);
    assert_eq!(video.header("content-type"), Some("video/mp4"));
    assert_eq!(&video.body[4..8], b"ftyp");

    // The call is over: its page says so, and it cannot be started again.
    let path = url.strip_prefix(emulator.base_url()).unwrap().to_owned();
    let page = raw_async(emulator.local_addr(), "GET", path, Vec::new(), Vec::new()).await;
    assert_eq!(page.status, 410);
    let error = api_error(
        client
            .video_call(&VideoCallRequest::new(&scan_ref).unwrap())
            .await,
    );
    assert_eq!(error.status().as_u16(), 400);
}

#[tokio::test]
async fn a_video_call_ends_from_its_page_or_the_control_api() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator);

    // The page's form: answers typed in, the call failed.
    let first = scan_ref(&client, video_token(TokenType::VideoCallIdentification)).await;
    let call = client
        .video_call(&VideoCallRequest::new(&first).unwrap())
        .await
        .unwrap();
    let call_id = call.link().unwrap().rsplit('/').next().unwrap().to_owned();
    let form = format!("callId={call_id}&answer-0=Jonas+J.&answer-1=Vilnius&status=failed");
    let ended = raw_async(
        emulator.local_addr(),
        "POST",
        "/__emulator/ui/video-call".into(),
        vec![
            (
                "Content-Type",
                "application/x-www-form-urlencoded".to_owned(),
            ),
            ("Origin", emulator.base_url().to_owned()),
        ],
        form.into_bytes(),
    )
    .await;
    assert_eq!(ended.status, 200, "{}", ended.text());
    let deliveries = emulator.wait_for_deliveries(1, WAIT).await.unwrap();
    let body = deliveries[0].json().unwrap();
    assert_eq!(body["status"], false);
    assert_eq!(
        body["videoCallAnswers"]["What is your name?"],
        json!({"answer": "Jonas J.", "correct": true})
    );
    // A form from another origin is refused.
    let foreign = raw_async(
        emulator.local_addr(),
        "POST",
        "/__emulator/ui/video-call".into(),
        vec![
            (
                "Content-Type",
                "application/x-www-form-urlencoded".to_owned(),
            ),
            ("Origin", "http://evil.example".to_owned()),
        ],
        b"callId=x&status=succeeded".to_vec(),
    )
    .await;
    assert_eq!(foreign.status, 403);

    // The control API: no answers given, so the token's questions are answered.
    let second = scan_ref(&client, video_token(TokenType::VideoCallPhotos)).await;
    client
        .video_call(&VideoCallRequest::new(&second).unwrap())
        .await
        .unwrap();
    let finished = control(
        &emulator,
        "POST",
        &format!("/__emulator/verifications/{second}/video-call/finish"),
        "",
    )
    .await;
    assert_eq!(finished["httpStatus"], 200, "{finished}");
    assert_eq!(finished["scanRef"], second.as_str());
    let deliveries = emulator.wait_for_deliveries(2, WAIT).await.unwrap();
    let body = deliveries[1].json().unwrap();
    assert_eq!(body["status"], true);
    assert_eq!(
        body["videoCallAnswers"]["Where do you live?"],
        json!({"answer": "Answer 2.", "correct": true})
    );
    // A VIDEO_CALL_PHOTOS token takes photos without being asked.
    let record = client.video_call_record(&second).await.unwrap();
    assert!(record.photo("VIDEO_CALL_FACE").is_some());
    // Ended already: 409; an answer of the wrong shape: 400.
    let again = control(
        &emulator,
        "POST",
        &format!("/__emulator/verifications/{second}/video-call/finish"),
        "",
    )
    .await;
    assert_eq!(again["httpStatus"], 409);
    let third = scan_ref(&client, video_token(TokenType::VideoCall)).await;
    client
        .video_call(&VideoCallRequest::new(&third).unwrap())
        .await
        .unwrap();
    let bad = control(
        &emulator,
        "POST",
        &format!("/__emulator/verifications/{third}/video-call/finish"),
        r#"{"answers": {"What is your name?": 7}}"#,
    )
    .await;
    assert_eq!(bad["httpStatus"], 400, "{bad}");
}

#[tokio::test]
async fn a_video_call_needs_a_video_call_token() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator);
    let plain = scan_ref(&client, TokenRequest::builder("c-1").build().unwrap()).await;
    let error = api_error(
        client
            .video_call(&VideoCallRequest::new(&plain).unwrap())
            .await,
    );
    assert_eq!(error.status().as_u16(), 400);
    assert_eq!(error.identifier(), Some(&ErrorIdentifier::BadValue));
    let error = api_error(
        client
            .video_call(&VideoCallRequest::new(UNKNOWN).unwrap())
            .await,
    );
    assert_eq!(error.status().as_u16(), 404);
    let error = api_error(client.video_call_record(UNKNOWN).await);
    assert_eq!(error.status().as_u16(), 404);
    assert!(matches!(
        emulator.finish_video_call(&plain, true, None),
        Err(EmulatorError::WrongState { .. })
    ));
    // The body is read with the client's rules.
    let raw = post_json(
        &emulator,
        "/api/v2/video-call",
        r#"{"scanRef": "x", "photos": 1}"#,
    )
    .await;
    assert_eq!(raw.status, 400);
    assert!(raw.text().contains("'photos'"), "{}", raw.text());
}
