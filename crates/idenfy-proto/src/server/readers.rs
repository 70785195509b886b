//! The server's side of the further endpoints (R12, R14): each request read as iDenfy receives
//! it and checked with exactly the rules of its builder (P3: one source of truth), for a
//! stand-in of iDenfy such as the emulator.
//!
//! Every reader reads the body's fields in wire order, each with its JSON type — as leniently as
//! the token reader ([`read_token_request`](super::read_token_request)): `null` is absent,
//! integers may come as integral floats or numeric strings, booleans as `"true"`/`"false"` —
//! and reports the first value of the wrong type, or the first required field missing; then the
//! builder applies its rules, in its order. Fields the endpoint does not define are ignored, as
//! iDenfy's newer (Django REST framework) endpoints ignore them.

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde_json::{Map, Value};

use super::token::{read, wrong_type};
use crate::enums::DocumentType;
use crate::error::{Rule, ValidationError};
use crate::face_auth::{FaceAuthMethod, FaceAuthStatusRequest, FaceAuthTokenRequest, FaceAuthType};
use crate::identifications::{IdentificationsRequest, RequestInformationRequest};
use crate::process::{ImageStep, MAX_IMAGE_BYTES, ProcessRequest};
use crate::secret::AuthToken;
use crate::types::check_range;
use crate::video_call::VideoCallRequest;

/// Base64 as an upload's images come: the standard alphabet, with or without its `=` padding.
const IMAGE_BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The fields of a body that must be a JSON object.
fn object(body: &Value) -> Result<&Map<String, Value>, ValidationError> {
    match body {
        Value::Object(fields) => Ok(fields),
        _ => Err(wrong_type("body", "a JSON object")),
    }
}

/// A field that must be there (and not `null`).
fn required<T>(value: Option<T>, field: &'static str) -> Result<T, ValidationError> {
    value.ok_or_else(|| ValidationError::new(field, Rule::Required))
}

/// Reads a direct-processing request as a server receives it — the JSON object of a
/// `POST /api/v2/process` body — and checks it with exactly the rules of
/// [`ProcessRequestBuilder::build`](crate::ProcessRequestBuilder::build) (R12, R14), so that
/// the server accepts every request the client sends and refuses what the client would refuse.
///
/// `authToken` and `country` are required strings, `documentType` a string, `skipAnalysis` a
/// boolean, and `images` an object whose values are base64 text (the standard alphabet,
/// padded or not) or `null` for "no image" — each decoded, so the builder checks the image
/// itself: its format by its signature, its size (at most [`MAX_IMAGE_BYTES`] decoded; text
/// longer than that much base64 is refused before it is decoded), `FRONT` present. Errors name
/// the wire field (`images.BACK` for an image); a value that is not base64 is
/// [`Rule::WrongType`]. The size of the whole body is the caller's to bound (at most
/// [`MAX_PROCESS_BODY_BYTES`](crate::MAX_PROCESS_BODY_BYTES) as received); the builder checks
/// it again as the body would be written.
///
/// ```
/// use idenfy_proto::{ImageStep, Rule, server};
/// let body = serde_json::json!({
///     "authToken": "3FA5TFPA2ZE3LMPGGS1EGOJNJE",
///     "country": "lt",
///     "images": {"FRONT": "/9j/4AAQ", "FACE": "iVBORw0KGgo=", "BACK": null}
/// });
/// let request = server::read_process_request(&body)?;
/// assert_eq!(request.country().as_str(), "LT");
/// assert_eq!(request.image(&ImageStep::Front), Some(&b"\xFF\xD8\xFF\xE0\x00\x10"[..]));
/// assert_eq!(request.image(&ImageStep::Back), None);
///
/// let gif = serde_json::json!({
///     "authToken": "3FA5TFPA2ZE3LMPGGS1EGOJNJE", "country": "LT",
///     "images": {"FRONT": "R0lGODlh"}
/// });
/// let error = server::read_process_request(&gif).unwrap_err();
/// assert_eq!(error.field(), "images.FRONT");
/// assert!(matches!(error.rule(), Rule::OneOf { .. }));
/// # Ok::<(), idenfy_proto::ValidationError>(())
/// ```
pub fn read_process_request(body: &Value) -> Result<ProcessRequest<'static>, ValidationError> {
    let fields = object(body)?;
    let auth_token = required(read::<String>(fields, "authToken")?, "authToken")?;
    let country = required(read::<String>(fields, "country")?, "country")?;
    let document_type = read::<DocumentType>(fields, "documentType")?;
    let skip_analysis = read::<bool>(fields, "skipAnalysis")?;
    let images = match fields.get("images") {
        None | Some(Value::Null) => None,
        Some(Value::Object(images)) => Some(images),
        Some(_) => return Err(wrong_type("images", "an object of base64 images")),
    };
    let mut decoded = Vec::new();
    for (step, value) in images.into_iter().flatten() {
        let text = match value {
            Value::Null => continue,
            Value::String(text) => text,
            _ => {
                return Err(ValidationError::new(
                    format!("images.{step}"),
                    Rule::WrongType {
                        expected: "base64 text",
                    },
                ));
            }
        };
        decoded.push((ImageStep::from(step.as_str()), decode_image(step, text)?));
    }
    let mut builder = ProcessRequest::builder(&AuthToken::new(auth_token), country);
    if let Some(document_type) = document_type {
        builder = builder.document_type(document_type);
    }
    if let Some(skip_analysis) = skip_analysis {
        builder = builder.skip_analysis(skip_analysis);
    }
    for (step, bytes) in decoded {
        builder = builder.image(step, bytes);
    }
    builder.build()
}

/// The bytes of the image of `step`, sent as base64 `text`: refused unread when the text is
/// longer than the base64 of [`MAX_IMAGE_BYTES`], and when it is not base64.
fn decode_image(step: &str, text: &str) -> Result<Vec<u8>, ValidationError> {
    let field = || format!("images.{step}");
    let longest = base64::encoded_len(MAX_IMAGE_BYTES, true).unwrap_or(usize::MAX);
    if text.len() > longest {
        return Err(ValidationError::new(
            field(),
            Rule::TooLarge {
                max: MAX_IMAGE_BYTES as u64,
                actual: None,
            },
        ));
    }
    IMAGE_BASE64.decode(text).map_err(|_| {
        ValidationError::new(
            field(),
            Rule::WrongType {
                expected: "base64 text",
            },
        )
    })
}

/// Reads the query of a listing request as a server receives it — `clientId=&page=&perPage=` of
/// `GET /kyc/identifications/`, form-encoded, without the `?` — and checks it with the rules of
/// [`IdentificationsRequestBuilder::build`](crate::IdentificationsRequestBuilder::build) (R12):
/// `clientId` 1 to 100 characters, `page` and `perPage` integers of at least 1 (a value that is
/// no integer is [`Rule::WrongType`]). A parameter given twice counts with its last value, and
/// other parameters are ignored, as a Django REST framework listing does.
///
/// ```
/// use idenfy_proto::server;
/// let request = server::read_identifications_query("clientId=customer+42&perPage=2&page=3")?;
/// assert_eq!(request.client_id().map(|id| id.as_str()), Some("customer 42"));
/// assert_eq!((request.page(), request.per_page()), (Some(3), Some(2)));
/// assert_eq!(server::read_identifications_query("page=0").unwrap_err().field(), "page");
/// assert_eq!(server::read_identifications_query("perPage=x").unwrap_err().field(), "perPage");
/// # Ok::<(), idenfy_proto::ValidationError>(())
/// ```
pub fn read_identifications_query(query: &str) -> Result<IdentificationsRequest, ValidationError> {
    let mut client_id = None;
    let mut page = None;
    let mut per_page = None;
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        match key.as_ref() {
            "clientId" => client_id = Some(value.into_owned()),
            "page" => page = Some(positive("page", &value)?),
            "perPage" => per_page = Some(positive("perPage", &value)?),
            _ => {}
        }
    }
    let mut builder = IdentificationsRequest::builder();
    if let Some(client_id) = client_id {
        builder = builder.client_id(client_id);
    }
    if let Some(page) = page {
        builder = builder.page(page);
    }
    if let Some(per_page) = per_page {
        builder = builder.per_page(per_page);
    }
    builder.build()
}

/// A query parameter that must be an integer from 1 to `u32::MAX`.
fn positive(field: &'static str, value: &str) -> Result<u32, ValidationError> {
    let number = value
        .trim()
        .parse::<i64>()
        .map_err(|_| wrong_type(field, "an integer"))?;
    check_range(field, number, 1, i64::from(u32::MAX))?;
    u32::try_from(number).map_err(|_| wrong_type(field, "an integer"))
}

/// Reads a request for more information as a server receives it — the `scanRef` of the path
/// (`/kyc/identifications/{scanRef}/request-information/`, percent-decoded) and the JSON object
/// of the body — and checks it with the rules of
/// [`RequestInformationRequestBuilder::build`](crate::RequestInformationRequestBuilder::build)
/// (R12): `scanRef` first, then `lifetime` (an integer, 0 to 2 592 000), `questionnaire` (a
/// string, not empty), `riskAssessmentProfile` (a UUID), `additionalStepUploadRequired` and
/// `bankCardVerification` (booleans), `bankCardExpectedLastFour` (exactly 4 characters).
///
/// ```
/// use idenfy_proto::server;
/// let body = serde_json::json!({"lifetime": 600, "questionnaire": "q-1"});
/// let request = server::read_request_information("9b11acb2-8c27-11e9-9758-309c231b1bac", &body)?;
/// assert_eq!(request.lifetime(), Some(600));
/// let bad = serde_json::json!({"lifetime": 2_592_001});
/// assert_eq!(server::read_request_information("s-1", &bad).unwrap_err().field(), "lifetime");
/// # Ok::<(), idenfy_proto::ValidationError>(())
/// ```
pub fn read_request_information(
    scan_ref: &str,
    body: &Value,
) -> Result<RequestInformationRequest, ValidationError> {
    let fields = object(body)?;
    let lifetime = read::<i64>(fields, "lifetime")?;
    let questionnaire = read::<String>(fields, "questionnaire")?;
    let profile = read::<String>(fields, "riskAssessmentProfile")?;
    let upload = read::<bool>(fields, "additionalStepUploadRequired")?;
    let bank_card = read::<bool>(fields, "bankCardVerification")?;
    let last_four = read::<String>(fields, "bankCardExpectedLastFour")?;
    let mut builder = RequestInformationRequest::builder(scan_ref);
    if let Some(lifetime) = lifetime {
        builder = builder.lifetime(lifetime);
    }
    if let Some(questionnaire) = questionnaire {
        builder = builder.questionnaire(questionnaire);
    }
    if let Some(profile) = profile {
        builder = builder.risk_assessment_profile(profile);
    }
    if let Some(upload) = upload {
        builder = builder.additional_step_upload_required(upload);
    }
    if let Some(bank_card) = bank_card {
        builder = builder.bank_card_verification(bank_card);
    }
    if let Some(last_four) = last_four {
        builder = builder.bank_card_expected_last_four(last_four);
    }
    builder.build()
}

/// Reads a face-authentication status check as a server receives it — the `scanRef` of the path
/// (`/identification/facial-auth/{scanRef}/check-status/`, percent-decoded) and the query,
/// without the `?` — with the rules of [`FaceAuthStatusRequest::for_method`] (R12): `method`, the
/// last one given, must be a known [`FaceAuthMethod`] and is `FACE_MATCHING` when absent.
///
/// ```
/// use idenfy_proto::{FaceAuthMethod, server};
/// let request = server::read_face_auth_status("s-1", "method=ACTIVE_LIVENESS")?;
/// assert_eq!(request.method(), &FaceAuthMethod::ActiveLiveness);
/// assert_eq!(server::read_face_auth_status("s-1", "")?.method(), &FaceAuthMethod::FaceMatching);
/// assert_eq!(server::read_face_auth_status("s-1", "method=SMILE").unwrap_err().field(), "method");
/// # Ok::<(), idenfy_proto::ValidationError>(())
/// ```
pub fn read_face_auth_status(
    scan_ref: &str,
    query: &str,
) -> Result<FaceAuthStatusRequest, ValidationError> {
    let method = form_urlencoded::parse(query.as_bytes())
        .filter(|(key, _)| key == "method")
        .last()
        .map_or(FaceAuthMethod::FaceMatching, |(_, value)| {
            FaceAuthMethod::from(value.as_ref())
        });
    FaceAuthStatusRequest::for_method(scan_ref, method)
}

/// Reads a face-authentication token request as a server receives it — the JSON object of a
/// `POST /partner/authentication-info` body — with the rules of
/// [`FaceAuthTokenRequestBuilder::build`](crate::FaceAuthTokenRequestBuilder::build) (R12):
/// `scanRef` required; `type`, when given, `AUTHENTICATION` (the only type the endpoint serves:
/// [`Rule::OneOf`] otherwise); `method` a known method (`FACE_MATCHING` when absent),
/// `generateDigitString` a boolean, `locale` as R2, `lifetime` an integer of 1 to 2 592 000.
///
/// ```
/// use idenfy_proto::server;
/// let body = serde_json::json!({"scanRef": "s-1", "type": "AUTHENTICATION", "lifetime": "600"});
/// assert_eq!(server::read_face_auth_token_request(&body)?.lifetime(), Some(600));
/// let identification = serde_json::json!({"scanRef": "s-1", "type": "IDENTIFICATION"});
/// assert_eq!(server::read_face_auth_token_request(&identification).unwrap_err().field(), "type");
/// # Ok::<(), idenfy_proto::ValidationError>(())
/// ```
pub fn read_face_auth_token_request(body: &Value) -> Result<FaceAuthTokenRequest, ValidationError> {
    let fields = object(body)?;
    let scan_ref = required(read::<String>(fields, "scanRef")?, "scanRef")?;
    let auth_type = read::<FaceAuthType>(fields, "type")?;
    let method = read::<FaceAuthMethod>(fields, "method")?;
    let digits = read::<bool>(fields, "generateDigitString")?;
    let locale = read::<String>(fields, "locale")?;
    let lifetime = read::<i64>(fields, "lifetime")?;
    if auth_type.is_some_and(|auth_type| auth_type != FaceAuthType::Authentication) {
        return Err(ValidationError::new(
            "type",
            Rule::OneOf {
                allowed: &["AUTHENTICATION"],
            },
        ));
    }
    let mut builder = FaceAuthTokenRequest::builder(scan_ref);
    if let Some(method) = method {
        builder = builder.method(method);
    }
    if let Some(digits) = digits {
        builder = builder.generate_digit_string(digits);
    }
    if let Some(locale) = locale {
        builder = builder.locale(locale);
    }
    if let Some(lifetime) = lifetime {
        builder = builder.lifetime(lifetime);
    }
    builder.build()
}

/// Reads a video-call request as a server receives it — the JSON object of a
/// `POST /api/v2/video-call` body — with the rules of [`VideoCallRequest::new`] (R12): `scanRef`
/// required (1 to 40 characters), `photos` a boolean.
///
/// ```
/// use idenfy_proto::server;
/// let request = server::read_video_call_request(&serde_json::json!({"scanRef": "s-1", "photos": true}))?;
/// assert_eq!(request.photos(), Some(true));
/// let missing = serde_json::json!({"photos": true});
/// assert_eq!(server::read_video_call_request(&missing).unwrap_err().field(), "scanRef");
/// # Ok::<(), idenfy_proto::ValidationError>(())
/// ```
pub fn read_video_call_request(body: &Value) -> Result<VideoCallRequest, ValidationError> {
    let fields = object(body)?;
    let scan_ref = required(read::<String>(fields, "scanRef")?, "scanRef")?;
    let photos = read::<bool>(fields, "photos")?;
    let request = VideoCallRequest::new(scan_ref)?;
    Ok(match photos {
        Some(photos) => request.with_photos(photos),
        None => request,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::Endpoint as _;
    use serde_json::json;

    const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0 a jpeg";
    const PNG: &[u8] = b"\x89PNG\r\n\x1A\n a png";
    const TOKEN: &str = "3FA5TFPA2ZE3LMPGGS1EGOJNJE";

    fn config() -> crate::Config {
        crate::Config::new(crate::Credentials::new("key", "secret").unwrap())
    }

    #[test]
    fn p3_a_built_upload_reads_back_identically() {
        let built = ProcessRequest::builder(&AuthToken::new(TOKEN), "lt")
            .document_type(DocumentType::Passport)
            .skip_analysis(true)
            .image(ImageStep::Front, JPEG)
            .image(ImageStep::Face, PNG)
            .image(ImageStep::from("CUSTOM_STEP"), b"%PDF-1.4".as_slice())
            .build()
            .unwrap();
        let body: Value = serde_json::from_slice(&built.to_json().unwrap()).unwrap();
        let read = read_process_request(&body).unwrap();
        assert_eq!(read.auth_token(), built.auth_token());
        assert_eq!(read.country(), built.country());
        assert_eq!(read.document_type(), built.document_type());
        assert_eq!(read.skip_analysis(), built.skip_analysis());
        // The same images (a JSON object keeps no order), and so a body of the same length.
        assert_eq!(read.steps().count(), 3);
        for step in built.steps() {
            assert_eq!(read.image(step), built.image(step), "{step}");
        }
        assert_eq!(read.body_len(), built.body_len());
    }

    #[test]
    fn r14_upload_errors_name_the_wire_field() {
        let ok = |images: Value| json!({"authToken": TOKEN, "country": "LT", "images": images});
        let cases = [
            (json!([]), "body"),
            (json!({"country": "LT"}), "authToken"),
            (json!({"authToken": 7, "country": "LT"}), "authToken"),
            (json!({"authToken": TOKEN}), "country"),
            (json!({"authToken": "short", "country": "LT"}), "authToken"),
            (json!({"authToken": TOKEN, "country": "XX"}), "country"),
            (
                json!({"authToken": TOKEN, "country": "LT", "documentType": "SCROLL"}),
                "documentType",
            ),
            (
                json!({"authToken": TOKEN, "country": "LT", "skipAnalysis": "maybe"}),
                "skipAnalysis",
            ),
            (
                json!({"authToken": TOKEN, "country": "LT", "images": "FRONT"}),
                "images",
            ),
            (json!({"authToken": TOKEN, "country": "LT"}), "images.FRONT"),
            (ok(json!({})), "images.FRONT"),
            (ok(json!({"FRONT": null})), "images.FRONT"),
            (ok(json!({"FRONT": 12})), "images.FRONT"),
            (ok(json!({"FRONT": "not base64!"})), "images.FRONT"),
            (
                ok(json!({"FRONT": "/9j/4AAQ", "FACE": "R0lGODlh"})),
                "images.FACE",
            ),
            (ok(json!({"FRONT": "/9j/4AAQ", "": "/9j/4AAQ"})), "images"),
        ];
        for (body, field) in cases {
            assert_eq!(
                read_process_request(&body).unwrap_err().field(),
                field,
                "{body}"
            );
        }
    }

    #[test]
    fn r14_image_size_is_the_clients_limit_exactly() {
        let image = |len: usize| {
            let mut bytes = vec![0_u8; len];
            bytes[..3].copy_from_slice(b"\xFF\xD8\xFF");
            base64::engine::general_purpose::STANDARD.encode(bytes)
        };
        let body =
            |text: String| json!({"authToken": TOKEN, "country": "LT", "images": {"FRONT": text}});
        assert!(read_process_request(&body(image(MAX_IMAGE_BYTES))).is_ok());
        let error = read_process_request(&body(image(MAX_IMAGE_BYTES + 1))).unwrap_err();
        assert_eq!(error.field(), "images.FRONT");
        assert!(matches!(error.rule(), Rule::TooLarge { .. }), "{error}");
        // Unpadded base64 is read too.
        let unpadded = image(4).trim_end_matches('=').to_owned();
        assert_eq!(
            read_process_request(&body(unpadded))
                .unwrap()
                .image(&ImageStep::Front),
            Some(&b"\xFF\xD8\xFF\x00"[..])
        );
    }

    #[test]
    fn r12_listing_queries_read_back_and_are_checked() {
        let built = IdentificationsRequest::builder()
            .client_id("a b&c")
            .page(2)
            .per_page(7)
            .build()
            .unwrap();
        assert_eq!(read_identifications_query(built.query()).unwrap(), built);
        assert_eq!(
            read_identifications_query("").unwrap(),
            IdentificationsRequest::all()
        );
        let last = read_identifications_query("page=1&page=4&sort=x").unwrap();
        assert_eq!(last.page(), Some(4));
        for (query, field) in [
            ("clientId=", "clientId"),
            ("page=-1", "page"),
            ("page=4294967296", "page"),
            ("page=1.5", "page"),
            ("perPage=0", "perPage"),
        ] {
            assert_eq!(
                read_identifications_query(query).unwrap_err().field(),
                field,
                "{query}"
            );
        }
    }

    #[test]
    fn r12_requests_for_information_read_back_and_are_checked() {
        let built = RequestInformationRequest::builder("s-1")
            .lifetime(60)
            .questionnaire("q")
            .risk_assessment_profile("9b11acb2-8c27-11e9-9758-309c231b1bac")
            .additional_step_upload_required(true)
            .bank_card_verification(false)
            .bank_card_expected_last_four("1234")
            .build()
            .unwrap();
        let body: Value = serde_json::from_slice(&built.to_json().unwrap()).unwrap();
        assert_eq!(read_request_information("s-1", &body).unwrap(), built);
        for (scan_ref, body, field) in [
            ("", json!({}), "scanRef"),
            ("..", json!({}), "scanRef"),
            ("s-1", json!(null), "body"),
            ("s-1", json!({"lifetime": "long"}), "lifetime"),
            ("s-1", json!({"lifetime": -1}), "lifetime"),
            ("s-1", json!({"questionnaire": ""}), "questionnaire"),
            (
                "s-1",
                json!({"riskAssessmentProfile": "x"}),
                "riskAssessmentProfile",
            ),
            (
                "s-1",
                json!({"bankCardVerification": 1}),
                "bankCardVerification",
            ),
            (
                "s-1",
                json!({"bankCardExpectedLastFour": "123"}),
                "bankCardExpectedLastFour",
            ),
        ] {
            let error = read_request_information(scan_ref, &body).unwrap_err();
            assert_eq!(error.field(), field, "{scan_ref} {body}");
        }
    }

    #[test]
    fn r12_face_authentication_requests_read_back_and_are_checked() {
        let status = FaceAuthStatusRequest::new("s-1").unwrap();
        let uri = status.to_request(&config()).unwrap().uri().clone();
        assert_eq!(
            read_face_auth_status("s-1", uri.query().unwrap_or_default()).unwrap(),
            status
        );
        let built = FaceAuthTokenRequest::builder("s-1")
            .method(FaceAuthMethod::ActiveLiveness)
            .generate_digit_string(true)
            .locale("lt")
            .lifetime(600)
            .build()
            .unwrap();
        let body: Value = serde_json::from_slice(&built.to_json().unwrap()).unwrap();
        assert_eq!(read_face_auth_token_request(&body).unwrap(), built);
        let minimal = read_face_auth_token_request(&json!({"scanRef": "s-1"})).unwrap();
        assert_eq!(minimal.method(), &FaceAuthMethod::FaceMatching);
        for (body, field) in [
            (json!({}), "scanRef"),
            (json!({"scanRef": "s-1", "type": "ENROLLMENT"}), "type"),
            (json!({"scanRef": "s-1", "method": "SMILE"}), "method"),
            (json!({"scanRef": "s-1", "locale": "english"}), "locale"),
            (json!({"scanRef": "s-1", "lifetime": 0}), "lifetime"),
            (
                json!({"scanRef": "s-1", "generateDigitString": "yes"}),
                "generateDigitString",
            ),
        ] {
            let error = read_face_auth_token_request(&body).unwrap_err();
            assert_eq!(error.field(), field, "{body}");
        }
    }

    #[test]
    fn r12_video_calls_read_back_and_are_checked() {
        let built = VideoCallRequest::new("s-1").unwrap().with_photos(true);
        let body: Value = serde_json::from_slice(&built.to_json().unwrap()).unwrap();
        assert_eq!(read_video_call_request(&body).unwrap(), built);
        assert_eq!(
            read_video_call_request(&json!({"scanRef": "s-1"}))
                .unwrap()
                .photos(),
            None
        );
        for (body, field) in [
            (json!("s-1"), "body"),
            (json!({"scanRef": ""}), "scanRef"),
            (json!({"scanRef": "s-1", "photos": 1}), "photos"),
        ] {
            let error = read_video_call_request(&body).unwrap_err();
            assert_eq!(error.field(), field, "{body}");
        }
    }
}
