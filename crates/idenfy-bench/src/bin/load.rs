//! The load program: whole sessions end to end through each adapter — a token, the verification
//! finished through the emulator's control API, the signed webhook received over loopback and
//! verified, the status — 64 at a time (the blocking adapter: 64 threads), printing throughput
//! and p50/p99 latencies per step and per session as a Markdown table (see
//! `idenfy_bench::load`). The emulator and the webhook receiver run in this same process, on
//! runtimes of their own; build it in release mode.
//!
//! ```text
//! cargo run --release -p idenfy-bench --bin load
//! cargo run --release -p idenfy-bench --bin load -- --sessions 1000 --concurrency 16 --adapters blocking
//! ```
//!
//! Arguments (all optional): `--adapters hyper,isahc,blocking`, `--sessions N` per adapter
//! (10000), `--concurrency N` (64). Exits with status 1 if a session failed.
// A program whose output is its report.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

use idenfy_bench::load::{self, Settings};
use idenfy_bench::rig::{BoxError, adapters_arg, arg};

fn settings(args: &[String]) -> Result<Settings, BoxError> {
    let defaults = Settings::default();
    Ok(Settings {
        adapters: adapters_arg(args)?,
        sessions: arg(args, "sessions", defaults.sessions)?,
        concurrency: arg(args, "concurrency", defaults.concurrency)?.max(1),
    })
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let settings = match settings(&args) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("load: {error}");
            return ExitCode::from(2);
        }
    };
    let report = match load::run(&settings) {
        Ok(report) => report,
        Err(error) => {
            eprintln!("load: the run could not complete: {error}");
            return ExitCode::from(2);
        }
    };
    println!("{}", report.markdown());
    let failures = report.failures();
    for failure in &failures {
        println!("FAILED: {failure}");
    }
    if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
