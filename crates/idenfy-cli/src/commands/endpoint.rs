//! The path every command that calls the API shares (`token`, `status`, `data`, `files`,
//! `delete`, `pdf`): with `--dry-run`, build the request and print it; otherwise send it — which
//! needs an HTTP adapter this build does not include yet.

use idenfy::Endpoint;

use crate::cli::GlobalArgs;
use crate::context::{self, CredentialSource};
use crate::dry_run;
use crate::error::CliError;
use crate::output::Output;

/// The note at the end of `--help` of every command that calls the API.
pub(crate) const AFTER_HELP: &str = "\
Sending the request to iDenfy needs an HTTP adapter, which this build of idenfy does not include \
yet: without --dry-run the command validates the request and exits with code 2. Use --dry-run to \
build, validate and print the request exactly as it would be sent (no credentials or network \
needed).";

/// Why a command without `--dry-run` stops.
const SENDING_UNSUPPORTED: &str = "sending requests needs an HTTP adapter, which this build of \
idenfy does not include yet; nothing was sent (use --dry-run to see the request that would be \
sent)";

/// Runs a validated `request`: with `dry_run`, builds the HTTP request with the configuration of
/// the global options (placeholder credentials when none are given) and prints it; otherwise
/// checks the configuration and reports that this build cannot send.
pub(crate) fn run<E: Endpoint>(
    global: &GlobalArgs,
    request: &E,
    dry_run: bool,
    out: &Output,
) -> Result<(), CliError> {
    // The configuration is checked either way, so that a bad --base-url is reported as such.
    let config = context::config(global, CredentialSource::GivenOrPlaceholders)?;
    if !dry_run {
        return Err(CliError::Unsupported(SENDING_UNSUPPORTED));
    }
    let http_request = request.to_request(&config).map_err(protocol_error)?;
    dry_run::print(out, &http_request);
    Ok(())
}

/// Maps a failure of `to_request`. Building a request only ever fails validation (naming the
/// field, e.g. `baseUrl`); any other kind is kept as a message.
fn protocol_error(err: idenfy::ProtocolError) -> CliError {
    match err {
        idenfy::ProtocolError::Validation(err) => CliError::Validation(err),
        other => CliError::Request(other.to_string()),
    }
}
