//! The emulator at scale: 100,000 verifications, then the latency of `POST /api/v2/status` over
//! real loopback sockets with concurrent clients — at rest, and while one clock advance expires
//! 50,000 tokens at once — and the process's memory.
//!
//! ```text
//! cargo run --release -p idenfy-bench --bin emulator_scale
//! ```
//!
//! The emulator runs in this process on a runtime of its own (two worker threads,
//! [`Emulator::start_blocking`]); the clients run on another (two worker threads), each with
//! its own connection, through the project's hyper client. The emulator keeps its default
//! retention limits and has no webhook URL, so every webhook is written, signed and recorded as
//! skipped. The figures are printed as a Markdown table; the crate docs of `idenfy-emulator`
//! quote them.
// A program whose output is its report.
#![allow(clippy::print_stdout)]

use std::error::Error;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use idenfy_emulator::{Emulator, VerificationQuery};
use idenfy_hyper::{CallOptions, Client, HyperTransport, RetryPolicy, TokenRequest};
use idenfy_proto::OverallStatus;

/// Verifications created.
const SESSIONS: usize = 100_000;
/// Of which this many get a short `expiryTime` and expire at the clock advance.
const EXPIRING: usize = 50_000;
/// The short `expiryTime`, in seconds; the advance goes past it.
const SHORT_EXPIRY: u32 = 60;
/// Concurrent clients (one connection each).
const CLIENTS: usize = 8;
/// Status calls measured at rest.
const STATUS_CALLS: usize = 20_000;

type Result<T> = std::result::Result<T, Box<dyn Error>>;

fn main() -> Result<()> {
    let base = memory()?;
    let emulator = Emulator::builder()
        .requests_per_hour(None)
        .start_blocking()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let clients: Vec<Arc<Client>> = (0..CLIENTS)
        .map(|_| {
            Ok(Arc::new(
                Client::with_transport(emulator.config(), HyperTransport::new()?)
                    .with_options(CallOptions::default().with_retry(RetryPolicy::none())),
            ))
        })
        .collect::<Result<_>>()?;

    let started = Instant::now();
    let scan_refs = Arc::new(runtime.block_on(create(&clients))?);
    let creation = started.elapsed();
    let at_100k = memory()?;

    let rest = runtime.block_on(status_load(
        &clients,
        &scan_refs,
        StatusLoad::Calls(STATUS_CALLS),
    ))?;

    // The mass expiry: status calls run throughout; one advance expires EXPIRING tokens.
    let stop = Arc::new(AtomicBool::new(false));
    let load = runtime.spawn({
        let (clients, scan_refs, stop) =
            (clients.clone(), Arc::clone(&scan_refs), Arc::clone(&stop));
        async move { status_load(&clients, &scan_refs, StatusLoad::Until(stop)).await }
    });
    std::thread::sleep(Duration::from_millis(300));
    let advance_start = Instant::now();
    let advanced = control_advance(&emulator, u64::from(SHORT_EXPIRY) * 2)?;
    let advance_end = Instant::now();
    std::thread::sleep(Duration::from_millis(300));
    stop.store(true, Ordering::Release);
    let during = runtime.block_on(load)??;
    let overlapping: Vec<Duration> = during
        .iter()
        .filter(|sample| sample.end > advance_start && sample.start < advance_end)
        .map(|sample| sample.end - sample.start)
        .collect();
    let after_expiry = memory()?;

    // What the lists say now (and how long one page takes with this many verifications).
    let list_started = Instant::now();
    let expired = emulator.verifications_page(
        &VerificationQuery::new()
            .status(OverallStatus::Expired)
            .per_page(200),
    )?;
    let list_time = list_started.elapsed();
    let active = emulator.verifications_page(
        &VerificationQuery::new()
            .status(OverallStatus::Active)
            .per_page(1),
    )?;

    let rest_latencies: Vec<Duration> = rest.iter().map(|s| s.end - s.start).collect();
    println!("emulator_scale: {SESSIONS} verifications, {CLIENTS} concurrent clients");
    println!();
    println!("| measure | value |");
    println!("| --- | --- |");
    println!(
        "| creating {SESSIONS} tokens ({CLIENTS} clients) | {:.1} s, {:.0} tokens/s |",
        creation.as_secs_f64(),
        ratio(SESSIONS, creation)
    );
    println!(
        "| `status` at rest, {} calls: p50 / p99 / max | {} |",
        rest_latencies.len(),
        percentiles(rest_latencies)
    );
    println!(
        "| one clock advance expiring {EXPIRING} tokens (`POST /__emulator/clock/advance`) | {} |",
        millis(advanced)
    );
    println!(
        "| `status` during that advance, {} calls: p50 / p99 / max | {} |",
        overlapping.len(),
        percentiles(overlapping)
    );
    println!(
        "| one page of 200 `EXPIRED` verifications (of {} kept) | {} |",
        expired.count,
        millis(list_time)
    );
    println!(
        "| verifications kept after the expiry (`ACTIVE` / `EXPIRED`) | {} / {} |",
        active.count, expired.count
    );
    println!(
        "| RSS before / at {SESSIONS} sessions / after the expiry | {} / {} / {} MiB |",
        base.rss_mib(),
        at_100k.rss_mib(),
        after_expiry.rss_mib()
    );
    println!("| peak RSS (VmHWM) | {} MiB |", after_expiry.hwm_mib());
    drop(emulator);
    Ok(())
}

/// Creates the tokens, `CLIENTS` at a time; returns their `scanRef`s.
async fn create(clients: &[Arc<Client>]) -> Result<Vec<String>> {
    let mut tasks = tokio::task::JoinSet::new();
    for (index, client) in clients.iter().enumerate() {
        let client = Arc::clone(client);
        tasks.spawn(async move {
            let mut made = Vec::new();
            let mut number = index;
            while number < SESSIONS {
                let mut request = TokenRequest::builder(format!("client-{}", number % 1000));
                if number % 2 == 0 {
                    request = request.expiry_time(i64::from(SHORT_EXPIRY));
                }
                let token = client.create_token(&request.build()?).await?;
                made.push(token.scan_ref.as_str().to_owned());
                number += CLIENTS;
            }
            Ok::<_, Box<dyn Error + Send + Sync>>(made)
        });
    }
    let mut all = Vec::with_capacity(SESSIONS);
    while let Some(made) = tasks.join_next().await {
        all.extend(made?.map_err(|err| err.to_string())?);
    }
    Ok(all)
}

/// How long a status load runs.
#[derive(Clone)]
enum StatusLoad {
    /// This many calls in all.
    Calls(usize),
    /// Until the flag is set.
    Until(Arc<AtomicBool>),
}

/// One call: when it started and ended.
struct Sample {
    start: Instant,
    end: Instant,
}

/// `status` calls on random verifications from every client at once.
async fn status_load(
    clients: &[Arc<Client>],
    scan_refs: &Arc<Vec<String>>,
    load: StatusLoad,
) -> std::result::Result<Vec<Sample>, String> {
    let mut tasks = tokio::task::JoinSet::new();
    for (index, client) in clients.iter().enumerate() {
        let (client, scan_refs, load) = (Arc::clone(client), Arc::clone(scan_refs), load.clone());
        tasks.spawn(async move {
            let mut random = Xorshift(0x9e37_79b9_7f4a_7c15 ^ (index as u64 + 1));
            let mut samples = Vec::new();
            loop {
                match &load {
                    StatusLoad::Calls(calls) if samples.len() >= calls / CLIENTS => break,
                    StatusLoad::Until(stop) if stop.load(Ordering::Acquire) => break,
                    _ => {}
                }
                let pick = usize::try_from(random.next() % scan_refs.len() as u64).unwrap_or(0);
                let Some(scan_ref) = scan_refs.get(pick) else {
                    continue;
                };
                let start = Instant::now();
                match client.status(scan_ref).await {
                    Ok(_) => {}
                    // A verification forgotten by the retention limit answers 404: an answer.
                    Err(err) if err.as_api().is_some_and(|api| api.status() == 404) => {}
                    Err(err) => return Err(err.to_string()),
                }
                samples.push(Sample {
                    start,
                    end: Instant::now(),
                });
            }
            Ok::<_, String>(samples)
        });
    }
    let mut all = Vec::new();
    while let Some(samples) = tasks.join_next().await {
        all.extend(samples.map_err(|err| err.to_string())??);
    }
    Ok(all)
}

/// `POST /__emulator/clock/advance` over a plain socket; how long the answer took.
fn control_advance(emulator: &Emulator, seconds: u64) -> Result<Duration> {
    use std::io::{Read, Write};
    let body = format!("{{\"seconds\": {seconds}}}");
    let mut stream = std::net::TcpStream::connect(emulator.local_addr())?;
    let started = Instant::now();
    write!(
        stream,
        "POST /__emulator/clock/advance HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        emulator.local_addr(),
        body.len()
    )?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    let took = started.elapsed();
    if !answer.starts_with("HTTP/1.1 200") {
        return Err(format!("the advance failed: {answer}").into());
    }
    Ok(took)
}

/// A small deterministic generator, so every run asks for the same verifications.
struct Xorshift(u64);

impl Xorshift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// p50 / p99 / max of `latencies`, in milliseconds.
fn percentiles(mut latencies: Vec<Duration>) -> String {
    if latencies.is_empty() {
        return "no calls".to_owned();
    }
    latencies.sort_unstable();
    let at = |fraction: f64| {
        let index = ((latencies.len() - 1) as f64 * fraction).round() as usize;
        latencies.get(index).copied().unwrap_or_default()
    };
    format!(
        "{} / {} / {}",
        millis(at(0.50)),
        millis(at(0.99)),
        millis(at(1.0))
    )
}

fn millis(duration: Duration) -> String {
    format!("{:.2} ms", duration.as_secs_f64() * 1000.0)
}

fn ratio(count: usize, over: Duration) -> f64 {
    count as f64 / over.as_secs_f64().max(f64::MIN_POSITIVE)
}

/// The process's resident memory now and at its peak (`/proc/self/status`), in KiB.
struct Memory {
    rss_kib: u64,
    hwm_kib: u64,
}

impl Memory {
    fn rss_mib(&self) -> u64 {
        self.rss_kib / 1024
    }

    fn hwm_mib(&self) -> u64 {
        self.hwm_kib / 1024
    }
}

fn memory() -> Result<Memory> {
    let status = std::fs::read_to_string("/proc/self/status")
        .map_err(|err| format!("/proc/self/status (Linux only): {err}"))?;
    let field = |name: &str| -> u64 {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|kib| kib.parse().ok())
            .unwrap_or(0)
    };
    Ok(Memory {
        rss_kib: field("VmRSS:"),
        hwm_kib: field("VmHWM:"),
    })
}
