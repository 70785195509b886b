//! Fault injection: what to do instead of (or before) answering the next requests to a path, and
//! the connection wrapper that lets an answer be replaced by raw bytes.

use std::future::Future as _;
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

/// A failure to inject into the next requests whose path matches: an error answer (with
/// `Retry-After` if asked), a delay, a dropped connection, a truncated or stalled body, an
/// answer lost after processing, or bytes that are not HTTP. For a share of the requests drawn
/// at random instead, see [`RandomFaults`].
///
/// Faults apply to every path except the control API (`/__emulator/…`), before authentication
/// and the request limit; each matching request uses up one of the fault's [`Fault::times`].
/// Faults are tried in the order they were added.
///
/// [`Emulator::inject_fault`](crate::Emulator::inject_fault) refuses a fault that could never
/// apply or that HTTP cannot carry ([`EmulatorError::InvalidFault`]): `times` of 0, a path or
/// prefix in the control API (or one that is no request path: not starting with `/`, with a
/// `?`, `#`, space or non-ASCII character), a status below 200 (1xx answers are interim, and
/// `101` would switch protocols) or above 999, a body on a `204`, `205` or `304` answer
/// (those are sent without one), and a stall longer than [`MAX_STALL`].
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

/// What a [`Fault`] does. `Debug` shows a scripted body's length, not the body (it may hold
/// anything a test put in an answer; R10).
#[derive(Clone, PartialEq)]
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
        /// A `Retry-After` header, in seconds, when set ([`Fault::retry_after`]).
        retry_after: Option<u32>,
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
    /// Process the request, send the status line, the headers and half of the body, then send
    /// nothing more for this long (at most [`MAX_STALL`]) before closing the connection: a body
    /// that stalls.
    StallBody(Duration),
}

/// The longest stall of a [`FaultKind::StallBody`] fault: a stalled connection holds the
/// emulator's shutdown until its stall is over.
pub const MAX_STALL: Duration = Duration::from_secs(60);

impl std::fmt::Debug for FaultKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FaultKind::Status {
                status,
                content_type,
                body,
                retry_after,
            } => f
                .debug_struct("Status")
                .field("status", status)
                .field("content_type", content_type)
                .field("body", &format_args!("[{} bytes]", body.len()))
                .field("retry_after", retry_after)
                .finish(),
            FaultKind::Delay(delay) => f.debug_tuple("Delay").field(delay).finish(),
            FaultKind::DropConnection => f.write_str("DropConnection"),
            FaultKind::TruncateBody => f.write_str("TruncateBody"),
            FaultKind::Garbage => f.write_str("Garbage"),
            FaultKind::LoseAnswer => f.write_str("LoseAnswer"),
            FaultKind::StallBody(stall) => f.debug_tuple("StallBody").field(stall).finish(),
        }
    }
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
                retry_after: None,
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
            retry_after: None,
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

    /// Process the request, answer the head and half of the body, then stall for `stall` (at
    /// most [`MAX_STALL`], checked by [`Emulator::inject_fault`](crate::Emulator::inject_fault))
    /// and close the connection.
    pub fn stall_body(stall: Duration) -> Self {
        Self::new(FaultKind::StallBody(stall))
    }

    /// For a [`Fault::status`] fault: a `Retry-After` header of `seconds` (for a `429` or a
    /// `503`).
    #[must_use]
    pub fn retry_after(mut self, seconds: u32) -> Self {
        if let FaultKind::Status { retry_after, .. } = &mut self.kind {
            *retry_after = Some(seconds);
        }
        self
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
        if let FaultKind::StallBody(stall) = &self.kind
            && *stall > MAX_STALL
        {
            return invalid(format!(
                "`stallMs` must be at most {} (a stalled connection holds the shutdown), got {}",
                MAX_STALL.as_millis(),
                stall.as_millis()
            ));
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
                retry_after,
            } => {
                set("kind", "status".into());
                set("status", (*status).into());
                set("contentType", content_type.as_str().into());
                set("body", String::from_utf8_lossy(body).into_owned().into());
                if let Some(seconds) = retry_after {
                    set("retryAfter", (*seconds).into());
                }
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
            FaultKind::StallBody(stall) => {
                set("kind", "stallBody".into());
                set(
                    "stallMs",
                    u64::try_from(stall.as_millis()).unwrap_or(u64::MAX).into(),
                );
            }
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

/// Faults drawn at random, for chaos runs: each request whose path one of the faults matches
/// is hit with probability `rate`, by one of the matching faults chosen with equal chances,
/// from a generator seeded with `seed` — so the same seed gives the same sequence of decisions,
/// the n-th request seen getting the n-th draw.
///
/// They apply where queued faults ([`Emulator::inject_fault`](crate::Emulator::inject_fault))
/// do — every path outside the control API, before authentication — and after them: a request
/// that a queued fault takes gets no random one. A fault's [`Fault::times`] is ignored here.
/// Set them with [`EmulatorBuilder::random_faults`](crate::EmulatorBuilder::random_faults) or
/// [`Emulator::set_random_faults`](crate::Emulator::set_random_faults); what they did is in
/// [`Emulator::random_fault_tally`](crate::Emulator::random_fault_tally).
///
/// ```
/// use std::time::Duration;
/// use idenfy_emulator::{Fault, RandomFaults};
///
/// // 5 % of the requests to the API: half of them a 503, half a lost answer.
/// let chaos = RandomFaults::new(0.05, 42)
///     .fault(Fault::status(503).on_prefix("/api/v2/"))
///     .fault(Fault::lose_answer().on_prefix("/api/v2/"));
/// assert_eq!(chaos.faults().len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RandomFaults {
    rate: f64,
    seed: u64,
    faults: Vec<Fault>,
}

impl RandomFaults {
    /// Requests are hit with probability `rate` (0 to 1), drawn from a generator seeded with
    /// `seed`; add the faults to choose from with [`RandomFaults::fault`].
    pub fn new(rate: f64, seed: u64) -> Self {
        Self {
            rate,
            seed,
            faults: Vec::new(),
        }
    }

    /// Adds a fault to choose from; its path or prefix says which requests it may hit.
    #[must_use]
    pub fn fault(mut self, fault: Fault) -> Self {
        self.faults.push(fault);
        self
    }

    /// The probability that a request is hit.
    pub fn rate(&self) -> f64 {
        self.rate
    }

    /// The seed of the generator.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The faults chosen from, in the order they were added.
    pub fn faults(&self) -> &[Fault] {
        &self.faults
    }

    /// Refuses a rate outside 0 to 1 (or not a number), no faults, or a fault that
    /// [`Emulator::inject_fault`](crate::Emulator::inject_fault) would refuse.
    pub(crate) fn check(&self) -> Result<(), EmulatorError> {
        if !(0.0..=1.0).contains(&self.rate) {
            return Err(EmulatorError::InvalidFault(format!(
                "`rate` must be 0 to 1, got {}",
                self.rate
            )));
        }
        if self.faults.is_empty() {
            return Err(EmulatorError::InvalidFault(
                "random faults need at least one fault to choose from".to_owned(),
            ));
        }
        self.faults.iter().try_for_each(Fault::check)
    }
}

/// What [`RandomFaults`] did since they were set: how many requests they saw (those one of the
/// faults could hit) and how many each fault hit, in the order of [`RandomFaults::faults`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RandomFaultTally {
    /// Requests seen: those whose path one of the faults matches.
    pub requests: u64,
    /// Requests hit, per fault.
    pub injected: Vec<u64>,
}

impl RandomFaultTally {
    /// Requests hit by any fault.
    pub fn total(&self) -> u64 {
        self.injected
            .iter()
            .fold(0, |sum, n| sum.saturating_add(*n))
    }
}

/// SplitMix64: a small seeded generator with good statistical quality, enough to decide which
/// requests fail (nothing secret depends on it).
#[derive(Debug, Clone)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `[0, 1)` from 53 random bits.
    fn next_f64(&mut self) -> f64 {
        // 53 bits are exactly representable.
        #[allow(clippy::cast_precision_loss)]
        let fraction = (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        fraction
    }
}

/// Random faults in use: the settings, the generator and the tally.
#[derive(Debug, Clone)]
pub(crate) struct RandomFaultState {
    config: RandomFaults,
    rng: SplitMix64,
    tally: RandomFaultTally,
}

impl RandomFaultState {
    /// Checked settings ([`RandomFaults::check`]) with a fresh tally.
    pub(crate) fn new(config: RandomFaults) -> Self {
        let tally = RandomFaultTally {
            requests: 0,
            injected: vec![0; config.faults.len()],
        };
        Self {
            rng: SplitMix64(config.seed),
            config,
            tally,
        }
    }

    /// Whether a request for `path` is hit, and by what.
    pub(crate) fn draw(&mut self, path: &str) -> Option<FaultKind> {
        let matching = self
            .config
            .faults
            .iter()
            .filter(|fault| fault.path.matches(path))
            .count();
        if matching == 0 {
            return None;
        }
        self.tally.requests = self.tally.requests.saturating_add(1);
        if self.rng.next_f64() >= self.config.rate {
            return None;
        }
        let pick = usize::try_from(self.rng.next_u64() % matching as u64).unwrap_or(0);
        let (index, fault) = self
            .config
            .faults
            .iter()
            .enumerate()
            .filter(|(_, fault)| fault.path.matches(path))
            .nth(pick)?;
        if let Some(count) = self.tally.injected.get_mut(index) {
            *count = count.saturating_add(1);
        }
        Some(fault.kind.clone())
    }

    /// What the faults did so far.
    pub(crate) fn tally(&self) -> RandomFaultTally {
        self.tally.clone()
    }
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
    retry_after: Option<u32>,
    stall_ms: Option<u64>,
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
                if let Some(seconds) = self.retry_after {
                    fault = fault.retry_after(seconds);
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
            "stallBody" => Fault::stall_body(Duration::from_millis(
                self.stall_ms
                    .ok_or_else(|| invalid("a stallBody fault needs `stallMs`"))?,
            )),
            _ => {
                return Err(invalid(
                    "`kind` must be one of status, delay, drop, truncate, garbage, lose, stallBody",
                ));
            }
        };
        if self.retry_after.is_some() && self.kind != "status" {
            return Err(invalid("`retryAfter` is for a status fault only"));
        }
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

/// The JSON form of [`RandomFaults`] in the control API:
/// `{"rate": 0.05, "seed": 1, "faults": [fault, …]}` (`seed` 0 when absent).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct RandomFaultsJson {
    rate: Option<f64>,
    seed: Option<u64>,
    faults: Vec<FaultJson>,
}

impl RandomFaultsJson {
    pub(crate) fn into_random(self) -> Result<RandomFaults, EmulatorError> {
        let rate = self.rate.ok_or_else(|| {
            EmulatorError::InvalidFault("random faults need a `rate` of 0 to 1".to_owned())
        })?;
        let mut random = RandomFaults::new(rate, self.seed.unwrap_or(0));
        for fault in self.faults {
            random = random.fault(fault.into_fault()?);
        }
        random.check()?;
        Ok(random)
    }
}

impl RandomFaultState {
    /// The settings and the tally as the control API shows them.
    pub(crate) fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "rate": self.config.rate,
            "seed": self.config.seed,
            "faults": self.config.faults.iter().map(Fault::to_json).collect::<Vec<_>>(),
            "requests": self.tally.requests,
            "injected": self.tally.injected,
        })
    }
}

/// Per connection: the raw bytes that replace the next answer, set by the request handler, and
/// how long to stall after writing them before the connection closes.
#[derive(Debug, Default)]
pub(crate) struct RawSlot(Mutex<Option<(Vec<u8>, Duration)>>);

impl RawSlot {
    /// Replaces the answer being written with `bytes`, after which the connection closes.
    pub(crate) fn set(&self, bytes: Vec<u8>) {
        self.set_stalled(bytes, Duration::ZERO);
    }

    /// Replaces the answer being written with `bytes`, then writes nothing for `stall`, after
    /// which the connection closes.
    pub(crate) fn set_stalled(&self, bytes: Vec<u8>, stall: Duration) {
        *lock(&self.0) = Some((bytes, stall));
    }

    pub(crate) fn take(&self) -> Option<(Vec<u8>, Duration)> {
        lock(&self.0).take()
    }
}

/// A raw answer being written: the bytes, how many are written, and the stall after them.
struct RawAnswer {
    bytes: Vec<u8>,
    written: usize,
    stall: Duration,
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
}

/// A TCP stream whose writes can be hijacked: once the handler has put bytes into the
/// connection's [`RawSlot`], whatever hyper writes is discarded, the raw bytes are written
/// instead, the stall (if any) is waited out, the stream is shut down and hyper is told the
/// connection is gone.
pub(crate) struct FaultyStream {
    inner: TcpStream,
    slot: Arc<RawSlot>,
    raw: Option<RawAnswer>,
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
                Some((bytes, stall)) => {
                    self.raw = Some(RawAnswer {
                        bytes,
                        written: 0,
                        stall,
                        sleep: None,
                    });
                }
                None => return Poll::Ready(None),
            }
        }
        let Some(raw) = &mut self.raw else {
            return Poll::Ready(None);
        };
        while let Some(rest) = raw.bytes.get(raw.written..).filter(|rest| !rest.is_empty()) {
            match ready!(Pin::new(&mut self.inner).poll_write(cx, rest)) {
                Ok(0) => break,
                Ok(n) => raw.written += n,
                Err(error) => return Poll::Ready(Some(Err(error))),
            }
        }
        if !raw.stall.is_zero() {
            if raw.sleep.is_none()
                && let Err(error) = ready!(Pin::new(&mut self.inner).poll_flush(cx))
            {
                return Poll::Ready(Some(Err(error)));
            }
            let stall = raw.stall;
            let sleep = raw
                .sleep
                .get_or_insert_with(|| Box::pin(tokio::time::sleep(stall)));
            ready!(sleep.as_mut().poll(cx));
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
                body: br#"{"a":1}"#.to_vec(),
                retry_after: None,
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

    #[test]
    fn retry_after_and_stalled_bodies_in_json() {
        let parse = |json: &str| {
            serde_json::from_str::<FaultJson>(json)
                .unwrap()
                .into_fault()
        };
        let fault = parse(r#"{"kind":"status","status":429,"retryAfter":2}"#).unwrap();
        assert!(matches!(
            fault.kind,
            FaultKind::Status {
                status: 429,
                retry_after: Some(2),
                ..
            }
        ));
        assert_eq!(fault.to_json()["retryAfter"], 2);
        assert!(parse(r#"{"kind":"drop","retryAfter":2}"#).is_err());
        let stall = parse(r#"{"kind":"stallBody","stallMs":1500}"#).unwrap();
        assert_eq!(
            stall.kind,
            FaultKind::StallBody(Duration::from_millis(1500))
        );
        assert_eq!(stall.to_json()["stallMs"], 1500);
        assert!(parse(r#"{"kind":"stallBody"}"#).is_err());
        let too_long = parse(r#"{"kind":"stallBody","stallMs":60001}"#).unwrap_err();
        assert!(too_long.to_string().contains("stallMs"), "{too_long}");
    }

    fn mix(rate: f64, seed: u64) -> RandomFaults {
        RandomFaults::new(rate, seed)
            .fault(Fault::status(503).on_path("/api/v2/status"))
            .fault(Fault::lose_answer().on_prefix("/api/v2/"))
    }

    fn decisions(state: &mut RandomFaultState, path: &str, n: usize) -> Vec<Option<FaultKind>> {
        (0..n).map(|_| state.draw(path)).collect()
    }

    #[test]
    fn random_faults_follow_their_seed() {
        let mut one = RandomFaultState::new(mix(0.3, 7));
        let mut again = RandomFaultState::new(mix(0.3, 7));
        let mut other = RandomFaultState::new(mix(0.3, 8));
        let first = decisions(&mut one, "/api/v2/status", 200);
        assert_eq!(first, decisions(&mut again, "/api/v2/status", 200));
        assert_ne!(first, decisions(&mut other, "/api/v2/status", 200));
        let hits = first.iter().filter(|kind| kind.is_some()).count();
        // 30 % of 200, within a wide margin (the draw is fixed by the seed).
        assert!((35..=85).contains(&hits), "{hits}");
        let tally = one.tally();
        assert_eq!(tally.requests, 200);
        assert_eq!(tally.total(), hits as u64);
        // Both faults match /api/v2/status, and both were drawn.
        assert!(tally.injected.iter().all(|count| *count > 0), "{tally:?}");
    }

    #[test]
    fn random_faults_apply_where_their_paths_match() {
        let mut state = RandomFaultState::new(mix(1.0, 1));
        // Only the lose fault matches the token path.
        assert!(
            decisions(&mut state, "/api/v2/token", 50)
                .iter()
                .all(|kind| *kind == Some(FaultKind::LoseAnswer))
        );
        // No fault matches: the request is not even counted.
        assert_eq!(state.draw("/other"), None);
        let tally = state.tally();
        assert_eq!(tally.requests, 50);
        assert_eq!(tally.injected, vec![0, 50]);

        let mut never = RandomFaultState::new(mix(0.0, 1));
        assert!(
            decisions(&mut never, "/api/v2/status", 100)
                .iter()
                .all(Option::is_none)
        );
        assert_eq!(never.tally().requests, 100);
        assert_eq!(never.tally().total(), 0);
    }

    #[test]
    fn random_faults_that_make_no_sense_are_refused() {
        for rate in [-0.1, 1.5, f64::NAN, f64::INFINITY] {
            let error = mix(rate, 0).check().unwrap_err();
            assert!(error.to_string().contains("`rate`"), "{error}");
        }
        assert!(RandomFaults::new(0.5, 0).check().is_err());
        let control =
            RandomFaults::new(0.5, 0).fault(Fault::drop_connection().on_path("/__emulator/health"));
        assert!(control.check().is_err());
        assert!(mix(0.05, 0).check().is_ok());
    }
}
