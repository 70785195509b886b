#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Test code indexes what it parsed and prints what a child process must report.
#![allow(clippy::indexing_slicing, clippy::string_slice, clippy::print_stdout)]
//! Adapter parity (issue 10): every adapter honours the proxy variables of the environment.
//!
//! The variables are process-wide and this crate forbids `unsafe` (which `std::env::set_var`
//! needs), so no test changes its own environment: each case runs `parity_child` (`tests/src/bin/parity_child.rs`) in a child
//! process of this test binary, with the variables it needs set and every other proxy
//! variable removed, and reads what it printed. The proxy ([`RecordingProxy`]) and the server
//! behind it (the emulator) run in the parent, on loopback; the proxy records each request
//! line and `Proxy-Authorization` header it receives and forwards the connection.
//!
//! None of the three adapters exempts loopback destinations from a proxy by itself (curl 8,
//! ureq 3 and hyper-util's matcher only follow `NO_PROXY`), so the destination here is simply
//! `127.0.0.1`. Where the adapters differ by design, the case says so:
//!
//! - curl (isahc) ignores the upper-case `HTTP_PROXY` (a CGI program's environment takes it
//!   from a request's `Proxy:` header); hyper-util and ureq honour it;
//! - a plain `http` request goes to the proxy in absolute form with hyper and curl, through a
//!   `CONNECT` tunnel with ureq.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use idenfy::{CallOptions, Client, Config, Error, RetryPolicy, TokenRequest, TransportErrorKind};
use idenfy_emulator::Emulator;
use idenfy_tests::{
    CHILD_ADAPTER, CHILD_BASE_URL, CHILD_CONNECT_TIMEOUT, CHILD_KEY, CHILD_SECRET,
    run_child_bounded,
};

/// Every proxy variable any of the adapters reads; a child starts with none of them.
const PROXY_VARIABLES: [&str; 8] = [
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
];

/// The proxy's credentials in every proxy URL here: they must reach the proxy, and nothing
/// else — no error, no log line.
const PROXY_USER: &str = "proxy-user";
const PROXY_PASSWORD: &str = "pr0xy-pa55word";

/// The longest a child process, or a thread of the proxy, may take.
const BOUND: Duration = Duration::from_secs(30);

/// The adapters, by the name `parity_child` (`tests/src/bin/parity_child.rs`) knows them by.
const ADAPTERS: [&str; 3] = ["hyper", "isahc", "blocking"];

/// What a child printed.
struct ChildOutput {
    /// `ok`, or the transport error's kind.
    outcome: String,
    /// All it printed, on both streams.
    everything: String,
}

/// Runs `parity_child` (`tests/src/bin/parity_child.rs`) for `adapter` against `base_url` in a child process whose only proxy
/// variables are `variables`.
fn run_child(
    adapter: &str,
    base_url: &str,
    emulator: &Emulator,
    variables: &[(&str, String)],
) -> ChildOutput {
    let mut command = Command::new(env!("CARGO_BIN_EXE_parity_child"));
    command
        .env(CHILD_ADAPTER, adapter)
        .env(CHILD_BASE_URL, base_url)
        .env(CHILD_KEY, emulator.api_key())
        .env(CHILD_SECRET, emulator.api_secret())
        // A CGI marker makes hyper-util ignore `HTTP_PROXY`; none here.
        .env_remove("REQUEST_METHOD");
    for name in PROXY_VARIABLES {
        command.env_remove(name);
    }
    for (name, value) in variables {
        command.env(name, value);
    }
    let run = run_child_bounded(command, BOUND)
        .unwrap_or_else(|error| panic!("the child for {adapter}: {error}"));
    let (status, everything) = (run.status, run.output);
    assert!(
        status.success(),
        "the child for {adapter} failed:\n{everything}"
    );
    let outcome = everything
        .lines()
        .find_map(|line| Some(line.split_once("parity-outcome: ")?.1))
        .unwrap_or_else(|| panic!("the child for {adapter} reported nothing:\n{everything}"))
        .to_owned();
    ChildOutput {
        outcome,
        everything,
    }
}

// ---------------------------------------------------------------------------------------------
// The proxy.

/// What the proxy received on one connection.
#[derive(Debug, Clone)]
struct Seen {
    /// The request line: `CONNECT host:port HTTP/1.1`, or a request in absolute form.
    request_line: String,
    proxy_authorization: Option<String>,
    /// The first byte the client sent through a `CONNECT` tunnel (`0x16` opens a TLS
    /// handshake).
    first_tunnelled_byte: Option<u8>,
}

/// A small HTTP proxy on loopback: `CONNECT` tunnels and absolute-form requests, each
/// connection on a thread of its own, every read and the proxy's whole life bounded.
struct RecordingProxy {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl RecordingProxy {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = thread::spawn({
            let seen = Arc::clone(&seen);
            let stop = Arc::clone(&stop);
            move || {
                let deadline = Instant::now() + BOUND;
                while !stop.load(Ordering::Relaxed) && Instant::now() < deadline {
                    match listener.accept() {
                        Ok((client, _)) => {
                            let seen = Arc::clone(&seen);
                            thread::spawn(move || proxy_connection(client, &seen));
                        }
                        Err(_) => thread::sleep(Duration::from_millis(5)),
                    }
                }
            }
        });
        Self {
            addr,
            seen,
            stop,
            thread: Some(thread),
        }
    }

    /// The proxy URL with this crate's test credentials.
    fn url(&self) -> String {
        format!("http://{PROXY_USER}:{PROXY_PASSWORD}@{}", self.addr)
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for RecordingProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Serves one client of the proxy.
fn proxy_connection(mut client: TcpStream, seen: &Mutex<Vec<Seen>>) {
    client.set_nonblocking(false).unwrap();
    client
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    // The request head, and whatever came after it.
    let mut head = Vec::new();
    let end = loop {
        let mut buffer = [0; 4096];
        match client.read(&mut buffer) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buffer[..n]),
        }
        if let Some(end) = head.windows(4).position(|window| window == b"\r\n\r\n") {
            break end + 4;
        }
        if head.len() > 64 * 1024 {
            return;
        }
    };
    let rest = head.split_off(end);
    let head = String::from_utf8_lossy(&head).into_owned();
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let proxy_authorization = headers
        .iter()
        .find(|(name, _)| name == "proxy-authorization")
        .map(|(_, value)| value.clone());
    let index = {
        let mut seen = seen.lock().unwrap();
        seen.push(Seen {
            request_line: request_line.clone(),
            proxy_authorization,
            first_tunnelled_byte: None,
        });
        seen.len() - 1
    };

    let mut parts = request_line.split(' ');
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let tunnel = method == "CONNECT";
    let (authority, forwarded_head) = if tunnel {
        (target.to_owned(), None)
    } else {
        // Absolute form: `http://host:port/path` becomes `/path` for the server, without the
        // proxy's own headers.
        let Some(after_scheme) = target.strip_prefix("http://") else {
            return;
        };
        let (authority, path) = after_scheme
            .find('/')
            .map_or((after_scheme, "/"), |slash| after_scheme.split_at(slash));
        let mut forwarded = format!("{method} {path} {}\r\n", parts.next().unwrap_or(""));
        for (name, value) in &headers {
            if !name.starts_with("proxy-") {
                forwarded.push_str(&format!("{name}: {value}\r\n"));
            }
        }
        forwarded.push_str("\r\n");
        (authority.to_owned(), Some(forwarded))
    };
    let Ok(server) = authority
        .parse::<SocketAddr>()
        .map_err(drop)
        .and_then(|addr| TcpStream::connect_timeout(&addr, Duration::from_secs(2)).map_err(drop))
    else {
        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
        return;
    };
    server
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut to_server = server.try_clone().unwrap();
    match forwarded_head {
        None => {
            client
                .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                .unwrap();
            if let Some(&first) = rest.first() {
                seen.lock().unwrap()[index].first_tunnelled_byte = Some(first);
            }
        }
        Some(forwarded) => {
            let _ = to_server.write_all(forwarded.as_bytes());
        }
    }
    let _ = to_server.write_all(&rest);

    // Both directions until either side closes or goes quiet for the read timeout.
    let mut from_server = server;
    let mut to_client = client.try_clone().unwrap();
    let downstream = thread::spawn(move || {
        let _ = std::io::copy(&mut from_server, &mut to_client);
        let _ = to_client.shutdown(Shutdown::Write);
    });
    let mut buffer = [0; 4096];
    loop {
        match client.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                {
                    let mut seen = seen.lock().unwrap();
                    let first = &mut seen[index].first_tunnelled_byte;
                    if first.is_none() && tunnel {
                        *first = Some(buffer[0]);
                    }
                }
                if to_server.write_all(&buffer[..n]).is_err() {
                    break;
                }
            }
        }
    }
    let _ = to_server.shutdown(Shutdown::Write);
    let _ = downstream.join();
}

/// `Basic` with this file's proxy credentials, as a client must send them.
fn expected_proxy_authorization() -> String {
    format!(
        "Basic {}",
        base64(format!("{PROXY_USER}:{PROXY_PASSWORD}").as_bytes())
    )
}

/// Standard base64 with padding (the few bytes of a credential; no crate for it here).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Asserts that the proxy credentials appear nowhere in what a child printed.
fn assert_no_credentials(adapter: &str, output: &ChildOutput) {
    let encoded = expected_proxy_authorization();
    let encoded = encoded.trim_start_matches("Basic ");
    assert!(
        !output.everything.contains(PROXY_PASSWORD) && !output.everything.contains(encoded),
        "{adapter} printed the proxy's credentials:\n{}",
        output.everything
    );
}

fn emulator() -> Emulator {
    Emulator::start_blocking().unwrap()
}

/// The emulator's `http` base URL, always `http://127.0.0.1:port`.
fn http_base_url(emulator: &Emulator) -> String {
    format!("http://{}", emulator.local_addr())
}

// ---------------------------------------------------------------------------------------------
// The cases.

/// `HTTPS_PROXY` and `https_proxy`: an `https` destination is reached through a `CONNECT`
/// tunnel that carries the proxy's credentials, and the TLS handshake goes through it. (The
/// server behind is the emulator, which speaks plain HTTP: the handshake then fails, which is
/// not what this case is about.)
#[test]
fn https_proxy_tunnels_https() {
    let emulator = emulator();
    let base_url = format!("https://{}", emulator.local_addr());
    let authority = emulator.local_addr().to_string();
    for variable in ["HTTPS_PROXY", "https_proxy"] {
        for adapter in ADAPTERS {
            let proxy = RecordingProxy::start();
            let output = run_child(adapter, &base_url, &emulator, &[(variable, proxy.url())]);
            assert_ne!(output.outcome, "ok", "{adapter}: {}", output.everything);
            let seen = proxy.seen();
            assert_eq!(seen.len(), 1, "{adapter} with {variable}: {seen:?}");
            assert_eq!(
                seen[0].request_line,
                format!("CONNECT {authority} HTTP/1.1"),
                "{adapter} with {variable}"
            );
            assert_eq!(
                seen[0].proxy_authorization.as_deref(),
                Some(expected_proxy_authorization().as_str()),
                "{adapter} with {variable}"
            );
            assert_eq!(
                seen[0].first_tunnelled_byte,
                Some(0x16),
                "{adapter} with {variable}: the TLS handshake went through the tunnel"
            );
            assert_no_credentials(adapter, &output);
        }
    }
}

/// `http_proxy`: a plain `http` call goes through the proxy and succeeds — in absolute form
/// with hyper and curl, tunnelled with ureq — with the proxy's credentials.
#[test]
fn http_proxy_carries_plain_http() {
    let emulator = emulator();
    let base_url = http_base_url(&emulator);
    for adapter in ADAPTERS {
        let proxy = RecordingProxy::start();
        let output = run_child(
            adapter,
            &base_url,
            &emulator,
            &[("http_proxy", proxy.url())],
        );
        assert_eq!(output.outcome, "ok", "{adapter}: {}", output.everything);
        let seen = proxy.seen();
        assert_eq!(seen.len(), 1, "{adapter}: {seen:?}");
        let expected = if adapter == "blocking" {
            format!("CONNECT {} HTTP/1.1", emulator.local_addr())
        } else {
            format!("POST {base_url}/api/v2/token HTTP/1.1")
        };
        assert_eq!(seen[0].request_line, expected, "{adapter}");
        assert_eq!(
            seen[0].proxy_authorization.as_deref(),
            Some(expected_proxy_authorization().as_str()),
            "{adapter}"
        );
        assert_no_credentials(adapter, &output);
    }
    assert_eq!(emulator.verifications().len(), ADAPTERS.len());
}

/// The upper-case `HTTP_PROXY`: honoured by hyper and ureq; curl ignores it by design (in a
/// CGI program it would come from a request's `Proxy:` header), so isahc goes direct.
#[test]
fn upper_case_http_proxy() {
    let emulator = emulator();
    let base_url = http_base_url(&emulator);
    for adapter in ADAPTERS {
        let proxy = RecordingProxy::start();
        let output = run_child(
            adapter,
            &base_url,
            &emulator,
            &[("HTTP_PROXY", proxy.url())],
        );
        assert_eq!(output.outcome, "ok", "{adapter}: {}", output.everything);
        let proxied = proxy.seen().len();
        let expected = usize::from(adapter != "isahc");
        assert_eq!(proxied, expected, "{adapter}: requests through the proxy");
    }
}

/// `NO_PROXY` and `no_proxy`: a destination they name is reached directly, even with every
/// other variable pointing at the proxy.
#[test]
fn no_proxy_goes_direct() {
    let emulator = emulator();
    let base_url = http_base_url(&emulator);
    for (variable, value) in [
        ("NO_PROXY", "127.0.0.1"),
        ("no_proxy", "localhost,127.0.0.1"),
    ] {
        for adapter in ADAPTERS {
            let proxy = RecordingProxy::start();
            let output = run_child(
                adapter,
                &base_url,
                &emulator,
                &[
                    ("http_proxy", proxy.url()),
                    ("HTTP_PROXY", proxy.url()),
                    ("HTTPS_PROXY", proxy.url()),
                    ("ALL_PROXY", proxy.url()),
                    (variable, value.to_owned()),
                ],
            );
            assert_eq!(output.outcome, "ok", "{adapter}: {}", output.everything);
            assert!(
                proxy.seen().is_empty(),
                "{adapter} with {variable}: went through the proxy"
            );
        }
    }
}

/// A proxy that cannot be reached: a `Connect` failure (nothing reached the server), and the
/// proxy's credentials appear in no part of the error. The `http` destination would answer if
/// reached directly, so the failure also shows that the proxy was not gone around.
#[test]
fn unreachable_proxy_is_connect_without_credentials() {
    let emulator = emulator();
    // A port nothing listens on: bound, then released.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://{PROXY_USER}:{PROXY_PASSWORD}@127.0.0.1:{port}");
    let destinations = [
        ("http_proxy", http_base_url(&emulator)),
        ("HTTPS_PROXY", format!("https://{}", emulator.local_addr())),
    ];
    for (variable, base_url) in destinations {
        for adapter in ADAPTERS {
            let output = run_child(adapter, &base_url, &emulator, &[(variable, url.clone())]);
            assert_eq!(
                output.outcome,
                format!("{:?}", TransportErrorKind::Connect),
                "{adapter} with {variable}: {}",
                output.everything
            );
            assert_no_credentials(adapter, &output);
        }
    }
    assert!(emulator.verifications().is_empty());
}

/// A SOCKS proxy in the environment (`ALL_PROXY=socks5://…`) is never gone around: the `http`
/// destination would answer if reached directly, and creates no verification. `idenfy-hyper`
/// and `idenfy-blocking` speak to `http://` and `https://` proxies only and fail the connection
/// (`Connect`) without touching the proxy; isahc's curl speaks SOCKS, and the recording proxy,
/// which does not, fails its handshake. The proxy's credentials appear in no error.
#[test]
fn a_socks_proxy_is_never_gone_around() {
    let emulator = emulator();
    let base_url = http_base_url(&emulator);
    for adapter in ADAPTERS {
        let proxy = RecordingProxy::start();
        let url = format!("socks5://{PROXY_USER}:{PROXY_PASSWORD}@{}", proxy.addr);
        let output = run_child(adapter, &base_url, &emulator, &[("ALL_PROXY", url)]);
        assert_ne!(output.outcome, "ok", "{adapter}: {}", output.everything);
        if adapter != "isahc" {
            assert_eq!(
                output.outcome,
                format!("{:?}", TransportErrorKind::Connect),
                "{adapter}: {}",
                output.everything
            );
            assert!(proxy.seen().is_empty(), "{adapter}: spoke to the proxy");
        }
        assert_no_credentials(adapter, &output);
    }
    assert!(
        emulator.verifications().is_empty(),
        "a request went around the proxy"
    );
}

/// A proxy that accepts the connection and never answers the `CONNECT`: the connect timeout
/// covers the tunnel too, and the failure is `Connect` (the request never left), not the
/// call's `Timeout` (10 s here).
#[test]
fn proxy_that_never_answers_is_a_connect_timeout() {
    let emulator = emulator();
    // The kernel accepts the connections into the backlog; nobody reads the `CONNECT`.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", silent.local_addr().unwrap());
    let base_url = format!("https://{}", emulator.local_addr());
    for adapter in ADAPTERS {
        let started = Instant::now();
        let output = run_child(
            adapter,
            &base_url,
            &emulator,
            &[
                ("HTTPS_PROXY", url.clone()),
                (CHILD_CONNECT_TIMEOUT, "500".to_owned()),
            ],
        );
        let elapsed = started.elapsed();
        assert_eq!(
            output.outcome,
            format!("{:?}", TransportErrorKind::Connect),
            "{adapter}: {}",
            output.everything
        );
        assert!(elapsed < Duration::from_secs(5), "{adapter}: {elapsed:?}");
    }
}

/// hyper's builder: `no_proxies()` ignores the environment.
#[test]
fn hyper_no_proxies_ignores_the_environment() {
    let emulator = emulator();
    let proxy = RecordingProxy::start();
    let output = run_child(
        "hyper-no-proxies",
        &http_base_url(&emulator),
        &emulator,
        &[("http_proxy", proxy.url()), ("HTTP_PROXY", proxy.url())],
    );
    assert_eq!(output.outcome, "ok", "{}", output.everything);
    assert!(proxy.seen().is_empty());
}

/// hyper's builder: explicit rules replace the environment's (none here), and a kind of proxy
/// the connector cannot use fails the call rather than going around it.
#[test]
fn hyper_explicit_proxies() {
    let emulator = emulator();
    let proxy = RecordingProxy::start();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let call = |rules: idenfy_hyper::ProxyMatcher| {
        let transport = idenfy_hyper::HyperTransport::builder()
            .proxies(rules)
            .build()
            .unwrap();
        let config = Config::builder(emulator.credentials())
            .base_url(http_base_url(&emulator))
            .build()
            .unwrap();
        let client = Client::with_transport(config, transport).with_options(
            CallOptions::default()
                .with_timeout(Duration::from_secs(10))
                .with_retry(RetryPolicy::none()),
        );
        let request = TokenRequest::builder("customer-42").build().unwrap();
        runtime.block_on(client.create_token(&request))
    };

    let rules = || {
        idenfy_hyper::ProxyMatcher::builder()
            .http(proxy.url())
            .build()
    };
    // The builder prints the proxy's address, never its credentials.
    let builder = format!(
        "{:?}",
        idenfy_hyper::HyperTransport::builder().proxies(rules())
    );
    assert!(builder.contains(&proxy.addr.to_string()), "{builder}");
    assert!(!builder.contains(PROXY_PASSWORD), "{builder}");
    call(rules()).unwrap();
    assert_eq!(proxy.seen().len(), 1);
    assert_eq!(
        proxy.seen()[0].proxy_authorization.as_deref(),
        Some(expected_proxy_authorization().as_str())
    );

    let socks = format!("socks5://{PROXY_USER}:{PROXY_PASSWORD}@{}", proxy.addr);
    let error = call(idenfy_hyper::ProxyMatcher::builder().http(socks).build()).unwrap_err();
    match &error {
        Error::Transport(transport) => assert_eq!(transport.kind(), TransportErrorKind::Connect),
        other => panic!("expected a transport error, got {other:?}"),
    }
    let mut printed = format!("{error} {error:?}");
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        printed.push_str(&format!(" {cause} {cause:?}"));
        source = cause.source();
    }
    assert!(printed.contains("socks5"), "{printed}");
    assert!(!printed.contains(PROXY_PASSWORD), "{printed}");
    assert_eq!(proxy.seen().len(), 1, "nothing more reached the proxy");
    runtime.shutdown_background();
}
