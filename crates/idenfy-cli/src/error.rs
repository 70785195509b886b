//! What can make a command fail, and the exit code each failure stands for (`spec/CLI.md`).
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | the other side said no (API error, signature that does not verify, unparsable body), or a local failure after the request was sent |
//! | 2 | usage or validation error, before anything is sent |
//! | 3 | transport failure |
//!

use std::path::Path;

use idenfy::webhook::SignatureError;
use idenfy::{ApiError, DecodeError, TransportError, ValidationError};

use crate::commands::webhook::keys::KeyError;
use crate::convert::InputError;

/// Exit code of a refusal by the other side: a signature that does not verify, a body that
/// cannot be parsed.
pub(crate) const EXIT_REFUSED: u8 = 1;

/// Exit code of a usage or validation error: nothing was sent.
pub(crate) const EXIT_USAGE: u8 = 2;

/// Exit code of a transport failure: connection refused, TLS failure, timeout.
pub(crate) const EXIT_TRANSPORT: u8 = 3;

/// A command's failure. No variant ever holds the API secret or a webhook key (R10).
#[derive(Debug)]
pub(crate) enum CliError {
    /// A value the library refused: names the wire field and the rule (exit 2).
    Validation(ValidationError),
    /// A flag value of the wrong shape (not an integer, not `KEY=JSON`, …), refused by the tool
    /// itself; reported like a refused value (exit 2).
    Input(InputError),
    /// A failure of the library that is neither a refused value, an answer nor a transport
    /// failure: an internal error (a bug: nothing was sent), or a kind this version of the tool
    /// does not know (the library's error is non-exhaustive). Kept whole and shown rather than
    /// lost (exit 2).
    Request(idenfy::Error),
    /// The emulator could not be served: the address is in use, the runtime could not start…
    /// (exit 2: nothing was served).
    Emulator(String),
    /// A webhook key that is empty (R8: it would verify signatures anyone can make), missing,
    /// or in a key file that cannot be read; exit 2. Names where, never the key.
    EmptyKey(KeyError),
    /// A webhook signature that does not verify: wrong, malformed, empty (exit 1). The library's
    /// message never contains a key or the expected signature.
    Signature(SignatureError),
    /// A webhook refused for a reason this version of the tool does not know (the library's
    /// error is non-exhaustive): still a refusal (exit 1), kept whole.
    Webhook(idenfy::Error),
    /// A webhook body that cannot be parsed (exit 1). The library's message never quotes the
    /// body's string values.
    Decode(DecodeError),
    /// A result that could not be written as JSON for `--json`: never expected, the library's
    /// types serialize (exit 1: a local failure after the answer or body was received).
    Print {
        /// What could not be written: `the answer (the request was sent)`, `the event`.
        what: &'static str,
        /// Why.
        source: serde_json::Error,
    },
    /// `idenfy demo` met an answer iDenfy would not give (exit 1).
    Demo {
        /// The step that failed.
        step: &'static str,
        /// What was unexpected.
        reason: String,
    },
    /// iDenfy answered with an error (exit 1).
    Api(ApiError),
    /// The request or its answer could not be carried (exit 3).
    Transport {
        /// What the transport reported.
        error: TransportError,
        /// The host (and port, if given) of the base URL, when known.
        host: Option<String>,
    },
    /// The async runtime could not start (exit 3: nothing was sent).
    Runtime(String),
    /// A command line clap accepts but whose options do not go together (exit 2: nothing sent).
    Usage(String),
    /// A local failure after the request was sent: the answer arrived but could not be written
    /// (exit 1; the message says the request was sent).
    WriteAfterSend {
        /// The path as given, `-` for stdout.
        path: String,
        /// Why it failed.
        source: std::io::Error,
    },
    /// A webhook body that is JSON but not an event: not an object, or an empty one (exit 1).
    NotAnEvent(&'static str),
    /// `identifications --all` failed after `fetched` identifications were listed: reported as
    /// the failure itself (its exit code, kind, field and message), naming how many came before
    /// it; with `--json`, those identifications travel in the error document's `results`.
    Listing {
        /// Why the listing ended.
        error: Box<CliError>,
        /// How many identifications were listed before.
        fetched: usize,
        /// With `--json`, the identifications listed before, as JSON.
        results: Option<Vec<serde_json::Value>>,
    },
    /// A file (or stdin) that cannot be read, or a file that could not be written (exit 2: the
    /// command could not start).
    Io {
        /// `read` or `write`.
        action: &'static str,
        /// The path as given on the command line, or `stdin`.
        path: String,
        /// Why it failed.
        source: std::io::Error,
    },
}

impl CliError {
    /// An unreadable input at `path`; `None` or `-` is stdin.
    pub(crate) fn read(path: Option<&Path>, source: std::io::Error) -> Self {
        let path = match path {
            Some(path) if path != Path::new("-") => path.display().to_string(),
            _ => "stdin".to_owned(),
        };
        CliError::Io {
            action: "read",
            path,
            source,
        }
    }

    /// A file at `path` that cannot be written.
    pub(crate) fn write(path: &Path, source: std::io::Error) -> Self {
        CliError::Io {
            action: "write",
            path: path.display().to_string(),
            source,
        }
    }

    /// The process exit code for this failure.
    pub(crate) fn exit_code(&self) -> u8 {
        match self {
            CliError::Listing { error, .. } => error.exit_code(),
            CliError::Signature(_)
            | CliError::Webhook(_)
            | CliError::Decode(_)
            | CliError::Print { .. }
            | CliError::Api(_)
            | CliError::Demo { .. }
            | CliError::WriteAfterSend { .. }
            | CliError::NotAnEvent(_) => EXIT_REFUSED,
            CliError::Transport { .. } | CliError::Runtime(_) => EXIT_TRANSPORT,
            CliError::Validation(_)
            | CliError::Input(_)
            | CliError::EmptyKey(_)
            | CliError::Request(_)
            | CliError::Emulator(_)
            | CliError::Usage(_)
            | CliError::Io { .. } => EXIT_USAGE,
        }
    }

    /// The `kind` reported in the `--json` error document.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            CliError::Listing { error, .. } => error.kind(),
            CliError::Validation(_) | CliError::Input(_) => "validation",
            CliError::EmptyKey(_) => "key",
            CliError::Request(_) => "request",
            CliError::Emulator(_) => "emulator",
            CliError::Signature(_) => "signature",
            CliError::Webhook(_) => "webhook",
            CliError::Print { .. } => "output",
            CliError::Decode(_) => "decode",
            CliError::Api(_) => "api",
            CliError::Demo { .. } => "demo",
            CliError::Transport { .. } | CliError::Runtime(_) => "transport",
            CliError::Usage(_) => "usage",
            CliError::NotAnEvent(_) => "decode",
            CliError::Io { .. } | CliError::WriteAfterSend { .. } => "io",
        }
    }

    /// The wire field the failure is about, if any: the refused field, or the JSON path of the
    /// value a body failed to decode at.
    pub(crate) fn field(&self) -> Option<&str> {
        match self {
            CliError::Listing { error, .. } => error.field(),
            CliError::Validation(err) => Some(err.field()),
            CliError::Input(err) => Some(err.field()),
            CliError::Decode(err) => err.path(),
            CliError::Demo { step, .. } => Some(step),
            CliError::Request(_)
            | CliError::EmptyKey(_)
            | CliError::Emulator(_)
            | CliError::Signature(_)
            | CliError::Webhook(_)
            | CliError::Print { .. }
            | CliError::Api(_)
            | CliError::Transport { .. }
            | CliError::Runtime(_)
            | CliError::Usage(_)
            | CliError::WriteAfterSend { .. }
            | CliError::NotAnEvent(_)
            | CliError::Io { .. } => None,
        }
    }

    /// What went wrong, without the field name (for the `--json` error document).
    pub(crate) fn message(&self) -> String {
        match self {
            CliError::Listing { error, fetched, .. } => {
                format!("{} ({})", error.message(), listed_before(*fetched))
            }
            CliError::Validation(err) => err.rule().to_string(),
            CliError::Input(err) => err.rule().to_string(),
            CliError::Request(err) => err.to_string(),
            CliError::Emulator(message) => message.clone(),
            CliError::Signature(err) => err.to_string(),
            CliError::Webhook(err) => err.to_string(),
            CliError::Print { what, source } => {
                format!("{what} could not be written as JSON: {source}")
            }
            CliError::EmptyKey(err) => err.to_string(),
            CliError::Decode(err) => decode_message(err),
            CliError::Api(err) => err.to_string(),
            CliError::Transport { error, host } => transport_message(error, host.as_deref()),
            CliError::Runtime(message) => format!("cannot start the async runtime: {message}"),
            CliError::Demo { step, reason } => format!("step {step}: {reason}"),
            CliError::Usage(message) => message.clone(),
            CliError::WriteAfterSend { path, source } => {
                format!(
                    "the request was sent, but its answer could not be written to {path}: {source}"
                )
            }
            CliError::NotAnEvent(reason) => format!("the body is not a webhook event: {reason}"),
            CliError::Io {
                action,
                path,
                source,
            } => format!("cannot {action} {path}: {source}"),
        }
    }

    /// The structured fields of the `--json` error document beyond `kind`, `field` and
    /// `message`: `status` and `identifier` of an API error, `rule` of a refused value, `host`
    /// and `cause` of a transport failure.
    pub(crate) fn details(&self) -> Vec<(&'static str, serde_json::Value)> {
        match self {
            CliError::Listing { error, fetched, .. } => {
                let mut details = error.details();
                details.push(("fetched", (*fetched).into()));
                details
            }
            CliError::Validation(err) => vec![("rule", err.rule().to_string().into())],
            CliError::Input(err) => vec![("rule", err.rule().to_string().into())],
            CliError::Api(err) => {
                let mut details = vec![("status", err.status().as_u16().into())];
                if let Some(identifier) = err.identifier() {
                    details.push(("identifier", identifier.to_string().into()));
                }
                details
            }
            CliError::Transport { error, host } => {
                let mut details = Vec::new();
                if let Some(host) = host {
                    details.push(("host", host.clone().into()));
                }
                details.push(("cause", transport_cause(error).into()));
                details
            }
            _ => Vec::new(),
        }
    }

    /// What was fetched before the failure, for the `--json` error document's `results`.
    pub(crate) fn partial_results(&self) -> Option<&[serde_json::Value]> {
        match self {
            CliError::Listing { results, .. } => results.as_deref(),
            _ => None,
        }
    }

    /// Names the host a transport failure was about (the base URL's).
    pub(crate) fn with_host(self, base_url: &str) -> Self {
        match self {
            CliError::Transport { error, host: None } => CliError::Transport {
                error,
                host: host_of(base_url),
            },
            other => other,
        }
    }

    /// The whole human-readable message: `field: rule` for a validation error, `signature:
    /// reason` for a signature that does not verify, `decode: reason` for a body that cannot be
    /// parsed.
    pub(crate) fn human(&self) -> String {
        match self {
            CliError::Listing { error, fetched, .. } => {
                format!("{} ({})", error.human(), listed_before(*fetched))
            }
            CliError::Validation(err) => err.to_string(),
            CliError::Input(err) => err.to_string(),
            CliError::Signature(_)
            | CliError::Webhook(_)
            | CliError::Decode(_)
            | CliError::Api(_)
            | CliError::Transport { .. }
            | CliError::Runtime(_)
            | CliError::NotAnEvent(_)
            | CliError::Demo { .. } => {
                format!("{}: {}", self.kind(), self.message())
            }
            CliError::Request(_)
            | CliError::EmptyKey(_)
            | CliError::Emulator(_)
            | CliError::Print { .. }
            | CliError::Usage(_)
            | CliError::WriteAfterSend { .. }
            | CliError::Io { .. } => self.message(),
        }
    }
}

/// `after 1 identification was listed`, `after 2 identifications were listed`.
fn listed_before(fetched: usize) -> String {
    if fetched == 1 {
        "after 1 identification was listed".to_owned()
    } else {
        format!("after {fetched} identifications were listed")
    }
}

/// The `host[:port]` of a base URL, if it has one.
fn host_of(base_url: &str) -> Option<String> {
    let uri: idenfy::http::Uri = base_url.parse().ok()?;
    let authority = uri.authority()?;
    Some(authority.as_str().rsplit('@').next()?.to_owned())
}

/// The root cause of a transport failure, in one word: `refused`, `dns`, `tls`, `timeout`,
/// `reset`, `too-large`, or `other`. Read from the error's chain of sources.
pub(crate) fn transport_cause(error: &TransportError) -> &'static str {
    use idenfy::TransportErrorKind;
    if error.kind() == TransportErrorKind::Timeout {
        return "timeout";
    }
    if error.kind() == TransportErrorKind::BodyTooLarge {
        return "too-large";
    }
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(link) = current {
        if link.downcast_ref::<rustls::Error>().is_some() {
            return "tls";
        }
        if let Some(io) = link.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => return "refused",
                std::io::ErrorKind::TimedOut => return "timeout",
                std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::ConnectionAborted => {
                    return "reset";
                }
                _ => {}
            }
        }
        let text = link.to_string().to_ascii_lowercase();
        if text == "dns error" || text.contains("failed to lookup address") {
            return "dns";
        }
        // tokio-rustls reports a peer that hangs up mid-handshake as `tls handshake eof`.
        if text.contains("tls handshake") || text.contains("certificate") {
            return "tls";
        }
        current = link.source();
    }
    "other"
}

/// The deepest source of a transport failure, in its own words (transports never put
/// credentials, headers or bodies into their errors, R10).
fn transport_root(error: &TransportError) -> Option<String> {
    let mut root: Option<&(dyn std::error::Error + 'static)> = None;
    let mut current = std::error::Error::source(error);
    while let Some(link) = current {
        root = Some(link);
        current = link.source();
    }
    root.map(ToString::to_string)
}

/// `could not connect to HOST: connection refused (root cause)`.
fn transport_message(error: &TransportError, host: Option<&str>) -> String {
    let what = error.kind().to_string();
    let what = match host {
        Some(host) => format!("{what} (host {host})"),
        None => what,
    };
    let cause = match transport_cause(error) {
        "refused" => "connection refused",
        "dns" => "the host name could not be resolved (DNS)",
        "tls" => "the TLS handshake failed",
        "timeout" => "timed out",
        "reset" => "the connection was reset",
        "too-large" => "the response was too large",
        _ => "other failure",
    };
    match transport_root(error) {
        Some(root) => format!("{what}: {cause}: {root}"),
        None => format!("{what}: {cause}"),
    }
}

/// A decoding failure in words fit for a webhook body. The library's `Display` speaks of "the
/// response", which a webhook body is not; its parts are reworded here.
fn decode_message(err: &DecodeError) -> String {
    match err.path() {
        Some(path) => format!(
            "the body could not be parsed at `{path}`: {}",
            err.message()
        ),
        None => format!("the body could not be parsed: {}", err.message()),
    }
}

impl From<idenfy::Error> for CliError {
    fn from(err: idenfy::Error) -> Self {
        match err {
            idenfy::Error::Validation(err) => CliError::Validation(err),
            idenfy::Error::Api(err) => CliError::Api(err),
            idenfy::Error::Decode(err) => CliError::Decode(err),
            idenfy::Error::Transport(error) => CliError::Transport { error, host: None },
            // `idenfy::Error` is non-exhaustive: a kind added later is still reported.
            other => CliError::Request(other),
        }
    }
}

impl From<ValidationError> for CliError {
    fn from(err: ValidationError) -> Self {
        CliError::Validation(err)
    }
}

impl From<InputError> for CliError {
    fn from(err: InputError) -> Self {
        CliError::Input(err)
    }
}

impl From<KeyError> for CliError {
    fn from(err: KeyError) -> Self {
        CliError::EmptyKey(err)
    }
}

impl From<SignatureError> for CliError {
    fn from(err: SignatureError) -> Self {
        CliError::Signature(err)
    }
}

impl From<DecodeError> for CliError {
    fn from(err: DecodeError) -> Self {
        CliError::Decode(err)
    }
}
