//! `idenfy webhook sign|verify|parse`: the `Idenfy-Signature` of a raw webhook body, and the
//! event it carries (R7, R8).
//!
//! The body is read byte for byte from a file or stdin and handed to the library unchanged: the
//! signature covers the exact bytes, trailing newline included. Keys are never printed (R10);
//! they come from `--key`, `--key-file` or `IDENFY_WEBHOOK_KEY` ([`keys`]).

pub(crate) mod keys;
mod summary;

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use idenfy::idenfy_proto::server;
use idenfy::webhook::{self, WebhookEvent};
use serde_json::json;

use crate::error::CliError;
use crate::output::Output;

/// The note at the end of `idenfy webhook --help`.
pub(crate) const AFTER_HELP: &str = "\
The body is read byte for byte from FILE, or from stdin when FILE is `-` or absent. The \
signature covers the exact bytes, trailing newline included: re-formatting the JSON breaks it. \
Exit codes: 0 verified (or parsed, or signed); 1 a signature that does not verify or a body that \
cannot be parsed; 2 a usage error (an empty or missing key included) or a FILE that cannot be \
read.

Keys: --key KEY (shows in ps and the shell history), --key-file FILE (one key per line, the \
trailing newline trimmed) or IDENFY_WEBHOOK_KEY (read only when neither flag is given). \
`verify` accepts every key given (rotation); `sign` needs exactly one. An empty key is \
refused (exit 2).";

/// Arguments of `webhook`: its subcommand.
#[derive(Args)]
pub(crate) struct WebhookArgs {
    /// What to do with the body.
    #[command(subcommand)]
    command: WebhookCommand,
}

/// The subcommands of `webhook`.
#[derive(Subcommand)]
enum WebhookCommand {
    /// Verify the Idenfy-Signature of a raw body with every key given and, only if it verifies,
    /// print the parsed event.
    Verify(VerifyArgs),
    /// Print the Idenfy-Signature of a raw body: the lowercase hex of HMAC-SHA256(KEY, body).
    Sign(SignArgs),
    /// Parse a body without verifying its signature and print the event.
    Parse(ParseArgs),
}

/// Arguments of `webhook verify`. No `Debug`: they hold webhook keys (R10).
#[derive(Args)]
struct VerifyArgs {
    /// A webhook signing key (its UTF-8 bytes are the HMAC key); repeat it to accept several
    /// keys while rotating. Visible in `ps`: prefer --key-file or IDENFY_WEBHOOK_KEY. Never
    /// printed.
    #[arg(long = "key", value_name = "KEY")]
    keys: Vec<String>,

    /// A file of webhook signing keys, one per line (the trailing newline is trimmed); adds to
    /// --key.
    #[arg(long, value_name = "FILE")]
    key_file: Option<PathBuf>,

    /// The value of the Idenfy-Signature header: 64 hex digits, either case.
    #[arg(long, value_name = "HEX")]
    signature: String,

    /// The value of the Idenfy-Event-Type header; without it the event is inferred from the
    /// body.
    #[arg(long, value_name = "T")]
    event_type: Option<String>,

    /// The raw body: a file, or `-` (the default) for stdin.
    #[arg(value_name = "FILE")]
    input: Option<PathBuf>,
}

/// Arguments of `webhook sign`. No `Debug`: they hold a webhook key (R10).
#[derive(Args)]
struct SignArgs {
    /// The webhook signing key (its UTF-8 bytes are the HMAC key). Visible in `ps`: prefer
    /// --key-file or IDENFY_WEBHOOK_KEY. Never printed.
    #[arg(long, value_name = "KEY")]
    key: Option<String>,

    /// A file holding the webhook signing key on one line (the trailing newline is trimmed).
    #[arg(long, value_name = "FILE")]
    key_file: Option<PathBuf>,

    /// The raw body: a file, or `-` (the default) for stdin.
    #[arg(value_name = "FILE")]
    input: Option<PathBuf>,
}

/// Arguments of `webhook parse`.
#[derive(Args)]
struct ParseArgs {
    /// The value of the Idenfy-Event-Type header; without it the event is inferred from the
    /// body.
    #[arg(long, value_name = "T")]
    event_type: Option<String>,

    /// The body: a file, or `-` (the default) for stdin.
    #[arg(value_name = "FILE")]
    input: Option<PathBuf>,
}

/// Runs the chosen subcommand.
pub(crate) fn run(args: WebhookArgs, out: &Output) -> Result<(), CliError> {
    match args.command {
        WebhookCommand::Verify(args) => verify(&args, out),
        WebhookCommand::Sign(args) => sign(&args, out),
        WebhookCommand::Parse(args) => parse(&args, out),
    }
}

/// `webhook sign`: prints the signature alone on a line, or `{"signature": …}`.
fn sign(args: &SignArgs, out: &Output) -> Result<(), CliError> {
    let key = keys::single(args.key.as_ref(), ("--key", args.key_file.as_deref()))?.ok_or(
        keys::KeyError::Missing {
            flags: "--key or --key-file",
        },
    )?;
    let body = read_body(args.input.as_deref())?;
    let signature = server::sign_webhook(&key, &body);
    if out.is_json() {
        out.json_document(&json!({ "signature": signature }));
    } else {
        out.line(&signature);
    }
    Ok(())
}

/// `webhook verify`: verifies with every key, then parses; prints nothing of a body whose
/// signature fails.
fn verify(args: &VerifyArgs, out: &Output) -> Result<(), CliError> {
    // Every key is checked before the body is read: an empty one is a usage error.
    let keys = keys::gather(&args.keys, ("--key", args.key_file.as_deref()))?.ok_or(
        keys::KeyError::Missing {
            flags: "--key or --key-file",
        },
    )?;
    let body = read_body(args.input.as_deref())?;
    let event = webhook::verify_and_parse(
        &body,
        Some(&args.signature),
        args.event_type.as_deref(),
        &keys,
    )
    .map_err(webhook_error)?;
    print_event(out, &event, true)
}

/// `webhook parse`: parses without verifying.
fn parse(args: &ParseArgs, out: &Output) -> Result<(), CliError> {
    let body = read_body(args.input.as_deref())?;
    let event = webhook::parse_unverified(&body, args.event_type.as_deref())?;
    print_event(out, &event, false)
}

/// Prints the event: with `--json` the payload with iDenfy's field names, as the library
/// serializes it; otherwise a summary without personal data, first stating that the signature
/// verified when it did.
fn print_event(out: &Output, event: &WebhookEvent, verified: bool) -> Result<(), CliError> {
    require_object(event)?;
    if out.is_json() {
        let text = serde_json::to_string(event).map_err(|source| CliError::Print {
            what: "the event",
            source,
        })?;
        out.line(&text);
    } else {
        let mut rows = Vec::new();
        if verified {
            rows.push(("signature", "verified".to_owned()));
        }
        rows.extend(summary::rows(event));
        out.rows(&rows);
    }
    Ok(())
}

/// Refuses an event the library could only take as `Unknown` because the body is not a JSON
/// object, or an empty one: `[]`, `"str"`, `1`, `{}` carry no event (exit 1).
fn require_object(event: &WebhookEvent) -> Result<(), CliError> {
    match event {
        WebhookEvent::Unknown { body, .. } => match body {
            serde_json::Value::Object(map) if !map.is_empty() => Ok(()),
            serde_json::Value::Object(_) => Err(CliError::NotAnEvent("an empty JSON object")),
            serde_json::Value::Array(_) => Err(CliError::NotAnEvent("a JSON array, not an object")),
            _ => Err(CliError::NotAnEvent("not a JSON object")),
        },
        _ => Ok(()),
    }
}

/// The raw bytes of `input`, a file, or stdin when it is `-` or absent, up to the cap of
/// [`crate::input::MAX_INPUT_BYTES`].
fn read_body(input: Option<&Path>) -> Result<Vec<u8>, CliError> {
    crate::input::read_capped(input)
}

/// A refused delivery: its signature, or its body.
fn webhook_error(err: idenfy::Error) -> CliError {
    match err {
        idenfy::Error::Signature(err) => CliError::Signature(err),
        idenfy::Error::Decode(err) => CliError::Decode(err),
        // A kind of refusal this version does not know is still a refusal (exit 1), kept whole.
        other => CliError::Webhook(other),
    }
}
