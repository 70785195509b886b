//! The emulator's state: verifications, the clock, the request counter, faults and the default
//! webhook URL. Everything here is synchronous and runs under one lock; nothing awaits.

use std::collections::{HashMap, VecDeque};
use std::time::{SystemTime, UNIX_EPOCH};

use idenfy_proto::{DummyStatus, EventType, OverallStatus, TokenRequest, server};

use crate::callback::Requested;
use crate::delivery::Job;
use crate::fault::Fault;
use crate::outcome::Outcome;
use crate::payload::{self, WebhookKind};
use crate::{EmulatorError, Verification};

/// Seconds in the request-limit window (requests per hour).
const RATE_WINDOW: i64 = 3600;

/// The furthest the clock is advanced: 9999-12-31T23:59:59Z, so that no sum of a time and a
/// token's lengths can overflow.
pub(crate) const MAX_CLOCK: i64 = 253_402_300_799;

/// One verification: its token, the request it was made from, and where it stands.
#[derive(Debug)]
pub(crate) struct Session {
    pub(crate) seq: u64,
    pub(crate) scan_ref: String,
    pub(crate) auth_token: String,
    pub(crate) request: TokenRequest,
    /// Where its webhooks go: the request's `callbackUrl`, or a plain `http` one on a host the
    /// emulator was told to allow (`crate::callback`).
    pub(crate) callback_url: Option<String>,
    pub(crate) digit_string: Option<String>,
    pub(crate) created_at: i64,
    pub(crate) started_at: Option<i64>,
    pub(crate) client_ip: Option<String>,
    pub(crate) phase: Phase,
    pub(crate) deleted: bool,
}

/// Where a verification stands.
#[derive(Debug, Clone)]
pub(crate) enum Phase {
    /// The token is valid; the person may or may not have opened the session (`started_at`).
    Active,
    /// The automatic checks finished; a person reviews it until `review_due`.
    Reviewing {
        outcome: Outcome,
        finished_at: i64,
        review_due: i64,
    },
    /// Finished, with or without a review.
    Finished {
        outcome: Outcome,
        finished_at: i64,
        reviewed: bool,
    },
    /// The token or the session expired before the verification was finished.
    Expired { at: i64 },
}

impl Session {
    /// The overall status `/api/v2/status` reports.
    pub(crate) fn status(&self) -> OverallStatus {
        match (&self.phase, self.deleted) {
            (Phase::Expired { .. }, true) => OverallStatus::ExpiredDeleted,
            (_, true) => OverallStatus::Deleted,
            (Phase::Active, false) => OverallStatus::Active,
            (Phase::Reviewing { .. }, false) => OverallStatus::Reviewing,
            (Phase::Finished { outcome, .. }, false) => outcome.overall.clone(),
            (Phase::Expired { .. }, false) => OverallStatus::Expired,
        }
    }

    /// When the token (unused) or the session (started) expires, while active.
    pub(crate) fn expires_at(&self) -> Option<i64> {
        match self.phase {
            Phase::Active => Some(match self.started_at {
                Some(started) => {
                    started + i64::from(server::effective_session_length(&self.request))
                }
                None => self.created_at + i64::from(server::effective_expiry_time(&self.request)),
            }),
            _ => None,
        }
    }

    /// The next moment the clock changes this verification by itself.
    fn deadline(&self) -> Option<i64> {
        match &self.phase {
            Phase::Active => self.expires_at(),
            Phase::Reviewing { review_due, .. } => Some(*review_due),
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
    pub(crate) fn finished_at(&self) -> Option<i64> {
        match &self.phase {
            Phase::Reviewing { finished_at, .. } | Phase::Finished { finished_at, .. } => {
                Some(*finished_at)
            }
            Phase::Expired { at } => Some(*at),
            Phase::Active => None,
        }
    }

    /// Whether document data, files and a report exist: the checks ran and nothing was deleted.
    pub(crate) fn has_result(&self) -> bool {
        !self.deleted && self.outcome().is_some()
    }

    /// Whether `/api/v2/delete` may delete it: the token expired or the verification finished.
    fn deletable(&self) -> bool {
        matches!(self.phase, Phase::Expired { .. } | Phase::Finished { .. })
    }

    pub(crate) fn info(&self, base_url: &str) -> Verification {
        Verification {
            scan_ref: self.scan_ref.clone(),
            auth_token: idenfy_proto::AuthToken::new(self.auth_token.as_str()),
            client_id: self.request.client_id().as_str().to_owned(),
            status: self.status(),
            created_at: unix_to_system(self.created_at),
            started_at: self.started_at.map(unix_to_system),
            finished_at: self.finished_at().map(unix_to_system),
            expires_at: self.expires_at().map(unix_to_system),
            callback_url: self.callback_url.clone(),
            redirect_url: payload::redirect_url(base_url, &self.auth_token),
        }
    }
}

/// Everything the emulator remembers.
#[derive(Debug, Default)]
pub(crate) struct State {
    sessions: HashMap<String, Session>,
    tokens: HashMap<String, String>,
    next_seq: u64,
    offset: i64,
    requests: VecDeque<i64>,
    pub(crate) faults: Vec<Fault>,
    pub(crate) webhook_url: Option<String>,
    /// No verification changes by itself before this moment (a cache that saves scanning every
    /// verification on every request).
    next_deadline: i64,
}

/// Why a verification could not be deleted.
#[derive(Debug)]
pub(crate) enum DeleteRefusal {
    Unknown,
    NotExpired,
}

/// The real time in Unix seconds.
fn real_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or_default()
}

/// Unix seconds as a `SystemTime`.
pub(crate) fn unix_to_system(seconds: i64) -> SystemTime {
    let magnitude = std::time::Duration::from_secs(seconds.unsigned_abs());
    if seconds >= 0 {
        UNIX_EPOCH + magnitude
    } else {
        UNIX_EPOCH - magnitude
    }
}

impl State {
    pub(crate) fn new(webhook_url: Option<String>) -> Self {
        Self {
            webhook_url,
            next_deadline: i64::MAX,
            ..Self::default()
        }
    }

    /// The emulator's clock: real time plus the offset of every advance, in Unix seconds.
    pub(crate) fn now(&self) -> i64 {
        real_now().saturating_add(self.offset)
    }

    /// Moves the clock forward by `seconds`, at most up to [`MAX_CLOCK`].
    pub(crate) fn advance(&mut self, seconds: i64) {
        let room = MAX_CLOCK.saturating_sub(self.now()).max(0);
        self.offset = self.offset.saturating_add(seconds.clamp(0, room));
    }

    /// The seconds added to real time so far.
    pub(crate) fn offset(&self) -> i64 {
        self.offset
    }

    /// Counts one API request against `limit` per hour; `false` when the limit is reached (the
    /// refused request is not counted).
    pub(crate) fn admit_request(&mut self, now: i64, limit: Option<u32>) -> bool {
        let Some(limit) = limit else {
            return true;
        };
        while self
            .requests
            .front()
            .is_some_and(|&at| at <= now - RATE_WINDOW)
        {
            self.requests.pop_front();
        }
        if self.requests.len() >= usize::try_from(limit).unwrap_or(usize::MAX) {
            return false;
        }
        self.requests.push_back(now);
        true
    }

    pub(crate) fn get(&self, scan_ref: &str) -> Option<&Session> {
        self.sessions.get(scan_ref)
    }

    pub(crate) fn by_token(&self, auth_token: &str) -> Option<&Session> {
        self.tokens
            .get(auth_token)
            .and_then(|scan_ref| self.sessions.get(scan_ref))
    }

    /// Every verification, oldest first.
    pub(crate) fn all(&self) -> Vec<&Session> {
        let mut sessions: Vec<&Session> = self.sessions.values().collect();
        sessions.sort_by_key(|session| session.seq);
        sessions
    }

    /// Records a new verification for `request`. A `dummyStatus` other than `ACTIVE` finishes
    /// (or expires) it at once; the webhooks that produces are returned.
    pub(crate) fn create(
        &mut self,
        request: impl Into<Requested>,
        ids: (String, String, Option<String>),
        now: i64,
        base_url: &str,
    ) -> Vec<Job> {
        let Requested {
            request,
            callback_url,
        } = request.into();
        let (scan_ref, auth_token, digit_string) = ids;
        let dummy = request.dummy_status().cloned();
        self.next_seq += 1;
        let session = Session {
            seq: self.next_seq,
            scan_ref: scan_ref.clone(),
            auth_token: auth_token.clone(),
            request,
            callback_url,
            digit_string,
            created_at: now,
            started_at: None,
            client_ip: None,
            phase: Phase::Active,
            deleted: false,
        };
        if let Some(deadline) = session.deadline() {
            self.next_deadline = self.next_deadline.min(deadline);
        }
        self.tokens.insert(auth_token, scan_ref.clone());
        self.sessions.insert(scan_ref.clone(), session);
        let outcome = match dummy {
            Some(DummyStatus::Approved) => Outcome::approved(),
            Some(DummyStatus::Denied) => Outcome::denied(),
            Some(DummyStatus::Suspected) => Outcome::suspected(),
            Some(DummyStatus::Expired) => return self.expire(&scan_ref, now, base_url),
            _ => return Vec::new(),
        };
        self.complete(&scan_ref, outcome, now, None, base_url)
            .unwrap_or_default()
    }

    /// The person opens the session (the redirect page): the session clock starts.
    pub(crate) fn start(
        &mut self,
        scan_ref: &str,
        now: i64,
        client_ip: Option<String>,
    ) -> Result<(), EmulatorError> {
        let session = self
            .sessions
            .get_mut(scan_ref)
            .ok_or_else(|| EmulatorError::UnknownScanRef(scan_ref.to_owned()))?;
        if session.deleted || !matches!(session.phase, Phase::Active) {
            return Err(EmulatorError::Conflict {
                scan_ref: scan_ref.to_owned(),
                status: session.status(),
            });
        }
        if session.started_at.is_none() {
            session.started_at = Some(now);
            if client_ip.is_some() {
                session.client_ip = client_ip;
            }
        }
        if let Some(deadline) = session.deadline() {
            self.next_deadline = self.next_deadline.min(deadline);
        }
        Ok(())
    }

    /// Finishes an active verification with `outcome`; returns the webhooks to send, in order.
    pub(crate) fn complete(
        &mut self,
        scan_ref: &str,
        outcome: Outcome,
        now: i64,
        client_ip: Option<String>,
        base_url: &str,
    ) -> Result<Vec<Job>, EmulatorError> {
        let default_url = self.webhook_url.clone();
        let session = self
            .sessions
            .get_mut(scan_ref)
            .ok_or_else(|| EmulatorError::UnknownScanRef(scan_ref.to_owned()))?;
        if session.deleted || !matches!(session.phase, Phase::Active) {
            return Err(EmulatorError::Conflict {
                scan_ref: scan_ref.to_owned(),
                status: session.status(),
            });
        }
        if session.started_at.is_none() {
            session.started_at = Some(now);
        }
        if client_ip.is_some() {
            session.client_ip = client_ip;
        }
        let review_seconds = i64::try_from(outcome.review_after.as_secs()).unwrap_or(i64::MAX);
        let review = outcome.manual_review;
        let delayed_review = review && review_seconds > 0;
        session.phase = if delayed_review {
            Phase::Reviewing {
                outcome,
                finished_at: now,
                review_due: now.saturating_add(review_seconds),
            }
        } else {
            Phase::Finished {
                outcome,
                finished_at: now,
                reviewed: false,
            }
        };
        let mut jobs = vec![job(
            session,
            default_url.as_deref(),
            WebhookKind::Auto { is_final: !review },
            now,
            base_url,
        )];
        if review && !delayed_review {
            if let Phase::Finished { reviewed, .. } = &mut session.phase {
                *reviewed = true;
            }
            jobs.push(job(
                session,
                default_url.as_deref(),
                WebhookKind::Manual,
                now,
                base_url,
            ));
        }
        if let Some(deadline) = session.deadline() {
            self.next_deadline = self.next_deadline.min(deadline);
        }
        Ok(jobs)
    }

    /// Expires an active verification now.
    fn expire(&mut self, scan_ref: &str, now: i64, base_url: &str) -> Vec<Job> {
        let default_url = self.webhook_url.clone();
        let Some(session) = self.sessions.get_mut(scan_ref) else {
            return Vec::new();
        };
        session.phase = Phase::Expired { at: now };
        vec![job(
            session,
            default_url.as_deref(),
            WebhookKind::Expired,
            now,
            base_url,
        )]
    }

    /// Applies what the clock brought: expired tokens and sessions, finished reviews. Returns
    /// the webhooks to send, one list per verification.
    pub(crate) fn tick(&mut self, now: i64, base_url: &str) -> Vec<Vec<Job>> {
        if now < self.next_deadline {
            return Vec::new();
        }
        let default_url = self.webhook_url.clone();
        let mut batches = Vec::new();
        let mut next_deadline = i64::MAX;
        for session in self.sessions.values_mut() {
            let Some(deadline) = session.deadline() else {
                continue;
            };
            if now < deadline {
                next_deadline = next_deadline.min(deadline);
                continue;
            }
            let kind = match std::mem::replace(&mut session.phase, Phase::Expired { at: deadline })
            {
                Phase::Reviewing {
                    outcome,
                    finished_at,
                    ..
                } => {
                    session.phase = Phase::Finished {
                        outcome,
                        finished_at,
                        reviewed: true,
                    };
                    WebhookKind::Manual
                }
                _ => WebhookKind::Expired,
            };
            batches.push(vec![job(
                session,
                default_url.as_deref(),
                kind,
                now,
                base_url,
            )]);
        }
        self.next_deadline = next_deadline;
        batches
    }

    /// Deletes a verification's data (`/api/v2/delete`): allowed once its token expired or it
    /// finished; deleting again changes nothing.
    pub(crate) fn delete(&mut self, scan_ref: &str) -> Result<(), DeleteRefusal> {
        let session = self
            .sessions
            .get_mut(scan_ref)
            .ok_or(DeleteRefusal::Unknown)?;
        if !session.deletable() {
            return Err(DeleteRefusal::NotExpired);
        }
        session.deleted = true;
        Ok(())
    }
}

/// The webhook `kind` for `session`, addressed to its `callbackUrl` or the default URL.
fn job(
    session: &Session,
    default_url: Option<&str>,
    kind: WebhookKind,
    now: i64,
    base_url: &str,
) -> Job {
    let from_callback = session.callback_url.is_some();
    let url = session
        .callback_url
        .clone()
        .or_else(|| default_url.map(str::to_owned));
    let (event_type, is_final) = match kind {
        WebhookKind::Auto { is_final } => (EventType::IdentificationAutoFinished, is_final),
        WebhookKind::Manual => (EventType::IdentificationManualFinished, true),
        WebhookKind::Expired => (EventType::IdentificationExpired, true),
    };
    Job {
        scan_ref: session.scan_ref.clone(),
        url,
        event_type,
        is_final,
        body: payload::webhook_body(session, kind, now, base_url),
        from_callback,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn state_with(request: serde_json::Value) -> (State, i64) {
        let mut state = State::new(Some("http://127.0.0.1:9/hook".into()));
        let now = 1_700_000_000;
        let request = server::read_token_request(&request).unwrap();
        let jobs = state.create(request, ("s-1".into(), "t-1".into(), None), now, "http://e");
        assert!(jobs.is_empty());
        (state, now)
    }

    #[test]
    fn unused_tokens_expire_by_expiry_time() {
        let (mut state, now) = state_with(serde_json::json!({"clientId": "c", "expiryTime": 60}));
        assert!(state.tick(now + 59, "http://e").is_empty());
        let batches = state.tick(now + 60, "http://e");
        assert_eq!(batches.len(), 1);
        assert_eq!(batches[0][0].event_type, EventType::IdentificationExpired);
        assert_eq!(state.get("s-1").unwrap().status(), OverallStatus::Expired);
        assert!(state.tick(now + 10_000, "http://e").is_empty());
        state.delete("s-1").unwrap();
        assert_eq!(
            state.get("s-1").unwrap().status(),
            OverallStatus::ExpiredDeleted
        );
    }

    #[test]
    fn started_sessions_expire_by_session_length() {
        let (mut state, now) = state_with(
            serde_json::json!({"clientId": "c", "expiryTime": 60, "sessionLength": 120}),
        );
        state.start("s-1", now + 30, None).unwrap();
        assert!(state.tick(now + 100, "http://e").is_empty());
        assert_eq!(state.tick(now + 150, "http://e").len(), 1);
    }

    #[test]
    fn a_delayed_review_finishes_by_the_clock() {
        let (mut state, now) = state_with(serde_json::json!({"clientId": "c"}));
        let outcome = Outcome::approved()
            .manual_review(true)
            .review_after(std::time::Duration::from_secs(300));
        let jobs = state
            .complete("s-1", outcome, now, None, "http://e")
            .unwrap();
        assert_eq!(jobs.len(), 1);
        assert!(!jobs[0].is_final);
        assert_eq!(state.get("s-1").unwrap().status(), OverallStatus::Reviewing);
        assert!(matches!(
            state.delete("s-1"),
            Err(DeleteRefusal::NotExpired)
        ));
        let batches = state.tick(now + 300, "http://e");
        assert_eq!(
            batches[0][0].event_type,
            EventType::IdentificationManualFinished
        );
        assert_eq!(state.get("s-1").unwrap().status(), OverallStatus::Approved);
        state.delete("s-1").unwrap();
        assert_eq!(state.get("s-1").unwrap().status(), OverallStatus::Deleted);
    }

    #[test]
    fn rate_limit_window() {
        let mut state = State::new(None);
        assert!(state.admit_request(0, Some(2)));
        assert!(state.admit_request(10, Some(2)));
        assert!(!state.admit_request(20, Some(2)));
        assert!(state.admit_request(3600, Some(2)));
        assert!(state.admit_request(5, None));
    }
}
