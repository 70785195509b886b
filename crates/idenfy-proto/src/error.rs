//! The error model (R6): one type per concern, all of them free of secrets.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::error::Error as StdError;
use std::fmt;
use std::sync::{Arc, OnceLock};

use http::StatusCode;

use crate::decode::{Any, Hooks, Lenient, Outcome, model};
use crate::enums::ErrorIdentifier;
use crate::extra::ExtraFields;
use crate::retry::TransportErrorKind;

/// Any failure of an iDenfy call, whoever reports it: this crate (an invalid value, an error
/// answer, an unreadable body) or the layer that carries the bytes (the transport). The `idenfy`
/// client returns this same type, so nothing is converted on the way up.
///
/// Each kind is distinct (R6): nothing was sent ([`Error::Validation`]), the API said no
/// ([`Error::Api`]), the answer could not be read ([`Error::Decode`]), the bytes did not make
/// it ([`Error::Transport`]), or a webhook was not signed by iDenfy ([`Error::Signature`]). No variant's `Display` or `Debug` contains the API secret, a
/// webhook key or the `Authorization` header.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A value was refused before anything was sent.
    #[error(transparent)]
    Validation(#[from] ValidationError),
    /// The API answered with an error (a non-2xx status).
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The API answered with a success status, but the body could not be decoded.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// The request or its response could not be carried.
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// A webhook's signature is missing, malformed or wrong; its body was not parsed (R8).
    #[error(transparent)]
    Signature(#[from] crate::webhook::SignatureError),
    /// Something that checked inputs cannot cause went wrong: a bug in this library, never a
    /// problem with a value the caller gave (those are [`Error::Validation`]).
    #[error(transparent)]
    Internal(#[from] InternalError),
}

impl Error {
    /// The API error, if the server answered with one.
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(error) => Some(error),
            _ => None,
        }
    }
}

/// A value refused by client-side validation, naming the wire field and the rule it broke.
///
/// The offending value itself is never part of the error: it may be personal data (R10).
///
/// ```
/// use idenfy_proto::{Rule, TokenRequest};
/// let err = TokenRequest::builder("").build().unwrap_err();
/// assert_eq!(err.field(), "clientId");
/// assert_eq!(err.rule(), &Rule::Length { min: 1, max: 100, actual: 0 });
/// assert_eq!(err.to_string(), "clientId: must be 1 to 100 characters long, got 0");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {rule}")]
pub struct ValidationError {
    field: Cow<'static, str>,
    rule: Rule,
}

impl ValidationError {
    /// An error for `field` (its wire name, e.g. `sessionLength`) breaking `rule`.
    pub fn new(field: impl Into<Cow<'static, str>>, rule: Rule) -> Self {
        Self {
            field: field.into(),
            rule,
        }
    }

    /// The wire name of the refused field (`clientId`, `sessionLength`, …), or the name of the
    /// configuration item (`baseUrl`, `apiKey`, …).
    pub fn field(&self) -> &str {
        &self.field
    }

    /// The rule that was broken.
    pub fn rule(&self) -> &Rule {
        &self.rule
    }

    pub(crate) fn with_field(mut self, field: impl Into<Cow<'static, str>>) -> Self {
        self.field = field.into();
        self
    }
}

/// A validation rule, as reported by [`ValidationError::rule`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rule {
    /// A field that must be present is missing.
    Required,
    /// The length in Unicode scalar values (`chars()`) is outside `min..=max`.
    Length {
        /// Smallest accepted length.
        min: usize,
        /// Largest accepted length.
        max: usize,
        /// The length that was given.
        actual: usize,
    },
    /// A number is outside `min..=max`.
    Range {
        /// Smallest accepted value.
        min: i64,
        /// Largest accepted value.
        max: i64,
        /// The value that was given.
        actual: i64,
    },
    /// A person's name contains a digit or one of the characters iDenfy forbids in names.
    NameCharacter {
        /// The first offending character.
        character: char,
    },
    /// A character that is not allowed in this value.
    ForbiddenCharacter {
        /// The first offending character.
        character: char,
    },
    /// Not an absolute `http` or `https` URL.
    NotAWebUrl,
    /// An `http` URL where `https` is required (plain `http` is accepted only for loopback
    /// hosts, or with an explicit opt-in where one exists).
    InsecureUrl,
    /// A URL with parts that are not allowed here (user name, password, query or fragment).
    UrlParts,
    /// Not an officially assigned ISO 3166-1 alpha-2 country code.
    CountryCode,
    /// Not a language tag of the form `[a-z]{2}` optionally followed by `-` or `_` and letters.
    LocaleFormat,
    /// Not a valid calendar date written `YYYY-MM-DD`.
    DateFormat,
    /// Not one of the accepted values.
    OneOf {
        /// The accepted values.
        allowed: &'static [&'static str],
    },
    /// An extra field whose key is one of the typed fields of the request; set it through its
    /// own setter instead.
    CollidesWithTypedField,
    /// Not valid in an HTTP header.
    HeaderValue,
    /// A JSON value of the wrong type (a number where a string is expected, …).
    WrongType {
        /// What was expected: `a string`, `an integer`, `a boolean`, `a list of strings`.
        expected: &'static str,
    },
    /// Larger than the API accepts, in bytes (an uploaded image, a request body).
    TooLarge {
        /// The largest accepted size.
        max: u64,
        /// The size that was given; `None` when reading stopped at the limit.
        actual: Option<u64>,
    },
    /// `.` or `..`: the value is a segment of the request's path, where these would name
    /// another path.
    DotSegment,
    /// Not a UUID written as 32 hexadecimal digits grouped 8-4-4-4-12.
    Uuid,
    /// Arrays and objects nested more levels deep than accepted (an extra field's value).
    TooDeep {
        /// The most levels accepted.
        max: usize,
    },
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Required => f.write_str("is required"),
            Rule::Length { min, max, actual } if *min == 0 => {
                write!(f, "must be at most {max} characters long, got {actual}")
            }
            Rule::Length { min, max, actual } => {
                write!(f, "must be {min} to {max} characters long, got {actual}")
            }
            Rule::Range { min, max, actual } => {
                write!(f, "must be between {min} and {max} inclusive, got {actual}")
            }
            Rule::NameCharacter { character } => write!(
                f,
                "must not contain digits or any of {}, found {character:?}",
                crate::types::NAME_FORBIDDEN_CHARS
            ),
            Rule::ForbiddenCharacter { character } => {
                write!(f, "must not contain the character {character:?}")
            }
            Rule::NotAWebUrl => f.write_str("must be an absolute http or https URL"),
            Rule::InsecureUrl => {
                f.write_str("must use https (plain http is accepted only for loopback hosts)")
            }
            Rule::UrlParts => {
                f.write_str("must not contain a user name, password, query or fragment")
            }
            Rule::CountryCode => {
                f.write_str("must be an officially assigned ISO 3166-1 alpha-2 country code")
            }
            Rule::LocaleFormat => f.write_str(
                "must be a language tag of 2 to 7 characters: two lower-case letters, \
                 optionally followed by '-' or '_' and letters (e.g. en, lt, pt-BR)",
            ),
            Rule::DateFormat => f.write_str("must be a valid calendar date written YYYY-MM-DD"),
            Rule::OneOf { allowed } => write!(f, "must be one of {}", allowed.join(", ")),
            Rule::CollidesWithTypedField => f.write_str(
                "is a typed field of the request and cannot be set as an extra field; \
                 use its own setter",
            ),
            Rule::HeaderValue => f.write_str("must be visible ASCII, valid in an HTTP header"),
            Rule::WrongType { expected } => write!(f, "must be {expected}"),
            Rule::TooLarge { max, actual } => match actual {
                Some(actual) => write!(f, "must be at most {max} bytes, got {actual}"),
                None => write!(f, "must be at most {max} bytes, got more"),
            },
            Rule::DotSegment => {
                f.write_str("must not be `.` or `..` (it is a segment of the request's path)")
            }
            Rule::Uuid => f.write_str("must be a UUID (32 hexadecimal digits grouped 8-4-4-4-12)"),
            Rule::TooDeep { max } => {
                write!(
                    f,
                    "must not nest arrays and objects more than {max} levels deep"
                )
            }
        }
    }
}

/// The message of an API error: usually a string, sometimes a JSON structure.
///
/// `Display` and `Debug` hide what has the shape of personal data or a secret (e-mail
/// addresses, numbers of 6 or more digits, long tokens; R10), as for a quoted body; the
/// variants hold the message as received.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub enum ErrorMessage {
    /// The usual form: a human-readable sentence.
    Text(String),
    /// Any other JSON value (some iDenfy APIs send `{field: [messages]}`).
    Json(serde_json::Value),
}

impl fmt::Display for ErrorMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorMessage::Text(text) => f.write_str(&scrub_shapes(text)),
            ErrorMessage::Json(value) => f.write_str(&scrub_shapes(&value.to_string())),
        }
    }
}

impl fmt::Debug for ErrorMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (variant, text) = match self {
            ErrorMessage::Text(text) => ("Text", scrub_shapes(text)),
            ErrorMessage::Json(value) => ("Json", scrub_shapes(&value.to_string())),
        };
        f.debug_tuple(variant).field(&text).finish()
    }
}

/// An error answer of the API (R6): any response whose status is not 2xx.
///
/// Everything the server said is kept: the HTTP status, the `identifier` (known values as
/// variants of [`ErrorIdentifier`], anything else verbatim), the `message` (string or JSON),
/// `documentation`, `severity`, and the raw body when it was not a JSON error object.
///
/// `Display` and `Debug` quote such a raw body short (200 characters) and escaped, with what the
/// library recognises as personal data or a secret replaced by `[redacted]` (R10): the values of
/// the fields its models mark [`Personal`](crate::Personal), of keys naming a secret
/// (`authToken`, …), e-mail addresses, long numbers and token-like words.
/// [`ApiError::raw_body`] returns the bytes as received.
///
/// ```
/// use idenfy_proto::ApiError;
/// use idenfy_proto::http::StatusCode;
/// let body = br#"<pre>{"docFirstName": "JONAS", "docNumber": "AB1234567", "status": "x"#;
/// let err = ApiError::from_response(StatusCode::BAD_GATEWAY, body);
/// assert_eq!(
///     err.to_string(),
///     r#"iDenfy answered HTTP 502 Bad Gateway (body: "<pre>{\"docFirstName\": \"[redacted]\", \"docNumber\": \"[redacted]\", \"status\": \"x")"#
/// );
/// assert_eq!(err.raw_body(), Some(&body[..]));
/// ```
#[derive(Clone, PartialEq)]
pub struct ApiError(Box<ApiErrorInner>);

#[derive(Debug, Clone, PartialEq)]
struct ApiErrorInner {
    status: StatusCode,
    identifier: Option<ErrorIdentifier>,
    message: Option<ErrorMessage>,
    documentation: Option<String>,
    severity: Option<String>,
    raw_body: Option<Vec<u8>>,
    extra: ExtraFields,
}

model! {
    /// The fields of an error body (R6), as the decoding engine reads them.
    #[derive(Debug, Default)]
    pub(crate) struct ErrorFields / ErrorFieldsDraft (nulls = false) {
        /// `identifier`, as a string: every string is an identifier, `""` included.
        opt identifier: String = "identifier",
        /// `message`: a string, or any JSON value.
        opt message: ErrorMessage = "message",
        /// `documentation`.
        opt documentation: String = "documentation",
        /// `severity`.
        opt severity: String = "severity",
    }
}

impl Hooks for ErrorFieldsDraft {}

/// Any value but `null` is a message: a string as text, anything else as JSON.
impl Lenient for ErrorMessage {
    const ACCEPTS_ALL: bool = true;

    const MAY_REFUSE: bool = false;

    fn from_any(any: Any<'_>) -> Outcome<Self> {
        match any {
            Any::Null => Outcome::Absent,
            Any::Str(text) => Outcome::Fit(ErrorMessage::Text(text.into_owned())),
            other => Outcome::Fit(ErrorMessage::Json(other.into_value())),
        }
    }

    fn accepts(_any: &Any<'_>) -> bool {
        true
    }
}

impl serde::Serialize for ErrorMessage {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            ErrorMessage::Text(text) => serializer.serialize_str(text),
            ErrorMessage::Json(value) => value.serialize(serializer),
        }
    }
}

/// Longest raw body quoted in an [`ApiError`]'s `Display`.
const DISPLAY_BODY_LIMIT: usize = 200;

impl ApiError {
    /// Builds the error for a non-2xx response from its status and body.
    ///
    /// A JSON object body is read for `identifier`, `message`, `documentation` and `severity`
    /// (each optional, each tolerant of unexpected types); any other body is kept raw.
    pub fn from_response(status: StatusCode, body: &[u8]) -> Self {
        let mut error = ApiErrorInner {
            status,
            identifier: None,
            message: None,
            documentation: None,
            severity: None,
            raw_body: None,
            extra: ExtraFields::default(),
        };
        // Read by the decoding engine, field by field (R7): an odd value is kept in `extra`.
        match crate::decode::from_slice::<ErrorFieldsDraft>(body) {
            Ok(fields) => {
                error.identifier = fields.identifier.map(ErrorIdentifier::from);
                error.message = fields.message;
                error.documentation = fields.documentation;
                error.severity = fields.severity;
                error.extra = fields.extra;
                if error.identifier.is_none() && error.message.is_none() {
                    error.raw_body = Some(body.to_vec());
                }
            }
            Err(_) if body.is_empty() => {}
            Err(_) => error.raw_body = Some(body.to_vec()),
        }
        Self(Box::new(error))
    }

    /// The fields of the error body this version does not model, and values of the modelled
    /// ones that did not fit their type (R7: kept, named by
    /// [`ExtraFields::fallbacks`](crate::ExtraFields::fallbacks)). `Debug` shows their keys only.
    pub fn extra(&self) -> &ExtraFields {
        &self.0.extra
    }

    /// The HTTP status of the response.
    pub fn status(&self) -> StatusCode {
        self.0.status
    }

    /// The `identifier` field (`BAD_VALUE`, `UNAUTHORIZED`, `PARTNER_ERROR`, …), if the body
    /// had one.
    pub fn identifier(&self) -> Option<&ErrorIdentifier> {
        self.0.identifier.as_ref()
    }

    /// The `message` field, if the body had one.
    pub fn message(&self) -> Option<&ErrorMessage> {
        self.0.message.as_ref()
    }

    /// The `documentation` field (a URL or an empty string), if the body had one.
    pub fn documentation(&self) -> Option<&str> {
        self.0.documentation.as_deref()
    }

    /// The `severity` field (`NOT_SEVERE` is the only value seen), if the body had one.
    pub fn severity(&self) -> Option<&str> {
        self.0.severity.as_deref()
    }

    /// The body as received, when it was not a JSON error object (HTML from a proxy, plain
    /// text, …). `None` for an empty body or a decoded JSON error.
    pub fn raw_body(&self) -> Option<&[u8]> {
        self.0.raw_body.as_deref()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "iDenfy answered HTTP {}", self.0.status)?;
        if let Some(identifier) = &self.0.identifier {
            write!(f, " {identifier}")?;
        }
        if let Some(message) = &self.0.message {
            write!(f, ": {message}")?;
        }
        if let Some(raw) = &self.0.raw_body {
            write!(f, " (body: {:?})", quote_body(raw))?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // As `Display` quotes it: short and scrubbed of what the library recognises as personal
        // data or a secret (R10); `raw_body()` has the bytes as received.
        let raw_body = self.0.raw_body.as_deref().map(quote_body);
        f.debug_struct("ApiError")
            .field("status", &self.0.status)
            .field("identifier", &self.0.identifier)
            .field("message", &self.0.message)
            .field("documentation", &self.0.documentation)
            .field("severity", &self.0.severity)
            .field("raw_body", &raw_body)
            .field("extra", &self.0.extra)
            .finish()
    }
}

/// What kind of decoding failure a [`DecodeError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The body was empty where a document was expected.
    Empty,
    /// The body is not JSON.
    Syntax,
    /// The body is JSON, but a value has the wrong type or a required field is missing.
    Data,
    /// The body is not of the expected media type (e.g. a PDF was expected).
    MediaType,
    /// Any other failure to make sense of a response.
    Other,
}

/// A success response whose body could not be decoded, with the JSON path of the failure.
///
/// Decoding is lenient per field (R7), so this happens only for a body that is empty or not
/// JSON, a top level that is not an object, or a missing required field. The message never
/// quotes a received value (R10). When a required field is missing, the required fields that
/// did decode are kept: a token answer without `scanRef` still yields its `authToken`
/// ([`DecodeError::auth_token`]) and one without `authToken` its `scanRef`
/// ([`DecodeError::scan_ref`]), since the token was created and paid for (R4).
///
/// ```
/// use idenfy_proto::{Endpoint, Error, TokenRequest};
/// let request = TokenRequest::builder("customer-42").build()?;
/// let body = br#"{"authToken":{"unexpected":true},"scanRef":"9b11acb2-8c27-11e9-9758-309c231b1bac"}"#;
/// let response = http::Response::builder().status(201).body(&body[..])?;
/// let Err(Error::Decode(error)) = request.parse(response) else { panic!("expected an error") };
/// assert_eq!(error.path(), Some("authToken"));
/// assert_eq!(error.scan_ref().map(|s| s.as_str()), Some("9b11acb2-8c27-11e9-9758-309c231b1bac"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("could not decode the body{}: {message}", path_suffix(.path))]
pub struct DecodeError {
    kind: DecodeErrorKind,
    path: Option<String>,
    message: String,
    recovered: Option<Box<crate::decode::Recovered>>,
}

fn path_suffix(path: &Option<String>) -> String {
    match path {
        Some(path) => format!(" at `{path}`"),
        None => String::new(),
    }
}

impl DecodeError {
    pub(crate) fn new(kind: DecodeErrorKind, path: Option<String>, message: &str) -> Self {
        Self {
            kind,
            path,
            message: redact_quoted_strings(message),
            recovered: None,
        }
    }

    /// A missing required field, with the required fields that did decode.
    pub(crate) fn missing(missing: &crate::decode::Missing) -> Self {
        let mut error = Self::new(
            DecodeErrorKind::Data,
            Some(missing.first().to_owned()),
            &missing.to_string(),
        );
        let recovered = &missing.recovered;
        if recovered.scan_ref.is_some() || recovered.auth_token.is_some() {
            error.recovered = Some(Box::new(recovered.clone()));
        }
        error
    }

    /// The `scanRef` the body carried, when another required field was missing.
    pub fn scan_ref(&self) -> Option<&crate::ScanRef> {
        self.recovered.as_ref()?.scan_ref.as_ref()
    }

    /// The `authToken` the body carried, when another required field was missing (R4: the
    /// token exists and was paid for). Redacted in `Debug` like every token (R10).
    pub fn auth_token(&self) -> Option<&crate::AuthToken> {
        self.recovered.as_ref()?.auth_token.as_ref()
    }

    /// A failure of kind [`DecodeErrorKind::Other`], for layers above this crate that meet a
    /// response they cannot read.
    pub fn other(message: &str) -> Self {
        Self::new(DecodeErrorKind::Other, None, message)
    }

    /// The kind of failure.
    pub fn kind(&self) -> DecodeErrorKind {
        self.kind
    }

    /// The JSON path of the value that failed (`status.overall`, `documents[2]`, …), for data
    /// errors; `.` is the document itself.
    pub fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }

    /// What went wrong, without the offending string values.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// A failure to exchange bytes with the server: what a transport returns when a request or its
/// response could not be carried. Its [`kind`](TransportError::kind) decides whether a retry is
/// safe (R9): [`TransportErrorKind::Connect`] means the request never reached the server.
///
/// Plain data — a kind and, optionally, the underlying cause — so that it lives here, next to
/// the retry decision that reads it, and any transport (an adapter, a closure, your own HTTP
/// stack) can build one without depending on more than this crate. Cloning shares the cause.
///
/// Transports must not put credentials, header values or bodies into it (R6, R10).
///
/// ```
/// use idenfy_proto::{TransportError, TransportErrorKind};
/// let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
/// let error = TransportError::with_source(TransportErrorKind::Connect, refused);
/// assert!(error.is_connect());
/// assert_eq!(error.to_string(), "could not connect: connection refused");
/// ```
#[derive(Debug, Clone)]
pub struct TransportError {
    kind: TransportErrorKind,
    source: Option<Arc<dyn StdError + Send + Sync>>,
}

impl TransportError {
    /// An error of `kind` with no underlying cause.
    pub fn new(kind: TransportErrorKind) -> Self {
        Self { kind, source: None }
    }

    /// An error of `kind` caused by `source`.
    pub fn with_source(
        kind: TransportErrorKind,
        source: impl Into<Box<dyn StdError + Send + Sync>>,
    ) -> Self {
        Self {
            kind,
            source: Some(Arc::from(source.into())),
        }
    }

    /// The kind of failure.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// Whether the request certainly never reached the server.
    pub fn is_connect(&self) -> bool {
        self.kind == TransportErrorKind::Connect
    }

    /// Whether the call ran out of time.
    pub fn is_timeout(&self) -> bool {
        self.kind == TransportErrorKind::Timeout
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.kind, f)?;
        if let Some(source) = &self.source {
            write!(f, ": {source}")?;
        }
        Ok(())
    }
}

impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|source| source as &(dyn StdError + 'static))
    }
}

/// A failure that checked inputs cannot cause: the library could not assemble something from
/// values it had already validated (the request URI from the configured base URL and an
/// endpoint's path, the JSON body of a request built by its builder, the `Authorization` header
/// from base64). The types this crate uses report such failures in their signatures, but none of
/// them can happen for values that exist; if one ever does, it is a bug in this library, and it
/// is reported as this error rather than blamed on a field the caller gave.
///
/// Its message names what could not be built and never contains a secret or a header value.
#[derive(Debug, Clone)]
pub struct InternalError {
    what: &'static str,
    source: Option<Arc<dyn StdError + Send + Sync>>,
}

impl InternalError {
    /// `what` (`the request URI`, …) could not be built, because of `source`.
    pub(crate) fn new(
        what: &'static str,
        source: impl Into<Box<dyn StdError + Send + Sync>>,
    ) -> Self {
        Self {
            what,
            source: Some(Arc::from(source.into())),
        }
    }

    /// `what` could not be built, for a reason with no error value of its own.
    pub(crate) fn without_source(what: &'static str) -> Self {
        Self { what, source: None }
    }

    /// What could not be built: `the request URI`, `the request body`, `the Authorization
    /// header`.
    pub fn what(&self) -> &str {
        self.what
    }
}

impl fmt::Display for InternalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "internal error: {} could not be built (a bug in idenfy-rs, please report it)",
            self.what
        )?;
        if let Some(source) = &self.source {
            write!(f, ": {source}")?;
        }
        Ok(())
    }
}

impl StdError for InternalError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|source| source as &(dyn StdError + 'static))
    }
}

/// How much of a raw body is read for quoting, in characters: far more than is quoted, so that
/// what is cut off cannot carry a value into the quoted part; bounded, so that quoting a large
/// body costs little.
const SCRUB_SCAN_LIMIT: usize = 4096;

/// What replaces a scrubbed value.
const REDACTED: &str = "[redacted]";

/// A raw error body as [`ApiError`] quotes it: decoded lossily, scrubbed ([`scrub_body`]) and cut
/// to [`DISPLAY_BODY_LIMIT`] characters, with `…` when something was left out. `{:?}` then
/// escapes it, so that no control character reaches a terminal.
fn quote_body(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    let mut chars = text.chars();
    let scanned: String = chars.by_ref().take(SCRUB_SCAN_LIMIT).collect();
    let cut = chars.next().is_some();
    let scrubbed = scrub_body(&scanned);
    let mut quoted: String = scrubbed.chars().take(DISPLAY_BODY_LIMIT).collect();
    if cut || scrubbed.chars().count() > DISPLAY_BODY_LIMIT {
        quoted.push('…');
    }
    quoted
}

/// The wire names the library models as personal data: every field whose type is
/// [`Personal`](crate::Personal) (or a list or map of it) in the answers and webhooks it reads,
/// collected from the model declarations themselves ([`Lenient::personal_fields`]), so that a
/// field marked personal there is scrubbed here with nothing else to update. Normalised as
/// [`normalise_key`] does.
///
/// The roots are the types that hold the others: the token answer (its echo carries the names,
/// dates and numbers of the request), the identification webhook (with the data read from the
/// document), the expiry and video-call webhooks, a video call's answer (a map value, which
/// the walk does not enter), and the answers of the further endpoints (the legacy full status,
/// face authentication, requests for information, video calls).
fn personal_fields() -> &'static BTreeSet<String> {
    static FIELDS: OnceLock<BTreeSet<String>> = OnceLock::new();
    FIELDS.get_or_init(|| {
        let mut fields = BTreeSet::new();
        <crate::TokenResponse as Lenient>::personal_fields(&mut fields);
        <crate::webhook::IdentificationResult as Lenient>::personal_fields(&mut fields);
        <crate::webhook::DocumentExpiration as Lenient>::personal_fields(&mut fields);
        <crate::webhook::VideoCallResult as Lenient>::personal_fields(&mut fields);
        <crate::webhook::VideoCallAnswer as Lenient>::personal_fields(&mut fields);
        // The answers of the further endpoints (R12).
        <crate::FullStatus as Lenient>::personal_fields(&mut fields);
        <crate::FaceAuthSession as Lenient>::personal_fields(&mut fields);
        <crate::FaceAuthTokenResponse as Lenient>::personal_fields(&mut fields);
        <crate::RequestInformationResponse as Lenient>::personal_fields(&mut fields);
        <crate::VideoCallResponse as Lenient>::personal_fields(&mut fields);
        <crate::VideoCallRecord as Lenient>::personal_fields(&mut fields);
        fields.into_iter().map(normalise_key).collect()
    })
}

/// A key as compared: ASCII lower case, without `_` and `-`, so that `docFirstName`,
/// `doc_first_name` and `DOC-FIRST-NAME` are one key.
fn normalise_key(key: &str) -> String {
    key.chars()
        .filter(|c| *c != '_' && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Whether the value of `key` is never quoted: a personal field of the library's models
/// ([`personal_fields`]), or a key that names a secret (one containing `token`, `secret`,
/// `password`, `passwd`, `authorization`, `signature` or `key`: `authToken`, `apiSecret`,
/// `webhookKey`, …).
fn is_sensitive_key(key: &str) -> bool {
    const SECRET_WORDS: [&str; 7] = [
        "token",
        "secret",
        "password",
        "passwd",
        "authorization",
        "signature",
        "key",
    ];
    let key = normalise_key(key);
    personal_fields().contains(&key) || SECRET_WORDS.iter().any(|word| key.contains(word))
}

/// `text` (a body that is not a JSON error object, or a piece of one) with what the library can
/// recognise as personal data or a secret replaced by `[redacted]` (R10):
///
/// - the value after a sensitive key ([`is_sensitive_key`]) written `"key": value`, `'key':
///   value`, `\"key\": \"value\"`, `key: value` or `key=value`: a quoted string to its closing
///   quote, an object or array to its closing bracket, anything else to the next `,` `;` `&` `<`
///   `>` `}` `]` or line end — and in each case to the end of the text when it is cut short;
/// - a quoted string under any other quoted key (`"holder": "…"`), unless the key is one that
///   names what the error is or which verification (`identifier`, `message`, `scanRef`, …): a
///   field no model names may carry anything;
/// - e-mail addresses;
/// - runs of at least 6 digits, which may be split by single `-` `.` `/` or spaces and carry
///   letters at either end, standing as words of their own (document and personal numbers,
///   dates, phone numbers, IP addresses; not the hex groups of a UUID);
/// - words of at least 20 letters and digits mixing both (tokens, keys, digests).
///
/// A `scanRef` (a UUID, whose parts are shorter) is kept: it names the verification, it is not a
/// secret. Everything else is kept as it is; the caller cuts and escapes.
pub(crate) fn scrub_body(text: &str) -> String {
    scrub(text, true)
}

/// [`scrub_body`] without the field names: for an error's message, whose keys name the fields
/// the complaints are about (`{"firstName": ["This field may not be blank."]}`).
fn scrub_shapes(text: &str) -> String {
    scrub(text, false)
}

fn scrub(text: &str, keyed: bool) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut mask = vec![false; chars.len()];
    if keyed {
        mask_keyed_values(&chars, &mut mask);
        mask_cut_start(&chars, &mut mask);
    }
    mask_emails(&chars, &mut mask);
    mask_digit_runs(&chars, &mut mask);
    mask_token_words(&chars, &mut mask);
    let mut out = String::with_capacity(text.len());
    let mut in_mask = false;
    for (c, masked) in chars.iter().zip(&mask) {
        if *masked {
            if !in_mask {
                out.push_str(REDACTED);
            }
        } else {
            out.push(*c);
        }
        in_mask = *masked;
    }
    out
}

/// Marks `from..to` (clamped to the text) as redacted.
fn mark(mask: &mut [bool], from: usize, to: usize) {
    let to = to.min(mask.len());
    if let Some(range) = mask.get_mut(from.min(to)..to) {
        range.fill(true);
    }
}

/// Whether `c` may be part of a key.
fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// Marks the values of sensitive keys ([`scrub_body`], first rule).
fn mask_keyed_values(chars: &[char], mask: &mut [bool]) {
    let at = |i: usize| chars.get(i).copied();
    let mut i = 0;
    while i < chars.len() {
        let starts_word = at(i).is_some_and(is_key_char)
            && !i.checked_sub(1).and_then(at).is_some_and(is_key_char);
        if !starts_word {
            i += 1;
            continue;
        }
        let mut end = i;
        while at(end).is_some_and(is_key_char) {
            end += 1;
        }
        let key: String = chars.get(i..end).unwrap_or_default().iter().collect();
        let quoted = matches!(i.checked_sub(1).and_then(at), Some('"' | '\''));
        i = end;
        let sensitive = is_sensitive_key(&key);
        if !sensitive && !quoted {
            continue;
        }
        // The key's closing quote (`"`, `'`, or `\"` inside an encoded string), then blanks,
        // the separator and blanks.
        let mut k = end;
        if at(k) == Some('\\') {
            k += 1;
        }
        if matches!(at(k), Some('"' | '\'')) {
            k += 1;
        }
        while matches!(at(k), Some(' ' | '\t')) {
            k += 1;
        }
        if !matches!(at(k), Some(':' | '=')) {
            continue;
        }
        k += 1;
        while matches!(at(k), Some(' ' | '\t')) {
            k += 1;
        }
        // A quoted string under a key no model names (`"holder": "…"`): what it holds is
        // unknown, so it is redacted unless the key is one that never carries personal data.
        if !sensitive && (!matches!(at(k), Some('"' | '\'' | '\\')) || is_shown_key(&key)) {
            continue;
        }
        let (from, to) = value_extent(chars, k);
        mark(mask, from, to);
        i = to.max(end);
    }
}

/// Keys whose string values a quoted body shows (what the error is, which verification):
/// every other key's string value is redacted, since an unknown field may carry anything.
fn is_shown_key(key: &str) -> bool {
    const SHOWN: [&str; 14] = [
        "identifier",
        "message",
        "detail",
        "error",
        "errors",
        "title",
        "code",
        "severity",
        "documentation",
        "status",
        "overall",
        "scanref",
        "clientid",
        "type",
    ];
    let key = normalise_key(key);
    SHOWN.contains(&key.as_str())
}

/// A body cut inside a string (`ame":"…` or `rute","lastName":…`, a JSON text without its
/// beginning) starts with the end of a key or a value, whose field is unknown: that end is
/// redacted, and so is the value after it when it was a key.
fn mask_cut_start(chars: &[char], mask: &mut [bool]) {
    let at = |i: usize| chars.get(i).copied();
    let Some(quote) = chars.iter().position(|c| *c == '"') else {
        return;
    };
    let head = chars.get(..quote).unwrap_or_default();
    if head.is_empty()
        || head
            .iter()
            .any(|c| matches!(c, '{' | '[' | ']' | '}' | ':' | ','))
    {
        return;
    }
    let mut k = quote + 1;
    while matches!(at(k), Some(' ' | '\t')) {
        k += 1;
    }
    // JSON goes on after the quote; other text with a quote in it is no cut string.
    if !matches!(at(k), Some(':' | ',' | '}' | ']')) {
        return;
    }
    // An escaped quote (`\"`) ends a string inside a string.
    mark(
        mask,
        0,
        quote.saturating_sub(usize::from(head.last() == Some(&'\\'))),
    );
    if at(k) != Some(':') {
        return;
    }
    k += 1;
    while matches!(at(k), Some(' ' | '\t')) {
        k += 1;
    }
    let (from, to) = value_extent(chars, k);
    mark(mask, from, to);
}

/// The characters of the value that starts at `k` (quotes excluded), as `from..to`.
fn value_extent(chars: &[char], k: usize) -> (usize, usize) {
    let at = |i: usize| chars.get(i).copied();
    match at(k) {
        // An encoded string inside a string: `\"value\"`.
        Some('\\') if at(k + 1) == Some('"') => {
            let from = k + 2;
            let mut j = from;
            while j < chars.len() && !(at(j) == Some('\\') && at(j + 1) == Some('"')) {
                j += 1;
            }
            (from, j)
        }
        Some(quote @ ('"' | '\'')) => {
            let from = k + 1;
            let mut j = from;
            while let Some(c) = at(j) {
                match c {
                    '\\' => j += 2,
                    _ if c == quote => break,
                    _ => j += 1,
                }
            }
            (from, j.min(chars.len()))
        }
        Some('{' | '[') => {
            let mut depth = 0_usize;
            let mut in_string = false;
            let mut j = k;
            while let Some(c) = at(j) {
                match c {
                    '\\' if in_string => j += 1,
                    '"' => in_string = !in_string,
                    '{' | '[' if !in_string => depth += 1,
                    '}' | ']' if !in_string => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            return (k, j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            (k, chars.len())
        }
        _ => {
            let mut j = k;
            // A `<` ends the value only where a markup tag starts: an MRZ line uses `<` as
            // its filler (`P<LTUJONAS<<PETRAITIS`) and must be redacted whole.
            while at(j).is_some_and(|c| match c {
                '<' => !tag_starts(chars, j),
                ',' | ';' | '&' | '>' | '}' | ']' | '"' | '\'' | '\n' | '\r' => false,
                _ => true,
            }) {
                j += 1;
            }
            // Trailing blanks are not part of the value; `null`, `true` and `false` say nothing.
            let mut to = j;
            while to > k && at(to - 1).is_some_and(char::is_whitespace) {
                to -= 1;
            }
            let word: String = chars.get(k..to).unwrap_or_default().iter().collect();
            if matches!(word.as_str(), "null" | "true" | "false") {
                return (k, k);
            }
            (k, to)
        }
    }
}

/// Whether a markup tag (`<td>`, `</b>`, `<br/>`, `<!--`) starts at `chars[i]`, a `<`.
fn tag_starts(chars: &[char], i: usize) -> bool {
    let at = |i: usize| chars.get(i).copied();
    let mut j = i + 1;
    match at(j) {
        Some('/' | '!') => return true,
        Some(c) if c.is_ascii_alphabetic() => {}
        _ => return false,
    }
    while at(j).is_some_and(|c| c.is_ascii_alphanumeric()) {
        j += 1;
    }
    matches!(at(j), None | Some('>' | '/' | ' ' | '\t' | '\n' | '\r'))
}

/// Marks e-mail addresses: `local@domain.tld`.
fn mask_emails(chars: &[char], mask: &mut [bool]) {
    let at = |i: usize| chars.get(i).copied();
    let local = |c: char| c.is_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-');
    let domain = |c: char| c.is_alphanumeric() || matches!(c, '.' | '-');
    for (i, c) in chars.iter().enumerate() {
        if *c != '@' {
            continue;
        }
        let mut from = i;
        while from > 0 && at(from - 1).is_some_and(local) {
            from -= 1;
        }
        let mut to = i + 1;
        while at(to).is_some_and(domain) {
            to += 1;
        }
        let host: String = chars.get(i + 1..to).unwrap_or_default().iter().collect();
        let host = host.trim_end_matches('.');
        let has_tld = host.rsplit_once('.').is_some_and(|(name, tld)| {
            !name.is_empty() && tld.chars().count() >= 2 && tld.chars().all(char::is_alphabetic)
        });
        if from < i && has_tld {
            mark(mask, from, to);
        }
    }
}

/// Marks runs of at least 6 digits ([`scrub_body`], third rule).
fn mask_digit_runs(chars: &[char], mask: &mut [bool]) {
    const MIN_DIGITS: usize = 6;
    let at = |i: usize| chars.get(i).copied();
    let digit = |i: usize| at(i).is_some_and(|c| c.is_ascii_digit());
    let mut i = 0;
    while i < chars.len() {
        if !digit(i) || i.checked_sub(1).is_some_and(digit) {
            i += 1;
            continue;
        }
        let mut end = i;
        let mut digits = 0_usize;
        loop {
            if digit(end) {
                digits += 1;
                end += 1;
            } else if matches!(at(end), Some('-' | '.' | '/' | ' ')) && digit(end + 1) {
                end += 1;
            } else {
                break;
            }
        }
        if digits >= MIN_DIGITS {
            let mut from = i;
            if from > 0 && at(from - 1) == Some('+') {
                from -= 1;
            }
            while from > 0 && at(from - 1).is_some_and(|c| c.is_ascii_alphabetic()) {
                from -= 1;
            }
            let mut to = end;
            while at(to).is_some_and(|c| c.is_ascii_alphabetic()) {
                to += 1;
            }
            // A whole word (or words): not digits inside a longer mix such as the hex groups
            // of a UUID.
            let alnum = |i: Option<char>| i.is_some_and(char::is_alphanumeric);
            if !alnum(from.checked_sub(1).and_then(at)) && !alnum(at(to)) {
                mark(mask, from, to);
            }
        }
        i = end;
    }
}

/// Marks words of at least 20 ASCII letters and digits that mix both ([`scrub_body`], fourth
/// rule).
fn mask_token_words(chars: &[char], mask: &mut [bool]) {
    const MIN_LEN: usize = 20;
    let mut i = 0;
    while i < chars.len() {
        let mut end = i;
        while chars.get(end).is_some_and(char::is_ascii_alphanumeric) {
            end += 1;
        }
        if end == i {
            i += 1;
            continue;
        }
        let word = chars.get(i..end).unwrap_or_default();
        if word.len() >= MIN_LEN
            && word.iter().any(char::is_ascii_digit)
            && word.iter().any(char::is_ascii_alphabetic)
        {
            mark(mask, i, end);
        }
        i = end;
    }
}

/// Replaces the contents of every `string "…"` quoted by serde in `message` with `[redacted]`.
fn redact_quoted_strings(message: &str) -> String {
    const MARKER: &str = "string \"";
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some((before, quoted)) = rest.split_once(MARKER) {
        out.push_str(before);
        out.push_str(MARKER);
        let mut escaped = false;
        let mut closed = false;
        let mut chars = quoted.chars();
        for c in chars.by_ref() {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => {
                    closed = true;
                    break;
                }
                _ => {}
            }
        }
        out.push_str("[redacted]");
        // The closing quote, or one to close an unterminated string.
        out.push('"');
        // After the closing quote; an unterminated string runs to the end of the message.
        rest = if closed { chars.as_str() } else { "" };
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r10_personal_fields_come_from_the_models() {
        let fields = personal_fields();
        for personal in [
            // The token answer's echo of the request.
            "firstname",
            "lastname",
            "dateofbirth",
            "personalnumber",
            "documentnumber",
            "address",
            "redirecturl",
            "digitstring",
            // The data read from the document, in answers and webhooks.
            "docfirstname",
            "doclastname",
            "docnumber",
            "docpersonalcode",
            "docdob",
            "fullname",
            // Webhooks.
            "clientip",
            "clientlocation",
            "fileurls",
            "amlcheck",
            "documentexpiration",
            "answer",
        ] {
            assert!(fields.contains(personal), "{personal} not in {fields:?}");
        }
        for not_personal in ["scanref", "clientid", "status", "identifier", "message"] {
            assert!(!fields.contains(not_personal), "{not_personal}");
        }
    }

    #[test]
    fn r10_every_personal_field_is_scrubbed_in_every_shape() {
        const VALUE: &str = "Zqxvalue";
        for field in personal_fields() {
            for body in [
                format!(r#"{{"{field}": "{VALUE}", "x": 1}}"#),
                format!(r#"{{'{field}':'{VALUE}'}}"#),
                format!(r#""{{\"{field}\":\"{VALUE}\"}}""#),
                format!("<p>{field}={VALUE}&next=1</p>"),
                format!("{field}: {VALUE}\nnext"),
                format!(r#"{{"{field}": {{"nested": ["{VALUE}"]}}}}"#),
                format!(r#"{{"{field}": ["{VALUE}", 1]}}"#),
                format!(r#"{{"{field}": "{VALUE}"#),
                format!(r#"{{"{field}" : "a\"{VALUE}"}}"#),
            ] {
                let scrubbed = scrub_body(&body);
                assert!(!scrubbed.contains(VALUE), "{body} -> {scrubbed}");
                assert!(scrubbed.contains(REDACTED), "{body} -> {scrubbed}");
            }
        }
    }

    #[test]
    fn r10_scrubbing_keeps_what_is_not_recognised() {
        let html = "<html><head><title>502 Bad Gateway</title></head>\n<body><h1>502 Bad \
                    Gateway</h1> nginx/1.25.3 Request id 7f3a-22c1, scanRef \
                    9b11acb2-8c27-11e9-9758-309c231b1bac</body></html>";
        assert_eq!(scrub_body(html), html);
        assert_eq!(
            scrub_body(r#"{"clientId":"c-1","status":"x","firstName":null}"#),
            r#"{"clientId":"c-1","status":"x","firstName":null}"#
        );
        assert_eq!(
            scrub_body("Token has not expired yet."),
            "Token has not expired yet."
        );
    }

    #[test]
    fn r10_scrubbing_finds_what_needs_no_field_name() {
        for (body, expected) in [
            (
                "contact jonas.jonaitis+kyc@example.co.uk now",
                "contact [redacted] now",
            ),
            ("code 38001011234.", "code [redacted]."),
            ("document AB1234567 seen", "document [redacted] seen"),
            (
                "born 1980-01-01, ip 192.168.100.20",
                "born [redacted], ip [redacted]",
            ),
            ("call +370 612 34567", "call [redacted]"),
            (
                "/api/v2/redirect?authToken=k8ZHmYqeH0pOLlK9MEbvX1Ac3q",
                "/api/v2/redirect?authToken=[redacted]",
            ),
            (
                "token k8ZHmYqeH0pOLlK9MEbvX1Ac3q end",
                "token [redacted] end",
            ),
            (
                r#"{"apiSecret":"s","webhook_key":"k","Authorization":"Basic QUJD"}"#,
                r#"{"apiSecret":"[redacted]","webhook_key":"[redacted]","Authorization":"[redacted]"}"#,
            ),
            ("HTTP 502, 12345 bytes", "HTTP 502, 12345 bytes"),
        ] {
            assert_eq!(scrub_body(body), expected, "{body}");
        }
    }

    #[test]
    fn r10_a_string_under_a_key_no_model_names_is_redacted() {
        let scrubbed = scrub_body(
            r#"{"identifier":"BAD_VALUE","holder":"Zqbas","extra":{"mrz":"P<LTUZqbas"},"n":3}"#,
        );
        assert_eq!(
            scrubbed,
            r#"{"identifier":"BAD_VALUE","holder":"[redacted]","extra":{"mrz":"[redacted]"},"n":3}"#
        );
        // Keys that say what the error is stay readable; unquoted `key: value` text is not JSON
        // and keeps to the sensitive keys.
        assert_eq!(
            scrub_body(r#"{'message': 'Bad value', "scanRef": "7c0e"} note: kept"#),
            r#"{'message': 'Bad value', "scanRef": "7c0e"} note: kept"#
        );
    }

    #[test]
    fn r10_an_mrz_line_is_redacted_whole_while_markup_still_ends_a_value() {
        let scrubbed =
            scrub_body("<td>mrz_string: P<LTUJONAIT<<JONAS<<<<<<<<<<<<<<<<<<<<<</td> <b>x</b>");
        assert!(!scrubbed.contains("JONAS"), "{scrubbed}");
        assert!(!scrubbed.contains("LTUJONAIT"), "{scrubbed}");
        assert!(scrubbed.ends_with("</td> <b>x</b>"), "{scrubbed}");
        assert!(tag_starts(&['<', 'b', 'r', '/', '>'], 0));
        assert!(!tag_starts(&['<', '<', 'J'], 0));
    }

    #[test]
    fn r10_quoted_bodies_are_scrubbed_then_cut() {
        let body = format!(r#"{{"docNumber":"ZQX1","message":"{}"}}"#, "p".repeat(300));
        let quoted = quote_body(body.as_bytes());
        assert!(
            quoted.starts_with(r#"{"docNumber":"[redacted]","message":"ppp"#),
            "{quoted}"
        );
        assert_eq!(quoted.chars().count(), DISPLAY_BODY_LIMIT + 1);
        assert!(quoted.ends_with('…'));
        // A value cut off at the end of what is read is redacted to the end.
        let body = format!(
            "{}\"firstName\": \"Zqx{}",
            "x ".repeat(50),
            "y".repeat(SCRUB_SCAN_LIMIT)
        );
        let quoted = quote_body(body.as_bytes());
        assert!(!quoted.contains("Zqx"), "{quoted}");
        let err = ApiError::from_response(StatusCode::BAD_GATEWAY, body.as_bytes());
        assert!(!err.to_string().contains("Zqx"), "{err}");
        assert!(!format!("{err:?}").contains("Zqx"), "{err:?}");
        assert_eq!(err.raw_body(), Some(body.as_bytes()));
    }

    #[test]
    fn redacts_quoted_strings() {
        assert_eq!(
            redact_quoted_strings(r#"invalid type: string "Jonas \"J\" P", expected u64"#),
            r#"invalid type: string "[redacted]", expected u64"#
        );
        assert_eq!(
            redact_quoted_strings("missing field `scanRef`"),
            "missing field `scanRef`"
        );
        assert_eq!(
            redact_quoted_strings(r#"a string "x" and string "y"#),
            r#"a string "[redacted]" and string "[redacted]""#
        );
    }
}
