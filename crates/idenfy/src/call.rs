//! One call — attempts, retries, the total timeout and the body cap — as a state machine shared
//! by [`Client`](crate::Client) and [`BlockingClient`](crate::BlockingClient). The clients only
//! send, sleep and loop; every decision is made here, once.

// Without the `tracing` feature the log events compile to nothing, leaving their inputs unused.
#![cfg_attr(not(feature = "tracing"), allow(unused_variables, dead_code))]

use std::time::Duration;

use idenfy_proto::http::{Request, Response};
use idenfy_proto::{
    AttemptOutcome, Endpoint, Error, RetryClass, RetryDecision, TransportError, TransportErrorKind,
};

use crate::policy::{CallOptions, random_fraction};
use crate::transport::AttemptLimits;

/// How much later than an attempt's limit ([`AttemptLimits::timeout`]) the async client gives
/// the attempt up itself. A transport that honours the limit reports first, with the kind only
/// it knows — a timeout while connecting is `Connect`, after which even a token request may be
/// sent again (R9) — instead of racing the client's timer to the same instant, which made the
/// kind, and so the retry, depend on scheduling. Only a transport that ignores its limits
/// makes a call outlast its total timeout, by this much at most.
pub(crate) const BACKSTOP_GRACE: Duration = Duration::from_millis(100);

/// What the client does next.
pub(crate) enum Step {
    /// Pause this long, then send again.
    Retry(Duration),
    /// The call is over with this result of its last attempt.
    Done(Result<Response<Vec<u8>>, TransportError>),
}

/// The state of one call.
///
/// Time comes in as arguments — `now`, read from the transport's monotonic clock as a duration
/// since its origin — so the core reads no clock of its own (R11).
pub(crate) struct Call<'a> {
    options: &'a CallOptions,
    class: RetryClass,
    name: &'static str,
    started: Duration,
    deadline: Duration,
    attempt: u32,
}

impl<'a> Call<'a> {
    pub(crate) fn new<E: Endpoint>(options: &'a CallOptions, endpoint: &E, now: Duration) -> Self {
        Self {
            options,
            class: endpoint.retry_class(),
            name: endpoint.name(),
            started: now,
            deadline: now.saturating_add(options.timeout()),
            attempt: 0,
        }
    }

    /// The time left before the call's deadline.
    pub(crate) fn remaining(&self, now: Duration) -> Duration {
        self.deadline.saturating_sub(now)
    }

    /// The time the next attempt may take: its own timeout, within what is left of the call.
    pub(crate) fn attempt_budget(&self, now: Duration) -> Duration {
        self.options.attempt_timeout().min(self.remaining(now))
    }

    /// How long the async client waits on the next attempt before giving it up itself: its
    /// budget and [`BACKSTOP_GRACE`].
    pub(crate) fn backstop(&self, now: Duration) -> Duration {
        self.attempt_budget(now).saturating_add(BACKSTOP_GRACE)
    }

    /// `request`, built afresh for the next attempt, carrying its [`AttemptLimits`]; `None` when
    /// no time is left.
    ///
    /// The clients build each attempt's request from the endpoint rather than keep one and send
    /// copies: the transport owns what it sends, so a kept request would be a second body in
    /// memory for the whole call — for an upload (R14), a second copy of every image.
    pub(crate) fn prepare(
        &self,
        mut request: Request<Vec<u8>>,
        now: Duration,
    ) -> Option<Request<Vec<u8>>> {
        let remaining = self.remaining(now);
        if remaining.is_zero() {
            return None;
        }
        request.extensions_mut().insert(AttemptLimits::new(
            remaining.min(self.options.attempt_timeout()),
            self.options.max_response_bytes(),
            self.class == RetryClass::ReadOnly,
        ));
        trace!(
            endpoint = self.name,
            attempt = self.attempt + 1,
            remaining_ms = millis(remaining),
            "sending"
        );
        Some(request)
    }

    /// Weighs the result of the attempt just made.
    pub(crate) fn after(
        &mut self,
        result: Result<Response<Vec<u8>>, TransportError>,
        now: Duration,
    ) -> Step {
        let result = result.and_then(|response| {
            if response.body().len() > self.options.max_response_bytes() {
                Err(TransportError::new(TransportErrorKind::BodyTooLarge))
            } else {
                Ok(response)
            }
        });
        let outcome = match &result {
            Ok(response) => AttemptOutcome::Status(response.status(), response.headers()),
            Err(error) => AttemptOutcome::Transport(error.kind()),
        };
        let elapsed_ms = millis(now.saturating_sub(self.started));
        match &result {
            Ok(response) => trace!(
                endpoint = self.name,
                attempt = self.attempt + 1,
                status = response.status().as_u16(),
                elapsed_ms,
                "answered"
            ),
            Err(error) => trace!(
                endpoint = self.name,
                attempt = self.attempt + 1,
                error = %error.kind(),
                elapsed_ms,
                "failed"
            ),
        }
        let decision = self.options.retry().decide(
            self.class,
            self.attempt,
            outcome,
            self.remaining(now),
            random_fraction(),
        );
        match decision {
            RetryDecision::Retry(wait) => {
                trace!(
                    endpoint = self.name,
                    attempt = self.attempt + 1,
                    wait_ms = millis(wait),
                    "retrying"
                );
                self.attempt += 1;
                Step::Retry(wait)
            }
            // `RetryDecision` is non-exhaustive: anything but a retry ends the call.
            stop => {
                let reason = match stop {
                    RetryDecision::Stop(reason) => reason.as_str(),
                    _ => "stopped",
                };
                if result.is_err() || outcome_is_retryable_status(&outcome) {
                    trace!(endpoint = self.name, reason, "not retrying");
                }
                Step::Done(result)
            }
        }
    }

    /// The error of a call whose time ran out.
    pub(crate) fn timed_out(&self, now: Duration) -> Error {
        trace!(
            endpoint = self.name,
            elapsed_ms = millis(now.saturating_sub(self.started)),
            "timed out"
        );
        Error::Transport(TransportError::new(TransportErrorKind::Timeout))
    }
}

fn outcome_is_retryable_status(outcome: &AttemptOutcome<'_>) -> bool {
    matches!(outcome, AttemptOutcome::Status(status, _) if idenfy_proto::is_retryable_status(*status))
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// Parses the final response of a call with its endpoint.
pub(crate) fn finish<E: Endpoint>(
    endpoint: &E,
    result: Result<Response<Vec<u8>>, TransportError>,
) -> Result<E::Output, Error> {
    // The body moves to the parser: an output that is the body itself is not copied.
    endpoint.parse_owned(result?)
}
