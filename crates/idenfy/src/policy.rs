//! Call options and the retry policy (R9), shared by the async and the blocking client.
//!
//! The decision logic here is pure: given what happened to an attempt, it says whether to try
//! again and after how long. The clients only sleep and loop.

use std::time::Duration;

use idenfy_proto::RetryPolicy;

/// The default total time a call may take, retries included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The default time one attempt may take, inside the call's total (R9): a dead connection
/// costs this, not the whole budget.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);

/// The default largest response body accepted (a verification PDF with photos is a few MiB).
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;

/// How a client calls: the total timeout per call, the largest accepted response, and the
/// retry policy.
///
/// ```
/// use std::time::Duration;
/// use idenfy::{CallOptions, RetryPolicy};
/// let options = CallOptions::default()
///     .with_timeout(Duration::from_secs(10))
///     .with_retry(RetryPolicy::default().with_max_retries(4));
/// assert_eq!(options.timeout(), Duration::from_secs(10));
/// let no_retries = CallOptions::default().with_retry(RetryPolicy::none());
/// assert_eq!(no_retries.retry().max_retries(), 0);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallOptions {
    timeout: Duration,
    attempt_timeout: Duration,
    max_response_bytes: usize,
    retry: RetryPolicy,
}

impl Default for CallOptions {
    fn default() -> Self {
        Self {
            timeout: DEFAULT_TIMEOUT,
            attempt_timeout: DEFAULT_ATTEMPT_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            retry: RetryPolicy::default(),
        }
    }
}

impl CallOptions {
    /// The total time one call may take, every attempt and every pause between attempts
    /// included (default 30 s). When it runs out the call ends with a timeout error.
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The time one attempt may take, inside the total (default 10 s): a half-dead connection
    /// costs this much, and a read-only call is then retried if time remains (R9).
    #[must_use]
    pub fn with_attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// The largest response body accepted, in bytes (default 32 MiB). A larger body ends the
    /// call with a [`TransportErrorKind::BodyTooLarge`](crate::TransportErrorKind::BodyTooLarge) error.
    #[must_use]
    pub fn with_max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// The retry policy (default [`RetryPolicy::default`]).
    #[must_use]
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The total timeout per call.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The timeout of one attempt.
    pub fn attempt_timeout(&self) -> Duration {
        self.attempt_timeout
    }

    /// The largest accepted response body.
    pub fn max_response_bytes(&self) -> usize {
        self.max_response_bytes
    }

    /// The retry policy.
    pub fn retry(&self) -> &RetryPolicy {
        &self.retry
    }
}

/// A number in `[0, 1)` for the jitter of [`RetryPolicy::decide`]: the standard library's
/// per-process random keys, no extra crate and no shared state, which is plenty for jitter.
pub(crate) fn random_fraction() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(0x9e37_79b9_7f4a_7c15);
    // 53 random bits make an exactly representable fraction.
    #[allow(clippy::cast_precision_loss)]
    let fraction = (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64;
    fraction
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_fractions_are_in_range_and_vary() {
        let samples: Vec<f64> = (0..64).map(|_| random_fraction()).collect();
        assert!(samples.iter().all(|f| (0.0..1.0).contains(f)));
        assert!(samples.windows(2).any(|pair| pair[0] != pair[1]));
    }
}
