//! `idenfy demo [--outcome approved|denied|suspected] [--quirks]`: the project's main job, end to
//! end, on the embedded emulator — no account, no network.
//!
//! It starts the emulator and a webhook receiver on loopback, then walks the lifecycle a partner
//! goes through, printing each step as it happens: create a token → the simulated person
//! finishes → the signed webhook arrives and is verified → status → extracted data → the clock
//! passes the token's expiry → the data is deleted → the status shows the deletion. Any answer
//! that is not what iDenfy would give stops the demo with the reason (exit 1). With `--quirks` the
//! emulator answers in the shapes of iDenfy's real payloads (numeric `clientId`, duplicate keys,
//! float timestamps, legacy `aml`/`lid`, …), and the walk must come out the same.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::Duration;

use clap::{Args, ValueEnum};
use idenfy::webhook::{self, EVENT_TYPE_HEADER, SIGNATURE_HEADER, WebhookEvent};
use idenfy::{CallOptions, OverallStatus, TokenRequest};
use idenfy_emulator::{Emulator, Outcome};
use serde_json::{Value, json};

use crate::error::CliError;
use crate::output::Output;

/// The largest webhook body the demo's receiver accepts.
const MAX_WEBHOOK_BYTES: usize = 1024 * 1024;

/// How long the demo waits for the webhook.
const WEBHOOK_WAIT: Duration = Duration::from_secs(10);

/// The partner's identifier of the simulated person: a plain number, as many partners use (and
/// as iDenfy's quirks mode then writes it: a JSON number).
const CLIENT_ID: &str = "100042";

/// Arguments of `demo`.
#[derive(Args)]
pub(crate) struct DemoArgs {
    /// How the simulated person's verification ends.
    #[arg(long, value_enum, default_value_t = DemoOutcome::Approved)]
    outcome: DemoOutcome,

    /// Run the emulator in quirks mode: its answers and webhooks carry the quirks of iDenfy's
    /// real payloads (numeric clientId, a duplicate key, float timestamps, lower-case aml/lid
    /// objects, additionalSteps as a map), which the library must read the same.
    #[arg(long)]
    quirks: bool,
}

/// The outcomes the demo can play.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum DemoOutcome {
    /// Face and document pass.
    Approved,
    /// The face does not match the document.
    Denied,
    /// The checks pass, but fraud and mismatch tags put the result in question.
    Suspected,
}

impl DemoOutcome {
    fn name(self) -> &'static str {
        match self {
            DemoOutcome::Approved => "approved",
            DemoOutcome::Denied => "denied",
            DemoOutcome::Suspected => "suspected",
        }
    }

    fn outcome(self) -> Outcome {
        match self {
            DemoOutcome::Approved => Outcome::approved(),
            DemoOutcome::Denied => Outcome::denied(),
            DemoOutcome::Suspected => Outcome::suspected()
                .mismatch_tags([idenfy::MismatchTag::Name, idenfy::MismatchTag::DateOfBirth]),
        }
    }
}

/// Runs the demo.
pub(crate) fn run(args: &DemoArgs, out: &Output) -> Result<(), CliError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|source| CliError::Runtime(source.to_string()))?;
    let mut steps = Steps::new(*out);
    let result = runtime.block_on(walk(args.outcome, args.quirks, &mut steps));
    steps.finish(args.outcome, result.as_ref().err());
    result
}

/// The lifecycle, step by step.
async fn walk(choice: DemoOutcome, quirks: bool, steps: &mut Steps) -> Result<(), CliError> {
    let receiver = Receiver::start()?;
    let emulator = Emulator::builder()
        .webhook_url(receiver.url.clone())
        .quirks(quirks)
        .start()
        .await
        .map_err(|err| failed("emulator", err.to_string()))?;
    steps.say(
        "emulator",
        format!(
            "listening on {}{}",
            emulator.base_url(),
            if quirks { " (quirks mode)" } else { "" }
        ),
        json!({
            "baseUrl": emulator.base_url(),
            "webhookReceiver": receiver.url,
            "quirks": quirks,
        }),
    );

    let transport = idenfy_hyper::HyperTransport::new()
        .map_err(|err| CliError::from(idenfy::Error::Transport(err)))?;
    let client = idenfy::Client::with_transport(emulator.config(), transport)
        .with_options(CallOptions::default().with_timeout(Duration::from_secs(10)));

    // 1. The partner's server creates a verification token.
    let request = TokenRequest::builder(CLIENT_ID)
        .first_name("Ona")
        .last_name("Petraitytė")
        .date_of_birth("1990-05-17")
        .country("lt")
        .build()?;
    let token = client.create_token(&request).await?;
    expect_client_id("token", token.client_id.as_deref())?;
    let scan_ref = token.scan_ref.as_str().to_owned();
    let redirect_url = client.redirect_url(&token.auth_token);
    let short_token = token.auth_token.redacted_prefix(6);
    steps.say_rows(
        "token",
        &[
            ("scanRef", scan_ref.clone()),
            ("authToken", short_token.clone()),
            ("redirect", redirect_url.clone()),
        ],
        json!({ "scanRef": scan_ref, "authToken": short_token, "redirectUrl": redirect_url }),
    );

    // 2. The person opens the hosted UI and finishes the verification.
    emulator
        .start_session(&scan_ref)
        .and_then(|()| emulator.complete(&scan_ref, choice.outcome()))
        .map_err(|err| failed("user", err.to_string()))?;
    steps.say(
        "user",
        format!("finished the verification ({})", choice.name()),
        json!({ "outcome": choice.name() }),
    );

    // 3. iDenfy's signed webhook arrives; it is verified before it is read.
    let delivery = receiver
        .next(WEBHOOK_WAIT)
        .ok_or_else(|| failed("webhook", "no webhook arrived within 10 s".to_owned()))?;
    let event = webhook::verify_and_parse(
        &delivery.body,
        delivery.signature.as_deref(),
        delivery.event_type.as_deref(),
        &[emulator.webhook_key()],
    )
    .map_err(|err| failed("webhook", format!("the webhook did not verify: {err}")))?;
    let WebhookEvent::Identification { result, .. } = &event else {
        return Err(failed(
            "webhook",
            format!("unexpected event {}", event.event_name()),
        ));
    };
    expect_client_id("webhook", result.client_id.as_deref())?;
    let overall = result.status.overall.clone();
    expect(
        "webhook",
        overall.as_ref(),
        &choice.outcome().overall().clone(),
    )?;
    let fraud = list(result.status.fraud_tags.as_deref());
    let mismatch = list(result.status.mismatch_tags.as_deref());
    let fraud_json = strings(result.status.fraud_tags.as_deref());
    let mismatch_json = strings(result.status.mismatch_tags.as_deref());
    steps.say_rows(
        "webhook",
        &[
            ("signature", "verified".to_owned()),
            ("event", event.event_name().to_owned()),
            ("final", event.is_final().to_string()),
            ("overall", display(overall.as_ref())),
            ("fraudTags", fraud.clone()),
            ("mismatchTags", mismatch.clone()),
        ],
        json!({
            "signature": "verified",
            "event": event.event_name(),
            "final": event.is_final(),
            "overall": display(overall.as_ref()),
            "fraudTags": fraud_json,
            "mismatchTags": mismatch_json,
        }),
    );

    // 4. The partner asks for the status.
    let status = client.status(&scan_ref).await?;
    expect_client_id("status", status.client_id.as_deref())?;
    expect(
        "status",
        status.status.as_ref(),
        &choice.outcome().overall().clone(),
    )?;
    let face = display(status.face());
    let document = display(status.document());
    steps.say_rows(
        "status",
        &[
            ("status", display(status.status.as_ref())),
            ("face", face.clone()),
            ("document", document.clone()),
            ("fraudTags", list(status.fraud_tags.as_deref())),
            ("mismatchTags", list(status.mismatch_tags.as_deref())),
        ],
        json!({
            "status": display(status.status.as_ref()),
            "face": face,
            "document": document,
            "fraudTags": strings(status.fraud_tags.as_deref()),
            "mismatchTags": strings(status.mismatch_tags.as_deref()),
        }),
    );

    // 5. ... and for the data read from the document.
    let data = client.data(&scan_ref).await?;
    expect_client_id("data", data.client_id.as_deref())?;
    let first = data
        .data
        .doc_first_name
        .as_deref()
        .cloned()
        .unwrap_or_default();
    let last = data
        .data
        .doc_last_name
        .as_deref()
        .cloned()
        .unwrap_or_default();
    let doc_type = display(data.data.doc_type.as_ref());
    steps.say_rows(
        "data",
        &[
            ("docFirstName", first.clone()),
            ("docLastName", last.clone()),
            ("docType", doc_type.clone()),
        ],
        json!({ "docFirstName": first, "docLastName": last, "docType": doc_type }),
    );

    // 6. Time passes beyond the token's expiry.
    let expiry = Duration::from_secs(
        token
            .expiry_time
            .and_then(|seconds| u64::try_from(seconds).ok())
            .unwrap_or(3600),
    ) + Duration::from_secs(1);
    emulator.advance_clock(expiry);
    steps.say(
        "clock",
        format!("advanced {} s, past the token's expiry", expiry.as_secs()),
        json!({ "advancedSeconds": expiry.as_secs() }),
    );

    // 7. The partner deletes the person's data ...
    client.delete(&scan_ref).await?;
    steps.say(
        "delete",
        "the verification's data was deleted".to_owned(),
        json!({ "deleted": true }),
    );

    // 8. ... and the status shows it.
    let status = client.status(&scan_ref).await?;
    if !matches!(
        status.status,
        Some(OverallStatus::Deleted | OverallStatus::ExpiredDeleted)
    ) {
        return Err(failed(
            "status",
            format!(
                "expected DELETED after deletion, got {}",
                display(status.status.as_ref())
            ),
        ));
    }
    steps.say(
        "status",
        display(status.status.as_ref()),
        json!({ "status": display(status.status.as_ref()) }),
    );
    Ok(())
}

/// An unexpected answer at `step`.
fn failed(step: &'static str, reason: String) -> CliError {
    CliError::Demo { step, reason }
}

/// Fails `step` unless `actual` is `expected`.
fn expect(
    step: &'static str,
    actual: Option<&OverallStatus>,
    expected: &OverallStatus,
) -> Result<(), CliError> {
    if actual == Some(expected) {
        Ok(())
    } else {
        Err(failed(
            step,
            format!("expected {expected}, got {}", display(actual)),
        ))
    }
}

/// Fails `step` unless the answer names the demo's person.
fn expect_client_id(step: &'static str, actual: Option<&str>) -> Result<(), CliError> {
    if actual == Some(CLIENT_ID) {
        Ok(())
    } else {
        Err(failed(
            step,
            format!(
                "expected clientId {CLIENT_ID}, got {}",
                actual.unwrap_or("-")
            ),
        ))
    }
}

fn display(value: Option<&impl std::fmt::Display>) -> String {
    value.map_or_else(|| "-".to_owned(), ToString::to_string)
}

fn list<T: std::fmt::Display>(items: Option<&[T]>) -> String {
    match items {
        Some(items) if !items.is_empty() => items
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        _ => "-".to_owned(),
    }
}

fn strings<T: std::fmt::Display>(items: Option<&[T]>) -> Vec<String> {
    items
        .unwrap_or_default()
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// The steps so far: printed as they happen for people, gathered into one document for `--json`.
struct Steps {
    out: Output,
    done: Vec<Value>,
    number: usize,
}

impl Steps {
    fn new(out: Output) -> Self {
        Self {
            out,
            done: Vec::new(),
            number: 0,
        }
    }

    /// A step with a one-line summary.
    fn say(&mut self, step: &str, summary: String, detail: Value) {
        self.record(step, detail);
        if !self.out.is_json() {
            self.out
                .line(&format!("{:>2}. {step}\n      {summary}", self.number));
        }
    }

    /// A step with `key value` lines.
    fn say_rows(&mut self, step: &str, rows: &[(&str, String)], detail: Value) {
        self.record(step, detail);
        if self.out.is_json() {
            return;
        }
        self.out.line(&format!("{:>2}. {step}", self.number));
        let indented: Vec<(String, String)> = rows
            .iter()
            .map(|(key, value)| (format!("      {key}"), value.clone()))
            .collect();
        let rows: Vec<(&str, String)> = indented
            .iter()
            .map(|(key, value)| (key.as_str(), value.clone()))
            .collect();
        self.out.rows(&rows);
    }

    /// Counts the step and keeps its detail, named, for `--json`.
    fn record(&mut self, step: &str, mut detail: Value) {
        self.number += 1;
        if let Value::Object(map) = &mut detail {
            map.insert("step".to_owned(), Value::String(step.to_owned()));
        }
        self.done.push(detail);
    }

    /// The closing line, or the one JSON document.
    fn finish(&self, outcome: DemoOutcome, error: Option<&CliError>) {
        if self.out.is_json() {
            if error.is_none() {
                self.out.json_document(&json!({
                    "outcome": outcome.name(),
                    "ok": true,
                    "steps": self.done,
                }));
            }
            return;
        }
        if error.is_none() {
            self.out.line(&format!(
                "done: the whole lifecycle ran against the embedded emulator ({})",
                outcome.name()
            ));
        }
    }
}

/// A webhook as the receiver got it: the raw body and the two iDenfy headers.
struct Received {
    body: Vec<u8>,
    signature: Option<String>,
    event_type: Option<String>,
}

/// The partner's webhook endpoint: a loopback HTTP/1.1 listener answering `200` to every POST
/// and handing over the raw bytes, untouched, for verification.
struct Receiver {
    url: String,
    deliveries: mpsc::Receiver<Received>,
}

impl Receiver {
    fn start() -> Result<Self, CliError> {
        let listener = TcpListener::bind("127.0.0.1:0")
            .map_err(|err| failed("receiver", format!("cannot listen on loopback: {err}")))?;
        let url = match listener.local_addr() {
            Ok(addr) => format!("http://{addr}/idenfy/webhook"),
            Err(err) => return Err(failed("receiver", err.to_string())),
        };
        let (sender, deliveries) = mpsc::channel();
        // The thread ends with the process; the demo is a short-lived command.
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                if let Some(received) = read_one(stream)
                    && sender.send(received).is_err()
                {
                    return;
                }
            }
        });
        Ok(Self { url, deliveries })
    }

    /// The next webhook, if one arrives within `wait`.
    fn next(&self, wait: Duration) -> Option<Received> {
        self.deliveries.recv_timeout(wait).ok()
    }
}

/// Reads one request from `stream`, answers `200 OK`, and returns what it carried.
fn read_one(stream: std::net::TcpStream) -> Option<Received> {
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut length = 0;
    let mut signature = None;
    let mut event_type = None;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).ok()? == 0 || header.trim().is_empty() {
            break;
        }
        let Some((name, value)) = header.split_once(':') else {
            continue;
        };
        let value = value.trim().to_owned();
        if name.eq_ignore_ascii_case("content-length") {
            length = value.parse().ok()?;
        } else if name.eq_ignore_ascii_case(SIGNATURE_HEADER) {
            signature = Some(value);
        } else if name.eq_ignore_ascii_case(EVENT_TYPE_HEADER) {
            event_type = Some(value);
        }
    }
    if length > MAX_WEBHOOK_BYTES {
        return None;
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    let mut stream = reader.into_inner();
    stream
        .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        .ok()?;
    Some(Received {
        body,
        signature,
        event_type,
    })
}
