//! The HTTP server: the accept loop, the per-connection service, faults, and the iDenfy
//! endpoints (`/api/v2/…`).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use bytes::Bytes;
use http_body_util::{BodyExt as _, Full, Limited};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use idenfy_proto::http::header::{
    ALLOW, AUTHORIZATION, CONNECTION, CONTENT_LENGTH, CONTENT_TYPE, LOCATION, RETRY_AFTER,
    WWW_AUTHENTICATE,
};
use idenfy_proto::http::{
    HeaderMap, HeaderName, HeaderValue, Method, Request, Response, StatusCode,
};
use idenfy_proto::server::{self, ErrorBody};
use idenfy_proto::{ErrorIdentifier, Rule, ScanRef, ValidationError};
use serde_json::Value;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::callback;
use crate::control;
use crate::face_auth;
use crate::fault::{self, FaultKind, FaultyStream, GARBAGE, RawSlot};
use crate::kyc;
use crate::payload;
use crate::process;
use crate::quirks;
use crate::shared::{Shared, stopped};
use crate::state::DeleteRefusal;
use crate::video_call;
use crate::{
    DEFAULT_BODY_READ_TIMEOUT, DEFAULT_HEADER_READ_TIMEOUT, DEFAULT_IDLE_TIMEOUT,
    DEFAULT_MAX_CONNECTIONS, lock,
};

/// The prefix of the control API.
pub(crate) const CONTROL_PREFIX: &str = "/__emulator";

/// Whether `path` is the control API's (`/__emulator` or under `/__emulator/`): never faulted.
pub(crate) fn is_control_path(path: &str) -> bool {
    path.strip_prefix(CONTROL_PREFIX)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// The largest request body read.
const MAX_BODY_BYTES: usize = 1024 * 1024;

/// A request body the server reads: hyper's [`Incoming`](hyper::body::Incoming) from a connection, or one given in
/// memory ([`crate::InMemory`]).
pub(crate) trait RequestBody:
    hyper::body::Body<Data = Bytes, Error: Into<Box<dyn std::error::Error + Send + Sync>>> + Send
{
}

impl<B> RequestBody for B where
    B: hyper::body::Body<Data = Bytes, Error: Into<Box<dyn std::error::Error + Send + Sync>>>
        + Send
{
}

/// How long open connections may finish their requests once the emulator stops.
const GRACE: Duration = Duration::from_secs(2);

/// How long a connection closed for idleness may take to finish what it was writing.
const IDLE_CLOSE_GRACE: Duration = Duration::from_secs(1);

/// The longest timeout the builder accepts, in milliseconds (one day).
const MAX_TIMEOUT_MS: i64 = 86_400_000;

/// The most connections the builder accepts as a cap.
const MAX_CONNECTIONS_CAP: usize = 1_000_000;

/// How many refusals past the connection cap may be under way at once; past them a new
/// connection is closed without an answer.
const MAX_REFUSALS: usize = 64;

/// How long a refused connection is read (and what it sends thrown away) after its `503`, so
/// that closing it does not reset the answer away.
const REFUSAL_DRAIN: Duration = Duration::from_millis(500);

/// The most bytes of a refused connection read and thrown away.
const REFUSAL_DRAIN_BYTES: usize = 64 * 1024;

/// The bounds on connections an emulator serves with (see the crate docs, "Connections").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ConnectionLimits {
    /// HTTP/1.1: the time to send a request's head; HTTP/2: the keep-alive ping interval and
    /// the time to answer a ping.
    pub(crate) header_read_timeout: Duration,
    /// How long a connection may go without a request in progress.
    pub(crate) idle_timeout: Duration,
    /// The time to send a request's whole body, from the moment the emulator starts reading it.
    pub(crate) body_read_timeout: Duration,
    /// The most connections served at once.
    pub(crate) max_connections: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            body_read_timeout: DEFAULT_BODY_READ_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
        }
    }
}

impl ConnectionLimits {
    /// Checks every limit: timeouts from 1 ms to one day, a cap from 1 to 1 000 000; the error
    /// names the builder setting (`headerReadTimeoutMs`, …).
    pub(crate) fn checked(self) -> Result<Self, ValidationError> {
        for (field, timeout) in [
            ("headerReadTimeoutMs", self.header_read_timeout),
            ("idleTimeoutMs", self.idle_timeout),
            ("bodyReadTimeoutMs", self.body_read_timeout),
        ] {
            let millis = i64::try_from(timeout.as_millis()).unwrap_or(i64::MAX);
            if !(1..=MAX_TIMEOUT_MS).contains(&millis) {
                return Err(ValidationError::new(
                    field,
                    Rule::Range {
                        min: 1,
                        max: MAX_TIMEOUT_MS,
                        actual: millis,
                    },
                ));
            }
        }
        if !(1..=MAX_CONNECTIONS_CAP).contains(&self.max_connections) {
            return Err(ValidationError::new(
                "maxConnections",
                Rule::Range {
                    min: 1,
                    max: i64::try_from(MAX_CONNECTIONS_CAP).unwrap_or(i64::MAX),
                    actual: i64::try_from(self.max_connections).unwrap_or(i64::MAX),
                },
            ));
        }
        Ok(self)
    }
}

/// Where iDenfy's documented error bodies point (reference §3.6).
pub(crate) const DOCUMENTATION_URL: &str = "https://github.com/idenfy/Documentation";

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
        // The same compact bytes as `value.to_string()`, without the formatting machinery
        // (serializing a `Value` cannot fail; the fallback is there for form's sake).
        let body = serde_json::to_vec(value).unwrap_or_else(|_| value.to_string().into_bytes());
        Self::new(status, "application/json", body)
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

    pub(crate) fn into_response(self) -> Response<Full<Bytes>> {
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

/// Reads a request body of at most [`MAX_BODY_BYTES`] within `deadline` (the connection's
/// body-read timeout); a body still coming after it is answered `408` and the connection closed.
pub(crate) async fn read_body<B: RequestBody>(
    body: B,
    deadline: Duration,
) -> Result<Bytes, Answer> {
    read_body_within(body, deadline, MAX_BODY_BYTES).await
}

/// [`read_body`] with a limit of `max` bytes: `413` past it — at once, unread, when the
/// request's `Content-Length` says so.
async fn read_body_within<B: RequestBody>(
    body: B,
    deadline: Duration,
    max: usize,
) -> Result<Bytes, Answer> {
    let too_large = || {
        error(
            413,
            ErrorIdentifier::BadValue,
            if max == MAX_BODY_BYTES {
                "The request body is larger than 1 MiB.".to_owned()
            } else {
                format!("The request body is larger than {max} bytes.")
            },
        )
    };
    let announced =
        usize::try_from(hyper::body::Body::size_hint(&body).lower()).unwrap_or(usize::MAX);
    if announced > max {
        return Err(too_large().with_header(CONNECTION, "close"));
    }
    let collected = tokio::time::timeout(deadline, Limited::new(body, max).collect());
    let Ok(collected) = collected.await else {
        return Err(error(
            408,
            ErrorIdentifier::BadValue,
            format!(
                "The request body was not received within {} ms.",
                deadline.as_millis()
            ),
        )
        .with_header(CONNECTION, "close"));
    };
    match collected {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(err) if err.is::<http_body_util::LengthLimitError>() => Err(too_large()),
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
///
/// At most `limits.max_connections` are served at once; a connection past the cap is accepted,
/// answered `503` with `Connection: close` ([`refuse`]) and closed, so that a client hears why
/// rather than waiting in the listen queue.
pub(crate) async fn run(shared: Arc<Shared>, listener: TcpListener, limits: ConnectionLimits) {
    let mut shutdown = shared.shutdown.subscribe();
    shared.spawn(sweeper(Arc::clone(&shared)));
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let refusals = Arc::new(Semaphore::new(MAX_REFUSALS));
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = stopped(&mut shutdown) => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => match accepted {
                Ok((stream, remote)) => match Arc::clone(&slots).try_acquire_owned() {
                    Ok(slot) => {
                        connections.spawn(serve(Arc::clone(&shared), stream, remote, limits, slot));
                    }
                    Err(_) => {
                        // Past the refusals under way too: closed at once (dropped here).
                        if let Ok(refusal) = Arc::clone(&refusals).try_acquire_owned() {
                            connections.spawn(refuse(stream, limits.max_connections, refusal));
                        }
                    }
                },
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

/// The answer to a connection past the cap: `503` with an iDenfy error body, `Retry-After: 1`
/// and `Connection: close`, written at once in HTTP/1.1 whatever the client sent.
fn refusal_bytes(max_connections: usize) -> Vec<u8> {
    let body = ErrorBody::new(
        ErrorIdentifier::InternalError,
        format!(
            "The emulator serves at most {max_connections} connections at once; try again \
             when one has closed."
        ),
    )
    .to_vec();
    let mut bytes = format!(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    bytes.extend_from_slice(&body);
    bytes
}

/// Refuses a connection past the cap: writes [`refusal_bytes`], stops writing, then reads what
/// the client sends for at most [`REFUSAL_DRAIN`] (closing with unread data would reset the
/// connection and could destroy the answer before the client read it).
async fn refuse(mut stream: TcpStream, max_connections: usize, _refusal: OwnedSemaphorePermit) {
    let answer = async {
        stream.write_all(&refusal_bytes(max_connections)).await?;
        stream.shutdown().await?;
        let mut buffer = [0_u8; 4096];
        let mut drained = 0;
        while drained < REFUSAL_DRAIN_BYTES {
            match stream.read(&mut buffer).await? {
                0 => break,
                read => drained += read,
            }
        }
        Ok::<(), std::io::Error>(())
    };
    let _ = tokio::time::timeout(REFUSAL_DRAIN, answer).await;
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

/// Whether a connection has a request in progress, and since when it has had none.
#[derive(Debug)]
struct Activity(Mutex<(usize, Instant)>);

impl Activity {
    fn new() -> Self {
        Self(Mutex::new((0, Instant::now())))
    }

    /// Marks a request as begun; it ends when the guard is dropped.
    fn begin(self: &Arc<Self>) -> InProgress {
        lock(&self.0).0 += 1;
        InProgress(Arc::clone(self))
    }

    /// Resolves once no request has been in progress for `timeout`.
    async fn idle_for(&self, timeout: Duration) {
        loop {
            let (in_progress, since) = *lock(&self.0);
            let now = Instant::now();
            let deadline = if in_progress > 0 {
                now.checked_add(timeout)
            } else {
                since.checked_add(timeout)
            };
            let Some(deadline) = deadline else {
                return std::future::pending().await;
            };
            if in_progress == 0 && deadline <= now {
                return;
            }
            tokio::time::sleep_until(deadline).await;
        }
    }
}

/// A request in progress on a connection (see [`Activity`]).
struct InProgress(Arc<Activity>);

impl Drop for InProgress {
    fn drop(&mut self) {
        let mut activity = lock(&self.0.0);
        activity.0 = activity.0.saturating_sub(1);
        activity.1 = Instant::now();
    }
}

/// Serves one connection (HTTP/1.1, or HTTP/2 with prior knowledge) within `limits`; `_slot`
/// holds its place under the connection cap until it closes.
async fn serve(
    shared: Arc<Shared>,
    stream: TcpStream,
    remote: SocketAddr,
    limits: ConnectionLimits,
    _slot: OwnedSemaphorePermit,
) {
    let _ = stream.set_nodelay(true);
    let slot = Arc::new(RawSlot::default());
    let io = TokioIo::new(FaultyStream::new(stream, Arc::clone(&slot)));
    let activity = Arc::new(Activity::new());
    let service_shared = Arc::clone(&shared);
    let service_activity = Arc::clone(&activity);
    let service = service_fn(move |request| {
        let shared = Arc::clone(&service_shared);
        let slot = Arc::clone(&slot);
        let in_progress = service_activity.begin();
        async move {
            let answer = handle(shared, slot, remote, limits, request).await;
            drop(in_progress);
            Ok::<_, Infallible>(answer.into_response())
        }
    });
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(limits.header_read_timeout)
        .keep_alive_timeout(limits.header_read_timeout);
    let connection = builder.serve_connection(io, service);
    tokio::pin!(connection);
    let mut shutdown = shared.shutdown.subscribe();
    tokio::select! {
        _ = connection.as_mut() => {}
        () = activity.idle_for(limits.idle_timeout) => {
            // Whatever the client sent since (nothing, part of an HTTP/2 preface, part of a
            // head) made no request: close, letting an answer being written finish briefly.
            connection.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(IDLE_CLOSE_GRACE, connection).await;
        }
        _ = stopped(&mut shutdown) => {
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        }
    }
}

/// One request: the control API, or faults then the iDenfy endpoints.
pub(crate) async fn handle<B: RequestBody>(
    shared: Arc<Shared>,
    slot: Arc<RawSlot>,
    remote: SocketAddr,
    limits: ConnectionLimits,
    request: Request<B>,
) -> Answer {
    let path = request.uri().path();
    if is_control_path(path) {
        return control::handle(&shared, remote, request, limits.body_read_timeout).await;
    }
    // Most requests meet no fault: they skip the state's lock here.
    let fault = if shared.faults_armed() {
        shared.with_state(|state| {
            fault::take_matching(&mut state.faults, path).or_else(|| {
                state
                    .random_faults
                    .as_mut()
                    .and_then(|random| random.draw(path))
            })
        })
    } else {
        None
    };
    let mut truncate = false;
    let mut lose = false;
    let mut stall = None;
    match fault {
        Some(FaultKind::Status {
            status,
            content_type,
            body,
            retry_after,
        }) => {
            // 204, 205 and 304 answers have no body (RFC 9110 §15.3.5, §15.3.6, §15.4.5).
            let answer = if fault::status_has_no_body(status) {
                Answer::empty(status)
            } else {
                Answer::new(status, &content_type, body)
            };
            return match retry_after {
                Some(seconds) => answer.with_header(RETRY_AFTER, &seconds.to_string()),
                None => answer,
            };
        }
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
        Some(FaultKind::StallBody(duration)) => stall = Some(duration),
        None => {}
    }
    let answer = api(&shared, remote, request, limits.body_read_timeout).await;
    if let Some(duration) = stall {
        slot.set_stalled(answer.truncated_bytes(), duration);
    } else if truncate {
        slot.set(answer.truncated_bytes());
    } else if lose {
        slot.set(Vec::new());
    }
    answer
}

/// The iDenfy endpoints the emulator knows; a path's parameter is percent-decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Endpoint {
    Token,
    Status,
    Data,
    Files,
    Delete,
    Pdf,
    Process,
    FullStatus,
    VideoCall,
    VideoCallRecord,
    Identifications,
    RequestInformation(String),
    FaceAuthStatus(String),
    FaceAuthToken,
    FaceAuthSessions,
    FaceAuthSession(String),
}

impl Endpoint {
    /// The endpoint at `path`, exactly as documented (R12: the newer resource paths end with a
    /// slash, the classic ones do not).
    fn route(path: &str) -> Option<Self> {
        let parameter = |prefix: &str, suffix: &str| {
            path.strip_prefix(prefix)
                .and_then(|rest| rest.strip_suffix(suffix))
                .filter(|segment| !segment.is_empty() && !segment.contains('/'))
                .map(|segment| percent_decode(segment, false))
        };
        Some(match path {
            "/api/v2/token" => Endpoint::Token,
            "/api/v2/status" => Endpoint::Status,
            "/api/v2/data" => Endpoint::Data,
            "/api/v2/files" => Endpoint::Files,
            "/api/v2/delete" => Endpoint::Delete,
            "/api/v2/generate-pdf" => Endpoint::Pdf,
            "/api/v2/process" => Endpoint::Process,
            "/api/v2/full-status" => Endpoint::FullStatus,
            "/api/v2/video-call" => Endpoint::VideoCall,
            "/api/v2/video-call-record" => Endpoint::VideoCallRecord,
            "/kyc/identifications/" => Endpoint::Identifications,
            "/partner/authentication-info" => Endpoint::FaceAuthToken,
            "/api/v2/facial-authentication-sessions/" => Endpoint::FaceAuthSessions,
            _ => {
                if let Some(scan_ref) = parameter("/kyc/identifications/", "/request-information/")
                {
                    Endpoint::RequestInformation(scan_ref)
                } else if let Some(scan_ref) =
                    parameter("/identification/facial-auth/", "/check-status/")
                {
                    Endpoint::FaceAuthStatus(scan_ref)
                } else {
                    Endpoint::FaceAuthSession(parameter(
                        "/api/v2/facial-authentication-sessions/",
                        "/",
                    )?)
                }
            }
        })
    }

    /// The method the endpoint answers.
    fn method(&self) -> Method {
        match self {
            Endpoint::Identifications
            | Endpoint::FaceAuthStatus(_)
            | Endpoint::FaceAuthSessions
            | Endpoint::FaceAuthSession(_) => Method::GET,
            _ => Method::POST,
        }
    }

    /// The largest body read: an upload's limit for direct processing (R14), else 1 MiB.
    fn body_limit(&self) -> usize {
        match self {
            Endpoint::Process => idenfy_proto::MAX_PROCESS_BODY_BYTES,
            _ => MAX_BODY_BYTES,
        }
    }
}

/// The iDenfy endpoints: routing, authentication, the request limit, the method, then the
/// endpoint (a `GET` with its query, a `POST` with its JSON body).
async fn api<B: RequestBody>(
    shared: &Arc<Shared>,
    remote: SocketAddr,
    request: Request<B>,
    body_read_timeout: Duration,
) -> Answer {
    shared.tick();
    let path = request.uri().path();
    if path == "/api/v2/redirect" {
        return redirect(shared, remote, &request);
    }
    let Some(endpoint) = Endpoint::route(path) else {
        return not_found(format!("No endpoint at {path}."));
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
    let method = endpoint.method();
    if request.method() != method {
        return method_not_allowed(request.method(), method.as_str());
    }
    if method == Method::GET {
        let query = request.uri().query().unwrap_or_default().to_owned();
        return match endpoint {
            Endpoint::Identifications => {
                // The clock's backlog first, yielding between chunks: the listing must see
                // every change, and must not hold this worker for a mass expiry.
                shared.settle_all_async().await;
                kyc::identifications(shared, &query)
            }
            Endpoint::FaceAuthStatus(scan_ref) => {
                face_auth::check_status(shared, &scan_ref, &query)
            }
            Endpoint::FaceAuthSessions => face_auth::sessions(shared),
            Endpoint::FaceAuthSession(token) => face_auth::session(shared, &token),
            _ => not_found(format!("No endpoint at {}.", request.uri().path())),
        };
    }
    let body = match read_body_within(
        request.into_body(),
        body_read_timeout,
        endpoint.body_limit(),
    )
    .await
    {
        Ok(body) => body,
        Err(answer) => return answer,
    };
    let value = match parse_json(&body) {
        Ok(value) => value,
        Err(answer) => return answer,
    };
    match endpoint {
        Endpoint::Token => create_token(shared, &value),
        Endpoint::Process => process::process(shared, &value),
        Endpoint::RequestInformation(scan_ref) => {
            kyc::request_information(shared, &scan_ref, &value)
        }
        Endpoint::FaceAuthToken => face_auth::create_token(shared, &value),
        Endpoint::VideoCall => video_call::start(shared, &value),
        endpoint => scan_ref_endpoint(shared, &endpoint, &value),
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
    let requested = match callback::read_token_request(value, &shared.callback_hosts) {
        Ok(requested) => requested,
        Err(answer) => return answer,
    };
    if let Err(message) =
        crate::state::check_extra_fields(&requested.request, crate::MAX_EXTRA_FIELD_BYTES)
    {
        return error(400, ErrorIdentifier::BadValue, message);
    }
    let request = &requested.request;
    let drawn = shared
        .rng
        .token_ids(request.generate_digit_string() == Some(true));
    let Ok(crate::rng::TokenIds {
        id: scan_ref,
        auth_token,
        digit_string,
    }) = drawn
    else {
        // The OS random source failed: no token rather than a guessable one.
        return error(
            500,
            ErrorIdentifier::InternalError,
            "No random source for the token.",
        );
    };
    // The answer first, outside the state's lock: every token request waits on that lock.
    let mut body = payload::token_response(
        &requested,
        (&scan_ref, &auth_token, digit_string.as_deref()),
        &shared.base_url,
    );
    let now = shared.now_ms();
    shared.with_state(|state| {
        state.create(requested, (scan_ref, auth_token), now);
    });
    // iDenfy echoes `country` as given ("lt" stays "lt"); the validated request holds it
    // upper-cased.
    if let (Some(given @ Value::String(_)), Value::Object(fields)) =
        (value.get("country"), &mut body)
    {
        fields.insert("country".to_owned(), given.clone());
    }
    if shared.quirks {
        Answer::new(201, "application/json", quirks::token_response(&body))
    } else {
        Answer::json(201, &body)
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

/// `status`, `data`, `files`, `delete`, `generate-pdf`, `full-status` and `video-call-record`:
/// a body `{"scanRef": …}`.
fn scan_ref_endpoint(shared: &Shared, endpoint: &Endpoint, value: &Value) -> Answer {
    let scan_ref = match scan_ref_of(value) {
        Ok(scan_ref) => scan_ref,
        Err(answer) => return answer,
    };
    let scan_ref = scan_ref.as_str();
    match endpoint {
        Endpoint::FullStatus => return kyc::full_status(shared, scan_ref),
        Endpoint::VideoCallRecord => return video_call::record(shared, scan_ref),
        _ => {}
    }
    let unknown = || {
        not_found(format!(
            "No verification with scanRef '{scan_ref}' was found."
        ))
    };
    shared.with_state(|state| {
        if *endpoint == Endpoint::Delete {
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
            Endpoint::Status if shared.quirks => Answer::new(
                200,
                "application/json",
                quirks::status(&payload::status_json(session)),
            ),
            Endpoint::Status => Answer::json(200, &payload::status_json(session)),
            Endpoint::Data if shared.quirks => Answer::new(
                200,
                "application/json",
                quirks::data(&payload::data_json(session)),
            ),
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
            _ => unknown(),
        }
    })
}

/// `GET /api/v2/redirect?authToken=…`: the hosted flow's stand-in. An active token opens the
/// session (its `sessionLength` starts; not for `HEAD`) and gets the page with the outcome form.
fn redirect<B>(shared: &Shared, remote: SocketAddr, request: &Request<B>) -> Answer {
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
