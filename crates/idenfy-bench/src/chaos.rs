//! The chaos run (R9 at volume): token creations and status calls through an adapter against
//! the emulator while a share of the requests meet faults of every kind, and the webhooks of the
//! verifications go to a receiver that meets faults of its own. Three invariants are checked,
//! each counted:
//!
//! 1. **One token per `create_token` call, at most.** Every call has a `clientId` of its own;
//!    afterwards the emulator's verifications are counted per `clientId`: none may have two, and
//!    a call that returned a token must find exactly that token there.
//! 2. **Every call ends within its budget** — a result or a typed error, measured from the call
//!    to its return against the configured total timeout — and a status that answers is the
//!    right one (its `scanRef`, the status the verification was finished with).
//! 3. **No webhook lost or duplicated after de-duplication.** The receiver verifies each
//!    delivery's signature from the raw bytes and drops repeats by the library's R8 key; every
//!    finished verification's webhooks (one, or two after a manual review) must be there exactly
//!    once, after the failed deliveries were resent as a partner resends them from the
//!    dashboard.
//!
//! The faults are the emulator's [`RandomFaults`]: they hit the real client path — the
//! adapter's own connection pool, parser and timeouts over a real loopback socket — with no
//! proxy in between whose own behaviour would be measured too. `src/bin/chaos.rs` runs it at
//! volume; `tests/chaos.rs` runs a small one.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use idenfy::CallOptions;
use idenfy_emulator::{Emulator, Fault, Outcome, RandomFaultTally, RandomFaults};
use idenfy_proto::http::{Request, Response};
use idenfy_proto::{Config, Endpoint, Error, RetryClass, TokenRequest, TokenResponse};

use crate::rig::{
    Adapter, AnyClient, BoxError, Receiver, ReceiverCounts, ReceiverFaults, Record, drive_async,
    drive_blocking, millis, outcome_label, tally,
};

/// The webhook signing key of the run's emulators.
const WEBHOOK_KEY: &str = "chaos-run-webhook-signing-key";

/// A deliberate defect, to show that the checks notice one (the tests use them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Sabotage {
    /// Token creation is declared read-only, so the client retries it after a lost answer.
    RetryTokens,
    /// The receiver does not de-duplicate.
    NoDedup,
}

/// What to run.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The adapters, in order.
    pub adapters: Vec<Adapter>,
    /// Token creations per adapter.
    pub tokens: usize,
    /// Status calls per adapter.
    pub statuses: usize,
    /// Calls under way at once (tasks, or threads for the blocking adapter).
    pub concurrency: usize,
    /// The share of requests hit by a fault.
    pub rate: f64,
    /// The share of webhook deliveries the receiver fails.
    pub receiver_rate: f64,
    /// The seed of the emulator's and the receiver's draws.
    pub seed: u64,
    /// Each call's total budget (`CallOptions::with_timeout`).
    pub budget: Duration,
    /// Each attempt's timeout inside it.
    pub attempt_timeout: Duration,
    /// How long a stalled answer stalls (longer than an attempt).
    pub stall: Duration,
    /// Scheduling slack allowed past the budget before a call counts as late.
    pub tolerance: Duration,
    /// The largest response body the client accepts; the over-the-cap fault sends twice this.
    pub body_cap: usize,
    /// A deliberate defect, if any.
    pub sabotage: Option<Sabotage>,
}

impl Default for Settings {
    /// The run quoted in `RELIABILITY.md`: 10,000 tokens and 10,000 status calls per adapter,
    /// 32 at a time, 5 % of requests and of webhook deliveries hit.
    fn default() -> Self {
        Self {
            adapters: Adapter::ALL.to_vec(),
            tokens: 10_000,
            statuses: 10_000,
            concurrency: 32,
            rate: 0.05,
            receiver_rate: 0.05,
            seed: 1,
            budget: Duration::from_secs(5),
            attempt_timeout: Duration::from_secs(1),
            stall: Duration::from_millis(1500),
            tolerance: Duration::from_millis(250),
            body_cap: 64 * 1024,
            sabotage: None,
        }
    }
}

/// The faults of the run, each with its label, on every API path.
pub fn fault_mix(settings: &Settings) -> Vec<(&'static str, Fault)> {
    let oversized = format!(
        "{{\"scanRef\":\"oversized\",\"padding\":\"{}\"}}",
        "x".repeat(settings.body_cap.saturating_mul(2))
    );
    let on_api = |fault: Fault| fault.on_prefix("/api/v2/");
    vec![
        ("500", on_api(Fault::status(500))),
        ("502", on_api(Fault::status(502))),
        ("503", on_api(Fault::status(503))),
        ("504", on_api(Fault::status(504))),
        (
            "429 with Retry-After: 1",
            on_api(Fault::status(429).retry_after(1)),
        ),
        (
            "closed before the answer (request not processed)",
            on_api(Fault::drop_connection()),
        ),
        (
            "closed after the request was processed (answer lost)",
            on_api(Fault::lose_answer()),
        ),
        (
            "headers stalled past the attempt timeout",
            on_api(Fault::delay(settings.stall)),
        ),
        (
            "body stalled half-way past the attempt timeout",
            on_api(Fault::stall_body(settings.stall)),
        ),
        ("body truncated", on_api(Fault::truncate_body())),
        ("bytes that are not HTTP", on_api(Fault::garbage())),
        (
            "non-JSON 200",
            on_api(Fault::status(200).with_body(
                "text/html; charset=utf-8",
                "<html><body>Service temporarily unavailable</body></html>",
            )),
        ),
        (
            "200 with a body over the client's cap",
            on_api(Fault::status(200).with_body("application/json", oversized)),
        ),
    ]
}

/// Token creation as the run sends it: the request, declared read-only under
/// [`Sabotage::RetryTokens`].
struct ChaosToken {
    request: TokenRequest,
    retry_unsafely: bool,
}

impl Endpoint for ChaosToken {
    type Output = TokenResponse;

    fn name(&self) -> &'static str {
        self.request.name()
    }

    fn retry_class(&self) -> RetryClass {
        if self.retry_unsafely {
            RetryClass::ReadOnly
        } else {
            self.request.retry_class()
        }
    }

    fn to_request(&self, config: &Config) -> Result<Request<Vec<u8>>, Error> {
        self.request.to_request(config)
    }

    fn parse(&self, response: Response<&[u8]>) -> Result<Self::Output, Error> {
        self.request.parse(response)
    }

    fn parse_owned(&self, response: Response<Vec<u8>>) -> Result<Self::Output, Error> {
        self.request.parse_owned(response)
    }
}

/// The calls of one phase.
#[derive(Debug, Clone, Default)]
pub struct Phase {
    /// Calls made.
    pub calls: usize,
    /// Outcomes by label (`ok`, `API error 503`, `transport error: timed out`, …).
    pub outcomes: BTreeMap<String, u64>,
    /// The longest call.
    pub max_time: Duration,
    /// Calls that took longer than the budget plus the tolerance.
    pub late: usize,
    /// `Error::Internal` results (a bug of the library).
    pub internal: usize,
    /// What the emulator's random faults did meanwhile.
    pub faults: RandomFaultTally,
}

impl Phase {
    fn from_records<T>(records: &[Record<T>], limit: Duration, faults: RandomFaultTally) -> Self {
        Self {
            calls: records.len(),
            outcomes: tally(records.iter().map(|record| outcome_label(&record.result))),
            max_time: records
                .iter()
                .map(|record| record.elapsed)
                .max()
                .unwrap_or_default(),
            late: records
                .iter()
                .filter(|record| record.elapsed > limit)
                .count(),
            internal: records
                .iter()
                .filter(|record| matches!(record.result, Err(Error::Internal(_))))
                .count(),
            faults,
        }
    }
}

/// What one adapter's run counted.
#[derive(Debug, Clone)]
pub struct AdapterReport {
    /// The adapter.
    pub adapter: Adapter,
    /// Token creations.
    pub tokens: Phase,
    /// Status calls.
    pub statuses: Phase,
    /// `clientId`s holding no token, one, two or more.
    pub tokens_per_client: [usize; 3],
    /// Token calls that returned a token the emulator does not hold for their `clientId`.
    pub token_mismatches: usize,
    /// Status answers for another `scanRef` or with another status than the one set.
    pub status_mismatches: usize,
    /// Webhooks expected: one per finished verification, two after a manual review.
    pub webhooks_expected: usize,
    /// What the receiver counted.
    pub receiver: ReceiverCounts,
    /// Expected webhooks not received.
    pub webhooks_lost: usize,
    /// Expected webhooks received more than once after de-duplication.
    pub webhooks_duplicated: usize,
    /// Unique webhooks that were not expected.
    pub webhooks_unexpected: usize,
    /// Rounds of resending failed deliveries, and the deliveries resent.
    pub resends: (usize, usize),
    /// The fault kinds that hit no request over both phases.
    pub kinds_never_hit: Vec<&'static str>,
}

/// The whole run.
#[derive(Debug, Clone)]
pub struct Report {
    /// The settings.
    pub settings: Settings,
    /// The fault labels, in the order of the tallies.
    pub fault_labels: Vec<&'static str>,
    /// One per adapter.
    pub adapters: Vec<AdapterReport>,
    /// The whole run's time.
    pub elapsed: Duration,
}

/// Runs the chaos run.
pub fn run(settings: &Settings) -> Result<Report, BoxError> {
    let started = Instant::now();
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
        fault_labels: fault_mix(settings)
            .into_iter()
            .map(|(label, _)| label)
            .collect(),
        adapters,
        elapsed: started.elapsed(),
    })
}

fn random_faults(settings: &Settings, phase: u64) -> RandomFaults {
    fault_mix(settings).into_iter().fold(
        RandomFaults::new(
            settings.rate,
            settings.seed.wrapping_mul(31).wrapping_add(phase),
        ),
        |random, (_, fault)| random.fault(fault),
    )
}

/// The outcome verification `n` is finished with, and whether it is reviewed (two webhooks).
fn outcome(n: usize) -> (Outcome, &'static str, bool) {
    match n % 4 {
        0 => (Outcome::approved(), "APPROVED", false),
        1 => (Outcome::denied(), "DENIED", false),
        2 => (Outcome::suspected(), "SUSPECTED", false),
        _ => (Outcome::approved().manual_review(true), "APPROVED", true),
    }
}

fn run_adapter(
    adapter: Adapter,
    settings: &Settings,
    runtime: &tokio::runtime::Runtime,
) -> Result<AdapterReport, BoxError> {
    let receiver = Receiver::start(
        WEBHOOK_KEY,
        settings.sabotage != Some(Sabotage::NoDedup),
        Some(ReceiverFaults {
            rate: settings.receiver_rate,
            seed: settings.seed,
        }),
    )?;
    let retention = settings.tokens.saturating_mul(4).max(10_000);
    let emulator = Emulator::builder()
        .requests_per_hour(None)
        .webhook_key(WEBHOOK_KEY)
        .webhook_url(receiver.url())
        .finished_retention(retention)
        .delivery_retention(retention)
        .start_blocking()?;
    let options = CallOptions::default()
        .with_timeout(settings.budget)
        .with_attempt_timeout(settings.attempt_timeout)
        .with_max_response_bytes(settings.body_cap);
    let client = AnyClient::new(adapter, emulator.config(), options, runtime)?;
    let limit = settings.budget.saturating_add(settings.tolerance);
    let prefix = format!("chaos-{}-", adapter.name());

    // 1. Token creations, each with a clientId of its own.
    emulator.set_random_faults(Some(random_faults(settings, 1)))?;
    let retry_unsafely = settings.sabotage == Some(Sabotage::RetryTokens);
    let make = {
        let prefix = prefix.clone();
        move |index: usize| -> Result<ChaosToken, Error> {
            Ok(ChaosToken {
                request: TokenRequest::builder(format!("{prefix}{index}")).build()?,
                retry_unsafely,
            })
        }
    };
    let token_records = match &client {
        AnyClient::Hyper(client) => {
            let client = Arc::clone(client);
            drive_async(
                runtime,
                settings.tokens,
                settings.concurrency,
                move |index| {
                    let (client, endpoint) = (Arc::clone(&client), make(index));
                    async move { client.send(&endpoint?).await }
                },
            )?
        }
        AnyClient::Isahc(client) => {
            let client = Arc::clone(client);
            drive_async(
                runtime,
                settings.tokens,
                settings.concurrency,
                move |index| {
                    let (client, endpoint) = (Arc::clone(&client), make(index));
                    async move { client.send(&endpoint?).await }
                },
            )?
        }
        AnyClient::Blocking(client) => {
            drive_blocking(settings.tokens, settings.concurrency, |index| {
                client.send(&make(index)?)
            })?
        }
    };
    // A request whose headers stalled is processed when its delay is over: wait for it.
    std::thread::sleep(settings.stall.saturating_add(Duration::from_millis(500)));
    let token_faults = emulator.random_fault_tally();
    emulator.set_random_faults(None)?;
    let tokens = Phase::from_records(&token_records, limit, token_faults);

    // Invariant 1: tokens per clientId.
    let verifications = emulator.verifications();
    let mut held: HashMap<&str, Vec<&str>> = HashMap::new();
    for verification in &verifications {
        held.entry(verification.client_id.as_str())
            .or_default()
            .push(verification.scan_ref.as_str());
    }
    let mut tokens_per_client = [0usize; 3];
    let mut token_mismatches = 0;
    for record in &token_records {
        let client_id = format!("{prefix}{}", record.index);
        let scan_refs = held.get(client_id.as_str()).map_or(&[][..], Vec::as_slice);
        if let Some(count) = tokens_per_client.get_mut(scan_refs.len().min(2)) {
            *count += 1;
        }
        if let Ok(token) = &record.result
            && scan_refs != [token.scan_ref.as_str()]
        {
            token_mismatches += 1;
        }
    }

    // Every verification finishes (those whose answer was lost too): their webhooks flow while
    // the status calls run.
    let mut expected_status: HashMap<String, &'static str> = HashMap::new();
    let mut expected_webhooks: Vec<(String, &'static str)> = Vec::new();
    for (n, verification) in verifications.iter().enumerate() {
        let (outcome, status, reviewed) = outcome(n);
        emulator.complete(&verification.scan_ref, outcome)?;
        expected_status.insert(verification.scan_ref.clone(), status);
        expected_webhooks.push((
            verification.scan_ref.clone(),
            "IDENTIFICATION_AUTO_FINISHED",
        ));
        if reviewed {
            expected_webhooks.push((
                verification.scan_ref.clone(),
                "IDENTIFICATION_MANUAL_FINISHED",
            ));
        }
    }

    // 2. Status calls on the tokens the calls returned.
    let scan_refs: Arc<Vec<String>> = Arc::new(
        token_records
            .iter()
            .filter_map(|record| record.result.as_ref().ok())
            .map(|token| token.scan_ref.as_str().to_owned())
            .collect(),
    );
    if scan_refs.is_empty() {
        return Err("no token call succeeded: nothing to ask the status of".into());
    }
    emulator.set_random_faults(Some(random_faults(settings, 2)))?;
    let pick = {
        let scan_refs = Arc::clone(&scan_refs);
        move |index: usize| {
            scan_refs
                .get(index % scan_refs.len())
                .cloned()
                .unwrap_or_default()
        }
    };
    let status_records = match &client {
        AnyClient::Hyper(client) => {
            let client = Arc::clone(client);
            drive_async(
                runtime,
                settings.statuses,
                settings.concurrency,
                move |index| {
                    let (client, scan_ref) = (Arc::clone(&client), pick(index));
                    async move { client.status(scan_ref).await }
                },
            )?
        }
        AnyClient::Isahc(client) => {
            let client = Arc::clone(client);
            drive_async(
                runtime,
                settings.statuses,
                settings.concurrency,
                move |index| {
                    let (client, scan_ref) = (Arc::clone(&client), pick(index));
                    async move { client.status(scan_ref).await }
                },
            )?
        }
        AnyClient::Blocking(client) => {
            drive_blocking(settings.statuses, settings.concurrency, |index| {
                client.status(pick(index))
            })?
        }
    };
    std::thread::sleep(settings.stall.saturating_add(Duration::from_millis(500)));
    let status_faults = emulator.random_fault_tally();
    emulator.set_random_faults(None)?;
    let statuses = Phase::from_records(&status_records, limit, status_faults);
    let status_mismatches = status_records
        .iter()
        .filter(|record| match &record.result {
            Ok(status) => {
                let asked = scan_refs
                    .get(record.index % scan_refs.len())
                    .map(String::as_str);
                status.scan_ref.as_deref() != asked
                    || status.status.as_ref().map(|status| status.as_str())
                        != asked.and_then(|asked| expected_status.get(asked).copied())
            }
            Err(_) => false,
        })
        .count();

    // 3. Webhooks: wait until the deliveries settle, then resend every webhook none of whose
    // attempts succeeded, as a partner resends from the dashboard, until nothing is left to
    // resend. The candidates are the verifications with a failed attempt, not those flagged
    // `callbackFailed`: the flag follows the latest webhook of a verification, so a failed
    // `IDENTIFICATION_AUTO_FINISHED` followed by a delivered `…_MANUAL_FINISHED` is not flagged.
    let mut resends = (0, 0);
    let deadline = Instant::now() + Duration::from_secs(300);
    // Once nothing is left to resend, deliveries still short of the expected count get this
    // long to arrive (a starved machine may hold a first attempt back) before counting as lost.
    let mut grace = Duration::from_secs(30);
    loop {
        settle(&receiver, deadline);
        let candidates: std::collections::BTreeSet<String> = emulator
            .deliveries()
            .into_iter()
            .filter(|delivery| !delivery.outcome.is_success())
            .map(|delivery| delivery.scan_ref)
            .collect();
        let mut resent = 0;
        for scan_ref in candidates {
            resent += emulator.resend_failed(&scan_ref)?.len();
        }
        if resends.0 >= 10 || Instant::now() >= deadline {
            break;
        }
        if resent == 0 {
            let unique = usize::try_from(receiver.counts().unique).unwrap_or(usize::MAX);
            if unique >= expected_webhooks.len() || grace.is_zero() {
                break;
            }
            std::thread::sleep(Duration::from_secs(1));
            grace = grace.saturating_sub(Duration::from_secs(1));
            continue;
        }
        resends.0 += 1;
        resends.1 += resent;
    }
    let per_event = receiver.per_event();
    let mut webhooks_lost = 0;
    let mut webhooks_duplicated = 0;
    for (scan_ref, event) in &expected_webhooks {
        match per_event.get(&(scan_ref.clone(), (*event).to_owned())) {
            None => webhooks_lost += 1,
            Some(1) => {}
            Some(_) => webhooks_duplicated += 1,
        }
    }
    let expected_keys: std::collections::HashSet<(&str, &str)> = expected_webhooks
        .iter()
        .map(|(scan_ref, event)| (scan_ref.as_str(), *event))
        .collect();
    let webhooks_unexpected = per_event
        .keys()
        .filter(|(scan_ref, event)| !expected_keys.contains(&(scan_ref.as_str(), event.as_str())))
        .count();

    let labels = fault_mix(settings);
    let kinds_never_hit = labels
        .iter()
        .enumerate()
        .filter(|(index, _)| {
            let hits = |tally: &RandomFaultTally| tally.injected.get(*index).copied().unwrap_or(0);
            hits(&tokens.faults) + hits(&statuses.faults) == 0
        })
        .map(|(_, (label, _))| *label)
        .collect();
    drop(client);
    drop(emulator);
    Ok(AdapterReport {
        adapter,
        tokens,
        statuses,
        tokens_per_client,
        token_mismatches,
        status_mismatches,
        webhooks_expected: expected_webhooks.len(),
        receiver: receiver.counts(),
        webhooks_lost,
        webhooks_duplicated,
        webhooks_unexpected,
        resends,
        kinds_never_hit,
    })
}

/// Waits until the receiver has had no request for two seconds (the emulator retries a failed
/// delivery after half a second), or until `deadline`.
fn settle(receiver: &Receiver, deadline: Instant) {
    let mut last = receiver.counts().requests;
    let mut quiet = Duration::ZERO;
    let step = Duration::from_millis(250);
    while quiet < Duration::from_secs(2) && Instant::now() < deadline {
        std::thread::sleep(step);
        let now = receiver.counts().requests;
        if now == last {
            quiet += step;
        } else {
            quiet = Duration::ZERO;
            last = now;
        }
    }
}

impl Report {
    /// Every broken invariant, one sentence each; empty when the run passed.
    pub fn violations(&self) -> Vec<String> {
        let mut found = Vec::new();
        for report in &self.adapters {
            let name = report.adapter.name();
            let mut fail = |text: String| found.push(format!("{name}: {text}"));
            if report.tokens_per_client[2] > 0 {
                fail(format!(
                    "{} clientIds hold two tokens or more for one create_token call",
                    report.tokens_per_client[2]
                ));
            }
            if report.token_mismatches > 0 {
                fail(format!(
                    "{} token calls returned a token the emulator does not hold for their clientId",
                    report.token_mismatches
                ));
            }
            for (phase, what) in [(&report.tokens, "token"), (&report.statuses, "status")] {
                if phase.late > 0 {
                    fail(format!(
                        "{} {what} calls took longer than their budget ({} + {} slack; longest {})",
                        phase.late,
                        millis(self.settings.budget),
                        millis(self.settings.tolerance),
                        millis(phase.max_time)
                    ));
                }
                if phase.internal > 0 {
                    fail(format!(
                        "{} {what} calls ended in an internal error",
                        phase.internal
                    ));
                }
            }
            if report.status_mismatches > 0 {
                fail(format!(
                    "{} status answers named another scanRef or another status",
                    report.status_mismatches
                ));
            }
            if report.webhooks_lost > 0 {
                fail(format!("{} webhooks lost", report.webhooks_lost));
            }
            if report.webhooks_duplicated > 0 {
                fail(format!(
                    "{} webhooks delivered twice after de-duplication",
                    report.webhooks_duplicated
                ));
            }
            if report.webhooks_unexpected > 0 {
                fail(format!(
                    "{} webhooks nobody expected",
                    report.webhooks_unexpected
                ));
            }
            if report.receiver.refused > 0 || report.receiver.unkeyed > 0 {
                fail(format!(
                    "{} deliveries failed verification and {} had no de-duplication key",
                    report.receiver.refused, report.receiver.unkeyed
                ));
            }
            if !report.kinds_never_hit.is_empty() {
                fail(format!(
                    "these faults hit no request (raise the counts or the rate): {}",
                    report.kinds_never_hit.join(", ")
                ));
            }
        }
        found
    }

    /// The counts as a Markdown table, a column per adapter.
    pub fn markdown(&self) -> String {
        let settings = &self.settings;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Chaos run: {} token creations and {} status calls per adapter, {} at a time; {:.1} % of \
             requests and {:.1} % of webhook deliveries hit by faults; seed {}; budget {} per call, \
             {} per attempt; {:.1} s in all.\n",
            settings.tokens,
            settings.statuses,
            settings.concurrency,
            settings.rate * 100.0,
            settings.receiver_rate * 100.0,
            settings.seed,
            millis(settings.budget),
            millis(settings.attempt_timeout),
            self.elapsed.as_secs_f64()
        );
        let mut header = "| measure |".to_owned();
        let mut rule = "| --- |".to_owned();
        for report in &self.adapters {
            let _ = write!(header, " {} |", report.adapter.name());
            rule.push_str(" --- |");
        }
        let _ = writeln!(out, "{header}\n{rule}");
        let mut row = |label: &str, cell: &dyn Fn(&AdapterReport) -> String| {
            let mut line = format!("| {label} |");
            for report in &self.adapters {
                let _ = write!(line, " {} |", cell(report));
            }
            let _ = writeln!(out, "{line}");
        };
        let percent = |part: u64, whole: u64| {
            #[allow(clippy::cast_precision_loss)]
            let share = if whole == 0 {
                0.0
            } else {
                part as f64 * 100.0 / whole as f64
            };
            format!("{part} of {whole} ({share:.1} %)")
        };
        row("token calls / status calls", &|r| {
            format!("{} / {}", r.tokens.calls, r.statuses.calls)
        });
        row("requests hit by a fault: token phase", &|r| {
            percent(r.tokens.faults.total(), r.tokens.faults.requests)
        });
        row("requests hit by a fault: status phase", &|r| {
            percent(r.statuses.faults.total(), r.statuses.faults.requests)
        });
        for (index, label) in self.fault_labels.iter().enumerate() {
            row(&format!("fault: {label} (token / status)"), &|r| {
                let hits =
                    |tally: &RandomFaultTally| tally.injected.get(index).copied().unwrap_or(0);
                format!("{} / {}", hits(&r.tokens.faults), hits(&r.statuses.faults))
            });
        }
        let mut token_labels: Vec<&String> = self
            .adapters
            .iter()
            .flat_map(|r| r.tokens.outcomes.keys())
            .collect();
        token_labels.sort();
        token_labels.dedup();
        for label in token_labels {
            row(&format!("token outcome: {label}"), &|r| {
                r.tokens
                    .outcomes
                    .get(label)
                    .copied()
                    .unwrap_or(0)
                    .to_string()
            });
        }
        let mut status_labels: Vec<&String> = self
            .adapters
            .iter()
            .flat_map(|r| r.statuses.outcomes.keys())
            .collect();
        status_labels.sort();
        status_labels.dedup();
        for label in status_labels {
            row(&format!("status outcome: {label}"), &|r| {
                r.statuses
                    .outcomes
                    .get(label)
                    .copied()
                    .unwrap_or(0)
                    .to_string()
            });
        }
        let budget = millis(settings.budget);
        row(&format!("longest token call (budget {budget})"), &|r| {
            millis(r.tokens.max_time)
        });
        row(&format!("longest status call (budget {budget})"), &|r| {
            millis(r.statuses.max_time)
        });
        row("calls past the budget", &|r| {
            (r.tokens.late + r.statuses.late).to_string()
        });
        row("clientIds with 0 / 1 / ≥ 2 tokens", &|r| {
            format!(
                "{} / {} / **{}**",
                r.tokens_per_client[0], r.tokens_per_client[1], r.tokens_per_client[2]
            )
        });
        row("token answers not matching the emulator", &|r| {
            r.token_mismatches.to_string()
        });
        row("status answers not matching the emulator", &|r| {
            r.status_mismatches.to_string()
        });
        row("webhooks expected (finished verifications)", &|r| {
            r.webhooks_expected.to_string()
        });
        row("deliveries received / verified", &|r| {
            format!("{} / {}", r.receiver.requests, r.receiver.verified)
        });
        row(
            "receiver faults: refused before recording / failed after",
            &|r| {
                format!(
                    "{} / {}",
                    r.receiver.refused_before_recording, r.receiver.failed_after_recording
                )
            },
        );
        row("resend rounds / deliveries resent", &|r| {
            format!("{} / {}", r.resends.0, r.resends.1)
        });
        row("unique after de-duplication / duplicates dropped", &|r| {
            format!("{} / {}", r.receiver.unique, r.receiver.duplicates)
        });
        row("webhooks lost / duplicated / unexpected", &|r| {
            format!(
                "**{}** / **{}** / **{}**",
                r.webhooks_lost, r.webhooks_duplicated, r.webhooks_unexpected
            )
        });
        let violations = self.violations();
        row("verdict", &|r| {
            let prefix = format!("{}: ", r.adapter.name());
            if violations.iter().any(|v| v.starts_with(&prefix)) {
                "**FAILED**".to_owned()
            } else {
                "pass".to_owned()
            }
        });
        out
    }
}
