//! The load program: whole sessions through each adapter against the emulator, many at once —
//! a token, the verification finished through the emulator's control API (sent with the
//! adapter's own transport), the signed webhook received over loopback and verified with the
//! library, then the status — timing each step and each session. `src/bin/load.rs` runs it.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use idenfy::{BlockingTransport as _, CallOptions, Transport as _};
use idenfy_emulator::Emulator;
use idenfy_proto::http::{Request, header};
use idenfy_proto::{Error, StatusResponse, TokenRequest, TransportError, TransportErrorKind};

use crate::rig::{
    Adapter, AnyClient, BoxError, Receiver, drive_async, drive_blocking, millis, quantile,
};

/// The webhook signing key of the load's emulators.
const WEBHOOK_KEY: &str = "load-program-webhook-signing-key";

/// How long a session waits for its webhook before it counts as failed.
const WEBHOOK_WAIT: Duration = Duration::from_secs(30);

/// What to run.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The adapters, in order.
    pub adapters: Vec<Adapter>,
    /// Sessions per adapter.
    pub sessions: usize,
    /// Sessions under way at once (tasks, or threads for the blocking adapter).
    pub concurrency: usize,
}

impl Default for Settings {
    /// 10,000 sessions per adapter, 64 at a time.
    fn default() -> Self {
        Self {
            adapters: Adapter::ALL.to_vec(),
            sessions: 10_000,
            concurrency: 64,
        }
    }
}

/// The steps of a session, in order.
pub const STEPS: [&str; 5] = [
    "token (`create_token`)",
    "completion (control API)",
    "webhook received and verified, from the completion's request",
    "status (`status`)",
    "whole session",
];

/// One session's step times, in the order of [`STEPS`].
type Steps = [Duration; 5];

/// What one adapter's load measured.
#[derive(Debug, Clone)]
pub struct AdapterLoad {
    /// The adapter.
    pub adapter: Adapter,
    /// Sessions run.
    pub sessions: usize,
    /// From the first session's start to the last one's end.
    pub wall: Duration,
    /// Per step of [`STEPS`], the sorted times of the sessions that succeeded.
    pub steps: Vec<Vec<Duration>>,
    /// Sessions that failed, and the first failure's text.
    pub failures: (usize, Option<String>),
}

impl AdapterLoad {
    /// Sessions per second.
    pub fn throughput(&self) -> f64 {
        #[allow(clippy::cast_precision_loss)]
        let sessions = self.sessions as f64;
        sessions / self.wall.as_secs_f64().max(f64::MIN_POSITIVE)
    }
}

/// The whole load.
#[derive(Debug, Clone)]
pub struct Report {
    /// The settings.
    pub settings: Settings,
    /// One per adapter.
    pub adapters: Vec<AdapterLoad>,
}

/// A session's failure, as text.
fn failed(step: &str, error: impl std::fmt::Display) -> Error {
    Error::Transport(TransportError::with_source(
        TransportErrorKind::Other,
        format!("{step}: {error}"),
    ))
}

/// A session's step times, in the order of [`STEPS`], from the instants it took: its start,
/// then the end of the token, of the completion, of the wait for the webhook and of the status;
/// `verified` is when the receiver verified the webhook.
fn steps([t0, t1, t2, t3, t4]: [Instant; 5], verified: Instant) -> Steps {
    [
        t1 - t0,
        t2 - t1,
        verified.saturating_duration_since(t1),
        t4 - t3,
        t4 - t0,
    ]
}

/// The session's status must be approved (the completion approved it).
fn approved(status: &StatusResponse) -> Result<(), Error> {
    if status.is_approved() {
        Ok(())
    } else {
        Err(failed("status", "not approved"))
    }
}

/// `POST /__emulator/verifications/{scanRef}/complete` with an empty outcome (approved).
fn completion(base_url: &str, scan_ref: &str) -> Result<Request<Vec<u8>>, Error> {
    Request::post(format!(
        "{base_url}/__emulator/verifications/{scan_ref}/complete"
    ))
    .header(header::CONTENT_TYPE, "application/json")
    .body(b"{}".to_vec())
    .map_err(|error| failed("completion request", error))
}

/// The session of an async adapter's client: the same steps for `idenfy-hyper` and
/// `idenfy-isahc`. A macro rather than a generic function, since a future of the core's
/// `Transport` trait is not `Send` by its signature, and these are spawned on the runtime.
macro_rules! async_sessions {
    ($client:expr, $runtime:expr, $settings:expr, $receiver:expr, $base_url:expr, $request:expr) => {{
        let (client, receiver, base_url, request) = (
            Arc::clone($client),
            Arc::clone($receiver),
            Arc::clone($base_url),
            $request,
        );
        drive_async(
            $runtime,
            $settings.sessions,
            $settings.concurrency,
            move |index| {
                let (client, receiver, base_url) = (
                    Arc::clone(&client),
                    Arc::clone(&receiver),
                    Arc::clone(&base_url),
                );
                async move {
                    let t0 = Instant::now();
                    let token = client.create_token(&request(index)?).await?;
                    let scan_ref = token.scan_ref.as_str();
                    let t1 = Instant::now();
                    let webhook = receiver.expect_async(scan_ref);
                    let answer = client
                        .transport()
                        .send(completion(&base_url, scan_ref)?)
                        .await?;
                    if answer.status() != 200 {
                        return Err(failed("completion", answer.status()));
                    }
                    let t2 = Instant::now();
                    let verified = tokio::time::timeout(WEBHOOK_WAIT, webhook)
                        .await
                        .map_err(|_| failed("webhook", "none within 30 s"))?
                        .map_err(|_| failed("webhook", "receiver gone"))?;
                    let t3 = Instant::now();
                    approved(&client.status(scan_ref).await?)?;
                    Ok::<Steps, Error>(steps([t0, t1, t2, t3, Instant::now()], verified))
                }
            },
        )?
    }};
}

/// Runs the load.
pub fn run(settings: &Settings) -> Result<Report, BoxError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let mut adapters = Vec::new();
    for adapter in &settings.adapters {
        adapters.push(run_adapter(*adapter, settings, &runtime)?);
    }
    runtime.shutdown_timeout(Duration::from_secs(1));
    Ok(Report {
        settings: settings.clone(),
        adapters,
    })
}

fn run_adapter(
    adapter: Adapter,
    settings: &Settings,
    runtime: &tokio::runtime::Runtime,
) -> Result<AdapterLoad, BoxError> {
    let receiver = Arc::new(Receiver::start(WEBHOOK_KEY, true, None)?);
    let emulator = Emulator::builder()
        .requests_per_hour(None)
        .webhook_key(WEBHOOK_KEY)
        .webhook_url(receiver.url())
        .finished_retention(settings.sessions.max(10_000))
        .delivery_retention(0)
        .start_blocking()?;
    let base_url: Arc<str> = Arc::from(emulator.base_url());
    let client = AnyClient::new(adapter, emulator.config(), CallOptions::default(), runtime)?;
    let request = |index: usize| TokenRequest::builder(format!("load-{index}")).build();
    let started = Instant::now();
    let records = match &client {
        AnyClient::Hyper(client) => {
            async_sessions!(client, runtime, settings, &receiver, &base_url, request)
        }
        AnyClient::Isahc(client) => {
            async_sessions!(client, runtime, settings, &receiver, &base_url, request)
        }
        AnyClient::Blocking(client) => {
            drive_blocking(settings.sessions, settings.concurrency, |index| {
                let t0 = Instant::now();
                let token = client.create_token(&request(index)?)?;
                let scan_ref = token.scan_ref.as_str();
                let t1 = Instant::now();
                let webhook = receiver.expect_blocking(scan_ref);
                let answer = client.transport().send(completion(&base_url, scan_ref)?)?;
                if answer.status() != 200 {
                    return Err(failed("completion", answer.status()));
                }
                let t2 = Instant::now();
                let verified = webhook
                    .recv_timeout(WEBHOOK_WAIT)
                    .map_err(|_| failed("webhook", "none within 30 s"))?;
                let t3 = Instant::now();
                approved(&client.status(scan_ref)?)?;
                Ok::<Steps, Error>(steps([t0, t1, t2, t3, Instant::now()], verified))
            })?
        }
    };
    let wall = started.elapsed();
    let mut steps: Vec<Vec<Duration>> = vec![Vec::with_capacity(records.len()); STEPS.len()];
    let mut failures = (0, None);
    for record in records {
        match record.result {
            Ok(times) => {
                for (step, time) in steps.iter_mut().zip(times) {
                    step.push(time);
                }
            }
            Err(error) => {
                failures.0 += 1;
                failures.1.get_or_insert_with(|| error.to_string());
            }
        }
    }
    for step in &mut steps {
        step.sort_unstable();
    }
    drop(client);
    drop(emulator);
    Ok(AdapterLoad {
        adapter,
        sessions: settings.sessions,
        wall,
        steps,
        failures,
    })
}

impl Report {
    /// Sessions that failed, per adapter, as sentences; empty when all succeeded.
    pub fn failures(&self) -> Vec<String> {
        self.adapters
            .iter()
            .filter(|load| load.failures.0 > 0)
            .map(|load| {
                format!(
                    "{}: {} sessions failed, the first with: {}",
                    load.adapter.name(),
                    load.failures.0,
                    load.failures.1.as_deref().unwrap_or("?")
                )
            })
            .collect()
    }

    /// The figures as a Markdown table, a column per adapter.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Load: {} sessions per adapter, {} at a time (token, completion through the control \
             API, signed webhook verified, status).\n",
            self.settings.sessions, self.settings.concurrency
        );
        let mut header = "| measure |".to_owned();
        let mut rule = "| --- |".to_owned();
        for load in &self.adapters {
            let _ = write!(header, " {} |", load.adapter.name());
            rule.push_str(" --- |");
        }
        let _ = writeln!(out, "{header}\n{rule}");
        let mut row = |label: &str, cell: &dyn Fn(&AdapterLoad) -> String| {
            let mut line = format!("| {label} |");
            for load in &self.adapters {
                let _ = write!(line, " {} |", cell(load));
            }
            let _ = writeln!(out, "{line}");
        };
        row("sessions / failed", &|load| {
            format!("{} / {}", load.sessions, load.failures.0)
        });
        row("wall time", &|load| {
            format!("{:.2} s", load.wall.as_secs_f64())
        });
        row("throughput", &|load| {
            format!("{:.0} sessions/s", load.throughput())
        });
        for (index, step) in STEPS.iter().enumerate() {
            row(&format!("{step}: p50 / p99"), &|load| {
                let times = load.steps.get(index).map_or(&[][..], Vec::as_slice);
                format!(
                    "{} / {}",
                    millis(quantile(times, 0.50)),
                    millis(quantile(times, 0.99))
                )
            });
        }
        out
    }
}
