//! The retry decision (R9) as a pure function: which outcome of an attempt is retried, after
//! how long, and when a call stops. Time and randomness are arguments (as in quinn-proto), so a
//! protocol-only user gets the same decisions as the `idenfy` client, which drives this for
//! every adapter, and tests get them deterministically.

use std::fmt;
use std::time::Duration;

use http::header::RETRY_AFTER;
use http::{HeaderMap, StatusCode};

use crate::endpoint::RetryClass;

/// What kind of transport failure happened; it decides whether a retry is safe (R9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// No connection was established (refused, DNS failure, TLS handshake failure): the
    /// request never reached the server.
    Connect,
    /// The request timed out; it may have reached the server.
    Timeout,
    /// The connection failed after the request may have been sent (reset, truncated body).
    Io,
    /// The response was larger than the configured limit.
    BodyTooLarge,
    /// Anything else.
    Other,
}

impl fmt::Display for TransportErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TransportErrorKind::Connect => "could not connect",
            TransportErrorKind::Timeout => "timed out",
            TransportErrorKind::Io => "connection failed",
            TransportErrorKind::BodyTooLarge => "response body too large",
            TransportErrorKind::Other => "transport failed",
        })
    }
}

/// When to send a request again (R9).
///
/// - Token creation ([`RetryClass::NotIdempotent`]) is retried **only** when the connection was
///   never established: tokens cost credits and no idempotency key exists.
/// - Read-only endpoints ([`RetryClass::ReadOnly`]) are also retried on HTTP 429, 500, 502, 503
///   and 504 and on connection failures after sending.
/// - The pause is exponential (`initial_backoff × 2^n`, at most `max_backoff`) with full jitter,
///   unless the server sent `Retry-After`, which is honoured (up to `max_retry_after`; a longer
///   wait ends the call instead).
/// - No retry ever outlasts the call's total timeout, and none starts unless a useful attempt
///   budget ([`RetryPolicy::with_min_attempt_budget`]) remains after its pause: the last answer is
///   returned instead. A `Retry-After: 0` is read as at least [`RetryPolicy::with_min_retry_after`].
/// - Read-only calls are also retried after an attempt that timed out (the attempt timeout is
///   the client's, inside the call's budget).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
    min_retry_after: Duration,
    min_attempt_budget: Duration,
    jitter: bool,
}

impl Default for RetryPolicy {
    /// Two retries, starting at 250 ms, at most 4 s apart, `Retry-After` honoured up to 30 s.
    fn default() -> Self {
        Self {
            max_retries: 2,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(4),
            max_retry_after: Duration::from_secs(30),
            min_retry_after: Duration::from_millis(100),
            min_attempt_budget: Duration::from_millis(500),
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// How many times a request may be sent again after the first attempt.
    #[must_use]
    pub fn with_max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// The pause before the first retry; each later pause doubles.
    #[must_use]
    pub fn with_initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The longest pause between two attempts.
    #[must_use]
    pub fn with_max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// The longest `Retry-After` honoured; a server asking for more ends the call.
    #[must_use]
    pub fn with_max_retry_after(mut self, wait: Duration) -> Self {
        self.max_retry_after = wait;
        self
    }

    /// Whether pauses are randomised (full jitter). On by default, so that many clients do not
    /// retry in step.
    #[must_use]
    pub fn with_jitter(mut self, jitter: bool) -> Self {
        self.jitter = jitter;
        self
    }

    /// The shortest pause a `Retry-After` can ask for (default 100 ms): a server answering
    /// `Retry-After: 0` is not hammered.
    #[must_use]
    pub fn with_min_retry_after(mut self, wait: Duration) -> Self {
        self.min_retry_after = wait;
        self
    }

    /// The least time a retry must still have for its attempt, once its pause is over (default
    /// 500 ms). A retry that would start with less is not made: the last answer (a typed API
    /// error, say) is returned instead of a bare timeout a moment later.
    #[must_use]
    pub fn with_min_attempt_budget(mut self, budget: Duration) -> Self {
        self.min_attempt_budget = budget;
        self
    }

    /// How many times a request may be sent again after the first attempt.
    pub fn max_retries(&self) -> u32 {
        self.max_retries
    }

    /// The pause before the first retry.
    pub fn initial_backoff(&self) -> Duration {
        self.initial_backoff
    }

    /// The longest pause between two attempts.
    pub fn max_backoff(&self) -> Duration {
        self.max_backoff
    }

    /// The longest `Retry-After` honoured.
    pub fn max_retry_after(&self) -> Duration {
        self.max_retry_after
    }

    /// Whether pauses are randomised (full jitter).
    pub fn jitter(&self) -> bool {
        self.jitter
    }

    /// The shortest pause a `Retry-After` can ask for.
    pub fn min_retry_after(&self) -> Duration {
        self.min_retry_after
    }

    /// The least time a retry must still have for its attempt, once its pause is over.
    pub fn min_attempt_budget(&self) -> Duration {
        self.min_attempt_budget
    }

    /// Decides what follows attempt number `attempt` (0 for the first) that ended with
    /// `outcome`, for an endpoint of `class`, with `remaining` time left in the call (R9).
    ///
    /// A pure function: the time left and the random draw `random` (a number in `[0, 1)`, used
    /// for the jitter) are arguments, so a protocol-only user gets the same decisions as the
    /// `idenfy` client, and tests get them deterministically.
    ///
    /// ```
    /// use std::time::Duration;
    /// use idenfy_proto::http::{HeaderMap, StatusCode};
    /// use idenfy_proto::{AttemptOutcome, RetryClass, RetryDecision, RetryPolicy, StopReason, TransportErrorKind};
    ///
    /// let policy = RetryPolicy::default();
    /// let headers = HeaderMap::new();
    /// let busy = AttemptOutcome::Status(StatusCode::SERVICE_UNAVAILABLE, &headers);
    /// let left = Duration::from_secs(20);
    /// // A read-only call is retried after a 503, the pause drawn below 250 ms.
    /// assert_eq!(
    ///     policy.decide(RetryClass::ReadOnly, 0, busy, left, 0.5),
    ///     RetryDecision::Retry(Duration::from_millis(125))
    /// );
    /// // Token creation is not: it may have reached the server (R9).
    /// assert_eq!(
    ///     policy.decide(RetryClass::NotIdempotent, 0, busy, left, 0.5),
    ///     RetryDecision::Stop(StopReason::NotRetryable)
    /// );
    /// // Unless the connection was never established.
    /// let refused = AttemptOutcome::Transport(TransportErrorKind::Connect);
    /// assert!(matches!(
    ///     policy.decide(RetryClass::NotIdempotent, 0, refused, left, 0.5),
    ///     RetryDecision::Retry(_)
    /// ));
    /// ```
    pub fn decide(
        &self,
        class: RetryClass,
        attempt: u32,
        outcome: AttemptOutcome<'_>,
        remaining: Duration,
        random: f64,
    ) -> RetryDecision {
        if attempt >= self.max_retries {
            return RetryDecision::Stop(StopReason::RetriesExhausted);
        }
        let retryable = match (class, outcome) {
            (_, AttemptOutcome::Transport(TransportErrorKind::Connect)) => true,
            // A read-only call is retried after an attempt that failed or timed out (an attempt
            // timeout inside the call's budget: when the budget itself is spent, the time check
            // below stops it).
            (RetryClass::ReadOnly, AttemptOutcome::Transport(kind)) => {
                matches!(kind, TransportErrorKind::Io | TransportErrorKind::Timeout)
            }
            (RetryClass::ReadOnly, AttemptOutcome::Status(status, _)) => {
                is_retryable_status(status)
            }
            _ => false,
        };
        if !retryable {
            return RetryDecision::Stop(StopReason::NotRetryable);
        }
        let wait = match outcome {
            AttemptOutcome::Status(_, headers) => match retry_after(headers) {
                Some(wait) if wait > self.max_retry_after => {
                    return RetryDecision::Stop(StopReason::RetryAfterTooLong);
                }
                Some(wait) => wait.max(self.min_retry_after),
                None => self.backoff(attempt, random),
            },
            AttemptOutcome::Transport(_) => self.backoff(attempt, random),
        };
        // A retry is made only if, after its pause, a useful attempt budget is left.
        let needed = wait.saturating_add(self.min_attempt_budget);
        if needed > remaining || wait >= remaining {
            return RetryDecision::Stop(StopReason::NoTimeLeft);
        }
        RetryDecision::Retry(wait)
    }

    /// The pause after attempt `attempt`: `initial × 2^attempt`, capped, with full jitter
    /// drawn from `random` (clamped to `[0, 1]`).
    fn backoff(&self, attempt: u32, random: f64) -> Duration {
        let factor = 1u32.checked_shl(attempt).unwrap_or(u32::MAX);
        let ceiling = self
            .initial_backoff
            .checked_mul(factor)
            .unwrap_or(self.max_backoff)
            .min(self.max_backoff);
        if self.jitter {
            let random = if random.is_finite() {
                random.clamp(0.0, 1.0)
            } else {
                0.0
            };
            ceiling.mul_f64(random)
        } else {
            ceiling
        }
    }
}

/// Whether an HTTP status is worth retrying for a read-only call (R9): 429, 500, 502, 503, 504.
pub fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 500 | 502 | 503 | 504)
}

/// The `Retry-After` header as a delay. Only the delay-seconds form is read; an HTTP date (which
/// would need a clock) or anything malformed is ignored, falling back to the backoff.
///
/// ```
/// use std::time::Duration;
/// use idenfy_proto::http::{HeaderMap, header::RETRY_AFTER};
/// let mut headers = HeaderMap::new();
/// headers.insert(RETRY_AFTER, " 7 ".parse()?);
/// assert_eq!(idenfy_proto::retry_after(&headers), Some(Duration::from_secs(7)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    value.parse::<u64>().ok().map(Duration::from_secs)
}

/// What an attempt ended with, as far as the retry decision is concerned.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum AttemptOutcome<'a> {
    /// A response arrived with this status and these headers.
    Status(StatusCode, &'a HeaderMap),
    /// The transport failed.
    Transport(TransportErrorKind),
}

/// What to do after an attempt (see [`RetryPolicy::decide`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryDecision {
    /// Send again after this pause.
    Retry(Duration),
    /// Return the attempt's result.
    Stop(StopReason),
}

/// Why no further attempt is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StopReason {
    /// The result is final for this endpoint (success, or an error not worth retrying).
    NotRetryable,
    /// Every allowed retry was used.
    RetriesExhausted,
    /// The server asked to wait longer than the policy allows.
    RetryAfterTooLong,
    /// The pause would outlast the call's timeout.
    NoTimeLeft,
}

impl StopReason {
    /// A short description, for logs.
    pub fn as_str(self) -> &'static str {
        match self {
            StopReason::NotRetryable => "not retryable",
            StopReason::RetriesExhausted => "retries exhausted",
            StopReason::RetryAfterTooLong => "Retry-After too long",
            StopReason::NoTimeLeft => "no time left",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOTS: Duration = Duration::from_secs(3600);

    fn fixed() -> RetryPolicy {
        RetryPolicy::default()
            .with_jitter(false)
            .with_max_retries(5)
    }

    fn status(code: u16, headers: &HeaderMap) -> AttemptOutcome<'_> {
        AttemptOutcome::Status(StatusCode::from_u16(code).unwrap(), headers)
    }

    /// The draw every deterministic test uses; jitter is off in `fixed()` anyway.
    const DRAW: f64 = 0.5;

    #[test]
    fn r9_token_creation_is_retried_only_before_connecting() {
        let headers = HeaderMap::new();
        let policy = fixed();
        let class = RetryClass::NotIdempotent;
        for code in [429, 500, 502, 503, 504] {
            assert_eq!(
                policy.decide(class, 0, status(code, &headers), LOTS, DRAW),
                RetryDecision::Stop(StopReason::NotRetryable)
            );
        }
        for kind in [TransportErrorKind::Io, TransportErrorKind::Timeout] {
            assert_eq!(
                policy.decide(class, 0, AttemptOutcome::Transport(kind), LOTS, DRAW),
                RetryDecision::Stop(StopReason::NotRetryable)
            );
        }
        assert!(matches!(
            policy.decide(
                class,
                0,
                AttemptOutcome::Transport(TransportErrorKind::Connect),
                LOTS,
                DRAW
            ),
            RetryDecision::Retry(_)
        ));
    }

    #[test]
    fn r9_read_only_calls_retry_on_the_listed_statuses() {
        let headers = HeaderMap::new();
        let policy = fixed();
        for code in [429, 500, 502, 503, 504] {
            assert!(matches!(
                policy.decide(RetryClass::ReadOnly, 0, status(code, &headers), LOTS, DRAW),
                RetryDecision::Retry(_)
            ));
        }
        for code in [200, 400, 401, 403, 404, 409, 501] {
            assert_eq!(
                policy.decide(RetryClass::ReadOnly, 0, status(code, &headers), LOTS, DRAW),
                RetryDecision::Stop(StopReason::NotRetryable)
            );
        }
    }

    #[test]
    fn r9_backoff_doubles_and_is_capped() {
        let headers = HeaderMap::new();
        let policy = fixed()
            .with_initial_backoff(Duration::from_millis(100))
            .with_max_backoff(Duration::from_millis(350));
        let waits: Vec<_> = (0..4)
            .map(|attempt| {
                policy.decide(
                    RetryClass::ReadOnly,
                    attempt,
                    status(503, &headers),
                    LOTS,
                    DRAW,
                )
            })
            .collect();
        assert_eq!(
            waits,
            [100, 200, 350, 350].map(|ms| RetryDecision::Retry(Duration::from_millis(ms)))
        );
    }

    #[test]
    fn r9_jitter_scales_the_ceiling_by_the_draw() {
        let headers = HeaderMap::new();
        let policy = RetryPolicy::default().with_initial_backoff(Duration::from_millis(100));
        for (draw, ms) in [
            (0.0, 0),
            (0.25, 25),
            (0.5, 50),
            (0.75, 75),
            (1.0, 100),
            (7.0, 100),
            (-1.0, 0),
            (f64::NAN, 0),
        ] {
            assert_eq!(
                policy.decide(RetryClass::ReadOnly, 0, status(503, &headers), LOTS, draw),
                RetryDecision::Retry(Duration::from_millis(ms)),
                "{draw}"
            );
        }
    }

    #[test]
    fn r9_retry_after_is_honoured_and_bounded() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "0".parse().unwrap());
        let policy = fixed();
        // `Retry-After: 0` has a floor.
        assert_eq!(
            policy.decide(RetryClass::ReadOnly, 0, status(503, &headers), LOTS, DRAW),
            RetryDecision::Retry(Duration::from_millis(100))
        );
        assert_eq!(
            policy.clone().with_min_retry_after(Duration::ZERO).decide(
                RetryClass::ReadOnly,
                0,
                status(503, &headers),
                LOTS,
                DRAW
            ),
            RetryDecision::Retry(Duration::ZERO)
        );
        headers.insert(RETRY_AFTER, " 7 ".parse().unwrap());
        assert_eq!(
            policy.decide(RetryClass::ReadOnly, 0, status(429, &headers), LOTS, DRAW),
            RetryDecision::Retry(Duration::from_secs(7))
        );
        headers.insert(RETRY_AFTER, "31".parse().unwrap());
        assert_eq!(
            policy.decide(RetryClass::ReadOnly, 0, status(429, &headers), LOTS, DRAW),
            RetryDecision::Stop(StopReason::RetryAfterTooLong)
        );
        headers.insert(
            RETRY_AFTER,
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&headers), None);
    }

    #[test]
    fn r9_no_retry_outlasts_the_timeout_or_the_budget() {
        let headers = HeaderMap::new();
        let policy = fixed().with_initial_backoff(Duration::from_secs(1));
        assert_eq!(
            policy.decide(
                RetryClass::ReadOnly,
                0,
                status(503, &headers),
                Duration::from_millis(999),
                DRAW
            ),
            RetryDecision::Stop(StopReason::NoTimeLeft)
        );
        assert_eq!(
            policy.decide(RetryClass::ReadOnly, 5, status(503, &headers), LOTS, DRAW),
            RetryDecision::Stop(StopReason::RetriesExhausted)
        );
        assert_eq!(
            RetryPolicy::none().decide(
                RetryClass::ReadOnly,
                0,
                AttemptOutcome::Transport(TransportErrorKind::Connect),
                LOTS,
                DRAW
            ),
            RetryDecision::Stop(StopReason::RetriesExhausted)
        );
    }

    #[test]
    fn r9_a_retry_needs_a_useful_attempt_budget() {
        // The issue's case: 1.2 s for the call, a 503 asking for 1 s after 0.05 s: a retry
        // would have 0.15 s; the 503 is returned instead of a bare timeout later.
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "1".parse().unwrap());
        let policy = RetryPolicy::default();
        let left = Duration::from_millis(1150);
        assert_eq!(
            policy.decide(RetryClass::ReadOnly, 0, status(503, &headers), left, DRAW),
            RetryDecision::Stop(StopReason::NoTimeLeft)
        );
        // With 1.5 s left the retry keeps 0.5 s for its attempt: made.
        assert_eq!(
            policy.decide(
                RetryClass::ReadOnly,
                0,
                status(503, &headers),
                Duration::from_millis(1500),
                DRAW
            ),
            RetryDecision::Retry(Duration::from_secs(1))
        );
    }

    #[test]
    fn r9_read_only_calls_retry_after_an_attempt_timeout_and_tokens_do_not() {
        let timeout = AttemptOutcome::Transport(TransportErrorKind::Timeout);
        assert!(matches!(
            fixed().decide(RetryClass::ReadOnly, 0, timeout, LOTS, DRAW),
            RetryDecision::Retry(_)
        ));
        assert_eq!(
            fixed().decide(RetryClass::NotIdempotent, 0, timeout, LOTS, DRAW),
            RetryDecision::Stop(StopReason::NotRetryable)
        );
        for kind in [TransportErrorKind::BodyTooLarge, TransportErrorKind::Other] {
            assert_eq!(
                fixed().decide(
                    RetryClass::ReadOnly,
                    0,
                    AttemptOutcome::Transport(kind),
                    LOTS,
                    DRAW
                ),
                RetryDecision::Stop(StopReason::NotRetryable)
            );
        }
    }

    #[test]
    fn r9_the_policy_reads_back_what_was_set() {
        let defaults = RetryPolicy::default();
        assert_eq!(defaults.max_retries(), 2);
        assert_eq!(defaults.initial_backoff(), Duration::from_millis(250));
        assert_eq!(defaults.max_backoff(), Duration::from_secs(4));
        assert_eq!(defaults.max_retry_after(), Duration::from_secs(30));
        assert_eq!(defaults.min_retry_after(), Duration::from_millis(100));
        assert_eq!(defaults.min_attempt_budget(), Duration::from_millis(500));
        assert!(defaults.jitter());
        let set = RetryPolicy::none()
            .with_max_retries(7)
            .with_initial_backoff(Duration::from_millis(3))
            .with_max_backoff(Duration::from_millis(5))
            .with_max_retry_after(Duration::from_secs(11))
            .with_min_retry_after(Duration::from_millis(13))
            .with_min_attempt_budget(Duration::from_millis(17))
            .with_jitter(false);
        assert_eq!(set.max_retries(), 7);
        assert_eq!(set.initial_backoff(), Duration::from_millis(3));
        assert_eq!(set.max_backoff(), Duration::from_millis(5));
        assert_eq!(set.max_retry_after(), Duration::from_secs(11));
        assert_eq!(set.min_retry_after(), Duration::from_millis(13));
        assert_eq!(set.min_attempt_budget(), Duration::from_millis(17));
        assert!(!set.jitter());
        assert_eq!(RetryPolicy::none().max_retries(), 0);
    }

    #[test]
    fn r9_retry_after_at_the_limit_is_honoured_past_it_ends_the_call() {
        let mut headers = HeaderMap::new();
        let policy = fixed().with_max_retry_after(Duration::from_secs(9));
        headers.insert(RETRY_AFTER, "9".parse().unwrap());
        assert_eq!(
            policy.decide(RetryClass::ReadOnly, 0, status(429, &headers), LOTS, DRAW),
            RetryDecision::Retry(Duration::from_secs(9))
        );
        headers.insert(RETRY_AFTER, "10".parse().unwrap());
        assert_eq!(
            policy.decide(RetryClass::ReadOnly, 0, status(429, &headers), LOTS, DRAW),
            RetryDecision::Stop(StopReason::RetryAfterTooLong)
        );
        // The default limit, 30 s, is itself honoured.
        headers.insert(RETRY_AFTER, "30".parse().unwrap());
        assert_eq!(
            fixed().decide(RetryClass::ReadOnly, 0, status(429, &headers), LOTS, DRAW),
            RetryDecision::Retry(Duration::from_secs(30))
        );
    }

    #[test]
    fn r9_the_time_left_must_cover_the_pause_and_the_attempt_budget_exactly() {
        let headers = HeaderMap::new();
        // A fixed 100 ms pause and a 500 ms attempt budget: 600 ms left is just enough.
        let policy = fixed().with_initial_backoff(Duration::from_millis(100));
        let decide = |policy: &RetryPolicy, left_ms: u64| {
            policy.decide(
                RetryClass::ReadOnly,
                0,
                status(503, &headers),
                Duration::from_millis(left_ms),
                DRAW,
            )
        };
        assert_eq!(
            decide(&policy, 600),
            RetryDecision::Retry(Duration::from_millis(100))
        );
        assert_eq!(
            decide(&policy, 599),
            RetryDecision::Stop(StopReason::NoTimeLeft)
        );
        // With no attempt budget, a pause that takes all the time left is still refused: the
        // retry would start with its deadline already reached.
        let no_budget = policy.with_min_attempt_budget(Duration::ZERO);
        assert_eq!(
            decide(&no_budget, 100),
            RetryDecision::Stop(StopReason::NoTimeLeft)
        );
        assert_eq!(
            decide(&no_budget, 101),
            RetryDecision::Retry(Duration::from_millis(100))
        );
    }

    #[test]
    fn r9_the_last_allowed_retry_is_made() {
        let headers = HeaderMap::new();
        let policy = fixed().with_max_retries(2);
        assert!(matches!(
            policy.decide(RetryClass::ReadOnly, 1, status(503, &headers), LOTS, DRAW),
            RetryDecision::Retry(_)
        ));
        assert_eq!(
            policy.decide(RetryClass::ReadOnly, 2, status(503, &headers), LOTS, DRAW),
            RetryDecision::Stop(StopReason::RetriesExhausted)
        );
    }

    #[test]
    fn r9_a_huge_attempt_number_saturates_at_the_cap() {
        let headers = HeaderMap::new();
        let policy = fixed()
            .with_max_retries(u32::MAX)
            .with_initial_backoff(Duration::from_millis(100))
            .with_max_backoff(Duration::from_secs(2));
        // 2^40 does not fit the factor, and 100 ms × 2^31 overflows nothing but the cap.
        for attempt in [20, 31, 32, 40, 1000] {
            assert_eq!(
                policy.decide(
                    RetryClass::ReadOnly,
                    attempt,
                    status(503, &headers),
                    LOTS,
                    DRAW
                ),
                RetryDecision::Retry(Duration::from_secs(2)),
                "attempt {attempt}"
            );
        }
    }

    #[test]
    fn r9_stop_reasons_and_transport_kinds_read_as_documented() {
        assert_eq!(StopReason::NotRetryable.as_str(), "not retryable");
        assert_eq!(StopReason::RetriesExhausted.as_str(), "retries exhausted");
        assert_eq!(
            StopReason::RetryAfterTooLong.as_str(),
            "Retry-After too long"
        );
        assert_eq!(StopReason::NoTimeLeft.as_str(), "no time left");
        for (kind, text) in [
            (TransportErrorKind::Connect, "could not connect"),
            (TransportErrorKind::Timeout, "timed out"),
            (TransportErrorKind::Io, "connection failed"),
            (TransportErrorKind::BodyTooLarge, "response body too large"),
            (TransportErrorKind::Other, "transport failed"),
        ] {
            assert_eq!(kind.to_string(), text);
        }
    }
}
