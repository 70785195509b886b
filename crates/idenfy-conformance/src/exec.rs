//! The little execution machinery of the kit, independent of any runtime: blocking work on a
//! thread of its own, awaited as a future, and a case's panic caught as a failure.
//!
//! The kit runs on the caller's executor (Tokio, async-std, smol, a single-threaded one, a
//! `block_on`), so it never blocks the thread polling it for long and never spawns the
//! transport's futures: waiting for the scripted server, or pausing, happens on a short-lived
//! thread whose end wakes the case. Meanwhile the executor runs the transport's own background
//! work (a pooled client's connection tasks), which the checks may be waiting for.

use std::any::Any;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::Duration;

/// What `work` returns, computed on a new thread; the thread's end wakes the future.
///
/// Fails (with the I/O error) only if no thread can be started. The future yields `None` if
/// `work` panicked.
pub(crate) fn on_thread<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> std::io::Result<OnThread<T>> {
    let slot = Arc::new(Mutex::new(Slot {
        value: None,
        done: false,
        waker: None,
    }));
    let guard = Finish(Arc::clone(&slot));
    thread::Builder::new()
        .name("idenfy-conformance".into())
        .spawn(move || {
            let value = work();
            lock(&guard.0).value = Some(value);
            // `guard` is dropped here, marking the slot done and waking the future; it is
            // dropped while unwinding too, should `work` panic.
            drop(guard);
        })?;
    Ok(OnThread { slot })
}

/// A pause of `duration` that holds no executor thread.
pub(crate) fn pause(duration: Duration) -> std::io::Result<OnThread<()>> {
    on_thread(move || thread::sleep(duration))
}

struct Slot<T> {
    value: Option<T>,
    done: bool,
    waker: Option<Waker>,
}

fn lock<T>(slot: &Mutex<Slot<T>>) -> MutexGuard<'_, Slot<T>> {
    slot.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Marks the slot done and wakes its future when the thread ends, normally or not.
struct Finish<T>(Arc<Mutex<Slot<T>>>);

impl<T> Drop for Finish<T> {
    fn drop(&mut self) {
        let waker = {
            let mut slot = lock(&self.0);
            slot.done = true;
            slot.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

/// The future of [`on_thread`].
pub(crate) struct OnThread<T> {
    slot: Arc<Mutex<Slot<T>>>,
}

impl<T> Future for OnThread<T> {
    type Output = Option<T>;

    fn poll(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<T>> {
        let mut slot = lock(&self.slot);
        if slot.done {
            return Poll::Ready(slot.value.take());
        }
        slot.waker = Some(context.waker().clone());
        Poll::Pending
    }
}

/// A case's future whose panic, on any poll, becomes its output instead of unwinding through
/// the caller's executor: one panicking case ends that case, not the run.
pub(crate) struct CatchUnwind<'a, T> {
    inner: Pin<Box<dyn Future<Output = T> + 'a>>,
}

impl<'a, T> CatchUnwind<'a, T> {
    pub(crate) fn new(inner: impl Future<Output = T> + 'a) -> Self {
        Self {
            inner: Box::pin(inner),
        }
    }
}

impl<T> Future for CatchUnwind<'_, T> {
    type Output = Result<T, Box<dyn Any + Send>>;

    fn poll(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = &mut self.inner;
        // The future is dropped after a panic, never polled again: no broken state is observed.
        match catch_unwind(AssertUnwindSafe(|| inner.as_mut().poll(context))) {
            Ok(Poll::Ready(value)) => Poll::Ready(Ok(value)),
            Ok(Poll::Pending) => Poll::Pending,
            Err(payload) => Poll::Ready(Err(payload)),
        }
    }
}
