//! R10: no secret and no personal data in any log — ours or the HTTP libraries' underneath.
//!
//! Every `tracing` event and span (at TRACE, every target: hyper, h2, isahc and its `isahc::wire`
//! trace of curl's verbose output, the core, the emulator) and every `log` record (ureq, rustls)
//! of this process is captured while each adapter creates a token with sentinel credentials and
//! personal fields against the emulator, then reads its status and data. None of the sentinels,
//! the `Authorization` header value, nor the `authToken` received, may appear in what was
//! captured; and the capture must have seen each stack's own events, so that an empty log does
//! not pass for a clean one.
//!
//! The subscriber and the logger are process-wide, hence this file holds a single test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use idenfy::{Config, Credentials, TokenRequest};
use idenfy_emulator::Emulator;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

const API_KEY: &str = "zqx-api-key-sentinel";
const API_SECRET: &str = "zqx-secret-sentinel-5521";
const FIRST_NAME: &str = "Zqxfirstsentinel";
const LAST_NAME: &str = "Zqxlastsentinel";
const PERSONAL_NUMBER: &str = "ZQX990011";
const DOCUMENT_NUMBER: &str = "ZQXDOC7731";
const ADDRESS: &str = "Zqxaddresssentinel 9";

/// Every line logged so far, as `target: message fields`.
static CAPTURED: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn capture(line: String) {
    CAPTURED
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(line);
}

/// Writes every field of an event or span as `name=value`.
struct Fields(String);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        let _ = write!(self.0, " {}={}", field.name(), value);
    }
}

/// A `tracing` subscriber that wants everything and keeps it as text.
struct CaptureAll {
    next_id: AtomicU64,
}

impl Subscriber for CaptureAll {
    fn enabled(&self, _metadata: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut fields = Fields(format!(
            "span {} {}",
            span.metadata().target(),
            span.metadata().name()
        ));
        span.record(&mut fields);
        capture(fields.0);
        Id::from_u64(self.next_id.fetch_add(1, Ordering::Relaxed))
    }

    fn record(&self, _span: &Id, values: &Record<'_>) {
        let mut fields = Fields("record".to_owned());
        values.record(&mut fields);
        capture(fields.0);
    }

    fn record_follows_from(&self, _span: &Id, _follows: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields(format!("event {}", event.metadata().target()));
        event.record(&mut fields);
        capture(fields.0);
    }

    fn enter(&self, _span: &Id) {}

    fn exit(&self, _span: &Id) {}
}

/// A `log` logger that wants everything and keeps it as text.
struct LogAll;

impl log::Log for LogAll {
    fn enabled(&self, _metadata: &log::Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &log::Record<'_>) {
        capture(format!("log {}: {}", record.target(), record.args()));
    }

    fn flush(&self) {}
}

static LOGGER: LogAll = LogAll;

fn token_request() -> TokenRequest {
    TokenRequest::builder("customer-r10")
        .first_name(FIRST_NAME)
        .last_name(LAST_NAME)
        .personal_number(PERSONAL_NUMBER)
        .document_number(DOCUMENT_NUMBER)
        .address(ADDRESS)
        .build()
        .unwrap()
}

fn config(emulator: &Emulator) -> Config {
    Config::builder(Credentials::new(API_KEY, API_SECRET).unwrap())
        .base_url(emulator.base_url())
        .build()
        .unwrap()
}

/// Creates a token, then reads the status and the data, through one adapter; returns the
/// `authToken` received.
fn lifecycle(adapter: &str, emulator: &Emulator) -> String {
    capture(format!("==== {adapter}"));
    let request = token_request();
    let token = match adapter {
        "hyper" | "isahc" => {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                if adapter == "hyper" {
                    let client = idenfy_hyper::Client::with_transport(
                        config(emulator),
                        idenfy_hyper::HyperTransport::new().unwrap(),
                    );
                    let token = client.create_token(&request).await.unwrap();
                    client.status(token.scan_ref.as_str()).await.unwrap();
                    client.data(token.scan_ref.as_str()).await.unwrap();
                    token
                } else {
                    let client = idenfy_isahc::Client::with_transport(
                        config(emulator),
                        idenfy_isahc::IsahcTransport::new().unwrap(),
                    );
                    let token = client.create_token(&request).await.unwrap();
                    client.status(token.scan_ref.as_str()).await.unwrap();
                    client.data(token.scan_ref.as_str()).await.unwrap();
                    token
                }
            })
        }
        _ => {
            let client = idenfy_blocking::Client::with_transport(
                config(emulator),
                idenfy_blocking::UreqTransport::new().unwrap(),
            );
            let token = client.create_token(&request).unwrap();
            client.status(token.scan_ref.as_str()).unwrap();
            client.data(token.scan_ref.as_str()).unwrap();
            token
        }
    };
    token.auth_token.expose_secret().to_owned()
}

#[test]
fn r10_no_secret_or_personal_datum_in_any_trace_of_any_crate() {
    tracing::subscriber::set_global_default(CaptureAll {
        next_id: AtomicU64::new(1),
    })
    .unwrap();
    log::set_logger(&LOGGER).unwrap();
    log::set_max_level(log::LevelFilter::Trace);

    let emulator = Emulator::builder()
        .credentials(API_KEY, API_SECRET)
        .start_blocking()
        .unwrap();
    let authorization = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        format!("{API_KEY}:{API_SECRET}"),
    );
    let mut sentinels = vec![
        API_SECRET.to_owned(),
        authorization,
        FIRST_NAME.to_owned(),
        LAST_NAME.to_owned(),
        // The emulator echoes names upper-cased, as iDenfy does.
        FIRST_NAME.to_uppercase(),
        LAST_NAME.to_uppercase(),
        PERSONAL_NUMBER.to_owned(),
        DOCUMENT_NUMBER.to_owned(),
        ADDRESS.to_owned(),
    ];
    for adapter in ["hyper", "isahc", "blocking"] {
        sentinels.push(lifecycle(adapter, &emulator));
    }

    let captured = CAPTURED.lock().unwrap().clone();
    let text = captured.join("\n");
    // The capture saw each stack at work: the core's events, hyper's connection pool, isahc's
    // agent and ureq's (or rustls') `log` records.
    for (stack, needle) in [
        ("the core", "event idenfy"),
        ("hyper", "event hyper"),
        ("isahc", "isahc"),
        ("ureq", "log ureq"),
    ] {
        assert!(
            text.contains(needle),
            "nothing of {stack} was captured ({} lines)",
            captured.len()
        );
    }
    // ureq-proto (under ureq, hence idenfy-blocking) hex-dumps every request it writes — head
    // and body — at TRACE through the `log` facade, 16 bytes a row, and nothing outside that
    // crate can turn it off for one request: the known gap of R10, documented in idenfy-blocking
    // and ARCHITECTURE.md. Its rows are checked apart, below; every other line of every crate
    // must hold no sentinel.
    let (dumps, others): (Vec<&String>, Vec<&String>) = captured
        .iter()
        .partition(|line| line.starts_with("log ureq_proto"));
    for sentinel in &sentinels {
        let leaks: Vec<&&String> = others
            .iter()
            .filter(|line| line.contains(sentinel.as_str()))
            .take(3)
            .collect();
        assert!(
            leaks.is_empty(),
            "a secret or personal datum was logged: {leaks:#?}"
        );
    }
    // The gap is still there (this fails, and the documentation must change, the day ureq
    // stops dumping requests): the rows' text columns, joined, spell the `Authorization`
    // value, the personal fields and, in the answer, the `authToken`.
    let dumped: String = dumps
        .iter()
        .filter_map(|line| line.rsplit_once(' ').map(|(_, text)| text))
        .collect();
    assert!(
        dumped.contains(&sentinels[1]) && dumped.contains(PERSONAL_NUMBER),
        "ureq-proto no longer dumps requests at TRACE: update the R10 notes"
    );
}
