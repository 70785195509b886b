//! The adapters end to end, against their bare HTTP clients and a hand-written reqwest client:
//! token creation and `status` on loopback, throughput and p50/p99 latency, in one run.
//!
//! ```text
//! cargo run --release -p idenfy-bench --bin e2e
//! cargo run --release -p idenfy-bench --bin e2e -- --requests 3000 --concurrency 16 --rounds 11
//! cargo run --release -p idenfy-bench --bin e2e -- --server canned --only hyper
//! ```
//!
//! Options: `--requests N` (requests per client and round, 3,000), `--concurrency N` (requests
//! in flight: tasks for the async clients, threads for the blocking ones, 16), `--rounds N`
//! (11), `--client-threads N` (worker threads of the clients' Tokio runtime, 2), `--server
//! canned|emulator|both` (both), `--only hyper|isahc|ureq` (every family), `--op token|status`
//! (both).
//!
//! # What is compared
//!
//! Each adapter against its bare HTTP client, and `idenfy-hyper` against reqwest:
//!
//! | family | subject | baselines |
//! | --- | --- | --- |
//! | hyper | `idenfy-hyper` | a bare hyper-util legacy client (`HttpConnector`), and reqwest as a user would write it |
//! | isahc | `idenfy-isahc` | a bare pooled `isahc::HttpClient`; for token creation also a bare unpooled one (`connection_cache_size(0)`), since the adapter sends token requests unpooled by design (R9) |
//! | ureq | `idenfy-blocking` | a bare `ureq::Agent`, with the same number of threads |
//!
//! "The same work" for a bare client: it sends the same request bytes — the same method, URI and
//! headers (`Authorization`, `Content-Type`, `Accept`, `User-Agent`, taken once from a request
//! the protocol crate built, as a user would build their header values once), and a JSON body
//! serialized per request from a small `#[derive(Serialize)]` struct (checked at startup to be
//! byte for byte the library's body) — then reads the whole response body, checks the status,
//! and parses the body with `serde_json::from_slice::<serde_json::Value>` (keeping everything the
//! server said, as the library's model does). The library's side makes each call the way a user
//! would: `TokenRequest::builder(..).build()` then `create_token`, or `status(scan_ref)`, each
//! parsed into the typed model, with the default call options (retries on, R9).
//!
//! The bare clients run with their library's defaults, plus only what sending the same bytes
//! and reading error statuses needs (ureq: `http_status_as_error(false)`), and `TCP_NODELAY`
//! for hyper-util (the adapter sets it; isahc, ureq and reqwest set it by default). The reqwest client
//! sets its fixed headers once as default headers, serializes the same struct, reads
//! `bytes()` and parses a `Value`.
//!
//! # Servers
//!
//! - **canned**: a minimal hyper server on 127.0.0.1 (its own two-thread runtime) that reads
//!   the request and answers fixed bytes — the bytes the emulator answered to the same requests
//!   at startup — so that the figures are the clients' own cost;
//! - **emulator**: the release emulator (`idenfy-emulator`) in this process, on its own
//!   two-thread runtime, without a request limit: the server the clients are usually tried
//!   against, whose own work is now part of every figure.
//!
//! # Measuring
//!
//! Each client is made once and warmed up (connections opened) before the first round. In each
//! round the clients of a family run one after the other — forwards in even rounds, backwards
//! in odd ones — so that a machine whose load changes slows every side alike. A ratio is
//! computed within each round (subject ÷ baseline throughput) and the table gives the median of
//! the rounds' ratios with their range; throughputs are medians over the rounds, latencies are
//! percentiles of every request of every round. Times depend on the machine: quote ratios.
//! The process's CPU time per request (`/proc/self/stat`) and, against the canned server, the
//! connections opened are printed too: a machine busy with other work blurs them far less than
//! throughput. The figures of a run, and what they led to, are in the repository's
//! `BENCHMARKS.md`.
// A program whose output is its report.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::error::Error as StdError;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper::header::{CONTENT_TYPE, HeaderMap, HeaderValue};
use hyper::{Method, Request, StatusCode, Uri};
use hyper_util::client::legacy::Client as LegacyClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use idenfy_bench::rig::quantile;
use idenfy_emulator::Emulator;
use idenfy_proto::{Config, Endpoint as _, StatusRequest, TokenRequest};
use serde::Serialize;
use tokio::runtime::Runtime;

type Result<T, E = Box<dyn StdError + Send + Sync>> = std::result::Result<T, E>;

/// The `clientId` of every token request.
const CLIENT_ID: &str = "bench-client";

/// The body of a token request, as a user of a bare client would write it.
#[derive(Serialize)]
struct TokenBody<'a> {
    #[serde(rename = "clientId")]
    client_id: &'a str,
}

/// The body of a `status` request, as a user of a bare client would write it.
#[derive(Serialize)]
struct StatusBody<'a> {
    #[serde(rename = "scanRef")]
    scan_ref: &'a str,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Op {
    Token,
    Status,
}

impl Op {
    fn title(self) -> &'static str {
        match self {
            Op::Token => "token creation (`POST /api/v2/token`)",
            Op::Status => "`status` (`POST /api/v2/status`)",
        }
    }

    fn expected(self) -> StatusCode {
        match self {
            Op::Token => StatusCode::CREATED,
            Op::Status => StatusCode::OK,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Contender {
    IdenfyHyper,
    BareHyper,
    Reqwest,
    IdenfyIsahc,
    BareIsahc,
    BareIsahcUnpooled,
    IdenfyBlocking,
    BareUreq,
}

impl Contender {
    fn name(self) -> &'static str {
        match self {
            Contender::IdenfyHyper => "idenfy-hyper",
            Contender::BareHyper => "bare hyper-util",
            Contender::Reqwest => "reqwest (hand-written)",
            Contender::IdenfyIsahc => "idenfy-isahc",
            Contender::BareIsahc => "bare isahc (pooled)",
            Contender::BareIsahcUnpooled => "bare isahc (unpooled)",
            Contender::IdenfyBlocking => "idenfy-blocking",
            Contender::BareUreq => "bare ureq",
        }
    }
}

/// A family of clients run back to back, and the ratios reported for it.
struct Family {
    name: &'static str,
    contenders: &'static [Contender],
    /// (subject, baseline, operations it applies to).
    pairs: &'static [(Contender, Contender, &'static [Op])],
}

const BOTH: &[Op] = &[Op::Token, Op::Status];
const TOKEN: &[Op] = &[Op::Token];
const STATUS: &[Op] = &[Op::Status];

const FAMILIES: &[Family] = &[
    Family {
        name: "hyper",
        contenders: &[
            Contender::IdenfyHyper,
            Contender::BareHyper,
            Contender::Reqwest,
        ],
        pairs: &[
            (Contender::IdenfyHyper, Contender::BareHyper, BOTH),
            (Contender::IdenfyHyper, Contender::Reqwest, BOTH),
        ],
    },
    Family {
        name: "isahc",
        contenders: &[
            Contender::IdenfyIsahc,
            Contender::BareIsahc,
            Contender::BareIsahcUnpooled,
        ],
        pairs: &[
            (Contender::IdenfyIsahc, Contender::BareIsahcUnpooled, TOKEN),
            (Contender::IdenfyIsahc, Contender::BareIsahc, STATUS),
            (Contender::BareIsahcUnpooled, Contender::BareIsahc, TOKEN),
        ],
    },
    Family {
        name: "ureq",
        contenders: &[Contender::IdenfyBlocking, Contender::BareUreq],
        pairs: &[(Contender::IdenfyBlocking, Contender::BareUreq, BOTH)],
    },
];

struct Args {
    requests: usize,
    concurrency: usize,
    rounds: usize,
    client_threads: usize,
    canned: bool,
    emulator: bool,
    only: Option<String>,
    ops: Vec<Op>,
}

fn parse_args() -> Result<Args> {
    let mut args = Args {
        requests: 3_000,
        concurrency: 16,
        rounds: 11,
        client_threads: 2,
        canned: true,
        emulator: true,
        only: None,
        ops: vec![Op::Token, Op::Status],
    };
    let mut given = std::env::args().skip(1);
    while let Some(flag) = given.next() {
        let mut value = || given.next().ok_or_else(|| format!("{flag} needs a value"));
        let number = |text: String| -> Result<usize> {
            match text.parse::<usize>() {
                Ok(n) if n > 0 => Ok(n),
                _ => Err(format!("{flag}: expected a positive whole number, got {text:?}").into()),
            }
        };
        match flag.as_str() {
            "--requests" => args.requests = number(value()?)?,
            "--concurrency" => args.concurrency = number(value()?)?,
            "--rounds" => args.rounds = number(value()?)?,
            "--client-threads" => args.client_threads = number(value()?)?,
            "--server" => {
                let server = value()?;
                (args.canned, args.emulator) = match server.as_str() {
                    "canned" => (true, false),
                    "emulator" => (false, true),
                    "both" => (true, true),
                    _ => {
                        return Err(
                            format!("--server: canned, emulator or both, not {server:?}").into(),
                        );
                    }
                };
            }
            "--only" => {
                let family = value()?;
                if !FAMILIES.iter().any(|f| f.name == family) {
                    return Err(format!("--only: hyper, isahc or ureq, not {family:?}").into());
                }
                args.only = Some(family);
            }
            "--op" => {
                let op = value()?;
                args.ops = match op.as_str() {
                    "token" => vec![Op::Token],
                    "status" => vec![Op::Status],
                    _ => return Err(format!("--op: token or status, not {op:?}").into()),
                };
            }
            "--help" | "-h" => {
                println!(
                    "e2e [--requests N] [--concurrency N] [--rounds N] [--client-threads N] \
                     [--server canned|emulator|both] [--only hyper|isahc|ureq] [--op token|status]"
                );
                std::process::exit(0);
            }
            _ => return Err(format!("unknown argument {flag:?} (try --help)").into()),
        }
    }
    Ok(args)
}

/// What every client needs to reach one server.
struct Target {
    config: Config,
    base: String,
    scan_ref: String,
    /// The headers of the library's requests, for the bare clients.
    headers: HeaderMap,
    /// The connections the canned server accepted so far (`None` for the emulator).
    accepted: Option<Arc<AtomicUsize>>,
}

impl Target {
    fn uri(&self, op: Op) -> Result<Uri> {
        Ok(self.url(op).parse()?)
    }

    fn url(&self, op: Op) -> String {
        match op {
            Op::Token => format!("{}/api/v2/token", self.base),
            Op::Status => format!("{}/api/v2/status", self.base),
        }
    }
}

fn main() -> Result<()> {
    let args = parse_args()?;
    let emulator = Emulator::builder()
        .requests_per_hour(None)
        .start_blocking()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.client_threads)
        .enable_all()
        .build()?;

    // One token on the emulator: its scanRef for the `status` calls, and the answers the canned
    // server will repeat.
    let emulated = target(emulator.config(), String::new())?;
    let (token_answer, scan_ref) = runtime.block_on(first_token(&emulated))?;
    let emulated = Target {
        scan_ref: scan_ref.clone(),
        ..emulated
    };
    let status_answer = runtime.block_on(bare_answer(&emulated, Op::Status))?;
    check_bodies(&emulated)?;

    println!(
        "e2e: {} requests per client and round, {} in flight, {} rounds, client runtime of {} \
         worker threads, {} CPUs, load average {} at the start",
        args.requests,
        args.concurrency,
        args.rounds,
        args.client_threads,
        std::thread::available_parallelism().map_or(0, usize::from),
        load_average()
    );

    let mut servers: Vec<(&str, Target, Option<Runtime>)> = Vec::new();
    if args.canned {
        let accepted = Arc::new(AtomicUsize::new(0));
        let (canned_runtime, addr) =
            start_canned(token_answer, status_answer, Arc::clone(&accepted))?;
        let config = Config::builder(emulator.credentials())
            .base_url(format!("http://{addr}"))
            .build()?;
        let canned = Target {
            accepted: Some(accepted),
            ..target(config, scan_ref.clone())?
        };
        servers.push(("canned responder", canned, Some(canned_runtime)));
    }
    if args.emulator {
        servers.push(("emulator", emulated, None));
    }
    for (server, target, _runtime) in &servers {
        let target = Arc::new(target_clone(target)?);
        for family in FAMILIES {
            if args.only.as_deref().is_some_and(|only| only != family.name) {
                continue;
            }
            for &op in &args.ops {
                measure(&runtime, &args, server, family, op, &target)?;
            }
        }
    }
    drop(servers);
    drop(emulator);
    Ok(())
}

fn target_clone(target: &Target) -> Result<Target> {
    Ok(Target {
        config: target.config.clone(),
        base: target.base.clone(),
        scan_ref: target.scan_ref.clone(),
        headers: target.headers.clone(),
        accepted: target.accepted.clone(),
    })
}

fn target(config: Config, scan_ref: String) -> Result<Target> {
    let request = TokenRequest::builder(CLIENT_ID)
        .build()?
        .to_request(&config)?;
    let base = config.base_url().trim_end_matches('/').to_owned();
    Ok(Target {
        headers: request.headers().clone(),
        config,
        base,
        scan_ref,
        accepted: None,
    })
}

/// The library's bodies and the bare clients' are the same bytes.
fn check_bodies(target: &Target) -> Result<()> {
    let library = TokenRequest::builder(CLIENT_ID)
        .build()?
        .to_request(&target.config)?;
    if library.body() != &bare_body(target, Op::Token)? {
        return Err("the bare token body differs from the library's".into());
    }
    let library = StatusRequest::new(target.scan_ref.as_str())?.to_request(&target.config)?;
    if library.body() != &bare_body(target, Op::Status)? {
        return Err("the bare status body differs from the library's".into());
    }
    Ok(())
}

fn bare_body(target: &Target, op: Op) -> Result<Vec<u8>, serde_json::Error> {
    match op {
        Op::Token => serde_json::to_vec(&TokenBody {
            client_id: CLIENT_ID,
        }),
        Op::Status => serde_json::to_vec(&StatusBody {
            scan_ref: &target.scan_ref,
        }),
    }
}

/// Creates one token with a bare hyper client: its answer's bytes, and its scanRef.
async fn first_token(target: &Target) -> Result<(Bytes, String)> {
    let answer = bare_answer(target, Op::Token).await?;
    let value: serde_json::Value = serde_json::from_slice(&answer)?;
    let scan_ref = value
        .get("scanRef")
        .and_then(serde_json::Value::as_str)
        .ok_or("the token answer has no scanRef")?
        .to_owned();
    Ok((answer, scan_ref))
}

async fn bare_answer(target: &Target, op: Op) -> Result<Bytes> {
    let client = LegacyClient::builder(TokioExecutor::new()).build_http();
    let mut request = Request::new(Full::new(Bytes::from(bare_body(target, op)?)));
    *request.method_mut() = Method::POST;
    *request.uri_mut() = target.uri(op)?;
    *request.headers_mut() = target.headers.clone();
    let response = client.request(request).await?;
    if response.status() != op.expected() {
        return Err(format!("{op:?}: the emulator answered {}", response.status()).into());
    }
    Ok(response.into_body().collect().await?.to_bytes())
}

/// A minimal HTTP/1.1 server on 127.0.0.1 that reads each request whole and answers fixed
/// bytes: `201` with `token` to `POST /api/v2/token`, `200` with `status` to
/// `POST /api/v2/status`, `404` otherwise.
fn start_canned(
    token: Bytes,
    status: Bytes,
    accepted: Arc<AtomicUsize>,
) -> Result<(Runtime, SocketAddr)> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let addr = listener.local_addr()?;
    runtime.spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                // Out of descriptors, say: wait for some to close rather than spin.
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                continue;
            };
            accepted.fetch_add(1, Ordering::Relaxed);
            let _ = stream.set_nodelay(true);
            let (token, status) = (token.clone(), status.clone());
            tokio::spawn(async move {
                let service =
                    hyper::service::service_fn(move |request: Request<hyper::body::Incoming>| {
                        let (code, body) = match request.uri().path() {
                            "/api/v2/token" => (StatusCode::CREATED, token.clone()),
                            "/api/v2/status" => (StatusCode::OK, status.clone()),
                            _ => (StatusCode::NOT_FOUND, Bytes::new()),
                        };
                        async move {
                            request.into_body().collect().await?;
                            let mut response = hyper::Response::new(Full::new(body));
                            *response.status_mut() = code;
                            response
                                .headers_mut()
                                .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                            Ok::<_, hyper::Error>(response)
                        }
                    });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    Ok((runtime, addr))
}

/// One client of a family, made once for every round.
// A handful of these live for the whole run: their size does not matter.
#[allow(clippy::large_enum_variant)]
enum Driver {
    IdenfyHyper(Arc<idenfy_hyper::Client>),
    BareHyper(LegacyClient<HttpConnector, Full<Bytes>>),
    Reqwest(reqwest::Client),
    IdenfyIsahc(Arc<idenfy_isahc::Client>),
    BareIsahc(isahc::HttpClient),
    IdenfyBlocking(Arc<idenfy_blocking::Client>),
    BareUreq(ureq::Agent),
}

fn driver(contender: Contender, target: &Target) -> Result<Driver> {
    Ok(match contender {
        Contender::IdenfyHyper => {
            Driver::IdenfyHyper(Arc::new(idenfy_hyper::Client::with_transport(
                target.config.clone(),
                idenfy_hyper::HyperTransport::builder()
                    .no_proxies()
                    .build()?,
            )))
        }
        Contender::BareHyper => {
            // TCP_NODELAY, as the adapter's connector: without it a request whose head and body
            // go out in two writes waits for the server's delayed ACK.
            let mut connector = HttpConnector::new();
            connector.set_nodelay(true);
            Driver::BareHyper(LegacyClient::builder(TokioExecutor::new()).build(connector))
        }
        Contender::Reqwest => {
            // The fixed headers once, as default headers; `Content-Type` with each body.
            let mut headers = target.headers.clone();
            headers.remove(CONTENT_TYPE);
            Driver::Reqwest(
                reqwest::Client::builder()
                    .no_proxy()
                    .default_headers(headers)
                    .build()?,
            )
        }
        Contender::IdenfyIsahc => {
            Driver::IdenfyIsahc(Arc::new(idenfy_isahc::Client::with_transport(
                target.config.clone(),
                idenfy_isahc::idenfy::DefaultTransport::default_transport()?,
            )))
        }
        Contender::BareIsahc => Driver::BareIsahc(isahc::HttpClient::new()?),
        Contender::BareIsahcUnpooled => Driver::BareIsahc(
            isahc::HttpClient::builder()
                .connection_cache_size(0)
                .build()?,
        ),
        Contender::IdenfyBlocking => {
            Driver::IdenfyBlocking(Arc::new(idenfy_blocking::Client::with_transport(
                target.config.clone(),
                idenfy_blocking::UreqTransport::new()?,
            )))
        }
        Contender::BareUreq => Driver::BareUreq(
            ureq::Agent::config_builder()
                .http_status_as_error(false)
                .build()
                .new_agent(),
        ),
    })
}

/// The latencies of one batch of requests, and its wall time.
struct Batch {
    wall: Duration,
    latencies: Vec<Duration>,
    /// Connections the server accepted during the batch, when it counts them.
    connections: Option<usize>,
    /// The CPU time of the whole process (clients and servers) during the batch, where
    /// `/proc/self/stat` says it.
    cpu: Option<Duration>,
}

impl Batch {
    fn throughput(&self) -> f64 {
        per_second(self.latencies.len(), self.wall)
    }
}

fn per_second(count: usize, wall: Duration) -> f64 {
    let count = u32::try_from(count).unwrap_or(u32::MAX);
    f64::from(count) / wall.as_secs_f64().max(f64::MIN_POSITIVE)
}

fn run(
    runtime: &Runtime,
    driver: &Driver,
    op: Op,
    target: &Arc<Target>,
    requests: usize,
    concurrency: usize,
) -> Result<Batch> {
    let accepted = || target.accepted.as_ref().map(|n| n.load(Ordering::Relaxed));
    let before = accepted();
    let cpu_before = process_cpu();
    let mut batch = run_batch(runtime, driver, op, target, requests, concurrency)?;
    batch.cpu = process_cpu()
        .zip(cpu_before)
        .map(|(after, before)| after.saturating_sub(before));
    batch.connections = accepted()
        .zip(before)
        .map(|(after, before)| after.saturating_sub(before));
    Ok(batch)
}

/// The CPU time (user and system) the process has used so far, from `/proc/self/stat` (Linux;
/// `None` elsewhere), in clock ticks of 10 ms (`USER_HZ` is 100 on Linux).
fn process_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name, which is in parentheses and may hold spaces.
    let (_, fields) = stat.rsplit_once(") ")?;
    let mut fields = fields.split(' ');
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    let utime: u64 = fields.nth(11)?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(Duration::from_millis(
        utime.saturating_add(stime).saturating_mul(10),
    ))
}

/// The machine's load averages over 1, 5 and 15 minutes (`/proc/loadavg`, Linux), or `unknown`:
/// what else was running, for whoever reads a table later.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| {
            let fields: Vec<&str> = text.split_whitespace().take(3).collect();
            (fields.len() == 3).then(|| fields.join(" "))
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

fn run_batch(
    runtime: &Runtime,
    driver: &Driver,
    op: Op,
    target: &Arc<Target>,
    requests: usize,
    concurrency: usize,
) -> Result<Batch> {
    match driver {
        Driver::IdenfyHyper(client) => {
            let client = Arc::clone(client);
            let target = Arc::clone(target);
            drive_async(runtime, requests, concurrency, move || {
                let (client, target) = (Arc::clone(&client), Arc::clone(&target));
                async move {
                    match op {
                        Op::Token => {
                            let request = TokenRequest::builder(CLIENT_ID).build()?;
                            client.create_token(&request).await?;
                        }
                        Op::Status => {
                            client.status(target.scan_ref.as_str()).await?;
                        }
                    }
                    Ok(())
                }
            })
        }
        Driver::IdenfyIsahc(client) => {
            let client = Arc::clone(client);
            let target = Arc::clone(target);
            drive_async(runtime, requests, concurrency, move || {
                let (client, target) = (Arc::clone(&client), Arc::clone(&target));
                async move {
                    match op {
                        Op::Token => {
                            let request = TokenRequest::builder(CLIENT_ID).build()?;
                            client.create_token(&request).await?;
                        }
                        Op::Status => {
                            client.status(target.scan_ref.as_str()).await?;
                        }
                    }
                    Ok(())
                }
            })
        }
        Driver::BareHyper(client) => {
            let client = client.clone();
            let target = Arc::clone(target);
            let uri = target.uri(op)?;
            drive_async(runtime, requests, concurrency, move || {
                let (client, target, uri) = (client.clone(), Arc::clone(&target), uri.clone());
                async move {
                    let mut request = Request::new(Full::new(Bytes::from(bare_body(&target, op)?)));
                    *request.method_mut() = Method::POST;
                    *request.uri_mut() = uri;
                    *request.headers_mut() = target.headers.clone();
                    let response = client.request(request).await?;
                    let status = response.status();
                    let body = response.into_body().collect().await?.to_bytes();
                    check(op, status.as_u16(), &body)
                }
            })
        }
        Driver::Reqwest(client) => {
            let client = client.clone();
            let target = Arc::clone(target);
            let url = reqwest::Url::parse(&target.url(op))?;
            drive_async(runtime, requests, concurrency, move || {
                let (client, target, url) = (client.clone(), Arc::clone(&target), url.clone());
                async move {
                    let response = client
                        .post(url)
                        .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                        .body(bare_body(&target, op)?)
                        .send()
                        .await?;
                    let status = response.status();
                    let body = response.bytes().await?;
                    check(op, status.as_u16(), &body)
                }
            })
        }
        Driver::BareIsahc(client) => {
            let client = client.clone();
            let target = Arc::clone(target);
            let uri = target.uri(op)?;
            drive_async(runtime, requests, concurrency, move || {
                let (client, target, uri) = (client.clone(), Arc::clone(&target), uri.clone());
                async move {
                    use isahc::AsyncReadResponseExt as _;
                    let mut request = Request::new(isahc::AsyncBody::from(bare_body(&target, op)?));
                    *request.method_mut() = Method::POST;
                    *request.uri_mut() = uri;
                    *request.headers_mut() = target.headers.clone();
                    let mut response = client.send_async(request).await?;
                    let body = response.bytes().await?;
                    check(op, response.status().as_u16(), &body)
                }
            })
        }
        Driver::IdenfyBlocking(client) => drive_threads(requests, concurrency, || match op {
            Op::Token => {
                let request = TokenRequest::builder(CLIENT_ID).build()?;
                client.create_token(&request)?;
                Ok(())
            }
            Op::Status => {
                client.status(target.scan_ref.as_str())?;
                Ok(())
            }
        }),
        Driver::BareUreq(agent) => {
            let uri = target.uri(op)?;
            drive_threads(requests, concurrency, || {
                let mut request = Request::new(bare_body(target, op)?);
                *request.method_mut() = Method::POST;
                *request.uri_mut() = uri.clone();
                *request.headers_mut() = target.headers.clone();
                let response = agent.run(request)?;
                let status = response.status();
                let body = response.into_body().read_to_vec()?;
                check(op, status.as_u16(), &body)
            })
        }
    }
}

/// The bare clients' work on an answer: the status checked, the body parsed whole.
fn check(op: Op, status: u16, body: &[u8]) -> Result<()> {
    if status != op.expected().as_u16() {
        return Err(format!("{op:?}: answered {status}").into());
    }
    let _value: serde_json::Value = serde_json::from_slice(body)?;
    Ok(())
}

/// `requests` calls of `call`, `concurrency` of them in flight (one task each) on `runtime`.
fn drive_async<F, Fut>(
    runtime: &Runtime,
    requests: usize,
    concurrency: usize,
    call: F,
) -> Result<Batch>
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Result<()>> + Send + 'static,
{
    let remaining = Arc::new(AtomicUsize::new(requests));
    runtime.block_on(async {
        let started = Instant::now();
        let tasks: Vec<_> = (0..concurrency)
            .map(|_| {
                let (call, remaining) = (call.clone(), Arc::clone(&remaining));
                tokio::spawn(async move {
                    let mut latencies = Vec::with_capacity(requests / concurrency + 1);
                    while take(&remaining) {
                        let sent = Instant::now();
                        call().await?;
                        latencies.push(sent.elapsed());
                    }
                    Ok::<_, Box<dyn StdError + Send + Sync>>(latencies)
                })
            })
            .collect();
        let mut latencies = Vec::with_capacity(requests);
        for task in tasks {
            latencies.extend(task.await??);
        }
        Ok(Batch {
            wall: started.elapsed(),
            latencies,
            connections: None,
            cpu: None,
        })
    })
}

/// `requests` calls of `call`, on `concurrency` threads.
fn drive_threads<F>(requests: usize, concurrency: usize, call: F) -> Result<Batch>
where
    F: Fn() -> Result<()> + Sync,
{
    let remaining = AtomicUsize::new(requests);
    let started = Instant::now();
    let results: Vec<Result<Vec<Duration>>> = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..concurrency)
            .map(|_| {
                scope.spawn(|| {
                    let mut latencies = Vec::with_capacity(requests / concurrency + 1);
                    while take(&remaining) {
                        let sent = Instant::now();
                        call()?;
                        latencies.push(sent.elapsed());
                    }
                    Ok(latencies)
                })
            })
            .collect();
        threads
            .into_iter()
            .map(|thread| {
                thread
                    .join()
                    .unwrap_or_else(|_| Err("a client thread panicked".into()))
            })
            .collect()
    });
    let wall = started.elapsed();
    let mut latencies = Vec::with_capacity(requests);
    for result in results {
        latencies.extend(result?);
    }
    Ok(Batch {
        wall,
        latencies,
        connections: None,
        cpu: None,
    })
}

/// Takes one request from the shared count; `false` when none is left.
fn take(remaining: &AtomicUsize) -> bool {
    remaining
        .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1))
        .is_ok()
}

/// Runs one family on one operation for every round, and prints its table.
fn measure(
    runtime: &Runtime,
    args: &Args,
    server: &str,
    family: &Family,
    op: Op,
    target: &Arc<Target>,
) -> Result<()> {
    let contenders: Vec<Contender> = family
        .contenders
        .iter()
        .copied()
        .filter(|c| {
            family
                .pairs
                .iter()
                .any(|(s, b, ops)| ops.contains(&op) && (s == c || b == c))
        })
        .collect();
    let drivers: Vec<Driver> = contenders
        .iter()
        .map(|c| driver(*c, target))
        .collect::<Result<_>>()?;
    // Warm-up: connections opened, lazy state built.
    for driver in &drivers {
        run(
            runtime,
            driver,
            op,
            target,
            args.concurrency * 4,
            args.concurrency,
        )?;
    }
    let mut batches: Vec<Vec<Batch>> = contenders.iter().map(|_| Vec::new()).collect();
    for round in 0..args.rounds {
        let mut order: Vec<usize> = (0..contenders.len()).collect();
        if round % 2 == 1 {
            order.reverse();
        }
        for index in order {
            let (Some(driver), Some(slot)) = (drivers.get(index), batches.get_mut(index)) else {
                continue;
            };
            slot.push(run(
                runtime,
                driver,
                op,
                target,
                args.requests,
                args.concurrency,
            )?);
        }
    }
    print_table(server, family, op, &contenders, &batches);
    Ok(())
}

fn print_table(
    server: &str,
    family: &Family,
    op: Op,
    contenders: &[Contender],
    batches: &[Vec<Batch>],
) {
    let find = |c: Contender| {
        contenders
            .iter()
            .position(|x| *x == c)
            .and_then(|i| batches.get(i))
    };
    println!();
    println!("### {server}: {}, {} family", op.title(), family.name);
    println!();
    println!(
        "| client | requests/s (median of rounds) | p50 | p99 | CPU per request (process) | \
         connections opened per round |"
    );
    println!("| --- | --- | --- | --- | --- | --- |");
    for (contender, rounds) in contenders.iter().zip(batches) {
        let mut all: Vec<Duration> = rounds
            .iter()
            .flat_map(|b| b.latencies.iter().copied())
            .collect();
        all.sort_unstable();
        let throughputs: Vec<f64> = rounds.iter().map(Batch::throughput).collect();
        let connections: Vec<String> = rounds
            .iter()
            .filter_map(|b| b.connections.map(|n| n.to_string()))
            .collect();
        let connections = if connections.is_empty() {
            "(not counted)".to_owned()
        } else {
            connections.join(", ")
        };
        let cpu: Option<Duration> = rounds.iter().map(|b| b.cpu).sum();
        let cpu = cpu.map_or_else(
            || "(not measured)".to_owned(),
            |cpu| {
                let count = u32::try_from(all.len()).unwrap_or(u32::MAX).max(1);
                format!("{:.1} µs", cpu.as_secs_f64() * 1e6 / f64::from(count))
            },
        );
        println!(
            "| {} | {:.0} | {} | {} | {cpu} | {connections} |",
            contender.name(),
            median(&throughputs),
            micros(quantile(&all, 0.50)),
            micros(quantile(&all, 0.99)),
        );
    }
    println!();
    println!("| ratio (throughput, same round) | median | range |");
    println!("| --- | --- | --- |");
    for (subject, baseline, ops) in family.pairs {
        if !ops.contains(&op) {
            continue;
        }
        let (Some(s), Some(b)) = (find(*subject), find(*baseline)) else {
            continue;
        };
        let ratios: Vec<f64> = s
            .iter()
            .zip(b)
            .map(|(s, b)| s.throughput() / b.throughput())
            .collect();
        let low = ratios.iter().copied().fold(f64::INFINITY, f64::min);
        let high = ratios.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        println!(
            "| {} ÷ {} | **{:.2}×** | {low:.2}–{high:.2} |",
            subject.name(),
            baseline.name(),
            median(&ratios)
        );
    }
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let middle = sorted.len() / 2;
    match (sorted.len() % 2, sorted.get(middle), middle.checked_sub(1)) {
        (1, Some(m), _) => *m,
        (_, Some(m), Some(before)) => (m + sorted.get(before).copied().unwrap_or(*m)) / 2.0,
        _ => f64::NAN,
    }
}

fn micros(duration: Duration) -> String {
    format!("{} µs", duration.as_micros())
}
