//! Every answer the client parses: any status, any bytes, through the endpoint's own
//! [`Endpoint::parse`]. Never a panic; a success agrees with plain serde into the public type
//! (R7); an error status is always an [`ApiError`] with that status (R6).

use std::fmt::Debug;

use idenfy_proto::{
    ApiError, Config, Credentials, DataRequest, DataResponse, DeleteRequest, Endpoint, Error,
    FaceAuthSessionRequest, FaceAuthSessionsRequest, FaceAuthStatusRequest, FaceAuthTokenRequest,
    FileUrls, FilesRequest, FullStatusRequest, IdentificationPager, IdentificationsRequest,
    PdfRequest, ProcessRequest, RequestInformationRequest, StatusRequest, StatusResponse,
    TokenRequest, TokenResponse, VideoCallRecordRequest, VideoCallRequest, http,
};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The status `100 + n % 500` (100 to 599).
fn status_of(n: u16) -> http::StatusCode {
    http::StatusCode::from_u16(100 + n % 500).unwrap_or(http::StatusCode::OK)
}

/// `body` answered with `status`, parsed through `request`; a non-2xx is always the
/// [`ApiError`] of that status.
fn parse<E: Endpoint>(
    request: &E,
    status: http::StatusCode,
    body: &[u8],
) -> Result<E::Output, Error> {
    let mut response = http::Response::new(body);
    *response.status_mut() = status;
    let parsed = request.parse(response);
    if !status.is_success() {
        match &parsed {
            Err(Error::Api(error)) => assert_eq!(error.status(), status),
            Err(other) => panic!("a {status} answer gave {other:?}, not an API error"),
            Ok(_) => panic!("a {status} answer was taken as a success"),
        }
    }
    parsed
}

/// Parses `body` with the status `100 + status % 500` through `request`, never panicking; for a
/// success status, `serde_json::from_slice` into the output type must give the same value, or
/// fail as well, or stop at its nesting limit, which the parser reads past (and then what the
/// parser gave, written back, reads back the same); whatever fell back (`fallbacks`) can be
/// written back. Returns what the parser gave.
fn parse_and_compare<E>(
    request: &E,
    status: u16,
    body: &[u8],
    fallbacks: impl Fn(&E::Output) -> Vec<String>,
) -> Result<E::Output, Error>
where
    E: Endpoint,
    E::Output: Debug + Serialize + DeserializeOwned,
{
    let status = status_of(status);
    let parsed = parse(request, status, body);
    if let Ok(value) = &parsed {
        // Whatever parsed must be usable without panicking.
        let _ = format!("{value:?}");
        let written = serde_json::to_value(value).ok();
        for path in fallbacks(value) {
            assert!(!path.is_empty(), "an unnamed fallback");
            assert!(
                written.is_some(),
                "a value with fallbacks could not be written back"
            );
        }
    }
    if status.is_success() {
        let plain = serde_json::from_slice::<E::Output>(body);
        match (&parsed, &plain) {
            (Ok(value), Ok(plain)) => assert_eq!(
                serde_json::to_value(value).ok(),
                serde_json::to_value(plain).ok()
            ),
            (Err(Error::Decode(_)), Err(_)) => {}
            (Ok(value), Err(err)) if super::beyond_serde_depth(err) => {
                super::reads_back_the_same(value);
            }
            _ => panic!(
                "parse and serde disagree: {:?} / {:?}",
                parsed.is_ok(),
                plain.is_ok()
            ),
        }
    }
    parsed
}

/// A configuration with a base URL of its own (the pager checks links against it).
fn config() -> Config {
    let credentials =
        Credentials::new("fuzz-key", "fuzz-secret").unwrap_or_else(|_| unreachable!());
    Config::builder(credentials)
        .base_url("https://api.example.com/base")
        .build()
        .unwrap_or_else(|_| unreachable!())
}

/// Any bytes, any status: parsing a token response returns a value or a typed error, never
/// panics; for a success, plain serde into `TokenResponse` agrees with the parse function (R7),
/// and what fell back is kept in `extra` (R4: the token always arrives).
pub fn token_response((status, body): (u16, &[u8])) {
    let Ok(request) = TokenRequest::builder("fuzz").build() else {
        return;
    };
    match parse_and_compare(&request, status, body, TokenResponse::fallbacks) {
        Ok(token) => {
            let _ = config().redirect_url(&token.auth_token);
            for path in token.fallbacks() {
                assert!(token.extra.contains_key(&path), "fallback {path} not kept");
            }
        }
        Err(Error::Decode(err)) => {
            let _ = (err.scan_ref(), err.auth_token(), err.path());
        }
        Err(_) => {}
    }
}

/// Any error body, any status: building an `ApiError` and printing it never panics, and it keeps
/// the status it was given.
pub fn api_error((status, body): (u16, &[u8])) {
    let status = status_of(status);
    let error = ApiError::from_response(status, body);
    assert_eq!(error.status(), status);
    let _ = error.to_string();
    let _ = format!("{error:?}");
    let _ = (error.identifier(), error.message(), error.documentation());
    let _ = (error.severity(), error.raw_body(), error.extra());
}

/// `/api/v2/status` (R5, R7).
pub fn status_response((status, body): (u16, &[u8])) {
    if let Ok(request) = StatusRequest::new("fuzz") {
        let _ = parse_and_compare(&request, status, body, StatusResponse::fallbacks);
    }
}

/// `/api/v2/data` (R5, R7).
pub fn data_response((status, body): (u16, &[u8])) {
    if let Ok(request) = DataRequest::new("fuzz") {
        let _ = parse_and_compare(&request, status, body, DataResponse::fallbacks);
    }
}

/// `/api/v2/files` (R5, R7).
pub fn files_response((status, body): (u16, &[u8])) {
    if let Ok(request) = FilesRequest::new("fuzz") {
        let _ = parse_and_compare(&request, status, body, FileUrls::fallbacks);
    }
}

/// `Content-Type` values the PDF target tries.
const CONTENT_TYPES: &[Option<&str>] = &[
    None,
    Some("application/pdf"),
    Some("application/json"),
    Some("text/html; charset=utf-8"),
];

/// Any bytes, any status, any `Content-Type`: parsing a `/api/v2/generate-pdf` answer returns a
/// PDF or a typed error, never panics; what it returns is a PDF document, and an error never
/// quotes the body.
pub fn pdf_response((status, selector, body): (u16, u8, &[u8])) {
    let status = status_of(status);
    let Ok(request) = PdfRequest::new("fuzz") else {
        return;
    };
    let content_type = CONTENT_TYPES
        .get(usize::from(selector) % CONTENT_TYPES.len())
        .copied()
        .flatten();
    let respond = |body| {
        let mut builder = http::Response::builder().status(status);
        if let Some(content_type) = content_type {
            builder = builder.header(http::header::CONTENT_TYPE, content_type);
        }
        builder.body(body).ok()
    };
    let Some(response) = respond(body) else {
        return;
    };
    match request.parse(response) {
        Ok(pdf) => {
            assert!(status.is_success());
            let bytes = pdf.as_bytes();
            let start = bytes
                .strip_prefix(b"\xEF\xBB\xBF")
                .unwrap_or(bytes)
                .trim_ascii_start();
            assert!(start.starts_with(b"%PDF-"), "not a PDF");
            let _ = format!("{pdf:?}");
        }
        Err(Error::Decode(err)) => {
            // The message names the length, the Content-Type and the kind of body, never the
            // body's bytes: the body's twin, other text of the same shape, reads the same (a
            // twin that happens to be base64 of a PDF is a success instead).
            let twin = super::twin(body);
            if let Some(response) = respond(&twin)
                && let Err(Error::Decode(twin_err)) = request.parse(response)
            {
                assert_eq!(err.to_string(), twin_err.to_string(), "the body was quoted");
            }
        }
        Err(Error::Api(err)) => assert!(!status.is_success() && err.status() == status),
        Err(other) => panic!("unexpected error {other:?}"),
    }
}

/// `/api/v2/delete`: any 2xx is success whatever its body, anything else the API error.
pub fn delete_response((status, body): (u16, &[u8])) {
    let Ok(request) = DeleteRequest::new("fuzz") else {
        return;
    };
    let status = status_of(status);
    let parsed = parse(&request, status, body);
    assert_eq!(parsed.is_ok(), status.is_success());
}

/// The listing (R12, R13): a page parses as plain serde reads it, and the pager either follows
/// its `next` link to a request for the listing on the configured base URL — never elsewhere,
/// never a page already fetched — or refuses the link with a typed error.
pub fn identifications_response((status, body): (u16, &[u8])) {
    let first = IdentificationsRequest::all();
    let Ok(page) = parse_and_compare(&first, status, body, |page| page.fallbacks()) else {
        return;
    };
    let config = config();
    let mut pager = IdentificationPager::new(first);
    let Some(Ok(taken)) = pager.take_request() else {
        panic!("the first page was not asked for");
    };
    let advanced = pager.advance(&config, &page);
    if advanced.is_err() {
        assert!(page.results.is_none(), "a page with results was refused");
        return;
    }
    match pager.take_request() {
        None => assert!(
            page.next_link().is_none(),
            "a next link neither followed nor refused"
        ),
        Some(Ok(next)) => {
            assert!(page.next_link().is_some(), "a next page out of nothing");
            assert_ne!(next, taken, "the same page again");
            let request = next
                .to_request(&config)
                .unwrap_or_else(|err| panic!("the next page cannot be asked for: {err}"));
            let uri = request.uri().to_string();
            assert!(
                uri.starts_with("https://api.example.com/base/kyc/identifications/"),
                "the next page leaves the base URL: {uri}"
            );
        }
        Some(Err(err)) => {
            assert!(page.next_link().is_some(), "a refused link out of nothing");
            let _ = err.to_string();
        }
    }
}

/// `/kyc/identifications/{scanRef}/request-information/` (R12).
pub fn request_information_response((status, body): (u16, &[u8])) {
    let Ok(request) = RequestInformationRequest::builder("fuzz").build() else {
        return;
    };
    let _ = parse_and_compare(&request, status, body, |answer| answer.fallbacks());
}

/// `/api/v2/process` (R12, R14): a 2xx is a success unless its body is an error body (an object
/// naming an `identifier` or a `message`, or anything that is not JSON), which is the API error
/// of that 2xx; anything else the API error of its status.
pub fn process_response((status, body): (u16, &[u8])) {
    let Ok(request) = ProcessRequest::builder(
        &idenfy_proto::AuthToken::new("FUZZ0TOKEN0FUZZ0TOKEN0FUZZ"),
        "LT",
    )
    .image(idenfy_proto::ImageStep::Front, &b"\xFF\xD8\xFF\xE0"[..])
    .build() else {
        panic!("the fixed upload was refused");
    };
    let status = status_of(status);
    match parse(&request, status, body) {
        Ok(()) => {
            assert!(status.is_success());
            if let Ok(serde_json::Value::Object(object)) = serde_json::from_slice(body) {
                for key in ["identifier", "message"] {
                    assert!(
                        object.get(key).is_none_or(serde_json::Value::is_null),
                        "a 2xx naming `{key}` was taken as a success"
                    );
                }
            }
        }
        Err(Error::Api(err)) => {
            assert_eq!(err.status(), status);
            let _ = err.to_string();
        }
        Err(other) => panic!("unexpected error {other:?}"),
    }
}

/// The face-authentication answers (R12), the endpoint chosen by the selector byte: status
/// check, token, session listing, one session.
pub fn face_auth_response((status, selector, body): (u16, u8, &[u8])) {
    match selector % 4 {
        0 => {
            if let Ok(request) = FaceAuthStatusRequest::new("fuzz") {
                let _ = parse_and_compare(&request, status, body, |answer| answer.fallbacks());
            }
        }
        1 => {
            if let Ok(request) = FaceAuthTokenRequest::builder("fuzz").build() {
                let _ = parse_and_compare(&request, status, body, |answer| answer.fallbacks());
            }
        }
        2 => {
            let request = FaceAuthSessionsRequest::new();
            if let Ok(sessions) =
                parse_and_compare(&request, status, body, |answer| answer.fallbacks())
            {
                // Nothing the server sent is lost: every item is a session or kept raw.
                if let Ok(serde_json::Value::Array(items)) =
                    serde_json::from_slice::<serde_json::Value>(body)
                {
                    let kept = sessions.sessions.len() + sessions.unreadable.len();
                    let non_null = items.iter().filter(|item| !item.is_null()).count();
                    assert_eq!(kept, non_null, "an item of the listing was lost");
                }
            }
        }
        _ => {
            if let Ok(request) = FaceAuthSessionRequest::new("fuzz-token") {
                let _ = parse_and_compare(&request, status, body, |answer| answer.fallbacks());
            }
        }
    }
}

/// The video-call answers (R12), the endpoint chosen by the selector byte: starting a call, the
/// call's recordings.
pub fn video_call_response((status, selector, body): (u16, u8, &[u8])) {
    if selector % 2 == 0 {
        if let Ok(request) = VideoCallRequest::new("fuzz") {
            let _ = parse_and_compare(&request, status, body, |answer| answer.fallbacks());
        }
    } else if let Ok(request) = VideoCallRecordRequest::new("fuzz") {
        let _ = parse_and_compare(&request, status, body, |answer| answer.fallbacks());
    }
}

/// The legacy `/api/v2/full-status` (R12).
pub fn full_status_response((status, body): (u16, &[u8])) {
    if let Ok(request) = FullStatusRequest::new("fuzz") {
        let _ = parse_and_compare(&request, status, body, |answer| answer.fallbacks());
    }
}
