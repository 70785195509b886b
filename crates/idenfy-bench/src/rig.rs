//! What the chaos run and the load program share: the adapters as one type, a loopback webhook
//! receiver that verifies and de-duplicates with the library, and the figures' arithmetic.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::error::Error as StdError;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full, Limited};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use idenfy::{CallOptions, Error};
use idenfy_proto::http::{Request, Response, StatusCode};
use idenfy_proto::webhook::{self, WebhookKey};
use tokio::net::TcpListener;

/// A boxed error that crosses threads.
pub type BoxError = Box<dyn StdError + Send + Sync>;

/// One of the project's adapters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Adapter {
    /// `idenfy-hyper` (async, hyper 1).
    Hyper,
    /// `idenfy-isahc` (async, curl).
    Isahc,
    /// `idenfy-blocking` (blocking, ureq).
    Blocking,
}

impl Adapter {
    /// The three, in the order the programs run them.
    pub const ALL: [Adapter; 3] = [Adapter::Hyper, Adapter::Isahc, Adapter::Blocking];

    /// The crate's name.
    pub fn name(self) -> &'static str {
        match self {
            Adapter::Hyper => "idenfy-hyper",
            Adapter::Isahc => "idenfy-isahc",
            Adapter::Blocking => "idenfy-blocking",
        }
    }

    /// `hyper`, `isahc` or `blocking` (or the crate's name).
    pub fn parse(text: &str) -> Option<Adapter> {
        match text.trim().trim_start_matches("idenfy-") {
            "hyper" => Some(Adapter::Hyper),
            "isahc" => Some(Adapter::Isahc),
            "blocking" => Some(Adapter::Blocking),
            _ => None,
        }
    }
}

/// A client of one adapter, shared by the tasks or threads that drive it.
#[derive(Clone)]
pub enum AnyClient {
    /// `idenfy-hyper`.
    Hyper(Arc<idenfy_hyper::Client>),
    /// `idenfy-isahc`.
    Isahc(Arc<idenfy_isahc::Client>),
    /// `idenfy-blocking`.
    Blocking(Arc<idenfy_blocking::Client>),
}

impl AnyClient {
    /// A client of `adapter` for `config` with `options`. The async adapters' transports are
    /// made on `runtime` (hyper needs one).
    pub fn new(
        adapter: Adapter,
        config: idenfy::Config,
        options: CallOptions,
        runtime: &tokio::runtime::Runtime,
    ) -> Result<Self, BoxError> {
        Ok(match adapter {
            Adapter::Hyper => {
                let _entered = runtime.enter();
                AnyClient::Hyper(Arc::new(
                    idenfy_hyper::Client::with_transport(
                        config,
                        idenfy_hyper::HyperTransport::new()?,
                    )
                    .with_options(options),
                ))
            }
            Adapter::Isahc => AnyClient::Isahc(Arc::new(
                idenfy_isahc::Client::with_transport(config, idenfy_isahc::IsahcTransport::new()?)
                    .with_options(options),
            )),
            Adapter::Blocking => AnyClient::Blocking(Arc::new(
                idenfy_blocking::Client::with_transport(
                    config,
                    idenfy_blocking::UreqTransport::new()?,
                )
                .with_options(options),
            )),
        })
    }
}

/// One call: which, how long it took, and what it returned.
#[derive(Debug)]
pub struct Record<T> {
    /// The call's number.
    pub index: usize,
    /// From the call to its result.
    pub elapsed: Duration,
    /// The result.
    pub result: Result<T, Error>,
}

/// Runs `calls` async calls, `concurrency` at a time (each task takes every
/// `concurrency`-th number), on `runtime`; the records in call order.
pub fn drive_async<T, F, Fut>(
    runtime: &tokio::runtime::Runtime,
    calls: usize,
    concurrency: usize,
    call: F,
) -> Result<Vec<Record<T>>, BoxError>
where
    T: Send + 'static,
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<T, Error>> + Send + 'static,
{
    let call = Arc::new(call);
    let concurrency = concurrency.max(1);
    let mut records = runtime.block_on(async {
        let mut tasks = tokio::task::JoinSet::new();
        for worker in 0..concurrency {
            let call = Arc::clone(&call);
            tasks.spawn(async move {
                let mut records = Vec::new();
                for index in (worker..calls).step_by(concurrency) {
                    let started = Instant::now();
                    let result = call(index).await;
                    records.push(Record {
                        index,
                        elapsed: started.elapsed(),
                        result,
                    });
                }
                records
            });
        }
        let mut all = Vec::with_capacity(calls);
        while let Some(records) = tasks.join_next().await {
            all.extend(records.map_err(|err| format!("a task failed: {err}"))?);
        }
        Ok::<_, BoxError>(all)
    })?;
    records.sort_by_key(|record| record.index);
    Ok(records)
}

/// Runs `calls` blocking calls on `concurrency` threads (each taking every
/// `concurrency`-th number); the records in call order.
pub fn drive_blocking<T, F>(
    calls: usize,
    concurrency: usize,
    call: F,
) -> Result<Vec<Record<T>>, BoxError>
where
    T: Send,
    F: Fn(usize) -> Result<T, Error> + Sync,
{
    let concurrency = concurrency.max(1);
    let call = &call;
    let mut records = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..concurrency)
            .map(|worker| {
                scope.spawn(move || {
                    let mut records = Vec::new();
                    for index in (worker..calls).step_by(concurrency) {
                        let started = Instant::now();
                        let result = call(index);
                        records.push(Record {
                            index,
                            elapsed: started.elapsed(),
                            result,
                        });
                    }
                    records
                })
            })
            .collect();
        let mut all = Vec::with_capacity(calls);
        for thread in threads {
            all.extend(
                thread
                    .join()
                    .map_err(|_| BoxError::from("a thread panicked"))?,
            );
        }
        Ok::<_, BoxError>(all)
    })?;
    records.sort_by_key(|record| record.index);
    Ok(records)
}

/// How a call ended, as a row label: `ok`, `API 503`, `transport: timed out`, `decode: Syntax`…
pub fn outcome_label<T>(result: &Result<T, Error>) -> String {
    match result {
        Ok(_) => "ok".to_owned(),
        Err(Error::Api(error)) => format!("API error {}", error.status().as_u16()),
        Err(Error::Transport(error)) => format!("transport error: {}", error.kind()),
        Err(Error::Decode(error)) => format!("decode error: {:?}", error.kind()),
        Err(Error::Validation(error)) => format!("validation error: {}", error.field()),
        Err(Error::Signature(_)) => "signature error".to_owned(),
        Err(Error::Internal(_)) => "internal error".to_owned(),
        Err(_) => "other error".to_owned(),
    }
}

/// Counts of labels, sorted.
pub fn tally(labels: impl IntoIterator<Item = String>) -> BTreeMap<String, u64> {
    let mut counts = BTreeMap::new();
    for label in labels {
        *counts.entry(label).or_insert(0) += 1;
    }
    counts
}

/// The `fraction` quantile (0 to 1) of `sorted` durations, by the nearest rank.
pub fn quantile(sorted: &[Duration], fraction: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let last = sorted.len() - 1;
    #[allow(
        clippy::cast_precision_loss,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss
    )]
    let index = ((last as f64) * fraction.clamp(0.0, 1.0)).round() as usize;
    sorted.get(index.min(last)).copied().unwrap_or_default()
}

/// `duration` in milliseconds with two decimals.
pub fn millis(duration: Duration) -> String {
    format!("{:.2} ms", duration.as_secs_f64() * 1000.0)
}

/// What the receiver does with a delivery that verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceiverFault {
    /// Answers `503` without recording it: the emulator sends it again.
    RefuseBeforeRecording,
    /// Records it, then answers `500`: the emulator sends it again, a duplicate to drop.
    FailAfterRecording,
}

/// The receiver's own faults: a share of the verified deliveries, seeded.
#[derive(Debug, Clone, Copy)]
pub struct ReceiverFaults {
    /// The share of deliveries hit, 0 to 1.
    pub rate: f64,
    /// The generator's seed.
    pub seed: u64,
}

/// What the receiver counted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReceiverCounts {
    /// Requests received.
    pub requests: u64,
    /// Deliveries whose signature verified and whose body parsed.
    pub verified: u64,
    /// Deliveries refused: signature or body (none are expected).
    pub refused: u64,
    /// Verified deliveries without a `scanRef` (no de-duplication key; none are expected).
    pub unkeyed: u64,
    /// Deliveries recorded as new after de-duplication.
    pub unique: u64,
    /// Deliveries recognised as repeats and dropped.
    pub duplicates: u64,
    /// Deliveries answered `503` before recording (a receiver fault).
    pub refused_before_recording: u64,
    /// Deliveries recorded, then answered `500` (a receiver fault).
    pub failed_after_recording: u64,
}

/// Someone waiting for the first webhook of a verification.
enum Waiter {
    Async(tokio::sync::oneshot::Sender<Instant>),
    Blocking(std::sync::mpsc::SyncSender<Instant>),
}

/// What the receiver keeps.
#[derive(Default)]
struct Seen {
    counts: ReceiverCounts,
    keys: HashSet<String>,
    /// Unique deliveries per (`scanRef`, event).
    per_event: HashMap<(String, String), u32>,
    waiters: HashMap<String, Waiter>,
    random: u64,
}

struct ReceiverState {
    keys: Vec<WebhookKey>,
    dedup: bool,
    faults: Option<ReceiverFaults>,
    seen: Mutex<Seen>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A webhook receiver on loopback: every delivery is verified and parsed with
/// `webhook::from_request` from its raw bytes, then de-duplicated by its R8 key
/// ([`WebhookEvent::dedup_key`](idenfy_proto::webhook::WebhookEvent::dedup_key)),
/// as a partner's endpoint would. It stops when dropped.
pub struct Receiver {
    addr: SocketAddr,
    state: Arc<ReceiverState>,
    task: tokio::task::JoinHandle<()>,
    /// A runtime of its own (one worker), so that the receiver neither competes with the async
    /// adapters' tasks nor leaves the blocking adapter a runtime to itself.
    runtime: Option<tokio::runtime::Runtime>,
}

impl Receiver {
    /// Listens on `127.0.0.1` on a runtime of its own, verifying with `key`. With `dedup` off,
    /// every verified delivery counts as unique (to show that the check notices duplicates).
    pub fn start(key: &str, dedup: bool, faults: Option<ReceiverFaults>) -> Result<Self, BoxError> {
        let state = Arc::new(ReceiverState {
            keys: vec![WebhookKey::new(key)?],
            dedup,
            faults,
            seen: Mutex::new(Seen {
                random: faults.map_or(0, |faults| faults.seed),
                ..Seen::default()
            }),
        });
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("webhook-receiver")
            .enable_all()
            .build()?;
        let listener = runtime.block_on(TcpListener::bind("127.0.0.1:0"))?;
        let addr = listener.local_addr()?;
        let served = Arc::clone(&state);
        let task =
            runtime.spawn(async move {
                loop {
                    let Ok((stream, _)) = listener.accept().await else {
                        // Out of descriptors, say: wait for some to close rather than spin.
                        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                        continue;
                    };
                    let _ = stream.set_nodelay(true);
                    let state = Arc::clone(&served);
                    tokio::spawn(async move {
                        let service = service_fn(move |request| {
                            let state = Arc::clone(&state);
                            async move {
                                Ok::<_, std::convert::Infallible>(state.receive(request).await)
                            }
                        });
                        let _ = hyper::server::conn::http1::Builder::new()
                            .serve_connection(TokioIo::new(stream), service)
                            .await;
                    });
                }
            });
        Ok(Self {
            addr,
            state,
            task,
            runtime: Some(runtime),
        })
    }

    /// The URL to deliver to.
    pub fn url(&self) -> String {
        format!("http://{}/webhooks/idenfy", self.addr)
    }

    /// What it counted so far.
    pub fn counts(&self) -> ReceiverCounts {
        lock(&self.state.seen).counts.clone()
    }

    /// Unique deliveries per (`scanRef`, event name).
    pub fn per_event(&self) -> HashMap<(String, String), u32> {
        lock(&self.state.seen).per_event.clone()
    }

    /// Waits (async) for the first unique webhook of `scan_ref`: register before the
    /// verification finishes, then await the receiver; its value is when it was verified.
    pub fn expect_async(&self, scan_ref: &str) -> tokio::sync::oneshot::Receiver<Instant> {
        let (sender, receiver) = tokio::sync::oneshot::channel();
        lock(&self.state.seen)
            .waiters
            .insert(scan_ref.to_owned(), Waiter::Async(sender));
        receiver
    }

    /// [`Receiver::expect_async`] for a thread.
    pub fn expect_blocking(&self, scan_ref: &str) -> std::sync::mpsc::Receiver<Instant> {
        let (sender, receiver) = std::sync::mpsc::sync_channel(1);
        lock(&self.state.seen)
            .waiters
            .insert(scan_ref.to_owned(), Waiter::Blocking(sender));
        receiver
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

impl ReceiverState {
    async fn receive(&self, request: Request<Incoming>) -> Response<Full<Bytes>> {
        let answer = |status: StatusCode| {
            let mut response = Response::new(Full::new(Bytes::new()));
            *response.status_mut() = status;
            response
        };
        lock(&self.seen).counts.requests += 1;
        let (parts, body) = request.into_parts();
        let Ok(body) = Limited::new(body, 1024 * 1024).collect().await else {
            return answer(StatusCode::BAD_REQUEST);
        };
        let request = Request::from_parts(parts, body.to_bytes());
        let event = match webhook::from_request(&request, &self.keys) {
            Ok(event) => event,
            Err(_) => {
                lock(&self.seen).counts.refused += 1;
                return answer(StatusCode::UNAUTHORIZED);
            }
        };
        let mut seen = lock(&self.seen);
        seen.counts.verified += 1;
        let fault = self.faults.and_then(|faults| {
            let roll = next_fraction(&mut seen.random);
            if roll >= faults.rate {
                return None;
            }
            Some(if next_fraction(&mut seen.random) < 0.5 {
                ReceiverFault::RefuseBeforeRecording
            } else {
                ReceiverFault::FailAfterRecording
            })
        });
        if fault == Some(ReceiverFault::RefuseBeforeRecording) {
            seen.counts.refused_before_recording += 1;
            return answer(StatusCode::SERVICE_UNAVAILABLE);
        }
        match event.dedup_key() {
            None => seen.counts.unkeyed += 1,
            Some(key) => {
                let new = if self.dedup {
                    seen.keys.insert(key.to_string())
                } else {
                    true
                };
                if new {
                    seen.counts.unique += 1;
                    *seen
                        .per_event
                        .entry((key.scan_ref.clone(), key.event.clone()))
                        .or_insert(0) += 1;
                    if let Some(waiter) = seen.waiters.remove(&key.scan_ref) {
                        let now = Instant::now();
                        match waiter {
                            Waiter::Async(sender) => {
                                let _ = sender.send(now);
                            }
                            Waiter::Blocking(sender) => {
                                let _ = sender.try_send(now);
                            }
                        }
                    }
                } else {
                    seen.counts.duplicates += 1;
                }
            }
        }
        if fault == Some(ReceiverFault::FailAfterRecording) {
            seen.counts.failed_after_recording += 1;
            return answer(StatusCode::INTERNAL_SERVER_ERROR);
        }
        answer(StatusCode::OK)
    }
}

/// SplitMix64 as a number in `[0, 1)`, advancing `state`.
pub fn next_fraction(state: &mut u64) -> f64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    #[allow(clippy::cast_precision_loss)]
    let fraction = (z >> 11) as f64 / (1u64 << 53) as f64;
    fraction
}

/// The value of `--name VALUE` or `--name=VALUE` in `args`, parsed; `default` when absent.
pub fn arg<T: std::str::FromStr>(args: &[String], name: &str, default: T) -> Result<T, BoxError> {
    let flag = format!("--{name}");
    let mut found = None;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if *arg == flag {
            found = Some(
                iter.next()
                    .ok_or_else(|| format!("{flag} needs a value"))?
                    .clone(),
            );
        } else if let Some(value) = arg.strip_prefix(&format!("{flag}=")) {
            found = Some(value.to_owned());
        }
    }
    match found {
        None => Ok(default),
        Some(text) => text
            .parse()
            .map_err(|_| format!("{flag}: cannot read {text:?}").into()),
    }
}

/// The adapters of `--adapters hyper,isahc,blocking` (all by default).
pub fn adapters_arg(args: &[String]) -> Result<Vec<Adapter>, BoxError> {
    let list: String = arg(args, "adapters", "hyper,isahc,blocking".to_owned())?;
    list.split(',')
        .map(|name| {
            Adapter::parse(name).ok_or_else(|| {
                format!("--adapters: {name:?} is not hyper, isahc or blocking").into()
            })
        })
        .collect()
}
