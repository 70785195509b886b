//! The `idenfy` command line tool: a thin face over the `idenfy` library.
//!
//! Every flag maps to one library call and every check is the library's; the flags, outputs and
//! exit codes are a contract (`spec/CLI.md`). The layout:
//!
//! - [`cli`]: the command line grammar (clap), global options included;
//! - [`commands`]: one module per command (the `scanRef` commands share one), each a function
//!   from its arguments to an outcome;
//! - [`context`]: the global options turned into the library's `Config`;
//! - [`convert`]: turning flag strings into the typed values the library's setters take;
//! - [`diagnostics`]: `-v`/`-vv`/`RUST_LOG`, the library's tracing events on stderr;
//! - [`dry_run`]: rendering a built HTTP request for `--dry-run`;
//! - [`files`]: the files the tool writes (`pdf --output`), opened before anything is sent;
//! - [`input`]: reading a file or stdin, with a cap;
//! - [`output`]: everything that reaches stdout or stderr, human or `--json`;
//! - [`error`]: the failures of a command and their exit codes.
#![forbid(unsafe_code)]
// A command line tool prints by design; all printing goes through the `output` module.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod cli;
mod commands;
mod context;
mod convert;
mod diagnostics;
mod dry_run;
mod error;
mod files;
mod input;
mod output;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::{CommandFactory as _, FromArgMatches as _};

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    // `--color` governs clap's own help and errors too, so it is read before clap parses.
    let mut command = cli::Cli::command().color(cli::clap_color(&args));
    let parsed = command
        .try_get_matches_from_mut(&args)
        .and_then(|mut matches| cli::Cli::from_arg_matches_mut(&mut matches))
        .map_err(|err| err.format(&mut command));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(err) => return output::usage_error(&err, cli::wants_json(&args)),
    };
    diagnostics::install(cli.global.verbose);
    let out = output::Output::new(cli.global.json, cli.global.color);
    match commands::run(cli, &out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            out.error(&err);
            ExitCode::from(err.exit_code())
        }
    }
}
