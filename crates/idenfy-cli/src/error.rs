//! What can make a command fail, and the exit code each failure stands for (`spec/CLI.md`).
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | the other side said no (API error, signature that does not verify, unparsable body) |
//! | 2 | usage or validation error, before anything is sent |
//! | 3 | transport failure |
//!
//! Codes 1 and 3 arrive with the commands that send requests; they slot in here as variants.

use idenfy::ValidationError;

/// Exit code of a usage or validation error: nothing was sent.
pub(crate) const EXIT_USAGE: u8 = 2;

/// A command's failure. No variant ever holds the API secret (R10).
#[derive(Debug)]
pub(crate) enum CliError {
    /// A value the library refused: names the wire field and the rule (exit 2).
    Validation(ValidationError),
    /// The command cannot do what was asked in this build, e.g. send a request without an HTTP
    /// adapter (exit 2: nothing was sent).
    Unsupported(&'static str),
    /// The request could not be built for a reason other than a refused value; the library
    /// never reports one today, but a new kind is shown rather than lost (exit 2: nothing was
    /// sent).
    Request(String),
}

impl CliError {
    /// The process exit code for this failure.
    pub(crate) fn exit_code(&self) -> u8 {
        match self {
            CliError::Validation(_) | CliError::Unsupported(_) | CliError::Request(_) => EXIT_USAGE,
        }
    }

    /// The `kind` reported in the `--json` error document.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            CliError::Validation(_) => "validation",
            CliError::Unsupported(_) => "unsupported",
            CliError::Request(_) => "request",
        }
    }

    /// The wire field the failure is about, if any.
    pub(crate) fn field(&self) -> Option<&str> {
        match self {
            CliError::Validation(err) => Some(err.field()),
            CliError::Unsupported(_) | CliError::Request(_) => None,
        }
    }

    /// What went wrong, without the field name (for the `--json` error document).
    pub(crate) fn message(&self) -> String {
        match self {
            CliError::Validation(err) => err.rule().to_string(),
            CliError::Unsupported(message) => (*message).to_owned(),
            CliError::Request(message) => message.clone(),
        }
    }

    /// The whole human-readable message: `field: rule` for a validation error.
    pub(crate) fn human(&self) -> String {
        match self {
            CliError::Validation(err) => err.to_string(),
            CliError::Unsupported(message) => (*message).to_owned(),
            CliError::Request(message) => message.clone(),
        }
    }
}

impl From<ValidationError> for CliError {
    fn from(err: ValidationError) -> Self {
        CliError::Validation(err)
    }
}
