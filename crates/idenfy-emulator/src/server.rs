//! The HTTP server: the accept loop, the per-connection service, faults, and the iDenfy
//! endpoints (`/api/v2/…`).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use bytes::Bytes;
use http_body_util::{BodyExt as _, Full, Limited};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use idenfy_proto::http::header::{
    ALLOW, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, LOCATION, WWW_AUTHENTICATE,
};
use idenfy_proto::http::{
    HeaderMap, HeaderName, HeaderValue, Method, Request, Response, StatusCode,
};
use idenfy_proto::server::{self, ErrorBody};
use idenfy_proto::{ErrorIdentifier, Rule, ScanRef, ValidationError};
use serde_json::Value;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

use crate::control;
use crate::fault::{self, FaultKind, FaultyStream, GARBAGE, RawSlot};
use crate::payload;
use crate::shared::{Shared, stopped};
use crate::state::DeleteRefusal;

/// The prefix of the control API.
pub(crate) const CONTROL_PREFIX: &str = "/__emulator";

/// The largest request body read.
const MAX_BODY_BYTES: usize = 1024 * 1024;

/// How long open connections may finish their requests once the emulator stops.
const GRACE: Duration = Duration::from_secs(2);

/// Where iDenfy's documented error bodies point (reference §3.6).
const DOCUMENTATION_URL: &str = "https://github.com/idenfy/Documentation";

/// An answer being built: status, headers and the whole body (kept as bytes so that a
/// truncating fault can cut it).
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) body: Bytes,
}

impl Answer {
    pub(crate) fn new(status: u16, content_type: &str, body: impl Into<Bytes>) -> Self {
        let mut headers = Vec::new();
        if let Ok(value) = HeaderValue::try_from(content_type) {
            headers.push((CONTENT_TYPE, value));
        }
        Self {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            headers,
            body: body.into(),
        }
    }

    pub(crate) fn empty(status: u16) -> Self {
        Self {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
            headers: Vec::new(),
            body: Bytes::new(),
        }
    }

    pub(crate) fn json(status: u16, value: &Value) -> Self {
        Self::new(status, "application/json", value.to_string())
    }

    pub(crate) fn error(status: u16, body: &ErrorBody) -> Self {
        Self::new(status, "application/json", body.to_vec())
    }

    pub(crate) fn html(status: u16, page: String) -> Self {
        Self::new(status, "text/html; charset=utf-8", page)
    }

    pub(crate) fn with_header(mut self, name: HeaderName, value: &str) -> Self {
        if let Ok(value) = HeaderValue::try_from(value) {
            self.headers.retain(|(existing, _)| *existing != name);
            self.headers.push((name, value));
        }
        self
    }

    fn into_response(self) -> Response<Full<Bytes>> {
        let mut response = Response::new(Full::new(self.body));
        *response.status_mut() = self.status;
        response.headers_mut().extend(self.headers);
        response
    }

    /// The answer on the wire with a `Content-Length` larger than the body, and only half the
    /// body: what a connection cut in the middle of the body delivers.
    fn truncated_bytes(&self) -> Vec<u8> {
        let mut raw = format!(
            "HTTP/1.1 {} {}\r\n",
            self.status.as_u16(),
            self.status.canonical_reason().unwrap_or("Unknown")
        )
        .into_bytes();
        for (name, value) in &self.headers {
            if name == CONTENT_LENGTH {
                continue;
            }
            raw.extend_from_slice(name.as_str().as_bytes());
            raw.extend_from_slice(b": ");
            raw.extend_from_slice(value.as_bytes());
            raw.extend_from_slice(b"\r\n");
        }
        let announced = self.body.len() + 64;
        raw.extend_from_slice(format!("content-length: {announced}\r\n\r\n").as_bytes());
        raw.extend(self.body.iter().take(self.body.len() / 2));
        raw
    }
}

/// An error body with iDenfy's identifier and message.
pub(crate) fn error(
    status: u16,
    identifier: ErrorIdentifier,
    message: impl Into<String>,
) -> Answer {
    Answer::error(status, &ErrorBody::new(identifier, message))
}

/// `404` with the emulator's `NOT_FOUND` identifier (iDenfy documents none for this case).
pub(crate) fn not_found(message: impl Into<String>) -> Answer {
    error(404, ErrorIdentifier::from("NOT_FOUND"), message)
}

/// `405 METHOD_NOT_ALLOWED` with the `Allow` header.
pub(crate) fn method_not_allowed(method: &Method, allow: &str) -> Answer {
    error(
        405,
        ErrorIdentifier::MethodNotAllowed,
        format!("Method \"{method}\" not allowed."),
    )
    .with_header(ALLOW, allow)
}

/// A refused value as iDenfy reports it: `MISSING_VALUE` for a missing field, `BAD_VALUE`
/// otherwise, the message naming the field and the rule.
pub(crate) fn validation_error(err: &ValidationError) -> Answer {
    if err.field() == "body" {
        return error(
            400,
            ErrorIdentifier::BadValue,
            format!("The request body {}.", err.rule()),
        );
    }
    let identifier = match err.rule() {
        Rule::Required => ErrorIdentifier::MissingValue,
        _ => ErrorIdentifier::BadValue,
    };
    error(
        400,
        identifier,
        format!("Field '{}' {}.", err.field(), err.rule()),
    )
}

/// Reads a request body of at most [`MAX_BODY_BYTES`].
pub(crate) async fn read_body(body: Incoming) -> Result<Bytes, Answer> {
    match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(err) if err.is::<http_body_util::LengthLimitError>() => Err(error(
            413,
            ErrorIdentifier::BadValue,
            "The request body is larger than 1 MiB.",
        )),
        Err(_) => Err(error(
            400,
            ErrorIdentifier::BadValue,
            "The request body could not be read.",
        )),
    }
}

/// Parses a JSON body as iDenfy does: `ENCODING_ERROR` when it is not UTF-8, `JSON_ERROR` when
/// it is not JSON.
pub(crate) fn parse_json(body: &[u8]) -> Result<Value, Answer> {
    let text = std::str::from_utf8(body).map_err(|_| {
        error(
            400,
            ErrorIdentifier::EncodingError,
            "The request body is not valid UTF-8.",
        )
    })?;
    serde_json::from_str(text).map_err(|err| {
        error(
            400,
            ErrorIdentifier::JsonError,
            format!("Malformed JSON: {err}."),
        )
    })
}

/// Decodes `%XX` escapes (and `+` as a space when `plus_is_space`); invalid escapes are kept.
pub(crate) fn percent_decode(text: &str, plus_is_space: bool) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        let hex = |at: usize| bytes.get(at).and_then(|b| char::from(*b).to_digit(16));
        match byte {
            b'%' => match (hex(index + 1), hex(index + 2)) {
                (Some(high), Some(low)) => {
                    out.push(u8::try_from(high * 16 + low).unwrap_or(b'?'));
                    index += 3;
                    continue;
                }
                _ => out.push(byte),
            },
            b'+' if plus_is_space => out.push(b' '),
            _ => out.push(byte),
        }
        index += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encodes everything but unreserved characters (RFC 3986).
pub(crate) fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
                char::from(byte).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect()
}

/// The value of `name` in a query string or form body.
pub(crate) fn form_value(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (percent_decode(key, true) == name).then(|| percent_decode(value, true))
    })
}

/// Serves connections until the emulator stops, then gives open ones [`GRACE`] to finish.
pub(crate) async fn run(shared: Arc<Shared>, listener: TcpListener) {
    let mut shutdown = shared.shutdown.subscribe();
    shared.spawn(sweeper(Arc::clone(&shared)));
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = stopped(&mut shutdown) => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => match accepted {
                Ok((stream, remote)) => {
                    connections.spawn(serve(Arc::clone(&shared), stream, remote));
                }
                // Out of file descriptors and the like: wait a little rather than spin.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            },
        }
    }
    drop(listener);
    let drained = async { while connections.join_next().await.is_some() {} };
    let _ = tokio::time::timeout(GRACE, drained).await;
    connections.shutdown().await;
    shared.stop_tasks().await;
}

/// Applies the clock once a second, so tokens expire in real time too.
async fn sweeper(shared: Arc<Shared>) {
    let mut shutdown = shared.shutdown.subscribe();
    let mut interval = tokio::time::interval(Duration::from_secs(1));
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = stopped(&mut shutdown) => return,
            _ = interval.tick() => shared.tick(),
        }
    }
}

/// Serves one connection (HTTP/1.1, or HTTP/2 with prior knowledge).
async fn serve(shared: Arc<Shared>, stream: TcpStream, remote: SocketAddr) {
    let _ = stream.set_nodelay(true);
    let slot = Arc::new(RawSlot::default());
    let io = TokioIo::new(FaultyStream::new(stream, Arc::clone(&slot)));
    let service_shared = Arc::clone(&shared);
    let service = service_fn(move |request| {
        let shared = Arc::clone(&service_shared);
        let slot = Arc::clone(&slot);
        async move { Ok::<_, Infallible>(handle(shared, slot, remote, request).await.into_response()) }
    });
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new());
    builder.http2().timer(TokioTimer::new());
    let connection = builder.serve_connection(io, service);
    tokio::pin!(connection);
    let mut shutdown = shared.shutdown.subscribe();
    tokio::select! {
        _ = connection.as_mut() => {}
        _ = stopped(&mut shutdown) => {
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        }
    }
}

/// One request: the control API, or faults then the iDenfy endpoints.
async fn handle(
    shared: Arc<Shared>,
    slot: Arc<RawSlot>,
    remote: SocketAddr,
    request: Request<Incoming>,
) -> Answer {
    let path = request.uri().path();
    if path == CONTROL_PREFIX || path.starts_with("/__emulator/") {
        return control::handle(&shared, remote, request).await;
    }
    let fault = shared.with_state(|state| fault::take_matching(&mut state.faults, path));
    let mut truncate = false;
    let mut lose = false;
    match fault {
        Some(FaultKind::Status {
            status,
            content_type,
            body,
        }) => return Answer::new(status, &content_type, body),
        Some(FaultKind::Delay(delay)) => {
            let mut shutdown = shared.shutdown.subscribe();
            tokio::select! {
                _ = tokio::time::sleep(delay) => {}
                _ = stopped(&mut shutdown) => {}
            }
        }
        Some(FaultKind::DropConnection) => {
            slot.set(Vec::new());
            return Answer::empty(200);
        }
        Some(FaultKind::Garbage) => {
            slot.set(GARBAGE.to_vec());
            return Answer::empty(200);
        }
        Some(FaultKind::TruncateBody) => truncate = true,
        Some(FaultKind::LoseAnswer) => lose = true,
        None => {}
    }
    let answer = api(&shared, remote, request).await;
    if truncate {
        slot.set(answer.truncated_bytes());
    } else if lose {
        slot.set(Vec::new());
    }
    answer
}

/// The iDenfy endpoints the emulator knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Endpoint {
    Token,
    Status,
    Data,
    Files,
    Delete,
    Pdf,
}

/// `/api/v2/…`: routing, authentication, the request limit, the method, then the endpoint.
async fn api(shared: &Arc<Shared>, remote: SocketAddr, request: Request<Incoming>) -> Answer {
    shared.tick();
    let endpoint = match request.uri().path() {
        "/api/v2/redirect" => return redirect(shared, remote, &request),
        "/api/v2/token" => Endpoint::Token,
        "/api/v2/status" => Endpoint::Status,
        "/api/v2/data" => Endpoint::Data,
        "/api/v2/files" => Endpoint::Files,
        "/api/v2/delete" => Endpoint::Delete,
        "/api/v2/generate-pdf" => Endpoint::Pdf,
        path => return not_found(format!("No endpoint at {path}.")),
    };
    if let Err(answer) = authenticate(shared, request.headers()) {
        return answer;
    }
    let now = shared.now_ms();
    let limit = shared.requests_per_hour;
    if !shared.with_state(|state| state.admit_request(now, limit)) {
        let limit = limit.unwrap_or_default();
        return error(
            429,
            ErrorIdentifier::TooManyRequests,
            format!("Requests per hour limit has been reached. The limit is {limit}."),
        );
    }
    if request.method() != Method::POST {
        return method_not_allowed(request.method(), "POST");
    }
    let body = match read_body(request.into_body()).await {
        Ok(body) => body,
        Err(answer) => return answer,
    };
    let value = match parse_json(&body) {
        Ok(value) => value,
        Err(answer) => return answer,
    };
    match endpoint {
        Endpoint::Token => create_token(shared, &value),
        _ => scan_ref_endpoint(shared, endpoint, &value),
    }
}

/// Checks the Basic credentials (R1); `401 UNAUTHORIZED` otherwise.
fn authenticate(shared: &Shared, headers: &HeaderMap) -> Result<(), Answer> {
    let refuse = |message: &str| {
        error(401, ErrorIdentifier::Unauthorized, message)
            .with_header(WWW_AUTHENTICATE, "Basic realm=\"api\"")
    };
    let Some(value) = headers.get(AUTHORIZATION) else {
        return Err(refuse("Authentication credentials were not provided."));
    };
    let credentials = value
        .to_str()
        .ok()
        .and_then(|value| value.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("basic"))
        .and_then(|(_, encoded)| {
            base64::engine::general_purpose::STANDARD
                .decode(encoded.trim())
                .ok()
        })
        .and_then(|decoded| String::from_utf8(decoded).ok());
    let valid = credentials
        .as_deref()
        .and_then(|text| text.split_once(':'))
        .is_some_and(|(key, secret)| {
            // Both compared in full, whatever the first says.
            // In constant time, and without showing their lengths (R10).
            let key_ok = server::constant_time_eq(shared.api_key.as_bytes(), key.as_bytes());
            let secret_ok = server::constant_time_eq(
                shared.api_secret.expose_secret().as_bytes(),
                secret.as_bytes(),
            );
            key_ok & secret_ok
        });
    if valid {
        Ok(())
    } else {
        Err(refuse("Invalid API key or API secret."))
    }
}

/// `POST /api/v2/token`.
fn create_token(shared: &Arc<Shared>, value: &Value) -> Answer {
    let request = match server::read_token_request(value) {
        Ok(request) => request,
        Err(err) => return validation_error(&err),
    };
    if let Err(message) = crate::state::check_extra_fields(&request, crate::MAX_EXTRA_FIELD_BYTES) {
        return error(400, ErrorIdentifier::BadValue, message);
    }
    let drawn = (|| {
        let scan_ref = shared.rng.uuid_v4()?;
        let auth_token = shared.rng.alphanumeric(26)?;
        let digit_string = match request.generate_digit_string() {
            Some(true) => Some(shared.rng.digits(8)?),
            _ => None,
        };
        Ok::<_, getrandom::Error>((scan_ref, auth_token, digit_string))
    })();
    let Ok((scan_ref, auth_token, digit_string)) = drawn else {
        // The OS random source failed: no token rather than a guessable one.
        return error(
            500,
            ErrorIdentifier::InternalError,
            "No random source for the token.",
        );
    };
    let now = shared.now_ms();
    let body = shared.with_state(|state| {
        state.create(request, (scan_ref.clone(), auth_token, digit_string), now);
        state
            .get(&scan_ref)
            .map(|session| payload::token_response(session, &shared.base_url))
    });
    match body {
        Some(mut body) => {
            // iDenfy echoes `country` as given ("lt" stays "lt"); the validated request holds
            // it upper-cased.
            if let (Some(given @ Value::String(_)), Value::Object(fields)) =
                (value.get("country"), &mut body)
            {
                fields.insert("country".to_owned(), given.clone());
            }
            Answer::json(201, &body)
        }
        None => error(500, ErrorIdentifier::InternalError, "The token was lost."),
    }
}

/// Reads and checks the `scanRef` of a `{"scanRef": …}` body.
fn scan_ref_of(value: &Value) -> Result<ScanRef, Answer> {
    let Value::Object(fields) = value else {
        return Err(validation_error(&ValidationError::new(
            "body",
            Rule::WrongType {
                expected: "a JSON object",
            },
        )));
    };
    match fields.get("scanRef") {
        None | Some(Value::Null) => Err(validation_error(&ValidationError::new(
            "scanRef",
            Rule::Required,
        ))),
        Some(Value::String(text)) => {
            ScanRef::new(text.as_str()).map_err(|err| validation_error(&err))
        }
        Some(_) => Err(validation_error(&ValidationError::new(
            "scanRef",
            Rule::WrongType {
                expected: "a string",
            },
        ))),
    }
}

/// `status`, `data`, `files`, `delete` and `generate-pdf`.
fn scan_ref_endpoint(shared: &Shared, endpoint: Endpoint, value: &Value) -> Answer {
    let scan_ref = match scan_ref_of(value) {
        Ok(scan_ref) => scan_ref,
        Err(answer) => return answer,
    };
    let scan_ref = scan_ref.as_str();
    let unknown = || {
        not_found(format!(
            "No verification with scanRef '{scan_ref}' was found."
        ))
    };
    shared.with_state(|state| {
        if endpoint == Endpoint::Delete {
            return match state.delete(scan_ref) {
                Ok(()) => Answer::empty(200),
                Err(DeleteRefusal::Unknown) => unknown(),
                Err(DeleteRefusal::NotExpired) => {
                    let mut body =
                        ErrorBody::new(ErrorIdentifier::PartnerError, "Token has not expired yet.");
                    body.documentation = Some(DOCUMENTATION_URL.to_owned());
                    body.severity = Some("NOT_SEVERE".to_owned());
                    Answer::error(400, &body)
                }
            };
        }
        let Some(session) = state.get(scan_ref) else {
            return unknown();
        };
        match endpoint {
            Endpoint::Status => Answer::json(200, &payload::status_json(session)),
            Endpoint::Data => Answer::json(200, &payload::data_json(session)),
            Endpoint::Files => Answer::json(
                200,
                &Value::Object(payload::file_urls(session, &shared.base_url)),
            ),
            Endpoint::Pdf if session.has_result() => {
                Answer::new(200, "application/pdf", payload::pdf_report(session))
            }
            Endpoint::Pdf => error(
                400,
                ErrorIdentifier::BadValue,
                format!(
                    "Verification '{scan_ref}' has no report: its status is {}.",
                    session.status()
                ),
            ),
            Endpoint::Token | Endpoint::Delete => unknown(),
        }
    })
}

/// `GET /api/v2/redirect?authToken=…`: the hosted flow's stand-in. An active token opens the
/// session (its `sessionLength` starts; not for `HEAD`) and gets the page with the outcome form.
fn redirect(shared: &Shared, remote: SocketAddr, request: &Request<Incoming>) -> Answer {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return method_not_allowed(request.method(), "GET, HEAD");
    }
    let token = request
        .uri()
        .query()
        .and_then(|query| form_value(query, "authToken"))
        .unwrap_or_default();
    let now = shared.now_ms();
    shared.with_state(|state| {
        let Some(scan_ref) = state
            .by_token(&token)
            .filter(|session| session.expires_ms().is_some() && !session.deleted)
            .map(|session| session.scan_ref.clone())
        else {
            let (status, page) = payload::unusable_token_page(state.by_token(&token));
            return Answer::html(status, page);
        };
        let opened = request.method() == Method::HEAD
            || state
                .start(&scan_ref, now, Some(remote.ip().to_string()))
                .is_ok();
        if !opened {
            let (status, page) = payload::unusable_token_page(state.get(&scan_ref));
            return Answer::html(status, page);
        }
        match state.get(&scan_ref) {
            Some(session) => Answer::html(200, payload::verification_page(session)),
            None => Answer::html(404, payload::unusable_token_page(None).1),
        }
    })
}

/// A `303 See Other` to `location` with a small page linking to it.
pub(crate) fn see_other(location: &str, page: String) -> Answer {
    Answer::html(303, page).with_header(LOCATION, location)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%20b+c%zz", true), "a b c%zz");
        assert_eq!(percent_decode("a+b", false), "a+b");
        assert_eq!(
            form_value("x=1&authToken=Ab%2Bc&y", "authToken").as_deref(),
            Some("Ab+c")
        );
        assert_eq!(form_value("y", "y").as_deref(), Some(""));
        assert_eq!(form_value("x=1", "authToken"), None);
    }

    #[test]
    fn truncation_announces_more_than_it_sends() {
        let answer = Answer::json(201, &serde_json::json!({"authToken": "x".repeat(26)}));
        let raw = String::from_utf8(answer.truncated_bytes()).unwrap_or_default();
        assert!(raw.starts_with("HTTP/1.1 201 Created\r\n"));
        let (head, body) = raw.split_once("\r\n\r\n").unwrap_or_default();
        assert!(head.contains("content-type: application/json"));
        assert!(head.contains(&format!("content-length: {}", answer.body.len() + 64)));
        assert_eq!(body.len(), answer.body.len() / 2);
    }
}
