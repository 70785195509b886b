//! `idenfy emulator [--listen ADDR] [--api-key K --api-secret S] [--webhook-url U]
//! [--webhook-key K]`: serves the iDenfy emulator until interrupted.
//!
//! This is the one command that prints credentials: they are the emulator's own, made up for
//! local use (from the OS random source), and a client needs them to talk to it. A secret or
//! webhook key the user gave is never printed, only `[given]` (R10).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Args;
use idenfy_emulator::{Emulator, EmulatorBuilder, EmulatorError};
use serde_json::json;

use crate::cli::GlobalArgs;
use crate::commands::webhook::keys;
use crate::error::CliError;
use crate::output::Output;

/// The note at the end of `idenfy emulator --help`.
pub(crate) const AFTER_HELP: &str = "\
The global --api-key and --api-secret (or IDENFY_API_KEY and IDENFY_API_SECRET) set the \
credentials clients must present; missing ones are generated. The webhook signing key comes \
from --webhook-key, --webhook-key-file FILE (one key on one line) or IDENFY_WEBHOOK_KEY, and is \
generated when none is given; an empty key or secret is refused (exit 2). On start the command \
prints the base URL, the API key, the API secret and the webhook signing key (with --json, one \
JSON document), then serves until interrupted (Ctrl-C or SIGTERM). A secret or key that was \
given is printed as [given], never itself; generated ones are printed. The control API is under \
<base URL>/__emulator (GET it for the list of routes).";

/// Arguments of `emulator`. No `Debug`: they hold a webhook key.
#[derive(Args)]
pub(crate) struct EmulatorArgs {
    /// The address to listen on, IP:PORT; port 0 picks a free port.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    listen: String,

    /// Where webhooks go when a token has no callbackUrl (plain http); none by default.
    #[arg(long, value_name = "URL")]
    webhook_url: Option<String>,

    /// The key that signs webhooks (Idenfy-Signature); generated when not given. Visible in
    /// `ps`: prefer --webhook-key-file or IDENFY_WEBHOOK_KEY. Never printed.
    #[arg(long, value_name = "KEY")]
    webhook_key: Option<String>,

    /// A file holding the webhook signing key on one line (the trailing newline is trimmed).
    #[arg(long, value_name = "FILE")]
    webhook_key_file: Option<PathBuf>,

    /// Requests per hour before the API answers 429 TOO_MANY_REQUESTS; 0 for no limit.
    #[arg(long, value_name = "N", default_value_t = idenfy_emulator::DEFAULT_REQUESTS_PER_HOUR)]
    requests_per_hour: u32,

    /// How many finished, expired or deleted verifications to keep; past it the one that
    /// finished first is forgotten (its scanRef then answers 404). Active ones are always kept.
    #[arg(long, value_name = "N", default_value_t = idenfy_emulator::DEFAULT_FINISHED_RETENTION)]
    keep_finished: usize,

    /// How many webhook delivery attempts to keep for GET /__emulator/webhooks; past it the
    /// oldest is dropped. 0 keeps none.
    #[arg(long, value_name = "N", default_value_t = idenfy_emulator::DEFAULT_DELIVERY_RETENTION)]
    keep_deliveries: usize,
}

/// What is printed in place of a secret the user gave.
const GIVEN: &str = "[given]";

/// Starts the emulator, prints how to reach it, and serves until interrupted.
pub(crate) fn run(global: &GlobalArgs, args: &EmulatorArgs, out: &Output) -> Result<(), CliError> {
    let listen: SocketAddr = crate::convert::socket_address(&args.listen)?;
    // Checked before anything starts: an empty key is a usage error naming where it came from.
    let webhook_key = keys::single(
        args.webhook_key.as_ref(),
        ("--webhook-key", args.webhook_key_file.as_deref()),
    )?;
    let mut builder: EmulatorBuilder = Emulator::builder()
        .listen(listen)
        .requests_per_hour(Some(args.requests_per_hour).filter(|limit| *limit > 0))
        .finished_retention(args.keep_finished)
        .delivery_retention(args.keep_deliveries);
    if let Some(key) = &global.api_key {
        builder = builder.api_key(key.as_str());
    }
    if let Some(secret) = &global.api_secret {
        builder = builder.api_secret(secret.as_str());
    }
    if let Some(url) = &args.webhook_url {
        builder = builder.webhook_url(url.as_str());
    }
    let webhook_key_given = webhook_key.is_some();
    if let Some(key) = &webhook_key {
        builder = builder.webhook_key(key.expose_secret());
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|err| CliError::Runtime(err.to_string()))?;
    runtime.block_on(async {
        let emulator = builder.start().await.map_err(emulator_error)?;
        announce(
            &emulator,
            global.api_secret.is_some(),
            webhook_key_given,
            out,
        );
        interrupted().await;
        out.status("idenfy emulator: stopping");
        emulator.shutdown().await;
        Ok(())
    })
}

/// Prints the base URL and the credentials: rows for people, one document with `--json`. An API
/// secret or webhook key the emulator generated is its own and is printed; one the user gave
/// (flag, file or environment, which may well be a real one) is never printed (R10), only
/// `[given]`.
fn announce(emulator: &Emulator, secret_given: bool, webhook_key_given: bool, out: &Output) {
    let api_secret = if secret_given {
        GIVEN.to_owned()
    } else {
        emulator.api_secret().to_owned()
    };
    let webhook_key = if webhook_key_given {
        GIVEN.to_owned()
    } else {
        String::from_utf8_lossy(emulator.webhook_key().expose_secret()).into_owned()
    };
    let webhook_url = emulator.webhook_url();
    if out.is_json() {
        out.json_document(&json!({
            "baseUrl": emulator.base_url(),
            "apiKey": emulator.api_key(),
            "apiSecret": api_secret,
            "webhookKey": webhook_key,
            "webhookUrl": webhook_url,
            "controlUrl": emulator.control_url(),
        }));
    } else {
        out.rows(&[
            ("base URL", emulator.base_url().to_owned()),
            ("API key", emulator.api_key().to_owned()),
            ("API secret", api_secret),
            ("webhook key", webhook_key),
            (
                "webhook URL",
                webhook_url.unwrap_or_else(|| "none".to_owned()),
            ),
            ("control API", emulator.control_url()),
        ]);
    }
    out.status("idenfy emulator: serving until interrupted (Ctrl-C)");
}

/// Resolves on Ctrl-C (SIGINT) or, on Unix, SIGTERM. If no handler can be installed it never
/// resolves, rather than stopping the server at once.
async fn interrupted() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut terminate) = signal(SignalKind::terminate()) {
            tokio::select! {
                () = ctrl_c => {}
                _ = terminate.recv() => {}
            }
            return;
        }
    }
    ctrl_c.await;
}

/// The emulator's refusals: a bad setting names its field (exit 2), anything else (the address
/// in use, …) is reported as such (exit 2: nothing was served).
fn emulator_error(err: EmulatorError) -> CliError {
    match err {
        EmulatorError::Config(err) => CliError::Validation(err),
        other => CliError::Emulator(other.to_string()),
    }
}
