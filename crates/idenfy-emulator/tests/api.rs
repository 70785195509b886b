#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Every endpoint and every error body, over real sockets, with the project's hyper adapter
//! (and raw HTTP where the client would refuse to send what is tested).

mod support;

use std::time::Duration;

use idenfy_emulator::{DeliveryOutcome, Emulator, Outcome};
use idenfy_hyper::idenfy::{
    ApiError, Date, DocumentType, DummyStatus, ErrorIdentifier, EventType, OverallStatus, Sex,
};
use idenfy_hyper::{
    CallOptions, Client, Credentials, Error, HyperTransport, RetryPolicy, TokenRequest,
};
use serde_json::{Value, json};
use support::{basic, client, post_json, raw_async};

fn is_uuid(text: &str) -> bool {
    text.len() == 36
        && text.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

fn api_error(result: Result<impl std::fmt::Debug, Error>) -> ApiError {
    match result {
        Err(Error::Api(error)) => error,
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn token_answers_201_with_the_defaults_and_explicit_nulls() {
    let emulator = Emulator::start().await.unwrap();
    let response = post_json(&emulator, "/api/v2/token", r#"{"clientId":"100000"}"#).await;
    assert_eq!(response.status, 201);
    assert_eq!(response.header("content-type"), Some("application/json"));
    let body = response.json();
    assert_eq!(body["message"], "Token created successfully");
    let token = body["authToken"].as_str().unwrap();
    assert_eq!(token.len(), 26);
    assert!(token.bytes().all(|b| b.is_ascii_alphanumeric()));
    assert!(is_uuid(body["scanRef"].as_str().unwrap()));
    assert_eq!(body["clientId"], "100000");
    assert_eq!(body["personScanRef"], "100000");
    for null in [
        "firstName",
        "lastName",
        "country",
        "dateOfBirth",
        "dateOfExpiry",
        "dateOfIssue",
        "nationality",
        "personalNumber",
        "documentNumber",
        "sex",
        "address",
        "externalRef",
        "digitString",
        "callbackUrl",
    ] {
        assert_eq!(body.get(null), Some(&Value::Null), "{null}");
    }
    assert_eq!(body["locale"], "en");
    assert_eq!(body["expiryTime"], 3600);
    assert_eq!(body["sessionLength"], 600);
    assert_eq!(body["showInstructions"], true);
    assert_eq!(body["tokenType"], "IDENTIFICATION");
    assert_eq!(body["videoCallQuestions"], json!([]));
    assert_eq!(
        body["successUrl"],
        "https://ui.idenfy.com/result?status=success"
    );
    assert_eq!(body["errorUrl"], "https://ui.idenfy.com/result?status=fail");
    assert_eq!(
        body["unverifiedUrl"],
        "https://ui.idenfy.com/result?status=unverified"
    );
    assert_eq!(
        body["documents"],
        json!([
            "ID_CARD",
            "PASSPORT",
            "RESIDENCE_PERMIT",
            "DRIVER_LICENSE",
            "OTHER"
        ])
    );
    assert_eq!(
        body["redirectUrl"],
        format!("{}/api/v2/redirect?authToken={token}", emulator.base_url())
    );
}

#[tokio::test]
async fn token_echoes_fields_upper_cases_names_and_makes_a_digit_string() {
    let emulator = Emulator::start().await.unwrap();
    let request = TokenRequest::builder("customer-7")
        .first_name("John Tom")
        .last_name("Smith")
        .locale("lt")
        .expiry_time(600)
        .session_length(300)
        .country("lt")
        .document(DocumentType::Passport)
        .sex(Sex::Male)
        .date_of_birth("1990-12-20")
        .external_ref("order-1")
        .generate_digit_string(true)
        .build()
        .unwrap();
    let token = client(&emulator).create_token(&request).await.unwrap();
    assert_eq!(token.message.as_deref(), Some("Token created successfully"));
    assert_eq!(
        token.first_name.as_deref().map(String::as_str),
        Some("JOHN TOM")
    );
    assert_eq!(
        token.last_name.as_deref().map(String::as_str),
        Some("SMITH")
    );
    assert_eq!(token.locale.as_deref(), Some("lt"));
    assert_eq!(token.expiry_time, Some(600));
    assert_eq!(token.session_length, Some(300));
    assert_eq!(token.country.as_deref(), Some("LT"));
    assert_eq!(token.documents, Some(vec![DocumentType::Passport]));
    assert_eq!(token.sex, Some(Sex::Male));
    assert_eq!(token.external_ref.as_deref(), Some("order-1"));
    let digits = token.digit_string.as_deref().unwrap();
    assert_eq!(digits.len(), 8);
    assert!(digits.bytes().all(|b| b.is_ascii_digit()));
    let verification = emulator.verification(token.scan_ref.as_str()).unwrap();
    assert_eq!(verification.status, OverallStatus::Active);
    assert_eq!(verification.client_id, "customer-7");
}

#[tokio::test]
async fn the_whole_lifecycle_over_status_data_files_pdf_and_delete() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator);
    let request = TokenRequest::builder("c-42")
        .first_name("Ona")
        .last_name("Šimkutė")
        .document(DocumentType::IdCard)
        .build()
        .unwrap();
    let token = client.create_token(&request).await.unwrap();
    let scan_ref = token.scan_ref.as_str();

    let status = client.status(scan_ref).await.unwrap();
    assert_eq!(status.status, Some(OverallStatus::Active));
    assert_eq!(status.auto_face, None);
    assert_eq!(status.client_id.as_deref(), Some("c-42"));
    assert_eq!(status.scan_ref.as_deref(), Some(scan_ref));
    let data = client.data(scan_ref).await.unwrap();
    assert!(data.data.doc_first_name.is_none());
    let files = client.files(scan_ref).await.unwrap();
    assert_eq!(files.len(), 3);
    assert_eq!(files.front(), None);
    let early = api_error(client.pdf(scan_ref).await);
    assert_eq!(early.status().as_u16(), 400);
    let refused = api_error(client.delete(scan_ref).await);
    assert_eq!(refused.status().as_u16(), 400);
    assert_eq!(refused.identifier(), Some(&ErrorIdentifier::PartnerError));
    assert_eq!(
        refused.message().map(ToString::to_string).as_deref(),
        Some("Token has not expired yet.")
    );
    assert_eq!(
        refused.documentation(),
        Some("https://github.com/idenfy/Documentation")
    );
    assert_eq!(refused.severity(), Some("NOT_SEVERE"));

    emulator.complete(scan_ref, Outcome::approved()).unwrap();
    let status = client.status(scan_ref).await.unwrap();
    assert!(status.is_approved());
    assert_eq!(
        status.auto_face.as_ref().map(|f| f.as_str()),
        Some("FACE_MATCH")
    );
    assert_eq!(
        status.auto_document.as_ref().map(|d| d.as_str()),
        Some("DOC_VALIDATED")
    );
    assert_eq!(
        status.manual_face, None,
        "no review: manual results stay empty"
    );
    let raw = post_json(
        &emulator,
        "/api/v2/status",
        &format!(r#"{{"scanRef":"{scan_ref}"}}"#),
    )
    .await
    .json();
    assert_eq!(raw["manualFace"], "");
    assert_eq!(raw["manualDocument"], "");
    assert_eq!(raw["fraudTags"], json!([]));

    let data = client.data(scan_ref).await.unwrap();
    assert_eq!(data.client_id.as_deref(), Some("c-42"));
    assert_eq!(
        data.data.doc_first_name.as_deref().map(String::as_str),
        Some("ONA")
    );
    assert_eq!(
        data.data.doc_last_name.as_deref().map(String::as_str),
        Some("ŠIMKUTĖ")
    );
    assert_eq!(data.data.doc_type, Some(DocumentType::IdCard));
    assert!(Date::parse(data.data.doc_expiry.as_deref().unwrap()).is_ok());

    let files = client.files(scan_ref).await.unwrap();
    let front = files.front().unwrap().to_owned();
    assert_eq!(
        front,
        format!(
            "{}/__emulator/files/{scan_ref}/FRONT.png",
            emulator.base_url()
        )
    );
    assert!(files.back().is_some() && files.face().is_some());
    let photo = raw_async(
        emulator.local_addr(),
        "GET",
        front.trim_start_matches(emulator.base_url()).to_owned(),
        vec![],
        vec![],
    )
    .await;
    assert_eq!(photo.status, 200);
    assert_eq!(photo.header("content-type"), Some("image/png"));
    assert!(photo.body.starts_with(b"\x89PNG\r\n\x1a\n"));

    let pdf = client.pdf(scan_ref).await.unwrap();
    let bytes: &[u8] = pdf.as_ref();
    assert!(bytes.starts_with(b"%PDF-1.4"));
    assert!(bytes.ends_with(b"%%EOF\n"));
    let raw_pdf = post_json(
        &emulator,
        "/api/v2/generate-pdf",
        &format!(r#"{{"scanRef":"{scan_ref}"}}"#),
    )
    .await;
    assert_eq!(raw_pdf.header("content-type"), Some("application/pdf"));

    client.delete(scan_ref).await.unwrap();
    let deleted = post_json(
        &emulator,
        "/api/v2/delete",
        &format!(r#"{{"scanRef":"{scan_ref}"}}"#),
    )
    .await;
    assert_eq!(deleted.status, 200);
    assert!(deleted.body.is_empty());
    assert_eq!(
        client.status(scan_ref).await.unwrap().status,
        Some(OverallStatus::Deleted)
    );
    assert!(
        client
            .data(scan_ref)
            .await
            .unwrap()
            .data
            .doc_first_name
            .is_none()
    );
    assert_eq!(client.files(scan_ref).await.unwrap().front(), None);
}

#[tokio::test]
async fn error_bodies() {
    let emulator = Emulator::builder()
        .requests_per_hour(Some(1_000))
        .start()
        .await
        .unwrap();
    let addr = emulator.local_addr();

    // 401: no credentials, then wrong ones (through the client).
    let anonymous = raw_async(addr, "POST", "/api/v2/token".into(), vec![], b"{}".to_vec()).await;
    assert_eq!(anonymous.status, 401);
    assert_eq!(anonymous.json()["identifier"], "UNAUTHORIZED");
    assert!(anonymous.json()["message"].is_string());
    assert_eq!(
        anonymous.header("www-authenticate"),
        Some("Basic realm=\"api\"")
    );
    let config = idenfy_hyper::Config::builder(
        Credentials::new(emulator.api_key(), "not-the-secret").unwrap(),
    )
    .base_url(emulator.base_url())
    .build()
    .unwrap();
    let intruder = Client::with_transport(config, HyperTransport::new().unwrap())
        .with_options(CallOptions::default().with_retry(RetryPolicy::none()));
    let error = api_error(intruder.status("0b1c2d3e").await);
    assert_eq!(error.status().as_u16(), 401);
    assert_eq!(error.identifier(), Some(&ErrorIdentifier::Unauthorized));

    // 400 JSON_ERROR, MISSING_VALUE naming clientId, BAD_VALUE naming sessionLength.
    let malformed = post_json(&emulator, "/api/v2/token", r#"{"clientId": "c""#).await;
    assert_eq!(malformed.status, 400);
    assert_eq!(malformed.json()["identifier"], "JSON_ERROR");
    let missing = post_json(&emulator, "/api/v2/token", r#"{"firstName":"Ona"}"#).await;
    assert_eq!(missing.status, 400);
    assert_eq!(
        missing.json(),
        json!({"identifier": "MISSING_VALUE", "message": "Field 'clientId' is required."})
    );
    let bad = post_json(
        &emulator,
        "/api/v2/token",
        r#"{"clientId":"c","sessionLength":30}"#,
    )
    .await;
    assert_eq!(bad.status, 400);
    assert_eq!(
        bad.json(),
        json!({
            "identifier": "BAD_VALUE",
            "message": "Field 'sessionLength' must be between 60 and 3600 inclusive, got 30."
        })
    );
    let empty = post_json(&emulator, "/api/v2/token", "").await;
    assert_eq!(empty.json()["identifier"], "JSON_ERROR");
    let not_utf8 = raw_async(
        addr,
        "POST",
        "/api/v2/token".into(),
        vec![(
            "Authorization",
            basic(emulator.api_key(), emulator.api_secret()),
        )],
        b"{\"clientId\":\"\xff\"}".to_vec(),
    )
    .await;
    assert_eq!(not_utf8.status, 400);
    assert_eq!(not_utf8.json()["identifier"], "ENCODING_ERROR");

    // 405 on a wrong method, with Allow; 404 on an unknown path.
    let get = raw_async(
        addr,
        "GET",
        "/api/v2/token".into(),
        vec![(
            "Authorization",
            basic(emulator.api_key(), emulator.api_secret()),
        )],
        vec![],
    )
    .await;
    assert_eq!(get.status, 405);
    assert_eq!(get.json()["identifier"], "METHOD_NOT_ALLOWED");
    assert_eq!(get.header("allow"), Some("POST"));
    let unknown = post_json(&emulator, "/api/v2/tokens", "{}").await;
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.json()["identifier"], "NOT_FOUND");
    let trailing = post_json(&emulator, "/api/v2/token/", "{}").await;
    assert_eq!(trailing.status, 404);

    // scanRef bodies: missing, empty, too long, unknown.
    let missing = post_json(&emulator, "/api/v2/status", "{}").await;
    assert_eq!(missing.json()["identifier"], "MISSING_VALUE");
    assert!(
        missing.json()["message"]
            .as_str()
            .unwrap()
            .contains("'scanRef'")
    );
    let empty = post_json(&emulator, "/api/v2/status", r#"{"scanRef":""}"#).await;
    assert_eq!(empty.json()["identifier"], "BAD_VALUE");
    let long = post_json(
        &emulator,
        "/api/v2/data",
        &format!(r#"{{"scanRef":"{}"}}"#, "x".repeat(41)),
    )
    .await;
    assert_eq!(long.json()["identifier"], "BAD_VALUE");
    let error = api_error(
        client(&emulator)
            .status("5e0c7b1e-0000-4000-8000-000000000000")
            .await,
    );
    assert_eq!(error.status().as_u16(), 404);
    assert_eq!(error.identifier().map(|i| i.as_str()), Some("NOT_FOUND"));
}

#[tokio::test]
async fn the_request_limit_answers_429_until_the_hour_is_over() {
    let emulator = Emulator::builder()
        .requests_per_hour(Some(2))
        .start()
        .await
        .unwrap();
    let client = client(&emulator);
    let request = TokenRequest::builder("c").build().unwrap();
    client.create_token(&request).await.unwrap();
    client.create_token(&request).await.unwrap();
    let error = api_error(client.create_token(&request).await);
    assert_eq!(error.status().as_u16(), 429);
    assert_eq!(error.identifier(), Some(&ErrorIdentifier::TooManyRequests));
    // The control API is not counted, and the window follows the emulator's clock.
    emulator.advance_clock(Duration::from_secs(3600));
    client.create_token(&request).await.unwrap();
}

#[tokio::test]
async fn the_server_validates_exactly_as_the_client() {
    let emulator = Emulator::start().await.unwrap();
    let bodies = [
        json!({"clientId": ""}),
        json!({"clientId": "x".repeat(101)}),
        json!({"clientId": "c", "firstName": "R2D2"}),
        json!({"clientId": "c", "successUrl": "ftp://example.com/ok"}),
        json!({"clientId": "c", "callbackUrl": "http://example.com/hook"}),
        json!({"clientId": "c", "locale": "EN"}),
        json!({"clientId": "c", "expiryTime": 0}),
        json!({"clientId": "c", "country": "XX"}),
        json!({"clientId": "c", "dateOfBirth": "1990-02-30"}),
        json!({"clientId": "c", "sex": "X"}),
        json!({"clientId": "c", "tokenType": "SELFIE"}),
        json!({"clientId": "c", "dummyStatus": "MAYBE"}),
        json!({"clientId": "c", "externalRef": "r".repeat(41)}),
        json!({"clientId": "c", "showInstructions": "yes"}),
        json!([1, 2]),
    ];
    for body in bodies {
        let expected =
            idenfy_hyper::idenfy::idenfy_proto::server::read_token_request(&body).unwrap_err();
        let answer = post_json(&emulator, "/api/v2/token", &body.to_string()).await;
        assert_eq!(answer.status, 400, "{body}");
        let message = answer.json()["message"].as_str().unwrap().to_owned();
        if expected.field() != "body" {
            assert!(
                message.starts_with(&format!("Field '{}' ", expected.field())),
                "{body}: {message}"
            );
        }
        assert!(
            message.contains(&expected.rule().to_string()),
            "{body}: {message}"
        );
    }
}

#[tokio::test]
async fn dummy_statuses_create_finished_verifications() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator);
    for (dummy, expected) in [
        (DummyStatus::Approved, OverallStatus::Approved),
        (DummyStatus::Denied, OverallStatus::Denied),
        (DummyStatus::Suspected, OverallStatus::Suspected),
        (DummyStatus::Expired, OverallStatus::Expired),
        (DummyStatus::Active, OverallStatus::Active),
    ] {
        let request = TokenRequest::builder("dummy")
            .dummy_status(dummy.clone())
            .build()
            .unwrap();
        let token = client.create_token(&request).await.unwrap();
        assert_eq!(
            token.message.as_deref(),
            Some("Dummy token and verification created successfully")
        );
        let status = client.status(token.scan_ref.as_str()).await.unwrap();
        assert_eq!(status.status, Some(expected), "{dummy}");
    }
    // One webhook each for the four finished ones (no URL configured: recorded as skipped).
    let deliveries = emulator
        .wait_for_deliveries(4, Duration::from_secs(5))
        .await
        .unwrap();
    assert!(
        deliveries
            .iter()
            .all(|d| d.outcome == DeliveryOutcome::Skipped)
    );
    let events: Vec<&EventType> = deliveries.iter().map(|d| &d.event_type).collect();
    assert_eq!(
        events
            .iter()
            .filter(|e| ***e == EventType::IdentificationAutoFinished)
            .count(),
        3
    );
    assert!(events.contains(&&EventType::IdentificationExpired));
    let suspected = deliveries
        .iter()
        .find(|d| d.json().unwrap()["status"]["overall"] == "SUSPECTED")
        .unwrap();
    assert_eq!(
        suspected.json().unwrap()["status"]["fraudTags"],
        json!(["DOC_MOBILE_PHOTO"])
    );
}

#[tokio::test]
async fn the_redirect_page_offers_a_form_that_finishes_the_verification() {
    let emulator = Emulator::start().await.unwrap();
    let addr = emulator.local_addr();
    let request = TokenRequest::builder("browser")
        .error_url("https://partner.example/failed")
        .build()
        .unwrap();
    let token = client(&emulator).create_token(&request).await.unwrap();
    let scan_ref = token.scan_ref.as_str().to_owned();
    let auth_token = token.auth_token.expose_secret().to_owned();
    let target = format!("/api/v2/redirect?authToken={auth_token}");

    let page = raw_async(addr, "GET", target.clone(), vec![], vec![]).await;
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let html = page.text();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<html lang=\"en\">") && html.trim_end().ends_with("</html>"));
    assert!(html.contains("<form method=\"post\" action=\"/__emulator/ui/finish\">"));
    assert!(html.contains(&format!("name=\"authToken\" value=\"{auth_token}\"")));
    for outcome in ["approved", "denied", "suspected", "review"] {
        assert!(html.contains(&format!("value=\"{outcome}\"")), "{outcome}");
    }
    let verification = emulator.verification(&scan_ref).unwrap();
    assert!(
        verification.started_at.is_some(),
        "opening the page starts the session"
    );
    assert_eq!(verification.status, OverallStatus::Active);

    let form = format!("authToken={auth_token}&outcome=denied");
    let finished = raw_async(
        addr,
        "POST",
        "/__emulator/ui/finish".into(),
        vec![("Content-Type", "application/x-www-form-urlencoded".into())],
        form.into_bytes(),
    )
    .await;
    assert_eq!(finished.status, 303);
    assert_eq!(
        finished.header("location"),
        Some("https://partner.example/failed")
    );
    assert_eq!(
        emulator.verification(&scan_ref).unwrap().status,
        OverallStatus::Denied
    );

    let used = raw_async(addr, "GET", target, vec![], vec![]).await;
    assert_eq!(used.status, 410);
    assert!(used.text().contains("already been used"));
    let unknown = raw_async(
        addr,
        "GET",
        "/api/v2/redirect?authToken=nope".into(),
        vec![],
        vec![],
    )
    .await;
    assert_eq!(unknown.status, 404);
    assert!(unknown.text().starts_with("<!DOCTYPE html>"));
    let post = raw_async(addr, "POST", "/api/v2/redirect".into(), vec![], vec![]).await;
    assert_eq!(post.status, 405);
}

#[test]
fn the_blocking_variant_serves_the_blocking_adapter_and_stops_on_drop() {
    let emulator = Emulator::start_blocking().unwrap();
    let addr = emulator.local_addr();
    let client = idenfy_blocking::Client::with_transport(
        emulator.config(),
        idenfy_blocking::UreqTransport::new().unwrap(),
    );
    let token = client
        .create_token(&TokenRequest::builder("sync").build().unwrap())
        .unwrap();
    emulator
        .complete(token.scan_ref.as_str(), Outcome::denied())
        .unwrap();
    let status = client.status(token.scan_ref.as_str()).unwrap();
    assert_eq!(status.status, Some(OverallStatus::Denied));
    let deliveries = emulator
        .wait_for_deliveries_blocking(1, Duration::from_secs(5))
        .unwrap();
    assert_eq!(deliveries[0].scan_ref, token.scan_ref.as_str());
    drop(emulator);
    assert!(
        std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_err(),
        "the listener is closed once the emulator is dropped"
    );
}

#[tokio::test]
async fn shutdown_closes_the_listener() {
    let emulator = Emulator::start().await.unwrap();
    let addr = emulator.local_addr();
    client(&emulator)
        .create_token(&TokenRequest::builder("c").build().unwrap())
        .await
        .unwrap();
    emulator.shutdown().await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn token_echoes_country_as_given_and_reads_numbers_sent_as_strings() {
    let emulator = Emulator::start().await.unwrap();
    let response = post_json(
        &emulator,
        "/api/v2/token",
        r#"{"clientId":"c-7","country":"lt","expiryTime":"7200","sessionLength":900.0,"showInstructions":"false"}"#,
    )
    .await;
    assert_eq!(
        response.status,
        201,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    let body = response.json();
    assert_eq!(body["country"], "lt");
    assert_eq!(body["expiryTime"], 7200);
    assert_eq!(body["sessionLength"], 900);
    assert_eq!(body["showInstructions"], false);

    // Lenient on the JSON type only: the rules are the client's.
    let response = post_json(
        &emulator,
        "/api/v2/token",
        r#"{"clientId":"c-8","sessionLength":"30"}"#,
    )
    .await;
    assert_eq!(response.status, 400);
    assert_eq!(response.json()["identifier"], "BAD_VALUE");
}
