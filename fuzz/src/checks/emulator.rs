//! The emulator's request handling (`idenfy_emulator::InMemory`): request lines, headers and
//! bodies of the iDenfy endpoints and of the control API, on requests given as values — no
//! socket, no connection.
//!
//! An input is up to four requests separated by a line `---`, each written as HTTP/1.1 text:
//! `METHOD TARGET` on the first line, then `Name: value` header lines, an empty line, the body
//! (`\n` or `\r\n` line ends). Before the input runs, a fresh emulator (quirks mode when the first
//! byte is odd) has one session created; `{auth}` in the text stands for valid `Basic`
//! credentials, `{scanRef}` and `{authToken}` for that session's. Webhooks are queued on a
//! runtime that is never driven: none is sent, no input reaches the network.

use std::net::SocketAddr;
use std::sync::OnceLock;

use bytes::Bytes;
use idenfy_emulator::{Emulator, InMemoryAnswer};
use idenfy_proto::{
    ApiError, DataRequest, DeleteRequest, Endpoint, FaceAuthSessionsRequest, FilesRequest,
    FullStatusRequest, IdentificationsRequest, PdfRequest, StatusRequest, TokenRequest,
    VideoCallRecordRequest, http,
};

/// Where the requests come from: loopback, as a local client's.
const REMOTE: &str = "127.0.0.1:40000";

/// The runtimes: one that serves the requests (its clock paused, so that an injected delay
/// passes at once), one that takes the emulator's background tasks and never runs them.
fn runtimes() -> &'static (tokio::runtime::Runtime, tokio::runtime::Runtime) {
    static RUNTIMES: OnceLock<(tokio::runtime::Runtime, tokio::runtime::Runtime)> = OnceLock::new();
    RUNTIMES.get_or_init(|| {
        let build = |paused: bool| {
            tokio::runtime::Builder::new_current_thread()
                .enable_time()
                .start_paused(paused)
                .build()
                .unwrap_or_else(|err| panic!("no runtime: {err}"))
        };
        (build(true), build(false))
    })
}

/// One request of the input, with the placeholders replaced; `None` when it is no HTTP request
/// (a method, target or header `http` refuses).
fn request_of(text: &[u8], replace: &dyn Fn(&[u8]) -> Vec<u8>) -> Option<http::Request<Bytes>> {
    let text = replace(text);
    let (head, body) = match find(&text, b"\r\n\r\n") {
        Some(at) => (text.get(..at)?, text.get(at + 4..)?),
        None => match find(&text, b"\n\n") {
            Some(at) => (text.get(..at)?, text.get(at + 2..)?),
            None => (text.as_slice(), &b""[..]),
        },
    };
    let mut lines = head
        .split(|byte| *byte == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line));
    let mut start = lines.next()?.split(|byte| *byte == b' ');
    let method = http::Method::from_bytes(start.next()?).ok()?;
    let uri = http::Uri::try_from(start.next()?).ok()?;
    let mut builder = http::Request::builder().method(method).uri(uri);
    for line in lines {
        let at = line.iter().position(|byte| *byte == b':')?;
        let name = http::HeaderName::from_bytes(line.get(..at)?).ok()?;
        let value = line.get(at + 1..)?.trim_ascii();
        builder = builder.header(name, http::HeaderValue::from_bytes(value).ok()?);
    }
    builder.body(Bytes::copy_from_slice(body)).ok()
}

/// Where `needle` first occurs in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// `text` with every `from` replaced by `to`.
fn replace_all(text: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = find(rest, from) {
        out.extend_from_slice(rest.get(..at).unwrap_or_default());
        out.extend_from_slice(to);
        rest = rest.get(at + from.len()..).unwrap_or_default();
    }
    out.extend_from_slice(rest);
    out
}

/// Any requests to a fresh emulator: never a panic, every answer a valid HTTP answer; an error
/// answer in JSON is an error body the client reads (an `identifier`); a `2xx` of an iDenfy
/// endpoint is an answer its client parser accepts; and no input makes an iDenfy endpoint fail
/// with `500` unless a control request (which can inject any status) came first.
pub fn emulator_request(input: &[u8]) {
    let (serve, idle) = runtimes();
    let Ok(emulator) = Emulator::builder()
        .credentials("fuzz-key", "fuzz-secret")
        .webhook_key("fuzz-webhook-key")
        .quirks(input.first().is_some_and(|byte| byte % 2 == 1))
        .in_memory(idle.handle().clone())
    else {
        panic!("the emulator did not build");
    };
    let remote: SocketAddr = REMOTE.parse().unwrap_or_else(|_| unreachable!());
    let config = emulator.config();

    // One session to refer to.
    let token = TokenRequest::builder("fuzz-client")
        .build()
        .map_err(idenfy_proto::Error::from)
        .and_then(|request| request.to_request(&config))
        .unwrap_or_else(|err| panic!("the setup token request: {err}"));
    let created = serve.block_on(emulator.handle(remote, token.map(Bytes::from)));
    let session: serde_json::Value =
        serde_json::from_slice(created.response.body()).unwrap_or_default();
    let field = |name: &str| {
        session[name]
            .as_str()
            .unwrap_or_default()
            .as_bytes()
            .to_vec()
    };
    let (scan_ref, auth_token) = (field("scanRef"), field("authToken"));
    assert!(!scan_ref.is_empty(), "the setup session was not created");
    let auth = http::HeaderValue::from_str(&basic("fuzz-key", "fuzz-secret"))
        .unwrap_or_else(|_| unreachable!());
    let replace = |text: &[u8]| {
        let text = replace_all(text, b"{auth}", auth.as_bytes());
        let text = replace_all(&text, b"{scanRef}", &scan_ref);
        replace_all(&text, b"{authToken}", &auth_token)
    };

    let body = input.get(1..).unwrap_or_default();
    let mut controlled = false;
    let mut rest = body;
    for _ in 0..4 {
        let (text, next) = match find(rest, b"\n---\n") {
            Some(at) => (
                rest.get(..at).unwrap_or_default(),
                rest.get(at + 5..).unwrap_or_default(),
            ),
            None => (rest, &b""[..]),
        };
        if let Some(request) = request_of(text, &replace) {
            let path = request.uri().path().to_owned();
            let method = request.method().clone();
            let answer = serve.block_on(emulator.handle(remote, request));
            check_answer(&path, &method, &answer, controlled);
            controlled |= path.starts_with("/__emulator");
        }
        if next.is_empty() {
            break;
        }
        rest = next;
    }
    // Dropping the emulator aborts its tasks; a turn of the idle runtime lets go of them (an
    // aborted task is dropped, never run).
    drop(emulator);
    idle.block_on(tokio::task::yield_now());
}

/// `Basic` credentials.
fn basic(key: &str, secret: &str) -> String {
    use base64::Engine as _;
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{key}:{secret}"));
    format!("Basic {encoded}")
}

/// The checks of one answer (see [`emulator_request`]).
fn check_answer(path: &str, method: &http::Method, answer: &InMemoryAnswer, controlled: bool) {
    if answer.raw.is_some() {
        // A fault wrote the wire itself: nothing to read as an answer.
        return;
    }
    let response = &answer.response;
    let status = response.status();
    let body: &[u8] = response.body();
    let json = response
        .headers()
        .get(http::header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"application/json"));
    let api = !path.starts_with("/__emulator");
    if api && !controlled {
        assert_ne!(
            status,
            http::StatusCode::INTERNAL_SERVER_ERROR,
            "{path}: {body:?}"
        );
    }
    if !status.is_success() && json && !controlled && status.as_u16() >= 400 {
        let error = ApiError::from_response(status, body);
        assert!(
            error.identifier().is_some(),
            "{status} {path}: an error body without an identifier"
        );
    }
    if !(api && status.is_success() && !controlled && method != http::Method::HEAD) {
        return;
    }
    let parsed: Option<Result<(), idenfy_proto::Error>> = match path {
        "/api/v2/token" => TokenRequest::builder("c")
            .build()
            .ok()
            .map(|request| request.parse(reply(response)).map(drop)),
        "/api/v2/status" => parse_with(StatusRequest::new("s"), reply(response)),
        "/api/v2/data" => parse_with(DataRequest::new("s"), reply(response)),
        "/api/v2/files" => parse_with(FilesRequest::new("s"), reply(response)),
        "/api/v2/delete" => parse_with(DeleteRequest::new("s"), reply(response)),
        "/api/v2/generate-pdf" => parse_with(PdfRequest::new("s"), reply(response)),
        "/api/v2/full-status" => parse_with(FullStatusRequest::new("s"), reply(response)),
        "/api/v2/video-call-record" => {
            parse_with(VideoCallRecordRequest::new("s"), reply(response))
        }
        "/kyc/identifications/" => Some(
            IdentificationsRequest::all()
                .parse(reply(response))
                .map(drop),
        ),
        "/api/v2/facial-authentication-sessions/" => Some(
            FaceAuthSessionsRequest::new()
                .parse(reply(response))
                .map(drop),
        ),
        _ => None,
    };
    if let Some(Err(err)) = parsed {
        panic!("the client refused the emulator's {status} answer to {path}: {err}");
    }
}

/// The answer as the client's parsers take it.
fn reply(response: &http::Response<Bytes>) -> http::Response<&[u8]> {
    let mut copy = http::Response::new(response.body().as_ref());
    *copy.status_mut() = response.status();
    *copy.headers_mut() = response.headers().clone();
    copy
}

/// `response` parsed by `request`, when it was built.
fn parse_with<E: Endpoint>(
    request: Result<E, idenfy_proto::ValidationError>,
    response: http::Response<&[u8]>,
) -> Option<Result<(), idenfy_proto::Error>> {
    request
        .ok()
        .map(|request| request.parse(response).map(drop))
}
