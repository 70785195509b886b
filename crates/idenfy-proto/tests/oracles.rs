#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stderr
)]
// Test code indexes known samples: a bad index is a failed test.
#![allow(clippy::indexing_slicing)]
//! Every payload under `../shared/oracles/` (public samples of iDenfy's API, never copied into
//! this repository) decodes through the library's parse functions *and* through plain
//! `serde_json::from_slice` into the public types, and both give the same result (R7: the public
//! `Deserialize` impls are the decoding engine itself). Each file is classified by what it is;
//! a file nobody classified fails the test, so a new sample cannot be skipped by accident.
//!
//! Outside CI the test is skipped, with a note, when `shared/` is not beside the repository.

mod support;

use std::path::{Path, PathBuf};

use idenfy_proto::http::{Response, StatusCode};
use idenfy_proto::webhook::{
    self, IdentificationResult, ServiceResult, VideoCallResult, WebhookEvent,
};
use idenfy_proto::{
    ApiError, Endpoint, Error, FaceAuthStatus, FaceAuthStatusRequest, FullStatus,
    FullStatusRequest, StatusRequest, StatusResponse, TokenRequest, TokenResponse, VideoCallRecord,
    VideoCallRecordRequest,
};
use serde::Serialize;
use serde_json::Value;

use support::IDENTIFICATION_EVENTS;

/// What a sample is, and so which public type reads it.
#[derive(Debug)]
enum Kind {
    /// An identification webhook body.
    Identification,
    /// A video-call webhook body.
    VideoCall,
    /// A `POST /api/v2/token` answer.
    Token,
    /// A `POST /api/v2/status` answer.
    Status,
    /// An error body (R6).
    ApiError,
    /// One service result of an `AML`, `LID` or `COMPANY` block.
    ServiceResult,
    /// An object of service-result lists (`{"AML": [...]}`), as the fraud-check endpoints answer.
    ServiceResults,
    /// A `POST /api/v2/full-status` answer (legacy snake_case).
    FullStatus,
    /// A face-authentication status check's answer.
    FaceAuthStatus,
    /// A `POST /api/v2/video-call-record` answer.
    VideoCallRecord,
    /// Something this version does not read: a request (sent, not received), an endpoint not
    /// modelled yet, another vendor's body, the signature manifest. Checked to be JSON (when it
    /// is meant to be), and, where it could arrive as a webhook, kept whole as an unknown event.
    NotRead(&'static str),
}

fn classify(path: &Path) -> Option<Kind> {
    let name = path.file_name()?.to_str()?;
    let kind = match name {
        "README.md" => Kind::NotRead("documentation"),
        "webhook-hmac-vectors.json" => {
            Kind::NotRead("signature vectors (tests/webhook_signature.rs)")
        }
        _ if name.ends_with(".signature.txt") => Kind::NotRead("a signature, not a body"),
        _ if name.ends_with(".body") => Kind::NotRead("another vendor's webhook"),
        _ if name.starts_with("callback.") || name.starts_with("webhook_") => Kind::Identification,
        "video_call_webhook.json" => Kind::VideoCall,
        _ if name.starts_with("kyb_") => Kind::NotRead("KYB: not modelled"),
        _ if name.starts_with("token.response") || name.starts_with("token_response") => {
            Kind::Token
        }
        _ if name.starts_with("status_response") => Kind::Status,
        _ if name.starts_with("error_") || name.starts_with("delete.error-response") => {
            Kind::ApiError
        }
        _ if name.contains("_service_result_") => Kind::ServiceResult,
        _ if name.starts_with("fraud_check_") && name.ends_with("_response.json")
            || name == "aml_negative_news_response.json" =>
        {
            Kind::ServiceResults
        }
        _ if name.contains("request") => Kind::NotRead("a request: sent, not received"),
        _ if name.contains("full-status") || name.contains("full_status") => Kind::FullStatus,
        "face_auth_check_status_response.json" => Kind::FaceAuthStatus,
        "video_call_record_response.json" => Kind::VideoCallRecord,
        _ => return None,
    };
    Some(kind)
}

fn written<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap()
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// `body` with `"scanRef"` added first (as text, so duplicate keys and every byte stay).
fn with_scan_ref(body: &[u8]) -> Vec<u8> {
    let text = std::str::from_utf8(body).unwrap();
    let open = text.find('{').unwrap();
    let (head, tail) = text.split_at(open + 1);
    format!("{head}\"scanRef\":\"oracle-scan-ref\",{tail}").into_bytes()
}

/// An identification body through the parse function (inferred without a header when `infer`,
/// and with every identification header) and through serde, all alike.
fn identification(body: &[u8], name: &str, infer: bool) -> Box<IdentificationResult> {
    let inferred =
        webhook::parse_unverified(body, if infer { None } else { Some("IDENTIFICATION") })
            .unwrap_or_else(|err| panic!("{name}: {err}"));
    let WebhookEvent::Identification { result, .. } = &inferred else {
        panic!("{name}: not inferred as an identification: {inferred:?}");
    };
    for header in IDENTIFICATION_EVENTS {
        let with_header = webhook::parse_unverified(body, Some(header)).unwrap();
        let WebhookEvent::Identification { result: same, .. } = &with_header else {
            panic!("{name}: {header}");
        };
        assert_eq!(same, result, "{name}: {header}");
        assert_eq!(
            with_header.is_final(),
            inferred.is_final(),
            "{name}: {header}"
        );
    }
    let plain: IdentificationResult =
        serde_json::from_slice(body).unwrap_or_else(|err| panic!("{name}: serde: {err}"));
    assert_eq!(&plain, result.as_ref(), "{name}");
    assert_eq!(written(&plain), written(result.as_ref()), "{name}");
    result.clone()
}

fn check(path: &Path, kind: &Kind) {
    let name = path.display().to_string();
    let body = std::fs::read(path).unwrap();
    match kind {
        Kind::Identification => {
            let result = identification(&body, &name, true);
            assert!(result.scan_ref.is_some(), "{name}");
            // The samples' quirks are read, not fallen back on.
            assert!(
                result.fallbacks().is_empty(),
                "{name}: {:?}",
                result.fallbacks()
            );
        }
        Kind::VideoCall => {
            let event = webhook::parse_unverified(&body, None).unwrap();
            let WebhookEvent::VideoCall { call, .. } = &event else {
                panic!("{name}: {event:?}");
            };
            let plain: VideoCallResult = serde_json::from_slice(&body).unwrap();
            assert_eq!(&plain, call, "{name}");
            assert!(
                call.video_call_answers
                    .as_ref()
                    .is_some_and(|answers| !answers.is_empty())
            );
        }
        Kind::Token => {
            let request = TokenRequest::builder("oracle").build().unwrap();
            let response = Response::builder().status(201).body(&body[..]).unwrap();
            let token = request
                .parse(response)
                .unwrap_or_else(|err| panic!("{name}: {err}"));
            let plain: TokenResponse = serde_json::from_slice(&body).unwrap();
            assert_eq!(written(&plain), written(&token), "{name}");
            assert!(!token.auth_token.expose_secret().is_empty());
            assert!(
                token.fallbacks().is_empty(),
                "{name}: {:?}",
                token.fallbacks()
            );
        }
        Kind::Status => {
            let request = StatusRequest::new("oracle").unwrap();
            let response = Response::builder().status(200).body(&body[..]).unwrap();
            let status = request
                .parse(response)
                .unwrap_or_else(|err| panic!("{name}: {err}"));
            let plain: StatusResponse = serde_json::from_slice(&body).unwrap();
            assert_eq!(plain, status, "{name}");
            assert!(
                status.status.is_some() && status.fallbacks().is_empty(),
                "{name}"
            );
        }
        Kind::ApiError => {
            let error = ApiError::from_response(StatusCode::BAD_REQUEST, &body);
            assert!(error.identifier().is_some(), "{name}");
            assert!(error.message().is_some(), "{name}");
            // Through the parse function of any endpoint, a non-2xx is this error.
            let response = Response::builder().status(400).body(&body[..]).unwrap();
            let parsed = StatusRequest::new("oracle").unwrap().parse(response);
            assert!(
                matches!(parsed, Err(Error::Api(ref same)) if same.identifier() == error.identifier())
            );
        }
        Kind::ServiceResult => {
            let plain: ServiceResult = serde_json::from_slice(&body).unwrap();
            assert!(plain.suspected().is_some(), "{name}");
            // The same object inside a webhook, through the parse function.
            let text = std::str::from_utf8(&body).unwrap();
            let webhook_body = format!(r#"{{"scanRef":"oracle","AML":[{text}]}}"#);
            let result = identification(webhook_body.as_bytes(), &name, false);
            assert_eq!(result.aml.as_deref(), Some(&[plain][..]), "{name}");
        }
        Kind::ServiceResults => {
            let raw: Value = serde_json::from_slice(&body).unwrap();
            // A result with AML blocks only is no inferable event: read with its header.
            let result = identification(&with_scan_ref(&body), &name, false);
            for (key, list) in raw.as_object().unwrap() {
                let items = list.as_array().unwrap();
                let typed = match key.as_str() {
                    "AML" => result.aml.clone(),
                    "LID" => result.lid.clone(),
                    _ => None,
                };
                for (index, item) in items.iter().enumerate() {
                    let plain: ServiceResult = serde_json::from_value(item.clone()).unwrap();
                    if let Some(typed) = &typed {
                        assert_eq!(typed[index], plain, "{name}: {key}[{index}]");
                    } else {
                        // A block this version does not model is kept whole.
                        assert_eq!(result.extra[key.as_str()], *list, "{name}: {key}");
                    }
                }
            }
        }
        Kind::FullStatus => {
            let request = FullStatusRequest::new("oracle").unwrap();
            let response = Response::builder().status(200).body(&body[..]).unwrap();
            let status = request
                .parse(response)
                .unwrap_or_else(|err| panic!("{name}: {err}"));
            let plain: FullStatus = serde_json::from_slice(&body).unwrap();
            assert_eq!(plain, status, "{name}");
            assert_eq!(written(&plain), written(&status), "{name}");
            assert!(
                status.face().is_some() && status.document().is_some(),
                "{name}"
            );
            assert!(status.client.is_some() && status.client_identity_document.is_some());
            assert!(
                status.fallbacks().is_empty(),
                "{name}: {:?}",
                status.fallbacks()
            );
        }
        Kind::FaceAuthStatus => {
            let request = FaceAuthStatusRequest::new("oracle").unwrap();
            let response = Response::builder().status(200).body(&body[..]).unwrap();
            let status = request
                .parse(response)
                .unwrap_or_else(|err| panic!("{name}: {err}"));
            let plain: FaceAuthStatus = serde_json::from_slice(&body).unwrap();
            assert_eq!(plain, status, "{name}");
            assert!(
                status
                    .auth_type
                    .as_ref()
                    .is_some_and(|kind| kind.is_known())
            );
        }
        Kind::VideoCallRecord => {
            let request = VideoCallRecordRequest::new("oracle").unwrap();
            let response = Response::builder().status(200).body(&body[..]).unwrap();
            let record = request
                .parse(response)
                .unwrap_or_else(|err| panic!("{name}: {err}"));
            let plain: VideoCallRecord = serde_json::from_slice(&body).unwrap();
            assert_eq!(plain, record, "{name}");
            assert!(
                record
                    .photos
                    .as_ref()
                    .is_some_and(|photos| !photos.is_empty())
            );
            assert!(record.video_urls().next().is_some(), "{name}");
            assert!(
                record.fallbacks().is_empty(),
                "{name}: {:?}",
                record.fallbacks()
            );
        }
        Kind::NotRead(why) => {
            let is_json = path
                .extension()
                .is_some_and(|ext| ext == "json" || ext == "body");
            if is_json {
                let raw: Value = serde_json::from_slice(&body)
                    .unwrap_or_else(|err| panic!("{name} ({why}): {err}"));
                if raw.get("scanRef").is_none() && raw.is_object() {
                    // Were it to arrive as a webhook, it would be kept whole.
                    let event = webhook::parse_unverified(&body, None).unwrap();
                    assert!(
                        matches!(&event, WebhookEvent::Unknown { body, .. } if *body == raw),
                        "{name}"
                    );
                }
            }
        }
    }
}

#[test]
fn r7_every_shared_payload_decodes_through_parse_and_serde_alike() {
    let Some(oracles) = support::oracles_dir() else {
        return;
    };
    let mut all = Vec::new();
    files(&oracles, &mut all);
    all.sort();
    let mut read = 0;
    for path in &all {
        let kind = classify(path)
            .unwrap_or_else(|| panic!("{} is not classified: say how it is read", path.display()));
        if !matches!(kind, Kind::NotRead(_)) {
            read += 1;
        }
        check(path, &kind);
    }
    assert!(all.len() >= 60, "found {} files", all.len());
    assert!(read >= 29, "read {read} payloads");
}
