//! Face authentication of returning users (reference §3.12; R12): whether a person can
//! authenticate by face (`GET /identification/facial-auth/{scanRef}/check-status/`), a token for
//! it (`POST /partner/authentication-info`), and the sessions
//! (`GET /api/v2/facial-authentication-sessions/`, `…/{tokenString}/`).

use std::fmt;

use http::{Request, Response};
use serde::Serialize;
use serde_json::Value;

use crate::config::Config;
use crate::decode::{self, Any, Hooks, Lenient, Outcome, Source, model};
use crate::endpoint::{Endpoint, RetryClass, success_body};
use crate::enums::string_enum;
use crate::error::{DecodeError, DecodeErrorKind, Error, InternalError, Rule, ValidationError};
use crate::secret::{AuthToken, Personal};
use crate::types::{Locale, ScanRef, check_length, check_range};

string_enum! {
    /// What a person can do with face authentication (`type`, reference §3.12, §7.14): the
    /// answer of the status check, and the type of a session.
    pub enum FaceAuthType {
        /// The person can authenticate by face.
        Authentication = "AUTHENTICATION",
        /// The person must go through an identification first (`/api/v2/token`).
        Identification = "IDENTIFICATION",
        /// A session that enrols the person's face.
        Enrollment = "ENROLLMENT",
    }
}

string_enum! {
    /// How a face is authenticated (`method`, `authenticationMethod`; reference §3.12).
    pub enum FaceAuthMethod {
        /// The face is matched against the verified one.
        FaceMatching = "FACE_MATCHING",
        /// Active liveness.
        ActiveLiveness = "ACTIVE_LIVENESS",
    }
}

/// Bounds of `lifetime` of a face-authentication token, in seconds ("default 30 minutes,
/// maximum 30 days"; more than 0, as `expiryTime`).
const TOKEN_LIFETIME: (i64, i64) = (1, 2_592_000);

/// Checks that a method is one this version knows.
fn known_method(value: FaceAuthMethod) -> Result<FaceAuthMethod, ValidationError> {
    crate::token::rules::known("method", value)
}

/// Asks whether the person of the verification `scanRef` can authenticate by face
/// (`GET /identification/facial-auth/{scanRef}/check-status/?method=…`, R12); answers with a
/// [`FaceAuthStatus`]. iDenfy answers `404` for a `scanRef` it does not know (or deleted),
/// which is an [`Error::Api`].
///
/// Read-only, so it may be retried (R9). The `scanRef` is a path segment: 1 to 40 characters,
/// not `.` or `..`, percent-encoded.
///
/// ```
/// use idenfy_proto::{Config, Credentials, Endpoint, FaceAuthStatusRequest, FaceAuthType};
/// let config = Config::new(Credentials::new("key", "secret")?);
/// let request = FaceAuthStatusRequest::new("9b11acb2-8c27-11e9-9758-309c231b1bac")?;
/// assert_eq!(
///     request.to_request(&config)?.uri(),
///     "https://ivs.idenfy.com/identification/facial-auth/9b11acb2-8c27-11e9-9758-309c231b1bac/check-status/?method=FACE_MATCHING"
/// );
/// let response = http::Response::builder().status(200).body(&br#"{"type":"AUTHENTICATION"}"#[..])?;
/// let status = request.parse(response)?;
/// assert_eq!(status.auth_type, Some(FaceAuthType::Authentication));
/// assert!(status.can_authenticate());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaceAuthStatusRequest {
    scan_ref: ScanRef,
    segment: String,
    method: FaceAuthMethod,
}

impl FaceAuthStatusRequest {
    /// The path of the endpoint, `{scanRef}` standing for the percent-encoded `scanRef`.
    pub const PATH: &'static str = "/identification/facial-auth/{scanRef}/check-status/";

    /// A status check of `scan_ref` for the documented method, `FACE_MATCHING`.
    pub fn new(scan_ref: impl AsRef<str>) -> Result<Self, ValidationError> {
        Self::for_method(scan_ref, FaceAuthMethod::FaceMatching)
    }

    /// A status check of `scan_ref` for `method`, which must be one this version knows.
    pub fn for_method(
        scan_ref: impl AsRef<str>,
        method: FaceAuthMethod,
    ) -> Result<Self, ValidationError> {
        let scan_ref = ScanRef::new(scan_ref.as_ref())?;
        let segment = crate::path::segment("scanRef", scan_ref.as_str())?;
        Ok(Self {
            scan_ref,
            segment,
            method: known_method(method)?,
        })
    }

    /// The verification asked about.
    pub fn scan_ref(&self) -> &ScanRef {
        &self.scan_ref
    }

    /// The method asked about.
    pub fn method(&self) -> &FaceAuthMethod {
        &self.method
    }
}

impl Endpoint for FaceAuthStatusRequest {
    type Output = FaceAuthStatus;

    fn name(&self) -> &'static str {
        "face-auth-status"
    }

    fn retry_class(&self) -> RetryClass {
        RetryClass::ReadOnly
    }

    fn to_request(&self, config: &Config) -> Result<Request<Vec<u8>>, Error> {
        config.get(&format!(
            "/identification/facial-auth/{}/check-status/?method={}",
            self.segment,
            crate::urls::encode_query_value(self.method.as_str())
        ))
    }

    fn parse(&self, response: Response<&[u8]>) -> Result<FaceAuthStatus, Error> {
        let body = success_body(&response)?;
        Ok(decode::from_slice::<FaceAuthStatusDraft>(body)?)
    }
}

model! {
    /// The answer of the face-authentication status check (reference §3.12).
    ///
    /// `type` is required: it is the whole answer. An unknown value is kept (R7).
    #[derive(Debug, Clone, PartialEq)]
    #[non_exhaustive]
    pub struct FaceAuthStatus / FaceAuthStatusDraft (nulls = true) {
        /// `type`: `AUTHENTICATION` when the person can authenticate by face, `IDENTIFICATION`
        /// when they must be identified first.
        must auth_type: FaceAuthType = "type",
    }
}

impl Hooks for FaceAuthStatusDraft {}

impl FaceAuthStatus {
    /// Whether the person can authenticate by face (`AUTHENTICATION`); if not, create an
    /// identification token with `/api/v2/token` instead.
    pub fn can_authenticate(&self) -> bool {
        self.auth_type == Some(FaceAuthType::Authentication)
    }
}

/// Asks for a face-authentication token for the person of a verification
/// (`POST /partner/authentication-info`, R12): the token starts a face-authentication session
/// in iDenfy's SDK or iframe. Answers with a [`FaceAuthTokenResponse`].
///
/// The body always has `"type": "AUTHENTICATION"` — the only type this endpoint serves; for a
/// person whose status is `IDENTIFICATION`, use `/api/v2/token` — and `method` (default
/// `FACE_MATCHING`). Fields left unset are not sent.
///
/// [`RetryClass::NotIdempotent`] (R9): each token costs a face-authentication credit, so a
/// request is sent again only when the connection was never established.
///
/// ```
/// use idenfy_proto::{Endpoint, FaceAuthTokenRequest};
/// let request = FaceAuthTokenRequest::builder("9b11acb2-8c27-11e9-9758-309c231b1bac")
///     .generate_digit_string(true)
///     .lifetime(600)
///     .build()?;
/// assert_eq!(
///     serde_json::to_value(&request)?,
///     serde_json::json!({"scanRef": "9b11acb2-8c27-11e9-9758-309c231b1bac",
///         "type": "AUTHENTICATION", "method": "FACE_MATCHING",
///         "generateDigitString": true, "lifetime": 600})
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FaceAuthTokenRequest {
    #[serde(rename = "scanRef")]
    scan_ref: ScanRef,
    #[serde(rename = "type")]
    auth_type: FaceAuthType,
    method: FaceAuthMethod,
    #[serde(
        rename = "generateDigitString",
        skip_serializing_if = "Option::is_none"
    )]
    generate_digit_string: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    locale: Option<Locale>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lifetime: Option<u32>,
}

/// Collects the fields of a [`FaceAuthTokenRequest`]; [`Self::build`] checks them all.
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `build()` is called"]
pub struct FaceAuthTokenRequestBuilder {
    scan_ref: String,
    method: FaceAuthMethod,
    generate_digit_string: Option<bool>,
    locale: Option<String>,
    lifetime: Option<i64>,
}

impl FaceAuthTokenRequest {
    /// The path of the endpoint: `/partner/authentication-info` (no trailing slash).
    pub const PATH: &'static str = "/partner/authentication-info";

    /// Starts a request for the person of the verification `scan_ref`.
    pub fn builder(scan_ref: impl Into<String>) -> FaceAuthTokenRequestBuilder {
        FaceAuthTokenRequestBuilder {
            scan_ref: scan_ref.into(),
            method: FaceAuthMethod::FaceMatching,
            generate_digit_string: None,
            locale: None,
            lifetime: None,
        }
    }

    /// `scanRef`.
    pub fn scan_ref(&self) -> &ScanRef {
        &self.scan_ref
    }

    /// `type`: always `AUTHENTICATION`.
    pub fn auth_type(&self) -> &FaceAuthType {
        &self.auth_type
    }

    /// `method`.
    pub fn method(&self) -> &FaceAuthMethod {
        &self.method
    }

    /// `generateDigitString`, if set.
    pub fn generate_digit_string(&self) -> Option<bool> {
        self.generate_digit_string
    }

    /// `locale`, if set.
    pub fn locale(&self) -> Option<&Locale> {
        self.locale.as_ref()
    }

    /// `lifetime` in seconds, if set.
    pub fn lifetime(&self) -> Option<u32> {
        self.lifetime
    }

    /// The JSON body as sent.
    pub fn to_json(&self) -> Result<Vec<u8>, Error> {
        serde_json::to_vec(self)
            .map_err(|error| InternalError::new("the request body", error).into())
    }
}

impl FaceAuthTokenRequestBuilder {
    /// `method`: one of the known [`FaceAuthMethod`]s (default `FACE_MATCHING`).
    pub fn method(mut self, value: FaceAuthMethod) -> Self {
        self.method = value;
        self
    }

    /// `generateDigitString`: also return a code for iDenfy's mobile app.
    pub fn generate_digit_string(mut self, value: bool) -> Self {
        self.generate_digit_string = Some(value);
        self
    }

    /// `locale`: the language of the session, a language tag such as `en` or `lt`.
    pub fn locale(mut self, value: impl Into<String>) -> Self {
        self.locale = Some(value.into());
        self
    }

    /// `lifetime`: how long the session lasts, 1 to 2 592 000 seconds (iDenfy's default is 30
    /// minutes).
    pub fn lifetime(mut self, seconds: i64) -> Self {
        self.lifetime = Some(seconds);
        self
    }

    /// Checks every field and builds the request; the first failure, in the order `scanRef`,
    /// `method`, `locale`, `lifetime`, names the field and the rule.
    pub fn build(self) -> Result<FaceAuthTokenRequest, ValidationError> {
        let scan_ref = ScanRef::new(self.scan_ref)?;
        let method = known_method(self.method)?;
        let locale = self.locale.map(Locale::new).transpose()?;
        let lifetime = self
            .lifetime
            .map(|value| {
                let (min, max) = TOKEN_LIFETIME;
                check_range("lifetime", value, min, max)?;
                u32::try_from(value).map_err(|_| {
                    ValidationError::new(
                        "lifetime",
                        Rule::Range {
                            min,
                            max,
                            actual: value,
                        },
                    )
                })
            })
            .transpose()?;
        Ok(FaceAuthTokenRequest {
            scan_ref,
            auth_type: FaceAuthType::Authentication,
            method,
            generate_digit_string: self.generate_digit_string,
            locale,
            lifetime,
        })
    }
}

impl Endpoint for FaceAuthTokenRequest {
    type Output = FaceAuthTokenResponse;

    fn name(&self) -> &'static str {
        "face-auth-token"
    }

    fn retry_class(&self) -> RetryClass {
        RetryClass::NotIdempotent
    }

    fn to_request(&self, config: &Config) -> Result<Request<Vec<u8>>, Error> {
        config.post_json(Self::PATH, self.to_json()?)
    }

    fn parse(&self, response: Response<&[u8]>) -> Result<FaceAuthTokenResponse, Error> {
        let body = success_body(&response)?;
        Ok(decode::from_slice::<FaceAuthTokenResponseDraft>(body)?)
    }
}

/// The other names the token of a face-authentication answer may come under.
const TOKEN_ALIASES: [&str; 2] = ["tokenString", "token"];

model! {
    /// The answer to a face-authentication token request (reference §3.12).
    ///
    /// The documentation names the token `authToken` without showing the answer; `tokenString`
    /// (the sessions' name for it) and `token` (the webhook's) are read as well, in that order,
    /// when `authToken` is absent. The token is required — it is what the call is for; the
    /// rest is read leniently (R7). `Debug` redacts the token and the digit string (R10).
    #[derive(Debug, Clone)]
    #[non_exhaustive]
    pub struct FaceAuthTokenResponse / FaceAuthTokenResponseDraft (nulls = true) {
        /// `authToken` (or `tokenString`, `token`): the token that starts the session.
        req auth_token: AuthToken = "authToken",
        /// `digitString`: the code for iDenfy's mobile app, when asked for.
        opt digit_string: Personal<String> = "digitString",
        /// `scanRef`: the verification, if echoed.
        opt scan_ref: String = "scanRef",
    }
}

impl Hooks for FaceAuthTokenResponseDraft {
    /// The aliases of `authToken` are set aside, to be used when `authToken` has no value.
    fn hook<'de, S: Source<'de>>(&mut self, key: &str, source: &mut S) -> Result<bool, S::Error> {
        let Some(alias) = TOKEN_ALIASES.iter().copied().find(|alias| *alias == key) else {
            return Ok(false);
        };
        self.pending.retain(|(name, _)| *name != alias);
        self.pending.push((alias, source.raw()?));
        Ok(true)
    }

    fn resolve(&mut self) {
        let mut pending = std::mem::take(&mut self.pending);
        // In the order of `TOKEN_ALIASES`, whatever the order of the keys.
        pending.sort_by_key(|(name, _)| TOKEN_ALIASES.iter().position(|alias| alias == name));
        for (name, value) in pending {
            if self.auth_token.is_none()
                && let Ok(Outcome::Fit(token)) = AuthToken::decode(&value)
            {
                self.auth_token = Some(token);
                continue;
            }
            self.extra.insert_unknown(name.to_owned(), value);
        }
    }
}

/// Lists the face-authentication sessions (`GET /api/v2/facial-authentication-sessions/`,
/// R12); answers with [`FaceAuthSessions`]. Read-only, so it may be retried (R9).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FaceAuthSessionsRequest;

impl FaceAuthSessionsRequest {
    /// The path of the endpoint (with its trailing slash).
    pub const PATH: &'static str = "/api/v2/facial-authentication-sessions/";

    /// The request.
    pub fn new() -> Self {
        Self
    }
}

impl Endpoint for FaceAuthSessionsRequest {
    type Output = FaceAuthSessions;

    fn name(&self) -> &'static str {
        "face-auth-sessions"
    }

    fn retry_class(&self) -> RetryClass {
        RetryClass::ReadOnly
    }

    fn to_request(&self, config: &Config) -> Result<Request<Vec<u8>>, Error> {
        config.get(Self::PATH)
    }

    fn parse(&self, response: Response<&[u8]>) -> Result<FaceAuthSessions, Error> {
        let body = success_body(&response)?;
        Ok(FaceAuthSessions::from_body(body)?)
    }
}

/// Reads one face-authentication session
/// (`GET /api/v2/facial-authentication-sessions/{tokenString}/`, R12); answers with a
/// [`FaceAuthSession`]. Read-only, so it may be retried (R9).
///
/// The `tokenString` is a secret (it starts the session): `Debug` redacts it (R10). It is also a
/// segment of the request's path — 1 to 40 characters, not `.` or `..`, percent-encoded — so the
/// request's URI carries it: do not log request URIs.
#[derive(Clone, PartialEq, Eq)]
pub struct FaceAuthSessionRequest {
    token_string: AuthToken,
    segment: AuthToken,
}

impl FaceAuthSessionRequest {
    /// The path of the endpoint, `{tokenString}` standing for the percent-encoded token.
    pub const PATH: &'static str = "/api/v2/facial-authentication-sessions/{tokenString}/";

    /// A request for the session of `token_string` (1 to 40 characters; errors name the field
    /// `tokenString` and never show the value).
    pub fn new(token_string: impl Into<String>) -> Result<Self, ValidationError> {
        let token_string = AuthToken::new(token_string);
        check_length("tokenString", token_string.expose_secret(), 1, 40)?;
        let segment = AuthToken::new(crate::path::segment(
            "tokenString",
            token_string.expose_secret(),
        )?);
        Ok(Self {
            token_string,
            segment,
        })
    }

    /// The session's token.
    pub fn token_string(&self) -> &AuthToken {
        &self.token_string
    }
}

impl fmt::Debug for FaceAuthSessionRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FaceAuthSessionRequest")
            .field("token_string", &self.token_string)
            .finish()
    }
}

impl Endpoint for FaceAuthSessionRequest {
    type Output = FaceAuthSession;

    fn name(&self) -> &'static str {
        "face-auth-session"
    }

    fn retry_class(&self) -> RetryClass {
        RetryClass::ReadOnly
    }

    fn to_request(&self, config: &Config) -> Result<Request<Vec<u8>>, Error> {
        config.get(&format!(
            "/api/v2/facial-authentication-sessions/{}/",
            self.segment.expose_secret()
        ))
    }

    fn parse(&self, response: Response<&[u8]>) -> Result<FaceAuthSession, Error> {
        let body = success_body(&response)?;
        Ok(decode::from_slice::<FaceAuthSessionDraft>(body)?)
    }
}

model! {
    /// A face-authentication session (reference §3.12).
    ///
    /// Read leniently (R7): nothing is required. `Debug` redacts the token and the face photo's
    /// URL (R10).
    #[derive(Debug, Clone, Default, PartialEq)]
    #[non_exhaustive]
    pub struct FaceAuthSession / FaceAuthSessionDraft (nulls = true) {
        /// `id`: the session's UUID.
        opt id: String = "id",
        /// `tokenString`: the session's token (a secret).
        opt token_string: AuthToken = "tokenString",
        /// `approved`: the outcome; `None` while the session is open.
        opt approved: bool = "approved",
        /// `givenScanRef`: the verification the session belongs to (deprecated by iDenfy).
        opt given_scan_ref: String = "givenScanRef",
        /// `type`: `ENROLLMENT` or `AUTHENTICATION`.
        opt session_type: FaceAuthType = "type",
        /// `authenticationMethod`.
        opt authentication_method: FaceAuthMethod = "authenticationMethod",
        /// `facePhoto`: the URL of the face photo taken.
        opt face_photo: Personal<String> = "facePhoto",
    }
}

impl Hooks for FaceAuthSessionDraft {}

/// The answer of the session listing: a JSON array of sessions (reference §3.12).
///
/// Each item is read as a [`FaceAuthSession`], leniently (R7); an item that is not an object
/// cannot be one and is kept as it came in [`FaceAuthSessions::unreadable`], so that nothing the
/// server sent is lost; `null` items are skipped. A body whose top level is not an array is a
/// [`DecodeError`]. Serializes as the array: the sessions, then the unreadable items.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct FaceAuthSessions {
    /// The sessions, in the order received.
    pub sessions: Vec<FaceAuthSession>,
    /// The items that are not sessions (not JSON objects), as received.
    pub unreadable: Vec<Personal<Value>>,
}

impl FaceAuthSessions {
    fn from_body(body: &[u8]) -> Result<Self, DecodeError> {
        Self::from_value(decode::value_from_slice(body)?).map_err(|kind| {
            DecodeError::new(
                DecodeErrorKind::Data,
                Some(".".to_owned()),
                &format!("expected a JSON array of sessions, found {kind}"),
            )
        })
    }

    /// The sessions of a parsed body; the kind of value found when it is not an array.
    fn from_value(value: Value) -> Result<Self, &'static str> {
        let items = match value {
            Value::Array(items) => items,
            Value::Null => return Err("null"),
            Value::Bool(_) => return Err("a boolean"),
            Value::Number(_) => return Err("a number"),
            Value::String(_) => return Err("a string"),
            Value::Object(_) => return Err("an object"),
        };
        let mut sessions = Self::default();
        for item in items {
            match FaceAuthSession::from_any(Any::from_value(item)) {
                Outcome::Fit(session) => sessions.sessions.push(session),
                Outcome::Absent => {}
                Outcome::Raw(raw) => sessions.unreadable.push(Personal::new(raw)),
            }
        }
        Ok(sessions)
    }

    /// The JSON paths of the values that did not fit their field (R7): `[2].approved`, …, and
    /// `[n]` for each unreadable item (numbered after the sessions, as serialized).
    pub fn fallbacks(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (index, session) in self.sessions.iter().enumerate() {
            session.collect_fallbacks(&format!("[{index}]"), &mut out);
        }
        for index in 0..self.unreadable.len() {
            out.push(format!("[{}]", self.sessions.len().saturating_add(index)));
        }
        out
    }
}

impl Serialize for FaceAuthSessions {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq as _;
        let mut seq = serializer.serialize_seq(Some(
            self.sessions.len().saturating_add(self.unreadable.len()),
        ))?;
        for session in &self.sessions {
            seq.serialize_element(session)?;
        }
        for item in &self.unreadable {
            seq.serialize_element(item)?;
        }
        seq.end()
    }
}

impl<'de> serde::Deserialize<'de> for FaceAuthSessions {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = <Value as serde::Deserialize>::deserialize(deserializer)?;
        Self::from_value(value).map_err(|kind| {
            serde::de::Error::custom(format_args!(
                "expected a JSON array of sessions, found {kind}"
            ))
        })
    }
}
