//! What the emulator writes: token answers, status/data/files answers, webhook bodies, the PDF
//! report, the PNG "photos" and the pages of the hosted flow.
//!
//! Field names and shapes follow the reference (§3, §5) and reuse `idenfy-proto`'s types where
//! they serialize with iDenfy's names ([`IdentificationData`], [`ServiceResult`]).

use idenfy_proto::server;
use idenfy_proto::webhook::{ServiceResult, ServiceResultStatus};
use idenfy_proto::{
    AgeGroup, Date, DocumentSex, DocumentType, ExpirationThreshold, FraudTag, IdentificationData,
    OverallStatus, Personal, RiskLevel, ServiceGroupType, ServiceStatus, Sex, TokenType,
};
use serde_json::{Map, Value, json};

use crate::callback::Requested;
use crate::state::{Phase, Session};

/// The webhook events the emulator sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum WebhookKind {
    /// `IDENTIFICATION_AUTO_FINISHED`, final unless a review follows.
    Auto { is_final: bool },
    /// `IDENTIFICATION_RESUBMITTED`: the automatic result of a resubmission after a request
    /// for more information, final unless a review follows.
    Resubmitted { is_final: bool },
    /// `IDENTIFICATION_MANUAL_FINISHED`.
    Manual,
    /// `IDENTIFICATION_EXPIRED`.
    Expired,
    /// `IDENTIFICATION_CANCELLED`.
    Cancelled,
    /// `DOCUMENT_EXPIRATION` at a threshold; its body is not an identification result (§5.8).
    DocumentExpiration(ExpirationThreshold),
    /// `VIDEO_CALL_FINISHED`: the answers of a video call (§3.10).
    VideoCallFinished,
}

impl WebhookKind {
    /// Whether the webhook carries the automatic result (`AUTO_FINISHED`, `RESUBMITTED`), and
    /// its `final` flag.
    fn automatic(&self) -> Option<bool> {
        match self {
            WebhookKind::Auto { is_final } | WebhookKind::Resubmitted { is_final } => {
                Some(*is_final)
            }
            _ => None,
        }
    }

    /// Whether the verification ended without a result (expiry, cancellation): the body has no
    /// data, files or checks.
    fn without_result(&self) -> bool {
        matches!(self, WebhookKind::Expired | WebhookKind::Cancelled)
    }
}

/// The redirect URL of the hosted flow for `auth_token` (alphanumeric, so no encoding needed).
pub(crate) fn redirect_url(base_url: &str, auth_token: &str) -> String {
    format!("{base_url}/api/v2/redirect?authToken={auth_token}")
}

/// The answer to `POST /api/v2/token` (reference §3.1.3): the echo of the request with the
/// defaults applied, plus what the server makes (`ids`: the scan reference, the token and the
/// digit string). Built from the request rather than the stored verification, so that the
/// server builds it outside the state's lock.
pub(crate) fn token_response(
    requested: &Requested,
    ids: (&str, &str, Option<&str>),
    base_url: &str,
) -> Value {
    let (scan_ref, auth_token, digit_string) = ids;
    let mut body = server::response_echo(&requested.request);
    let message = if requested.request.dummy_status().is_some() {
        "Dummy token and verification created successfully"
    } else {
        "Token created successfully"
    };
    body.insert("message".to_owned(), message.into());
    body.insert("authToken".to_owned(), auth_token.into());
    body.insert("scanRef".to_owned(), scan_ref.into());
    body.insert(
        "digitString".to_owned(),
        digit_string.map_or(Value::Null, Value::from),
    );
    body.insert(
        "redirectUrl".to_owned(),
        redirect_url(base_url, auth_token).into(),
    );
    // A plain http callbackUrl on an allowed host is not in the request (R3 refuses it there).
    if let Some(url) = &requested.callback_url {
        body.insert("callbackUrl".to_owned(), url.as_str().into());
    }
    Value::Object(body)
}

/// A status value, or `""` where iDenfy has none yet.
fn or_empty(value: Option<&str>) -> Value {
    Value::from(value.unwrap_or_default())
}

/// The answer to `POST /api/v2/status` (reference §3.2): manual results stay `""` until a person
/// reviewed the verification, automatic ones until the checks ran.
pub(crate) fn status_json(session: &Session) -> Value {
    let outcome = session.outcome().filter(|_| !session.deleted);
    let reviewed = session.reviewed() && !session.deleted;
    let (fraud_tags, mismatch_tags): (Vec<&str>, Vec<&str>) = match outcome {
        Some(outcome) => (
            outcome.fraud_tags.iter().map(|tag| tag.as_str()).collect(),
            outcome
                .mismatch_tags
                .iter()
                .map(|tag| tag.as_str())
                .collect(),
        ),
        None => (Vec::new(), Vec::new()),
    };
    json!({
        "status": session.status().as_str(),
        "autoDocument": or_empty(outcome.map(|o| o.auto_document.as_str())),
        "autoFace": or_empty(outcome.map(|o| o.auto_face.as_str())),
        "manualDocument": or_empty(outcome.filter(|_| reviewed).map(|o| o.final_document().as_str())),
        "manualFace": or_empty(outcome.filter(|_| reviewed).map(|o| o.final_face().as_str())),
        "fraudTags": fraud_tags,
        "mismatchTags": mismatch_tags,
        "scanRef": session.scan_ref,
        "clientId": session.request.client_id().as_str(),
    })
}

/// The answer to `POST /api/v2/data` (reference §3.3): the `data` object of the webhook plus
/// `scanRef` and `clientId`; every field `null` before the checks ran or after deletion.
pub(crate) fn data_json(session: &Session) -> Value {
    let data = if session.has_result() {
        synthesized_data(session)
    } else {
        IdentificationData::default()
    };
    let mut body = match serde_json::to_value(data) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    body.insert("scanRef".to_owned(), session.scan_ref.as_str().into());
    body.insert(
        "clientId".to_owned(),
        session.request.client_id().as_str().into(),
    );
    Value::Object(body)
}

/// Whether a document of `document` type has a back to photograph (passports have none).
pub(crate) fn has_back(document: &DocumentType) -> bool {
    !matches!(
        document,
        DocumentType::Passport | DocumentType::NationalPassport
    )
}

/// Whether the token asks for the person's face (all but `DOCUMENT` tokens do).
pub(crate) fn has_face(session: &Session) -> bool {
    !matches!(session.request.token_type(), Some(TokenType::Document))
}

/// The steps photographed: those uploaded for direct processing; else the back only for
/// documents that have one, the face only when the token asks for a selfie.
fn steps(session: &Session) -> [(&'static str, bool); 3] {
    if let Some(processed) = &session.processed {
        return ["FRONT", "BACK", "FACE"]
            .map(|step| (step, processed.steps.iter().any(|s| s == step)));
    }
    let has_back = has_back(&document_type(session));
    [
        ("FRONT", true),
        ("BACK", has_back),
        ("FACE", has_face(session)),
    ]
}

/// `fileUrls` / the answer to `POST /api/v2/files`: step → URL served by the emulator itself, or
/// `null` before the checks ran, after deletion, or for a step not taken.
pub(crate) fn file_urls(session: &Session, base_url: &str) -> Map<String, Value> {
    let result = session.has_result();
    steps(session)
        .into_iter()
        .map(|(step, taken)| {
            let url = (result && taken)
                .then(|| file_url(base_url, &session.scan_ref, step))
                .map_or(Value::Null, Value::from);
            (step.to_owned(), url)
        })
        .collect()
}

/// Whether `step` of `session` has a photo the emulator serves: a step of the verification's
/// checks, or of its ended photo video call.
pub(crate) fn serves_file(session: &Session, step: &str) -> bool {
    if VIDEO_CALL_PHOTOS.contains(&step) {
        return !session.deleted
            && session
                .video_call
                .as_ref()
                .is_some_and(|call| call.photos && call.ended.is_some());
    }
    session.has_result()
        && steps(session)
            .iter()
            .any(|(name, taken)| *taken && *name == step)
}

/// Whether the recording of `session`'s video call is served: the call ended, nothing deleted.
pub(crate) fn serves_video(session: &Session) -> bool {
    !session.deleted
        && session
            .video_call
            .as_ref()
            .is_some_and(|call| call.ended.is_some())
}

fn file_url(base_url: &str, scan_ref: &str, step: &str) -> String {
    format!("{base_url}/__emulator/files/{scan_ref}/{step}.png")
}

/// The type of the document read: the one a direct-processing upload named, else the first the
/// token allows (the emulator's "detection"), else `ID_CARD`.
pub(crate) fn document_type(session: &Session) -> DocumentType {
    if let Some(processed) = &session.processed {
        return processed.document_type.clone();
    }
    first_document(session)
}

/// The first document type the token allows, else `ID_CARD`: what the emulator "detects" in an
/// upload that names none.
pub(crate) fn first_document(session: &Session) -> DocumentType {
    session
        .request
        .documents()
        .and_then(|documents| documents.first())
        .cloned()
        .unwrap_or(DocumentType::IdCard)
}

/// A stable number from the `scanRef`, for synthesized document and personal numbers.
pub(crate) fn stable_number(scan_ref: &str, digits: usize) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in scan_ref.bytes() {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    let text = format!("{hash:020}");
    text.get(text.len().saturating_sub(digits)..)
        .unwrap_or_default()
        .to_owned()
}

fn personal(value: impl Into<String>) -> Option<Personal<String>> {
    Some(Personal::new(value.into()))
}

/// When the document read expires: the token request's `dateOfExpiry`, else ten years after
/// the synthesized date of issue (three years before the verification was made).
pub(crate) fn document_expiry(session: &Session) -> Option<Date> {
    let request = &session.request;
    request.date_of_expiry().or_else(|| {
        request
            .date_of_issue()
            .or_else(|| civil_date(session.created_ms.div_euclid(1000)).map(|d| shift_years(d, -3)))
            .map(|issued| shift_years(issued, 10))
    })
}

/// The body of a `DOCUMENT_EXPIRATION` webhook (reference §5.8): `scanRef`, `clientId`, the
/// threshold reached and the document's expiry date (`YYYY-MM-DD`), the one the `data` shows.
pub(crate) fn document_expiration_body(
    session: &Session,
    threshold: &ExpirationThreshold,
) -> Vec<u8> {
    let body = json!({
        "scanRef": session.scan_ref,
        "clientId": session.request.client_id().as_str(),
        "expirationThreshold": threshold.as_str(),
        "documentExpiration": document_expiry(session).map(|date| date.to_string()),
    });
    serde_json::to_vec(&body).unwrap_or_default()
}

/// The data "read from the document": what the token request said about the person, upper-cased
/// as iDenfy writes it, and plausible values for the rest (Birute Basanaviciene, iDenfy's own
/// sandbox person, when no names were given).
pub(crate) fn synthesized_data(session: &Session) -> IdentificationData {
    let request = &session.request;
    let first = request
        .first_name()
        .map_or("BIRUTE".to_owned(), |name| name.as_str().to_uppercase());
    let last = request
        .last_name()
        .map_or("BASANAVICIENE".to_owned(), |name| {
            name.as_str().to_uppercase()
        });
    let country = session
        .processed
        .as_ref()
        .map(|processed| processed.country)
        .or(request.country())
        .or(request.nationality())
        .map_or("LT".to_owned(), |code| code.as_str().to_owned());
    let nationality = request
        .nationality()
        .map_or(country.clone(), |code| code.as_str().to_owned());
    let created = civil_date(session.created_ms.div_euclid(1000));
    let issued = request
        .date_of_issue()
        .or_else(|| created.map(|date| shift_years(date, -3)));
    let expiry = document_expiry(session);
    let birth = request
        .date_of_birth()
        .or_else(|| Date::new(1990, 5, 17).ok());
    let date = |date: Option<Date>| date.map(|date| Personal::new(date.to_string()));
    let sex = match request.sex() {
        Some(Sex::Male) => DocumentSex::Male,
        Some(Sex::Female) => DocumentSex::Female,
        _ => DocumentSex::Undefined,
    };
    let mut data = IdentificationData::default();
    data.doc_first_name = personal(first.clone());
    data.doc_last_name = personal(last.clone());
    data.doc_number = personal(request.document_number().map_or_else(
        || format!("AB{}", stable_number(&session.scan_ref, 7)),
        |number| number.as_str().to_owned(),
    ));
    data.doc_personal_code = personal(request.personal_number().map_or_else(
        || stable_number(&session.scan_ref, 11),
        |number| number.as_str().to_owned(),
    ));
    data.doc_expiry = date(expiry);
    data.doc_dob = date(birth);
    data.doc_date_of_issue = date(issued);
    data.doc_type = Some(document_type(session));
    data.doc_sex = Some(sex);
    data.doc_nationality = Some(Personal::new(nationality));
    data.doc_issuing_country = Some(country.clone());
    data.selected_country = Some(country);
    data.address = request
        .address()
        .map(|address| Personal::new(address.as_str().to_owned()));
    data.manually_data_changed = Some(false);
    data.full_name = personal(format!("{first} {last}"));
    data.org_first_name = personal(first);
    data.org_last_name = personal(last);
    data.age_estimate = birth
        .zip(created)
        .map(|(birth, today)| age_group(birth, today));
    data.client_ip_proxy_risk_level = Some(RiskLevel::Low);
    data.manual_address_match = Some(false);
    data
}

/// A legacy fraud/AML service result: suspected when one of `suspicious` is among the tags.
fn service_result(
    group: ServiceGroupType,
    name: &str,
    uid: &str,
    tags: &[FraudTag],
    suspicious: &[FraudTag],
) -> ServiceResult {
    let suspected = tags.iter().any(|tag| suspicious.contains(tag));
    let mut status = ServiceResultStatus::default();
    status.service_suspected = Some(suspected);
    status.check_successful = Some(true);
    status.service_found = Some(true);
    status.service_used = Some(true);
    status.overall_status = Some(if suspected {
        ServiceStatus::Suspected
    } else {
        ServiceStatus::NotSuspected
    });
    let mut result = ServiceResult::default();
    result.status = Some(status);
    result.service_name = Some(name.to_owned());
    result.service_group_type = Some(group);
    result.uid = Some(uid.to_owned());
    result
}

/// The body of a webhook (reference §5.3–§5.7), in the current shape: `final`, `platform`,
/// `status`, `data`, `fileUrls`, `AML`, `LID`, identifiers and times.
pub(crate) fn webhook_body(
    session: &Session,
    kind: &WebhookKind,
    now: i64,
    base_url: &str,
) -> Vec<u8> {
    let outcome = session.outcome().filter(|_| !kind.without_result());
    let (is_final, overall) = match (kind.automatic(), outcome) {
        (Some(is_final), Some(outcome)) => (is_final, outcome.auto_overall.as_str().to_owned()),
        (None, Some(outcome)) => (true, outcome.overall.as_str().to_owned()),
        (_, None) => (true, session.status().as_str().to_owned()),
    };
    let (auto, manual) = match (kind.automatic(), outcome) {
        (_, None) => ((Value::Null, Value::Null), None),
        (Some(_), Some(outcome)) => (
            (
                outcome.auto_document.as_str().into(),
                outcome.auto_face.as_str().into(),
            ),
            None,
        ),
        (None, Some(outcome)) => (
            (
                outcome.auto_document.as_str().into(),
                outcome.auto_face.as_str().into(),
            ),
            Some((
                Value::from(outcome.final_document().as_str()),
                Value::from(outcome.final_face().as_str()),
            )),
        ),
    };
    let (manual_document, manual_face) = manual.unwrap_or((Value::Null, Value::Null));
    let tags: &[FraudTag] = outcome.map_or(&[], |outcome| &outcome.fraud_tags);
    let mismatch: Vec<&str> = outcome.map_or_else(Vec::new, |outcome| {
        outcome.mismatch_tags.iter().map(|t| t.as_str()).collect()
    });
    let expired = kind.without_result();
    let data = if expired {
        IdentificationData::default()
    } else {
        synthesized_data(session)
    };
    let file_urls = if expired {
        Map::new()
    } else {
        file_urls(session, base_url)
    };
    let uid: String = session
        .scan_ref
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(25)
        .collect::<String>()
        .to_uppercase();
    let (aml, lid) = if expired {
        (json!([]), json!([]))
    } else {
        (
            json!([service_result(
                ServiceGroupType::Aml,
                "PilotApiAmlV2",
                &uid,
                tags,
                &[FraudTag::AmlSuspection, FraudTag::AmlFailed],
            )]),
            json!([service_result(
                ServiceGroupType::Lid,
                "IrdInvalidPapers",
                &uid,
                tags,
                &[FraudTag::LidSuspection, FraudTag::LidFailed],
            )]),
        )
    };
    let start_time = session
        .started_ms
        .unwrap_or(session.created_ms)
        .div_euclid(1000);
    let finish_time = session
        .finished_ms()
        .map_or(now, |finished| finished.div_euclid(1000));
    // A token that expired unopened had no session: no start, no person's address.
    let never_opened = expired && session.started_ms.is_none();
    let mut body = json!({
        "final": is_final,
        "platform": "PC",
        "status": {
            "overall": overall,
            "suspicionReasons": [],
            "fraudTags": tags.iter().map(|tag| tag.as_str()).collect::<Vec<_>>(),
            "mismatchTags": mismatch,
            "autoDocument": auto.0,
            "autoFace": auto.1,
            "manualDocument": manual_document,
            "manualFace": manual_face,
            "additionalSteps": null,
        },
        "data": data,
        "fileUrls": file_urls,
        "additionalStepPdfUrls": {},
        "AML": aml,
        "LID": lid,
        "scanRef": session.scan_ref,
        "externalRef": session.request.external_ref().map(|r| r.as_str()),
        "clientId": session.request.client_id().as_str(),
        "startTime": start_time,
        "finishTime": finish_time,
        "clientIp": session.client_ip.as_deref().unwrap_or("127.0.0.1"),
        "clientIpCountry": null,
        "clientLocation": null,
    });
    if let (true, Value::Object(fields)) = (never_opened, &mut body) {
        fields.remove("startTime");
        fields.insert("clientIp".to_owned(), Value::Null);
    }
    serde_json::to_vec(&body).unwrap_or_default()
}

/// A one-pixel PNG, served as every photo.
pub(crate) const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53,
    0xde, 0x00, 0x00, 0x00, 0x0c, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0xd0, 0xca, 0xbf, 0x08,
    0x00, 0x02, 0x31, 0x01, 0x6b, 0x36, 0x0e, 0x77, 0x16, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e,
    0x44, 0xae, 0x42, 0x60, 0x82,
];

/// Text fit for a PDF string literal: printable ASCII, with `\`, `(` and `)` escaped.
fn pdf_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '(' | ')' => {
                out.push('\\');
                out.push(c);
            }
            ' '..='~' => out.push(c),
            _ => out.push('?'),
        }
    }
    out
}

/// The PDF report of a finished verification: one page with its identifiers and results, a
/// valid PDF 1.4 file (objects, cross-reference table, trailer).
pub(crate) fn pdf_report(session: &Session) -> Vec<u8> {
    let mut lines = vec![
        "iDenfy emulator - verification report".to_owned(),
        format!("scanRef: {}", session.scan_ref),
        format!("clientId: {}", session.request.client_id().as_str()),
        format!("status: {}", session.status()),
    ];
    if let Some(outcome) = session.outcome() {
        lines.push(format!("autoDocument: {}", outcome.auto_document));
        lines.push(format!("autoFace: {}", outcome.auto_face));
        if session.reviewed() {
            lines.push(format!("manualDocument: {}", outcome.final_document()));
            lines.push(format!("manualFace: {}", outcome.final_face()));
        }
    }
    let mut content = String::from("BT /F1 12 Tf 72 770 Td 16 TL\n");
    for line in &lines {
        content.push_str(&format!("({}) Tj T*\n", pdf_text(line)));
    }
    content.push_str("ET\n");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
         /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"
            .to_owned(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
        format!(
            "<< /Length {} >>\nstream\n{content}endstream",
            content.len()
        ),
    ];
    let mut pdf = String::from("%PDF-1.4\n");
    let mut offsets = Vec::with_capacity(objects.len());
    for (index, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.push_str(&format!("{} 0 obj\n{object}\nendobj\n", index + 1));
    }
    let xref = pdf.len();
    pdf.push_str(&format!(
        "xref\n0 {}\n0000000000 65535 f \n",
        objects.len() + 1
    ));
    for offset in offsets {
        pdf.push_str(&format!("{offset:010} 00000 n \n"));
    }
    pdf.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    ));
    pdf.into_bytes()
}

/// A Unix time in milliseconds as `YYYY-MM-DD HH:MM:SS` (UTC), the legacy full status's
/// times; with `micros`, `YYYY-MM-DD HH:MM:SS.ffffff+00:00`, the video-call webhook's `date`.
pub(crate) fn date_time(ms: i64, micros: bool) -> String {
    let seconds = ms.div_euclid(1000);
    let (year, month, day) = civil_from_days(seconds.div_euclid(86_400));
    let of_day = seconds.rem_euclid(86_400);
    let (hour, minute, second) = (of_day / 3600, of_day % 3600 / 60, of_day % 60);
    let mut text = format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02}");
    if micros {
        text.push_str(&format!(".{:06}+00:00", ms.rem_euclid(1000) * 1000));
    }
    text
}

/// An item of the listing of identifications (`GET /kyc/identifications/`, reference §3.11):
/// `scanRef`, the overall status, and whether it is suspected — its result is `SUSPECTED` or
/// carries fraud tags (while active or expired, and after deletion, it is not).
pub(crate) fn identification_item(session: &Session) -> Value {
    let suspected = session
        .outcome()
        .filter(|_| !session.deleted)
        .is_some_and(|outcome| {
            outcome.overall == OverallStatus::Suspected
                || outcome.auto_overall == OverallStatus::Suspected
                || !outcome.fraud_tags.is_empty()
        });
    json!({
        "scanRef": session.scan_ref,
        "status": session.status().as_str(),
        "suspected": suspected,
    })
}

/// How a field of the legacy full status's document is read from the data.
type Reader = fn(&IdentificationData) -> Option<String>;

/// The legacy full status (`POST /api/v2/full-status`, reference §3.5): snake_case, `""` where
/// there is nothing (never `null`, but for `manual_utility_address_match`, whose documented
/// value is `null`), consistent with `/api/v2/status` and `/api/v2/data`: the automatic results
/// once the checks ran, the manual ones after a review, `client` what the token request said,
/// `client_identity_document` what was read (the machine-readable zone reading the same, the
/// `manual_*` fields a reviewer's, after a review), all empty before the checks and after
/// deletion.
pub(crate) fn full_status_json(session: &Session) -> Value {
    let text = |value: Option<String>| Value::from(value.unwrap_or_default());
    let outcome = session.outcome().filter(|_| !session.deleted);
    let reviewed = session.reviewed() && !session.deleted;
    let request = &session.request;
    let client = json!({
        "name": text(request.first_name().map(|name| name.as_str().to_owned())),
        "surname": text(request.last_name().map(|name| name.as_str().to_owned())),
        "date_of_birth": text(request.date_of_birth().map(|date| date.to_string())),
        "personal_id_number": text(request.personal_number().map(|n| n.as_str().to_owned())),
        "document_number": text(request.document_number().map(|n| n.as_str().to_owned())),
        "document_type": text(request.documents().and_then(|d| d.first()).map(|d| d.as_str().to_owned())),
        "expiry_date": text(request.date_of_expiry().map(|date| date.to_string())),
        "nationality": text(request.nationality().map(|code| code.as_str().to_owned())),
        "date_of_issue": text(request.date_of_issue().map(|date| date.to_string())),
        "sex": text(request.sex().map(|sex| sex.as_str().to_owned())),
        "country": text(request.country().map(|code| code.as_str().to_owned())),
        "default_country": "",
        "utility_address": text(request.address().map(|a| a.as_str().to_owned())),
    });
    let data = session.has_result().then(|| synthesized_data(session));
    let field = |get: fn(&IdentificationData) -> Option<String>| text(data.as_ref().and_then(get));
    fn shown(value: &Option<Personal<String>>) -> Option<String> {
        value.as_ref().map(|value| value.as_str().to_owned())
    }
    let mut document = Map::new();
    let read: [(&str, Reader); 12] = [
        ("name", |d| shown(&d.doc_first_name)),
        ("surname", |d| shown(&d.doc_last_name)),
        ("date_of_birth", |d| shown(&d.doc_dob)),
        ("expiry_date", |d| shown(&d.doc_expiry)),
        ("personal_code", |d| shown(&d.doc_personal_code)),
        ("document_number", |d| shown(&d.doc_number)),
        ("sex", |d| {
            d.doc_sex.as_ref().map(|sex| match sex {
                DocumentSex::Male => "M".to_owned(),
                DocumentSex::Female => "F".to_owned(),
                _ => String::new(),
            })
        }),
        ("nationality", |d| shown(&d.doc_nationality)),
        ("date_of_issue", |d| shown(&d.doc_date_of_issue)),
        ("document_type", |d| {
            d.doc_type.as_ref().map(|t| t.as_str().to_owned())
        }),
        ("country", |d| d.doc_issuing_country.clone()),
        ("license_categories", |_| None),
    ];
    for (name, get) in read {
        let value = field(get);
        document.insert(format!("doc_{name}"), value.clone());
        if name != "license_categories" {
            let mrz = if name == "document_type" {
                Value::from("")
            } else {
                value.clone()
            };
            document.insert(format!("mrz_{name}"), mrz);
            let manual = if reviewed { value } else { Value::from("") };
            document.insert(format!("manual_{name}"), manual);
        }
    }
    for name in ["document_subtype", "optional_data", "string"] {
        document.insert(format!("mrz_{name}"), "".into());
    }
    document.insert(
        "document_type".to_owned(),
        field(|d| d.doc_type.as_ref().map(|t| t.as_str().to_owned())),
    );
    document.insert("manual_utility_address".to_owned(), "".into());
    document.insert("manual_utility_address_match".to_owned(), Value::Null);
    let status = |value: Option<&str>| Value::from(value.unwrap_or_default());
    let time = |ms: Option<i64>| Value::from(ms.map(|ms| date_time(ms, false)).unwrap_or_default());
    let finished = outcome.and(session.finished_ms());
    json!({
        "face_match_result": status(outcome.map(|o| o.auto_face.as_str())),
        "document_validity": status(outcome.map(|o| o.auto_document.as_str())),
        "manual_face_match_result": status(outcome.filter(|_| reviewed).map(|o| o.final_face().as_str())),
        "manual_document_validity": status(outcome.filter(|_| reviewed).map(|o| o.final_document().as_str())),
        "client": client,
        "client_identity_document": document,
        "attempt_count": if outcome.is_some() { 1 } else { 0 },
        "suspection_reasons": [],
        "start_time": time(session.started_ms.filter(|_| outcome.is_some())),
        "finish_time": time(finished),
        "review_time": time(finished.filter(|_| reviewed)),
    })
}

/// The body of a `VIDEO_CALL_FINISHED` webhook (reference §3.10): each question with the
/// person's answer and whether it was judged correct, when the call ended (`date`), whether it
/// succeeded (`status`), `scanRef`, the verification's `authToken` and `clientId`.
pub(crate) fn video_call_body(session: &Session) -> Vec<u8> {
    let ended = session
        .video_call
        .as_ref()
        .and_then(|call| call.ended.as_ref());
    let answers: Map<String, Value> = ended
        .map(|ended| {
            ended
                .answers
                .iter()
                .map(|answer| {
                    (
                        answer.question.clone(),
                        json!({"answer": answer.answer, "correct": answer.correct}),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let body = json!({
        "videoCallAnswers": answers,
        "date": ended.map(|ended| date_time(ended.at_ms, true)),
        "status": ended.is_some_and(|ended| ended.status),
        "scanRef": session.scan_ref,
        "authToken": session.auth_token,
        "clientId": session.request.client_id().as_str(),
    });
    serde_json::to_vec(&body).unwrap_or_default()
}

/// The steps of a photo video call's photos (reference §3.10).
pub(crate) const VIDEO_CALL_PHOTOS: [&str; 3] =
    ["VIDEO_CALL_BACK", "VIDEO_CALL_FACE", "VIDEO_CALL_FRONT"];

/// The file name of a video call's recording.
pub(crate) const VIDEO_CALL_VIDEO: &str = "VIDEO_CALL.mp4";

/// The answer to `POST /api/v2/video-call-record` (reference §3.10): the photos of a photo video
/// call and the recording, as URLs served by the emulator, once the call ended (photos `null`
/// and no video before, for a call without photos, and after deletion).
pub(crate) fn video_call_record_json(session: &Session, base_url: &str) -> Value {
    let ended = !session.deleted
        && session
            .video_call
            .as_ref()
            .is_some_and(|call| call.ended.is_some());
    let photos: Map<String, Value> = VIDEO_CALL_PHOTOS
        .iter()
        .map(|step| {
            let url = serves_file(session, step)
                .then(|| file_url(base_url, &session.scan_ref, step))
                .map_or(Value::Null, Value::from);
            ((*step).to_owned(), url)
        })
        .collect();
    let videos: Vec<String> = if ended {
        vec![format!(
            "{base_url}/__emulator/files/{}/{VIDEO_CALL_VIDEO}",
            session.scan_ref
        )]
    } else {
        Vec::new()
    };
    json!({"photos": photos, "videos": videos})
}

/// A recording with no frames: an ISO base media file (MP4) holding only its `ftyp` box.
pub(crate) const MP4: &[u8] = &[
    0x00, 0x00, 0x00, 0x18, b'f', b't', b'y', b'p', b'i', b's', b'o', b'm', 0x00, 0x00, 0x02, 0x00,
    b'i', b's', b'o', b'm', b'm', b'p', b'4', b'1',
];

/// `text` escaped for HTML.
pub(crate) fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A small HTML5 page.
pub(crate) fn html_page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n</head>\n<body>\n<main>\n<h1>{}</h1>\n{body}</main>\n</body>\n</html>\n",
        html_escape(title),
        html_escape(title),
    )
}

/// The outcomes the hosted-flow page offers, as (form value, label).
pub(crate) const PAGE_OUTCOMES: &[(&str, &str)] = &[
    ("approved", "Approved"),
    ("denied", "Denied"),
    ("suspected", "Suspected"),
    ("review", "Approved after a manual review"),
];

/// The form value of the redirect page's second form, with which the person gives up.
pub(crate) const CANCEL_OUTCOME: &str = "cancel";

/// The page the redirect URL serves for an active verification: a form on which a person picks
/// the outcome, and one with which the person gives up (cancels).
pub(crate) fn verification_page(session: &Session) -> String {
    let mut options = String::new();
    for (index, (value, label)) in PAGE_OUTCOMES.iter().enumerate() {
        let checked = if index == 0 { " checked" } else { "" };
        options.push_str(&format!(
            "<p><label><input type=\"radio\" name=\"outcome\" value=\"{value}\"{checked}> {label}</label></p>\n"
        ));
    }
    let body = format!(
        "<p>Verification <code>{scan_ref}</code> for client <code>{client}</code>.</p>\n\
         <p>This page stands in for iDenfy's hosted verification flow. Choose how the \
         verification ends.</p>\n\
         <form method=\"post\" action=\"/__emulator/ui/finish\">\n\
         <input type=\"hidden\" name=\"authToken\" value=\"{token}\">\n\
         <fieldset>\n<legend>Outcome</legend>\n{options}</fieldset>\n\
         <p><button type=\"submit\">Finish verification</button></p>\n</form>\n\
         <form method=\"post\" action=\"/__emulator/ui/finish\">\n\
         <input type=\"hidden\" name=\"authToken\" value=\"{token}\">\n\
         <input type=\"hidden\" name=\"outcome\" value=\"{CANCEL_OUTCOME}\">\n\
         <p><button type=\"submit\">Cancel verification</button> (the person gives up)</p>\n\
         </form>\n",
        scan_ref = html_escape(&session.scan_ref),
        client = html_escape(session.request.client_id().as_str()),
        token = html_escape(&session.auth_token),
    );
    html_page("iDenfy emulator: identity verification", &body)
}

/// Why the redirect page cannot start a verification: unknown token, or a verification that is
/// no longer active.
pub(crate) fn unusable_token_page(session: Option<&Session>) -> (u16, String) {
    match session {
        None => (
            404,
            html_page(
                "Unknown verification link",
                "<p>This verification link is not valid: no verification has this token.</p>\n",
            ),
        ),
        Some(session) => {
            let reason = match session.phase {
                Phase::Expired { .. } => "has expired",
                Phase::Cancelled { .. } => "was cancelled",
                _ => "has already been used",
            };
            (
                410,
                html_page(
                    "Verification link no longer valid",
                    &format!(
                        "<p>This verification link {reason} (status <code>{}</code>).</p>\n",
                        html_escape(session.status().as_str())
                    ),
                ),
            )
        }
    }
}

/// The page after the form: where the person goes next.
pub(crate) fn finished_page(status: &str, next: &str) -> String {
    let next = html_escape(next);
    html_page(
        "Verification finished",
        &format!(
            "<p>The verification ended as <code>{}</code>.</p>\n\
             <p><a href=\"{next}\">Continue</a></p>\n",
            html_escape(status)
        ),
    )
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (Howard Hinnant's
/// `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        year,
        u8::try_from(month).unwrap_or(1),
        u8::try_from(day).unwrap_or(1),
    )
}

/// The calendar date of a Unix time (UTC), for years 1 to 9999.
pub(crate) fn civil_date(unix: i64) -> Option<Date> {
    let (year, month, day) = civil_from_days(unix.div_euclid(86_400));
    u16::try_from(year)
        .ok()
        .and_then(|year| Date::new(year, month, day).ok())
}

/// `date` moved by `years` (29 February becomes 28 February in common years).
fn shift_years(date: Date, years: i32) -> Date {
    let year = i32::from(date.year()) + years;
    let year = u16::try_from(year.clamp(1, 9999)).unwrap_or(2000);
    Date::new(year, date.month(), date.day())
        .or_else(|_| Date::new(year, date.month(), 28))
        .unwrap_or(date)
}

/// The age group of a person born on `birth`, on `today`.
fn age_group(birth: Date, today: Date) -> AgeGroup {
    let mut age = i32::from(today.year()) - i32::from(birth.year());
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    match age {
        30.. => AgeGroup::Over30,
        25..=29 => AgeGroup::Over25,
        22..=24 => AgeGroup::Over22,
        21 => AgeGroup::Over21,
        18..=20 => AgeGroup::Over18,
        16..=17 => AgeGroup::Over16,
        13..=15 => AgeGroup::Over13,
        8..=12 => AgeGroup::Over8,
        _ => AgeGroup::Under8,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_date(0).unwrap().to_string(), "1970-01-01");
        assert_eq!(civil_date(951_782_400).unwrap().to_string(), "2000-02-29");
        assert_eq!(civil_date(1_700_000_000).unwrap().to_string(), "2023-11-14");
        let leap = Date::parse("2024-02-29").unwrap();
        assert_eq!(shift_years(leap, -3).to_string(), "2021-02-28");
        assert_eq!(
            age_group(
                Date::parse("2000-06-01").unwrap(),
                Date::parse("2018-05-31").unwrap()
            ),
            AgeGroup::Over16
        );
    }

    #[test]
    fn escapes() {
        assert_eq!(
            html_escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(pdf_text("a(b)\\č"), "a\\(b\\)\\\\?");
    }
}
