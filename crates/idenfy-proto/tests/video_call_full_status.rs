#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Test code indexes and slices known fixtures and outputs: a bad bound is a failed test.
#![allow(clippy::indexing_slicing, clippy::string_slice)]
//! Video calls and the legacy full status (R12): requests, retry classes (R9), lenient answers
//! with the legacy shape's quirks (R7), and redaction (R10).

use idenfy_proto::http::{Method, Response};
use idenfy_proto::{
    Config, Credentials, DocumentStatus, DocumentType, Endpoint, FaceStatus, FullStatus,
    FullStatusRequest, RetryClass, SuspicionReason, VideoCallRecord, VideoCallRecordRequest,
    VideoCallRequest, VideoCallResponse,
};
use serde_json::{Value, json};

const RECORD: &[u8] = include_bytes!("fixtures/endpoints/video_call_record.json");
const FULL_STATUS: &[u8] = include_bytes!("fixtures/endpoints/full_status_legacy.json");
const SCAN_REF: &str = "4f1c2a9e-0b7d-4c3e-9a55-6d2e8f1b3c70";

fn config() -> Config {
    Config::new(Credentials::new("partner-key", "partner-secret").unwrap())
}

fn response(status: u16, body: &[u8]) -> Response<&[u8]> {
    Response::builder().status(status).body(body).unwrap()
}

#[test]
fn r12_video_call_request_and_answer() {
    let request = VideoCallRequest::new(SCAN_REF).unwrap();
    let http_request = request.to_request(&config()).unwrap();
    assert_eq!(http_request.method(), Method::POST);
    assert_eq!(
        http_request.uri(),
        "https://ivs.idenfy.com/api/v2/video-call"
    );
    assert_eq!(
        serde_json::from_slice::<Value>(http_request.body()).unwrap(),
        json!({"scanRef": SCAN_REF})
    );
    assert_eq!(request.photos(), None);
    let photos = request.clone().with_photos(true);
    assert_eq!(
        serde_json::from_slice::<Value>(&photos.to_json().unwrap()).unwrap(),
        json!({"scanRef": SCAN_REF, "photos": true})
    );
    assert_eq!(request.retry_class(), RetryClass::NotIdempotent);
    assert!(VideoCallRequest::new("").is_err());

    let answer = request
        .parse(response(
            200,
            br#"{"url":"https://video.example/call/Secr3tCall","expires":60}"#,
        ))
        .unwrap();
    assert_eq!(answer.link(), Some("https://video.example/call/Secr3tCall"));
    assert_eq!(answer.extra["expires"], 60);
    assert!(!format!("{answer:?}").contains("Secr3tCall"));
    let other_name: VideoCallResponse =
        serde_json::from_str(r#"{"redirectUrl":"https://video.example/r"}"#).unwrap();
    assert_eq!(other_name.link(), Some("https://video.example/r"));
    let nothing: VideoCallResponse = serde_json::from_str("{}").unwrap();
    assert_eq!(nothing.link(), None);
    let refused = request
        .parse(response(
            400,
            br#"{"identifier":"BAD_VALUE","message":"Token type is not a video call."}"#,
        ))
        .unwrap_err();
    assert_eq!(refused.as_api().unwrap().status(), 400);
}

#[test]
fn r12_video_call_record() {
    let request = VideoCallRecordRequest::new(SCAN_REF).unwrap();
    let http_request = request.to_request(&config()).unwrap();
    assert_eq!(
        http_request.uri(),
        "https://ivs.idenfy.com/api/v2/video-call-record"
    );
    assert_eq!(
        http_request.body().as_slice(),
        format!(r#"{{"scanRef":"{SCAN_REF}"}}"#).as_bytes()
    );
    assert_eq!(request.retry_class(), RetryClass::ReadOnly);
    assert_eq!(VideoCallRecordRequest::PATH, "/api/v2/video-call-record");

    let record = request.parse(response(200, RECORD)).unwrap();
    assert_eq!(
        record.photo("VIDEO_CALL_FRONT"),
        Some("https://files.example/vc/front.jpg")
    );
    assert_eq!(record.photo("VIDEO_CALL_BACK"), None);
    assert!(
        record
            .photos
            .as_ref()
            .unwrap()
            .contains_key("VIDEO_CALL_BACK")
    );
    assert_eq!(record.video_urls().count(), 2);
    assert_eq!(record.extra["duration"], 312);
    assert!(record.fallbacks().is_empty());
    assert!(!format!("{record:?}").contains("files.example"));
    assert_eq!(
        serde_json::from_slice::<VideoCallRecord>(RECORD).unwrap(),
        record
    );

    // A value of an unexpected type is kept raw, and only that field is lost.
    let odd: VideoCallRecord = serde_json::from_str(
        r#"{"photos":{"VIDEO_CALL_FACE":["not","a","url"]},"videos":"https://files.example/one.mp4"}"#,
    )
    .unwrap();
    assert_eq!(odd.photos, None);
    assert_eq!(odd.fallbacks(), ["photos"]);
    assert_eq!(
        odd.video_urls().collect::<Vec<_>>(),
        ["https://files.example/one.mp4"]
    );
}

#[test]
fn r7_full_status_reads_the_legacy_shape() {
    let request = FullStatusRequest::new(SCAN_REF).unwrap();
    let http_request = request.to_request(&config()).unwrap();
    assert_eq!(
        http_request.uri(),
        "https://ivs.idenfy.com/api/v2/full-status"
    );
    assert_eq!(request.retry_class(), RetryClass::ReadOnly);

    let status = request.parse(response(200, FULL_STATUS)).unwrap();
    assert_eq!(status.face_match_result, Some(FaceStatus::FaceMatch));
    assert_eq!(status.document_validity, Some(DocumentStatus::DocValidated));
    // `""` means none: the manual results are absent, and the automatic ones count.
    assert_eq!(status.manual_face_match_result, None);
    assert_eq!(status.manual_document_validity, None);
    assert_eq!(status.face(), Some(&FaceStatus::FaceMatch));
    assert_eq!(status.document(), Some(&DocumentStatus::DocValidated));
    assert_eq!(status.attempt_count, Some(1));
    assert_eq!(
        status.suspection_reasons,
        Some(vec![SuspicionReason::FaceSuspected])
    );
    assert_eq!(status.start_time.as_deref(), Some("2021-03-02 08:14:05"));
    assert_eq!(status.review_time, None);
    assert_eq!(
        status.extra["verification_url"],
        "https://ivs.idenfy.com/legacy/view"
    );

    let client = status.client.as_ref().unwrap();
    assert_eq!(client.name.as_deref().map(String::as_str), Some("Ona"));
    assert_eq!(client.date_of_issue, None);
    assert_eq!(client.utility_address, None);
    assert_eq!(client.default_country, None);
    assert_eq!(client.document_type, Some(DocumentType::Passport));
    assert_eq!(client.sex.as_deref(), Some("F"));

    let document = status.client_identity_document.as_ref().unwrap();
    assert_eq!(document.mrz_document_type.as_deref(), Some("P"));
    assert_eq!(document.mrz_document_subtype, None);
    assert_eq!(document.manual_name, None);
    assert_eq!(document.manual_document_type, None);
    assert_eq!(document.doc_license_categories, None);
    assert_eq!(document.manual_utility_address_match, None);
    assert_eq!(document.document_type, Some(DocumentType::Passport));
    assert!(status.fallbacks().is_empty());

    // The public `Deserialize` is the same decoder.
    assert_eq!(
        serde_json::from_slice::<FullStatus>(FULL_STATUS).unwrap(),
        status
    );
    // Written back, `""` became `null`.
    let written = serde_json::to_value(&status).unwrap();
    assert_eq!(written["manual_face_match_result"], Value::Null);
    assert_eq!(written["client"]["date_of_issue"], Value::Null);
    assert_eq!(written["client"]["name"], "Ona");

    // Personal data stays out of `Debug` (R10).
    let debug = format!("{status:?}");
    for personal in [
        "Ona",
        "Petraityt",
        "49104170123",
        "LT1234567",
        "1991-04-17",
        "P<LTU",
    ] {
        assert!(!debug.contains(personal), "{personal} in {debug}");
    }
}

#[test]
fn r7_full_status_fields_fall_back_alone() {
    let status: FullStatus = serde_json::from_str(
        r#"{"attempt_count":"two","face_match_result":["x"],"client":"nobody",
            "client_identity_document":{"manual_utility_address_match":"maybe","doc_name":"ONA"},
            "document_validity":"DOC_EXPIRED"}"#,
    )
    .unwrap();
    assert_eq!(status.attempt_count, None);
    assert_eq!(status.face_match_result, None);
    assert_eq!(status.client, None);
    assert_eq!(status.document_validity, Some(DocumentStatus::DocExpired));
    let document = status.client_identity_document.as_ref().unwrap();
    assert_eq!(
        document.doc_name.as_deref().map(String::as_str),
        Some("ONA")
    );
    let mut fallbacks = status.fallbacks();
    fallbacks.sort();
    assert_eq!(
        fallbacks,
        [
            "attempt_count",
            "client",
            "client_identity_document.manual_utility_address_match",
            "face_match_result",
        ]
    );
    // Nothing is required: an empty object is a full status with nothing known.
    let empty: FullStatus = serde_json::from_str("{}").unwrap();
    assert_eq!(empty, FullStatus::default());
    assert!(serde_json::from_str::<FullStatus>("[]").is_err());
}

#[test]
fn r10_error_bodies_are_scrubbed_of_the_new_answers_personal_fields() {
    // A proxy's page quoting fields of the new answers: their values never reach `Display`.
    let body = b"<pre>upstream said: manual_name=JONAS; doc_surname: KAZLAUSKAS; \
        facePhoto=https://files.example/face.jpg; sessionUrl=https://ui.example/s</pre>";
    let error =
        idenfy_proto::ApiError::from_response(idenfy_proto::http::StatusCode::BAD_GATEWAY, body);
    let shown = format!("{error} {error:?}");
    for value in ["JONAS", "KAZLAUSKAS", "files.example", "ui.example"] {
        assert!(!shown.contains(value), "{value} in {shown}");
    }
    assert!(shown.contains("manual_name"), "{shown}");
}
