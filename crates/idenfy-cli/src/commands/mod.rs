//! One module per command; [`run`] dispatches.

pub(crate) mod redirect_url;
pub(crate) mod token;

use crate::cli::{Cli, Command};
use crate::error::CliError;
use crate::output::Output;

/// Runs the command the user chose.
pub(crate) fn run(cli: Cli, out: &Output) -> Result<(), CliError> {
    match cli.command {
        Command::Token(args) => token::run(&cli.global, *args, out),
        Command::RedirectUrl(args) => redirect_url::run(&cli.global, &args, out),
    }
}
