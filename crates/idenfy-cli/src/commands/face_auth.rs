//! `idenfy face-auth status|token|sessions`: face authentication of returning users (R12) —
//! whether a person can authenticate by face
//! (`GET /identification/facial-auth/{scanRef}/check-status/`), a token for it
//! (`POST /partner/authentication-info`), and the sessions
//! (`GET /api/v2/facial-authentication-sessions/`, `…/{tokenString}/`).
//!
//! A session's `tokenString` is a secret that is also a segment of the path of
//! `face-auth sessions TOKEN`: its `--dry-run` shows the URL with that segment as `[redacted]`.

use clap::{Args, Subcommand};
use idenfy::{
    FaceAuthMethod, FaceAuthSessionRequest, FaceAuthSessionsRequest, FaceAuthStatusRequest,
    FaceAuthTokenRequest,
};

use crate::cli::GlobalArgs;
use crate::commands::endpoint::{self, AFTER_HELP};
use crate::commands::present;
use crate::convert;
use crate::dry_run::{REDACTED, Shown};
use crate::error::CliError;
use crate::output::Output;

/// Arguments of `face-auth`: its subcommand.
#[derive(Args)]
pub(crate) struct FaceAuthArgs {
    /// What to ask.
    #[command(subcommand)]
    command: FaceAuthCommand,
}

/// The subcommands of `face-auth`.
#[derive(Subcommand)]
enum FaceAuthCommand {
    /// Ask whether the person of a verification can authenticate by face (AUTHENTICATION) or
    /// must be identified first (IDENTIFICATION).
    #[command(after_help = AFTER_HELP)]
    Status(StatusArgs),
    /// Create a face-authentication token for the person of a verification (each token costs a
    /// credit; never sent twice); prints the token.
    #[command(after_help = AFTER_HELP)]
    Token(TokenArgs),
    /// List the face-authentication sessions (each with its token), or with TOKEN show one.
    #[command(after_help = AFTER_HELP)]
    Sessions(SessionsArgs),
}

/// Arguments of `face-auth status`.
#[derive(Args)]
struct StatusArgs {
    /// The `scanRef` of the verification (1 to 40 characters).
    #[arg(value_name = "SCANREF")]
    scan_ref: String,

    /// `method`: FACE_MATCHING (the default) or ACTIVE_LIVENESS.
    #[arg(long, value_name = "METHOD")]
    method: Option<String>,

    /// Build, validate and print the request without sending it; needs no credentials.
    #[arg(long)]
    dry_run: bool,
}

/// Arguments of `face-auth token`, one per request field.
#[derive(Args)]
struct TokenArgs {
    /// `scanRef`: the verification of the person (1 to 40 characters).
    #[arg(value_name = "SCANREF")]
    scan_ref: String,

    /// `method`: FACE_MATCHING (the default) or ACTIVE_LIVENESS.
    #[arg(long, value_name = "METHOD")]
    method: Option<String>,

    /// `generateDigitString`: also ask for a code for iDenfy's mobile app.
    #[arg(long)]
    generate_digit_string: bool,

    /// `locale`: the language of the session (a language tag such as en, lt or pt-BR).
    #[arg(long, value_name = "LOCALE")]
    locale: Option<String>,

    /// `lifetime`: seconds the session lasts (1 to 2592000; iDenfy's default is 30 minutes).
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    lifetime: Option<String>,

    /// Build, validate and print the request without sending it; needs no credentials.
    #[arg(long)]
    dry_run: bool,
}

/// Arguments of `face-auth sessions`. No `Debug`: the token is a secret (R10).
#[derive(Args)]
struct SessionsArgs {
    /// The `tokenString` of one session (1 to 40 characters): show that session only. Visible
    /// in `ps`.
    #[arg(value_name = "TOKEN")]
    token: Option<String>,

    /// Build, validate and print the request (a TOKEN in its URL redacted) without sending it;
    /// needs no credentials.
    #[arg(long)]
    dry_run: bool,
}

/// Runs the chosen subcommand.
pub(crate) fn run(global: &GlobalArgs, args: FaceAuthArgs, out: &Output) -> Result<(), CliError> {
    match args.command {
        FaceAuthCommand::Status(args) => {
            let request = match args.method {
                Some(method) => {
                    FaceAuthStatusRequest::for_method(&args.scan_ref, FaceAuthMethod::from(method))?
                }
                None => FaceAuthStatusRequest::new(&args.scan_ref)?,
            };
            endpoint::run(
                global,
                &request,
                args.dry_run,
                out,
                present::face_auth_status,
            )
        }
        FaceAuthCommand::Token(args) => {
            let mut builder = FaceAuthTokenRequest::builder(args.scan_ref);
            if let Some(method) = args.method {
                builder = builder.method(FaceAuthMethod::from(method));
            }
            if args.generate_digit_string {
                builder = builder.generate_digit_string(true);
            }
            if let Some(locale) = args.locale {
                builder = builder.locale(locale);
            }
            if let Some(lifetime) = args.lifetime {
                builder = builder.lifetime(convert::integer("lifetime", &lifetime)?);
            }
            let request = builder.build()?;
            endpoint::run(
                global,
                &request,
                args.dry_run,
                out,
                present::face_auth_token,
            )
        }
        FaceAuthCommand::Sessions(args) => match args.token {
            None => endpoint::run(
                global,
                &FaceAuthSessionsRequest::new(),
                args.dry_run,
                out,
                present::face_auth_sessions,
            ),
            Some(token) => {
                let request = FaceAuthSessionRequest::new(token)?;
                endpoint::run_shown(
                    global,
                    &request,
                    args.dry_run,
                    out,
                    redact_token,
                    present::face_auth_session,
                )
            }
        },
    }
}

/// The URL of `face-auth sessions TOKEN` with the token's segment redacted: the segment after
/// the last `/api/v2/facial-authentication-sessions/` (a base URL may have a path of its own).
fn redact_token(shown: Shown<'_>) -> Shown<'_> {
    const PREFIX: &str = FaceAuthSessionsRequest::PATH;
    let url = shown.request_url();
    let redacted = match url.rfind(PREFIX) {
        Some(at) => {
            let start = at.saturating_add(PREFIX.len());
            let rest = url.get(start..).unwrap_or_default();
            let end = rest
                .find('/')
                .map_or(url.len(), |end| start.saturating_add(end));
            format!(
                "{}{REDACTED}{}",
                url.get(..start).unwrap_or_default(),
                url.get(end..).unwrap_or_default()
            )
        }
        // Never expected (the library builds the path); nothing of the URL is shown then.
        None => REDACTED.to_owned(),
    };
    shown.with_url(redacted)
}
