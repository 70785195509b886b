#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Test code indexes known fixtures: a bad index is a failed test.
#![allow(clippy::indexing_slicing)]
//! Field-level leniency (R4, R7), as a property of every result type: take a valid payload,
//! replace the value of any one field — at the top level or inside a nested object — with a
//! value of any JSON type, and the result still decodes, every other field exactly as before,
//! and the replaced one either read (one of R7's conversions), or absent and kept raw, named by
//! `fallbacks()`. Only a required field (`authToken`, `scanRef`) may fail the decode, and then
//! the error names it. Both ways in are checked and must agree: the library's parse function
//! and plain `serde_json::from_slice` into the public type.

mod support;

use idenfy_proto::http::Response;
use idenfy_proto::webhook::{self, DocumentExpiration, IdentificationResult, VideoCallResult};
use idenfy_proto::{
    DataRequest, DataResponse, DecodeError, Endpoint, Error, FileUrls, FilesRequest, StatusRequest,
    StatusResponse, TokenRequest, TokenResponse,
};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde::Serialize;
use serde_json::{Value, json};

/// A decoded result, written back as JSON, with its fallbacks.
type Decoded = (Value, Vec<String>);

/// One result type: a valid payload, its two decoders, where a replacement may go.
struct Case {
    name: &'static str,
    payload: Value,
    /// Through the library's parse function.
    parse: fn(&[u8]) -> Result<Decoded, DecodeError>,
    /// Through `serde_json::from_slice` into the public type.
    serde: fn(&[u8]) -> Result<Decoded, String>,
    /// Fields whose absence fails the decode.
    required: &'static [&'static str],
    /// Objects (by path from the top) whose fields are replaced too.
    nested: &'static [&'static [Step]],
    /// Keys of map entries rather than typed fields: a value that is no string is kept as it
    /// came, but is no fallback.
    map_entries: &'static [&'static str],
    /// Keys whose object value is read as a lower-priority copy of the top level (R7).
    lifted: &'static [&'static str],
}

#[derive(Debug, Clone, Copy)]
enum Step {
    Key(&'static str),
    Index(usize),
}

fn written<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap()
}

fn ok<T: Serialize>(value: T, fallbacks: Vec<String>) -> Decoded {
    (written(&value), fallbacks)
}

fn decode_error<T: std::fmt::Debug>(result: Result<T, Error>) -> Result<T, DecodeError> {
    result.map_err(|err| match err {
        Error::Decode(err) => err,
        other => panic!("expected a decode error, got {other:?}"),
    })
}

fn response(body: &[u8]) -> Response<&[u8]> {
    Response::builder().status(200).body(body).unwrap()
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "token",
            payload: json!({
                "message": "Token created successfully", "authToken": "Qm7vT2xKp9LrW4nZc8HsJd",
                "scanRef": "e2b7c904-6d1f-4a38-9c5e-3f80b1d7a6c2", "clientId": "crm-301177",
                "personScanRef": "crm-301177", "redirectUrl": "https://ivs.example/redirect",
                "digitString": "48236571", "firstName": "MARGARETA", "lastName": "VALKUNIENE",
                "successUrl": "https://shop.example/ok", "errorUrl": "https://shop.example/fail",
                "unverifiedUrl": "https://shop.example/unverified",
                "callbackUrl": "https://hooks.example/idenfy", "locale": "lt",
                "showInstructions": true, "country": "LT", "expiryTime": 3600,
                "sessionLength": 600, "documents": ["ID_CARD", "PASSPORT"],
                "dateOfBirth": "1992-03-15", "dateOfExpiry": "2031-01-01",
                "dateOfIssue": "2021-01-01", "nationality": "LT", "personalNumber": "49203150987",
                "documentNumber": "PX0419273", "sex": "F", "address": "Laisvės al. 71",
                "tokenType": "IDENTIFICATION", "videoCallQuestions": ["Your name?"],
                "externalRef": "onboarding-55120", "utilityBill": false,
                "questionnaire": "onboarding-v3", "newerField": {"kept": true}
            }),
            parse: |body| {
                let request = TokenRequest::builder("crm-301177").build().unwrap();
                let token = decode_error(request.parse(response(body)))?;
                let fallbacks = token.fallbacks();
                Ok(ok(token, fallbacks))
            },
            serde: |body| {
                let token: TokenResponse =
                    serde_json::from_slice(body).map_err(|err| err.to_string())?;
                let fallbacks = token.fallbacks();
                Ok(ok(token, fallbacks))
            },
            required: &["authToken", "scanRef"],
            nested: &[],
            map_entries: &[],
            lifted: &[],
        },
        Case {
            name: "status",
            payload: json!({
                "scanRef": "328c6766-934e-11ed-bb9b-025ad99a18e7", "clientId": "W2GL2K333Y",
                "status": "SUSPECTED", "autoDocument": "DOC_VALIDATED", "autoFace": "FACE_MATCH",
                "manualDocument": "DOC_VALIDATED", "manualFace": "FACE_MATCH",
                "fraudTags": ["DUPLICATE_FACE"], "mismatchTags": ["NAME"],
                "suspicionReasons": ["FACE_SUSPECTED"], "reviewer": "kept"
            }),
            parse: |body| {
                let status = decode_error(StatusRequest::new("s").unwrap().parse(response(body)))?;
                let fallbacks = status.fallbacks();
                Ok(ok(status, fallbacks))
            },
            serde: |body| {
                let status: StatusResponse =
                    serde_json::from_slice(body).map_err(|err| err.to_string())?;
                let fallbacks = status.fallbacks();
                Ok(ok(status, fallbacks))
            },
            required: &["scanRef"],
            nested: &[],
            map_entries: &[],
            lifted: &["status"],
        },
        Case {
            name: "data",
            payload: json!({
                "scanRef": "3c2b1a09-f8e7-4d6c-b5a4-9382716e5d4c", "clientId": 31337,
                "docFirstName": "MARGARETA", "docLastName": "VALKŪNIENĖ", "docNumber": "PX0419273",
                "docPersonalCode": "49203150987", "docExpiry": "2032-09-14", "docDob": "1992-03-15",
                "docDateOfIssue": "2022-09-14", "docType": "PASSPORT", "docSex": "FEMALE",
                "docNationality": "LT", "docIssuingCountry": "LT", "selectedCountry": "LT",
                "birthPlace": "PANEVĖŽYS", "authority": "MIGRACIJOS DEPARTAMENTAS",
                "address": "Laisvės al. 71", "driverLicenseCategory": "B",
                "manuallyDataChanged": false, "fullName": "MARGARETA VALKŪNIENĖ",
                "ageEstimate": "OVER_25", "clientIpProxyRiskLevel": "LOW",
                "duplicateFaces": ["5d0c2b7e"], "duplicateDocFaces": [],
                "additionalData": {"UTILITY_BILL": {"address": "Kaunas"}},
                "manualAddressMatch": true, "unmodelled": [1, 2]
            }),
            parse: |body| {
                let data = decode_error(DataRequest::new("s").unwrap().parse(response(body)))?;
                let fallbacks = data.fallbacks();
                Ok(ok(data, fallbacks))
            },
            serde: |body| {
                let data: DataResponse =
                    serde_json::from_slice(body).map_err(|err| err.to_string())?;
                let fallbacks = data.fallbacks();
                Ok(ok(data, fallbacks))
            },
            required: &["scanRef"],
            nested: &[],
            map_entries: &[],
            lifted: &["data"],
        },
        Case {
            name: "files",
            payload: json!({
                "scanRef": "e2b7c4d1", "clientId": "c-1",
                "FRONT": "https://files.example/f", "BACK": null, "FACE": "https://files.example/s"
            }),
            parse: |body| {
                let files = decode_error(FilesRequest::new("s").unwrap().parse(response(body)))?;
                let fallbacks = files.fallbacks();
                Ok(ok(files, fallbacks))
            },
            serde: |body| {
                let files: FileUrls =
                    serde_json::from_slice(body).map_err(|err| err.to_string())?;
                let fallbacks = files.fallbacks();
                Ok(ok(files, fallbacks))
            },
            required: &[],
            nested: &[],
            map_entries: &["FRONT", "BACK", "FACE"],
            lifted: &["fileUrls"],
        },
        Case {
            name: "identification webhook",
            payload: identification_payload(),
            parse: |body| {
                let event = webhook::parse_unverified(body, Some("IDENTIFICATION_AUTO_FINISHED"))?;
                let webhook::WebhookEvent::Identification { result, .. } = event else {
                    panic!("not an identification: {event:?}");
                };
                let fallbacks = result.fallbacks();
                Ok(ok(result, fallbacks))
            },
            serde: |body| {
                let result: IdentificationResult =
                    serde_json::from_slice(body).map_err(|err| err.to_string())?;
                let fallbacks = result.fallbacks();
                Ok(ok(result, fallbacks))
            },
            required: &["scanRef"],
            nested: &[
                &[Step::Key("status")],
                &[Step::Key("data")],
                &[Step::Key("AML"), Step::Index(0)],
                &[Step::Key("AML"), Step::Index(0), Step::Key("status")],
            ],
            map_entries: &[],
            lifted: &[],
        },
        Case {
            name: "document expiration webhook",
            payload: json!({
                "scanRef": "5c1d7e2a", "clientId": "crm-1",
                "expirationThreshold": "DOCUMENT_EXPIRES_WITHIN_7_DAYS",
                "documentExpiration": "2031-01-01"
            }),
            parse: |body| {
                let event = webhook::parse_unverified(body, Some("DOCUMENT_EXPIRATION"))?;
                let webhook::WebhookEvent::DocumentExpiration { expiration, .. } = event else {
                    panic!("not a document expiration: {event:?}");
                };
                let fallbacks = expiration.fallbacks();
                Ok(ok(expiration, fallbacks))
            },
            serde: |body| {
                let expiration: DocumentExpiration =
                    serde_json::from_slice(body).map_err(|err| err.to_string())?;
                let fallbacks = expiration.fallbacks();
                Ok(ok(expiration, fallbacks))
            },
            required: &["scanRef"],
            nested: &[],
            map_entries: &[],
            lifted: &[],
        },
        Case {
            name: "video call webhook",
            payload: json!({
                "scanRef": "d9c8b7a6", "clientId": "crm-2", "authToken": "tok-123",
                "date": "2020-08-14 12:48:08.085275+00:00", "status": true,
                "videoCallAnswers": {"Your name?": {"answer": "Jonas", "correct": true}}
            }),
            parse: |body| {
                let event = webhook::parse_unverified(body, Some("VIDEO_CALL_FINISHED"))?;
                let webhook::WebhookEvent::VideoCall { call, .. } = event else {
                    panic!("not a video call: {event:?}");
                };
                let fallbacks = call.fallbacks();
                Ok(ok(call, fallbacks))
            },
            serde: |body| {
                let call: VideoCallResult =
                    serde_json::from_slice(body).map_err(|err| err.to_string())?;
                let fallbacks = call.fallbacks();
                Ok(ok(call, fallbacks))
            },
            required: &["scanRef"],
            nested: &[&[Step::Key("videoCallAnswers"), Step::Key("Your name?")]],
            map_entries: &[],
            lifted: &[],
        },
    ]
}

fn identification_payload() -> Value {
    json!({
        "final": false, "platform": "MOBILE_APP", "scanRef": "7f3a9c1e", "clientId": "crm-301177",
        "externalRef": "onboarding-55120", "companyId": "co-1", "beneficiaryId": "b-1",
        "startTime": 1736412911, "finishTime": 1736413187, "clientIp": "198.51.100.47",
        "clientIpCountry": "LT", "clientLocation": "Kaunas, Lithuania", "gdcMatch": true,
        "status": {
            "overall": "SUSPECTED", "suspicionReasons": [], "mismatchTags": ["DATE_OF_BIRTH"],
            "fraudTags": ["DUPLICATE_FACE"], "autoDocument": "DOC_VALIDATED",
            "autoFace": "FACE_MATCH", "manualDocument": "DOC_VALIDATED",
            "manualFace": "FACE_MATCH", "additionalSteps": "VALID"
        },
        "data": {
            "docFirstName": "MARGARETA", "docLastName": "VALKŪNIENĖ", "docType": "PASSPORT",
            "docSex": "FEMALE", "docDob": "1992-03-15", "manuallyDataChanged": false,
            "duplicateFaces": ["5d0c2b7e"], "ageEstimate": "OVER_25",
            "additionalData": {"UTILITY_BILL": {"address": "Kaunas"}}
        },
        "fileUrls": {"FRONT": "https://files.example/f", "FACE": null},
        "additionalStepPdfUrls": {"UTILITY_BILL": "https://files.example/u.pdf"},
        "AML": [{
            "status": {"serviceSuspected": true, "checkSuccessful": true, "serviceFound": true,
                       "serviceUsed": true, "overallStatus": "SUSPECTED"},
            "data": [{"name": "Margareta", "suspicion": "PEPS"}],
            "serviceName": "PilotApiAmlV2", "serviceGroupType": "AML", "uid": "OQJVQTNK",
            "errorMessage": "none"
        }],
        "LID": [{"serviceName": "IrdInvalidPapers", "uid": "0RGU9ZXN"}],
        "CRIMINAL_CHECK": [],
        "amlCheck": {"overallStatus": "NOT_SUSPECTED"}, "manualAddress": "Kaunas",
        "manualAddressMatch": false, "riskAssessment": {"riskScore": 62, "riskLevel": "MEDIUM"},
        "emailVerification": {"email": "m@mail.example", "emailVerified": true},
        "additionalSteps": {"UTILITY_BILL": "EXTRACT"}, "somethingNew": "kept"
    })
}

/// Any JSON value of the given kind: 0 string, 1 number, 2 boolean, 3 null, 4 array, 5 object.
fn any_of_kind(kind: u8) -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        "\\PC{0,12}".prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
        Just(Value::Null),
    ];
    match kind {
        0 => prop_oneof![
            "\\PC{0,16}",
            Just(String::new()),
            Just(" ".to_owned()),
            Just("true".to_owned()),
            Just("42".to_owned()),
            Just("APPROVED".to_owned()),
        ]
        .prop_map(Value::from)
        .boxed(),
        1 => prop_oneof![
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            (-1e12f64..1e12).prop_map(Value::from),
            Just(json!(0)),
            Just(json!(1)),
            Just(json!(1e300)),
        ]
        .boxed(),
        2 => any::<bool>().prop_map(Value::from).boxed(),
        3 => Just(Value::Null).boxed(),
        4 => prop::collection::vec(leaf, 0..4)
            .prop_map(Value::from)
            .boxed(),
        _ => prop::collection::btree_map("[a-zA-Z]{1,8}", leaf, 0..4)
            .prop_map(|map| Value::Object(map.into_iter().collect()))
            .boxed(),
    }
}

fn step_into<'a>(value: &'a mut Value, path: &[Step]) -> &'a mut Value {
    path.iter().fold(value, |value, step| match step {
        Step::Key(key) => &mut value[*key],
        Step::Index(index) => &mut value[*index],
    })
}

fn step_at<'a>(value: &'a Value, path: &[Step]) -> Option<&'a Value> {
    path.iter().try_fold(value, |value, step| match step {
        Step::Key(key) => value.get(*key),
        Step::Index(index) => value.get(*index),
    })
}

fn path_text(path: &[Step], key: &str) -> String {
    let mut text = String::new();
    for step in path {
        match step {
            Step::Key(name) => {
                if !text.is_empty() {
                    text.push('.');
                }
                text.push_str(name);
            }
            Step::Index(index) => text.push_str(&format!("[{index}]")),
        }
    }
    if !text.is_empty() {
        text.push('.');
    }
    text.push_str(key);
    text
}

/// The keys of the payloads that no model has: kept as they come.
const UNKNOWN_KEYS: &[&str] = &["newerField", "reviewer", "unmodelled", "somethingNew"];

fn is_compound(value: &Value) -> bool {
    value.is_array() || value.is_object()
}

/// Replaces the value of `key` in the object at `path` and checks the property.
fn check(case: &Case, path: &[Step], key: &str, replacement: &Value) -> Result<(), TestCaseError> {
    // As serde_json reads it back (its float parsing may differ in the last digit from the
    // value written): the value the body carries.
    let replacement: &Value = &serde_json::from_str(&replacement.to_string()).unwrap();
    let mut payload = case.payload.clone();
    let Some(original) = step_at(&payload, path)
        .and_then(|object| object.get(key))
        .cloned()
    else {
        return Ok(());
    };
    if path.is_empty() && case.lifted.contains(&key) && replacement.is_object() {
        // An object here is read as a lower-priority copy of the top level: a feature, not a
        // fallback (see the retrieval tests).
        return Ok(());
    }
    step_into(&mut payload, path)[key] = replacement.clone();
    let body = serde_json::to_vec(&payload).unwrap();
    let base_body = serde_json::to_vec(&case.payload).unwrap();
    let (base, base_fallbacks) = (case.parse)(&base_body).unwrap();
    prop_assert!(
        base_fallbacks.is_empty(),
        "{}: {base_fallbacks:?}",
        case.name
    );

    webhook_equivalence(&body)?;
    let parsed = (case.parse)(&body);
    let plain = (case.serde)(&body);
    let (decoded, fallbacks) = match parsed {
        Ok(decoded) => decoded,
        Err(err) => {
            // Only a required field may fail the decode, and the error says which.
            prop_assert!(
                path.is_empty() && case.required.contains(&key),
                "{}: {key}: {err}",
                case.name
            );
            prop_assert_eq!(err.path(), Some(key));
            prop_assert!(
                plain.is_err(),
                "{}: serde accepted what parse refused",
                case.name
            );
            return Ok(());
        }
    };
    // Both ways in agree.
    let plain = plain.map_err(|err| TestCaseError::fail(format!("{}: serde: {err}", case.name)))?;
    prop_assert_eq!(
        &plain,
        &(decoded.clone(), fallbacks.clone()),
        "{}",
        case.name
    );

    // Every other field is exactly as before.
    let top_key = match path.first() {
        Some(Step::Key(first)) => *first,
        Some(Step::Index(_)) => unreachable!(),
        None => key,
    };
    let base_map = base.as_object().unwrap();
    let decoded_map = decoded.as_object().unwrap();
    for name in base_map.keys().chain(decoded_map.keys()) {
        if name != top_key {
            prop_assert_eq!(
                base_map.get(name),
                decoded_map.get(name),
                "{}: {} changed",
                case.name,
                name
            );
        }
    }
    let (Some(before), Some(after)) = (step_at(&base, path), step_at(&decoded, path)) else {
        return Err(TestCaseError::fail(format!(
            "{}: {path:?} vanished",
            case.name
        )));
    };
    let (before, after) = (before.as_object().unwrap(), after.as_object().unwrap());
    for name in before.keys().chain(after.keys()) {
        if name != key {
            prop_assert_eq!(
                before.get(name),
                after.get(name),
                "{}: {} changed",
                case.name,
                name
            );
        }
    }

    // The replaced one: read, or absent and kept raw.
    let full = path_text(path, key);
    let now = after.get(key);
    if fallbacks.contains(&full) {
        prop_assert_eq!(fallbacks.len(), 1, "{}: {:?}", case.name, fallbacks);
        prop_assert_eq!(
            now,
            Some(replacement),
            "{}: {} not kept raw",
            case.name,
            full
        );
    } else {
        prop_assert!(fallbacks.is_empty(), "{}: {:?}", case.name, fallbacks);
        if UNKNOWN_KEYS.contains(&key) {
            // Not modelled: kept as it came, whatever it is.
            prop_assert_eq!(now, Some(replacement));
        } else if case.map_entries.contains(&key) && is_compound(replacement) {
            // No URL: kept as it came, not counted as a step.
            prop_assert_eq!(now, Some(replacement));
        } else if is_compound(replacement) && !is_compound(&original) {
            // A scalar field never takes an array or an object.
            return Err(TestCaseError::fail(format!(
                "{}: {full} took {replacement} without falling back",
                case.name
            )));
        }
        let blank = replacement
            .as_str()
            .is_some_and(|text| text.trim().is_empty());
        if !replacement.is_null() && !blank {
            // Nothing is dropped silently: a value that fits is there.
            prop_assert!(
                now.is_some_and(|now| !now.is_null()),
                "{}: {full} dropped",
                case.name
            );
        }
    }
    Ok(())
}

/// R8: a body inferred as an event decodes exactly as it does with that event's header: same
/// kind, same payload (and so the same status), same `is_final`.
fn webhook_equivalence(body: &[u8]) -> Result<(), TestCaseError> {
    let Ok(inferred) = webhook::parse_unverified(body, None) else {
        return Ok(());
    };
    let headers: &[&str] = match &inferred {
        webhook::WebhookEvent::Identification { .. } => &support::IDENTIFICATION_EVENTS,
        webhook::WebhookEvent::DocumentExpiration { .. } => &["DOCUMENT_EXPIRATION"],
        webhook::WebhookEvent::VideoCall { .. } => &["VIDEO_CALL_FINISHED"],
        _ => return Ok(()),
    };
    for header in headers {
        let with_header = webhook::parse_unverified(body, Some(header)).map_err(|err| {
            TestCaseError::fail(format!("inferred, but refused with {header}: {err}"))
        })?;
        prop_assert_eq!(written(&with_header), written(&inferred));
        prop_assert_eq!(with_header.is_final(), inferred.is_final());
        prop_assert_eq!(with_header.scan_ref(), inferred.scan_ref());
    }
    Ok(())
}

/// Every (object path, key) of a case where a replacement goes.
fn slots(case: &Case) -> Vec<(Vec<Step>, String)> {
    let mut slots = Vec::new();
    let mut paths: Vec<&[Step]> = vec![&[]];
    paths.extend(case.nested.iter().copied());
    for path in paths {
        if let Some(Value::Object(object)) = step_at(&case.payload, path) {
            for key in object.keys() {
                slots.push((path.to_vec(), key.clone()));
            }
        }
    }
    slots
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn r4_r7_any_one_field_of_another_type_never_fails_the_rest(
        case_index in 0usize..7,
        slot in any::<prop::sample::Index>(),
        replacement in (0u8..6).prop_flat_map(any_of_kind),
    ) {
        let cases = cases();
        let case = &cases[case_index];
        let slots = slots(case);
        let (path, key) = &slots[slot.index(slots.len())];
        check(case, path, key, &replacement)?;
    }
}

/// Every slot of every case, with one value of each JSON type: no slot is left to chance.
#[test]
fn r4_r7_every_field_with_every_json_type() {
    let replacements = [
        json!("some text"),
        json!(12345),
        json!(true),
        Value::Null,
        json!([1, "a"]),
        json!({"k": "v"}),
    ];
    let mut checked = 0;
    for case in cases() {
        for (path, key) in slots(&case) {
            for replacement in &replacements {
                check(&case, &path, &key, replacement)
                    .unwrap_or_else(|err| panic!("{}: {key} = {replacement}: {err}", case.name));
                checked += 1;
            }
        }
    }
    assert!(checked > 600, "{checked}");
}

#[test]
fn r7_the_examples_of_the_issue() {
    // A final approval with `additionalSteps` as a map inside `status` is still final, with and
    // without the header.
    let body = br#"{"scanRef":"s-1","final":true,"clientId":12,"status":{"overall":"APPROVED","additionalSteps":{"UTILITY_BILL":"VALID"}}}"#;
    for header in [Some("IDENTIFICATION_MANUAL_FINISHED"), None] {
        let event = webhook::parse_unverified(body, header).unwrap();
        assert!(event.is_final(), "{header:?}");
        assert_eq!(event.client_id(), Some("12"));
        let webhook::WebhookEvent::Identification { result, .. } = &event else {
            panic!("{event:?}");
        };
        assert_eq!(result.fallbacks(), ["status.additionalSteps"]);
        assert_eq!(
            result.status.extra["additionalSteps"],
            json!({"UTILITY_BILL": "VALID"})
        );
    }
}

/// Serializes `value` and checks that no object in the output repeats a key.
fn no_repeated_keys<T: Serialize>(value: &T) -> String {
    let text = serde_json::to_string(value).unwrap();
    let reread: Value = serde_json::from_str(&text).unwrap();
    // A repeated key would make the text longer than the value it reads back as.
    assert_eq!(reread.to_string().len(), text.len(), "{text}");
    text
}

#[test]
fn r7_a_fallback_is_written_back_once_and_read_back_the_same() {
    let result: IdentificationResult =
        serde_json::from_slice(br#"{"scanRef":"s","data":"n/a","status":[1]}"#).unwrap();
    assert_eq!(result.fallbacks(), ["data", "status"]);
    let text = no_repeated_keys(&result);
    let again: IdentificationResult = serde_json::from_str(&text).unwrap();
    assert_eq!(again, result);

    let data: DataResponse =
        serde_json::from_slice(br#"{"scanRef":"s","clientId":{"a":1},"docDob":[1]}"#).unwrap();
    assert_eq!(data.fallbacks(), ["clientId", "docDob"]);
    let text = no_repeated_keys(&data);
    assert_eq!(serde_json::from_str::<DataResponse>(&text).unwrap(), data);

    // A wrapped `/files` answer is written back wrapped; the wrapper's odd entries stay in it.
    let files: FileUrls = serde_json::from_slice(
        br#"{"scanRef":"s","FRONT":"top-level","fileUrls":{"FRONT":"https://f","FACE":["x"],"clientId":"c"}}"#,
    )
    .unwrap();
    assert_eq!(
        files.iter().collect::<Vec<_>>(),
        [("FRONT", Some("https://f"))]
    );
    assert_eq!(files.extra()["FRONT"], "top-level");
    assert_eq!(
        files.extra()["fileUrls"],
        json!({"FACE": ["x"], "clientId": "c"})
    );
    let text = no_repeated_keys(&files);
    assert_eq!(serde_json::from_str::<FileUrls>(&text).unwrap(), files);
}

#[test]
fn r7_lifted_objects_and_aliases_lose_nothing() {
    // The top level wins over a lifted `status` object; the inner value is kept beside it.
    let status: StatusResponse = serde_json::from_slice(
        br#"{"scanRef":"s","autoFace":[1],"status":{"autoFace":"FACE_MATCH","overall":"DENIED","manualFace":"FACE_MATCH"}}"#,
    )
    .unwrap();
    assert_eq!(status.auto_face, None);
    assert_eq!(status.extra["autoFace"], json!([1]));
    assert_eq!(status.extra["status.autoFace"], "FACE_MATCH");
    assert_eq!(status.status, Some(idenfy_proto::OverallStatus::Denied));
    assert_eq!(
        status.manual_face,
        Some(idenfy_proto::FaceStatus::FaceMatch)
    );
    // The 2018 `overall` that would be the status but does not fit is a fallback.
    let status: StatusResponse =
        serde_json::from_slice(br#"{"scanRef":"s","overall":["APPROVED"]}"#).unwrap();
    assert_eq!(status.status, None);
    assert_eq!(status.fallbacks(), ["overall"]);
    // An unused inner `overall` is kept too.
    let status: StatusResponse =
        serde_json::from_slice(br#"{"scanRef":"s","status":{"overall":[2]},"overall":"APPROVED"}"#)
            .unwrap();
    assert_eq!(status.status, Some(idenfy_proto::OverallStatus::Approved));
    assert_eq!(status.extra["status.overall"], json!([2]));
    // The same for a nested `data` object.
    let data: DataResponse = serde_json::from_slice(
        br#"{"scanRef":"s","docFirstName":"A","data":{"docFirstName":"B","docLastName":"C"}}"#,
    )
    .unwrap();
    assert_eq!(
        data.data.doc_first_name.as_ref().map(|name| name.as_str()),
        Some("A")
    );
    assert_eq!(
        data.data.doc_last_name.as_ref().map(|name| name.as_str()),
        Some("C")
    );
    assert_eq!(data.data.extra["data.docFirstName"], "B");
}

#[test]
fn r8_dedup_keys_of_results_that_fell_back_differ() {
    let key = |body: &[u8]| {
        webhook::parse_unverified(body, Some("IDENTIFICATION_RESUBMITTED"))
            .unwrap()
            .dedup_key()
            .unwrap()
    };
    assert_ne!(
        key(br#"{"scanRef":"s","final":true,"status":"APPROVED"}"#),
        key(br#"{"scanRef":"s","final":true,"status":"DENIED"}"#)
    );
    assert_ne!(
        key(br#"{"scanRef":"s","final":true,"finishTime":"2026-01-01T10:00"}"#),
        key(br#"{"scanRef":"s","final":true,"finishTime":"2026-01-01T11:00"}"#)
    );
}

#[test]
fn r4_every_missing_required_field_is_named() {
    let request = TokenRequest::builder("c").build().unwrap();
    let err = decode_error(request.parse(response(br#"{"message":"ok"}"#))).unwrap_err();
    assert_eq!(err.path(), Some("authToken"));
    assert!(
        err.message().contains("`authToken`") && err.message().contains("`scanRef`"),
        "{err}"
    );
}
