//! Call options and the retry policy (R9), shared by the async and the blocking client.
//!
//! The decision logic here is pure: given what happened to an attempt, it says whether to try
//! again and after how long. The clients only sleep and loop.

use std::time::Duration;

use idenfy_proto::RetryClass;
use idenfy_proto::http::{HeaderMap, StatusCode, header::RETRY_AFTER};

use crate::transport::{TransportError, TransportErrorKind};

/// The default total time a call may take, retries included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The default largest response body accepted (a verification PDF with photos is a few MiB).
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;

/// How a client calls: the total timeout per call, the largest accepted response, and the
/// retry policy.
///
/// ```
/// use std::time::Duration;
/// use idenfy::{CallOptions, RetryPolicy};
/// let options = CallOptions::default()
///     .timeout(Duration::from_secs(10))
///     .retry(RetryPolicy::default().max_retries(4));
/// assert_eq!(options.get_timeout(), Duration::from_secs(10));
/// let no_retries = CallOptions::default().retry(RetryPolicy::none());
/// assert_eq!(no_retries.get_retry().get_max_retries(), 0);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallOptions {
    timeout: Duration,
    max_response_bytes: usize,
    retry: RetryPolicy,
}

impl Default for CallOptions {
    fn default() -> Self {
        Self {
            timeout: DEFAULT_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            retry: RetryPolicy::default(),
        }
    }
}

impl CallOptions {
    /// The total time one call may take, every attempt and every pause between attempts
    /// included (default 30 s). When it runs out the call ends with a timeout error.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The largest response body accepted, in bytes (default 32 MiB). A larger body ends the
    /// call with a [`TransportErrorKind::BodyTooLarge`] error.
    #[must_use]
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// The retry policy (default [`RetryPolicy::default`]).
    #[must_use]
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The total timeout per call.
    pub fn get_timeout(&self) -> Duration {
        self.timeout
    }

    /// The largest accepted response body.
    pub fn get_max_response_bytes(&self) -> usize {
        self.max_response_bytes
    }

    /// The retry policy.
    pub fn get_retry(&self) -> &RetryPolicy {
        &self.retry
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
/// - No retry ever outlasts the call's total timeout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
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
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// The pause before the first retry; each later pause doubles.
    #[must_use]
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The longest pause between two attempts.
    #[must_use]
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// The longest `Retry-After` honoured; a server asking for more ends the call.
    #[must_use]
    pub fn max_retry_after(mut self, wait: Duration) -> Self {
        self.max_retry_after = wait;
        self
    }

    /// Whether pauses are randomised (full jitter). On by default, so that many clients do not
    /// retry in step.
    #[must_use]
    pub fn jitter(mut self, jitter: bool) -> Self {
        self.jitter = jitter;
        self
    }

    /// How many retries are allowed.
    pub fn get_max_retries(&self) -> u32 {
        self.max_retries
    }

    /// Decides what follows attempt number `attempt` (0 for the first) that ended with
    /// `outcome`, for an endpoint of `class`, with `remaining` time left in the call.
    pub(crate) fn decide(
        &self,
        class: RetryClass,
        attempt: u32,
        outcome: Outcome<'_>,
        remaining: Duration,
    ) -> Decision {
        if attempt >= self.max_retries {
            return Decision::Stop(StopReason::RetriesExhausted);
        }
        let retryable = match (class, outcome) {
            (_, Outcome::Transport(TransportErrorKind::Connect)) => true,
            (RetryClass::ReadOnly, Outcome::Transport(kind)) => kind == TransportErrorKind::Io,
            (RetryClass::ReadOnly, Outcome::Status(status, _)) => is_retryable_status(status),
            _ => false,
        };
        if !retryable {
            return Decision::Stop(StopReason::NotRetryable);
        }
        let wait = match outcome {
            Outcome::Status(_, headers) => match retry_after(headers) {
                Some(wait) if wait > self.max_retry_after => {
                    return Decision::Stop(StopReason::RetryAfterTooLong);
                }
                Some(wait) => wait,
                None => self.backoff(attempt),
            },
            Outcome::Transport(_) => self.backoff(attempt),
        };
        if wait >= remaining {
            return Decision::Stop(StopReason::NoTimeLeft);
        }
        Decision::Retry(wait)
    }

    /// The pause after attempt `attempt`: `initial × 2^attempt`, capped, with full jitter.
    fn backoff(&self, attempt: u32) -> Duration {
        let factor = 1u32.checked_shl(attempt).unwrap_or(u32::MAX);
        let ceiling = self
            .initial_backoff
            .checked_mul(factor)
            .unwrap_or(self.max_backoff)
            .min(self.max_backoff);
        if self.jitter {
            ceiling.mul_f64(random_fraction())
        } else {
            ceiling
        }
    }
}

/// Whether an HTTP status is worth retrying for a read-only call (R9).
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 500 | 502 | 503 | 504)
}

/// The `Retry-After` header as a delay. Only the delay-seconds form is read; an HTTP date (which
/// would need a clock) or anything malformed is ignored, falling back to the backoff.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    value.parse::<u64>().ok().map(Duration::from_secs)
}

/// A number in `[0, 1)` from the standard library's per-process random keys: no extra crate
/// and no shared state, which is plenty for jitter.
fn random_fraction() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(0x9e37_79b9_7f4a_7c15);
    // 53 random bits make an exactly representable fraction.
    #[allow(clippy::cast_precision_loss)]
    let fraction = (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64;
    fraction
}

/// What an attempt ended with, as far as the retry decision is concerned.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Outcome<'a> {
    /// A response arrived with this status and these headers.
    Status(StatusCode, &'a HeaderMap),
    /// The transport failed.
    Transport(TransportErrorKind),
}

impl<'a> Outcome<'a> {
    pub(crate) fn of_error(error: &TransportError) -> Self {
        Outcome::Transport(error.kind())
    }
}

/// What to do after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Send again after this pause.
    Retry(Duration),
    /// Return the attempt's result.
    Stop(StopReason),
}

/// Why no further attempt is made (for the logs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StopReason {
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
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))]
    pub(crate) fn as_str(self) -> &'static str {
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
        RetryPolicy::default().jitter(false).max_retries(5)
    }

    fn status(code: u16, headers: &HeaderMap) -> Outcome<'_> {
        Outcome::Status(StatusCode::from_u16(code).unwrap(), headers)
    }

    #[test]
    fn r9_token_creation_is_retried_only_before_connecting() {
        let headers = HeaderMap::new();
        let policy = fixed();
        let class = RetryClass::NotIdempotent;
        for code in [429, 500, 502, 503, 504] {
            assert_eq!(
                policy.decide(class, 0, status(code, &headers), LOTS),
                Decision::Stop(StopReason::NotRetryable)
            );
        }
        for kind in [TransportErrorKind::Io, TransportErrorKind::Timeout] {
            assert_eq!(
                policy.decide(class, 0, Outcome::Transport(kind), LOTS),
                Decision::Stop(StopReason::NotRetryable)
            );
        }
        assert!(matches!(
            policy.decide(
                class,
                0,
                Outcome::Transport(TransportErrorKind::Connect),
                LOTS
            ),
            Decision::Retry(_)
        ));
    }

    #[test]
    fn r9_read_only_calls_retry_on_the_listed_statuses() {
        let headers = HeaderMap::new();
        let policy = fixed();
        for code in [429, 500, 502, 503, 504] {
            assert!(matches!(
                policy.decide(RetryClass::ReadOnly, 0, status(code, &headers), LOTS),
                Decision::Retry(_)
            ));
        }
        for code in [200, 400, 401, 403, 404, 409, 501] {
            assert_eq!(
                policy.decide(RetryClass::ReadOnly, 0, status(code, &headers), LOTS),
                Decision::Stop(StopReason::NotRetryable)
            );
        }
    }

    #[test]
    fn r9_backoff_doubles_and_is_capped() {
        let headers = HeaderMap::new();
        let policy = fixed()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(350));
        let waits: Vec<_> = (0..4)
            .map(|attempt| {
                policy.decide(RetryClass::ReadOnly, attempt, status(503, &headers), LOTS)
            })
            .collect();
        assert_eq!(
            waits,
            [100, 200, 350, 350].map(|ms| Decision::Retry(Duration::from_millis(ms)))
        );
    }

    #[test]
    fn r9_jitter_stays_below_the_ceiling() {
        let headers = HeaderMap::new();
        let policy = RetryPolicy::default().initial_backoff(Duration::from_millis(100));
        for _ in 0..200 {
            match policy.decide(RetryClass::ReadOnly, 0, status(503, &headers), LOTS) {
                Decision::Retry(wait) => assert!(wait < Duration::from_millis(100)),
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn r9_retry_after_is_honoured_and_bounded() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "0".parse().unwrap());
        let policy = fixed();
        assert_eq!(
            policy.decide(RetryClass::ReadOnly, 0, status(503, &headers), LOTS),
            Decision::Retry(Duration::ZERO)
        );
        headers.insert(RETRY_AFTER, " 7 ".parse().unwrap());
        assert_eq!(
            policy.decide(RetryClass::ReadOnly, 0, status(429, &headers), LOTS),
            Decision::Retry(Duration::from_secs(7))
        );
        headers.insert(RETRY_AFTER, "31".parse().unwrap());
        assert_eq!(
            policy.decide(RetryClass::ReadOnly, 0, status(429, &headers), LOTS),
            Decision::Stop(StopReason::RetryAfterTooLong)
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
        let policy = fixed().initial_backoff(Duration::from_secs(1));
        assert_eq!(
            policy.decide(
                RetryClass::ReadOnly,
                0,
                status(503, &headers),
                Duration::from_millis(999)
            ),
            Decision::Stop(StopReason::NoTimeLeft)
        );
        assert_eq!(
            policy.decide(RetryClass::ReadOnly, 5, status(503, &headers), LOTS),
            Decision::Stop(StopReason::RetriesExhausted)
        );
        assert_eq!(
            RetryPolicy::none().decide(
                RetryClass::ReadOnly,
                0,
                Outcome::Transport(TransportErrorKind::Connect),
                LOTS
            ),
            Decision::Stop(StopReason::RetriesExhausted)
        );
    }

    #[test]
    fn random_fractions_are_in_range_and_vary() {
        let samples: Vec<f64> = (0..64).map(|_| random_fraction()).collect();
        assert!(samples.iter().all(|f| (0.0..1.0).contains(f)));
        assert!(samples.windows(2).any(|pair| pair[0] != pair[1]));
    }
}
