//! The emulator's state: verifications, the clock, the request counter, faults and the default
//! webhook URL. Everything here is synchronous and runs under one lock; nothing awaits.
//!
//! No operation here takes time proportional to the number of verifications: verifications are
//! kept in creation order with indexes by `scanRef`, `authToken`, `clientId` and status; what
//! the clock will change is a queue ordered by deadline, so a tick pops only what is due, a
//! bounded number at a time; a change of state records the webhook as an [`Event`] holding a
//! copy of the verification, whose body is written later, outside the lock. Finished
//! verifications beyond the retention limit are forgotten, oldest finished first.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use idenfy_proto::{
    CountryCode, DocumentType, DummyStatus, EventType, ExpirationThreshold, OverallStatus,
    TokenRequest, TokenType, server,
};

use crate::callback::Requested;
use crate::delivery::Job;
use crate::fault::Fault;
use crate::outcome::Outcome;
use crate::payload::{self, WebhookKind};
use crate::{EmulatorError, Verification};

/// Milliseconds in the request-limit window (requests per hour).
const RATE_WINDOW_MS: i64 = 3_600_000;

/// The latest moment the clock shows: 9999-12-31T23:59:59.999Z in Unix milliseconds. Every
/// advance saturates here, so no date the emulator writes leaves the years 1 to 9999 and no
/// deadline overflows.
pub(crate) const MAX_CLOCK_MS: i64 = 253_402_300_799_999;

/// Where deadlines saturate: a moment past [`MAX_CLOCK_MS`], which the clock never reaches. A
/// token made at the clock's end stays active and a review due past it stays pending, rather
/// than expiring or finishing the moment they begin.
const NEVER_MS: i64 = MAX_CLOCK_MS + 1;

/// One verification: its token, the request it was made from, and where it stands. Times are
/// Unix milliseconds on the emulator's clock.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub(crate) scan_ref: String,
    pub(crate) auth_token: String,
    /// Boxed: a session moves whole when its map's nodes fill and split, and the request is
    /// most of its size.
    pub(crate) request: Box<TokenRequest>,
    /// Where its webhooks go: the request's `callbackUrl`, or a plain `http` one on a host the
    /// emulator was told to allow (`crate::callback`).
    pub(crate) callback_url: Option<String>,
    pub(crate) created_ms: i64,
    pub(crate) started_ms: Option<i64>,
    pub(crate) client_ip: Option<String>,
    pub(crate) phase: Phase,
    pub(crate) deleted: bool,
    /// Set while the verification is active again because the partner asked for more
    /// information: the person's next finish is a resubmission.
    pub(crate) resubmission: Option<Resubmission>,
    /// Whether its latest webhook delivery failed for good (both attempts), until a later one
    /// of it is delivered.
    pub(crate) callback_failed: bool,
    /// How many times it was made active again (request-information): tells one finished
    /// stretch of it from the next in the eviction queue.
    round: u32,
    /// What the direct-processing upload that finished it said, if one did (this round).
    pub(crate) processed: Option<Processed>,
    /// Its video call, once one was started (`POST /api/v2/video-call`).
    pub(crate) video_call: Option<VideoCall>,
}

/// What a direct-processing upload (`POST /api/v2/process`) said about the document: the steps
/// whose images came, the document's type (given, or "detected") and its country.
#[derive(Debug, Clone)]
pub(crate) struct Processed {
    pub(crate) steps: Vec<String>,
    pub(crate) document_type: DocumentType,
    pub(crate) country: CountryCode,
}

/// A verification's video call (reference §3.10): started by `POST /api/v2/video-call`,
/// finished through the control API with the person's answers.
#[derive(Debug, Clone)]
pub(crate) struct VideoCall {
    /// The call's own id: the last segment of its URL.
    pub(crate) id: String,
    /// Whether it is a photo video call (`photos: true`): photos of the document and face are
    /// taken during it.
    pub(crate) photos: bool,
    /// How it ended, once it did.
    pub(crate) ended: Option<VideoCallEnd>,
}

/// How a video call ended: when, whether it succeeded, and each question with the answer and
/// whether it was judged correct.
#[derive(Debug, Clone)]
pub(crate) struct VideoCallEnd {
    pub(crate) at_ms: i64,
    pub(crate) status: bool,
    pub(crate) answers: Vec<crate::VideoCallAnswer>,
}

/// A request for more information (reference §3.11): the verification is active again with a
/// new token, valid `lifetime_ms` from `requested_ms` while unopened.
#[derive(Debug, Clone)]
pub(crate) struct Resubmission {
    requested_ms: i64,
    lifetime_ms: i64,
    /// When the result it replaces finished: the resubmission finishes at least a second later.
    previous_finished_ms: i64,
}

/// Where a verification stands (times in Unix milliseconds).
#[derive(Debug, Clone)]
pub(crate) enum Phase {
    /// The token is valid; the person may or may not have opened the session (`started_ms`).
    Active,
    /// The automatic checks finished; a person reviews it until `review_due_ms`.
    Reviewing {
        outcome: Outcome,
        finished_ms: i64,
        review_due_ms: i64,
    },
    /// Finished, with or without a review.
    Finished {
        outcome: Outcome,
        finished_ms: i64,
        reviewed: bool,
    },
    /// The token or the session expired before the verification was finished.
    Expired { at_ms: i64 },
    /// The person or the system gave up before the verification was finished; reported as
    /// `EXPIRED`, iDenfy's status for a verification that ended without a result.
    Cancelled { at_ms: i64 },
}

impl Session {
    /// The overall status `/api/v2/status` reports.
    pub(crate) fn status(&self) -> OverallStatus {
        match (&self.phase, self.deleted) {
            (Phase::Expired { .. } | Phase::Cancelled { .. }, true) => {
                OverallStatus::ExpiredDeleted
            }
            (_, true) => OverallStatus::Deleted,
            (Phase::Active, false) => OverallStatus::Active,
            (Phase::Reviewing { .. }, false) => OverallStatus::Reviewing,
            (Phase::Finished { outcome, .. }, false) => outcome.overall.clone(),
            (Phase::Expired { .. } | Phase::Cancelled { .. }, false) => OverallStatus::Expired,
        }
    }

    /// When the token (unused) or the session (started) expires, while active: exactly
    /// `expiryTime` (or `sessionLength`) seconds after creation (or the start); the token of a
    /// request for more information `lifetime` after the request.
    pub(crate) fn expires_ms(&self) -> Option<i64> {
        match self.phase {
            Phase::Active => Some(match (self.started_ms, &self.resubmission) {
                (Some(started), _) => {
                    after_seconds(started, server::effective_session_length(&self.request))
                }
                (None, Some(resubmission)) => resubmission
                    .requested_ms
                    .saturating_add(resubmission.lifetime_ms)
                    .min(NEVER_MS),
                (None, None) => after_seconds(
                    self.created_ms,
                    server::effective_expiry_time(&self.request),
                ),
            }),
            _ => None,
        }
    }

    /// The next moment the clock changes this verification by itself.
    fn deadline(&self) -> Option<i64> {
        match &self.phase {
            Phase::Active => self.expires_ms(),
            Phase::Reviewing { review_due_ms, .. } => Some(*review_due_ms),
            _ => None,
        }
    }

    /// The outcome, once the automatic checks finished.
    pub(crate) fn outcome(&self) -> Option<&Outcome> {
        match &self.phase {
            Phase::Reviewing { outcome, .. } | Phase::Finished { outcome, .. } => Some(outcome),
            _ => None,
        }
    }

    /// Whether a person reviewed the verification.
    pub(crate) fn reviewed(&self) -> bool {
        matches!(self.phase, Phase::Finished { reviewed: true, .. })
    }

    /// When the automatic checks finished (or the verification expired).
    pub(crate) fn finished_ms(&self) -> Option<i64> {
        match &self.phase {
            Phase::Reviewing { finished_ms, .. } | Phase::Finished { finished_ms, .. } => {
                Some(*finished_ms)
            }
            Phase::Expired { at_ms } | Phase::Cancelled { at_ms } => Some(*at_ms),
            Phase::Active => None,
        }
    }

    /// Whether document data, files and a report exist: the checks ran and nothing was deleted.
    pub(crate) fn has_result(&self) -> bool {
        !self.deleted && self.outcome().is_some()
    }

    /// Whether nothing more will happen to it by itself: finished, expired or cancelled (a
    /// finished one may still be asked for more information). Only these count against the
    /// retention limit and are evicted.
    fn is_done(&self) -> bool {
        matches!(
            self.phase,
            Phase::Expired { .. } | Phase::Cancelled { .. } | Phase::Finished { .. }
        )
    }

    pub(crate) fn info(&self, base_url: &str) -> Verification {
        Verification {
            scan_ref: self.scan_ref.clone(),
            auth_token: idenfy_proto::AuthToken::new(self.auth_token.as_str()),
            client_id: self.request.client_id().as_str().to_owned(),
            status: self.status(),
            created_at: unix_ms_to_system(self.created_ms),
            started_at: self.started_ms.map(unix_ms_to_system),
            finished_at: self.finished_ms().map(unix_ms_to_system),
            expires_at: self.expires_ms().map(unix_ms_to_system),
            callback_url: self.callback_url.clone(),
            redirect_url: payload::redirect_url(base_url, &self.auth_token),
            callback_failed: self.callback_failed,
        }
    }
}

/// Whether the verification's token is of a video-call type.
pub(crate) fn is_video_call_token(session: &Session) -> bool {
    matches!(
        session.request.token_type(),
        Some(
            TokenType::VideoCall | TokenType::VideoCallPhotos | TokenType::VideoCallIdentification
        )
    )
}

/// `seconds` after `at_ms`, saturating at [`NEVER_MS`].
fn after_seconds(at_ms: i64, seconds: u32) -> i64 {
    at_ms
        .saturating_add(i64::from(seconds).saturating_mul(1000))
        .min(NEVER_MS)
}

/// A webhook to send, recorded when the verification changed: a copy of the verification as it
/// was then, so that the body can be written outside the lock.
#[derive(Debug)]
pub(crate) struct Event {
    pub(crate) scan_ref: String,
    url: Option<String>,
    /// Whether `url` is the token's own `callbackUrl`.
    from_callback: bool,
    kind: WebhookKind,
    at_ms: i64,
    snapshot: Box<Session>,
}

impl Event {
    /// The delivery job: the body written from the copy (in the shapes of iDenfy's real
    /// payloads with `quirks`), signed later by the sender.
    pub(crate) fn into_job(self, base_url: &str, quirks: bool) -> Job {
        let (event_type, is_final) = match &self.kind {
            WebhookKind::Auto { is_final } => (EventType::IdentificationAutoFinished, *is_final),
            WebhookKind::Resubmitted { is_final } => {
                (EventType::IdentificationResubmitted, *is_final)
            }
            WebhookKind::Manual => (EventType::IdentificationManualFinished, true),
            WebhookKind::Expired => (EventType::IdentificationExpired, true),
            WebhookKind::Cancelled => (EventType::IdentificationCancelled, true),
            WebhookKind::DocumentExpiration(_) => (EventType::DocumentExpiration, true),
            WebhookKind::VideoCallFinished => (EventType::VideoCallFinished, true),
        };
        let body = match &self.kind {
            WebhookKind::DocumentExpiration(threshold) => {
                let body = payload::document_expiration_body(&self.snapshot, threshold);
                if quirks {
                    crate::quirks::notice(&body)
                } else {
                    body
                }
            }
            WebhookKind::VideoCallFinished => {
                let body = payload::video_call_body(&self.snapshot);
                if quirks {
                    crate::quirks::notice(&body)
                } else {
                    body
                }
            }
            kind => {
                let body = payload::webhook_body(
                    &self.snapshot,
                    kind,
                    self.at_ms.div_euclid(1000),
                    base_url,
                );
                if quirks {
                    crate::quirks::webhook(&body)
                } else {
                    body
                }
            }
        };
        Job {
            scan_ref: self.scan_ref,
            url: self.url,
            event_type,
            is_final,
            body,
            from_callback: self.from_callback,
            resend_of: None,
        }
    }

    /// The event type, for tests.
    #[cfg(test)]
    fn kind(&self) -> WebhookKind {
        self.kind.clone()
    }
}

/// What the state keeps.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// Finished, expired or deleted verifications kept; the oldest finished beyond it are
    /// forgotten. At least 1.
    pub(crate) finished_retention: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            finished_retention: crate::DEFAULT_FINISHED_RETENTION,
        }
    }
}

/// Which verifications a list shows.
#[derive(Debug, Clone, Default)]
pub(crate) struct Filter {
    pub(crate) status: Option<OverallStatus>,
    pub(crate) client_id: Option<String>,
    pub(crate) scan_ref: Option<String>,
}

impl Filter {
    fn matches(&self, session: &Session) -> bool {
        self.status
            .as_ref()
            .is_none_or(|status| session.status() == *status)
            && self
                .client_id
                .as_deref()
                .is_none_or(|client| session.request.client_id().as_str() == client)
            && self
                .scan_ref
                .as_deref()
                .is_none_or(|scan_ref| session.scan_ref == scan_ref)
    }
}

/// The emulator's clock: real time plus the offset of every advance, in Unix milliseconds. Read
/// without the state lock (webhook senders stamp their records with it).
#[derive(Debug, Default)]
pub(crate) struct Clock {
    offset_ms: AtomicI64,
}

impl Clock {
    /// The time on the clock, at most [`MAX_CLOCK_MS`].
    pub(crate) fn now_ms(&self) -> i64 {
        real_now_ms()
            .saturating_add(self.offset_ms.load(Ordering::Acquire))
            .min(MAX_CLOCK_MS)
    }

    /// Moves the clock forward by `ms` (saturating: it stops at [`MAX_CLOCK_MS`]).
    pub(crate) fn advance_ms(&self, ms: u64) {
        let ms = i64::try_from(ms).unwrap_or(i64::MAX);
        let _ = self
            .offset_ms
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |offset| {
                Some(offset.saturating_add(ms).min(MAX_CLOCK_MS))
            });
    }

    /// The milliseconds added to real time so far.
    pub(crate) fn offset_ms(&self) -> i64 {
        self.offset_ms.load(Ordering::Acquire)
    }
}

/// Everything the emulator remembers.
#[derive(Debug, Default)]
pub(crate) struct State {
    /// Every verification, by creation order.
    sessions: BTreeMap<u64, Session>,
    by_scan_ref: HashMap<String, u64>,
    by_token: HashMap<String, u64>,
    by_client: HashMap<String, BTreeSet<u64>>,
    by_status: HashMap<OverallStatus, BTreeSet<u64>>,
    /// What the clock will change, by deadline: `(deadline, seq)`.
    deadlines: BTreeSet<(i64, u64)>,
    /// Finished, expired and cancelled verifications, in the order they finished: the eviction
    /// order, as `(seq, round)`. An entry whose verification was made active again since (its
    /// round moved on) is stale and skipped.
    done: VecDeque<(u64, u32)>,
    /// How many verifications are finished, expired or cancelled (`done` less its stale
    /// entries).
    done_count: usize,
    /// Webhooks recorded and not yet handed to the sender.
    outbox: Vec<Event>,
    next_seq: u64,
    clock: Arc<Clock>,
    requests: VecDeque<i64>,
    limits: Limits,
    pub(crate) faults: Vec<Fault>,
    /// Faults drawn at random, when set.
    pub(crate) random_faults: Option<crate::fault::RandomFaultState>,
    pub(crate) webhook_url: Option<String>,
    /// What direct-processing uploads do.
    pub(crate) process: crate::ProcessSettings,
    /// The face-authentication sessions.
    pub(crate) face_auth: crate::face_auth::FaceAuthStore,
    /// The verifications with a video call, by the call's id.
    video_calls: HashMap<String, u64>,
}

/// Why a verification could not be deleted.
#[derive(Debug)]
pub(crate) enum DeleteRefusal {
    Unknown,
    NotExpired,
}

/// The real time in Unix milliseconds.
fn real_now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or_default()
}

/// Unix milliseconds as a `SystemTime` (within the clock's range, see [`MAX_CLOCK_MS`]).
pub(crate) fn unix_ms_to_system(ms: i64) -> SystemTime {
    let ms = ms.clamp(-MAX_CLOCK_MS, MAX_CLOCK_MS);
    let magnitude = Duration::from_millis(ms.unsigned_abs());
    let time = if ms >= 0 {
        UNIX_EPOCH.checked_add(magnitude)
    } else {
        UNIX_EPOCH.checked_sub(magnitude)
    };
    time.unwrap_or(UNIX_EPOCH)
}

/// Refuses extra (undefined) token fields whose JSON text exceeds `max` bytes: the emulator
/// stores and echoes them, so their size is bounded. The message names the rule.
pub(crate) fn check_extra_fields(request: &TokenRequest, max: usize) -> Result<(), String> {
    /// Counts bytes and stops the writer once past the limit.
    struct Counter {
        written: usize,
        max: usize,
    }
    impl std::io::Write for Counter {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.written = self.written.saturating_add(bytes.len());
            if self.written > self.max {
                return Err(std::io::Error::other("over the limit"));
            }
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    /// How many field names the message lists, and how much of each.
    const NAMES: usize = 5;
    const NAME_CHARS: usize = 40;
    let extra = request.extra_fields();
    if extra.is_empty() {
        return Ok(());
    }
    let mut counter = Counter { written: 0, max };
    if serde_json::to_writer(&mut counter, extra).is_ok() {
        return Ok(());
    }
    let mut names: Vec<String> = extra
        .keys()
        .take(NAMES)
        .map(|name| name.chars().take(NAME_CHARS).collect())
        .collect();
    if extra.len() > NAMES {
        names.push("…".to_owned());
    }
    Err(format!(
        "The fields iDenfy does not define ({}) must take at most {max} bytes as one JSON \
         object; the emulator stores and echoes them, and keeps no more per token.",
        names.join(", ")
    ))
}

impl State {
    pub(crate) fn new(webhook_url: Option<String>, limits: Limits) -> Self {
        Self {
            webhook_url,
            limits,
            ..Self::default()
        }
    }

    /// The clock, shared with whoever reads it without the lock.
    pub(crate) fn clock(&self) -> Arc<Clock> {
        Arc::clone(&self.clock)
    }

    /// The emulator's clock, in Unix milliseconds.
    pub(crate) fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// Moves the clock forward by `ms` (saturating).
    #[cfg(test)]
    fn advance_ms(&self, ms: u64) {
        self.clock.advance_ms(ms);
    }

    /// Counts one API request against `limit` per hour; `false` when the limit is reached (the
    /// refused request is not counted).
    pub(crate) fn admit_request(&mut self, now: i64, limit: Option<u32>) -> bool {
        let Some(limit) = limit else {
            return true;
        };
        let window_start = now.saturating_sub(RATE_WINDOW_MS);
        while self.requests.front().is_some_and(|&at| at <= window_start) {
            self.requests.pop_front();
        }
        if self.requests.len() >= usize::try_from(limit).unwrap_or(usize::MAX) {
            return false;
        }
        self.requests.push_back(now);
        true
    }

    /// The verification `scan_ref`, brought up to date with the clock first (an expiry or a
    /// review that is due is applied, and its webhook recorded). `None` when unknown or
    /// evicted.
    pub(crate) fn get(&mut self, scan_ref: &str) -> Option<&Session> {
        let seq = *self.by_scan_ref.get(scan_ref)?;
        self.settle(seq, self.now_ms());
        self.sessions.get(&seq)
    }

    /// [`State::get`] by `authToken`.
    pub(crate) fn by_token(&mut self, auth_token: &str) -> Option<&Session> {
        let seq = *self.by_token.get(auth_token)?;
        self.settle(seq, self.now_ms());
        self.sessions.get(&seq)
    }

    /// One page of the verifications `filter` selects, oldest first: how many it selects, and
    /// the `limit` of them after the first `offset`. Works on the indexes: the smallest set a
    /// filter selects is walked, never every verification.
    pub(crate) fn list(
        &self,
        filter: &Filter,
        offset: usize,
        limit: usize,
    ) -> (usize, Vec<&Session>) {
        if let Some(scan_ref) = &filter.scan_ref {
            let found: Vec<&Session> = self
                .by_scan_ref
                .get(scan_ref)
                .and_then(|seq| self.sessions.get(seq))
                .filter(|session| filter.matches(session))
                .into_iter()
                .collect();
            let count = found.len();
            return (count, found.into_iter().skip(offset).take(limit).collect());
        }
        let by_status = filter
            .status
            .as_ref()
            .map(|status| self.by_status.get(status));
        let by_client = filter
            .client_id
            .as_ref()
            .map(|client| self.by_client.get(client));
        let candidates = match (by_status, by_client) {
            (Some(None), _) | (_, Some(None)) => return (0, Vec::new()),
            (Some(Some(status)), Some(Some(client))) => {
                let smaller = if status.len() <= client.len() {
                    status
                } else {
                    client
                };
                let selected = smaller
                    .iter()
                    .filter_map(|seq| self.sessions.get(seq))
                    .filter(|session| filter.matches(session));
                let count = selected.clone().count();
                return (count, selected.skip(offset).take(limit).collect());
            }
            (Some(Some(set)), None) | (None, Some(Some(set))) => set,
            (None, None) => {
                let page = self.sessions.values().skip(offset).take(limit).collect();
                return (self.sessions.len(), page);
            }
        };
        let page = candidates
            .iter()
            .skip(offset)
            .take(limit)
            .filter_map(|seq| self.sessions.get(seq))
            .collect();
        (candidates.len(), page)
    }

    /// Up to `limit` verifications created after the one numbered `after` (0: from the first),
    /// oldest first, with their numbers: a walk through every verification that can release
    /// the lock between steps.
    pub(crate) fn after(&self, after: u64, limit: usize) -> Vec<(u64, &Session)> {
        self.sessions
            .range(after.saturating_add(1)..)
            .take(limit)
            .map(|(seq, session)| (*seq, session))
            .collect()
    }

    /// Records a new verification for `request` with `ids`, its scan reference and token. A
    /// `dummyStatus` other than `ACTIVE` finishes (or expires) it at once and records its webhook.
    pub(crate) fn create(
        &mut self,
        request: impl Into<Requested>,
        ids: (String, String),
        now: i64,
    ) {
        let Requested {
            request,
            callback_url,
        } = request.into();
        let (scan_ref, auth_token) = ids;
        let dummy = request.dummy_status().cloned();
        self.next_seq += 1;
        let seq = self.next_seq;
        let session = Session {
            scan_ref: scan_ref.clone(),
            auth_token: auth_token.clone(),
            request: Box::new(request),
            callback_url,
            created_ms: now,
            started_ms: None,
            client_ip: None,
            phase: Phase::Active,
            deleted: false,
            resubmission: None,
            callback_failed: false,
            round: 0,
            processed: None,
            video_call: None,
        };
        self.by_client
            .entry(session.request.client_id().as_str().to_owned())
            .or_default()
            .insert(seq);
        self.by_status
            .entry(session.status())
            .or_default()
            .insert(seq);
        if let Some(deadline) = session.deadline() {
            self.deadlines.insert((deadline, seq));
        }
        self.by_token.insert(auth_token, seq);
        self.by_scan_ref.insert(scan_ref.clone(), seq);
        self.sessions.insert(seq, session);
        let outcome = match dummy {
            Some(DummyStatus::Approved) => Outcome::approved(),
            Some(DummyStatus::Denied) => Outcome::denied(),
            Some(DummyStatus::Suspected) => Outcome::suspected(),
            Some(DummyStatus::Expired) => {
                self.change(seq, |session| {
                    session.phase = Phase::Expired { at_ms: now };
                });
                self.record(seq, WebhookKind::Expired, now);
                self.evict();
                return;
            }
            _ => return,
        };
        // A new verification is active: completing it cannot fail.
        let _ = self.complete(&scan_ref, outcome, now, None);
    }

    /// The person opens the session (the redirect page): the session clock starts.
    pub(crate) fn start(
        &mut self,
        scan_ref: &str,
        now: i64,
        client_ip: Option<String>,
    ) -> Result<(), EmulatorError> {
        let seq = self.active_seq(scan_ref, now)?;
        self.change(seq, |session| {
            if session.started_ms.is_none() {
                session.started_ms = Some(now);
                if client_ip.is_some() {
                    session.client_ip = client_ip;
                }
            }
        });
        Ok(())
    }

    /// The verification `scan_ref`, up to date, and its number.
    fn current(&mut self, scan_ref: &str, now: i64) -> Result<(u64, &Session), EmulatorError> {
        let seq = *self
            .by_scan_ref
            .get(scan_ref)
            .ok_or_else(|| EmulatorError::UnknownScanRef(scan_ref.to_owned()))?;
        self.settle(seq, now);
        let session = self
            .sessions
            .get(&seq)
            .ok_or_else(|| EmulatorError::UnknownScanRef(scan_ref.to_owned()))?;
        Ok((seq, session))
    }

    /// The verification `scan_ref`, up to date, if it is still active.
    fn active_seq(&mut self, scan_ref: &str, now: i64) -> Result<u64, EmulatorError> {
        let (seq, session) = self.current(scan_ref, now)?;
        if session.deleted || !matches!(session.phase, Phase::Active) {
            return Err(EmulatorError::Conflict {
                scan_ref: scan_ref.to_owned(),
                status: session.status(),
            });
        }
        Ok(seq)
    }

    /// Cancels an active verification: the person or the system gave up. Its status becomes
    /// `EXPIRED` and `IDENTIFICATION_CANCELLED` (final) is recorded.
    pub(crate) fn cancel(&mut self, scan_ref: &str, now: i64) -> Result<(), EmulatorError> {
        let seq = self.active_seq(scan_ref, now)?;
        self.change(seq, |session| {
            session.phase = Phase::Cancelled { at_ms: now };
            session.resubmission = None;
        });
        self.record(seq, WebhookKind::Cancelled, now);
        self.evict();
        Ok(())
    }

    /// Asks the person for more information (reference §3.11): a finished verification becomes
    /// active again with the new token `auth_token`, which expires `lifetime_ms` from now unless
    /// the person opens it (then its `sessionLength` applies). The old token is forgotten. When
    /// the person finishes again, the webhook is `IDENTIFICATION_RESUBMITTED`.
    pub(crate) fn request_information(
        &mut self,
        scan_ref: &str,
        auth_token: String,
        lifetime_ms: i64,
        now: i64,
    ) -> Result<(), EmulatorError> {
        let (seq, session) = self.current(scan_ref, now)?;
        let previous_finished_ms = match (&session.phase, session.deleted) {
            (Phase::Finished { finished_ms, .. }, false) => *finished_ms,
            _ => {
                return Err(EmulatorError::WrongState {
                    scan_ref: scan_ref.to_owned(),
                    status: session.status(),
                    needs: "only a finished verification (approved, denied or suspected, not \
                            in review, not deleted) can be asked for more information",
                });
            }
        };
        let old_token = session.auth_token.clone();
        self.change(seq, |session| {
            session.phase = Phase::Active;
            session.started_ms = None;
            session.auth_token.clone_from(&auth_token);
            session.round = session.round.saturating_add(1);
            session.processed = None;
            session.resubmission = Some(Resubmission {
                requested_ms: now,
                lifetime_ms: lifetime_ms.max(0),
                previous_finished_ms,
            });
        });
        self.by_token.remove(&old_token);
        self.by_token.insert(auth_token, seq);
        Ok(())
    }

    /// Records a `DOCUMENT_EXPIRATION` notice at `threshold` for a verification whose document
    /// was read (the checks ran, nothing was deleted).
    pub(crate) fn document_expiration(
        &mut self,
        scan_ref: &str,
        threshold: ExpirationThreshold,
        now: i64,
    ) -> Result<(), EmulatorError> {
        let (seq, session) = self.current(scan_ref, now)?;
        if !session.has_result() {
            return Err(EmulatorError::WrongState {
                scan_ref: scan_ref.to_owned(),
                status: session.status(),
                needs: "only a verification whose document was read (finished or in review, \
                        not deleted) has a document that can expire",
            });
        }
        self.record(seq, WebhookKind::DocumentExpiration(threshold), now);
        Ok(())
    }

    /// Finishes the active verification `scan_ref` from a direct-processing upload: records
    /// what the upload said, then finishes it with `outcome` as [`State::complete`] does.
    pub(crate) fn finish_upload(
        &mut self,
        scan_ref: &str,
        processed: Processed,
        outcome: Outcome,
        now: i64,
    ) -> Result<(), EmulatorError> {
        let seq = self.active_seq(scan_ref, now)?;
        self.change(seq, |session| session.processed = Some(processed));
        self.complete(scan_ref, outcome, now, None)
    }

    /// Starts a video call for `scan_ref` with the id `call_id`, or finds the one under way: its
    /// id. Refused for a deleted verification, one whose token is no video-call token, and one
    /// whose call already ended.
    pub(crate) fn start_video_call(
        &mut self,
        scan_ref: &str,
        call_id: String,
        photos: bool,
        now: i64,
    ) -> Result<String, EmulatorError> {
        let (seq, session) = self.current(scan_ref, now)?;
        let wrong = |needs: &'static str| EmulatorError::WrongState {
            scan_ref: scan_ref.to_owned(),
            status: session.status(),
            needs,
        };
        if session.deleted {
            return Err(wrong("a deleted verification has no video call"));
        }
        if !is_video_call_token(session) {
            return Err(wrong(
                "a video call needs a token of a video-call type (tokenType VIDEO_CALL, \
                 VIDEO_CALL_PHOTOS or VIDEO_CALL_IDENTIFICATION)",
            ));
        }
        match &session.video_call {
            Some(call) if call.ended.is_none() => return Ok(call.id.clone()),
            Some(_) => return Err(wrong("its video call has already ended")),
            None => {}
        }
        let photos = photos
            || matches!(
                session.request.token_type(),
                Some(TokenType::VideoCallPhotos)
            );
        self.change(seq, |session| {
            session.video_call = Some(VideoCall {
                id: call_id.clone(),
                photos,
                ended: None,
            });
        });
        self.video_calls.insert(call_id.clone(), seq);
        Ok(call_id)
    }

    /// Ends the video call under way of `scan_ref` and records its `VIDEO_CALL_FINISHED`
    /// webhook.
    /// Without `answers`, each of the token's questions is answered and judged correct.
    pub(crate) fn end_video_call(
        &mut self,
        scan_ref: &str,
        status: bool,
        answers: Option<Vec<crate::VideoCallAnswer>>,
        now: i64,
    ) -> Result<(), EmulatorError> {
        let (seq, session) = self.current(scan_ref, now)?;
        let under_way = session
            .video_call
            .as_ref()
            .is_some_and(|call| call.ended.is_none());
        if !under_way || session.deleted {
            return Err(EmulatorError::WrongState {
                scan_ref: scan_ref.to_owned(),
                status: session.status(),
                needs: "only a video call under way (started with /api/v2/video-call, not \
                        ended) can end",
            });
        }
        let answers = answers.unwrap_or_else(|| {
            crate::video_call::default_answers(
                session.request.video_call_questions().unwrap_or_default(),
            )
        });
        self.change(seq, |session| {
            if let Some(call) = &mut session.video_call {
                call.ended = Some(VideoCallEnd {
                    at_ms: now,
                    status,
                    answers,
                });
            }
        });
        self.record(seq, WebhookKind::VideoCallFinished, now);
        Ok(())
    }

    /// The verification whose video call is `call_id`, up to date.
    pub(crate) fn by_video_call(&mut self, call_id: &str) -> Option<&Session> {
        let seq = *self.video_calls.get(call_id)?;
        self.settle(seq, self.now_ms());
        self.sessions.get(&seq)
    }

    /// Notes how a webhook delivery of `scan_ref` ended after its last attempt: `callbackFailed`
    /// is set when it failed, cleared when it was delivered.
    pub(crate) fn note_delivery(&mut self, scan_ref: &str, delivered: bool) {
        if let Some(session) = self
            .by_scan_ref
            .get(scan_ref)
            .and_then(|seq| self.sessions.get_mut(seq))
        {
            session.callback_failed = !delivered;
        }
    }

    /// Finishes an active verification with `outcome` and records its webhooks, in order.
    pub(crate) fn complete(
        &mut self,
        scan_ref: &str,
        outcome: Outcome,
        now: i64,
        client_ip: Option<String>,
    ) -> Result<(), EmulatorError> {
        let seq = self.active_seq(scan_ref, now)?;
        let review_ms = i64::try_from(outcome.review_after.as_millis()).unwrap_or(i64::MAX);
        let review = outcome.manual_review;
        let delayed_review = review && review_ms > 0;
        let resubmitted = self.change(seq, |session| {
            let resubmission = session.resubmission.take();
            // A resubmission is a new result: it finishes at least a second (`finishTime`'s
            // unit) after the one it replaces, so the two never share a de-duplication key.
            let finished_ms = match &resubmission {
                Some(resubmission) => now
                    .max(
                        resubmission
                            .previous_finished_ms
                            .div_euclid(1000)
                            .saturating_add(1)
                            .saturating_mul(1000),
                    )
                    .min(MAX_CLOCK_MS),
                None => now,
            };
            if session.started_ms.is_none() {
                session.started_ms = Some(now);
            }
            if client_ip.is_some() {
                session.client_ip = client_ip;
            }
            session.phase = if delayed_review {
                Phase::Reviewing {
                    outcome,
                    finished_ms,
                    review_due_ms: now.saturating_add(review_ms).min(NEVER_MS),
                }
            } else {
                Phase::Finished {
                    outcome,
                    finished_ms,
                    reviewed: false,
                }
            };
            resubmission.is_some()
        });
        let kind = if resubmitted == Some(true) {
            WebhookKind::Resubmitted { is_final: !review }
        } else {
            WebhookKind::Auto { is_final: !review }
        };
        self.record(seq, kind, now);
        if review && !delayed_review {
            self.change(seq, |session| {
                if let Phase::Finished { reviewed, .. } = &mut session.phase {
                    *reviewed = true;
                }
            });
            self.record(seq, WebhookKind::Manual, now);
        }
        self.evict();
        Ok(())
    }

    /// Applies what the clock brought to the verification `seq`, if anything is due: the
    /// token or session expires, or the review finishes. Records the webhook.
    fn settle(&mut self, seq: u64, now: i64) {
        let Some(deadline) = self.sessions.get(&seq).and_then(Session::deadline) else {
            return;
        };
        if now < deadline {
            return;
        }
        let kind = self.change(seq, |session| {
            match std::mem::replace(&mut session.phase, Phase::Expired { at_ms: deadline }) {
                Phase::Reviewing {
                    outcome,
                    finished_ms,
                    ..
                } => {
                    session.phase = Phase::Finished {
                        outcome,
                        finished_ms,
                        reviewed: true,
                    };
                    WebhookKind::Manual
                }
                _ => {
                    session.resubmission = None;
                    WebhookKind::Expired
                }
            }
        });
        if let Some(kind) = kind {
            self.record(seq, kind, now);
        }
        self.evict();
    }

    /// Applies what the clock brought, for at most `max` verifications (the earliest
    /// deadlines first); returns whether more are due.
    pub(crate) fn tick(&mut self, now: i64, max: usize) -> bool {
        for _ in 0..max {
            match self.deadlines.first() {
                Some(&(deadline, seq)) if deadline <= now => {
                    // Taken out first: whatever the verification's state, the entry is gone.
                    self.deadlines.pop_first();
                    self.settle(seq, now);
                }
                _ => return false,
            }
        }
        self.deadlines
            .first()
            .is_some_and(|&(deadline, _)| deadline <= now)
    }

    /// Deletes a verification's data (`/api/v2/delete`): allowed once its token expired or it
    /// finished; deleting again changes nothing.
    pub(crate) fn delete(&mut self, scan_ref: &str) -> Result<(), DeleteRefusal> {
        let seq = *self
            .by_scan_ref
            .get(scan_ref)
            .ok_or(DeleteRefusal::Unknown)?;
        self.settle(seq, self.now_ms());
        let deletable = self
            .sessions
            .get(&seq)
            .ok_or(DeleteRefusal::Unknown)?
            .is_done();
        if !deletable {
            return Err(DeleteRefusal::NotExpired);
        }
        self.change(seq, |session| session.deleted = true);
        Ok(())
    }

    /// The webhooks recorded since the last call, in the order they happened.
    pub(crate) fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.outbox)
    }

    /// Whether webhooks wait to be handed to the sender.
    pub(crate) fn has_events(&self) -> bool {
        !self.outbox.is_empty()
    }

    /// Changes the verification `seq` with `f`, keeping the indexes (status, deadline, the
    /// finished order) in step. `None` when there is no such verification.
    fn change<R>(&mut self, seq: u64, f: impl FnOnce(&mut Session) -> R) -> Option<R> {
        let session = self.sessions.get_mut(&seq)?;
        let (status, deadline, done) = (session.status(), session.deadline(), session.is_done());
        let result = f(session);
        let (new_status, new_deadline, now_done) =
            (session.status(), session.deadline(), session.is_done());
        let round = session.round;
        if new_status != status {
            if let Some(set) = self.by_status.get_mut(&status) {
                set.remove(&seq);
                if set.is_empty() {
                    self.by_status.remove(&status);
                }
            }
            self.by_status.entry(new_status).or_default().insert(seq);
        }
        if new_deadline != deadline {
            if let Some(deadline) = deadline {
                self.deadlines.remove(&(deadline, seq));
            }
            if let Some(deadline) = new_deadline {
                self.deadlines.insert((deadline, seq));
            }
        }
        if now_done && !done {
            self.done.push_back((seq, round));
        }
        match (done, now_done) {
            (false, true) => self.done_count = self.done_count.saturating_add(1),
            (true, false) => self.done_count = self.done_count.saturating_sub(1),
            _ => {}
        }
        Some(result)
    }

    /// Records the webhook `kind` of the verification `seq` as it is now, addressed to its
    /// `callbackUrl` or the default URL.
    fn record(&mut self, seq: u64, kind: WebhookKind, now: i64) {
        let Some(session) = self.sessions.get(&seq) else {
            return;
        };
        let from_callback = session.callback_url.is_some();
        let url = session
            .callback_url
            .clone()
            .or_else(|| self.webhook_url.clone());
        self.outbox.push(Event {
            scan_ref: session.scan_ref.clone(),
            url,
            from_callback,
            kind,
            at_ms: now,
            snapshot: Box::new(session.clone()),
        });
    }

    /// Forgets the oldest finished verifications beyond the retention limit. Their webhooks
    /// already recorded are still sent.
    fn evict(&mut self) {
        while self.done_count > self.limits.finished_retention.max(1) {
            let Some((seq, round)) = self.done.pop_front() else {
                return;
            };
            if self
                .sessions
                .get(&seq)
                .is_some_and(|session| session.is_done() && session.round == round)
            {
                self.remove(seq);
            }
        }
    }

    /// Removes the verification `seq` and every index entry of it.
    fn remove(&mut self, seq: u64) {
        let Some(session) = self.sessions.remove(&seq) else {
            return;
        };
        if session.is_done() {
            self.done_count = self.done_count.saturating_sub(1);
        }
        self.by_scan_ref.remove(&session.scan_ref);
        self.by_token.remove(&session.auth_token);
        if let Some(call) = &session.video_call {
            self.video_calls.remove(&call.id);
        }
        let client = session.request.client_id().as_str();
        if let Some(set) = self.by_client.get_mut(client) {
            set.remove(&seq);
            if set.is_empty() {
                self.by_client.remove(client);
            }
        }
        let status = session.status();
        if let Some(set) = self.by_status.get_mut(&status) {
            set.remove(&seq);
            if set.is_empty() {
                self.by_status.remove(&status);
            }
        }
        if let Some(deadline) = session.deadline() {
            self.deadlines.remove(&(deadline, seq));
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;

    fn request(json: serde_json::Value) -> TokenRequest {
        server::read_token_request(&json).unwrap()
    }

    /// A state with one verification `s-1` created now (real time: reads apply the clock).
    fn state_with(json: serde_json::Value) -> (State, i64) {
        let mut state = State::new(Some("http://127.0.0.1:9/hook".into()), Limits::default());
        let now = state.now_ms();
        state.create(request(json), ("s-1".into(), "t-1".into()), now);
        assert!(state.take_events().is_empty());
        (state, now)
    }

    fn status(state: &State, scan_ref: &str) -> OverallStatus {
        let seq = state.by_scan_ref[scan_ref];
        state.sessions[&seq].status()
    }

    #[test]
    fn unused_tokens_expire_by_expiry_time_to_the_millisecond() {
        let (mut state, now) = state_with(serde_json::json!({"clientId": "c", "expiryTime": 60}));
        assert!(!state.tick(now + 59_999, 100));
        assert!(state.take_events().is_empty());
        assert_eq!(status(&state, "s-1"), OverallStatus::Active);
        assert!(!state.tick(now + 60_000, 100));
        let events = state.take_events();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].kind(), WebhookKind::Expired);
        assert_eq!(status(&state, "s-1"), OverallStatus::Expired);
        assert!(!state.tick(now + 10_000_000, 100));
        assert!(state.take_events().is_empty());
        state.delete("s-1").unwrap();
        assert_eq!(status(&state, "s-1"), OverallStatus::ExpiredDeleted);
    }

    #[test]
    fn started_sessions_expire_by_session_length() {
        let (mut state, now) = state_with(
            serde_json::json!({"clientId": "c", "expiryTime": 60, "sessionLength": 120}),
        );
        state.start("s-1", now + 30_000, None).unwrap();
        state.tick(now + 100_000, 100);
        assert!(state.take_events().is_empty());
        state.tick(now + 150_000, 100);
        assert_eq!(state.take_events().len(), 1);
    }

    #[test]
    fn a_delayed_review_finishes_by_the_clock() {
        let (mut state, now) = state_with(serde_json::json!({"clientId": "c"}));
        let outcome = Outcome::approved()
            .manual_review(true)
            .review_after(Duration::from_secs(300));
        state.complete("s-1", outcome, now, None).unwrap();
        let events = state.take_events();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].kind(), WebhookKind::Auto { is_final: false });
        assert_eq!(status(&state, "s-1"), OverallStatus::Reviewing);
        assert!(matches!(
            state.delete("s-1"),
            Err(DeleteRefusal::NotExpired)
        ));
        state.tick(now + 299_999, 100);
        assert!(state.take_events().is_empty());
        state.tick(now + 300_000, 100);
        assert_eq!(state.take_events()[0].kind(), WebhookKind::Manual);
        assert_eq!(status(&state, "s-1"), OverallStatus::Approved);
        state.delete("s-1").unwrap();
        assert_eq!(status(&state, "s-1"), OverallStatus::Deleted);
    }

    #[test]
    fn a_tick_applies_at_most_its_share_and_says_whether_more_is_due() {
        let mut state = State::new(None, Limits::default());
        let now = state.now_ms();
        for index in 0..10 {
            state.create(
                request(serde_json::json!({"clientId": "c", "expiryTime": 1})),
                (format!("s-{index}"), format!("t-{index}")),
                now + index,
            );
        }
        assert!(state.tick(now + 2000, 4));
        assert_eq!(state.take_events().len(), 4);
        assert!(state.tick(now + 2000, 4));
        assert!(!state.tick(now + 2000, 4));
        assert_eq!(state.take_events().len(), 6);
        // The earliest deadlines went first.
        assert_eq!(status(&state, "s-0"), OverallStatus::Expired);
        assert_eq!(state.by_status[&OverallStatus::Expired].len(), 10);
        assert!(!state.by_status.contains_key(&OverallStatus::Active));
    }

    #[test]
    fn reading_a_verification_applies_its_due_deadline() {
        let (mut state, _) = state_with(serde_json::json!({"clientId": "c", "expiryTime": 1}));
        state.advance_ms(1_000);
        assert_eq!(state.get("s-1").unwrap().status(), OverallStatus::Expired);
        assert_eq!(state.take_events().len(), 1);
        assert!(state.deadlines.is_empty());
    }

    #[test]
    fn huge_advances_saturate() {
        let mut state = State::new(None, Limits::default());
        state.advance_ms(u64::MAX);
        state.advance_ms(u64::MAX);
        let now = state.now_ms();
        assert_eq!(now, MAX_CLOCK_MS);
        state.create(
            request(serde_json::json!({"clientId": "c", "expiryTime": 2_592_000})),
            ("s-1".into(), "t-1".into()),
            now,
        );
        let session = &state.sessions[&1];
        assert_eq!(session.expires_ms(), Some(NEVER_MS));
        let info = session.info("http://e");
        assert!(info.expires_at.unwrap() > SystemTime::now());
        // The deadline lies past the clock's end, which it never reaches: no overflow, no
        // expiry the moment the token is made.
        assert!(!state.tick(now, 10));
        assert!(state.take_events().is_empty());
        assert_eq!(state.get("s-1").unwrap().status(), OverallStatus::Active);
        // A token made earlier, whose deadline the clock passed, did expire.
        let mut state = State::new(None, Limits::default());
        let start = state.now_ms();
        state.create(
            request(serde_json::json!({"clientId": "c", "expiryTime": 1})),
            ("s-2".into(), "t-2".into()),
            start,
        );
        state.advance_ms(u64::MAX);
        state.tick(state.now_ms(), 10);
        assert_eq!(state.take_events().len(), 1);
        assert_eq!(state.get("s-2").unwrap().status(), OverallStatus::Expired);
    }

    #[test]
    fn the_oldest_finished_verifications_are_evicted_active_ones_never() {
        let mut state = State::new(
            None,
            Limits {
                finished_retention: 2,
            },
        );
        let now = state.now_ms();
        for index in 0..5 {
            state.create(
                request(serde_json::json!({"clientId": format!("c-{}", index % 2)})),
                (format!("s-{index}"), format!("t-{index}")),
                now,
            );
        }
        for index in [3, 0, 4] {
            state
                .complete(&format!("s-{index}"), Outcome::approved(), now, None)
                .unwrap();
        }
        // s-3 finished first and is gone; s-0 and s-4 stay; s-1 and s-2 are active.
        assert_eq!(state.sessions.len(), 4);
        assert!(state.get("s-3").is_none());
        assert!(state.by_token("t-3").is_none());
        assert!(state.get("s-0").is_some());
        assert_eq!(
            state.take_events().len(),
            3,
            "the evicted one's webhook was kept"
        );
        let all = Filter::default();
        let (count, page) = state.list(&all, 0, 10);
        assert_eq!(count, 4);
        let order: Vec<&str> = page.iter().map(|s| s.scan_ref.as_str()).collect();
        assert_eq!(order, ["s-0", "s-1", "s-2", "s-4"]);
        // Deleting does not make room: it is still finished.
        state.delete("s-0").unwrap();
        assert_eq!(state.sessions.len(), 4);
    }

    #[test]
    fn lists_filter_by_status_client_and_scan_ref_and_page() {
        let mut state = State::new(None, Limits::default());
        let now = state.now_ms();
        for index in 0..7 {
            state.create(
                request(serde_json::json!({"clientId": format!("c-{}", index % 2)})),
                (format!("s-{index}"), format!("t-{index}")),
                now,
            );
        }
        for index in [1, 2, 5] {
            state
                .complete(&format!("s-{index}"), Outcome::denied(), now, None)
                .unwrap();
        }
        let names = |page: Vec<&Session>| -> Vec<String> {
            page.iter().map(|s| s.scan_ref.clone()).collect()
        };
        let denied = Filter {
            status: Some(OverallStatus::Denied),
            ..Filter::default()
        };
        let (count, page) = state.list(&denied, 1, 10);
        assert_eq!((count, names(page)), (3, vec!["s-2".into(), "s-5".into()]));
        let client = Filter {
            client_id: Some("c-1".into()),
            ..Filter::default()
        };
        let (count, page) = state.list(&client, 0, 2);
        assert_eq!((count, names(page)), (3, vec!["s-1".into(), "s-3".into()]));
        let both = Filter {
            status: Some(OverallStatus::Denied),
            client_id: Some("c-1".into()),
            scan_ref: None,
        };
        let (count, page) = state.list(&both, 0, 10);
        assert_eq!((count, names(page)), (2, vec!["s-1".into(), "s-5".into()]));
        let one = Filter {
            scan_ref: Some("s-4".into()),
            ..Filter::default()
        };
        assert_eq!(state.list(&one, 0, 10).0, 1);
        let mismatch = Filter {
            scan_ref: Some("s-4".into()),
            status: Some(OverallStatus::Denied),
            ..Filter::default()
        };
        assert_eq!(state.list(&mismatch, 0, 10).0, 0);
        let none = Filter {
            client_id: Some("nobody".into()),
            ..Filter::default()
        };
        assert_eq!(state.list(&none, 0, 10).0, 0);
        let (count, page) = state.list(&Filter::default(), 6, 10);
        assert_eq!((count, names(page)), (7, vec!["s-6".into()]));
    }

    #[test]
    fn cancelling_ends_an_active_verification_as_expired() {
        let (mut state, now) = state_with(serde_json::json!({"clientId": "c", "expiryTime": 60}));
        state.cancel("s-1", now + 1_000).unwrap();
        let events = state.take_events();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].kind(), WebhookKind::Cancelled);
        assert_eq!(status(&state, "s-1"), OverallStatus::Expired);
        assert!(state.deadlines.is_empty(), "no expiry after a cancellation");
        assert!(matches!(
            state.cancel("s-1", now + 2_000),
            Err(EmulatorError::Conflict { .. })
        ));
        assert!(matches!(
            state.complete("s-1", Outcome::approved(), now + 2_000, None),
            Err(EmulatorError::Conflict { .. })
        ));
        state.delete("s-1").unwrap();
        assert_eq!(status(&state, "s-1"), OverallStatus::ExpiredDeleted);
    }

    #[test]
    fn a_request_for_information_reopens_a_finished_verification_with_a_new_token() {
        let (mut state, now) = state_with(serde_json::json!({"clientId": "c"}));
        // Only a finished verification can be asked.
        assert!(matches!(
            state.request_information("s-1", "t-2".into(), 60_000, now),
            Err(EmulatorError::WrongState { .. })
        ));
        state
            .complete("s-1", Outcome::denied(), now + 100, None)
            .unwrap();
        assert_eq!(state.take_events().len(), 1);
        state
            .request_information("s-1", "t-2".into(), 60_000, now + 200)
            .unwrap();
        assert!(state.take_events().is_empty());
        assert_eq!(status(&state, "s-1"), OverallStatus::Active);
        assert!(state.by_token("t-1").is_none(), "the old token is gone");
        let session = state.by_token("t-2").unwrap();
        assert_eq!(session.scan_ref, "s-1");
        assert_eq!(session.expires_ms(), Some(now + 200 + 60_000));
        assert_eq!(session.started_ms, None);
        // The resubmission finishes at least a second after the result it replaces.
        state
            .complete("s-1", Outcome::approved(), now + 300, None)
            .unwrap();
        let events = state.take_events();
        assert_eq!(
            events[0].kind(),
            WebhookKind::Resubmitted { is_final: true }
        );
        let finished = state.get("s-1").unwrap().finished_ms().unwrap();
        assert!(finished.div_euclid(1000) > (now + 100).div_euclid(1000));
        assert_eq!(status(&state, "s-1"), OverallStatus::Approved);
        // A second request, then a resubmission with a review: RESUBMITTED (not final), then
        // MANUAL_FINISHED.
        state
            .request_information("s-1", "t-3".into(), 60_000, now + 400)
            .unwrap();
        state
            .complete(
                "s-1",
                Outcome::denied().manual_review(true),
                now + 500,
                None,
            )
            .unwrap();
        let kinds: Vec<WebhookKind> = state.take_events().iter().map(Event::kind).collect();
        assert_eq!(
            kinds,
            [
                WebhookKind::Resubmitted { is_final: false },
                WebhookKind::Manual
            ]
        );
        // An unused request expires after its lifetime, as any token.
        state
            .request_information("s-1", "t-4".into(), 1_000, now + 600)
            .unwrap();
        state.tick(now + 1_599, 10);
        assert!(state.take_events().is_empty());
        state.tick(now + 1_600, 10);
        assert_eq!(state.take_events()[0].kind(), WebhookKind::Expired);
        assert_eq!(status(&state, "s-1"), OverallStatus::Expired);
        assert!(state.get("s-1").unwrap().resubmission.is_none());
    }

    #[test]
    fn a_reopened_verification_is_not_evicted_and_counts_once_when_finished_again() {
        let mut state = State::new(
            None,
            Limits {
                finished_retention: 2,
            },
        );
        let now = state.now_ms();
        for index in 0..3 {
            state.create(
                request(serde_json::json!({"clientId": "c"})),
                (format!("s-{index}"), format!("t-{index}")),
                now,
            );
        }
        state
            .complete("s-0", Outcome::approved(), now, None)
            .unwrap();
        state
            .complete("s-1", Outcome::approved(), now, None)
            .unwrap();
        // s-0 is active again: one finished verification left; s-2 finishes, still room.
        state
            .request_information("s-0", "t-0b".into(), 60_000, now)
            .unwrap();
        state
            .complete("s-2", Outcome::approved(), now, None)
            .unwrap();
        assert_eq!(state.sessions.len(), 3);
        // s-0 finishes again: three finished, the oldest *finish* (s-1) goes, not s-0.
        state.complete("s-0", Outcome::denied(), now, None).unwrap();
        assert!(state.get("s-1").is_none());
        assert!(state.get("s-0").is_some());
        assert!(state.get("s-2").is_some());
        assert_eq!(state.done_count, 2);
    }

    #[test]
    fn document_expiration_needs_a_document_read() {
        let (mut state, now) = state_with(serde_json::json!({"clientId": "c"}));
        let expired = ExpirationThreshold::Expired;
        assert!(matches!(
            state.document_expiration("s-1", expired.clone(), now),
            Err(EmulatorError::WrongState { .. })
        ));
        state
            .complete("s-1", Outcome::approved(), now, None)
            .unwrap();
        state.take_events();
        state
            .document_expiration("s-1", expired.clone(), now)
            .unwrap();
        assert_eq!(
            state.take_events()[0].kind(),
            WebhookKind::DocumentExpiration(expired.clone())
        );
        state.delete("s-1").unwrap();
        assert!(matches!(
            state.document_expiration("s-1", expired, now),
            Err(EmulatorError::WrongState { .. })
        ));
    }

    #[test]
    fn a_failed_callback_is_noted_until_a_delivery_succeeds() {
        let (mut state, _) = state_with(serde_json::json!({"clientId": "c"}));
        let flag = |state: &mut State| state.get("s-1").unwrap().callback_failed;
        assert!(!flag(&mut state));
        state.note_delivery("s-1", false);
        assert!(flag(&mut state));
        state.note_delivery("s-1", true);
        assert!(!flag(&mut state));
        state.note_delivery("unknown", false);
    }

    #[test]
    fn extra_fields_are_capped() {
        let small = request(serde_json::json!({"clientId": "c", "theme": "dark"}));
        assert!(check_extra_fields(&small, 64).is_ok());
        let large = request(serde_json::json!({"clientId": "c", "blob": "x".repeat(100)}));
        let message = check_extra_fields(&large, 64).unwrap_err();
        assert!(message.contains("blob"), "{message}");
        assert!(message.contains("64 bytes"), "{message}");
        assert!(check_extra_fields(&large, 1000).is_ok());
    }

    #[test]
    fn rate_limit_window() {
        let mut state = State::new(None, Limits::default());
        assert!(state.admit_request(0, Some(2)));
        assert!(state.admit_request(10_000, Some(2)));
        assert!(!state.admit_request(20_000, Some(2)));
        assert!(state.admit_request(3_600_000, Some(2)));
        assert!(state.admit_request(5, None));
    }
}
