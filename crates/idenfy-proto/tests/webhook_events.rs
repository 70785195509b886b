#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Webhook bodies (R7, R8, R10): every event kind by header and by inference, each quirk of the
//! documented payloads (duplicate keys, float timestamps, null and empty manual statuses,
//! placeholder dates, `final` absent, legacy AML/LID shapes, numeric `clientId`, schema drift),
//! de-duplication keys, the JSON written back, and redaction of personal data in `Debug`.

mod support;

use std::collections::HashSet;

use idenfy_proto::http::Request;
use idenfy_proto::server;
use idenfy_proto::webhook::{
    self, DedupKey, IdentificationResult, SignatureError, WebhookEvent, WebhookKey,
};
use idenfy_proto::{
    Date, DecodeErrorKind, DocumentType, Error, EventType, ExpirationThreshold, FraudTag,
    OverallStatus, Platform, ServiceGroupType, ServiceStatus,
};
use serde_json::{Value, json};
use support::IDENTIFICATION_EVENTS;

const AUTO_FINAL_FALSE: &[u8] =
    include_bytes!("fixtures/webhooks/identification_auto_final_false.json");
const DOCS_2021_DUP_KEY: &[u8] =
    include_bytes!("fixtures/webhooks/identification_docs_2021_duplicate_key.json");
const FLOAT_2019: &[u8] =
    include_bytes!("fixtures/webhooks/identification_2019_float_timestamps.json");
const LEGACY_2018: &[u8] = include_bytes!("fixtures/webhooks/identification_2018_legacy.json");
const BOTH_SPELLINGS: &[u8] =
    include_bytes!("fixtures/webhooks/identification_both_aml_spellings.json");
const DRIFT_FINAL_TRUE: &[u8] =
    include_bytes!("fixtures/webhooks/identification_final_true_drift.json");
const EMPTY_MANUAL: &[u8] =
    include_bytes!("fixtures/webhooks/identification_empty_manual_statuses.json");
const DOCUMENT_EXPIRATION: &[u8] = include_bytes!("fixtures/webhooks/document_expiration.json");
const VIDEO_CALL: &[u8] = include_bytes!("fixtures/webhooks/video_call.json");
const UNKNOWN_EVENT: &[u8] = include_bytes!("fixtures/webhooks/unknown_event.json");
const NOT_JSON: &[u8] = include_bytes!("fixtures/webhooks/not_json.txt");

const IDENTIFICATION_FIXTURES: [(&str, &[u8]); 7] = [
    ("identification_auto_final_false", AUTO_FINAL_FALSE),
    ("identification_docs_2021_duplicate_key", DOCS_2021_DUP_KEY),
    ("identification_2019_float_timestamps", FLOAT_2019),
    ("identification_2018_legacy", LEGACY_2018),
    ("identification_both_aml_spellings", BOTH_SPELLINGS),
    ("identification_final_true_drift", DRIFT_FINAL_TRUE),
    ("identification_empty_manual_statuses", EMPTY_MANUAL),
];

fn result(event: &WebhookEvent) -> &IdentificationResult {
    match event {
        WebhookEvent::Identification { result, .. } => result,
        other => panic!("expected an identification result, got {other:?}"),
    }
}

fn identification(body: &[u8]) -> Box<IdentificationResult> {
    match webhook::parse_unverified(body, None).unwrap() {
        WebhookEvent::Identification { result, .. } => result,
        other => panic!("expected an identification result, got {other:?}"),
    }
}

fn personal(value: &Option<idenfy_proto::Personal<String>>) -> Option<&str> {
    value.as_ref().map(|value| value.as_str())
}

// ---- choosing the event ------------------------------------------------------------------

#[test]
fn r8_identification_events_are_the_ones_the_crate_says() {
    let known: Vec<&str> = EventType::KNOWN
        .iter()
        .filter(|event| event.is_identification())
        .map(EventType::as_str)
        .collect();
    assert_eq!(known, IDENTIFICATION_EVENTS);
}

#[test]
fn r8_identification_by_every_identification_header() {
    for name in IDENTIFICATION_EVENTS {
        for body in [
            AUTO_FINAL_FALSE,
            &br#"{"scanRef":"s-0"}"#[..],
            UNKNOWN_EVENT,
        ] {
            let event = webhook::parse_unverified(body, Some(name)).unwrap();
            assert!(
                matches!(event, WebhookEvent::Identification { .. }),
                "{name}: {event:?}"
            );
            assert_eq!(event.event_type(), Some(&EventType::from(name)));
            assert!(event.event_type().unwrap().is_known());
        }
        // `scanRef` is required (R7): the error names it.
        for body in [
            &b"{}"[..],
            br#"{"scanRef":null,"final":true}"#,
            br#"{"scanRef":""}"#,
        ] {
            let err = webhook::parse_unverified(body, Some(name)).unwrap_err();
            assert_eq!(
                (err.kind(), err.path()),
                (DecodeErrorKind::Data, Some("scanRef"))
            );
        }
    }
    // Surrounding whitespace of the header value is ignored.
    let event =
        webhook::parse_unverified(AUTO_FINAL_FALSE, Some("  IDENTIFICATION_EXPIRED \t")).unwrap();
    assert_eq!(event.event_type(), Some(&EventType::IdentificationExpired));
}

#[test]
fn r8_identification_inferred_without_or_with_unknown_header() {
    for (name, body) in IDENTIFICATION_FIXTURES {
        let event = webhook::parse_unverified(body, None).unwrap();
        assert!(
            matches!(event, WebhookEvent::Identification { .. }),
            "{name}"
        );
        assert_eq!(event.event_type(), None);
        let event = webhook::parse_unverified(body, Some("ID_VERIFICATION_AUTO_FINISHED")).unwrap();
        assert!(
            matches!(event, WebhookEvent::Identification { .. }),
            "{name}"
        );
        assert_eq!(
            event.event_type(),
            Some(&EventType::Unknown("ID_VERIFICATION_AUTO_FINISHED".into()))
        );
    }
    // `scanRef` with a `data` object is enough; so is `scanRef` with a `status` object.
    for body in [
        &br#"{"scanRef":"s-1","data":{"docFirstName":"X"}}"#[..],
        br#"{"status":{"overall":"DENIED"},"scanRef":42}"#,
    ] {
        assert!(matches!(
            webhook::parse_unverified(body, None).unwrap(),
            WebhookEvent::Identification { .. }
        ));
    }
    // Without a `scanRef` no kind is inferred: such a body could not be read with a header.
    let event = webhook::parse_unverified(br#"{"status":{"overall":"DENIED"}}"#, None).unwrap();
    assert!(matches!(event, WebhookEvent::Unknown { .. }), "{event:?}");
    // An empty header counts as none.
    assert_eq!(
        webhook::parse_unverified(AUTO_FINAL_FALSE, Some(" "))
            .unwrap()
            .event_type(),
        None
    );
}

#[test]
fn r8_document_expiration_by_header_and_by_inference() {
    for header in [
        Some("DOCUMENT_EXPIRATION"),
        None,
        Some("DOCUMENT_EXPIRY_V2"),
    ] {
        let event = webhook::parse_unverified(DOCUMENT_EXPIRATION, header).unwrap();
        let WebhookEvent::DocumentExpiration { expiration, .. } = &event else {
            panic!("{header:?}: {event:?}");
        };
        assert_eq!(
            expiration.expiration_threshold,
            Some(ExpirationThreshold::Within7Days)
        );
        assert_eq!(
            expiration
                .document_expiration
                .as_deref()
                .map(String::as_str),
            Some("2031-05-30")
        );
        assert_eq!(
            event.scan_ref(),
            Some("5c1d7e2a-4b3f-4e8a-9d61-0f2b7a3c9e11")
        );
        assert_eq!(event.client_id(), Some("crm-88412"));
        assert!(event.is_final());
    }
    // By header, whatever the body holds.
    let event =
        webhook::parse_unverified(br#"{"scanRef":"s-2"}"#, Some("DOCUMENT_EXPIRATION")).unwrap();
    assert!(matches!(event, WebhookEvent::DocumentExpiration { .. }));
    // Unknown thresholds are kept.
    let event = webhook::parse_unverified(
        br#"{"scanRef":"s-3","expirationThreshold":"DOCUMENT_EXPIRES_WITHIN_90_DAYS"}"#,
        None,
    )
    .unwrap();
    let WebhookEvent::DocumentExpiration { expiration, .. } = event else {
        panic!()
    };
    assert_eq!(
        expiration.expiration_threshold.unwrap().as_str(),
        "DOCUMENT_EXPIRES_WITHIN_90_DAYS"
    );
}

#[test]
fn r8_video_call_by_header_and_by_inference() {
    for header in [Some("VIDEO_CALL_FINISHED"), None] {
        let event = webhook::parse_unverified(VIDEO_CALL, header).unwrap();
        let WebhookEvent::VideoCall { call, .. } = &event else {
            panic!("{event:?}");
        };
        assert_eq!(call.status, Some(true));
        assert_eq!(
            call.date.as_deref(),
            Some("2024-03-09 08:15:44.120934+00:00")
        );
        assert_eq!(
            call.auth_token.as_ref().unwrap().expose_secret(),
            "Vq7TzL2mXc9RbN4kWs1HdF6pJy"
        );
        let answers = call.video_call_answers.as_ref().unwrap();
        assert_eq!(answers.len(), 2);
        let purpose = &answers["What is the purpose of the account?"];
        assert_eq!(
            personal(&purpose.answer),
            Some("Savings for a sailing boat")
        );
        assert_eq!(purpose.correct, Some(false));
        assert_eq!(
            event.scan_ref(),
            Some("d9c8b7a6-5f4e-4d3c-9b2a-1f0e9d8c7b6a")
        );
        assert_eq!(event.client_id(), Some("crm-88412"));
        assert!(event.is_final());
    }
    // A bare string answer is read as the answer.
    let event = webhook::parse_unverified(
        br#"{"scanRef":"v-1","videoCallAnswers":{"Where do you live?":"Tartu"}}"#,
        Some("VIDEO_CALL_FINISHED"),
    )
    .unwrap();
    let WebhookEvent::VideoCall { call, .. } = event else {
        panic!()
    };
    let answers = call.video_call_answers.unwrap();
    assert_eq!(
        personal(&answers["Where do you live?"].answer),
        Some("Tartu")
    );
    assert_eq!(answers["Where do you live?"].correct, None);
    // The video-call body has a boolean `status`: never taken for an identification result.
    let event = webhook::parse_unverified(
        br#"{"scanRef":"v-1","videoCallAnswers":{},"status":false}"#,
        None,
    )
    .unwrap();
    assert!(matches!(event, WebhookEvent::VideoCall { .. }));
}

#[test]
fn r7_r8_a_field_nested_past_serde_jsons_limit_keeps_the_verdict() {
    // One field 200 levels deep (serde_json reads 128) in a final identification result, in
    // `data` and at the top level, and in an event of an unknown kind.
    let deep = format!("{}true{}", "[".repeat(200), "]".repeat(200));
    let body = format!(
        r#"{{"scanRef":"s-1","final":true,"status":{{"overall":"APPROVED"}},"data":{{"docFirstName":"JOHN","tree":{deep}}},"tree":{deep}}}"#
    );
    let result = identification(body.as_bytes());
    assert_eq!(result.scan_ref.as_deref(), Some("s-1"));
    assert_eq!(result.status.overall, Some(OverallStatus::Approved));
    assert_eq!(personal(&result.data.doc_first_name), Some("JOHN"));
    assert!(result.extra["tree"].is_array());
    assert!(result.data.extra["tree"].is_array());
    let unknown = format!(r#"{{"scanRef":"s-2","tree":{deep}}}"#);
    let event =
        webhook::parse_unverified(unknown.as_bytes(), Some("AML_MONITORING_ALERT")).unwrap();
    assert!(matches!(event, WebhookEvent::Unknown { .. }), "{event:?}");
    assert_eq!(event.scan_ref(), Some("s-2"));
}

#[test]
fn r8_unknown_json_is_an_unknown_event_not_an_error() {
    for header in [None, Some("AML_MONITORING_ALERT")] {
        let event = webhook::parse_unverified(UNKNOWN_EVENT, header).unwrap();
        let WebhookEvent::Unknown { body, event_type } = &event else {
            panic!("{event:?}");
        };
        assert_eq!(
            body,
            &serde_json::from_slice::<Value>(UNKNOWN_EVENT).unwrap()
        );
        assert_eq!(event_type.as_ref().map(EventType::as_str), header);
        assert_eq!(
            event.scan_ref(),
            Some("5c1d7e2a-4b3f-4e8a-9d61-0f2b7a3c9e11")
        );
        assert_eq!(event.client_id(), Some("crm-88412"));
        assert!(!event.is_final());
    }
    let event = webhook::parse_unverified(b"{}", None).unwrap();
    assert!(matches!(event, WebhookEvent::Unknown { .. }), "{event:?}");
    assert_eq!(event.scan_ref(), None);
    assert_eq!(event.dedup_key(), None);
    // A webhook body is a JSON object: any other top level is an error (R7), header or not.
    for body in [&b"[]"[..], b"[1,2]", b"42", b"\"text\"", b"null", b"true"] {
        for header in [
            None,
            Some("AML_MONITORING_ALERT"),
            Some("IDENTIFICATION_MANUAL_FINISHED"),
        ] {
            let err = webhook::parse_unverified(body, header).unwrap_err();
            assert_eq!(
                (err.kind(), err.path()),
                (DecodeErrorKind::Data, Some(".")),
                "{body:?}"
            );
        }
    }
    // A body that looks like an identification result with a value that does not fit is still
    // that result, with or without a header: the odd value is kept raw, the rest is read.
    let odd = br#"{"scanRef":"s-9","final":true,"status":{"overall":["not","a","string"],"autoFace":"FACE_MATCH"}}"#;
    for header in [None, Some("IDENTIFICATION")] {
        let event = webhook::parse_unverified(odd, header).unwrap();
        let WebhookEvent::Identification { result, .. } = &event else {
            panic!("{event:?}");
        };
        assert!(event.is_final());
        assert_eq!(result.status.overall, None);
        assert_eq!(
            result.status.auto_face,
            Some(idenfy_proto::FaceStatus::FaceMatch)
        );
        assert_eq!(
            result.status.extra["overall"],
            serde_json::json!(["not", "a", "string"])
        );
        assert_eq!(result.fallbacks(), ["status.overall"]);
    }
}

#[test]
fn r7_not_json_is_a_decode_error() {
    for (body, kind) in [
        (NOT_JSON, DecodeErrorKind::Syntax),
        (&b"{\"scanRef\": \"s-1\""[..], DecodeErrorKind::Syntax),
        (b"\xff\xfe{}", DecodeErrorKind::Syntax),
        (b"", DecodeErrorKind::Empty),
        (b" \r\n\t", DecodeErrorKind::Empty),
    ] {
        for header in [None, Some("IDENTIFICATION"), Some("SOMETHING_ELSE")] {
            let err = webhook::parse_unverified(body, header).unwrap_err();
            assert_eq!(err.kind(), kind, "{body:?} {header:?}");
        }
    }
}

// ---- quirks of the payloads ----------------------------------------------------------------

#[test]
fn r7_duplicate_key_last_one_wins() {
    let result = identification(DOCS_2021_DUP_KEY);
    assert_eq!(result.data.selected_country.as_deref(), Some("EE"));
    assert_eq!(personal(&result.data.doc_first_name), Some("JANIS"));
    assert_eq!(personal(&result.data.org_last_name), Some("OZOLIŅŠ"));
}

#[test]
fn r7_float_and_string_timestamps_become_integers() {
    let result = identification(FLOAT_2019);
    assert_eq!(result.start_time, Some(1_555_000_111));
    assert_eq!(result.finish_time, Some(1_555_000_222));
    let result = identification(DRIFT_FINAL_TRUE);
    assert_eq!(result.start_time, Some(1_760_000_000));
    assert_eq!(result.finish_time, Some(1_760_000_300));
    let json = serde_json::to_value(webhook::parse_unverified(FLOAT_2019, None).unwrap()).unwrap();
    assert_eq!(json["startTime"], json!(1_555_000_111));
    assert!(json["finishTime"].is_i64());
}

#[test]
fn r7_null_and_empty_manual_statuses_are_absent() {
    for body in [FLOAT_2019, EMPTY_MANUAL, LEGACY_2018] {
        let result = identification(body);
        assert_eq!(result.status.manual_document, None);
        assert_eq!(result.status.manual_face, None);
        assert!(!result.status.is_manually_reviewed());
        assert_eq!(result.final_, None);
        assert!(!result.is_final(), "no final and no manual status");
    }
    let result = identification(EMPTY_MANUAL);
    assert_eq!(result.status.overall, Some(OverallStatus::Reviewing));
    assert!(result.status.auto_document.is_some());
}

#[test]
fn r7_placeholder_dates_stay_strings() {
    let result = identification(DOCS_2021_DUP_KEY);
    let expiry = personal(&result.data.doc_expiry).unwrap();
    assert_eq!(expiry, "YYYY-MM-DD");
    assert_eq!(personal(&result.data.doc_dob), Some("YYYY-MM-DD"));
    assert!(Date::parse(expiry).is_err(), "a placeholder is not a date");
    let result = identification(EMPTY_MANUAL);
    assert_eq!(personal(&result.data.doc_dob), Some("1990-00-00"));
    let result = identification(DRIFT_FINAL_TRUE);
    assert_eq!(result.data.doc_dob, None, "null date");
    let expiry = personal(&result.data.doc_expiry).unwrap();
    assert!(Date::parse(expiry).is_ok());
}

#[test]
fn r8_final_flag_absent_true_false() {
    // final: false, no manual status.
    let event =
        webhook::parse_unverified(AUTO_FINAL_FALSE, Some("IDENTIFICATION_AUTO_FINISHED")).unwrap();
    assert_eq!(result(&event).final_, Some(false));
    assert!(!event.is_final());
    // final: true.
    let event = webhook::parse_unverified(DRIFT_FINAL_TRUE, None).unwrap();
    assert_eq!(result(&event).final_, Some(true));
    assert!(event.is_final());
    // No final (2021 docs), manual statuses set: the legacy sign of the final callback.
    let event = webhook::parse_unverified(DOCS_2021_DUP_KEY, None).unwrap();
    assert_eq!(result(&event).final_, None);
    assert!(result(&event).status.is_manually_reviewed());
    assert!(event.is_final());
    // No final, manual statuses null or "": not final.
    assert!(
        !webhook::parse_unverified(FLOAT_2019, None)
            .unwrap()
            .is_final()
    );
    assert!(
        !webhook::parse_unverified(EMPTY_MANUAL, None)
            .unwrap()
            .is_final()
    );
    // An explicit final: false wins over manual statuses, and "final" may be a string.
    let body = br#"{"scanRef":"s","final":false,"status":{"manualFace":"FACE_MATCH"}}"#;
    assert!(!webhook::parse_unverified(body, None).unwrap().is_final());
    let body = br#"{"scanRef":"s","final":"true","status":{}}"#;
    assert!(webhook::parse_unverified(body, None).unwrap().is_final());
    let body = br#"{"scanRef":"s","final":null,"status":{"manualDocument":"DOC_VALIDATED"}}"#;
    assert!(webhook::parse_unverified(body, None).unwrap().is_final());
}

#[test]
fn r8_is_final_agrees_with_terminal_statuses_and_events() {
    use idenfy_proto::OverallStatus;
    // A terminal status with no later result is final, whatever `final` says, with or without
    // the header, and the event agrees with its status.
    for overall in ["EXPIRED", "EXPIRED-DELETED", "DELETED"] {
        for flag in ["false", "null", "true"] {
            let body =
                format!(r#"{{"scanRef":"s-1","final":{flag},"status":{{"overall":"{overall}"}}}}"#);
            for header in [None, Some("IDENTIFICATION_EXPIRED"), Some("IDENTIFICATION")] {
                let event = webhook::parse_unverified(body.as_bytes(), header).unwrap();
                assert!(event.is_final(), "{overall} final:{flag} {header:?}");
                let status = result(&event).status.overall.clone().unwrap();
                assert!(status.is_terminal() && status.is_final());
            }
        }
    }
    // `is_final` is the body's: the same under every header and without one, so a header can
    // never make a result final that its status says is still open.
    let open = br#"{"scanRef":"s-1","final":false,"status":{"overall":"ACTIVE"}}"#;
    for header in IDENTIFICATION_EVENTS {
        assert!(
            !webhook::parse_unverified(open, Some(header))
                .unwrap()
                .is_final(),
            "{header}"
        );
    }
    assert!(!webhook::parse_unverified(open, None).unwrap().is_final());
    // A non-terminal status is final only as `final` says (the auto result of a review).
    let body = br#"{"scanRef":"s-1","final":false,"status":{"overall":"APPROVED"}}"#;
    assert!(
        !webhook::parse_unverified(body, Some("IDENTIFICATION_AUTO_FINISHED"))
            .unwrap()
            .is_final()
    );
    assert!(!OverallStatus::Approved.is_terminal());
    assert!(!OverallStatus::Active.is_terminal() && !OverallStatus::Reviewing.is_terminal());
}

#[test]
fn r7_uppercase_aml_lid_arrays() {
    let result = identification(AUTO_FINAL_FALSE);
    let aml = result.aml.as_ref().unwrap();
    assert_eq!(aml.len(), 1);
    let hit = &aml[0];
    assert_eq!(hit.service_name.as_deref(), Some("PilotApiAmlV2"));
    assert_eq!(hit.service_group_type, Some(ServiceGroupType::Aml));
    assert_eq!(hit.uid.as_deref(), Some("Q2H7ZK4M1RXW9VBN3TYP5DLC8"));
    assert_eq!(hit.error_message, None);
    let status = hit.status.as_ref().unwrap();
    assert_eq!(status.service_suspected, Some(true));
    assert_eq!(status.check_successful, Some(true));
    assert_eq!(status.overall_status, Some(ServiceStatus::Suspected));
    assert_eq!(hit.suspected(), Some(true));
    assert_eq!(hit.data.len(), 1);
    assert_eq!(hit.data[0]["surname"], "KUUSKMANN");
    let lid = result.lid.as_ref().unwrap();
    assert_eq!(lid[0].suspected(), Some(false));
    assert!(lid[0].data.is_empty());
    assert_eq!(result.criminal_check, None);
}

#[test]
fn r7_lowercase_single_object_aml_lid() {
    let result = identification(FLOAT_2019);
    let aml = result.aml.as_ref().unwrap();
    assert_eq!(aml.len(), 1);
    assert_eq!(aml[0].uid.as_deref(), Some("G5H6J7K8L9M1N2P3Q4R5S6T7U"));
    let lid = result.lid.as_ref().unwrap();
    assert_eq!(lid.len(), 1);
    assert_eq!(lid[0].suspected(), Some(true));
    assert_eq!(lid[0].data[0]["documentNumber"], "AXB551207");
    assert!(!result.extra.contains_key("aml"));
    assert!(!result.extra.contains_key("lid"));
    // Written back with the current names.
    let json = serde_json::to_value(webhook::parse_unverified(FLOAT_2019, None).unwrap()).unwrap();
    assert!(json["AML"].is_array());
    assert!(json["LID"].is_array());
    assert!(json.get("aml").is_none());
}

#[test]
fn r7_legacy_2018_aml_lid_shape() {
    let result = identification(LEGACY_2018);
    let aml = result.aml.as_ref().unwrap();
    assert_eq!(aml.len(), 1);
    assert_eq!(aml[0].status, None);
    assert_eq!(aml[0].extra.get("suspected"), Some(&json!(true)));
    assert_eq!(
        aml[0].extra.get("results"),
        Some(&json!({"PilotApiAml": {"matches": 1}}))
    );
    assert_eq!(aml[0].suspected(), Some(true));
    let lid = result.lid.as_ref().unwrap();
    assert_eq!(lid[0].suspected(), Some(false));
    assert_eq!(result.status.overall, Some(OverallStatus::NotReviewed));
    assert_eq!(result.platform, Some(Platform::Tablet));
    assert_eq!(result.start_time, None);
    assert_eq!(result.status.suspicion_reasons, None);
}

#[test]
fn r7_both_spellings_present() {
    let result = identification(BOTH_SPELLINGS);
    let aml = result.aml.as_ref().unwrap();
    assert_eq!(aml.len(), 1, "the uppercase array wins");
    assert_eq!(aml[0].uid.as_deref(), Some("UPPER-AML"));
    assert_eq!(aml[0].suspected(), Some(false));
    // The lowercase object is kept, not lost.
    assert_eq!(result.extra["aml"]["uid"], "lower-aml");
    // `LID: null` next to a lowercase `lid`: the lowercase one is used.
    let lid = result.lid.as_ref().unwrap();
    assert_eq!(lid[0].suspected(), Some(false));
    assert!(!result.extra.contains_key("lid"));
}

#[test]
fn r7_numeric_client_id_is_a_string() {
    let event = webhook::parse_unverified(DRIFT_FINAL_TRUE, None).unwrap();
    assert_eq!(event.client_id(), Some("88412"));
    let json = serde_json::to_value(&event).unwrap();
    assert_eq!(json["clientId"], json!("88412"));
}

#[test]
fn r7_unknown_fields_are_kept_in_extra() {
    let result = identification(DRIFT_FINAL_TRUE);
    assert_eq!(
        result.extra["somethingNewAtTopLevel"],
        json!({"version": 3})
    );
    assert_eq!(
        result.status.extra["reviewerNote"],
        "kept as an unknown field"
    );
    assert_eq!(result.data.extra["hairColour"], "kept as an unknown field");
    let criminal = &result.criminal_check.as_ref().unwrap()[0];
    assert_eq!(criminal.extra["vendorBatch"], 4);
    // Modelled fields do not show up in extra.
    assert!(!result.extra.contains_key("scanRef"));
    assert!(!result.extra.contains_key("final"));
    assert!(!result.extra.contains_key("CRIMINAL_CHECK"));
    // Newer objects are read.
    assert_eq!(result.company_id.as_deref(), Some("kyb-company-5521"));
    assert_eq!(
        result.beneficiary_id.as_deref(),
        Some("kyb-beneficiary-0913")
    );
    assert_eq!(result.gdc_match, Some(true));
    assert_eq!(result.manual_address_match, Some(true));
    assert_eq!(personal(&result.manual_address), Some("KIRKKOKATU 9, OULU"));
    assert_eq!(result.risk_assessment.as_ref().unwrap()["riskLevel"], "LOW");
    assert_eq!(
        result.aml_check.as_ref().unwrap()["overallStatus"],
        "NOT_SUSPECTED"
    );
    assert!(result.email_verification.is_some());
    assert!(result.phone_verification.is_some());
    assert!(result.bank_card_verification.is_some());
    assert_eq!(result.external_ref, None, "null");
    assert_eq!(
        result.file_urls.as_ref().map(|urls| urls.len()),
        Some(0),
        "[] as {{}}"
    );
}

#[test]
fn r7_unknown_enum_values_are_kept() {
    let result = identification(DRIFT_FINAL_TRUE);
    assert_eq!(result.platform, Some(Platform::Unknown("SMART_TV".into())));
    assert_eq!(result.status.overall.as_ref().unwrap().as_str(), "ON_HOLD");
    assert_eq!(
        result.status.fraud_tags,
        Some(vec![FraudTag::Unknown("SOMETHING_BRAND_NEW".into())])
    );
    assert_eq!(
        result.data.doc_type,
        Some(DocumentType::Unknown("LUNAR_PASSPORT".into()))
    );
    let criminal = &result.criminal_check.as_ref().unwrap()[0];
    assert_eq!(
        criminal.service_group_type,
        Some(ServiceGroupType::CriminalCheck)
    );
    let status = criminal.status.as_ref().unwrap();
    assert_eq!(
        status.overall_status.as_ref().unwrap().as_str(),
        "CLEAR_AS_DAY"
    );
    assert_eq!(status.service_suspected, Some(false), "\"false\"");
    assert_eq!(status.service_used, Some(true), "1");
    // And written back verbatim.
    let json =
        serde_json::to_value(webhook::parse_unverified(DRIFT_FINAL_TRUE, None).unwrap()).unwrap();
    assert_eq!(json["platform"], "SMART_TV");
    assert_eq!(json["status"]["overall"], "ON_HOLD");
    assert_eq!(json["data"]["docType"], "LUNAR_PASSPORT");
    assert_eq!(
        json["CRIMINAL_CHECK"][0]["status"]["overallStatus"],
        "CLEAR_AS_DAY"
    );
}

#[test]
fn r7_file_urls_and_additional_steps() {
    let result = identification(AUTO_FINAL_FALSE);
    let urls = result.file_urls.as_ref().unwrap();
    assert_eq!(
        urls["FRONT"].as_ref().unwrap().as_str(),
        "https://files.example.test/u/9f3a51/FRONT.jpg?sig=q8Zr1"
    );
    assert_eq!(urls["FACE_VIDEO"], None);
    let pdfs = result.additional_step_pdf_urls.as_ref().unwrap();
    assert!(
        pdfs["UTILITY_BILL"]
            .as_ref()
            .unwrap()
            .ends_with("UTILITY_BILL.pdf?sig=q8Zr4")
    );
    let steps = result.additional_steps.as_ref().unwrap();
    assert_eq!(steps["UTILITY_BILL"].as_deref(), Some("EXTRACT"));
    assert_eq!(steps["SELFIE_WITH_DOC"], None);
    assert_eq!(
        result.status.additional_steps.as_ref().unwrap().as_str(),
        "VALID"
    );
    assert_eq!(personal(&result.client_ip), Some("198.51.100.23"));
    assert_eq!(result.client_ip_country.as_deref(), Some("EE"));
    assert_eq!(personal(&result.client_location), Some("Tartu, Estonia"));
    assert_eq!(
        result.data.duplicate_faces,
        Some(vec!["0b9e44c1-77aa-4c02-8f0e-31d5e6a2c7d4".to_owned()])
    );
}

// ---- verification before parsing -------------------------------------------------------------

#[test]
fn r8_verify_and_parse_with_a_bad_signature_returns_no_payload() {
    let keys = [WebhookKey::new("receiver-key").unwrap()];
    let wrong = server::sign_webhook(&WebhookKey::new("someone-else").unwrap(), AUTO_FINAL_FALSE);
    let outcome = webhook::verify_and_parse(AUTO_FINAL_FALSE, Some(&wrong), None, &keys);
    assert!(matches!(
        outcome,
        Err(Error::Signature(SignatureError::Mismatch))
    ));
    // The body is not even looked at: a body that is not JSON still fails on its signature.
    let outcome = webhook::verify_and_parse(NOT_JSON, Some(&wrong), None, &keys);
    assert!(matches!(
        outcome,
        Err(Error::Signature(SignatureError::Mismatch))
    ));
    let outcome = webhook::verify_and_parse(AUTO_FINAL_FALSE, None, None, &keys);
    assert!(matches!(
        outcome,
        Err(Error::Signature(SignatureError::Missing))
    ));
    // With the right signature, a body that is not JSON is a decode error.
    let signature = server::sign_webhook(&keys[0], NOT_JSON);
    let outcome = webhook::verify_and_parse(NOT_JSON, Some(&signature), None, &keys);
    assert!(matches!(outcome, Err(Error::Decode(err)) if err.kind() == DecodeErrorKind::Syntax));
    // And a good one parses the same as `parse`.
    let signature = server::sign_webhook(&keys[0], AUTO_FINAL_FALSE);
    let event = webhook::verify_and_parse(
        AUTO_FINAL_FALSE,
        Some(&signature),
        Some("IDENTIFICATION_AUTO_FINISHED"),
        &keys,
    )
    .unwrap();
    assert_eq!(
        event,
        webhook::parse_unverified(AUTO_FINAL_FALSE, Some("IDENTIFICATION_AUTO_FINISHED")).unwrap()
    );
}

#[test]
fn r8_from_request_lower_case_headers_select_the_event() {
    let key = WebhookKey::new("receiver-key").unwrap();
    for (body, event_type, check) in [
        (
            DOCUMENT_EXPIRATION,
            "document_expiration",
            (|event: &WebhookEvent| matches!(event, WebhookEvent::DocumentExpiration { .. }))
                as fn(&WebhookEvent) -> bool,
        ),
        (VIDEO_CALL, "VIDEO_CALL_FINISHED", |event| {
            matches!(event, WebhookEvent::VideoCall { .. })
        }),
        (
            AUTO_FINAL_FALSE,
            "IDENTIFICATION_MANUAL_FINISHED",
            |event| matches!(event, WebhookEvent::Identification { .. }),
        ),
    ] {
        let request = Request::post("/hooks/idenfy")
            .header("idenfy-signature", server::sign_webhook(&key, body))
            .header("idenfy-event-type", event_type)
            .body(body.to_vec())
            .unwrap();
        let event = webhook::from_request(&request, std::slice::from_ref(&key)).unwrap();
        assert!(check(&event), "{event_type}: {event:?}");
    }
    // Event names are case-sensitive values: a lower-case name is an unknown event, and the body
    // decides (here: a document expiration).
    let request = Request::post("/")
        .header(
            "idenfy-signature",
            server::sign_webhook(&key, DOCUMENT_EXPIRATION),
        )
        .header("idenfy-event-type", "document_expiration")
        .body(DOCUMENT_EXPIRATION)
        .unwrap();
    let event = webhook::from_request(&request, &[key]).unwrap();
    assert_eq!(
        event.event_type(),
        Some(&EventType::Unknown("document_expiration".into()))
    );
}

// ---- de-duplication -----------------------------------------------------------------------

/// A key's text without its fingerprint, and the fingerprint.
fn split_key(key: &DedupKey) -> (String, String) {
    let text = key.to_string();
    let (head, fingerprint) = text.rsplit_once(':').unwrap();
    (head.to_owned(), fingerprint.to_owned())
}

#[test]
fn r8_dedup_key_format() {
    let event =
        webhook::parse_unverified(AUTO_FINAL_FALSE, Some("IDENTIFICATION_AUTO_FINISHED")).unwrap();
    let key = event.dedup_key().unwrap();
    let (head, fingerprint) = split_key(&key);
    assert_eq!(
        head,
        "5c1d7e2a-4b3f-4e8a-9d61-0f2b7a3c9e11:IDENTIFICATION_AUTO_FINISHED:false"
    );
    assert_eq!(fingerprint.len(), 16);
    assert!(
        fingerprint
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    );
    assert_eq!(key.scan_ref, "5c1d7e2a-4b3f-4e8a-9d61-0f2b7a3c9e11");
    assert_eq!(key.event, "IDENTIFICATION_AUTO_FINISHED");
    assert!(!key.final_flag);
    assert_eq!(key.fingerprint, fingerprint);
    assert_eq!(
        key,
        DedupKey::new(
            "5c1d7e2a-4b3f-4e8a-9d61-0f2b7a3c9e11",
            "IDENTIFICATION_AUTO_FINISHED",
            false,
            fingerprint,
        )
    );

    // Without a header, the event is named after the kind of body.
    let inferred = |body: &[u8]| {
        split_key(
            &webhook::parse_unverified(body, None)
                .unwrap()
                .dedup_key()
                .unwrap(),
        )
        .0
    };
    assert_eq!(
        inferred(DOCS_2021_DUP_KEY),
        "e0a4c2b6-1d9f-4c3e-8b7a-5f6d2e1c0b9a:IDENTIFICATION:true"
    );
    assert_eq!(
        inferred(DOCUMENT_EXPIRATION),
        "5c1d7e2a-4b3f-4e8a-9d61-0f2b7a3c9e11:DOCUMENT_EXPIRATION/DOCUMENT_EXPIRES_WITHIN_7_DAYS:true"
    );
    assert_eq!(
        inferred(VIDEO_CALL),
        "d9c8b7a6-5f4e-4d3c-9b2a-1f0e9d8c7b6a:VIDEO_CALL_FINISHED:true"
    );
    assert_eq!(
        inferred(UNKNOWN_EVENT),
        "5c1d7e2a-4b3f-4e8a-9d61-0f2b7a3c9e11:UNKNOWN:false"
    );
    let unknown = webhook::parse_unverified(UNKNOWN_EVENT, Some("AML_MONITORING_ALERT")).unwrap();
    assert_eq!(
        split_key(&unknown.dedup_key().unwrap()).0,
        "5c1d7e2a-4b3f-4e8a-9d61-0f2b7a3c9e11:AML_MONITORING_ALERT:false"
    );

    // A repeated delivery has the same key; the auto and the manual result do not.
    let mut seen = HashSet::new();
    assert!(seen.insert(event.dedup_key().unwrap()));
    let again =
        webhook::parse_unverified(AUTO_FINAL_FALSE, Some("IDENTIFICATION_AUTO_FINISHED")).unwrap();
    assert!(!seen.insert(again.dedup_key().unwrap()));
    let manual = br#"{"scanRef":"5c1d7e2a-4b3f-4e8a-9d61-0f2b7a3c9e11","final":true,"status":{}}"#;
    let manual = webhook::parse_unverified(manual, Some("IDENTIFICATION_MANUAL_FINISHED")).unwrap();
    assert!(seen.insert(manual.dedup_key().unwrap()));
    // Each expiration threshold is its own event.
    let expired = br#"{"scanRef":"5c1d7e2a-4b3f-4e8a-9d61-0f2b7a3c9e11","expirationThreshold":"DOCUMENT_EXPIRED"}"#;
    let week = webhook::parse_unverified(DOCUMENT_EXPIRATION, Some("DOCUMENT_EXPIRATION")).unwrap();
    let expired = webhook::parse_unverified(expired, Some("DOCUMENT_EXPIRATION")).unwrap();
    assert!(seen.insert(week.dedup_key().unwrap()));
    assert!(seen.insert(expired.dedup_key().unwrap()));

    // No scanRef, no key.
    let event = webhook::parse_unverified(br#"{"status":{"overall":"APPROVED"}}"#, None).unwrap();
    assert_eq!(event.dedup_key(), None);
}

#[test]
fn r8_dedup_key_separates_resubmission_results_and_keeps_repeats_together() {
    let result = |overall: &str, finish: i64, front: &str| {
        let body = format!(
            r#"{{"scanRef":"5c1d7e2a","final":true,"finishTime":{finish},"status":{{"overall":"{overall}"}},"fileUrls":{{"FRONT":"{front}"}}}}"#
        );
        webhook::parse_unverified(body.as_bytes(), Some("IDENTIFICATION_RESUBMITTED"))
            .unwrap()
            .dedup_key()
            .unwrap()
    };
    let first = result("DENIED", 1_700_000_000, "https://files.example/a?sig=1");
    // The same result delivered again, its pre-signed file URL renewed: the same key.
    assert_eq!(
        first,
        result("DENIED", 1_700_000_000, "https://files.example/a?sig=2")
    );
    // A second resubmission of the same scanRef and event: another decision, another key.
    assert_ne!(
        first,
        result("APPROVED", 1_700_000_900, "https://files.example/a?sig=1")
    );
    // Even the same overall status at another time is another result.
    assert_ne!(
        first,
        result("DENIED", 1_700_000_900, "https://files.example/a?sig=1")
    );
    // Two document-expiration thresholds of one document never share a key.
    let notice = |threshold: &str| {
        let body = format!(
            r#"{{"scanRef":"5c1d7e2a","expirationThreshold":"{threshold}","documentExpiration":"2031-01-01"}}"#
        );
        webhook::parse_unverified(body.as_bytes(), None)
            .unwrap()
            .dedup_key()
            .unwrap()
    };
    assert_ne!(
        notice("DOCUMENT_EXPIRES_WITHIN_30_DAYS"),
        notice("DOCUMENT_EXPIRES_WITHIN_7_DAYS")
    );
}

// ---- JSON written back ----------------------------------------------------------------------

/// `value` without the object members that are `null` (absent and `null` are written alike).
fn strip_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, value)| !value.is_null())
                .map(|(key, value)| (key.clone(), strip_nulls(value)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(strip_nulls).collect()),
        other => other.clone(),
    }
}

#[test]
fn r7_serialize_writes_the_payload_with_idenfy_names() {
    let event =
        webhook::parse_unverified(AUTO_FINAL_FALSE, Some("IDENTIFICATION_AUTO_FINISHED")).unwrap();
    let json = serde_json::to_value(&event).unwrap();
    let original: Value = serde_json::from_slice(AUTO_FINAL_FALSE).unwrap();
    for key in [
        "clientId",
        "scanRef",
        "externalRef",
        "platform",
        "startTime",
        "finishTime",
        "clientIp",
        "final",
        "fileUrls",
        "additionalStepPdfUrls",
        "additionalSteps",
        "AML",
        "LID",
    ] {
        assert_eq!(
            strip_nulls(&json[key]),
            strip_nulls(&original[key]),
            "{key}"
        );
    }
    assert_eq!(json["status"]["overall"], "SUSPECTED");
    assert_eq!(json["status"]["mismatchTags"], json!(["NAME"]));
    assert_eq!(json["data"]["docFirstName"], "MAARJA-LIIS");
    assert_eq!(json["data"]["selectedCountry"], "EE");
    assert!(json.get("event_type").is_none(), "no wrapper");
    assert!(json.get("result").is_none(), "no wrapper");
    // Absent optional top-level fields are omitted.
    assert!(json.get("companyId").is_none());
    assert!(json.get("CRIMINAL_CHECK").is_none());

    // Other kinds: the body itself.
    let json = serde_json::to_value(webhook::parse_unverified(DOCUMENT_EXPIRATION, None).unwrap())
        .unwrap();
    assert_eq!(
        json,
        serde_json::from_slice::<Value>(DOCUMENT_EXPIRATION).unwrap()
    );
    let json = serde_json::to_value(webhook::parse_unverified(VIDEO_CALL, None).unwrap()).unwrap();
    assert_eq!(json, serde_json::from_slice::<Value>(VIDEO_CALL).unwrap());
    let json =
        serde_json::to_value(webhook::parse_unverified(UNKNOWN_EVENT, None).unwrap()).unwrap();
    assert_eq!(
        json,
        serde_json::from_slice::<Value>(UNKNOWN_EVENT).unwrap()
    );
}

#[test]
fn r7_written_json_parses_back_to_the_same_event() {
    for (name, body) in IDENTIFICATION_FIXTURES {
        let event = webhook::parse_unverified(body, Some("IDENTIFICATION")).unwrap();
        let written = serde_json::to_vec(&event).unwrap();
        let again = webhook::parse_unverified(&written, Some("IDENTIFICATION")).unwrap();
        assert_eq!(again, event, "{name}");
    }
}

// ---- redaction ------------------------------------------------------------------------------

#[test]
fn r10_debug_never_shows_personal_data_or_the_auth_token() {
    let secrets = [
        // names
        "MAARJA-LIIS",
        "KUUSKMANN",
        "JANIS",
        "OZOLINSH",
        "OZOLIŅŠ",
        "ZOFIA",
        "WIERZBICKA",
        "KAZLAUSKAITE",
        "PEETER",
        "AINO",
        "VIRTANEN",
        "MIKK",
        "LEPIK",
        // document and personal numbers, dates, addresses
        "KE4417093",
        "48807152718",
        "LV0093318",
        "150389-10764",
        "AXB551207",
        "92041712345",
        "23990071",
        "48512240011",
        "FN7742019",
        "1988-07-15",
        "2031-05-30",
        "RUUTLI",
        "KIRKKOKATU",
        "VILJANDI",
        // file URLs
        "files.example.test",
        "ivs.example.test",
        "sig=q8Zr",
        // IP, location, contact details, AML hits
        "198.51.100.23",
        "203.0.113.77",
        "Tartu",
        "Oulu",
        "aino.vk@example.test",
        "+358401234567",
        "Invented PEP list",
        "Invented sanctions list",
        // video call: authToken and answers
        "Vq7TzL2mXc9RbN4kWs1HdF6pJy",
        "Viljandi, near the lake",
        "sailing boat",
    ];
    let fixtures: Vec<(&str, &[u8])> = IDENTIFICATION_FIXTURES
        .into_iter()
        .chain([
            ("document_expiration", DOCUMENT_EXPIRATION),
            ("video_call", VIDEO_CALL),
            ("unknown_event", UNKNOWN_EVENT),
        ])
        .collect();
    for (name, body) in fixtures {
        for header in [None, Some("IDENTIFICATION")] {
            let Ok(event) = webhook::parse_unverified(body, header) else {
                continue;
            };
            for debug in [format!("{event:?}"), format!("{event:#?}")] {
                for secret in secrets {
                    assert!(
                        !debug.contains(secret),
                        "{name} ({header:?}): Debug shows {secret:?}:\n{debug}"
                    );
                }
            }
        }
    }
    // What helps debugging stays visible.
    let debug = format!(
        "{:?}",
        webhook::parse_unverified(AUTO_FINAL_FALSE, None).unwrap()
    );
    assert!(debug.contains("5c1d7e2a-4b3f-4e8a-9d61-0f2b7a3c9e11"));
    assert!(debug.contains("crm-88412"));
    assert!(debug.contains("FRONT"));
    let debug = format!(
        "{:?}",
        webhook::parse_unverified(UNKNOWN_EVENT, None).unwrap()
    );
    assert!(debug.contains("monitoringId"), "keys are shown: {debug}");
    assert!(!debug.contains("mon-7781"), "values are not: {debug}");
}

// ---- the shared oracles ---------------------------------------------------------------------

#[test]
fn r7_every_shared_webhook_sample_parses() {
    let Some(oracles) = support::oracles_dir() else {
        return;
    };
    let oracles = oracles.as_path();
    let mut files = Vec::new();
    for (dir, prefix) in [("idenfy", "callback."), ("idenfy-docs", "webhook_")] {
        for entry in std::fs::read_dir(oracles.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap().to_owned();
            if name.starts_with(prefix) && name.ends_with(".json") {
                files.push((path, true));
            }
        }
    }
    files.push((oracles.join("idenfy-docs/video_call_webhook.json"), false));
    assert!(files.len() >= 10, "found {} samples", files.len());

    for (path, is_identification) in files {
        let body = std::fs::read(&path).unwrap();
        let raw: Value = serde_json::from_slice(&body).unwrap();
        let scan_ref = raw["scanRef"].as_str().unwrap();
        let event = webhook::parse_unverified(&body, None)
            .unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        assert_eq!(event.scan_ref(), Some(scan_ref), "{}", path.display());
        if is_identification {
            assert!(
                matches!(event, WebhookEvent::Identification { .. }),
                "{}: {event:?}",
                path.display()
            );
            for name in IDENTIFICATION_EVENTS {
                let by_header = webhook::parse_unverified(&body, Some(name)).unwrap();
                assert_eq!(by_header.scan_ref(), Some(scan_ref));
            }
            let result = result(&event);
            if raw["data"].get("selectedCountry").is_some() {
                assert_eq!(result.data.selected_country.as_deref(), Some("LT"));
            }
            if raw.get("aml").is_some() || raw.get("AML").is_some() {
                assert_eq!(result.aml.as_ref().unwrap().len(), 1, "{}", path.display());
                assert_eq!(result.lid.as_ref().unwrap().len(), 1, "{}", path.display());
            }
            if let Some(start) = raw.get("startTime").and_then(Value::as_f64) {
                #[allow(clippy::cast_possible_truncation)]
                let expected = start.trunc() as i64;
                assert_eq!(result.start_time, Some(expected));
            }
        } else {
            let WebhookEvent::VideoCall { call, .. } = &event else {
                panic!("{}: {event:?}", path.display());
            };
            assert_eq!(
                call.auth_token.as_ref().unwrap().expose_secret(),
                "unique_auth_token"
            );
            assert!(!format!("{event:?}").contains("unique_auth_token"));
            let by_header = webhook::parse_unverified(&body, Some("VIDEO_CALL_FINISHED")).unwrap();
            assert_eq!(by_header.scan_ref(), Some(scan_ref));
        }
        // Debug never shows the documented placeholder names or file URLs.
        let debug = format!("{event:?}");
        for secret in [
            "FIRST-NAME-EXAMPLE",
            "LAST-NAME-EXAMPLE",
            "amazonaws",
            "<JWT_TOKEN>",
        ] {
            assert!(!debug.contains(secret), "{}: {secret}", path.display());
        }
    }
}

#[test]
fn r8_the_video_call_header_chooses_the_variant_without_answers() {
    // Nothing in the body says "video call": the header alone decides, and a body without the
    // required `scanRef` is refused instead of being guessed at.
    let event = webhook::parse_unverified(
        br#"{"scanRef":"v-2","clientId":"crm-1"}"#,
        Some("VIDEO_CALL_FINISHED"),
    )
    .unwrap();
    let WebhookEvent::VideoCall { call, .. } = &event else {
        panic!("{event:?}");
    };
    assert!(call.video_call_answers.is_none());
    assert_eq!(event.scan_ref(), Some("v-2"));
    assert!(!event.is_inferred());
    let without = webhook::parse_unverified(br#"{"scanRef":"v-2","clientId":"crm-1"}"#, None);
    assert!(matches!(without.unwrap(), WebhookEvent::Unknown { .. }));
    let error = webhook::parse_unverified(br#"{"clientId":"crm-1"}"#, Some("VIDEO_CALL_FINISHED"))
        .unwrap_err();
    assert!(error.to_string().contains("scanRef"), "{error}");
}
