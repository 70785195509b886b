//! The path every command that calls the API shares (`token`, `status`, `data`, `files`,
//! `delete`, `pdf`, `process`, `identifications`, `request-info`, `face-auth …`, `video-call …`,
//! `full-status`): with `--dry-run`, build the request and print it; otherwise send it over the
//! hyper adapter and present the answer.

use std::time::Duration;

use idenfy::{CallOptions, Config, Endpoint, Rule, ValidationError};
use idenfy_hyper::HyperTransport;

use crate::cli::GlobalArgs;
use crate::context::{self, CredentialSource};
use crate::dry_run::{self, Shown};
use crate::error::CliError;
use crate::output::Output;

/// The note at the end of `--help` of every command that calls the API.
pub(crate) const AFTER_HELP: &str = "\
Sends the request with the credentials of --api-key/--api-secret (or IDENFY_API_KEY and \
IDENFY_API_SECRET). Exit codes: 0 success, 1 iDenfy answered with an error, 2 invalid input \
(nothing sent), 3 transport failure (connection, TLS, timeout). With --dry-run the request is \
built, validated and printed exactly as it would be sent; no credentials or network needed.";

/// Runs a validated `request`: with `dry_run`, builds the HTTP request with the configuration of
/// the global options (placeholder credentials when none are given) and prints it; otherwise
/// sends it and hands the answer to `present`.
pub(crate) fn run<E: Endpoint>(
    global: &GlobalArgs,
    request: &E,
    dry_run: bool,
    out: &Output,
    present: impl FnOnce(E::Output, &Config, &Output) -> Result<(), CliError>,
) -> Result<(), CliError> {
    run_shown(global, request, dry_run, out, |shown| shown, present)
}

/// [`run`] for a request whose dry run must not print everything it carries: `show` replaces
/// the URL or the body of the built request with what may be printed (R10).
pub(crate) fn run_shown<E: Endpoint>(
    global: &GlobalArgs,
    request: &E,
    dry_run: bool,
    out: &Output,
    show: impl for<'r> FnOnce(Shown<'r>) -> Shown<'r>,
    present: impl FnOnce(E::Output, &Config, &Output) -> Result<(), CliError>,
) -> Result<(), CliError> {
    if dry_run {
        let config = context::config(global, CredentialSource::GivenOrPlaceholders)?;
        let http_request = request.to_request(&config).map_err(CliError::from)?;
        dry_run::print_shown(out, &show(Shown::new(&http_request)));
        return Ok(());
    }
    let config = context::config(global, CredentialSource::Required)?;
    let output = send(global, config.clone(), request)?;
    present(output, &config, out)
}

/// A client over the hyper adapter with `--timeout` as each call's total timeout, and the
/// single-threaded runtime that drives it.
pub(crate) fn connect(
    global: &GlobalArgs,
    config: Config,
) -> Result<(tokio::runtime::Runtime, idenfy::Client<HyperTransport>), CliError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|source| CliError::Runtime(source.to_string()))?;
    let transport =
        HyperTransport::new().map_err(|error| CliError::from(idenfy::Error::Transport(error)))?;
    let options = CallOptions::default().with_timeout(Duration::from_secs(global.timeout));
    let client = idenfy::Client::with_transport(config, transport).with_options(options);
    Ok((runtime, client))
}

/// Sends `request` with the hyper adapter on a single-threaded runtime, within `--timeout`.
fn send<E: Endpoint>(
    global: &GlobalArgs,
    config: Config,
    request: &E,
) -> Result<E::Output, CliError> {
    let (runtime, client) = connect(global, config)?;
    runtime
        .block_on(client.send(request))
        .map_err(|error| CliError::from(error).with_host(&global.base_url))
}

/// The error for a command that must send but has no credentials.
pub(crate) fn missing_credential(field: &'static str) -> CliError {
    CliError::Validation(ValidationError::new(field, Rule::Required))
}
