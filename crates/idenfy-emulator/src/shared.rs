//! What the server, its tasks and the [`Emulator`](crate::Emulator) handle share.

use std::future::Future;
use std::sync::{Arc, Mutex};
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
use crate::state::{State, unix_to_system};

/// How many webhook deliveries may be in flight at once.
const DELIVERY_CONCURRENCY: usize = 64;

/// The emulator's shared core. The state sits behind one `std` mutex, never held across an
/// `.await`.
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
    pub(crate) quirks: bool,
    pub(crate) callback_hosts: CallbackHosts,
    pub(crate) webhook_client: WebhookClient,
}

impl Shared {
    pub(crate) fn new(settings: Settings, base_url: String, runtime: Handle, rng: Rng) -> Self {
        let (shutdown, _) = watch::channel(false);
        Self {
            api_key: settings.api_key,
            api_secret: settings.api_secret,
            webhook_key: settings.webhook_key,
            requests_per_hour: settings.requests_per_hour,
            webhook_timeout: settings.webhook_timeout,
            quirks: settings.quirks,
            callback_hosts: settings.callback_hosts,
            base_url,
            state: Mutex::new(State::new(settings.webhook_url)),
            deliveries: DeliveryLog::default(),
            rng,
            shutdown,
            runtime,
            tasks: Mutex::new(JoinSet::new()),
            client: settings.webhook_client,
            delivery_slots: Arc::new(Semaphore::new(DELIVERY_CONCURRENCY)),
        }
    }

    /// Runs `f` on the state, under the lock.
    pub(crate) fn with_state<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        f(&mut lock(&self.state))
    }

    /// The emulator's clock, in Unix seconds.
    pub(crate) fn now(&self) -> i64 {
        self.with_state(|state| state.now())
    }

    /// The emulator's clock with sub-second precision.
    pub(crate) fn now_precise(&self) -> SystemTime {
        let offset = self.with_state(|state| state.offset());
        let offset = Duration::from_secs(offset.unsigned_abs());
        SystemTime::now()
            .checked_add(offset)
            .unwrap_or_else(|| unix_to_system(self.now()))
    }

    /// Whether the emulator is stopping.
    pub(crate) fn stopping(&self) -> bool {
        *self.shutdown.borrow()
    }

    /// Runs `task` on the emulator's runtime; it is aborted when the emulator stops.
    pub(crate) fn spawn(&self, task: impl Future<Output = ()> + Send + 'static) {
        let mut tasks = lock(&self.tasks);
        // Checked under the lock: `stop_tasks` takes the set only after the flag is set, so a
        // task is either refused here or in the set it aborts.
        if self.stopping() {
            return;
        }
        // Forget the tasks that finished, so the set does not grow.
        while tasks.try_join_next().is_some() {}
        tasks.spawn_on(task, &self.runtime);
    }

    /// Aborts every task and waits for them to end.
    pub(crate) async fn stop_tasks(&self) {
        let mut tasks = std::mem::take(&mut *lock(&self.tasks));
        tasks.shutdown().await;
    }

    /// Applies the clock (expiries, finished reviews) and sends the webhooks that brings.
    pub(crate) fn tick(self: &Arc<Self>) {
        let now = self.now();
        let batches = self.with_state(|state| state.tick(now, &self.base_url));
        self.dispatch(batches);
    }

    /// Sends each batch of webhooks in its own task, the webhooks of one batch in order.
    pub(crate) fn dispatch(self: &Arc<Self>, mut batches: Vec<Vec<Job>>) {
        if self.quirks {
            for job in batches.iter_mut().flatten() {
                job.body = crate::quirks::webhook(&job.body);
            }
        }
        for jobs in batches.into_iter().filter(|jobs| !jobs.is_empty()) {
            self.spawn(Arc::clone(self).deliver(jobs));
        }
    }

    /// Delivers `jobs` one after the other; a failed attempt is retried once after
    /// [`delivery::RETRY_DELAY`]. Every attempt is recorded.
    async fn deliver(self: Arc<Self>, jobs: Vec<Job>) {
        let mut shutdown = self.shutdown.subscribe();
        for job in jobs {
            let headers = delivery::headers(&job, &self.webhook_key);
            let record = |attempt: u32, outcome: DeliveryOutcome| {
                self.deliveries.record(Delivery {
                    scan_ref: job.scan_ref.clone(),
                    event_type: job.event_type.clone(),
                    is_final: job.is_final,
                    url: job.url.clone(),
                    headers: headers.clone(),
                    body: job.body.clone(),
                    attempt,
                    outcome,
                    at: self.now_precise(),
                });
            };
            let Some(url) = job.url.as_deref() else {
                record(1, DeliveryOutcome::Skipped);
                continue;
            };
            // A token's callbackUrl on a host the emulator may not reach: not sent.
            let refusal = job.from_callback.then(|| self.callback_hosts.refusal(url));
            if let Some(refusal) = refusal.flatten() {
                record(1, DeliveryOutcome::Failed(refusal));
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
                record(attempt, outcome);
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
