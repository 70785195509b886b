//! An attempt raced against its timeout: the only combinator the async client needs, written
//! with safe pinning so the core stays free of any async runtime or helper crate.

use std::future::{Future, poll_fn};
use std::pin::pin;
use std::task::Poll;

/// The timeout of [`with_timeout`] fired first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Elapsed;

/// Runs `future` until it finishes or `timeout` does, whichever comes first; the loser is
/// dropped (a transport's request is cancelled, a timer deregistered). The future is polled
/// first, so an answer that is ready wins over a timeout that is ready too.
pub(crate) async fn with_timeout<F: Future>(
    future: F,
    timeout: impl Future<Output = ()>,
) -> Result<F::Output, Elapsed> {
    let mut future = pin!(future);
    let mut timeout = pin!(timeout);
    poll_fn(|cx| {
        if let Poll::Ready(output) = future.as_mut().poll(cx) {
            return Poll::Ready(Ok(output));
        }
        if timeout.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Err(Elapsed));
        }
        Poll::Pending
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_future_wins_when_both_are_ready() {
        let result = pollster::block_on(with_timeout(async { 7 }, async {}));
        assert_eq!(result, Ok(7));
    }

    #[test]
    fn the_timeout_wins_over_a_future_that_never_finishes() {
        let result = pollster::block_on(with_timeout(std::future::pending::<u8>(), async {}));
        assert_eq!(result, Err(Elapsed));
    }
}
