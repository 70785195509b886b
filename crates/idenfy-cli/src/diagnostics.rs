//! `-v`/`-vv` and `RUST_LOG`: a `tracing` subscriber that writes the library's spans and events
//! to stderr, for a person finding out why a call failed or was retried.
//!
//! Nothing is installed when neither is given, so a plain run prints nothing of this. The events
//! carry names, numbers and statuses only (R10: never a secret, a header value or a body); the
//! writer is plain text (no ANSI), and stdout is never touched, so `--json` stays one document.

use tracing_subscriber::EnvFilter;

/// The filter of `-v`: the debug events of the idenfy crates (a target prefix, so it covers
/// `idenfy`, `idenfy_hyper`, `idenfy_emulator`, …).
const VERBOSE: &str = "idenfy=debug";
/// The filter of `-vv` and more: everything the idenfy crates emit.
const VERY_VERBOSE: &str = "idenfy=trace";

/// Installs the subscriber when `RUST_LOG` is set (its directives win, as in every Rust tool) or
/// `-v` was given `verbose` times; does nothing otherwise. A directive `RUST_LOG` cannot parse
/// is skipped rather than failing the command.
pub(crate) fn install(verbose: u8) {
    let from_env = std::env::var("RUST_LOG")
        .ok()
        .filter(|value| !value.trim().is_empty());
    let directives = match (from_env, verbose) {
        (Some(directives), _) => directives,
        (None, 0) => return,
        (None, 1) => VERBOSE.to_owned(),
        (None, _) => VERY_VERBOSE.to_owned(),
    };
    let filter = EnvFilter::builder().parse_lossy(directives);
    // `try_init`: there is no other subscriber in this process, and if there were, a missing
    // diagnostic is no reason to fail the command.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init();
}
