//! `idenfy emulator [--listen ADDR] [--api-key K --api-secret S] [--webhook-url U]
//! [--webhook-key K] [--idle-timeout S] [--header-read-timeout S] [--body-read-timeout S]
//! [--max-connections N] [--quirks] [--webhook-ca-file PEM | --webhook-insecure]
//! [--allow-callback-host HOST]… [--allow-any-callback-host]`: serves the iDenfy emulator until
//! interrupted.
//!
//! This is the one command that prints credentials: they are the emulator's own, made up for
//! local use (from the OS random source), and a client needs them to talk to it. A secret or
//! webhook key the user gave is never printed, only `[given]` (R10).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

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
<base URL>/__emulator (GET it for the list of routes); it has no authentication, so listening on \
an address other than loopback prints a warning on stderr, and the banner says which address \
the emulator listens on (for 0.0.0.0 or [::], every interface of the machine). Connections are \
bounded: one without a request in progress for --idle-timeout is closed, a request head must \
arrive within --header-read-timeout and a body within --body-read-timeout (else 408), and past \
--max-connections open connections a new one is answered 503 and closed. Webhooks go over http or https; an https \
receiver's certificate is checked against Mozilla's roots, or the CAs of --webhook-ca-file, or \
not at all with --webhook-insecure. A token's own callbackUrl must be on a loopback host unless \
its host is allowed (--allow-callback-host, --allow-any-callback-host); an https callbackUrl on \
another host is accepted but its webhooks are not sent (recorded as failed).";

/// Arguments of `emulator`. No `Debug`: they hold a webhook key.
#[derive(Args)]
pub(crate) struct EmulatorArgs {
    /// The address to listen on, IP:PORT; port 0 picks a free port.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    listen: String,

    /// Where webhooks go when a token has no callbackUrl (http or https); none by default.
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

    /// Close a connection that has had no request in progress for this long (nothing sent,
    /// part of an HTTP/2 preface, an unused keep-alive connection), in seconds.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = idenfy_emulator::DEFAULT_IDLE_TIMEOUT.as_secs(),
        value_parser = clap::value_parser!(u64).range(1..=86_400)
    )]
    idle_timeout: u64,

    /// The time a client has to send a request's head (HTTP/1.1; HTTP/2: the keep-alive ping
    /// interval and the time to answer a ping), in seconds.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = idenfy_emulator::DEFAULT_HEADER_READ_TIMEOUT.as_secs(),
        value_parser = clap::value_parser!(u64).range(1..=86_400)
    )]
    header_read_timeout: u64,

    /// The time a client has to send a request's whole body, in seconds; past it the answer is
    /// 408 and the connection is closed.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = idenfy_emulator::DEFAULT_BODY_READ_TIMEOUT.as_secs(),
        value_parser = clap::value_parser!(u64).range(1..=86_400)
    )]
    body_read_timeout: u64,

    /// How many connections are served at once; a further one is answered 503 with
    /// `Connection: close`.
    #[arg(
        long,
        value_name = "N",
        default_value_t = idenfy_emulator::DEFAULT_MAX_CONNECTIONS,
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1_000_000)
    )]
    max_connections: usize,
    /// Quirks mode: answers and webhooks carry the quirks of iDenfy's real payloads (numeric
    /// clientId, a duplicate key, float timestamps, lower-case aml/lid objects, additionalSteps
    /// as a map, a signed trailing newline), to test a client's lenient parsing.
    #[arg(long)]
    quirks: bool,

    /// Check https webhook receivers against the CA certificates of this PEM file instead of
    /// the default roots.
    #[arg(long, value_name = "PEM", conflicts_with = "webhook_insecure")]
    webhook_ca_file: Option<PathBuf>,

    /// DANGER: deliver https webhooks without checking the receiver's certificate (any
    /// certificate, any name). Warned about on stderr.
    #[arg(long)]
    webhook_insecure: bool,

    /// A host besides loopback ones that a token's callbackUrl may name (plain http included)
    /// and that webhooks are delivered to, e.g. `app` in docker-compose; repeatable.
    #[arg(long = "allow-callback-host", value_name = "HOST")]
    allow_callback_hosts: Vec<String>,

    /// Let a token's callbackUrl name any host, and deliver there.
    #[arg(long)]
    allow_any_callback_host: bool,

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
        .idle_timeout(Duration::from_secs(args.idle_timeout))
        .header_read_timeout(Duration::from_secs(args.header_read_timeout))
        .body_read_timeout(Duration::from_secs(args.body_read_timeout))
        .max_connections(args.max_connections)
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
    builder = builder
        .quirks(args.quirks)
        .allow_callback_hosts(args.allow_callback_hosts.iter().map(String::as_str))
        .allow_any_callback_host(args.allow_any_callback_host);
    if let Some(path) = &args.webhook_ca_file {
        builder = builder.webhook_ca_file(path);
    }
    if args.webhook_insecure {
        out.status(
            "idenfy emulator: WARNING: --webhook-insecure: https webhook receivers' certificates \
             are not checked; any server can receive the webhooks",
        );
        builder = builder.danger_accept_invalid_webhook_certs(true);
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
    let addr = emulator.local_addr();
    let loopback = addr.ip().is_loopback();
    if out.is_json() {
        out.json_document(&json!({
            "baseUrl": emulator.base_url(),
            "apiKey": emulator.api_key(),
            "apiSecret": api_secret,
            "webhookKey": webhook_key,
            "webhookUrl": webhook_url,
            "controlUrl": emulator.control_url(),
            "listen": addr.to_string(),
            "loopbackOnly": loopback,
            "quirks": emulator.quirks(),
        }));
    } else {
        let base_url = base_url_shown(emulator.base_url(), addr);
        out.rows(&[
            ("base URL", base_url),
            ("API key", emulator.api_key().to_owned()),
            ("API secret", api_secret),
            ("webhook key", webhook_key),
            (
                "webhook URL",
                webhook_url.unwrap_or_else(|| "none".to_owned()),
            ),
            ("control API", emulator.control_url()),
            ("listening on", listening_on(addr)),
            (
                "quirks",
                if emulator.quirks() { "on" } else { "off" }.to_owned(),
            ),
        ]);
    }
    if let Some(warning) = exposure_warning(addr) {
        out.status(&warning);
    }
    out.status("idenfy emulator: serving until interrupted (Ctrl-C)");
}

/// The base URL as the banner shows it: labelled as this machine's view when the emulator
/// listens on every interface, since other machines reach it at one of the machine's addresses.
fn base_url_shown(base_url: &str, addr: SocketAddr) -> String {
    if addr.ip().is_unspecified() {
        format!(
            "{base_url} (from this machine; other machines use one of its addresses, port {})",
            addr.port()
        )
    } else {
        base_url.to_owned()
    }
}

/// The warning printed on stderr when the emulator listens on an address other machines can
/// reach; `None` on a loopback address.
fn exposure_warning(addr: SocketAddr) -> Option<String> {
    (!addr.ip().is_loopback()).then(|| {
        format!(
            "warning: the emulator listens on {}, which other machines can reach; its control \
             API has no authentication: anyone who reaches it can finish verifications, move \
             the clock and read every token. Use --listen 127.0.0.1:PORT unless that is meant.",
            listening_on(addr)
        )
    })
}

/// The address the emulator listens on, saying so when it is every interface.
fn listening_on(addr: SocketAddr) -> String {
    match addr {
        SocketAddr::V4(_) if addr.ip().is_unspecified() => {
            format!("{addr} (every IPv4 interface of this machine)")
        }
        SocketAddr::V6(_) if addr.ip().is_unspecified() => {
            format!("{addr} (every interface of this machine)")
        }
        _ => addr.to_string(),
    }
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
        EmulatorError::InvalidSetting { setting, reason } => {
            let flag = match setting {
                "allowCallbackHost" => "--allow-callback-host",
                "webhookCaFile" => "--webhook-ca-file",
                other => other,
            };
            CliError::Emulator(format!("{flag}: {reason}"))
        }
        other => CliError::Emulator(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    // The banner's decisions for a non-loopback address, checked on the address alone: tests
    // bind loopback addresses only, so no test listens on every interface.
    #[test]
    fn an_address_every_interface_reaches_is_warned_about_and_shown_as_it_is() {
        let every_v4: SocketAddr = "0.0.0.0:4010".parse().unwrap();
        assert_eq!(
            listening_on(every_v4),
            "0.0.0.0:4010 (every IPv4 interface of this machine)"
        );
        let warning = exposure_warning(every_v4).unwrap();
        assert!(warning.starts_with("warning: "), "{warning}");
        assert!(warning.contains("0.0.0.0:4010 (every IPv4"), "{warning}");
        assert!(warning.contains("no authentication"), "{warning}");
        let base = base_url_shown("http://127.0.0.1:4010", every_v4);
        assert!(
            base.starts_with("http://127.0.0.1:4010 (from this machine"),
            "{base}"
        );
        assert!(base.contains("port 4010"), "{base}");

        let every_v6: SocketAddr = "[::]:4010".parse().unwrap();
        assert_eq!(
            listening_on(every_v6),
            "[::]:4010 (every interface of this machine)"
        );
        assert!(exposure_warning(every_v6).is_some());

        // One address of the machine that is not loopback: warned, shown as it is.
        let lan: SocketAddr = "192.0.2.7:4010".parse().unwrap();
        assert_eq!(listening_on(lan), "192.0.2.7:4010");
        assert!(exposure_warning(lan).unwrap().contains("192.0.2.7:4010,"));
        assert_eq!(
            base_url_shown("http://192.0.2.7:4010", lan),
            "http://192.0.2.7:4010"
        );
    }

    #[test]
    fn a_loopback_address_is_not_warned_about() {
        for addr in ["127.0.0.1:4010", "[::1]:4010"] {
            let addr: SocketAddr = addr.parse().unwrap();
            assert_eq!(exposure_warning(addr), None);
            assert_eq!(listening_on(addr), addr.to_string());
            assert_eq!(
                base_url_shown("http://127.0.0.1:4010", addr),
                "http://127.0.0.1:4010"
            );
        }
    }
}
