//! What the server, its tasks and the [`Emulator`](crate::Emulator) handle share.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, SystemTime};

use idenfy_proto::ApiSecret;
use idenfy_proto::webhook::WebhookKey;
use tokio::runtime::Handle;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;

use crate::callback::CallbackHosts;
use crate::delivery::{self, Delivery, DeliveryLog, DeliveryOutcome, Job, WebhookClient};
use crate::lock;
use crate::rng::Rng;
use crate::state::{Clock, Event, Limits, State, unix_ms_to_system};

/// How many webhook deliveries may be in flight at once.
const DELIVERY_CONCURRENCY: usize = 64;

/// How many verifications one hold of the lock applies the clock to; the lock is released
/// between such chunks.
const TICK_CHUNK: usize = 256;

/// How many sender tasks run at most. Each sends one verification's webhooks in order, then
/// takes the next verification waiting. As many as delivery slots: more runnable senders only
/// lengthen the queue a request's task waits in during a burst (measured with
/// `idenfy-bench`'s `emulator_scale`: 256 senders made `status` ten times slower during a mass
/// expiry). A sender waiting 0.5 s for a retry keeps its slot.
const MAX_SENDERS: usize = DELIVERY_CONCURRENCY;

/// The emulator's shared core. The state sits behind one `std` mutex, never held across an
/// `.await`.
///
/// Webhooks leave through one queue per verification, served by at most one sender task at a
/// time: the events of a verification are queued in the order they happened (under the state
/// lock), and its sender delivers one after the other, retries included, so a later event waits
/// for an earlier one's retry. At most [`MAX_SENDERS`] senders run; each yields to other tasks
/// after every webhook, so a burst of webhooks (a mass expiry) does not starve the requests.
pub(crate) struct Shared {
    pub(crate) api_key: String,
    /// Wiped on drop, compared in constant time.
    pub(crate) api_secret: ApiSecret,
    pub(crate) webhook_key: WebhookKey,
    pub(crate) requests_per_hour: Option<u32>,
    pub(crate) webhook_timeout: Duration,
    /// Quirks mode: payloads in the shapes of iDenfy's real ones (`crate::quirks`).
    pub(crate) quirks: bool,
    /// Where a token's `callbackUrl` may point.
    pub(crate) callback_hosts: CallbackHosts,
    pub(crate) base_url: String,
    pub(crate) state: Mutex<State>,
    pub(crate) deliveries: DeliveryLog,
    pub(crate) rng: Rng,
    pub(crate) shutdown: watch::Sender<bool>,
    runtime: Handle,
    tasks: Mutex<JoinSet<()>>,
    client: WebhookClient,
    delivery_slots: Arc<Semaphore>,
    /// The clock, also in the state; read here without the state lock.
    clock: Arc<Clock>,
    /// The handle itself, to start sender and sweeper tasks from `&self`.
    me: Weak<Shared>,
    /// The webhooks waiting to be sent.
    outbox: Mutex<Outbox>,
    /// How many callers are applying the clock chunk after chunk; while one is, other requests
    /// do not join in (what they read is brought up to date on its own).
    drainers: AtomicUsize,
    /// Whether the state holds faults (injected or drawn at random), kept by
    /// [`with_state`](Self::with_state): a request looks for its fault under the state's lock
    /// only when there may be one.
    faults_armed: AtomicBool,
}

/// Resolves once the emulator stops (or its handle is gone).
pub(crate) async fn stopped(shutdown: &mut watch::Receiver<bool>) {
    // The guard `wait_for` returns is dropped at once: it must not live across an `.await`.
    let _ = shutdown.wait_for(|stop| *stop).await.map(|_| ());
}

/// The settings an emulator starts with.
pub(crate) struct Settings {
    pub(crate) api_key: String,
    pub(crate) api_secret: ApiSecret,
    pub(crate) webhook_key: WebhookKey,
    pub(crate) webhook_url: Option<String>,
    pub(crate) requests_per_hour: Option<u32>,
    pub(crate) webhook_timeout: Duration,
    pub(crate) limits: Limits,
    pub(crate) delivery_retention: usize,
    pub(crate) quirks: bool,
    pub(crate) callback_hosts: CallbackHosts,
    pub(crate) webhook_client: WebhookClient,
}

impl Shared {
    pub(crate) fn new(
        settings: Settings,
        base_url: String,
        runtime: Handle,
        rng: Rng,
        me: Weak<Shared>,
    ) -> Self {
        let (shutdown, _) = watch::channel(false);
        let state = State::new(settings.webhook_url, settings.limits);
        Self {
            clock: state.clock(),
            api_key: settings.api_key,
            api_secret: settings.api_secret,
            webhook_key: settings.webhook_key,
            requests_per_hour: settings.requests_per_hour,
            webhook_timeout: settings.webhook_timeout,
            quirks: settings.quirks,
            callback_hosts: settings.callback_hosts,
            base_url,
            state: Mutex::new(state),
            deliveries: DeliveryLog::new(settings.delivery_retention),
            rng,
            shutdown,
            runtime,
            tasks: Mutex::new(JoinSet::new()),
            client: settings.webhook_client,
            delivery_slots: Arc::new(Semaphore::new(DELIVERY_CONCURRENCY)),
            me,
            outbox: Mutex::new(Outbox::default()),
            drainers: AtomicUsize::new(0),
            faults_armed: AtomicBool::new(false),
        }
    }

    /// Runs `f` on the state, under the lock. The webhooks `f` caused are queued before the
    /// lock is released, so each verification's are queued in the order they happened.
    pub(crate) fn with_state<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        let mut state = lock(&self.state);
        let result = f(&mut state);
        if state.has_events() {
            self.enqueue(state.take_events().into_iter().map(Outgoing::Event));
        }
        self.faults_armed.store(
            !state.faults.is_empty() || state.random_faults.is_some(),
            Ordering::Release,
        );
        result
    }

    /// Whether the state may hold a fault for a request: `false` only when, as of the last
    /// change of the state, it held none.
    pub(crate) fn faults_armed(&self) -> bool {
        self.faults_armed.load(Ordering::Acquire)
    }

    /// The emulator's clock, in Unix milliseconds.
    pub(crate) fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// The milliseconds the clock was advanced by so far.
    pub(crate) fn offset_ms(&self) -> i64 {
        self.clock.offset_ms()
    }

    /// Moves the clock forward by `ms` (saturating); nothing is applied yet.
    pub(crate) fn advance_ms(&self, ms: u64) {
        self.clock.advance_ms(ms);
    }

    /// The emulator's clock as a `SystemTime` (millisecond precision).
    pub(crate) fn now_precise(&self) -> SystemTime {
        unix_ms_to_system(self.now_ms())
    }

    /// Whether the emulator is stopping.
    pub(crate) fn stopping(&self) -> bool {
        *self.shutdown.borrow()
    }

    /// Runs `task` on the emulator's runtime; it is aborted when the emulator stops. `false`
    /// when the emulator is stopping and the task was not started.
    pub(crate) fn spawn(&self, task: impl Future<Output = ()> + Send + 'static) -> bool {
        let mut tasks = lock(&self.tasks);
        // Checked under the lock: `stop_tasks` takes the set only after the flag is set, so a
        // task is either refused here or in the set it aborts.
        if self.stopping() {
            return false;
        }
        // Forget the tasks that finished, so the set does not grow.
        while tasks.try_join_next().is_some() {}
        tasks.spawn_on(task, &self.runtime);
        true
    }

    /// Aborts every task without waiting for them to end (from a `Drop`).
    pub(crate) fn abort_tasks(&self) {
        lock(&self.tasks).abort_all();
    }

    /// Aborts every task and waits for them to end.
    pub(crate) async fn stop_tasks(&self) {
        let mut tasks = std::mem::take(&mut *lock(&self.tasks));
        tasks.shutdown().await;
    }

    /// Applies the clock (expiries, finished reviews) for a bounded number of verifications,
    /// the earliest deadlines first; if more are due, a background task applies the rest a
    /// chunk at a time. Nothing is done while another caller is at it. A verification a request
    /// reads is brought up to date on its own (see `State::get`), so no request waits for the
    /// others.
    pub(crate) fn tick(self: &Arc<Self>) {
        if self.drainers.load(Ordering::Acquire) > 0 {
            return;
        }
        let more = self.with_state(|state| state.tick(state.now_ms(), TICK_CHUNK));
        if more
            && self
                .drainers
                .compare_exchange(0, 1, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
        {
            let shared = Arc::clone(self);
            let started = self.spawn(async move {
                let _drainer = Drainer(&shared.drainers);
                while shared.with_state(|state| state.tick(state.now_ms(), TICK_CHUNK)) {
                    tokio::task::yield_now().await;
                }
            });
            if !started {
                self.drainers.fetch_sub(1, Ordering::AcqRel);
            }
        }
    }

    /// Applies everything the clock brought, a chunk at a time, releasing the lock between
    /// chunks: for a clock advance and for lists, which must see every change.
    pub(crate) fn settle_all(&self) {
        self.drainers.fetch_add(1, Ordering::AcqRel);
        let _drainer = Drainer(&self.drainers);
        while self.with_state(|state| state.tick(state.now_ms(), TICK_CHUNK)) {}
    }

    /// [`Shared::settle_all`] from async code: yields to other tasks between chunks.
    pub(crate) async fn settle_all_async(&self) {
        self.drainers.fetch_add(1, Ordering::AcqRel);
        let _drainer = Drainer(&self.drainers);
        while self.with_state(|state| state.tick(state.now_ms(), TICK_CHUNK)) {
            tokio::task::yield_now().await;
        }
    }

    /// Queues a resend behind the webhooks of its verification waiting to be sent.
    pub(crate) fn enqueue_resend(&self, job: Job) {
        self.enqueue([Outgoing::Resend(job)]);
    }

    /// Queues webhooks behind the earlier ones of their verification, and starts a sender if
    /// one is missing. Events are queued under the state lock, in the order they happened.
    fn enqueue(&self, items: impl IntoIterator<Item = Outgoing>) {
        let Some(me) = self.me.upgrade() else {
            return;
        };
        let mut outbox = lock(&self.outbox);
        for event in items {
            if let Some(queue) = outbox.queues.get_mut(event.scan_ref()) {
                // Its sender, or its place among those waiting for one, is already there.
                queue.push_back(event);
                continue;
            }
            let scan_ref = event.scan_ref().to_owned();
            outbox
                .queues
                .insert(scan_ref.clone(), VecDeque::from([event]));
            outbox.ready.push_back(scan_ref);
            if outbox.senders < MAX_SENDERS && self.spawn(Arc::clone(&me).send()) {
                outbox.senders += 1;
            }
        }
    }

    /// A sender: takes a verification waiting for one, delivers its webhooks one after the
    /// other (taking those queued meanwhile too), then the next; ends when none waits.
    async fn send(self: Arc<Self>) {
        let mut current: Option<String> = None;
        loop {
            let event = {
                let mut outbox = lock(&self.outbox);
                loop {
                    if let Some(scan_ref) = current.take() {
                        match outbox
                            .queues
                            .get_mut(&scan_ref)
                            .and_then(VecDeque::pop_front)
                        {
                            Some(event) => {
                                current = Some(scan_ref);
                                break event;
                            }
                            // Removed under the lock that saw it empty: a later event starts
                            // a new queue.
                            None => {
                                outbox.queues.remove(&scan_ref);
                            }
                        }
                    }
                    match outbox.ready.pop_front() {
                        Some(next) => current = Some(next),
                        None => {
                            outbox.senders = outbox.senders.saturating_sub(1);
                            return;
                        }
                    }
                }
            };
            if self.stopping() {
                return;
            }
            // The body is written here, outside the state lock; a resend has its own already.
            let job = match event {
                Outgoing::Event(event) => event.into_job(&self.base_url, self.quirks),
                Outgoing::Resend(job) => job,
            };
            Arc::clone(&self).deliver(vec![job]).await;
            tokio::task::yield_now().await;
        }
    }

    /// Delivers `jobs` one after the other; a failed attempt is retried once after
    /// [`delivery::RETRY_DELAY`]. Every attempt is recorded. The last attempt of a delivery
    /// sets or clears its verification's `callbackFailed` before it is recorded, so whoever
    /// sees the record sees the flag.
    async fn deliver(self: Arc<Self>, jobs: Vec<Job>) {
        let mut shutdown = self.shutdown.subscribe();
        for job in jobs {
            let headers = delivery::headers(&job, &self.webhook_key);
            let record = |attempt: u32, outcome: DeliveryOutcome, last: bool| {
                if last && !matches!(outcome, DeliveryOutcome::Skipped) {
                    let delivered = outcome.is_success();
                    self.with_state(|state| state.note_delivery(&job.scan_ref, delivered));
                }
                self.deliveries.record(Delivery {
                    id: 0,
                    scan_ref: job.scan_ref.clone(),
                    event_type: job.event_type.clone(),
                    is_final: job.is_final,
                    url: job.url.clone(),
                    headers: headers.clone(),
                    body: job.body.clone(),
                    attempt,
                    resend_of: job.resend_of,
                    outcome,
                    at: self.now_precise(),
                    from_callback: job.from_callback,
                });
            };
            let Some(url) = job.url.as_deref() else {
                record(1, DeliveryOutcome::Skipped, true);
                continue;
            };
            // A token's callbackUrl on a host the emulator may not reach: not sent.
            let refusal = job.from_callback.then(|| self.callback_hosts.refusal(url));
            if let Some(refusal) = refusal.flatten() {
                record(1, DeliveryOutcome::Failed(refusal), true);
                continue;
            }
            for attempt in 1..=2 {
                let (outcome, retryable) = {
                    let Ok(_slot) = Arc::clone(&self.delivery_slots).acquire_owned().await else {
                        return;
                    };
                    delivery::attempt(&self.client, url, &headers, &job.body, self.webhook_timeout)
                        .await
                };
                let retry = attempt == 1 && retryable && !outcome.is_success();
                record(attempt, outcome, !retry);
                if !retry {
                    break;
                }
                tokio::select! {
                    _ = tokio::time::sleep(delivery::RETRY_DELAY) => {}
                    _ = stopped(&mut shutdown) => return,
                }
            }
        }
    }
}

/// Webhooks waiting to be sent: a queue per verification, the verifications waiting for a
/// sender, and how many senders run. A verification has a queue while it has webhooks waiting
/// or a sender working on it; it is in `ready` while it has webhooks and no sender.
#[derive(Debug, Default)]
struct Outbox {
    queues: HashMap<String, VecDeque<Outgoing>>,
    ready: VecDeque<String>,
    senders: usize,
}

/// A webhook waiting in its verification's queue: an event whose body is yet to be written, or
/// a resend of a recorded one.
#[derive(Debug)]
enum Outgoing {
    Event(Event),
    Resend(Job),
}

impl Outgoing {
    fn scan_ref(&self) -> &str {
        match self {
            Outgoing::Event(event) => &event.scan_ref,
            Outgoing::Resend(job) => &job.scan_ref,
        }
    }
}

/// Counts one caller applying the clock, for as long as it lives.
struct Drainer<'a>(&'a AtomicUsize);

impl Drop for Drainer<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}
