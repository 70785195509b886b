//! One module per command (the `scanRef` commands share one); [`run`] dispatches.

pub(crate) mod completions;
pub(crate) mod demo;
pub(crate) mod emulator;
pub(crate) mod endpoint;
pub(crate) mod face_auth;
pub(crate) mod identifications;
pub(crate) mod present;
pub(crate) mod process;
pub(crate) mod redirect_url;
pub(crate) mod request_info;
pub(crate) mod scan_ref;
pub(crate) mod token;
pub(crate) mod video_call;
pub(crate) mod webhook;

use idenfy::{DataRequest, DeleteRequest, FilesRequest, FullStatusRequest, StatusRequest};

use crate::cli::{Cli, Command};
use crate::error::CliError;
use crate::output::Output;

/// Runs the command the user chose.
pub(crate) fn run(cli: Cli, out: &Output) -> Result<(), CliError> {
    let global = &cli.global;
    match cli.command {
        Command::Token(args) => token::run(global, *args, out),
        Command::Status(args) => scan_ref::run(
            global,
            &args,
            |s| StatusRequest::new(s),
            out,
            present::status,
        ),
        Command::Data(args) => {
            scan_ref::run(global, &args, |s| DataRequest::new(s), out, present::data)
        }
        Command::Files(args) => {
            scan_ref::run(global, &args, |s| FilesRequest::new(s), out, present::files)
        }
        Command::Delete(args) => {
            let scan_ref = args.scan_ref().to_owned();
            scan_ref::run(
                global,
                &args,
                |s| DeleteRequest::new(s),
                out,
                |(), _, out| {
                    present::deleted(&scan_ref, out);
                    Ok(())
                },
            )
        }
        Command::Pdf(args) => scan_ref::run_pdf(global, &args, out),
        Command::Process(args) => process::run(global, *args, out),
        Command::Identifications(args) => identifications::run(global, args, out),
        Command::RequestInfo(args) => request_info::run(global, args, out),
        Command::FaceAuth(args) => face_auth::run(global, args, out),
        Command::VideoCall(args) => video_call::run(global, &args, out),
        Command::FullStatus(args) => scan_ref::run(
            global,
            &args,
            |s| FullStatusRequest::new(s),
            out,
            present::full_status,
        ),
        Command::RedirectUrl(args) => redirect_url::run(global, &args, out),
        Command::Webhook(args) => webhook::run(args, out),
        Command::Emulator(args) => emulator::run(global, &args, out),
        Command::Demo(args) => demo::run(&args, out),
        Command::Completions(args) => completions::run(&args, out),
    }
}
