//! The fault matrix of `RELIABILITY.md` (section "Fault matrix"): what each fault of a server or
//! a connection does to one call, on each adapter (`idenfy-hyper`, `idenfy-isahc`,
//! `idenfy-blocking`) and on a transport written by a user against `idenfy::Transport` (the
//! README's reqwest transport), for each endpoint class of R9 — token creation, never sent again
//! once it may have been read, and a read-only call (`status`), retried within its budget.
//!
//! Every cell is a fresh client calling a fresh server on `127.0.0.1`: the conformance kit's
//! scripted server (`idenfy_conformance::server::TestServer`) for the faults of an HTTP
//! exchange, nothing at all for a refused connection, and a small listener of this file for the
//! two faults of the connection itself (reset once the request's first bytes arrive, unread;
//! accepted and never answered, which an `https` client sees as a TLS handshake that never
//! completes). The fault
//! hits every request of the cell, so the read-only row shows the whole retry budget spent. A
//! cell records the outcome (success or the typed error), the attempts the client made (its
//! transport is wrapped in a counter), what the server saw, and the time to the result.
//!
//! The test asserts the rules on every cell (see `check`), then renders the tables and compares
//! them with the committed ones in `RELIABILITY.md`, between the marker comments: outcome and
//! attempts must match, times are shown but not compared (they vary from run to run).
//! `IDENFY_UPDATE_RELIABILITY=1 cargo test -p idenfy-tests --test fault_matrix` rewrites the
//! tables instead. The four transports run side by side, one thread each; the matrix takes
//! about twelve seconds.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::Write as _;
use std::future::Future;
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use idenfy::http::{Request, Response};
use idenfy::{
    AttemptLimits, BlockingClient, BlockingTransport, CallOptions, Client, Config, Credentials,
    Error, RetryPolicy, TokenRequest, Transport, TransportError, TransportErrorKind,
};
use idenfy_conformance::server::{Behaviour, Reply, TestServer, refused_base_url};

// ---------------------------------------------------------------------------------------------
// The settings of the run: small, so that the matrix is quick, and with room enough that every
// retry the policy allows fits in the call's budget (the attempt counts do not depend on the
// machine's speed).

/// The total budget of one call.
const CALL_TIMEOUT: Duration = Duration::from_secs(4);
/// The budget of one attempt inside it.
const ATTEMPT_TIMEOUT: Duration = Duration::from_millis(600);
/// Retries after the first attempt.
const MAX_RETRIES: u32 = 2;
/// The first pause; each later pause doubles, up to [`MAX_BACKOFF`], with full jitter.
const INITIAL_BACKOFF: Duration = Duration::from_millis(20);
const MAX_BACKOFF: Duration = Duration::from_millis(100);
/// The least budget a retry must still have once its pause is over.
const MIN_ATTEMPT_BUDGET: Duration = Duration::from_millis(100);
/// The largest response body accepted, and the size of the body over it.
const BODY_CAP: usize = 64 * 1024;
const OVERSIZED: usize = 1024 * 1024;
/// The `Retry-After` of the 429 answers, in seconds.
const RETRY_AFTER_SECONDS: u64 = 1;

/// How far past its budget a call may end and still count as ending within it: the scheduling
/// of a loaded machine, not a tolerance of the client.
const BUDGET_SLACK: Duration = Duration::from_millis(1500);
/// A call still running this long after it started hangs: the cell fails instead of waiting.
const HANG_LIMIT: Duration = Duration::from_secs(12);
/// The longest the whole matrix may take.
const MATRIX_LIMIT: Duration = Duration::from_secs(240);

/// The environment variable that makes the test rewrite the tables in `RELIABILITY.md`.
const UPDATE_VARIABLE: &str = "IDENFY_UPDATE_RELIABILITY";
const BEGIN_MARKER: &str = "<!-- fault-matrix:begin -->";
const END_MARKER: &str = "<!-- fault-matrix:end -->";

const TOKEN: &str = "/api/v2/token";
const STATUS: &str = "/api/v2/status";
const SCAN_REF: &str = "8c0f3d6e-5b1a-4e2f-9d7c-6a5b4c3d2e1f";
const AUTH_TOKEN: &str = "Fq3Lm8Rt2Vx7Bn4Kd9Hs6Wz1Pc";

fn options() -> CallOptions {
    CallOptions::default()
        .with_timeout(CALL_TIMEOUT)
        .with_attempt_timeout(ATTEMPT_TIMEOUT)
        .with_max_response_bytes(BODY_CAP)
        .with_retry(
            RetryPolicy::default()
                .with_max_retries(MAX_RETRIES)
                .with_initial_backoff(INITIAL_BACKOFF)
                .with_max_backoff(MAX_BACKOFF)
                .with_min_attempt_budget(MIN_ATTEMPT_BUDGET),
        )
}

fn config(base_url: &str) -> Config {
    Config::builder(Credentials::new("fault-matrix-key", "fault-matrix-secret").unwrap())
        .base_url(base_url)
        .build()
        .unwrap()
}

fn token_request() -> TokenRequest {
    TokenRequest::builder("customer-fault-matrix")
        .build()
        .unwrap()
}

// ---------------------------------------------------------------------------------------------
// The faults, the endpoint classes and the transports.

/// One row of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    None,
    TooManyRequests,
    ServerError(u16),
    Refused,
    ResetUnread,
    ResetAfterRead,
    HeadersNeverSent,
    BodyStalled,
    BodyTruncated,
    ResetMidBody,
    BodyOverCap,
    NonJsonSuccess,
    SlowTlsHandshake,
}

impl Fault {
    const ALL: [Fault; 16] = [
        Fault::None,
        Fault::TooManyRequests,
        Fault::ServerError(500),
        Fault::ServerError(502),
        Fault::ServerError(503),
        Fault::ServerError(504),
        Fault::Refused,
        Fault::ResetUnread,
        Fault::ResetAfterRead,
        Fault::HeadersNeverSent,
        Fault::BodyStalled,
        Fault::BodyTruncated,
        Fault::ResetMidBody,
        Fault::BodyOverCap,
        Fault::NonJsonSuccess,
        Fault::SlowTlsHandshake,
    ];

    fn label(self) -> String {
        match self {
            Fault::None => "none (control)".into(),
            Fault::TooManyRequests => format!("429 with `Retry-After: {RETRY_AFTER_SECONDS}`"),
            Fault::ServerError(status) => format!("{status}"),
            Fault::Refused => "connection refused".into(),
            Fault::ResetUnread => "reset before the answer (request arrived, unread)".into(),
            Fault::ResetAfterRead => "reset after the request was read".into(),
            Fault::HeadersNeverSent => "headers never sent".into(),
            Fault::BodyStalled => "body stalled".into(),
            Fault::BodyTruncated => "body truncated".into(),
            Fault::ResetMidBody => "reset mid-body".into(),
            Fault::BodyOverCap => "body over the cap".into(),
            Fault::NonJsonSuccess => "non-JSON `200`".into(),
            Fault::SlowTlsHandshake => "slow TLS handshake".into(),
        }
    }

    /// The outcomes the rules allow (R6, R9 and the transport's duty of honest error kinds).
    fn allowed(self) -> Vec<Outcome> {
        use TransportErrorKind::{BodyTooLarge, Connect, Io, Timeout};
        match self {
            Fault::None => vec![Outcome::Success],
            Fault::TooManyRequests => vec![Outcome::Api(429)],
            Fault::ServerError(status) => vec![Outcome::Api(status)],
            Fault::Refused => vec![Outcome::Transport(Connect)],
            // The request was sent (and, but for the first, read): never `Connect`, which
            // would let a token request be sent again.
            Fault::ResetUnread
            | Fault::ResetAfterRead
            | Fault::BodyTruncated
            | Fault::ResetMidBody => vec![Outcome::Transport(Io)],
            Fault::HeadersNeverSent | Fault::BodyStalled => vec![Outcome::Transport(Timeout)],
            Fault::BodyOverCap => vec![Outcome::Transport(BodyTooLarge)],
            Fault::NonJsonSuccess => vec![Outcome::Decode],
            // Nothing was sent: `Connect` is exact, `Timeout` (the attempt's) is never wrong.
            Fault::SlowTlsHandshake => {
                vec![Outcome::Transport(Timeout), Outcome::Transport(Connect)]
            }
        }
    }

    /// What the scripted server does with every request, for the faults of an HTTP exchange.
    fn behaviour(self, class: Class) -> Option<Behaviour> {
        let error = |status: u16, body: &str| {
            Behaviour::Respond(Reply::json(
                status,
                format!(
                    r#"{{"identifier":"{body}","message":"Fault matrix.","severity":"ERROR"}}"#
                ),
            ))
        };
        // What a gateway in front of the API answers: HTML, not the API's JSON.
        let gateway = |status: u16| {
            Behaviour::Respond(
                Reply::new(status)
                    .header("Content-Type", "text/html")
                    .body(format!("<html><body><h1>{status}</h1></body></html>")),
            )
        };
        Some(match self {
            Fault::None => Behaviour::Respond(match class {
                Class::Token => Reply::json(201, token_body()),
                Class::ReadOnly => Reply::json(200, status_body()),
            }),
            Fault::TooManyRequests => Behaviour::Respond(
                Reply::json(
                    429,
                    r#"{"identifier":"TOO_MANY_REQUESTS","message":"Slow down."}"#,
                )
                .header("Retry-After", RETRY_AFTER_SECONDS.to_string()),
            ),
            Fault::ServerError(status @ (502 | 504)) => gateway(status),
            Fault::ServerError(status) => error(status, "INTERNAL_ERROR"),
            Fault::ResetAfterRead => Behaviour::ResetWithoutAnswer,
            Fault::HeadersNeverSent => Behaviour::NeverAnswer,
            Fault::BodyStalled => Behaviour::StallMidResponse,
            Fault::BodyTruncated => Behaviour::TruncateMidResponse,
            Fault::ResetMidBody => Behaviour::ResetMidResponse,
            Fault::BodyOverCap => Behaviour::Oversized(OVERSIZED),
            Fault::NonJsonSuccess => Behaviour::Respond(
                Reply::new(200)
                    .header("Content-Type", "text/html")
                    .body("<html><body>Down for maintenance.</body></html>"),
            ),
            Fault::Refused | Fault::ResetUnread | Fault::SlowTlsHandshake => return None,
        })
    }
}

fn token_body() -> String {
    format!(
        r#"{{"message":"Token created successfully","authToken":"{AUTH_TOKEN}","scanRef":"{SCAN_REF}","clientId":"customer-fault-matrix","expiryTime":3600,"sessionLength":600}}"#
    )
}

fn status_body() -> String {
    format!(
        r#"{{"status":"APPROVED","autoDocument":"DOC_VALIDATED","autoFace":"FACE_MATCH","manualDocument":"","manualFace":"","scanRef":"{SCAN_REF}","clientId":"customer-fault-matrix"}}"#
    )
}

/// The endpoint classes of R9.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// `POST /api/v2/token`.
    Token,
    /// `POST /api/v2/status`.
    ReadOnly,
}

impl Class {
    const ALL: [Class; 2] = [Class::Token, Class::ReadOnly];

    fn path(self) -> &'static str {
        match self {
            Class::Token => TOKEN,
            Class::ReadOnly => STATUS,
        }
    }

    fn heading(self) -> &'static str {
        match self {
            Class::Token => {
                "**Token creation** (`POST /api/v2/token`): never sent again once it may have been read (R9)."
            }
            Class::ReadOnly => {
                "**Read-only** (`POST /api/v2/status`): retried on 429, 500, 502, 503, 504, connection failures and timeouts, within its budget (R9)."
            }
        }
    }
}

/// The columns of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Adapter {
    Hyper,
    Isahc,
    Blocking,
    Custom,
}

impl Adapter {
    const ALL: [Adapter; 4] = [
        Adapter::Hyper,
        Adapter::Isahc,
        Adapter::Blocking,
        Adapter::Custom,
    ];

    fn heading(self) -> &'static str {
        match self {
            Adapter::Hyper => "`idenfy-hyper`",
            Adapter::Isahc => "`idenfy-isahc`",
            Adapter::Blocking => "`idenfy-blocking`",
            Adapter::Custom => "custom (README's reqwest)",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The custom transport.

/// A transport as a user writes one by following the README ("Writing your own transport"):
/// reqwest, the attempt's limits from the request's extensions, honest error kinds — and no more
/// (no connect timeout of its own, no `Content-Length` check before reading).
struct UserTransport(reqwest::Client);

impl UserTransport {
    fn new() -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self(client)
    }
}

impl Transport for UserTransport {
    async fn send(&self, request: Request<Vec<u8>>) -> Result<Response<Vec<u8>>, TransportError> {
        let limits = request
            .extensions()
            .get::<AttemptLimits>()
            .copied()
            .unwrap_or_default();
        let mut request = reqwest::Request::try_from(request).map_err(user_failure)?;
        *request.timeout_mut() = Some(limits.timeout());

        let mut response = self.0.execute(request).await.map_err(user_failure)?;
        let mut answer = Response::new(Vec::new());
        *answer.status_mut() = response.status();
        *answer.headers_mut() = std::mem::take(response.headers_mut());
        while let Some(chunk) = response.chunk().await.map_err(user_failure)? {
            if chunk.len() > limits.max_response_bytes() - answer.body().len() {
                return Err(TransportError::new(TransportErrorKind::BodyTooLarge));
            }
            answer.body_mut().extend_from_slice(&chunk);
        }
        Ok(answer)
    }
}

fn user_failure(error: reqwest::Error) -> TransportError {
    let kind = if error.is_connect() {
        TransportErrorKind::Connect
    } else if error.is_timeout() {
        TransportErrorKind::Timeout
    } else if error.is_builder() {
        TransportErrorKind::Other
    } else {
        TransportErrorKind::Io
    };
    TransportError::with_source(kind, error)
}

// ---------------------------------------------------------------------------------------------
// Counting the attempts.

/// How one attempt ended, as the transport returned it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AttemptEnd {
    Status(u16),
    Failed(TransportErrorKind),
}

/// Every attempt of a call, in order; `None` for an attempt the client gave up on (its attempt
/// timeout dropped the transport's future before it ended).
#[derive(Debug, Clone, Default)]
struct AttemptLog(Arc<Mutex<Vec<Option<AttemptEnd>>>>);

impl AttemptLog {
    fn start(&self) -> usize {
        let mut attempts = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        attempts.push(None);
        attempts.len() - 1
    }

    fn finish(&self, index: usize, result: &Result<Response<Vec<u8>>, TransportError>) {
        let end = match result {
            Ok(response) => AttemptEnd::Status(response.status().as_u16()),
            Err(error) => AttemptEnd::Failed(error.kind()),
        };
        let mut attempts = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(slot) = attempts.get_mut(index) {
            *slot = Some(end);
        }
    }

    fn attempts(&self) -> Vec<Option<AttemptEnd>> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// A transport that logs each attempt of the one it wraps, and is otherwise that transport:
/// its sends, its timer, its clock, and whether it stops an attempt at its limit itself (so the
/// client sets the timers it sets in production).
struct Counted<T> {
    inner: T,
    log: AttemptLog,
}

impl<T: Transport> Transport for Counted<T> {
    fn enforces_attempt_timeout(&self) -> bool {
        self.inner.enforces_attempt_timeout()
    }

    fn send(
        &self,
        request: Request<Vec<u8>>,
    ) -> impl Future<Output = Result<Response<Vec<u8>>, TransportError>> {
        let index = self.log.start();
        let sent = self.inner.send(request);
        async move {
            let result = sent.await;
            self.log.finish(index, &result);
            result
        }
    }

    fn sleep(&self, duration: Duration) -> impl Future<Output = ()> {
        self.inner.sleep(duration)
    }

    fn now(&self) -> Duration {
        self.inner.now()
    }
}

impl<T: BlockingTransport> BlockingTransport for Counted<T> {
    fn send(&self, request: Request<Vec<u8>>) -> Result<Response<Vec<u8>>, TransportError> {
        let index = self.log.start();
        let result = self.inner.send(request);
        self.log.finish(index, &result);
        result
    }

    fn sleep(&self, duration: Duration) {
        self.inner.sleep(duration);
    }

    fn now(&self) -> Duration {
        self.inner.now()
    }
}

// ---------------------------------------------------------------------------------------------
// The far end of a cell.

/// What a [`ConnectionFault`] listener does with each connection it accepts.
#[derive(Debug, Clone, Copy)]
enum OnAccept {
    /// Waits for the first bytes of the request, then closes the connection with a reset
    /// (`SO_LINGER` 0), having read nothing.
    ResetOnArrival,
    /// Holds it open and silent until the listener is dropped: to a TLS client, a handshake
    /// that never completes.
    Hold,
}

/// A loopback listener for the faults of the connection itself, which the scripted server (it
/// reads a request before it misbehaves) cannot play. It counts the connections it accepts.
struct ConnectionFault {
    addr: SocketAddr,
    accepted: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<thread::JoinHandle<()>>,
}

impl ConnectionFault {
    fn start(on_accept: OnAccept) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let accepted = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (count, stopped) = (Arc::clone(&accepted), Arc::clone(&stop));
        let thread = thread::spawn(move || {
            let mut held = Vec::new();
            // Bounded: the listener outlives no cell, and no cell outlives the hang limit.
            let deadline = Instant::now() + HANG_LIMIT * 2;
            while !stopped.load(Ordering::SeqCst) && Instant::now() < deadline {
                match listener.accept() {
                    Ok((stream, _)) => {
                        count.fetch_add(1, Ordering::SeqCst);
                        match on_accept {
                            OnAccept::ResetOnArrival => {
                                // Waiting for the request makes the fault the same every run:
                                // a reset racing the client's write would sometimes come
                                // before it, when the request certainly never left.
                                let _ = stream.set_nonblocking(false);
                                let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
                                let _ = stream.peek(&mut [0u8; 1]);
                                let _ = socket2::SockRef::from(&stream)
                                    .set_linger(Some(Duration::ZERO));
                                drop(stream);
                            }
                            OnAccept::Hold => held.push(stream),
                        }
                    }
                    Err(_) => thread::sleep(Duration::from_millis(2)),
                }
            }
            drop(held);
        });
        Self {
            addr,
            accepted,
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for ConnectionFault {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// What a cell calls.
enum Site {
    Scripted(TestServer),
    Nothing(String),
    Connections(ConnectionFault, &'static str),
}

/// What the far end saw of a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seen {
    /// Requests read in full.
    Requests(usize),
    /// Connections accepted (the far end reads no request).
    Connections(usize),
    /// Nothing listens.
    Nothing,
}

impl Site {
    fn start(fault: Fault, class: Class) -> Self {
        match fault {
            Fault::Refused => Site::Nothing(refused_base_url().unwrap()),
            Fault::ResetUnread => {
                Site::Connections(ConnectionFault::start(OnAccept::ResetOnArrival), "http")
            }
            Fault::SlowTlsHandshake => {
                Site::Connections(ConnectionFault::start(OnAccept::Hold), "https")
            }
            _ => {
                let server = TestServer::start().unwrap();
                let behaviour = fault.behaviour(class).unwrap();
                server.set_default(class.path(), behaviour);
                Site::Scripted(server)
            }
        }
    }

    fn base_url(&self) -> String {
        match self {
            Site::Scripted(server) => server.base_url(),
            Site::Nothing(base_url) => base_url.clone(),
            Site::Connections(listener, scheme) => format!("{scheme}://{}", listener.addr),
        }
    }

    fn seen(&self, class: Class) -> Seen {
        match self {
            Site::Scripted(server) => Seen::Requests(server.count(class.path())),
            Site::Nothing(_) => Seen::Nothing,
            Site::Connections(listener, _) => {
                Seen::Connections(listener.accepted.load(Ordering::SeqCst))
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Running a cell.

/// How a call ended.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    /// The expected answer.
    Success,
    /// A success, but not the answer the server gave.
    WrongAnswer,
    Api(u16),
    Transport(TransportErrorKind),
    Decode,
    Other(String),
    /// Still running at [`HANG_LIMIT`].
    Hung,
}

impl Outcome {
    fn of(result: Result<bool, Error>) -> Self {
        match result {
            Ok(true) => Outcome::Success,
            Ok(false) => Outcome::WrongAnswer,
            Err(Error::Api(error)) => Outcome::Api(error.status().as_u16()),
            Err(Error::Transport(error)) => Outcome::Transport(error.kind()),
            Err(Error::Decode(_)) => Outcome::Decode,
            Err(other) => Outcome::Other(other.to_string()),
        }
    }

    fn label(&self) -> String {
        match self {
            Outcome::Success => "ok".into(),
            Outcome::WrongAnswer => "wrong answer".into(),
            Outcome::Api(status) => format!("`Api` {status}"),
            Outcome::Transport(kind) => format!("`{kind:?}`"),
            Outcome::Decode => "`Decode`".into(),
            Outcome::Other(text) => format!("other: {text}"),
            Outcome::Hung => "hung".into(),
        }
    }
}

/// One cell of the matrix.
#[derive(Debug, Clone)]
struct Cell {
    fault: Fault,
    class: Class,
    adapter: Adapter,
    outcome: Outcome,
    attempts: Vec<Option<AttemptEnd>>,
    seen: Seen,
    elapsed: Duration,
}

impl Cell {
    fn sent(&self) -> usize {
        self.attempts.len()
    }

    /// `outcome · sent→seen · time`; the time only with `times`.
    fn text(&self, times: bool) -> String {
        let seen = match self.seen {
            Seen::Requests(n) => n.to_string(),
            Seen::Connections(n) => format!("{n} conn."),
            Seen::Nothing => "–".into(),
        };
        let mut text = format!("{} · {}→{seen}", self.outcome.label(), self.sent());
        if times {
            let _ = write!(text, " · {:.1} s", self.elapsed.as_secs_f64());
        }
        text
    }
}

async fn call_async<T: Transport>(client: &Client<T>, class: Class) -> Result<bool, Error> {
    match class {
        Class::Token => {
            let token = client.create_token(&token_request()).await?;
            Ok(token.scan_ref.as_str() == SCAN_REF)
        }
        Class::ReadOnly => Ok(client.status(SCAN_REF).await?.is_approved()),
    }
}

fn call_blocking<T: BlockingTransport>(
    client: &BlockingClient<T>,
    class: Class,
) -> Result<bool, Error> {
    match class {
        Class::Token => {
            let token = client.create_token(&token_request())?;
            Ok(token.scan_ref.as_str() == SCAN_REF)
        }
        Class::ReadOnly => Ok(client.status(SCAN_REF)?.is_approved()),
    }
}

/// One call through the async transport `make` builds, inside `runtime`.
fn run_async<T: Transport>(
    runtime: &tokio::runtime::Runtime,
    make: impl FnOnce() -> T,
    config: Config,
    class: Class,
    log: &AttemptLog,
) -> (Outcome, Duration) {
    let transport = {
        let _entered = runtime.enter();
        Counted {
            inner: make(),
            log: log.clone(),
        }
    };
    let client = Client::with_transport(config, transport).with_options(options());
    let started = Instant::now();
    // The hang limit's timer is the runtime's: created inside it.
    let result = runtime
        .block_on(async { tokio::time::timeout(HANG_LIMIT, call_async(&client, class)).await });
    let elapsed = started.elapsed();
    let _entered = runtime.enter();
    drop(client);
    (result.map_or(Outcome::Hung, Outcome::of), elapsed)
}

/// One call through `idenfy-blocking`, on a thread of its own so that a hang fails the cell.
fn run_blocking(config: Config, class: Class, log: &AttemptLog) -> (Outcome, Duration) {
    let log = log.clone();
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || {
        let transport = Counted {
            inner: idenfy_blocking::UreqTransport::new().unwrap(),
            log,
        };
        let client = BlockingClient::with_transport(config, transport).with_options(options());
        let started = Instant::now();
        let result = call_blocking(&client, class);
        let _ = sender.send((Outcome::of(result), started.elapsed()));
    });
    receiver
        .recv_timeout(HANG_LIMIT)
        .unwrap_or((Outcome::Hung, HANG_LIMIT))
}

/// Every cell of one transport's column, one after the other.
fn run_column(adapter: Adapter) -> Vec<Cell> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut cells = Vec::new();
    for fault in Fault::ALL {
        for class in Class::ALL {
            let site = Site::start(fault, class);
            let config = config(&site.base_url());
            let log = AttemptLog::default();
            let (outcome, elapsed) = match adapter {
                Adapter::Hyper => run_async(
                    &runtime,
                    || idenfy_hyper::HyperTransport::new().unwrap(),
                    config,
                    class,
                    &log,
                ),
                Adapter::Isahc => run_async(
                    &runtime,
                    || idenfy_isahc::IsahcTransport::new().unwrap(),
                    config,
                    class,
                    &log,
                ),
                Adapter::Custom => run_async(&runtime, UserTransport::new, config, class, &log),
                Adapter::Blocking => run_blocking(config, class, &log),
            };
            let seen = site.seen(class);
            drop(site);
            cells.push(Cell {
                fault,
                class,
                adapter,
                outcome,
                attempts: log.attempts(),
                seen,
                elapsed,
            });
        }
    }
    // Connections left hanging by a misbehaving server must not hold the test up.
    runtime.shutdown_background();
    cells
}

// ---------------------------------------------------------------------------------------------
// The rules.

/// Every broken rule of every cell, one line each.
fn check(cells: &[Cell]) -> Vec<String> {
    let mut broken = Vec::new();
    let attempts_allowed = usize::try_from(MAX_RETRIES).unwrap() + 1;
    for cell in cells {
        let mut fail = |rule: &str| {
            broken.push(format!(
                "{:?} / {:?} / {}: {rule} (got {})",
                cell.adapter,
                cell.class,
                cell.fault.label(),
                cell.text(true)
            ));
        };
        // Every call ends, with a result or a typed error, within its budget.
        if cell.outcome == Outcome::Hung || cell.elapsed > CALL_TIMEOUT + BUDGET_SLACK {
            fail("the call did not end within its budget");
        }
        if !cell.fault.allowed().contains(&cell.outcome) {
            fail(&format!(
                "the outcome is none of those the rules allow: {:?}",
                cell.fault.allowed()
            ));
        }
        if cell.sent() == 0 || cell.sent() > attempts_allowed {
            fail("the attempts are not between one and the retry budget");
        }
        // The fault was met: the far end saw the call.
        match cell.seen {
            Seen::Requests(0) | Seen::Connections(0) => fail("the far end saw nothing"),
            Seen::Requests(_) | Seen::Connections(_) | Seen::Nothing => {}
        }
        // R9: which end of an attempt lets another attempt of this class follow.
        let retryable = |end: &Option<AttemptEnd>| match (cell.class, end) {
            (_, Some(AttemptEnd::Failed(TransportErrorKind::Connect))) => true,
            (Class::Token, _) => false,
            // Given up by the client at its attempt timeout.
            (Class::ReadOnly, None) => true,
            (Class::ReadOnly, Some(AttemptEnd::Failed(kind))) => {
                matches!(kind, TransportErrorKind::Io | TransportErrorKind::Timeout)
            }
            (Class::ReadOnly, Some(AttemptEnd::Status(status))) => {
                matches!(status, 429 | 500 | 502 | 503 | 504)
            }
        };
        let before_last = cell.attempts.len().saturating_sub(1);
        if let Some(end) = cell
            .attempts
            .iter()
            .take(before_last)
            .find(|end| !retryable(end))
        {
            fail(&format!(
                "R9: sent again after an attempt that ended {end:?} (`None`: timed out)"
            ));
        }
        // The budget has room for every retry with these settings: a call stops early only
        // on an end that is not retried.
        if let Some(last) = cell.attempts.last()
            && retryable(last)
            && cell.sent() < attempts_allowed
        {
            fail("R9: stopped with retries left after an attempt that may be retried");
        }
        match cell.class {
            Class::Token => {
                if let Seen::Requests(read) = cell.seen
                    && read > 1
                {
                    fail("R9: the server read the token request more than once");
                }
            }
            Class::ReadOnly => {
                // `Retry-After` honoured: each pause lasted at least as long as asked.
                if cell.fault == Fault::TooManyRequests {
                    let pauses = u32::try_from(cell.sent().saturating_sub(1)).unwrap();
                    if cell.elapsed < Duration::from_secs(RETRY_AFTER_SECONDS) * pauses {
                        fail("R9: a retry came before its `Retry-After`");
                    }
                }
            }
        }
    }
    broken
}

// ---------------------------------------------------------------------------------------------
// The tables.

/// The generated part of the section: the settings of the run and one table per class.
fn render(cells: &[Cell], times: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Settings of this run: call budget {} s, attempt timeout {} s, {MAX_RETRIES} retries, \
         pauses from {} ms doubling to at most {} ms with full jitter, a retry only if {} ms of \
         budget remain after its pause, body cap {} KiB (the oversized body: {} KiB).",
        CALL_TIMEOUT.as_secs_f64(),
        ATTEMPT_TIMEOUT.as_secs_f64(),
        INITIAL_BACKOFF.as_millis(),
        MAX_BACKOFF.as_millis(),
        MIN_ATTEMPT_BUDGET.as_millis(),
        BODY_CAP / 1024,
        OVERSIZED / 1024,
    );
    for class in Class::ALL {
        let _ = writeln!(out, "\n{}\n", class.heading());
        let _ = write!(out, "| fault |");
        for adapter in Adapter::ALL {
            let _ = write!(out, " {} |", adapter.heading());
        }
        let _ = write!(out, "\n|---|");
        for _ in Adapter::ALL {
            let _ = write!(out, "---|");
        }
        out.push('\n');
        for fault in Fault::ALL {
            let _ = write!(out, "| {} |", fault.label());
            for adapter in Adapter::ALL {
                let text = cells
                    .iter()
                    .find(|cell| {
                        cell.fault == fault && cell.class == class && cell.adapter == adapter
                    })
                    .map_or_else(|| "missing".to_owned(), |cell| cell.text(times));
                let _ = write!(out, " {text} |");
            }
            out.push('\n');
        }
    }
    out
}

/// `text` without the times of its cells (the last ` · 1.9 s` of a cell) and without blank
/// lines or trailing spaces: the part of the tables a run must reproduce.
fn without_times(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim_end)
        .filter(|line| !line.is_empty())
        .map(|line| {
            line.split('|')
                .map(|cell| match cell.rsplit_once(" · ") {
                    Some((rest, time)) if is_time(time.trim()) => format!("{rest} "),
                    _ => cell.to_owned(),
                })
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect()
}

fn is_time(text: &str) -> bool {
    text.strip_suffix(" s")
        .is_some_and(|number| number.parse::<f64>().is_ok())
}

fn reliability_md() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../RELIABILITY.md")
}

/// Compares the generated tables with the committed ones, or writes them with
/// [`UPDATE_VARIABLE`] set to `1`.
fn sync(generated: &str) {
    let path = reliability_md();
    let text = std::fs::read_to_string(&path).unwrap();
    let (before, rest) = text
        .split_once(BEGIN_MARKER)
        .unwrap_or_else(|| panic!("{} has no {BEGIN_MARKER}", path.display()));
    let (committed, after) = rest
        .split_once(END_MARKER)
        .unwrap_or_else(|| panic!("{} has no {END_MARKER}", path.display()));
    if std::env::var(UPDATE_VARIABLE).is_ok_and(|value| value == "1") {
        let updated = format!("{before}{BEGIN_MARKER}\n{generated}{END_MARKER}{after}");
        if updated != text {
            std::fs::write(&path, updated).unwrap();
        }
        return;
    }
    let (committed, run) = (without_times(committed), without_times(generated));
    if committed != run {
        let mut differences = String::new();
        for (index, line) in run.iter().enumerate() {
            let old = committed.get(index).map_or("(nothing)", String::as_str);
            if old != line {
                let _ = writeln!(differences, "committed: {old}\nthis run:  {line}");
            }
        }
        if committed.len() > run.len() {
            let _ = writeln!(
                differences,
                "committed has {} more line(s)",
                committed.len() - run.len()
            );
        }
        panic!(
            "The fault matrix in RELIABILITY.md differs from this run (times aside). If the \
             change is intended, regenerate it with\n  {UPDATE_VARIABLE}=1 cargo test -p \
             idenfy-tests --test fault_matrix\n\n{differences}\nThis run:\n{generated}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The tests.

#[test]
fn fault_matrix() {
    let started = Instant::now();
    let (sender, receiver) = mpsc::channel();
    for adapter in Adapter::ALL {
        let sender = sender.clone();
        thread::Builder::new()
            .name(format!("fault-matrix-{adapter:?}"))
            .spawn(move || {
                let _ = sender.send(run_column(adapter));
            })
            .unwrap();
    }
    drop(sender);
    let mut cells = Vec::new();
    for _ in Adapter::ALL {
        let left = MATRIX_LIMIT.saturating_sub(started.elapsed());
        match receiver.recv_timeout(left) {
            Ok(column) => cells.extend(column),
            Err(error) => panic!("a column of the matrix did not finish: {error:?}"),
        }
    }
    let generated = render(&cells, true);
    println!(
        "{generated}\n(the matrix took {:.1} s)",
        started.elapsed().as_secs_f64()
    );

    let broken = check(&cells);
    assert!(
        broken.is_empty(),
        "rules broken in the fault matrix:\n{}\n\n{generated}",
        broken.join("\n")
    );
    sync(&generated);
}

/// The comparison ignores exactly the times: a changed outcome or attempt count is a difference.
#[test]
fn the_comparison_ignores_only_the_times() {
    let cell = |outcome: Outcome, attempts: usize, millis: u64| Cell {
        fault: Fault::HeadersNeverSent,
        class: Class::ReadOnly,
        adapter: Adapter::Hyper,
        outcome,
        attempts: vec![None; attempts],
        seen: Seen::Requests(attempts),
        elapsed: Duration::from_millis(millis),
    };
    let timeout = Outcome::Transport(TransportErrorKind::Timeout);
    let table = |cell: Cell| render(&[cell], true);
    let reference = table(cell(timeout.clone(), 3, 1_900));
    assert!(
        reference.contains("| `Timeout` · 3→3 · 1.9 s |"),
        "{reference}"
    );
    assert_eq!(
        without_times(&reference),
        without_times(&table(cell(timeout.clone(), 3, 2_400)))
    );
    assert_ne!(
        without_times(&reference),
        without_times(&table(cell(timeout, 2, 1_900)))
    );
    assert_ne!(
        without_times(&reference),
        without_times(&table(cell(
            Outcome::Transport(TransportErrorKind::Io),
            3,
            1_900
        )))
    );
    // The settings line is compared whole.
    assert!(without_times(&reference)[0].starts_with("Settings of this run: call budget 4 s"));
}
