//! Fault injection: what to do instead of (or before) answering the next requests to a path, and
//! the connection wrapper that lets an answer be replaced by raw bytes.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use idenfy_proto::ErrorIdentifier;
use idenfy_proto::server::ErrorBody;
use serde::Deserialize;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

use crate::server::{CONTROL_PREFIX, is_control_path};
use crate::{EmulatorError, lock};

/// A failure to inject into the next requests whose path matches: an error answer, a delay, a
/// dropped connection, a truncated body, or bytes that are not HTTP.
///
/// Faults apply to every path except the control API (`/__emulator/…`), before authentication
/// and the request limit; each matching request uses up one of the fault's [`Fault::times`].
/// Faults are tried in the order they were added.
///
/// [`Emulator::inject_fault`](crate::Emulator::inject_fault) refuses a fault that could never
/// apply or that HTTP cannot carry ([`EmulatorError::InvalidFault`]): `times` of 0, a path or
/// prefix in the control API (or one that is no request path: not starting with `/`, with a
/// `?`, `#`, space or non-ASCII character), a status below 200 (1xx answers are interim, and
/// `101` would switch protocols) or above 999, and a body on a `204`, `205` or `304` answer
/// (those are sent without one).
///
/// ```
/// use std::time::Duration;
/// use idenfy_emulator::Fault;
///
/// let unavailable = Fault::status(503).on_path("/api/v2/status").times(2);
/// let slow = Fault::delay(Duration::from_secs(5)).on_prefix("/api/v2/");
/// let cut = Fault::truncate_body().on_path("/api/v2/token");
/// # let _ = (unavailable, slow, cut);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Fault {
    pub(crate) kind: FaultKind,
    pub(crate) path: PathMatch,
    pub(crate) remaining: u32,
}

/// What a [`Fault`] does.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum FaultKind {
    /// Answer with this status, `Content-Type` and body instead of processing the request.
    Status {
        /// The HTTP status.
        status: u16,
        /// The `Content-Type` of the body.
        content_type: String,
        /// The body.
        body: Vec<u8>,
    },
    /// Wait this long, then process the request normally.
    Delay(Duration),
    /// Close the connection without answering; the request is not processed.
    DropConnection,
    /// Process the request, send the status line, the headers with a `Content-Length` larger
    /// than the body and half of the body, then close the connection.
    TruncateBody,
    /// Answer with bytes that are not HTTP, then close the connection; the request is not
    /// processed.
    Garbage,
    /// Process the request in full — a token request creates its token — then close the
    /// connection without a byte of the answer: an answer lost on its way back, the case where
    /// a client that resends creates a second token (R9).
    LoseAnswer,
}

/// Which request paths a [`Fault`] applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PathMatch {
    /// Every path outside the control API.
    Any,
    /// Exactly this path (`/api/v2/token`).
    Exact(String),
    /// Every path starting with this prefix (`/api/v2/`).
    Prefix(String),
}

impl PathMatch {
    fn matches(&self, path: &str) -> bool {
        match self {
            PathMatch::Any => true,
            PathMatch::Exact(exact) => path == exact,
            PathMatch::Prefix(prefix) => path.starts_with(prefix.as_str()),
        }
    }
}

/// Whether an answer with `status` has no body: `204 No Content`, `205 Reset Content` and
/// `304 Not Modified` (RFC 9110 §15.3.5, §15.3.6, §15.4.5).
pub(crate) fn status_has_no_body(status: u16) -> bool {
    matches!(status, 204 | 205 | 304)
}

/// Why `path` can never be the path of a request: `None` when it can.
fn not_a_request_path(path: &str) -> Option<&'static str> {
    if !path.starts_with('/') {
        Some("does not start with /")
    } else if path.chars().any(|c| {
        matches!(c, '?' | '#') || !c.is_ascii() || c.is_ascii_whitespace() || c.is_ascii_control()
    }) {
        Some("holds a character no request path has (?, #, a space or a non-ASCII character)")
    } else {
        None
    }
}

/// The bytes a garbage fault sends: no HTTP status line.
pub(crate) const GARBAGE: &[u8] = b"\x16\x03\x01\x00\xa5 this is not HTTP \xff\xfe\x00\r\n\r\n";

impl Fault {
    fn new(kind: FaultKind) -> Self {
        Self {
            kind,
            path: PathMatch::Any,
            remaining: 1,
        }
    }

    /// Answer `status` with an iDenfy error body (`INTERNAL_ERROR` for 5xx, `BAD_VALUE`
    /// otherwise); replace it with [`Fault::with_body`]. A `204`, `205` or `304` answer has no
    /// body. `status` must be 200 to 999 (checked by
    /// [`Emulator::inject_fault`](crate::Emulator::inject_fault)).
    pub fn status(status: u16) -> Self {
        if status_has_no_body(status) {
            return Self::new(FaultKind::Status {
                status,
                content_type: String::new(),
                body: Vec::new(),
            });
        }
        let identifier = if status >= 500 {
            ErrorIdentifier::InternalError
        } else {
            ErrorIdentifier::BadValue
        };
        let body = ErrorBody::new(identifier, "Fault injected by the emulator.").to_vec();
        Self::new(FaultKind::Status {
            status,
            content_type: "application/json".to_owned(),
            body,
        })
    }

    /// Wait `delay`, then answer normally (for the client's timeouts).
    pub fn delay(delay: Duration) -> Self {
        Self::new(FaultKind::Delay(delay))
    }

    /// Close the connection without answering.
    pub fn drop_connection() -> Self {
        Self::new(FaultKind::DropConnection)
    }

    /// Answer with a `Content-Length` larger than the body sent, then close the connection.
    pub fn truncate_body() -> Self {
        Self::new(FaultKind::TruncateBody)
    }

    /// Answer with bytes that are not HTTP, then close the connection.
    pub fn garbage() -> Self {
        Self::new(FaultKind::Garbage)
    }

    /// Process the request, then close the connection without answering.
    pub fn lose_answer() -> Self {
        Self::new(FaultKind::LoseAnswer)
    }

    /// For a [`Fault::status`] fault: the body and its `Content-Type`.
    #[must_use]
    pub fn with_body(mut self, content_type: impl Into<String>, body: impl Into<Vec<u8>>) -> Self {
        if let FaultKind::Status {
            content_type: kind_type,
            body: kind_body,
            ..
        } = &mut self.kind
        {
            *kind_type = content_type.into();
            *kind_body = body.into();
        }
        self
    }

    /// Apply only to requests for exactly `path`.
    #[must_use]
    pub fn on_path(mut self, path: impl Into<String>) -> Self {
        self.path = PathMatch::Exact(path.into());
        self
    }

    /// Apply only to requests whose path starts with `prefix`.
    #[must_use]
    pub fn on_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.path = PathMatch::Prefix(prefix.into());
        self
    }

    /// Apply to the next `times` matching requests (1 by default; at least 1).
    #[must_use]
    pub fn times(mut self, times: u32) -> Self {
        self.remaining = times;
        self
    }

    /// What the fault does.
    pub fn kind(&self) -> &FaultKind {
        &self.kind
    }

    /// Which paths it applies to.
    pub fn path(&self) -> &PathMatch {
        &self.path
    }

    /// How many more requests it applies to.
    pub fn remaining(&self) -> u32 {
        self.remaining
    }

    /// Refuses a fault that could never apply or that HTTP cannot carry (see [`Fault`]); the
    /// message names the field and the rule.
    pub(crate) fn check(&self) -> Result<(), EmulatorError> {
        let invalid = |message: String| Err(EmulatorError::InvalidFault(message));
        if self.remaining == 0 {
            return invalid("`times` must be at least 1, got 0".to_owned());
        }
        match &self.path {
            PathMatch::Any => {}
            PathMatch::Exact(path) => {
                if let Some(reason) = not_a_request_path(path) {
                    return invalid(format!("`path` {reason}, so the fault could never apply"));
                }
                if is_control_path(path) {
                    return invalid(format!(
                        "`path` is in the control API ({CONTROL_PREFIX}), which faults never apply to"
                    ));
                }
            }
            PathMatch::Prefix(prefix) => {
                if let Some(reason) = not_a_request_path(prefix).filter(|_| !prefix.is_empty()) {
                    return invalid(format!("`prefix` {reason}, so the fault could never apply"));
                }
                if prefix.starts_with(&format!("{CONTROL_PREFIX}/")) {
                    return invalid(format!(
                        "`prefix` is in the control API ({CONTROL_PREFIX}), which faults never apply to"
                    ));
                }
            }
        }
        if let FaultKind::Status { status, body, .. } = &self.kind {
            if !(200..=999).contains(status) {
                return invalid(format!(
                    "`status` must be 200 to 999 (1xx answers are interim), got {status}"
                ));
            }
            if status_has_no_body(*status) && !body.is_empty() {
                return invalid(format!("`body`: a {status} answer has no body"));
            }
        }
        Ok(())
    }

    /// The fault as the control API shows it.
    pub(crate) fn to_json(&self) -> serde_json::Value {
        let mut value = serde_json::Map::new();
        let mut set = |key: &str, field: serde_json::Value| {
            value.insert(key.to_owned(), field);
        };
        set("times", self.remaining.into());
        match &self.path {
            PathMatch::Any => {}
            PathMatch::Exact(path) => set("path", path.as_str().into()),
            PathMatch::Prefix(prefix) => set("prefix", prefix.as_str().into()),
        }
        match &self.kind {
            FaultKind::Status {
                status,
                content_type,
                body,
            } => {
                set("kind", "status".into());
                set("status", (*status).into());
                set("contentType", content_type.as_str().into());
                set("body", String::from_utf8_lossy(body).into_owned().into());
            }
            FaultKind::Delay(delay) => {
                set("kind", "delay".into());
                set(
                    "delayMs",
                    u64::try_from(delay.as_millis()).unwrap_or(u64::MAX).into(),
                );
            }
            FaultKind::DropConnection => set("kind", "drop".into()),
            FaultKind::TruncateBody => set("kind", "truncate".into()),
            FaultKind::Garbage => set("kind", "garbage".into()),
            FaultKind::LoseAnswer => set("kind", "lose".into()),
        }
        serde_json::Value::Object(value)
    }
}

/// Takes one use of the first fault matching `path`, dropping faults that are used up.
pub(crate) fn take_matching(faults: &mut Vec<Fault>, path: &str) -> Option<FaultKind> {
    let index = faults
        .iter()
        .position(|fault| fault.remaining > 0 && fault.path.matches(path))?;
    let fault = faults.get_mut(index)?;
    fault.remaining -= 1;
    let kind = fault.kind.clone();
    if fault.remaining == 0 {
        faults.remove(index);
    }
    Some(kind)
}

/// The JSON form of a [`Fault`] in the control API.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct FaultJson {
    kind: String,
    path: Option<String>,
    prefix: Option<String>,
    times: Option<u32>,
    status: Option<u16>,
    content_type: Option<String>,
    body: Option<serde_json::Value>,
    delay_ms: Option<u64>,
}

impl FaultJson {
    pub(crate) fn into_fault(self) -> Result<Fault, EmulatorError> {
        let invalid = |message: &str| EmulatorError::InvalidFault(message.to_owned());
        let mut fault = match self.kind.as_str() {
            "status" => {
                let status = self
                    .status
                    .ok_or_else(|| invalid("a status fault needs a `status` of 200 to 999"))?;
                let mut fault = Fault::status(status);
                if let Some(body) = self.body {
                    let (content_type, bytes) = match body {
                        serde_json::Value::String(text) => {
                            ("text/plain; charset=utf-8", text.into_bytes())
                        }
                        json => ("application/json", json.to_string().into_bytes()),
                    };
                    let content_type = self.content_type.as_deref().unwrap_or(content_type);
                    fault = fault.with_body(content_type, bytes);
                }
                fault
            }
            "delay" => Fault::delay(Duration::from_millis(
                self.delay_ms
                    .ok_or_else(|| invalid("a delay fault needs `delayMs`"))?,
            )),
            "drop" => Fault::drop_connection(),
            "truncate" => Fault::truncate_body(),
            "garbage" => Fault::garbage(),
            "lose" => Fault::lose_answer(),
            _ => {
                return Err(invalid(
                    "`kind` must be one of status, delay, drop, truncate, garbage, lose",
                ));
            }
        };
        fault = match (self.path, self.prefix) {
            (Some(_), Some(_)) => return Err(invalid("give `path` or `prefix`, not both")),
            (Some(path), None) => fault.on_path(path),
            (None, Some(prefix)) => fault.on_prefix(prefix),
            (None, None) => fault,
        };
        if let Some(times) = self.times {
            fault = fault.times(times);
        }
        fault.check()?;
        Ok(fault)
    }
}

/// Per connection: the raw bytes that replace the next answer, set by the request handler.
#[derive(Debug, Default)]
pub(crate) struct RawSlot(Mutex<Option<Vec<u8>>>);

impl RawSlot {
    /// Replaces the answer being written with `bytes`, after which the connection closes.
    pub(crate) fn set(&self, bytes: Vec<u8>) {
        *lock(&self.0) = Some(bytes);
    }

    pub(crate) fn take(&self) -> Option<Vec<u8>> {
        lock(&self.0).take()
    }
}

/// A TCP stream whose writes can be hijacked: once the handler has put bytes into the
/// connection's [`RawSlot`], whatever hyper writes is discarded, the raw bytes are written
/// instead, the stream is shut down and hyper is told the connection is gone.
pub(crate) struct FaultyStream {
    inner: TcpStream,
    slot: Arc<RawSlot>,
    raw: Option<(Vec<u8>, usize)>,
}

impl FaultyStream {
    pub(crate) fn new(inner: TcpStream, slot: Arc<RawSlot>) -> Self {
        Self {
            inner,
            slot,
            raw: None,
        }
    }

    /// `Ready(Some(result))` when a raw answer was (being) written; `Ready(None)` when there is
    /// none and the stream behaves normally.
    fn poll_raw(&mut self, cx: &mut Context<'_>) -> Poll<Option<io::Result<()>>> {
        if self.raw.is_none() {
            match self.slot.take() {
                Some(bytes) => self.raw = Some((bytes, 0)),
                None => return Poll::Ready(None),
            }
        }
        let Some((bytes, written)) = &mut self.raw else {
            return Poll::Ready(None);
        };
        while let Some(rest) = bytes.get(*written..).filter(|rest| !rest.is_empty()) {
            match ready!(Pin::new(&mut self.inner).poll_write(cx, rest)) {
                Ok(0) => break,
                Ok(n) => *written += n,
                Err(error) => return Poll::Ready(Some(Err(error))),
            }
        }
        if let Err(error) = ready!(Pin::new(&mut self.inner).poll_shutdown(cx)) {
            return Poll::Ready(Some(Err(error)));
        }
        Poll::Ready(Some(Err(io::Error::new(
            io::ErrorKind::ConnectionAborted,
            "connection closed by an injected fault",
        ))))
    }
}

impl AsyncRead for FaultyStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for FaultyStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if let Some(result) = ready!(self.poll_raw(cx)) {
            return Poll::Ready(result.map(|()| buf.len()));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if let Some(result) = ready!(self.poll_raw(cx)) {
            return Poll::Ready(result.map(|()| bufs.iter().map(|buf| buf.len()).sum()));
        }
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Some(result) = ready!(self.poll_raw(cx)) {
            return Poll::Ready(result);
        }
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if ready!(self.poll_raw(cx)).is_some() {
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn faults_are_used_up_in_order() {
        let mut faults = vec![
            Fault::status(500).on_path("/api/v2/status").times(2),
            Fault::garbage().on_prefix("/api/"),
        ];
        assert!(matches!(
            take_matching(&mut faults, "/api/v2/status"),
            Some(FaultKind::Status { status: 500, .. })
        ));
        assert_eq!(
            take_matching(&mut faults, "/api/v2/token"),
            Some(FaultKind::Garbage)
        );
        assert!(matches!(
            take_matching(&mut faults, "/api/v2/status"),
            Some(FaultKind::Status { .. })
        ));
        assert_eq!(take_matching(&mut faults, "/api/v2/status"), None);
        assert!(faults.is_empty());
    }

    #[test]
    fn json_form() {
        let parse = |json: &str| {
            serde_json::from_str::<FaultJson>(json)
                .unwrap()
                .into_fault()
        };
        let fault =
            parse(r#"{"kind":"status","status":503,"path":"/api/v2/token","times":3}"#).unwrap();
        assert_eq!(fault.remaining, 3);
        assert_eq!(fault.path, PathMatch::Exact("/api/v2/token".into()));
        let fault = parse(r#"{"kind":"status","status":418,"body":{"a":1}}"#).unwrap();
        assert_eq!(
            fault.kind,
            FaultKind::Status {
                status: 418,
                content_type: "application/json".into(),
                body: br#"{"a":1}"#.to_vec()
            }
        );
        assert_eq!(
            parse(r#"{"kind":"delay","delayMs":1500}"#).unwrap().kind,
            FaultKind::Delay(Duration::from_millis(1500))
        );
        assert!(parse(r#"{"kind":"delay"}"#).is_err());
        assert!(parse(r#"{"kind":"explode"}"#).is_err());
        assert!(parse(r#"{"kind":"drop","path":"/a","prefix":"/b"}"#).is_err());
        let json = parse(r#"{"kind":"truncate","prefix":"/api/"}"#)
            .unwrap()
            .to_json();
        assert_eq!(
            json,
            serde_json::json!({"kind":"truncate","prefix":"/api/","times":1})
        );
    }
}
