#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Test code indexes and slices known fixtures and outputs: a bad bound is a failed test.
#![allow(clippy::indexing_slicing)]
//! Direct processing, the listing of identifications, requests for more information and the
//! legacy full status, over real sockets: the project's hyper client, and raw HTTP where the
//! client would refuse to send what is tested.

mod support;

use std::future::poll_fn;
use std::io::{Read as _, Write as _};
use std::time::Duration;

use base64::Engine as _;
use idenfy_emulator::{DeliveryOutcome, Emulator, Outcome, ProcessSettings};
use idenfy_hyper::idenfy::{
    ApiError, AuthToken, DocumentType, ErrorIdentifier, ErrorMessage, EventType, FaceStatus,
    Identification, IdentificationsRequest, ImageStep, OverallStatus, ProcessRequest,
    RequestInformationRequest, Stream, TokenType,
};
use idenfy_hyper::{Client, Error, TokenRequest};
use serde_json::{Value, json};
use support::{basic, client, post_json, raw_async};

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

const WAIT: Duration = Duration::from_secs(10);

fn api_error(result: Result<impl std::fmt::Debug, Error>) -> ApiError {
    match result {
        Err(Error::Api(error)) => error,
        other => panic!("expected an API error, got {other:?}"),
    }
}

fn text(error: &ApiError) -> String {
    match error.message() {
        Some(ErrorMessage::Text(text)) => text.clone(),
        other => panic!("expected a text message, got {other:?}"),
    }
}

async fn token(client: &Client, request: TokenRequest) -> (String, String) {
    let token = client.create_token(&request).await.unwrap();
    (
        token.scan_ref.as_str().to_owned(),
        token.auth_token.expose_secret().to_owned(),
    )
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Every identification of a listing, through the client's `Stream`.
async fn collect(client: &Client, first: IdentificationsRequest) -> Vec<Identification> {
    let mut listing = std::pin::pin!(client.identifications(first));
    let mut items = Vec::new();
    for _ in 0..1000 {
        match poll_fn(|cx| listing.as_mut().poll_next(cx)).await {
            Some(item) => items.push(item.unwrap()),
            None => return items,
        }
    }
    panic!("the listing did not end");
}

// ---------------------------------------------------------------------------------------------
// POST /api/v2/process

#[tokio::test]
async fn an_upload_finishes_the_verification_and_sends_its_webhook() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator);
    let (scan_ref, auth_token) = token(
        &client,
        TokenRequest::builder("c-1")
            .first_name("Ona")
            .build()
            .unwrap(),
    )
    .await;
    let request = ProcessRequest::builder(&AuthToken::new(auth_token.as_str()), "lv")
        .document_type(DocumentType::Passport)
        .image(ImageStep::Front, JPEG)
        .image(ImageStep::Face, PNG)
        .build()
        .unwrap();
    client.process(&request).await.unwrap();

    assert!(client.status(&scan_ref).await.unwrap().is_approved());
    let deliveries = emulator.wait_for_deliveries(1, WAIT).await.unwrap();
    assert_eq!(deliveries.len(), 1);
    let event = deliveries[0]
        .verify_and_parse(&[emulator.webhook_key()])
        .unwrap();
    assert_eq!(
        event.event_type(),
        Some(&EventType::IdentificationAutoFinished)
    );
    assert!(event.is_final());
    assert_eq!(event.scan_ref(), Some(scan_ref.as_str()));
    // What the upload said shows in the data and the files: a Latvian passport, no back.
    let data = client.data(&scan_ref).await.unwrap().data;
    assert_eq!(data.doc_type, Some(DocumentType::Passport));
    assert_eq!(data.selected_country.as_deref(), Some("LV"));
    assert_eq!(
        data.doc_first_name.as_deref().map(String::as_str),
        Some("ONA")
    );
    let files = client.files(&scan_ref).await.unwrap();
    assert!(files.front().is_some() && files.face().is_some());
    assert_eq!(files.back(), None);
    let body = deliveries[0].json().unwrap();
    assert_eq!(body["fileUrls"]["BACK"], Value::Null);

    // The token is spent.
    let error = api_error(client.process(&request).await);
    assert_eq!(error.status().as_u16(), 400);
    assert_eq!(error.identifier(), Some(&ErrorIdentifier::TokenNotValid));
}

#[tokio::test]
async fn the_outcome_of_uploads_is_the_emulators_setting() {
    let emulator = Emulator::start().await.unwrap();
    emulator.set_process_settings(
        ProcessSettings::new().outcome(Outcome::denied().manual_review(true)),
    );
    let client = client(&emulator);
    let (scan_ref, auth_token) = token(
        &client,
        TokenRequest::builder("c-1")
            .token_type(TokenType::Document)
            .build()
            .unwrap(),
    )
    .await;
    // A DOCUMENT token needs no face; an ID card (detected: the token's first document) a back.
    let request = ProcessRequest::builder(&AuthToken::new(auth_token.as_str()), "LT")
        .image(ImageStep::Front, JPEG)
        .image(ImageStep::Back, JPEG)
        .build()
        .unwrap();
    client.process(&request).await.unwrap();
    let status = client.status(&scan_ref).await.unwrap();
    assert_eq!(status.status, Some(OverallStatus::Denied));
    assert_eq!(status.auto_face, Some(FaceStatus::FaceMismatch));
    let deliveries = emulator.wait_for_deliveries(2, WAIT).await.unwrap();
    let events: Vec<&EventType> = deliveries.iter().map(|d| &d.event_type).collect();
    assert_eq!(
        events,
        [
            &EventType::IdentificationAutoFinished,
            &EventType::IdentificationManualFinished
        ]
    );
    let files = client.files(&scan_ref).await.unwrap();
    assert!(files.back().is_some());
    assert_eq!(files.face(), None);
    // The control API shows and changes the setting.
    let settings = raw_async(
        emulator.local_addr(),
        "GET",
        "/__emulator/process-settings".into(),
        Vec::new(),
        Vec::new(),
    )
    .await;
    assert_eq!(
        settings.json(),
        json!({"overall": "DENIED", "manualReview": true, "documentNotDetected": false})
    );
    let changed = raw_async(
        emulator.local_addr(),
        "PUT",
        "/__emulator/process-settings".into(),
        vec![("Content-Type", "application/json".into())],
        br#"{"outcome": {"overall": "SUSPECTED"}, "documentNotDetected": true}"#.to_vec(),
    )
    .await;
    assert_eq!(changed.status, 200, "{}", changed.text());
    let settings = emulator.process_settings();
    assert!(settings.is_document_not_detected());
    assert_eq!(
        settings.finishing_outcome().overall(),
        &OverallStatus::Suspected
    );
    let refused = raw_async(
        emulator.local_addr(),
        "PUT",
        "/__emulator/process-settings".into(),
        vec![("Content-Type", "application/json".into())],
        br#"{"outcome": {"overall": "EXPIRED"}}"#.to_vec(),
    )
    .await;
    assert_eq!(refused.status, 400, "{}", refused.text());
}

#[tokio::test]
async fn a_document_not_detected_is_a_200_with_an_error_body_unless_analysis_is_skipped() {
    let emulator = Emulator::start().await.unwrap();
    emulator.set_process_settings(ProcessSettings::new().document_not_detected(true));
    let client = client(&emulator);
    let (scan_ref, auth_token) =
        token(&client, TokenRequest::builder("c-1").build().unwrap()).await;
    let builder = || {
        ProcessRequest::builder(&AuthToken::new(auth_token.as_str()), "LT")
            .image(ImageStep::Front, JPEG)
            .image(ImageStep::Back, PNG)
            .image(ImageStep::Face, JPEG)
    };
    // On the wire: 200 with iDenfy's error body.
    let body = serde_json::from_slice::<Value>(&builder().build().unwrap().to_json().unwrap())
        .unwrap()
        .to_string();
    let raw = post_json(&emulator, "/api/v2/process", &body).await;
    assert_eq!(raw.status, 200);
    let answer = raw.json();
    assert_eq!(answer["identifier"], "BAD_VALUE");
    assert!(answer["message"].as_str().unwrap().contains("not detected"));
    assert_eq!(answer["severity"], "NOT_SEVERE");
    // The client reads it as the error it is.
    let error = api_error(client.process(&builder().build().unwrap()).await);
    assert_eq!(error.status().as_u16(), 200);
    assert_eq!(error.identifier(), Some(&ErrorIdentifier::BadValue));
    // Nothing was processed: the token still works, and skipAnalysis processes it.
    assert_eq!(
        client.status(&scan_ref).await.unwrap().status,
        Some(OverallStatus::Active)
    );
    client
        .process(&builder().skip_analysis(true).build().unwrap())
        .await
        .unwrap();
    assert!(client.status(&scan_ref).await.unwrap().is_approved());
}

#[tokio::test]
async fn uploads_are_checked_with_the_clients_rules_and_the_documents_steps() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator);
    let (scan_ref, auth_token) =
        token(&client, TokenRequest::builder("c-1").build().unwrap()).await;
    let with = |images: Value| {
        json!({"authToken": auth_token, "country": "LT", "images": images}).to_string()
    };
    let cases = [
        (
            with(json!({"FRONT": b64(JPEG), "BACK": b64(JPEG)})),
            "MISSING_VALUE",
            "No image provided for step 'FACE'",
        ),
        (
            with(json!({"FRONT": b64(JPEG), "FACE": b64(JPEG)})),
            "MISSING_VALUE",
            "No image provided for step 'BACK'",
        ),
        (
            with(json!({"FACE": b64(JPEG)})),
            "MISSING_VALUE",
            "Field 'images.FRONT' is required.",
        ),
        (
            with(json!({"FRONT": "no base64 here!"})),
            "BAD_VALUE",
            "images.FRONT",
        ),
        (
            with(json!({"FRONT": b64(b"GIF89a...")})),
            "BAD_VALUE",
            "images.FRONT",
        ),
        (
            json!({"authToken": "UNKNOWNTOKEN0000000000", "country": "LT",
                "images": {"FRONT": b64(JPEG)}})
            .to_string(),
            "TOKEN_NOT_VALID",
            "The token is not valid",
        ),
        (
            json!({"authToken": auth_token, "country": "XX", "images": {"FRONT": b64(JPEG)}})
                .to_string(),
            "BAD_VALUE",
            "Field 'country'",
        ),
    ];
    for (body, identifier, message) in cases {
        let answer = post_json(&emulator, "/api/v2/process", &body).await;
        assert_eq!(answer.status, 400, "{body}: {}", answer.text());
        let json = answer.json();
        assert_eq!(json["identifier"], identifier, "{body}: {json}");
        assert!(
            json["message"].as_str().unwrap().contains(message),
            "{body}: {json}"
        );
    }
    // The documented failure shape, with documentation and severity.
    let answer = post_json(
        &emulator,
        "/api/v2/process",
        &with(json!({"FRONT": b64(JPEG), "FACE": b64(JPEG)})),
    )
    .await;
    assert_eq!(
        answer.json(),
        json!({"message": "No image provided for step 'BACK'", "identifier": "MISSING_VALUE",
            "documentation": "https://github.com/idenfy/Documentation", "severity": "NOT_SEVERE"})
    );
    // None of it touched the verification.
    assert_eq!(
        client.status(&scan_ref).await.unwrap().status,
        Some(OverallStatus::Active)
    );
    // The emulator counts the image size as the client does: one byte too many is refused.
    let mut large = vec![0_u8; idenfy_hyper::idenfy::MAX_IMAGE_BYTES + 1];
    large[..JPEG.len()].copy_from_slice(JPEG);
    let answer = post_json(
        &emulator,
        "/api/v2/process",
        &with(json!({"FRONT": b64(&large)})),
    )
    .await;
    assert_eq!(answer.status, 400);
    assert!(answer.text().contains("images.FRONT"), "{}", answer.text());
}

#[tokio::test]
async fn uploads_as_large_as_the_client_sends_are_read_and_larger_bodies_refused_unread() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator);
    let (scan_ref, auth_token) =
        token(&client, TokenRequest::builder("c-1").build().unwrap()).await;
    // Three images of the largest size: an 18 MB body, which the client builds and sends.
    let mut image = vec![0_u8; idenfy_hyper::idenfy::MAX_IMAGE_BYTES];
    image[..JPEG.len()].copy_from_slice(JPEG);
    let request = ProcessRequest::builder(&AuthToken::new(auth_token.as_str()), "LT")
        .image(ImageStep::Front, &image[..])
        .image(ImageStep::Back, &image[..])
        .image(ImageStep::Face, &image[..])
        .build()
        .unwrap();
    assert!(request.body_len() > 18_000_000);
    client.process(&request).await.unwrap();
    assert!(client.status(&scan_ref).await.unwrap().is_approved());

    // A body announced larger than the client's limit is refused before it is read.
    let addr = emulator.local_addr();
    let authorization = basic(emulator.api_key(), emulator.api_secret());
    let answer = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(WAIT)).unwrap();
        let head = format!(
            "POST /api/v2/process HTTP/1.1\r\nHost: {addr}\r\nAuthorization: {authorization}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            idenfy_hyper::idenfy::MAX_PROCESS_BODY_BYTES + 1
        );
        stream.write_all(head.as_bytes()).unwrap();
        let mut bytes = Vec::new();
        stream.read_to_end(&mut bytes).unwrap();
        support::parse_response(&bytes)
    })
    .await
    .unwrap();
    assert_eq!(answer.status, 413);
    assert_eq!(answer.json()["identifier"], "BAD_VALUE");
    assert!(
        answer.text().contains("20000000 bytes"),
        "{}",
        answer.text()
    );
}

// ---------------------------------------------------------------------------------------------
// GET /kyc/identifications/

#[tokio::test]
async fn the_listing_pages_through_the_verifications_with_absolute_links() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator);
    let mut mine = Vec::new();
    for index in 0..5 {
        let client_id = if index % 2 == 0 { "mine" } else { "other" };
        let (scan_ref, _) = token(&client, TokenRequest::builder(client_id).build().unwrap()).await;
        if index % 2 == 0 {
            mine.push(scan_ref);
        }
    }
    emulator.complete(&mine[0], Outcome::suspected()).unwrap();
    emulator.complete(&mine[1], Outcome::approved()).unwrap();

    // Raw: the DRF shape, absolute links on the emulator's base URL.
    let authorization = basic(emulator.api_key(), emulator.api_secret());
    let get = |target: String| {
        raw_async(
            emulator.local_addr(),
            "GET",
            target,
            vec![("Authorization", authorization.clone())],
            Vec::new(),
        )
    };
    let first = get("/kyc/identifications/?perPage=2&clientId=mine".into()).await;
    assert_eq!(first.status, 200, "{}", first.text());
    let base = emulator.base_url();
    assert_eq!(
        first.json(),
        json!({
            "count": 3,
            "next": format!("{base}/kyc/identifications/?clientId=mine&page=2&perPage=2"),
            "previous": null,
            "results": [
                {"scanRef": mine[0], "status": "SUSPECTED", "suspected": true},
                {"scanRef": mine[1], "status": "APPROVED", "suspected": false},
            ],
        })
    );
    let second = get("/kyc/identifications/?clientId=mine&page=2&perPage=2".into()).await;
    assert_eq!(
        second.json(),
        json!({
            "count": 3,
            "next": null,
            "previous": format!("{base}/kyc/identifications/?clientId=mine&perPage=2"),
            "results": [{"scanRef": mine[2], "status": "ACTIVE", "suspected": false}],
        })
    );
    let past = get("/kyc/identifications/?page=9".into()).await;
    assert_eq!(past.status, 404);
    assert_eq!(past.json()["message"], "Invalid page.");
    let bad = get("/kyc/identifications/?perPage=0".into()).await;
    assert_eq!(bad.status, 400);
    assert!(bad.text().contains("perPage"), "{}", bad.text());
    let all = get("/kyc/identifications/".into()).await.json();
    assert_eq!(all["count"], 5);
    assert_eq!(all["results"].as_array().unwrap().len(), 5);

    // The client's Stream follows the links, one item per verification, in order.
    let listed = collect(
        &client,
        IdentificationsRequest::builder()
            .client_id("mine")
            .per_page(1)
            .build()
            .unwrap(),
    )
    .await;
    let listed: Vec<String> = listed
        .into_iter()
        .map(|item| item.scan_ref.unwrap())
        .collect();
    assert_eq!(listed, mine);
    let everything = collect(
        &client,
        IdentificationsRequest::builder()
            .per_page(2)
            .build()
            .unwrap(),
    )
    .await;
    assert_eq!(everything.len(), 5);
    // The listing answers GET only.
    let post = post_json(&emulator, "/kyc/identifications/", "{}").await;
    assert_eq!(post.status, 405);
    assert_eq!(post.header("allow"), Some("GET"));
}

// ---------------------------------------------------------------------------------------------
// POST /kyc/identifications/{scanRef}/request-information/

#[tokio::test]
async fn a_request_for_information_reopens_and_the_resubmission_sends_resubmitted() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator);
    let (scan_ref, old_token) = token(&client, TokenRequest::builder("c-1").build().unwrap()).await;

    // Not finished yet: refused.
    let request = RequestInformationRequest::builder(&scan_ref)
        .lifetime(600)
        .questionnaire("more-documents")
        .build()
        .unwrap();
    let error = api_error(client.request_information(&request).await);
    assert_eq!(error.status().as_u16(), 400);
    assert_eq!(error.identifier(), Some(&ErrorIdentifier::BadValue));
    assert!(text(&error).contains("finished"), "{}", text(&error));

    emulator.complete(&scan_ref, Outcome::denied()).unwrap();
    let session = client.request_information(&request).await.unwrap();
    let new_token = session.token_string.expose_secret().to_owned();
    assert_ne!(new_token, old_token);
    assert_eq!(
        session
            .session_url
            .as_ref()
            .map(|url| url.as_str().to_owned()),
        Some(emulator.redirect_url(&new_token))
    );
    assert_eq!(
        client.status(&scan_ref).await.unwrap().status,
        Some(OverallStatus::Active)
    );
    let verification = emulator.verification(&scan_ref).unwrap();
    assert_eq!(verification.auth_token.expose_secret(), new_token);
    let expires = verification
        .expires_at
        .unwrap()
        .duration_since(emulator.now())
        .unwrap();
    assert!(expires <= Duration::from_secs(600) && expires > Duration::from_secs(590));

    // The person re-submits (here by direct processing with the new token).
    let upload = ProcessRequest::builder(&AuthToken::new(new_token.as_str()), "LT")
        .image(ImageStep::Front, JPEG)
        .image(ImageStep::Back, JPEG)
        .image(ImageStep::Face, PNG)
        .build()
        .unwrap();
    client.process(&upload).await.unwrap();
    let deliveries = emulator.wait_for_deliveries(2, WAIT).await.unwrap();
    assert_eq!(
        deliveries[1].event_type,
        EventType::IdentificationResubmitted
    );
    let event = deliveries[1]
        .verify_and_parse(&[emulator.webhook_key()])
        .unwrap();
    assert!(event.is_final());
    assert_eq!(event.scan_ref(), Some(scan_ref.as_str()));
    assert_eq!(deliveries[1].outcome, DeliveryOutcome::Skipped);
    assert!(client.status(&scan_ref).await.unwrap().is_approved());

    // Unknown: 404; a body the client's rules refuse: 400 naming the field.
    let unknown = "00000000-0000-4000-8000-000000000000";
    let error = api_error(
        client
            .request_information(&RequestInformationRequest::builder(unknown).build().unwrap())
            .await,
    );
    assert_eq!(error.status().as_u16(), 404);
    let raw = post_json(
        &emulator,
        &format!("/kyc/identifications/{scan_ref}/request-information/"),
        r#"{"lifetime": 2592001}"#,
    )
    .await;
    assert_eq!(raw.status, 400);
    assert!(raw.text().contains("'lifetime'"), "{}", raw.text());
    // Without the trailing slash there is no such endpoint.
    let raw = post_json(
        &emulator,
        &format!("/kyc/identifications/{scan_ref}/request-information"),
        "{}",
    )
    .await;
    assert_eq!(raw.status, 404);
}

// ---------------------------------------------------------------------------------------------
// POST /api/v2/full-status

#[tokio::test]
async fn the_full_status_follows_the_verification_in_the_legacy_shape() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator);
    let (scan_ref, _) = token(
        &client,
        TokenRequest::builder("c-1")
            .first_name("John Tom")
            .last_name("Smith")
            .date_of_birth("2000-06-29")
            .build()
            .unwrap(),
    )
    .await;
    let body = json!({"scanRef": scan_ref}).to_string();
    let active = post_json(&emulator, "/api/v2/full-status", &body)
        .await
        .json();
    assert_eq!(active["face_match_result"], "");
    assert_eq!(active["manual_face_match_result"], "");
    assert_eq!(active["attempt_count"], 0);
    assert_eq!(active["start_time"], "");
    assert_eq!(active["client"]["name"], "John Tom");
    assert_eq!(active["client"]["date_of_birth"], "2000-06-29");
    assert_eq!(active["client"]["nationality"], "");
    assert_eq!(active["client_identity_document"]["doc_name"], "");
    assert_eq!(
        active["client_identity_document"]["manual_utility_address_match"],
        Value::Null
    );
    // Nothing is null but that one field.
    let nulls = |value: &Value| -> usize {
        value
            .as_object()
            .unwrap()
            .values()
            .filter(|v| v.is_null())
            .count()
    };
    assert_eq!(nulls(&active) + nulls(&active["client"]), 0);
    assert_eq!(nulls(&active["client_identity_document"]), 1);

    emulator
        .complete(&scan_ref, Outcome::approved().manual_review(true))
        .unwrap();
    let status = client.full_status(&scan_ref).await.unwrap();
    assert_eq!(status.face_match_result, Some(FaceStatus::FaceMatch));
    assert_eq!(status.manual_face_match_result, Some(FaceStatus::FaceMatch));
    assert_eq!(status.attempt_count, Some(1));
    let document = status.client_identity_document.unwrap();
    assert_eq!(
        document.doc_name.as_deref().map(String::as_str),
        Some("JOHN TOM")
    );
    assert_eq!(
        document.manual_surname.as_deref().map(String::as_str),
        Some("SMITH")
    );
    assert_eq!(document.doc_document_type, Some(DocumentType::IdCard));
    let times = [&status.start_time, &status.finish_time, &status.review_time];
    for time in times {
        let time = time.as_deref().unwrap();
        assert_eq!(time.len(), 19, "{time}");
        assert_eq!(time.as_bytes()[10], b' ', "{time}");
    }
    // After deletion the results and data are gone.
    client.delete(&scan_ref).await.unwrap();
    let deleted = client.full_status(&scan_ref).await.unwrap();
    assert_eq!(deleted.face_match_result, None);
    assert_eq!(
        deleted
            .client_identity_document
            .and_then(|document| document.doc_name),
        None
    );
    let unknown = api_error(
        client
            .full_status("00000000-0000-4000-8000-000000000000")
            .await,
    );
    assert_eq!(unknown.status().as_u16(), 404);
}

// ---------------------------------------------------------------------------------------------
// The common checks.

#[tokio::test]
async fn the_further_endpoints_count_against_the_request_limit_and_take_faults() {
    let emulator = Emulator::builder()
        .requests_per_hour(Some(2))
        .start()
        .await
        .unwrap();
    let client = client(&emulator);
    let (scan_ref, _) = token(&client, TokenRequest::builder("c-1").build().unwrap()).await;
    client
        .identification_page(&IdentificationsRequest::all())
        .await
        .unwrap();
    for error in [
        api_error(
            client
                .identification_page(&IdentificationsRequest::all())
                .await,
        ),
        api_error(client.full_status(&scan_ref).await),
        api_error(client.face_auth_sessions().await),
    ] {
        assert_eq!(error.status().as_u16(), 429);
        assert_eq!(error.identifier(), Some(&ErrorIdentifier::TooManyRequests));
    }

    // Faults apply to the new paths as to the others, before authentication.
    let emulator = Emulator::start().await.unwrap();
    emulator
        .inject_fault(idenfy_emulator::Fault::status(502).on_path("/kyc/identifications/"))
        .unwrap();
    let anonymous = raw_async(
        emulator.local_addr(),
        "GET",
        "/kyc/identifications/".into(),
        Vec::new(),
        Vec::new(),
    )
    .await;
    assert_eq!(anonymous.status, 502);
    let anonymous = raw_async(
        emulator.local_addr(),
        "GET",
        "/kyc/identifications/".into(),
        Vec::new(),
        Vec::new(),
    )
    .await;
    assert_eq!(anonymous.status, 401);
}
