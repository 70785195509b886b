//! Requests both ways (P3, R2, R3, R12, R14): the client's builders fed arbitrary field values,
//! and the server's readers (`idenfy_proto::server`) fed arbitrary bodies. Validation never
//! panics and names a field; what a builder accepts is written as the client sends it and the
//! server's reader reads it back to the same request; what a reader accepts, written again, reads
//! back the same.

use arbitrary::Arbitrary;
use idenfy_proto::server;
use idenfy_proto::{
    AuthToken, Config, Credentials, DocumentType, DummyStatus, Endpoint, FaceAuthMethod,
    FaceAuthStatusRequest, FaceAuthTokenRequest, IdentificationsRequest, ImageStep, ProcessRequest,
    RequestInformationRequest, Sex, TokenRequest, TokenResponse, TokenType, ValidationError,
    VideoCallRequest, http,
};
use idenfy_proto::{
    DataRequest, DeleteRequest, FilesRequest, FullStatusRequest, PdfRequest, StatusRequest,
    VideoCallRecordRequest,
};
use serde_json::{Number, Value};

/// The configuration requests are written with.
fn config() -> Config {
    let credentials =
        Credentials::new("fuzz-key", "fuzz-secret").unwrap_or_else(|_| unreachable!());
    Config::new(credentials)
}

/// A JSON value for an extra field.
#[derive(Arbitrary, Debug, Clone)]
pub enum Json {
    /// `null`.
    Null,
    /// `true`/`false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float (not finite: `null`).
    Float(f64),
    /// A string.
    Text(String),
    /// An array.
    List(Vec<Json>),
    /// An object.
    Object(Vec<(String, Json)>),
}

impl Json {
    fn to_value(&self) -> Value {
        match self {
            Json::Null => Value::Null,
            Json::Bool(flag) => Value::Bool(*flag),
            Json::Int(number) => Value::from(*number),
            Json::Float(number) => Number::from_f64(*number).map_or(Value::Null, Value::Number),
            Json::Text(text) => Value::String(text.clone()),
            Json::List(items) => Value::Array(items.iter().map(Json::to_value).collect()),
            Json::Object(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(key, value)| (key.clone(), value.to_value()))
                    .collect(),
            ),
        }
    }
}

/// Every field of a token request, as arbitrary plain values (what the builder's setters take).
#[derive(Arbitrary, Debug)]
#[allow(missing_docs)]
pub struct TokenFields {
    pub client_id: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub success_url: Option<String>,
    pub error_url: Option<String>,
    pub unverified_url: Option<String>,
    pub callback_url: Option<String>,
    pub locale: Option<String>,
    pub expiry_time: Option<i64>,
    pub session_length: Option<i64>,
    pub country: Option<String>,
    pub documents: Option<Vec<String>>,
    pub token_type: Option<String>,
    pub show_instructions: Option<bool>,
    pub generate_digit_string: Option<bool>,
    pub date_of_birth: Option<String>,
    pub date_of_expiry: Option<String>,
    pub date_of_issue: Option<String>,
    pub nationality: Option<String>,
    pub personal_number: Option<String>,
    pub document_number: Option<String>,
    pub sex: Option<String>,
    pub address: Option<String>,
    pub external_ref: Option<String>,
    pub video_call_questions: Option<Vec<String>>,
    pub utility_bill: Option<bool>,
    pub questionnaire: Option<String>,
    pub dummy_status: Option<String>,
    pub extra: Vec<(String, Json)>,
}

/// Sets `$value` with `$setter` when it is `Some`.
macro_rules! set {
    ($builder:ident . $setter:ident ($value:expr)) => {
        if let Some(value) = $value {
            $builder = $builder.$setter(value);
        }
    };
}

/// The wire fields a refusal may name: the typed ones, the extra keys, `extra field`.
fn assert_names_a_field(err: &ValidationError, keys: &[&str]) {
    let field = err.field();
    assert!(
        TokenRequest::FIELDS.contains(&field)
            || keys.contains(&field)
            || field == "extra field"
            || field == "body",
        "a refusal names no field of the request: {field:?} ({err})"
    );
    assert!(!err.to_string().is_empty());
}

/// The token request's builder with arbitrary values: `build()` never panics, a refusal names a
/// wire field, and an accepted request — written as the client sends it — is read back by
/// [`server::read_token_request`] as the same request (P3). Its echo is a token response whose
/// typed fields all decode.
pub fn token_request(fields: TokenFields) {
    let mut builder = TokenRequest::builder(fields.client_id.clone());
    set!(builder.first_name(fields.first_name));
    set!(builder.last_name(fields.last_name));
    set!(builder.success_url(fields.success_url));
    set!(builder.error_url(fields.error_url));
    set!(builder.unverified_url(fields.unverified_url));
    set!(builder.callback_url(fields.callback_url));
    set!(builder.locale(fields.locale));
    set!(builder.expiry_time(fields.expiry_time));
    set!(builder.session_length(fields.session_length));
    set!(builder.country(fields.country));
    set!(
        builder.documents(
            fields
                .documents
                .map(|documents| documents.into_iter().map(DocumentType::from))
        )
    );
    set!(builder.token_type(fields.token_type.map(TokenType::from)));
    set!(builder.show_instructions(fields.show_instructions));
    set!(builder.generate_digit_string(fields.generate_digit_string));
    set!(builder.date_of_birth(fields.date_of_birth));
    set!(builder.date_of_expiry(fields.date_of_expiry));
    set!(builder.date_of_issue(fields.date_of_issue));
    set!(builder.nationality(fields.nationality));
    set!(builder.personal_number(fields.personal_number));
    set!(builder.document_number(fields.document_number));
    set!(builder.sex(fields.sex.map(Sex::from)));
    set!(builder.address(fields.address));
    set!(builder.external_ref(fields.external_ref));
    set!(builder.video_call_questions(fields.video_call_questions));
    set!(builder.utility_bill(fields.utility_bill));
    set!(builder.questionnaire(fields.questionnaire));
    set!(builder.dummy_status(fields.dummy_status.map(DummyStatus::from)));
    for (key, value) in &fields.extra {
        builder = builder.extra_field(key.clone(), value.to_value());
    }
    let keys: Vec<&str> = fields.extra.iter().map(|(key, _)| key.as_str()).collect();
    match builder.build() {
        Ok(built) => {
            let request = built
                .to_request(&config())
                .unwrap_or_else(|err| panic!("an accepted request cannot be written: {err}"));
            let body: Value = serde_json::from_slice(request.body())
                .unwrap_or_else(|err| panic!("the body is not JSON: {err}"));
            let read = server::read_token_request(&body)
                .unwrap_or_else(|err| panic!("the server refused what the client accepted: {err}"));
            // As JSON first: `Debug` redacts the personal fields.
            assert_eq!(
                serde_json::to_value(&read).ok(),
                serde_json::to_value(&built).ok(),
                "the server read another request"
            );
            assert_eq!(read, built, "the server read another request");
            check_echo(&read);
        }
        Err(err) => assert_names_a_field(&err, &keys),
    }
}

/// The server's echo of `request`, with a token and a `scanRef`, is a token response: it always
/// decodes, and only the request's own extra fields may fall back.
fn check_echo(request: &TokenRequest) {
    let mut answer = server::response_echo(request);
    answer.insert(
        "authToken".to_owned(),
        Value::from("FUZZ0TOKEN0FUZZ0TOKEN0FUZZ"),
    );
    answer.insert("scanRef".to_owned(), Value::from("fuzz-scan-ref"));
    let body = serde_json::to_vec(&Value::Object(answer)).unwrap_or_else(|_| unreachable!());
    let response: TokenResponse = serde_json::from_slice(&body)
        .unwrap_or_else(|err| panic!("the echo is no token response: {err}"));
    for path in response.fallbacks() {
        assert!(
            request.extra_fields().contains_key(&path),
            "the echo of a typed field fell back: {path}"
        );
    }
}

/// Any bytes as a `POST /api/v2/token` body, read by [`server::read_token_request`]: never a
/// panic; a refusal names a wire field or a key of the body; an accepted request, written again
/// by the client, reads back the same (and its echo decodes).
pub fn token_body(body: &[u8]) {
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return;
    };
    match server::read_token_request(&value) {
        Ok(read) => {
            let written = read
                .to_json()
                .unwrap_or_else(|err| panic!("an accepted request cannot be written: {err}"));
            let again: Value = serde_json::from_slice(&written).unwrap_or_else(|_| unreachable!());
            let reread = server::read_token_request(&again)
                .unwrap_or_else(|err| panic!("the written request was refused: {err}"));
            assert_eq!(reread, read, "written and read again, another request");
            check_echo(&read);
        }
        Err(err) => {
            let keys: Vec<&str> = match &value {
                Value::Object(fields) => fields.keys().map(String::as_str).collect(),
                _ => Vec::new(),
            };
            assert_names_a_field(&err, &keys);
        }
    }
}

/// The other builders that have a server reader, with arbitrary values.
#[derive(Arbitrary, Debug)]
#[allow(missing_docs)]
pub enum BuilderInput {
    Process {
        auth_token: String,
        country: String,
        document_type: Option<String>,
        skip_analysis: Option<bool>,
        images: Vec<(String, Vec<u8>)>,
    },
    Identifications {
        client_id: Option<String>,
        page: Option<u32>,
        per_page: Option<u32>,
    },
    RequestInformation {
        scan_ref: String,
        lifetime: Option<i64>,
        questionnaire: Option<String>,
        risk_assessment_profile: Option<String>,
        additional_step_upload_required: Option<bool>,
        bank_card_verification: Option<bool>,
        bank_card_expected_last_four: Option<String>,
    },
    FaceAuthToken {
        scan_ref: String,
        method: Option<String>,
        generate_digit_string: Option<bool>,
        locale: Option<String>,
        lifetime: Option<i64>,
    },
    FaceAuthStatus {
        scan_ref: String,
        method: String,
    },
    VideoCall {
        scan_ref: String,
        photos: Option<bool>,
    },
    /// A request of a `{"scanRef": …}` body (status, data, files, delete, PDF, full status,
    /// video-call record), chosen by `endpoint`.
    ScanRefOnly {
        endpoint: u8,
        scan_ref: String,
    },
}

/// A `{"scanRef": …}` request, written: its `scanRef` as the request holds it, and its body.
fn scan_ref_written<E: Endpoint>(
    built: Result<E, ValidationError>,
    scan_ref: impl Fn(&E) -> String,
) -> Result<(String, Written), ValidationError> {
    built.map(|request| (scan_ref(&request), written(&request)))
}

/// The request as the client writes it: its path (percent-decoded segments as a server routes
/// them), its query, and its body as JSON (`null` for none).
struct Written {
    path: String,
    query: String,
    body: Value,
}

fn written<E: Endpoint>(request: &E) -> Written {
    let request: http::Request<Vec<u8>> = request
        .to_request(&config())
        .unwrap_or_else(|err| panic!("an accepted request cannot be written: {err}"));
    let body = if request.body().is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(request.body())
            .unwrap_or_else(|err| panic!("the body is not JSON: {err}"))
    };
    Written {
        path: request.uri().path().to_owned(),
        query: request.uri().query().unwrap_or_default().to_owned(),
        body,
    }
}

/// The percent-decoded path segment between `prefix` and `suffix`, as a server routes it.
fn segment(path: &str, prefix: &str, suffix: &str) -> String {
    let raw = path
        .strip_prefix(prefix)
        .and_then(|rest| rest.strip_suffix(suffix))
        .unwrap_or_else(|| panic!("not the endpoint's path: {path}"));
    assert!(!raw.contains('/'), "a segment with a slash: {path}");
    percent_decode(raw)
}

/// `%XX` escapes decoded (as UTF-8, lossily); anything else kept.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        let hex = bytes
            .get(index + 1..index + 3)
            .and_then(|pair| std::str::from_utf8(pair).ok())
            .and_then(|pair| u8::from_str_radix(pair, 16).ok());
        match (byte, hex) {
            (b'%', Some(decoded)) => {
                out.push(decoded);
                index += 3;
            }
            _ => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A refusal names a field.
fn assert_refusal(err: &ValidationError) {
    assert!(!err.field().is_empty(), "a refusal without a field: {err}");
    assert!(!err.to_string().is_empty());
}

/// The builders of the further endpoints (R12, R14) and the `{"scanRef"}` requests (R5) with
/// arbitrary values: `build()` never panics and a refusal names a field; an accepted request,
/// written as the client sends it, is read back by its server reader as the same request (a
/// `{"scanRef"}` body: that one field, the value the request holds, accepted again by R5).
pub fn request_builders(input: BuilderInput) {
    match input {
        BuilderInput::Process {
            auth_token,
            country,
            document_type,
            skip_analysis,
            images,
        } => {
            let token = AuthToken::new(auth_token);
            let mut builder = ProcessRequest::builder(&token, country);
            set!(builder.document_type(document_type.map(DocumentType::from)));
            set!(builder.skip_analysis(skip_analysis));
            for (step, bytes) in images {
                builder = builder.image(ImageStep::from(step.as_str()), bytes);
            }
            match builder.build() {
                Ok(built) => {
                    let read = server::read_process_request(&written(&built).body)
                        .unwrap_or_else(|err| panic!("the server refused the upload: {err}"));
                    assert_same_upload(&read, &built);
                }
                Err(err) => assert_refusal(&err),
            }
        }
        BuilderInput::Identifications {
            client_id,
            page,
            per_page,
        } => {
            let mut builder = IdentificationsRequest::builder();
            set!(builder.client_id(client_id));
            set!(builder.page(page));
            set!(builder.per_page(per_page));
            match builder.build() {
                Ok(built) => {
                    let sent = written(&built);
                    assert_eq!(sent.path, "/kyc/identifications/");
                    let read = server::read_identifications_query(&sent.query)
                        .unwrap_or_else(|err| panic!("the server refused the listing: {err}"));
                    assert_eq!(read, built);
                }
                Err(err) => assert_refusal(&err),
            }
        }
        BuilderInput::RequestInformation {
            scan_ref,
            lifetime,
            questionnaire,
            risk_assessment_profile,
            additional_step_upload_required,
            bank_card_verification,
            bank_card_expected_last_four,
        } => {
            let mut builder = RequestInformationRequest::builder(scan_ref);
            set!(builder.lifetime(lifetime));
            set!(builder.questionnaire(questionnaire));
            set!(builder.risk_assessment_profile(risk_assessment_profile));
            set!(builder.additional_step_upload_required(additional_step_upload_required));
            set!(builder.bank_card_verification(bank_card_verification));
            set!(builder.bank_card_expected_last_four(bank_card_expected_last_four));
            match builder.build() {
                Ok(built) => {
                    let sent = written(&built);
                    let scan_ref =
                        segment(&sent.path, "/kyc/identifications/", "/request-information/");
                    let read = server::read_request_information(&scan_ref, &sent.body)
                        .unwrap_or_else(|err| panic!("the server refused the request: {err}"));
                    assert_eq!(read, built);
                }
                Err(err) => assert_refusal(&err),
            }
        }
        BuilderInput::FaceAuthToken {
            scan_ref,
            method,
            generate_digit_string,
            locale,
            lifetime,
        } => {
            let mut builder = FaceAuthTokenRequest::builder(scan_ref);
            set!(builder.method(method.map(FaceAuthMethod::from)));
            set!(builder.generate_digit_string(generate_digit_string));
            set!(builder.locale(locale));
            set!(builder.lifetime(lifetime));
            match builder.build() {
                Ok(built) => {
                    let read = server::read_face_auth_token_request(&written(&built).body)
                        .unwrap_or_else(|err| panic!("the server refused the request: {err}"));
                    assert_eq!(read, built);
                }
                Err(err) => assert_refusal(&err),
            }
        }
        BuilderInput::FaceAuthStatus { scan_ref, method } => {
            match FaceAuthStatusRequest::for_method(scan_ref, FaceAuthMethod::from(method)) {
                Ok(built) => {
                    let sent = written(&built);
                    let scan_ref =
                        segment(&sent.path, "/identification/facial-auth/", "/check-status/");
                    let read = server::read_face_auth_status(&scan_ref, &sent.query)
                        .unwrap_or_else(|err| panic!("the server refused the check: {err}"));
                    assert_eq!(read, built);
                }
                Err(err) => assert_refusal(&err),
            }
        }
        BuilderInput::ScanRefOnly { endpoint, scan_ref } => {
            let text = |id: &idenfy_proto::ScanRef| id.as_str().to_owned();
            let sent = match endpoint % 7 {
                0 => scan_ref_written(StatusRequest::new(&scan_ref), |r| text(r.scan_ref())),
                1 => scan_ref_written(DataRequest::new(&scan_ref), |r| text(r.scan_ref())),
                2 => scan_ref_written(FilesRequest::new(&scan_ref), |r| text(r.scan_ref())),
                3 => scan_ref_written(DeleteRequest::new(&scan_ref), |r| text(r.scan_ref())),
                4 => scan_ref_written(PdfRequest::new(&scan_ref), |r| text(r.scan_ref())),
                5 => scan_ref_written(FullStatusRequest::new(&scan_ref), |r| text(r.scan_ref())),
                _ => scan_ref_written(VideoCallRecordRequest::new(&scan_ref), |r| {
                    text(r.scan_ref())
                }),
            };
            match sent {
                Ok((held, sent)) => {
                    // What a server reads: the body's one field, which it checks by the same
                    // rule (R5), and which is the value the request holds.
                    let Value::Object(fields) = &sent.body else {
                        panic!("the body is not an object: {}", sent.body)
                    };
                    assert_eq!(fields.len(), 1, "{}", sent.body);
                    let read = fields
                        .get("scanRef")
                        .and_then(Value::as_str)
                        .unwrap_or_else(|| panic!("no scanRef string: {}", sent.body));
                    assert_eq!(read, held);
                    let again = idenfy_proto::ScanRef::new(read)
                        .unwrap_or_else(|err| panic!("what was sent is refused: {err}"));
                    assert_eq!(again.as_str(), held);
                }
                Err(err) => assert_refusal(&err),
            }
        }
        BuilderInput::VideoCall { scan_ref, photos } => match VideoCallRequest::new(scan_ref) {
            Ok(built) => {
                let built = match photos {
                    Some(photos) => built.with_photos(photos),
                    None => built,
                };
                let read = server::read_video_call_request(&written(&built).body)
                    .unwrap_or_else(|err| panic!("the server refused the call: {err}"));
                assert_eq!(read, built);
            }
            Err(err) => assert_refusal(&err),
        },
    }
}

/// Two uploads are the same: token, country, document type, analysis flag, every image, and so
/// the same body length.
fn assert_same_upload(read: &ProcessRequest<'_>, built: &ProcessRequest<'_>) {
    assert_eq!(read.auth_token(), built.auth_token());
    assert_eq!(read.country(), built.country());
    assert_eq!(read.document_type(), built.document_type());
    assert_eq!(read.skip_analysis(), built.skip_analysis());
    assert_eq!(read.steps().count(), built.steps().count());
    for step in built.steps() {
        assert_eq!(read.image(step), built.image(step), "{step}");
    }
    assert_eq!(read.body_len(), built.body_len());
}

/// Any bytes to a server reader, chosen by the first byte: the upload body (0), the listing's
/// query (1), a request for information (2: the `scanRef` up to the first newline, then the
/// body), a face-authentication status check (3: the `scanRef`, a newline, the query), a
/// face-authentication token body (4), a video-call body (5). Never a panic; a refusal names a
/// field; an accepted request, written by the client, is read back the same.
pub fn request_bodies((selector, bytes): (u8, &[u8])) {
    let json = |bytes: &[u8]| serde_json::from_slice::<Value>(bytes).ok();
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    let lines = |bytes: &[u8]| {
        let mut parts = bytes.splitn(2, |byte| *byte == b'\n');
        let first = text(parts.next().unwrap_or_default());
        (first, parts.next().unwrap_or_default().to_vec())
    };
    match selector % 6 {
        0 => {
            let Some(body) = json(bytes) else { return };
            match server::read_process_request(&body) {
                Ok(read) => {
                    let again = server::read_process_request(&written(&read).body)
                        .unwrap_or_else(|err| panic!("the written upload was refused: {err}"));
                    assert_same_upload(&again, &read);
                }
                Err(err) => assert_refusal(&err),
            }
        }
        1 => match server::read_identifications_query(&text(bytes)) {
            Ok(read) => {
                let again = server::read_identifications_query(&written(&read).query)
                    .unwrap_or_else(|err| panic!("the written listing was refused: {err}"));
                assert_eq!(again, read);
            }
            Err(err) => assert_refusal(&err),
        },
        2 => {
            let (scan_ref, body) = lines(bytes);
            let Some(body) = json(&body) else { return };
            match server::read_request_information(&scan_ref, &body) {
                Ok(read) => {
                    let sent = written(&read);
                    let scan_ref =
                        segment(&sent.path, "/kyc/identifications/", "/request-information/");
                    let again = server::read_request_information(&scan_ref, &sent.body)
                        .unwrap_or_else(|err| panic!("the written request was refused: {err}"));
                    assert_eq!(again, read);
                }
                Err(err) => assert_refusal(&err),
            }
        }
        3 => {
            let (scan_ref, query) = lines(bytes);
            match server::read_face_auth_status(&scan_ref, &text(&query)) {
                Ok(read) => {
                    let sent = written(&read);
                    let scan_ref =
                        segment(&sent.path, "/identification/facial-auth/", "/check-status/");
                    let again = server::read_face_auth_status(&scan_ref, &sent.query)
                        .unwrap_or_else(|err| panic!("the written check was refused: {err}"));
                    assert_eq!(again, read);
                }
                Err(err) => assert_refusal(&err),
            }
        }
        4 => {
            let Some(body) = json(bytes) else { return };
            match server::read_face_auth_token_request(&body) {
                Ok(read) => {
                    let again = server::read_face_auth_token_request(&written(&read).body)
                        .unwrap_or_else(|err| panic!("the written request was refused: {err}"));
                    assert_eq!(again, read);
                }
                Err(err) => assert_refusal(&err),
            }
        }
        _ => {
            let Some(body) = json(bytes) else { return };
            match server::read_video_call_request(&body) {
                Ok(read) => {
                    let again = server::read_video_call_request(&written(&read).body)
                        .unwrap_or_else(|err| panic!("the written call was refused: {err}"));
                    assert_eq!(again, read);
                }
                Err(err) => assert_refusal(&err),
            }
        }
    }
}
