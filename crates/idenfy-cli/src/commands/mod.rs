//! One module per command (the `scanRef` commands share one); [`run`] dispatches.

pub(crate) mod endpoint;
pub(crate) mod redirect_url;
pub(crate) mod scan_ref;
pub(crate) mod token;
pub(crate) mod webhook;

use idenfy::{DataRequest, DeleteRequest, FilesRequest, StatusRequest};

use crate::cli::{Cli, Command};
use crate::error::CliError;
use crate::output::Output;

/// Runs the command the user chose.
pub(crate) fn run(cli: Cli, out: &Output) -> Result<(), CliError> {
    let global = &cli.global;
    match cli.command {
        Command::Token(args) => token::run(global, *args, out),
        Command::Status(args) => scan_ref::run(global, &args, |s| StatusRequest::new(s), out),
        Command::Data(args) => scan_ref::run(global, &args, |s| DataRequest::new(s), out),
        Command::Files(args) => scan_ref::run(global, &args, |s| FilesRequest::new(s), out),
        Command::Delete(args) => scan_ref::run(global, &args, |s| DeleteRequest::new(s), out),
        Command::Pdf(args) => scan_ref::run_pdf(global, &args, out),
        Command::RedirectUrl(args) => redirect_url::run(global, &args, out),
        Command::Webhook(args) => webhook::run(args, out),
    }
}
