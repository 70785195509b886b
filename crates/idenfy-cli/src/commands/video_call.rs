//! `idenfy video-call start|record SCANREF`: video calls (R12) — starting one for a verification
//! whose token is of a video-call type (`POST /api/v2/video-call`), and reading its recordings
//! (`POST /api/v2/video-call-record`).

use clap::{Args, Subcommand};
use idenfy::{VideoCallRecordRequest, VideoCallRequest};

use crate::cli::GlobalArgs;
use crate::commands::endpoint::{self, AFTER_HELP};
use crate::commands::present;
use crate::commands::scan_ref::{self, ScanRefArgs};
use crate::error::CliError;
use crate::output::Output;

/// Arguments of `video-call`: its subcommand.
#[derive(Args)]
pub(crate) struct VideoCallArgs {
    /// What to do.
    #[command(subcommand)]
    command: VideoCallCommand,
}

/// The subcommands of `video-call`.
#[derive(Subcommand)]
enum VideoCallCommand {
    /// Start a video call for a verification whose token is of a video-call type (never sent
    /// twice); prints the URL where the person joins it.
    #[command(after_help = AFTER_HELP)]
    Start(StartArgs),
    /// Print the URLs of the photos and videos recorded in a verification's video call.
    #[command(after_help = AFTER_HELP)]
    Record(ScanRefArgs),
}

/// Arguments of `video-call start`.
#[derive(Args)]
struct StartArgs {
    /// `scanRef`: the verification (1 to 40 characters).
    #[arg(value_name = "SCANREF")]
    scan_ref: String,

    /// `photos`: a call that also takes photos.
    #[arg(long)]
    photos: bool,

    /// Build, validate and print the request without sending it; needs no credentials.
    #[arg(long)]
    dry_run: bool,
}

/// Runs the chosen subcommand.
pub(crate) fn run(global: &GlobalArgs, args: &VideoCallArgs, out: &Output) -> Result<(), CliError> {
    match &args.command {
        VideoCallCommand::Start(args) => {
            let mut request = VideoCallRequest::new(&args.scan_ref)?;
            if args.photos {
                request = request.with_photos(true);
            }
            endpoint::run(global, &request, args.dry_run, out, present::video_call)
        }
        VideoCallCommand::Record(args) => scan_ref::run(
            global,
            args,
            |s| VideoCallRecordRequest::new(s),
            out,
            present::video_call_record,
        ),
    }
}
