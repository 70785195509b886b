//! Runtime-independent timing: a sleep that needs no executor support, and a timeout
//! combinator. Adapters replace the sleep with their runtime's timer.
//!
//! Every [`ThreadSleep`] of the process is served by one timer thread, started on first use: it
//! keeps the pending sleeps ordered by deadline, waits on a condition variable until the
//! earliest one is due (or until an earlier one is registered), and wakes the tasks whose
//! deadlines have passed. A sleep registers on its first poll, refreshes its waker on later
//! polls and deregisters when dropped, so the 30 s timeout sleep of a call that ended long before
//! costs nothing once the call is over: the timer holds exactly the sleeps that are alive and
//! pending.
//!
//! If the timer thread cannot be started (the process is out of threads), a sleep falls back to
//! a thread of its own, which ends early when the sleep is dropped; the timer thread is tried
//! again by the next sleep. If no thread can be had at all, the sleep completes at once, which
//! the client reports as a timeout. A sleep never spins.

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::io;
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

/// The name of the shared timer thread.
const TIMER_THREAD: &str = "idenfy-timer";
/// The name of the thread of a sleep that could not use the timer thread.
const SLEEP_THREAD: &str = "idenfy-sleep";

/// How a [`Timer`] starts a thread: [`spawn_thread`], except in tests of the fallbacks.
type Spawn = fn(&'static str, Box<dyn FnOnce() + Send>) -> io::Result<()>;

/// Starts a detached thread called `name`.
fn spawn_thread(name: &'static str, run: Box<dyn FnOnce() + Send>) -> io::Result<()> {
    std::thread::Builder::new()
        .name(name.into())
        .spawn(run)
        .map(drop)
}

/// The timer of every [`ThreadSleep`] in the process.
static TIMER: Timer = Timer::new(spawn_thread);

/// A sleep registered with a [`Timer`]: its deadline, and a number telling apart sleeps with the
/// same deadline. Ordered by deadline first, so the first key of the map is the next one due.
type Key = (Instant, u64);

/// Pending sleeps and the thread that wakes them when they are due.
struct Timer {
    state: Mutex<TimerState>,
    /// Signalled when a sleep is registered that is due before all others.
    earlier: Condvar,
    spawn: Spawn,
}

struct TimerState {
    /// The waker of every registered sleep.
    sleeps: BTreeMap<Key, Waker>,
    /// The number of the next registered sleep.
    next_id: u64,
    /// Whether the timer thread has been started (it then runs for the life of the process).
    running: bool,
}

impl Timer {
    const fn new(spawn: Spawn) -> Self {
        Self {
            state: Mutex::new(TimerState {
                sleeps: BTreeMap::new(),
                next_id: 0,
                running: false,
            }),
            earlier: Condvar::new(),
            spawn,
        }
    }

    fn state(&self) -> MutexGuard<'_, TimerState> {
        // The lock is never held while foreign code runs, so poisoning cannot leave the state
        // half-changed.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Registers a sleep until `deadline` woken through `waker`, starting the timer thread if
    /// need be; `None` if it cannot be started.
    fn register(&'static self, deadline: Instant, waker: &Waker) -> Option<Key> {
        let mut state = self.state();
        if !state.running {
            // The new thread waits for this lock before it looks at the sleeps.
            (self.spawn)(TIMER_THREAD, Box::new(move || self.run())).ok()?;
            state.running = true;
        }
        let key = (deadline, state.next_id);
        state.next_id += 1;
        state.sleeps.insert(key, waker.clone());
        if state.sleeps.keys().next() == Some(&key) {
            self.earlier.notify_one();
        }
        Some(key)
    }

    /// Makes `waker` the one to wake when `key` is due; `false` if it is due and was woken
    /// already.
    fn update(&self, key: Key, waker: &Waker) -> bool {
        let mut state = self.state();
        let Some(registered) = state.sleeps.get_mut(&key) else {
            return false;
        };
        if registered.will_wake(waker) {
            return true;
        }
        let old = std::mem::replace(registered, waker.clone());
        drop(state);
        // Dropping a waker can drop a task, and with it other sleeps: not under the lock.
        drop(old);
        true
    }

    /// Forgets the sleep `key`, if it was not woken already.
    fn deregister(&self, key: Key) {
        let removed = self.state().sleeps.remove(&key);
        // Not under the lock, as in `update`.
        drop(removed);
    }

    /// The number of registered sleeps.
    #[cfg(test)]
    fn registered(&self) -> usize {
        self.state().sleeps.len()
    }

    /// The timer thread: wakes the sleeps that are due, then waits for the next one.
    fn run(&self) {
        let mut due = Vec::new();
        let mut state = self.state();
        loop {
            let now = Instant::now();
            while let Some(entry) = state.sleeps.first_entry() {
                if entry.key().0 > now {
                    break;
                }
                due.push(entry.remove());
            }
            if due.is_empty() {
                state = match state.sleeps.keys().next() {
                    Some(&(deadline, _)) => {
                        let timeout = deadline.saturating_duration_since(now);
                        let waited = self.earlier.wait_timeout(state, timeout);
                        waited.unwrap_or_else(PoisonError::into_inner).0
                    }
                    None => self
                        .earlier
                        .wait(state)
                        .unwrap_or_else(PoisonError::into_inner),
                };
                continue;
            }
            drop(state);
            for waker in due.drain(..) {
                // A waker is the executor's code: its panic must not stop the timer of every
                // sleep in the process (the panic hook has reported it).
                let _ = panic::catch_unwind(AssertUnwindSafe(|| waker.wake()));
            }
            state = self.state();
        }
    }
}

/// A future that completes after a duration, woken by a timer thread.
///
/// It works under any executor (or `pollster::block_on`). All pending sleeps of the process
/// share one timer thread, started by the first sleep polled; a sleep that is dropped before it
/// completes (such as a call's timeout once the call has its answer) is forgotten at once. It is
/// the default of [`Transport::sleep`](crate::Transport::sleep), so closure transports need no
/// runtime; the adapters for a runtime use their runtime's timer instead.
///
/// Should the process be unable to start the timer thread, a sleep waits on a thread of its
/// own; should no thread at all be available, it completes at once (a call then fails with a
/// timeout rather than waiting without a timer).
#[must_use = "futures do nothing unless polled"]
pub struct ThreadSleep {
    deadline: Instant,
    timer: &'static Timer,
    state: SleepState,
}

enum SleepState {
    /// Not polled yet.
    New,
    /// Registered with the timer under this key.
    Registered(Key),
    /// Waiting on a thread of its own, which stops early when `_stop` is dropped.
    OwnThread {
        shared: Arc<Mutex<OwnThread>>,
        _stop: mpsc::Sender<()>,
    },
    /// Completed.
    Done,
}

/// What a sleep shares with its own thread.
struct OwnThread {
    done: bool,
    waker: Option<Waker>,
}

impl ThreadSleep {
    /// A sleep of `duration`, starting now.
    pub fn new(duration: Duration) -> Self {
        Self::with_timer(&TIMER, duration)
    }

    fn with_timer(timer: &'static Timer, duration: Duration) -> Self {
        let now = Instant::now();
        Self {
            deadline: now
                .checked_add(duration)
                .unwrap_or(now + Duration::from_secs(86_400 * 365)),
            timer,
            state: SleepState::New,
        }
    }

    /// Marks the sleep completed, forgetting its registration or stopping its thread.
    fn finish(&mut self) {
        if let SleepState::Registered(key) = std::mem::replace(&mut self.state, SleepState::Done) {
            self.timer.deregister(key);
        }
    }

    /// Starts a thread that wakes `waker` at the deadline, or stops when the sleep is dropped.
    fn own_thread(&self, waker: &Waker) -> Option<SleepState> {
        let shared = Arc::new(Mutex::new(OwnThread {
            done: false,
            waker: Some(waker.clone()),
        }));
        let (stop, stopped) = mpsc::channel::<()>();
        let for_thread = Arc::clone(&shared);
        let deadline = self.deadline;
        let run = move || {
            // Nothing is ever sent: the wait ends at the deadline, or when the sender is dropped.
            let timeout = deadline.saturating_duration_since(Instant::now());
            if stopped.recv_timeout(timeout) == Err(RecvTimeoutError::Timeout) {
                let waker = {
                    let mut shared = for_thread.lock().unwrap_or_else(PoisonError::into_inner);
                    shared.done = true;
                    shared.waker.take()
                };
                if let Some(waker) = waker {
                    waker.wake();
                }
            }
        };
        (self.timer.spawn)(SLEEP_THREAD, Box::new(run)).ok()?;
        Some(SleepState::OwnThread {
            shared,
            _stop: stop,
        })
    }
}

impl Future for ThreadSleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        if matches!(this.state, SleepState::Done) {
            return Poll::Ready(());
        }
        if Instant::now() >= this.deadline {
            this.finish();
            return Poll::Ready(());
        }
        let pending = match &this.state {
            SleepState::New => {
                if let Some(key) = this.timer.register(this.deadline, cx.waker()) {
                    this.state = SleepState::Registered(key);
                    true
                } else if let Some(own) = this.own_thread(cx.waker()) {
                    this.state = own;
                    true
                } else {
                    // No thread to be had. Polling again until the deadline would spin at full
                    // CPU, and never completing would leave a call without its timeout: complete
                    // now, which times the call out while the process is out of threads.
                    trace!("no thread for the timer; the sleep completes at once");
                    false
                }
            }
            SleepState::Registered(key) => this.timer.update(*key, cx.waker()),
            SleepState::OwnThread { shared, .. } => {
                let mut shared = shared.lock().unwrap_or_else(PoisonError::into_inner);
                if shared.done {
                    false
                } else {
                    let old = shared.waker.replace(cx.waker().clone());
                    drop(shared);
                    drop(old);
                    true
                }
            }
            SleepState::Done => false,
        };
        if pending {
            Poll::Pending
        } else {
            this.finish();
            Poll::Ready(())
        }
    }
}

impl Drop for ThreadSleep {
    fn drop(&mut self) {
        self.finish();
    }
}

impl fmt::Debug for ThreadSleep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.state {
            SleepState::New => "new",
            SleepState::Registered(_) => "registered",
            SleepState::OwnThread { .. } => "own thread",
            SleepState::Done => "done",
        };
        f.debug_struct("ThreadSleep")
            .field("deadline", &self.deadline)
            .field("state", &state)
            .finish()
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
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::task::Wake;

    use super::*;

    /// A timer of its own for one test, so that the counts of other tests cannot interfere.
    fn timer(spawn: Spawn) -> &'static Timer {
        Box::leak(Box::new(Timer::new(spawn)))
    }

    /// A waker counting its wakes.
    #[derive(Default)]
    struct CountingWaker(AtomicUsize);

    impl Wake for CountingWaker {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// Polls `sleep` once with a waker that does nothing.
    fn poll_once(sleep: &mut ThreadSleep) -> Poll<()> {
        Pin::new(sleep).poll(&mut Context::from_waker(Waker::noop()))
    }

    /// Polls all `sleeps` together, under `pollster`, until every one has completed; returns
    /// when each completed.
    fn completions(sleeps: Vec<ThreadSleep>) -> Vec<Instant> {
        let mut sleeps: Vec<Option<ThreadSleep>> = sleeps.into_iter().map(Some).collect();
        let mut completed = vec![None; sleeps.len()];
        pollster::block_on(std::future::poll_fn(|cx| {
            for (slot, completion) in sleeps.iter_mut().zip(&mut completed) {
                if let Some(sleep) = slot
                    && Pin::new(sleep).poll(cx).is_ready()
                {
                    *slot = None;
                    *completion = Some(Instant::now());
                }
            }
            if sleeps.iter().all(Option::is_none) {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        }));
        completed.into_iter().map(Option::unwrap).collect()
    }

    #[test]
    fn thread_sleep_completes_without_a_runtime() {
        let started = Instant::now();
        pollster::block_on(ThreadSleep::new(Duration::from_millis(20)));
        assert!(started.elapsed() >= Duration::from_millis(20));
    }

    #[test]
    fn timeout_returns_the_first_to_finish() {
        let timer = timer(spawn_thread);
        let fast = pollster::block_on(with_timeout(
            async { 7 },
            ThreadSleep::with_timer(timer, Duration::from_secs(60)),
        ));
        assert_eq!(fast, Ok(7));
        let started = Instant::now();
        let slow = pollster::block_on(with_timeout(
            ThreadSleep::with_timer(timer, Duration::from_secs(60)),
            ThreadSleep::with_timer(timer, Duration::from_millis(10)),
        ));
        assert_eq!(slow, Err(Elapsed));
        // The timer thread was waiting for the 60 s sleep when the 10 ms one came.
        assert!(started.elapsed() < Duration::from_secs(10));
        // The 60 s sleep that lost was forgotten with its future.
        assert_eq!(timer.registered(), 0);
    }

    #[test]
    fn many_concurrent_sleeps_complete_under_pollster_on_one_thread() {
        static THREADS: AtomicUsize = AtomicUsize::new(0);
        fn counting(name: &'static str, run: Box<dyn FnOnce() + Send>) -> io::Result<()> {
            THREADS.fetch_add(1, Ordering::SeqCst);
            spawn_thread(name, run)
        }
        let timer = timer(counting);
        // 200 sleeps of 5 to 403 ms, in no particular order.
        let sleeps: Vec<ThreadSleep> = (0..200)
            .map(|i| ThreadSleep::with_timer(timer, Duration::from_millis(5 + (i * 37) % 200 * 2)))
            .collect();
        let deadlines: Vec<Instant> = sleeps.iter().map(|sleep| sleep.deadline).collect();
        let completions = completions(sleeps);
        assert_eq!(THREADS.load(Ordering::SeqCst), 1, "one timer thread");
        assert_eq!(timer.registered(), 0);
        for (deadline, completed) in deadlines.iter().zip(&completions) {
            assert!(completed >= deadline, "a sleep completed early");
        }
    }

    #[test]
    fn the_timer_wakes_sleeps_in_deadline_order() {
        /// A waker that logs its number when woken.
        struct Logging(usize, Arc<Mutex<Vec<usize>>>);
        impl Wake for Logging {
            fn wake(self: Arc<Self>) {
                self.1.lock().unwrap().push(self.0);
            }
        }
        let timer = timer(spawn_thread);
        let log = Arc::new(Mutex::new(Vec::new()));
        // 100 sleeps of 100 to 298 ms, registered in no particular order.
        let mut sleeps: Vec<ThreadSleep> = (0..100)
            .map(|i| {
                let mut sleep =
                    ThreadSleep::with_timer(timer, Duration::from_millis(100 + (i * 37) % 100 * 2));
                let waker = Waker::from(Arc::new(Logging(i as usize, Arc::clone(&log))));
                let polled = Pin::new(&mut sleep).poll(&mut Context::from_waker(&waker));
                assert!(polled.is_pending());
                sleep
            })
            .collect();
        assert_eq!(timer.registered(), 100);
        let mut expected: Vec<usize> = (0..sleeps.len()).collect();
        expected.sort_by_key(|&i| sleeps[i].deadline);
        let started = Instant::now();
        while log.lock().unwrap().len() < sleeps.len() {
            assert!(started.elapsed() < Duration::from_secs(10), "not all woken");
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(*log.lock().unwrap(), expected);
        assert_eq!(
            timer.registered(),
            0,
            "woken sleeps are no longer registered"
        );
        for sleep in &mut sleeps {
            assert!(poll_once(sleep).is_ready());
        }
    }

    #[test]
    fn dropping_a_pending_sleep_deregisters_it() {
        let timer = timer(spawn_thread);
        let mut sleeps: Vec<ThreadSleep> = (0..100)
            .map(|_| ThreadSleep::with_timer(timer, Duration::from_secs(30)))
            .collect();
        assert_eq!(
            timer.registered(),
            0,
            "nothing registers before its first poll"
        );
        for sleep in &mut sleeps {
            assert!(poll_once(sleep).is_pending());
            assert!(poll_once(sleep).is_pending(), "a second poll adds nothing");
        }
        assert_eq!(timer.registered(), 100);
        sleeps.truncate(40);
        assert_eq!(timer.registered(), 40);
        drop(sleeps);
        assert_eq!(timer.registered(), 0);
    }

    #[test]
    fn a_sleep_wakes_the_waker_of_its_latest_poll() {
        let timer = timer(spawn_thread);
        let first = Arc::new(CountingWaker::default());
        let second = Arc::new(CountingWaker::default());
        let mut sleep = ThreadSleep::with_timer(timer, Duration::from_millis(20));
        let mut poll_with = |waker: &Arc<CountingWaker>| {
            let waker = Waker::from(Arc::clone(waker));
            Pin::new(&mut sleep).poll(&mut Context::from_waker(&waker))
        };
        assert!(poll_with(&first).is_pending());
        assert!(poll_with(&second).is_pending());
        let started = Instant::now();
        while second.0.load(Ordering::SeqCst) == 0 {
            assert!(started.elapsed() < Duration::from_secs(10), "never woken");
            std::thread::sleep(Duration::from_millis(1));
        }
        assert_eq!(first.0.load(Ordering::SeqCst), 0);
        assert!(poll_with(&second).is_ready());
        assert_eq!(timer.registered(), 0);
    }

    #[test]
    fn a_panicking_waker_does_not_stop_the_timer() {
        struct Panicking;
        impl Wake for Panicking {
            fn wake(self: Arc<Self>) {
                panic!("a waker that panics (expected by this test)");
            }
        }
        let timer = timer(spawn_thread);
        let mut doomed = ThreadSleep::with_timer(timer, Duration::from_millis(1));
        let waker = Waker::from(Arc::new(Panicking));
        assert!(
            Pin::new(&mut doomed)
                .poll(&mut Context::from_waker(&waker))
                .is_pending()
        );
        std::thread::sleep(Duration::from_millis(20));
        pollster::block_on(ThreadSleep::with_timer(timer, Duration::from_millis(10)));
    }

    #[test]
    fn without_the_timer_thread_a_sleep_uses_a_thread_of_its_own() {
        static LIVE: AtomicUsize = AtomicUsize::new(0);
        fn no_timer_thread(name: &'static str, run: Box<dyn FnOnce() + Send>) -> io::Result<()> {
            if name == TIMER_THREAD {
                return Err(io::ErrorKind::WouldBlock.into());
            }
            LIVE.fetch_add(1, Ordering::SeqCst);
            spawn_thread(
                name,
                Box::new(move || {
                    run();
                    LIVE.fetch_sub(1, Ordering::SeqCst);
                }),
            )
        }
        let timer = timer(no_timer_thread);
        let started = Instant::now();
        pollster::block_on(ThreadSleep::with_timer(timer, Duration::from_millis(20)));
        assert!(started.elapsed() >= Duration::from_millis(20));

        let mut pending = ThreadSleep::with_timer(timer, Duration::from_secs(30));
        assert!(poll_once(&mut pending).is_pending());
        assert_eq!(timer.registered(), 0);
        drop(pending);
        // Its thread ends with it, not 30 s later.
        while LIVE.load(Ordering::SeqCst) > 0 {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "thread still alive"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    #[test]
    fn without_any_thread_a_sleep_completes_at_once() {
        fn no_thread(_: &'static str, _: Box<dyn FnOnce() + Send>) -> io::Result<()> {
            Err(io::ErrorKind::WouldBlock.into())
        }
        let timer = timer(no_thread);
        let mut sleep = ThreadSleep::with_timer(timer, Duration::from_secs(60));
        assert!(poll_once(&mut sleep).is_ready());
        assert!(poll_once(&mut sleep).is_ready());
        assert_eq!(timer.registered(), 0);
    }

    #[test]
    fn the_timer_thread_is_tried_again_after_a_failed_start() {
        static ATTEMPTS: AtomicUsize = AtomicUsize::new(0);
        fn fails_once(name: &'static str, run: Box<dyn FnOnce() + Send>) -> io::Result<()> {
            if ATTEMPTS.fetch_add(1, Ordering::SeqCst) == 0 {
                return Err(io::ErrorKind::WouldBlock.into());
            }
            spawn_thread(name, run)
        }
        let timer = timer(fails_once);
        // The first sleep falls back to a thread of its own (the second attempt) ...
        let mut first = ThreadSleep::with_timer(timer, Duration::from_secs(30));
        assert!(poll_once(&mut first).is_pending());
        assert_eq!(timer.registered(), 0);
        // ... the next one starts the timer thread.
        let mut second = ThreadSleep::with_timer(timer, Duration::from_secs(30));
        assert!(poll_once(&mut second).is_pending());
        assert_eq!(timer.registered(), 1);
        assert_eq!(ATTEMPTS.load(Ordering::SeqCst), 3);
        drop(second);
        assert_eq!(timer.registered(), 0);
    }

    #[test]
    fn thread_sleep_is_send_sync_and_unpin() {
        fn check<T: Send + Sync + Unpin + Future<Output = ()>>(_: &T) {}
        check(&ThreadSleep::new(Duration::ZERO));
    }
}
