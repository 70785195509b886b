//! Runtime-independent timing: a sleep that needs no executor support, and a timeout
//! combinator. Adapters replace the sleep with their runtime's timer.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

/// A future that completes after a duration, woken by a helper thread.
///
/// It works under any executor (or `pollster::block_on`), at the cost of one short-lived thread
/// per pending sleep. It is the default of [`Transport::sleep`](crate::Transport::sleep), so
/// closure transports need no runtime; the adapters use their runtime's timer instead.
#[derive(Debug)]
#[must_use = "futures do nothing unless polled"]
pub struct ThreadSleep {
    deadline: Instant,
    shared: Option<Arc<Mutex<Shared>>>,
}

#[derive(Debug, Default)]
struct Shared {
    done: bool,
    waker: Option<Waker>,
}

impl ThreadSleep {
    /// A sleep of `duration`, starting now.
    pub fn new(duration: Duration) -> Self {
        let now = Instant::now();
        Self {
            deadline: now
                .checked_add(duration)
                .unwrap_or(now + Duration::from_secs(86_400 * 365)),
            shared: None,
        }
    }
}

impl Future for ThreadSleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if Instant::now() >= self.deadline {
            return Poll::Ready(());
        }
        if let Some(shared) = &self.shared {
            let mut shared = shared.lock().unwrap_or_else(PoisonError::into_inner);
            if shared.done {
                return Poll::Ready(());
            }
            shared.waker = Some(cx.waker().clone());
            return Poll::Pending;
        }
        let shared = Arc::new(Mutex::new(Shared {
            done: false,
            waker: Some(cx.waker().clone()),
        }));
        let deadline = self.deadline;
        let for_thread = Arc::clone(&shared);
        let spawned = std::thread::Builder::new()
            .name("idenfy-sleep".into())
            .spawn(move || {
                std::thread::sleep(deadline.saturating_duration_since(Instant::now()));
                let waker = {
                    let mut shared = for_thread.lock().unwrap_or_else(PoisonError::into_inner);
                    shared.done = true;
                    shared.waker.take()
                };
                if let Some(waker) = waker {
                    waker.wake();
                }
            });
        if spawned.is_err() {
            // No thread to be had: poll again until the deadline rather than never waking.
            cx.waker().wake_by_ref();
        } else {
            self.shared = Some(shared);
        }
        Poll::Pending
    }
}

/// The deadline of [`with_timeout`] passed first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Elapsed;

/// Runs `future` until it completes or `sleep` does, whichever is first.
pub(crate) async fn with_timeout<F, S>(future: F, sleep: S) -> Result<F::Output, Elapsed>
where
    F: Future,
    S: Future<Output = ()>,
{
    let mut future = std::pin::pin!(future);
    let mut sleep = std::pin::pin!(sleep);
    std::future::poll_fn(|cx| {
        if let Poll::Ready(output) = future.as_mut().poll(cx) {
            return Poll::Ready(Ok(output));
        }
        if sleep.as_mut().poll(cx).is_ready() {
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
    fn thread_sleep_completes_without_a_runtime() {
        let started = Instant::now();
        pollster::block_on(ThreadSleep::new(Duration::from_millis(20)));
        assert!(started.elapsed() >= Duration::from_millis(20));
    }

    #[test]
    fn timeout_returns_the_first_to_finish() {
        let fast = pollster::block_on(with_timeout(
            async { 7 },
            ThreadSleep::new(Duration::from_secs(60)),
        ));
        assert_eq!(fast, Ok(7));
        let slow = pollster::block_on(with_timeout(
            ThreadSleep::new(Duration::from_secs(60)),
            ThreadSleep::new(Duration::from_millis(10)),
        ));
        assert_eq!(slow, Err(Elapsed));
    }
}
