//! The chaos run (R9 at volume): token creations and status calls through each adapter against
//! the in-process emulator over loopback, with a share of the requests hit by injected faults
//! of every kind and a share of the webhook deliveries failed by the receiver. It checks that no
//! `create_token` call left two tokens, that every call ended within its budget, and that no
//! webhook was lost or duplicated after de-duplication; it prints the counts as a Markdown
//! table and exits with status 1 when an invariant broke (see `idenfy_bench::chaos`).
//!
//! ```text
//! cargo run --release -p idenfy-bench --bin chaos
//! cargo run --release -p idenfy-bench --bin chaos -- --tokens 1000 --statuses 1000 --adapters hyper
//! ```
//!
//! Arguments (all optional): `--adapters hyper,isahc,blocking`, `--tokens N` and
//! `--statuses N` per adapter (10000), `--concurrency N` (32), `--rate F` (0.05) and
//! `--receiver-rate F` (0.05), `--seed N` (1), `--budget-ms N` (5000), `--attempt-ms N` (1000),
//! `--stall-ms N` (1500), `--tolerance-ms N` (250), and `--sabotage retry-tokens|no-dedup` to
//! see a check fail.
// A program whose output is its report.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;
use std::time::Duration;

use idenfy_bench::chaos::{self, Sabotage, Settings};
use idenfy_bench::rig::{BoxError, adapters_arg, arg};

fn settings(args: &[String]) -> Result<Settings, BoxError> {
    let defaults = Settings::default();
    let ms = |name: &str, default: Duration| -> Result<Duration, BoxError> {
        let default = u64::try_from(default.as_millis()).unwrap_or(u64::MAX);
        Ok(Duration::from_millis(arg(args, name, default)?))
    };
    let sabotage = match arg(args, "sabotage", String::new())?.as_str() {
        "" => None,
        "retry-tokens" => Some(Sabotage::RetryTokens),
        "no-dedup" => Some(Sabotage::NoDedup),
        other => {
            return Err(format!("--sabotage: {other:?} is not retry-tokens or no-dedup").into());
        }
    };
    let rate: f64 = arg(args, "rate", defaults.rate)?;
    let receiver_rate: f64 = arg(args, "receiver-rate", defaults.receiver_rate)?;
    if !(0.0..=1.0).contains(&rate) || !(0.0..=1.0).contains(&receiver_rate) {
        return Err("--rate and --receiver-rate must be 0 to 1".into());
    }
    Ok(Settings {
        adapters: adapters_arg(args)?,
        tokens: arg(args, "tokens", defaults.tokens)?,
        statuses: arg(args, "statuses", defaults.statuses)?,
        concurrency: arg(args, "concurrency", defaults.concurrency)?.max(1),
        rate,
        receiver_rate,
        seed: arg(args, "seed", defaults.seed)?,
        budget: ms("budget-ms", defaults.budget)?,
        attempt_timeout: ms("attempt-ms", defaults.attempt_timeout)?,
        stall: ms("stall-ms", defaults.stall)?,
        tolerance: ms("tolerance-ms", defaults.tolerance)?,
        sabotage,
        ..defaults
    })
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let settings = match settings(&args) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("chaos: {error}");
            return ExitCode::from(2);
        }
    };
    let report = match chaos::run(&settings) {
        Ok(report) => report,
        Err(error) => {
            eprintln!("chaos: the run could not complete: {error}");
            return ExitCode::from(2);
        }
    };
    println!("{}", report.markdown());
    let violations = report.violations();
    if violations.is_empty() {
        println!("Every invariant held.");
        ExitCode::SUCCESS
    } else {
        for violation in &violations {
            println!("VIOLATION: {violation}");
        }
        ExitCode::FAILURE
    }
}
