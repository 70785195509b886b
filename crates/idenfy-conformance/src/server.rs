//! A scripted HTTP/1.1 server on a real loopback socket, for testing HTTP transports end to end —
//! including the ways a server misbehaves.
//!
//! [`TestServer::start`] binds `127.0.0.1:0` and serves every connection on its own thread. Each
//! request is recorded ([`TestServer::requests`], [`TestServer::count`]) and answered with the
//! next [`Behaviour`] of its script:
//!
//! 1. the queue of its path ([`TestServer::enqueue`]), first in first out;
//! 2. else the queue shared by every path ([`TestServer::enqueue_any`]);
//! 3. else the path's standing behaviour ([`TestServer::set_default`]), used for every request;
//! 4. else `418 I'm a teapot` with a body saying the request was not scripted (a status no
//!    client retries, so a missing script line fails a test quickly and visibly).
//!
//! The HTTP/1.1 parsing is just enough for a client library: the request line, headers, and a
//! body framed by `Content-Length` or `Transfer-Encoding: chunked`; `Expect: 100-continue` is
//! answered. Connections are kept alive (a pooled client reuses them; each recorded request
//! carries the number of the connection it came on) until the client closes them, asks for
//! `Connection: close`, or a behaviour ends them.
//!
//! Everything is bounded: dropping the server stops accepting, wakes every pending delay and
//! shuts every connection down, so a detached connection thread ends at the latest then, and no
//! socket outlives the test.
//!
//! It is what the conformance cases of this crate run against, and it is public so that a
//! transport's own tests can script a server too:
//!
//! ```
//! use std::io::{Read, Write};
//! use idenfy_conformance::server::{Behaviour, Reply, TestServer};
//!
//! # fn main() -> std::io::Result<()> {
//! let server = TestServer::start()?;
//! server.enqueue("/ping", Behaviour::Respond(Reply::json(200, r#"{"pong":true}"#)));
//! let mut socket = std::net::TcpStream::connect(server.addr())?;
//! socket.write_all(b"GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")?;
//! let mut answer = String::new();
//! socket.read_to_string(&mut answer)?;
//! assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"));
//! assert!(answer.ends_with(r#"{"pong":true}"#));
//! assert_eq!(server.count("/ping"), 1);
//! assert_eq!(server.requests()[0].method, "GET");
//! # Ok(())
//! # }
//! ```

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

/// The largest request head (request line and headers) read, in bytes.
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// The largest request body read, in bytes: more than the largest upload the client sends
/// (20 000 000 bytes, R14).
const MAX_BODY_BYTES: usize = 24 * 1024 * 1024;
/// The size of the pieces a long body is written in.
const CHUNK_BYTES: usize = 16 * 1024;
/// The `Content-Length` announced by [`Behaviour::ResetMidResponse`],
/// [`Behaviour::TruncateMidResponse`] and [`Behaviour::StallMidResponse`].
pub const CUT_ANNOUNCED_BYTES: usize = 4096;
/// The body bytes they actually write before cutting the connection.
pub const CUT_WRITTEN_BYTES: usize = 32;
/// How long they wait between writing and cutting, so the client is already reading the body.
const CUT_PAUSE: Duration = Duration::from_millis(50);

/// One HTTP response to send. `Debug` shows the body's length and hides the values of headers
/// that carry credentials or signatures (R10).
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Reply {
    /// The status code.
    pub status: u16,
    /// Headers, in order. `Content-Length` is added unless present (or unless
    /// `Transfer-Encoding` is set, in which case the body is written as it is).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Reply {
    /// A reply with `status`, no headers and an empty body.
    pub fn new(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// A reply with `status` and a JSON `body` (`Content-Type: application/json`).
    pub fn json(status: u16, body: impl Into<String>) -> Self {
        Self::new(status)
            .header("Content-Type", "application/json")
            .body(body.into().into_bytes())
    }

    /// The same reply with one more header.
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The same reply with `body`.
    #[must_use]
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    fn has_header(&self, name: &str) -> bool {
        self.headers
            .iter()
            .any(|(key, _)| key.eq_ignore_ascii_case(name))
    }
}

/// What the server does with one request, once it has read it completely.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Behaviour {
    /// Answers at once; the connection stays open for the next request.
    Respond(Reply),
    /// Waits, then answers (the wait ends early, without answering, if the server is dropped).
    Delay(Duration, Reply),
    /// Never answers: holds the connection open, discarding anything more the client sends,
    /// until the client closes it or the server is dropped.
    NeverAnswer,
    /// Sends `200` headers announcing a body of [`CUT_ANNOUNCED_BYTES`], writes
    /// [`CUT_WRITTEN_BYTES`] of it, then stalls as [`Behaviour::NeverAnswer`] does.
    StallMidResponse,
    /// Answers like [`Behaviour::Respond`] (without `Connection: close`), then closes the
    /// connection, as a server does with a keep-alive connection it no longer wants.
    RespondThenClose(Reply),
    /// Sends `200` headers announcing a body of [`CUT_ANNOUNCED_BYTES`], writes
    /// [`CUT_WRITTEN_BYTES`] of it, pauses briefly and resets the connection (`SO_LINGER` 0:
    /// the client's next read fails with a connection reset rather than an end of file).
    ResetMidResponse,
    /// As [`Behaviour::ResetMidResponse`], but closes the connection normally (FIN): the client
    /// sees the body end early.
    TruncateMidResponse,
    /// Resets the connection (`SO_LINGER` 0) as soon as the request is read, before a byte of
    /// the answer: the request reached the server, which may have acted on it, and the answer is
    /// lost. A token request met this way must not be sent again (R9).
    ResetWithoutAnswer,
    /// A valid `200` response with `Content-Length` of this many bytes, a PDF header followed by
    /// filler, streamed in pieces (a client that stops reading makes the writer stop).
    Oversized(usize),
    /// As [`Behaviour::Oversized`], but with `Transfer-Encoding: chunked` and no
    /// `Content-Length`, so a client only learns the size by reading.
    OversizedChunked(usize),
}

/// How the writing of an [`Behaviour::Oversized`] or [`Behaviour::OversizedChunked`] body
/// ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct StreamOutcome {
    /// The body size the behaviour was to write.
    pub size: usize,
    /// The body bytes handed to the socket before the writing ended.
    pub written: usize,
    /// Whether the whole body was written; `false` when the client closed the connection first
    /// (or the server was dropped).
    pub completed: bool,
}

/// One request as the server read it. `Debug` shows the body's length and hides the values of
/// headers that carry credentials or signatures (R10): it holds what a client sent, the
/// `Authorization` header and the person's data included.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The method, e.g. `POST`.
    pub method: String,
    /// The request target as sent, e.g. `/api/v2/token` (with its query, if any).
    pub target: String,
    /// The protocol version, e.g. `HTTP/1.1`.
    pub version: String,
    /// The headers in the order received, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The body, de-chunked.
    pub body: Vec<u8>,
    /// The number of the connection it came on: 0 for the first connection accepted, 1 for the
    /// next, and so on.
    pub connection: usize,
}

/// Headers whose values are credentials or signatures, shown as `[redacted]` by `Debug`.
const SENSITIVE_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "idenfy-signature",
];

/// Headers as `Debug` shows them: sensitive values redacted.
struct RedactedHeaders<'a>(&'a [(String, String)]);

impl fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(name, value)| {
                let sensitive = SENSITIVE_HEADERS
                    .iter()
                    .any(|header| name.eq_ignore_ascii_case(header));
                (name.as_str(), if sensitive { "[redacted]" } else { value })
            }))
            .finish()
    }
}

impl fmt::Debug for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reply")
            .field("status", &self.status)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("body", &format_args!("[{} bytes]", self.body.len()))
            .finish()
    }
}

impl fmt::Debug for RecordedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordedRequest")
            .field("method", &self.method)
            .field("target", &self.target)
            .field("version", &self.version)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("body", &format_args!("[{} bytes]", self.body.len()))
            .field("connection", &self.connection)
            .finish()
    }
}

impl RecordedRequest {
    /// The path of the target, without the query.
    pub fn path(&self) -> &str {
        self.target
            .split_once('?')
            .map_or(self.target.as_str(), |(path, _)| path)
    }

    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// Every value of header `name` (any case).
    pub fn header_all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
            .collect()
    }
}

/// The scripted server; see the [module documentation](self).
#[derive(Debug)]
pub struct TestServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
}

#[derive(Debug, Default)]
struct Shared {
    stopped: AtomicBool,
    accepted: AtomicUsize,
    state: Mutex<State>,
    /// Signalled when the server stops (to end pending delays early) and when a stream ends.
    wake: Condvar,
}

#[derive(Debug, Default)]
struct State {
    requests: Vec<RecordedRequest>,
    streams: Vec<StreamOutcome>,
    counts: HashMap<String, usize>,
    by_path: HashMap<String, VecDeque<Behaviour>>,
    any_path: VecDeque<Behaviour>,
    defaults: HashMap<String, Behaviour>,
    /// A handle on every open connection, to shut it down when the server stops. Removed when
    /// the connection ends, so that closing it really closes the socket (a reset needs that).
    connections: HashMap<usize, TcpStream>,
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn stopped(&self) -> bool {
        self.stopped.load(Ordering::SeqCst)
    }

    /// Sleeps `duration`, or less if the server stops; `true` if it stopped.
    fn wait(&self, duration: Duration) -> bool {
        let deadline = Instant::now() + duration;
        let mut guard = self.state();
        loop {
            if self.stopped() {
                return true;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            guard = self
                .wake
                .wait_timeout(guard, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// Waits until `n` oversized bodies have ended or `timeout` has passed.
    fn wait_for_streams(&self, n: usize, timeout: Duration) -> Vec<StreamOutcome> {
        let deadline = Instant::now() + timeout;
        let mut state = self.state();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if state.streams.len() >= n || left.is_zero() {
                return state.streams.clone();
            }
            state = self
                .wake
                .wait_timeout(state, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }
}

impl TestServer {
    /// Binds `127.0.0.1:0` and starts accepting connections.
    ///
    /// # Errors
    ///
    /// If no loopback socket can be bound or the accept thread cannot be started.
    pub fn start() -> io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::default());
        let for_thread = Arc::clone(&shared);
        thread::Builder::new()
            .name("test-server-accept".into())
            .spawn(move || accept_loop(&listener, &for_thread))?;
        Ok(Self { addr, shared })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>`, the base URL to configure a client with.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Answers the next request for `path` with `behaviour` (after the ones already queued for
    /// it).
    pub fn enqueue(&self, path: &str, behaviour: Behaviour) {
        self.shared
            .state()
            .by_path
            .entry(path.to_owned())
            .or_default()
            .push_back(behaviour);
    }

    /// Answers the next request for any path without a queue of its own with `behaviour`.
    pub fn enqueue_any(&self, behaviour: Behaviour) {
        self.shared.state().any_path.push_back(behaviour);
    }

    /// Answers every request for `path` with `behaviour` once its queues are empty.
    pub fn set_default(&self, path: &str, behaviour: Behaviour) {
        self.shared
            .state()
            .defaults
            .insert(path.to_owned(), behaviour);
    }

    /// Every request received so far, in order of arrival.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.state().requests.clone()
    }

    /// How many requests for `path` (without query) arrived.
    pub fn count(&self, path: &str) -> usize {
        self.shared.state().counts.get(path).copied().unwrap_or(0)
    }

    /// How many requests arrived, all paths together.
    pub fn total(&self) -> usize {
        self.shared.state().requests.len()
    }

    /// Waits until `n` oversized bodies have ended (see [`StreamOutcome`]) or `timeout` has
    /// passed, and returns the outcomes so far. The writing ends when the whole body was
    /// written or when the client closed the connection, which may be a moment after the
    /// client's call returned.
    ///
    /// This blocks the calling thread; [`TestServer::stream_waiter`] does the same wait on
    /// another thread.
    pub fn wait_for_streams(&self, n: usize, timeout: Duration) -> Vec<StreamOutcome> {
        self.shared.wait_for_streams(n, timeout)
    }

    /// [`TestServer::wait_for_streams`] as a closure that owns what it needs, to run on another
    /// thread while the current one goes on (an async client's connection tasks may have to
    /// run for the streams to end).
    pub fn stream_waiter(
        &self,
        n: usize,
        timeout: Duration,
    ) -> impl FnOnce() -> Vec<StreamOutcome> + Send + 'static {
        let shared = Arc::clone(&self.shared);
        move || shared.wait_for_streams(n, timeout)
    }

    /// How many connections were accepted.
    pub fn connections(&self) -> usize {
        self.shared.accepted.load(Ordering::SeqCst)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.shared.stopped.store(true, Ordering::SeqCst);
        let connections = std::mem::take(&mut self.shared.state().connections);
        self.shared.wake.notify_all();
        for connection in connections.into_values() {
            // Wakes a thread blocked reading or writing; errors mean it is already closed.
            let _ = connection.shutdown(Shutdown::Both);
        }
        // Wakes the accept loop, which sees the flag and ends (dropping the listener).
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
    }
}

/// Closes a port that was just free on the loopback interface and returns its base URL: a
/// connection to it is refused (nothing listens there).
///
/// # Errors
///
/// If no loopback socket can be bound.
pub fn refused_base_url() -> io::Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    drop(listener);
    Ok(format!("http://{addr}"))
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stopped() {
            return;
        }
        let Ok(stream) = stream else { continue };
        let id = shared.accepted.fetch_add(1, Ordering::SeqCst);
        {
            let mut state = shared.state();
            // Registered under the lock that `drop` takes: a connection is either shut down
            // there or sees the flag here.
            if shared.stopped() {
                return;
            }
            if let Ok(handle) = stream.try_clone() {
                state.connections.insert(id, handle);
            }
        }
        let for_thread = Arc::clone(shared);
        let spawned = thread::Builder::new()
            .name(format!("test-server-conn-{id}"))
            .spawn(move || {
                // An I/O error only means the client went away.
                let _ = serve(stream, id, &for_thread);
                // `serve` has dropped its handles; this one is the last.
                for_thread.state().connections.remove(&id);
            });
        if spawned.is_err() {
            // No thread to be had: the closure and its stream are gone; close the last handle.
            shared.state().connections.remove(&id);
        }
    }
}

/// Serves one connection until it closes or a behaviour ends it.
fn serve(stream: TcpStream, id: usize, shared: &Shared) -> io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    loop {
        if shared.stopped() {
            return Ok(());
        }
        let Some(request) = read_request(&mut reader, &mut writer, id)? else {
            return Ok(());
        };
        let close_requested = request
            .header("connection")
            .is_some_and(|value| value.eq_ignore_ascii_case("close"));
        let behaviour = {
            let mut state = shared.state();
            let path = request.path().to_owned();
            *state.counts.entry(path.clone()).or_default() += 1;
            state.requests.push(request);
            next_behaviour(&mut state, &path)
        };
        let keep_alive = match behaviour {
            Behaviour::Respond(reply) => {
                write_reply(&mut writer, &reply, close_requested)?;
                true
            }
            Behaviour::Delay(duration, reply) => {
                if shared.wait(duration) {
                    return Ok(());
                }
                write_reply(&mut writer, &reply, close_requested)?;
                true
            }
            Behaviour::NeverAnswer => {
                hold(&mut reader, shared)?;
                false
            }
            Behaviour::StallMidResponse => {
                write_cut(&mut writer)?;
                hold(&mut reader, shared)?;
                false
            }
            Behaviour::RespondThenClose(reply) => {
                write_reply(&mut writer, &reply, false)?;
                false
            }
            Behaviour::ResetMidResponse => {
                write_cut(&mut writer)?;
                if shared.wait(CUT_PAUSE) {
                    return Ok(());
                }
                reset(&writer);
                // No shutdown, which would send a FIN: the close that follows sends the RST.
                return Ok(());
            }
            Behaviour::ResetWithoutAnswer => {
                reset(&writer);
                return Ok(());
            }
            Behaviour::TruncateMidResponse => {
                write_cut(&mut writer)?;
                if shared.wait(CUT_PAUSE) {
                    return Ok(());
                }
                let _ = writer.shutdown(Shutdown::Both);
                false
            }
            Behaviour::Oversized(size) => stream_body(&mut writer, size, false, shared)?,
            Behaviour::OversizedChunked(size) => stream_body(&mut writer, size, true, shared)?,
        };
        if !keep_alive || close_requested {
            let _ = writer.shutdown(Shutdown::Both);
            return Ok(());
        }
    }
}

/// Holds the connection open: reading (and discarding) ends when the client closes it or the
/// server shuts it down.
fn hold(reader: &mut BufReader<TcpStream>, shared: &Shared) -> io::Result<()> {
    let mut sink = [0u8; 4096];
    while !shared.stopped() && reader.read(&mut sink)? > 0 {}
    Ok(())
}

fn next_behaviour(state: &mut State, path: &str) -> Behaviour {
    if let Some(behaviour) = state.by_path.get_mut(path).and_then(VecDeque::pop_front) {
        return behaviour;
    }
    if let Some(behaviour) = state.any_path.pop_front() {
        return behaviour;
    }
    if let Some(behaviour) = state.defaults.get(path) {
        return behaviour.clone();
    }
    Behaviour::Respond(
        Reply::new(418)
            .header("Content-Type", "text/plain")
            .body(format!(
                "test server: no behaviour scripted for request {} to {path}",
                state.requests.len()
            )),
    )
}

/// Reads one request; `None` when the client closed the connection between requests.
fn read_request(
    reader: &mut BufReader<TcpStream>,
    writer: &mut TcpStream,
    connection: usize,
) -> io::Result<Option<RecordedRequest>> {
    let mut head_bytes = 0usize;
    // Request line (tolerating empty lines before it, RFC 9112 §2.2).
    let request_line = loop {
        let Some(line) = read_line(reader, &mut head_bytes)? else {
            return Ok(None);
        };
        if !line.is_empty() {
            break line;
        }
    };
    let mut parts = request_line.split_whitespace();
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(invalid("malformed request line"));
    };
    let (method, target, version) = (method.to_owned(), target.to_owned(), version.to_owned());

    let mut headers = Vec::new();
    loop {
        let Some(line) = read_line(reader, &mut head_bytes)? else {
            return Err(invalid("connection closed inside the request head"));
        };
        if line.is_empty() {
            break;
        }
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| invalid("malformed header line"))?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let mut request = RecordedRequest {
        method,
        target,
        version,
        headers,
        body: Vec::new(),
        connection,
    };

    if request
        .header("expect")
        .is_some_and(|value| value.eq_ignore_ascii_case("100-continue"))
    {
        writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        writer.flush()?;
    }
    let chunked = request
        .header("transfer-encoding")
        .is_some_and(|value| value.to_ascii_lowercase().contains("chunked"));
    if chunked {
        request.body = read_chunked(reader, &mut head_bytes)?;
    } else if let Some(length) = request.header("content-length") {
        let length: usize = length
            .parse()
            .map_err(|_| invalid("malformed Content-Length"))?;
        if length > MAX_BODY_BYTES {
            return Err(invalid("request body too large"));
        }
        let mut body = vec![0u8; length];
        reader.read_exact(&mut body)?;
        request.body = body;
    }
    Ok(Some(request))
}

/// One line without its CRLF; `None` at the end of the stream before any byte of it.
fn read_line(reader: &mut BufReader<TcpStream>, budget: &mut usize) -> io::Result<Option<String>> {
    let mut line = Vec::new();
    let limit = u64::try_from(MAX_HEAD_BYTES.saturating_sub(*budget)).unwrap_or(0);
    let read = reader.by_ref().take(limit).read_until(b'\n', &mut line)?;
    if read == 0 {
        return if limit == 0 {
            Err(invalid("request head too large"))
        } else {
            Ok(None)
        };
    }
    *budget += read;
    if line.last() != Some(&b'\n') {
        return Err(invalid("request head too large or cut short"));
    }
    line.pop();
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    String::from_utf8(line)
        .map(Some)
        .map_err(|_| invalid("request head is not UTF-8"))
}

fn read_chunked(reader: &mut BufReader<TcpStream>, budget: &mut usize) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line = read_line(reader, budget)?.ok_or_else(|| invalid("body cut short"))?;
        let size = line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size, 16).map_err(|_| invalid("malformed chunk size"))?;
        if size == 0 {
            // Trailers, up to the empty line.
            while !read_line(reader, budget)?
                .ok_or_else(|| invalid("body cut short"))?
                .is_empty()
            {}
            return Ok(body);
        }
        if body.len() + size > MAX_BODY_BYTES {
            return Err(invalid("request body too large"));
        }
        let mut chunk = vec![0; size];
        reader.read_exact(&mut chunk)?;
        body.extend_from_slice(&chunk);
        let mut crlf = [0u8; 2];
        reader.read_exact(&mut crlf)?;
    }
}

fn invalid(message: &'static str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        418 => "I'm a teapot",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

fn write_reply(writer: &mut TcpStream, reply: &Reply, close: bool) -> io::Result<()> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if !reply.has_header("content-length") && !reply.has_header("transfer-encoding") {
        head.push_str(&format!("Content-Length: {}\r\n", reply.body.len()));
    }
    if close {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(&reply.body);
    writer.write_all(&bytes)?;
    writer.flush()
}

/// The head and the first bytes of a body that will never be complete.
fn write_cut(writer: &mut TcpStream) -> io::Result<()> {
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {CUT_ANNOUNCED_BYTES}\r\n\r\n"
    );
    let mut bytes = head.into_bytes();
    bytes.extend(std::iter::repeat_n(b' ', CUT_WRITTEN_BYTES));
    writer.write_all(&bytes)?;
    writer.flush()
}

/// Closes with a reset: `SO_LINGER` of zero turns the close into an RST.
fn reset(writer: &TcpStream) {
    let socket = socket2::SockRef::from(writer);
    let _ = socket.set_linger(Some(Duration::ZERO));
    // The stream itself is closed when `serve` returns; shutting down would send a FIN first.
}

/// Streams an oversized body and records how that ended; `Ok(true)` if the connection can
/// serve another request.
fn stream_body(
    writer: &mut TcpStream,
    size: usize,
    chunked: bool,
    shared: &Shared,
) -> io::Result<bool> {
    let mut written = 0usize;
    let result = write_oversized(writer, size, chunked, shared, &mut written);
    let completed = result.is_ok() && written == size;
    shared.state().streams.push(StreamOutcome {
        size,
        written,
        completed,
    });
    shared.wake.notify_all();
    result.map(|()| completed)
}

/// A `200` PDF of `size` bytes, written in pieces until done, refused, or the server stops;
/// `written` counts the body bytes written.
fn write_oversized(
    writer: &mut TcpStream,
    size: usize,
    chunked: bool,
    shared: &Shared,
    written: &mut usize,
) -> io::Result<()> {
    let framing = if chunked {
        "Transfer-Encoding: chunked".to_owned()
    } else {
        format!("Content-Length: {size}")
    };
    let head = format!("HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\n{framing}\r\n\r\n");
    writer.write_all(head.as_bytes())?;
    let mut piece = vec![b'0'; CHUNK_BYTES];
    let magic = b"%PDF-1.4\n";
    while *written < size {
        if shared.stopped() {
            return Ok(());
        }
        let n = CHUNK_BYTES.min(size - *written);
        // `n` never grows from one piece to the next (only the last is shorter), so `piece` is
        // cut to it once and stays that long.
        piece.truncate(n);
        if *written == 0 {
            for (slot, byte) in piece.iter_mut().zip(magic) {
                *slot = *byte;
            }
        } else {
            for slot in piece.iter_mut().take(magic.len()) {
                *slot = b'0';
            }
        }
        if chunked {
            writer.write_all(format!("{n:x}\r\n").as_bytes())?;
            writer.write_all(&piece)?;
            writer.write_all(b"\r\n")?;
        } else {
            writer.write_all(&piece)?;
        }
        *written += n;
    }
    if chunked {
        writer.write_all(b"0\r\n\r\n")?;
    }
    writer.flush()
}
