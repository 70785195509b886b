//! The command line grammar: global options and the command list (`spec/CLI.md`).

use std::ffi::OsString;

use clap::{ArgAction, Args, ColorChoice, Parser, Subcommand, ValueEnum};
use idenfy::DEFAULT_BASE_URL;

use crate::commands::completions::{AFTER_HELP as COMPLETIONS_AFTER_HELP, CompletionsArgs};
use crate::commands::demo::DemoArgs;
use crate::commands::emulator::{AFTER_HELP as EMULATOR_AFTER_HELP, EmulatorArgs};
use crate::commands::endpoint::AFTER_HELP as API_AFTER_HELP;
use crate::commands::face_auth::FaceAuthArgs;
use crate::commands::identifications::IdentificationsArgs;
use crate::commands::process::{ProcessArgs, after_help as process_after_help};
use crate::commands::redirect_url::RedirectUrlArgs;
use crate::commands::request_info::RequestInfoArgs;
use crate::commands::scan_ref::{PdfArgs, ScanRefArgs};
use crate::commands::token::TokenArgs;
use crate::commands::video_call::VideoCallArgs;
use crate::commands::webhook::WebhookArgs;

/// Drive the iDenfy identity-verification API from the shell.
///
/// Exit codes: 0 success; 1 the other side said no (API error, bad signature, unparsable body);
/// 2 usage or validation error, before anything is sent; 3 transport failure.
#[derive(Parser)]
#[command(name = "idenfy", version, propagate_version = true)]
pub(crate) struct Cli {
    /// Options every command accepts, before or after the command name.
    #[command(flatten)]
    pub(crate) global: GlobalArgs,

    /// The command to run.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Options shared by every command (`global = true`: accepted before or after the command).
///
/// Deliberately without `Debug`: it holds the API secret (R10).
#[derive(Args)]
pub(crate) struct GlobalArgs {
    /// The API's base URL. Plain http is refused unless the host is a loopback address or
    /// --allow-insecure-http is given.
    #[arg(
        long,
        global = true,
        value_name = "URL",
        env = "IDENFY_BASE_URL",
        default_value = DEFAULT_BASE_URL
    )]
    pub(crate) base_url: String,

    /// The API key (the user name of the Basic credentials).
    #[arg(
        long,
        global = true,
        value_name = "KEY",
        env = "IDENFY_API_KEY",
        hide_env_values = true
    )]
    pub(crate) api_key: Option<String>,

    /// The API secret (the password of the Basic credentials). Never printed.
    #[arg(
        long,
        global = true,
        value_name = "SECRET",
        env = "IDENFY_API_SECRET",
        hide_env_values = true
    )]
    pub(crate) api_secret: Option<String>,

    /// How long to wait for the API, in seconds.
    #[arg(
        long,
        global = true,
        value_name = "SECONDS",
        env = "IDENFY_TIMEOUT",
        default_value_t = 30,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub(crate) timeout: u64,

    /// Print exactly one JSON document on stdout instead of human-readable output.
    #[arg(long, global = true)]
    pub(crate) json: bool,

    /// Accept a plain http base URL on a non-loopback host (credentials then cross the network
    /// in clear text).
    #[arg(long, global = true)]
    pub(crate) allow_insecure_http: bool,

    /// When to colour statuses in human output, and this help and usage errors: auto (only on a
    /// terminal, and not when NO_COLOR is set), always (also when piped), never. `--json` is
    /// never coloured.
    #[arg(
        long,
        global = true,
        value_name = "WHEN",
        value_enum,
        default_value_t = ColorWhen::Auto
    )]
    pub(crate) color: ColorWhen,

    /// Diagnostics on stderr: -v the library's debug events, -vv everything it traces. RUST_LOG
    /// (an EnvFilter, e.g. `idenfy=trace,hyper_util=debug`) overrides both. Never a secret.
    #[arg(short = 'v', long = "verbose", global = true, action = ArgAction::Count)]
    pub(crate) verbose: u8,
}

/// The values of `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorWhen {
    /// Colour when stdout is a terminal and `NO_COLOR` is not set.
    Auto,
    /// Always colour, also when stdout is a pipe or a file.
    Always,
    /// Never colour.
    Never,
}

/// The commands.
#[derive(Subcommand)]
pub(crate) enum Command {
    /// Create a verification token (POST /api/v2/token); every option is one request field.
    #[command(after_help = API_AFTER_HELP)]
    Token(Box<TokenArgs>),

    /// Ask for the status of a verification (POST /api/v2/status).
    #[command(after_help = API_AFTER_HELP)]
    Status(ScanRefArgs),

    /// Ask for the data read from the document (POST /api/v2/data).
    #[command(after_help = API_AFTER_HELP)]
    Data(ScanRefArgs),

    /// Ask for the URLs of the verification's photos and videos (POST /api/v2/files).
    #[command(after_help = API_AFTER_HELP)]
    Files(ScanRefArgs),

    /// Delete a verification's data (POST /api/v2/delete).
    #[command(after_help = API_AFTER_HELP)]
    Delete(ScanRefArgs),

    /// Write the PDF report of a verification to a file (POST /api/v2/generate-pdf).
    #[command(after_help = API_AFTER_HELP)]
    Pdf(PdfArgs),

    /// Upload the document and face images of a session for direct processing
    /// (POST /api/v2/process); the result comes by webhook.
    #[command(after_help = process_after_help())]
    Process(Box<ProcessArgs>),

    /// List the identifications, one page or with --all every page (GET /kyc/identifications/).
    #[command(after_help = API_AFTER_HELP)]
    Identifications(IdentificationsArgs),

    /// Ask the person of a finished verification for more information, reopening it
    /// (POST /kyc/identifications/{scanRef}/request-information/); prints the new session.
    #[command(after_help = API_AFTER_HELP)]
    RequestInfo(RequestInfoArgs),

    /// Face authentication of returning users: status, token, sessions.
    FaceAuth(FaceAuthArgs),

    /// Video calls: start one, or read its recordings.
    VideoCall(VideoCallArgs),

    /// Ask for the legacy full status of a verification, in snake_case
    /// (POST /api/v2/full-status).
    #[command(after_help = API_AFTER_HELP)]
    FullStatus(ScanRefArgs),

    /// Print the URL that starts the person's verification (the hosted UI's redirect URL, or
    /// with --iframe the URL to load in an iframe).
    RedirectUrl(RedirectUrlArgs),

    /// Sign, verify or parse a webhook body (Idenfy-Signature: HMAC-SHA256 of the raw body).
    #[command(after_help = crate::commands::webhook::AFTER_HELP)]
    Webhook(WebhookArgs),

    /// Serve the iDenfy emulator (a local stand-in for the API with signed webhooks) until
    /// interrupted; prints its base URL and credentials on start.
    #[command(after_help = EMULATOR_AFTER_HELP)]
    Emulator(EmulatorArgs),

    /// Walk the whole verification lifecycle against the embedded emulator, step by step: token,
    /// the person finishing, the signed webhook, status, data, expiry, deletion. Needs no
    /// account and no network.
    Demo(DemoArgs),

    /// Print the completion script for a shell (bash, zsh, fish, powershell, elvish).
    #[command(after_help = COMPLETIONS_AFTER_HELP)]
    Completions(CompletionsArgs),
}

/// Whether `--json` is among the raw arguments (before any `--`), for reporting a usage error
/// in the requested form when clap could not parse the command line.
pub(crate) fn wants_json(args: &[OsString]) -> bool {
    args.iter()
        .skip(1)
        .take_while(|arg| *arg != "--")
        .any(|arg| arg == "--json")
}

/// How clap colours its own help and errors, decided before clap parses anything (the command
/// line may not parse): the last `--color WHEN` or `--color=WHEN` among the raw arguments
/// (before any `--`), with the rules of [`crate::output::Output`]: `always` colours (also when
/// piped, and despite `NO_COLOR`), `never` does not, `auto` (the default, and what an invalid
/// value falls back to while clap reports it) leaves it to clap — colour on a terminal — unless
/// `NO_COLOR` is set. With `--json` nothing is coloured.
pub(crate) fn clap_color(args: &[OsString]) -> ColorChoice {
    if wants_json(args) {
        return ColorChoice::Never;
    }
    let mut when = ColorWhen::Auto;
    let mut raw = args.iter().skip(1).take_while(|arg| *arg != "--");
    while let Some(arg) = raw.next() {
        let value = if arg == "--color" {
            raw.next().and_then(|value| value.to_str())
        } else {
            arg.to_str().and_then(|arg| arg.strip_prefix("--color="))
        };
        if let Some(parsed) = value.and_then(|value| ColorWhen::from_str(value, false).ok()) {
            when = parsed;
        }
    }
    match when {
        ColorWhen::Always => ColorChoice::Always,
        ColorWhen::Never => ColorChoice::Never,
        ColorWhen::Auto if crate::output::no_color() => ColorChoice::Never,
        ColorWhen::Auto => ColorChoice::Auto,
    }
}
