//! Credentials and configuration (R1).

use std::fmt;

use base64::Engine as _;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use http::{HeaderValue, Method, Request, Uri};
use zeroize::Zeroizing;

use crate::error::{Error, InternalError, Rule, ValidationError};
use crate::secret::{ApiSecret, AuthToken};

/// iDenfy's API host (R1).
pub const DEFAULT_BASE_URL: &str = "https://ivs.idenfy.com";

/// The `User-Agent` sent by default: `idenfy-rs/<version>` (R1).
pub const DEFAULT_USER_AGENT: &str = concat!("idenfy-rs/", env!("CARGO_PKG_VERSION"));

/// The API key and secret, sent as HTTP Basic credentials (R1).
///
/// The secret is an [`ApiSecret`], so printing the credentials with `{:?}` never shows it, and
/// it is wiped from memory when the credentials are dropped. The `Authorization` value is built
/// once, here, in buffers that are wiped as soon as it is made; the header value `http` keeps
/// (marked sensitive) is the one copy of the encoded secret left, since `http` cannot wipe it.
///
/// ```
/// use idenfy_proto::Credentials;
/// let credentials = Credentials::new("key", "secret")?;
/// assert!(!format!("{credentials:?}").contains("secret\""));
/// assert!(Credentials::new("key:with:colon", "secret").is_err());
/// # Ok::<(), idenfy_proto::ValidationError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    api_key: String,
    api_secret: ApiSecret,
    /// `Basic <base64>`, marked sensitive. Base64 is visible ASCII, so it is always a valid
    /// header value; `None` only if `http` ever refused one, which requests then report as an
    /// [`InternalError`] (never as a problem with the secret the caller gave). It is built in
    /// buffers wiped after use ([`basic_authorization`]); this value itself cannot be wiped
    /// (`http` keeps it in `Bytes`), and is the one copy of the encoded secret that remains.
    authorization: Option<HeaderValue>,
}

impl Credentials {
    /// Credentials from an API key and secret. The key must be non-empty and must not contain
    /// `:` (Basic authentication could not tell key and secret apart); errors name the fields
    /// `apiKey` and `apiSecret`.
    pub fn new(
        api_key: impl Into<String>,
        api_secret: impl Into<String>,
    ) -> Result<Self, ValidationError> {
        let api_key = api_key.into();
        // Wrapped at once, so that the secret is wiped on every path, the refusals included.
        let api_secret = ApiSecret::new(api_secret);
        if api_key.is_empty() {
            return Err(ValidationError::new("apiKey", Rule::Required));
        }
        if let Some(character) = api_key.chars().find(|c| *c == ':' || c.is_control()) {
            return Err(ValidationError::new(
                "apiKey",
                Rule::ForbiddenCharacter { character },
            ));
        }
        if api_secret.expose_secret().is_empty() {
            return Err(ValidationError::new("apiSecret", Rule::Required));
        }
        let authorization = basic_authorization(&api_key, &api_secret).map(|mut value| {
            value.set_sensitive(true);
            value
        });
        Ok(Self {
            api_key,
            api_secret,
            authorization,
        })
    }

    /// The API key (the user-name half of the credentials).
    pub fn api_key(&self) -> &str {
        &self.api_key
    }

    /// The API secret.
    pub fn api_secret(&self) -> &ApiSecret {
        &self.api_secret
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("api_key", &self.api_key)
            .field("api_secret", &self.api_secret)
            .finish()
    }
}

/// The value `Basic <base64(key:secret)>` (R1), or `None` should `http` ever refuse it (base64
/// is visible ASCII, so it does not).
///
/// Every buffer that holds the secret is a [`Zeroizing`] one of exactly the size it needs (so
/// nothing is reallocated and left behind) and is wiped when this returns: the `key:secret`
/// text and its encoding. What remains is the [`HeaderValue`] itself, a copy `http` keeps in
/// `Bytes` and cannot wipe; it is marked sensitive and never printed, and it lives as long as
/// the credentials (R10).
fn basic_authorization(api_key: &str, api_secret: &ApiSecret) -> Option<HeaderValue> {
    const PREFIX: &[u8] = b"Basic ";
    let secret = api_secret.expose_secret().as_bytes();
    let plain_len = api_key.len().checked_add(1)?.checked_add(secret.len())?;
    let mut plain = Zeroizing::new(Vec::with_capacity(plain_len));
    plain.extend_from_slice(api_key.as_bytes());
    plain.push(b':');
    plain.extend_from_slice(secret);
    let encoded_len = base64::encoded_len(plain.len(), true)?;
    let mut header = Zeroizing::new(vec![0_u8; PREFIX.len().checked_add(encoded_len)?]);
    let (prefix, encoded) = header.split_at_mut_checked(PREFIX.len())?;
    prefix.copy_from_slice(PREFIX);
    let written = base64::engine::general_purpose::STANDARD
        .encode_slice(plain.as_slice(), encoded)
        .ok()?;
    let value = header.get(..PREFIX.len().checked_add(written)?)?;
    HeaderValue::from_bytes(value).ok()
}

/// Where and as whom requests are sent: base URL, credentials and `User-Agent` (R1).
///
/// ```
/// use idenfy_proto::{Config, Credentials};
/// let credentials = Credentials::new("key", "secret")?;
///
/// // Plain http is refused unless the host is a loopback address ...
/// assert!(Config::builder(credentials.clone()).base_url("http://example.com").build().is_err());
/// let local = Config::builder(credentials.clone()).base_url("http://127.0.0.1:8080/").build()?;
/// assert_eq!(local.base_url(), "http://127.0.0.1:8080");
///
/// // ... or the caller opts in explicitly.
/// let insecure = Config::builder(credentials)
///     .base_url("http://idenfy.internal")
///     .allow_insecure_http(true)
///     .build()?;
/// assert_eq!(insecure.base_url(), "http://idenfy.internal");
/// # Ok::<(), idenfy_proto::ValidationError>(())
/// ```
#[derive(Clone)]
pub struct Config {
    /// The base URL as text, without a trailing slash: what [`Config::base_url`] returns.
    base_url: String,
    /// The same URL, parsed once when the configuration was built: every request's URI is
    /// this one with the endpoint's path appended.
    base_uri: Uri,
    credentials: Credentials,
    user_agent: HeaderValue,
}

impl Config {
    /// The production configuration: [`DEFAULT_BASE_URL`] and [`DEFAULT_USER_AGENT`].
    pub fn new(credentials: Credentials) -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_owned(),
            // A constant URI, checked by this module's tests.
            base_uri: Uri::from_static(DEFAULT_BASE_URL),
            credentials,
            user_agent: HeaderValue::from_static(DEFAULT_USER_AGENT),
        }
    }

    /// A builder for a configuration other than the default.
    pub fn builder(credentials: Credentials) -> ConfigBuilder {
        ConfigBuilder {
            credentials,
            base_url: DEFAULT_BASE_URL.to_owned(),
            allow_insecure_http: false,
            user_agent_product: None,
        }
    }

    /// The base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The base URL as parsed when the configuration was built (for a root URL, its path is
    /// `/`). Requests go to this URI with the endpoint's path appended.
    pub fn base_uri(&self) -> &Uri {
        &self.base_uri
    }

    /// The credentials.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// The `User-Agent` header value.
    pub fn user_agent(&self) -> &str {
        self.user_agent.to_str().unwrap_or(DEFAULT_USER_AGENT)
    }

    /// The URL that starts the person's verification in iDenfy's hosted UI (R5):
    /// `{base}/api/v2/redirect?authToken=<percent-encoded token>`.
    pub fn redirect_url(&self, auth_token: &AuthToken) -> String {
        format!(
            "{}/api/v2/redirect?authToken={}",
            self.base_url,
            crate::urls::encode_query_value(auth_token.expose_secret())
        )
    }

    /// The URI of the endpoint at `path` (which starts with `/`): the parsed base URI with
    /// `path` appended to its path. The base was checked to be an absolute URI whose path has
    /// no query and no trailing slash, and `path` is one of this crate's constant paths, so this
    /// cannot fail; the types say it can, hence an [`InternalError`] should it ever happen.
    fn endpoint_uri(&self, path: &str) -> Result<Uri, InternalError> {
        let prefix = match self.base_uri.path() {
            "/" => "",
            prefix => prefix,
        };
        let mut uri = Uri::builder().path_and_query(format!("{prefix}{path}"));
        if let Some(scheme) = self.base_uri.scheme() {
            uri = uri.scheme(scheme.clone());
        }
        if let Some(authority) = self.base_uri.authority() {
            uri = uri.authority(authority.clone());
        }
        uri.build()
            .map_err(|error| InternalError::new("the request URI", error))
    }

    /// An authenticated JSON `POST` to `path` (which starts with `/`).
    pub(crate) fn post_json(&self, path: &str, body: Vec<u8>) -> Result<Request<Vec<u8>>, Error> {
        let uri = self.endpoint_uri(path)?;
        let authorization = self
            .credentials
            .authorization
            .clone()
            .ok_or_else(|| InternalError::without_source("the Authorization header"))?;
        let mut request = Request::new(body);
        *request.method_mut() = Method::POST;
        *request.uri_mut() = uri;
        let headers = request.headers_mut();
        // Marked sensitive, so `http`'s own `Debug` of the request hides it.
        headers.insert(AUTHORIZATION, authorization);
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(USER_AGENT, self.user_agent.clone());
        Ok(request)
    }

    /// An authenticated `GET` of `path_and_query` (which starts with `/`): the headers of
    /// [`Config::post_json`] but no body and no `Content-Type`.
    pub(crate) fn get(&self, path_and_query: &str) -> Result<Request<Vec<u8>>, Error> {
        let mut request = self.post_json(path_and_query, Vec::new())?;
        *request.method_mut() = Method::GET;
        request.headers_mut().remove(CONTENT_TYPE);
        Ok(request)
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
            .field("user_agent", &self.user_agent)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Config`]; see [`Config::builder`].
#[derive(Debug, Clone)]
pub struct ConfigBuilder {
    credentials: Credentials,
    base_url: String,
    allow_insecure_http: bool,
    user_agent_product: Option<String>,
}

impl ConfigBuilder {
    /// The base URL (default [`DEFAULT_BASE_URL`]). It must be an absolute URL (RFC 3986)
    /// without user name, password, query or fragment; a path prefix is kept (for a proxy).
    /// Plain `http` is accepted only for a loopback host or with
    /// [`ConfigBuilder::allow_insecure_http`]. Only ASCII: write an internationalized host name
    /// in its punycode form (`xn--…`) and other characters percent-encoded. It is kept
    /// normalized (RFC 3986 §6.2.2: scheme and host in lower case, `.`/`..` segments resolved,
    /// without a trailing slash).
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// Accepts a plain `http` base URL on a non-loopback host. Off by default: credentials
    /// would cross the network in clear text.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// A product token appended to the `User-Agent`, e.g. `my-service/1.2`, so iDenfy's logs
    /// can tell your service apart.
    pub fn user_agent_product(mut self, product: impl Into<String>) -> Self {
        self.user_agent_product = Some(product.into());
        self
    }

    /// Checks everything and builds the configuration. Errors name `baseUrl`, `userAgent` or
    /// `apiKey`.
    pub fn build(self) -> Result<Config, ValidationError> {
        let field = "baseUrl";
        let url = crate::types::parse_web_url(&self.base_url)
            .map_err(|rule| ValidationError::new(field, rule))?;
        // An HTTP request line carries ASCII only: an internationalized host is not converted
        // to punycode here (that needs IDNA tables), nor a path percent-encoded behind the
        // caller's back; the caller writes the ASCII form (`xn--…`, `%C3%A9`).
        if let Some(character) = self.base_url.chars().find(|c| !c.is_ascii()) {
            return Err(ValidationError::new(
                field,
                Rule::ForbiddenCharacter { character },
            ));
        }
        if url.has_userinfo || url.iri.query_str().is_some() || url.iri.fragment_str().is_some() {
            return Err(ValidationError::new(field, Rule::UrlParts));
        }
        if !url.https && !self.allow_insecure_http && !crate::types::is_loopback(&url) {
            return Err(ValidationError::new(field, Rule::InsecureUrl));
        }
        // The syntax-based normalization of RFC 3986 (§6.2.2): scheme and host in lower case,
        // percent-escapes of unreserved characters decoded, `.` and `..` segments resolved. The
        // same resource, written once, so that `next` links compare with it (R13).
        let base_url = url
            .iri
            .normalize()
            .to_string()
            .trim_end_matches('/')
            .to_owned();
        // Parsed once, here: a URL the RFC accepts but an HTTP request cannot carry is refused
        // now, naming the field, rather than at every request.
        let base_uri = Uri::try_from(base_url.as_str())
            .map_err(|_| ValidationError::new(field, Rule::NotAWebUrl))?;

        let user_agent = match &self.user_agent_product {
            None => HeaderValue::from_static(DEFAULT_USER_AGENT),
            Some(product) => HeaderValue::try_from(format!("{DEFAULT_USER_AGENT} {product}"))
                .map_err(|_| ValidationError::new("userAgent", Rule::HeaderValue))?,
        };
        Ok(Config {
            base_url,
            base_uri,
            credentials: self.credentials,
            user_agent,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn credentials() -> Credentials {
        Credentials::new("key", "secret").unwrap()
    }

    #[test]
    fn the_default_base_uri_is_what_the_builder_parses() {
        let built = Config::builder(credentials()).build().unwrap();
        let default = Config::new(credentials());
        assert_eq!(default.base_uri(), built.base_uri());
        assert_eq!(default.base_url(), built.base_url());
        assert_eq!(default.base_uri(), "https://ivs.idenfy.com/");
    }

    #[test]
    fn endpoint_uris_append_the_path_to_the_parsed_base() {
        for (base, expected) in [
            (
                "https://ivs.idenfy.com",
                "https://ivs.idenfy.com/api/v2/token",
            ),
            (
                "https://ivs.idenfy.com/",
                "https://ivs.idenfy.com/api/v2/token",
            ),
            (
                "https://proxy.example/idenfy/",
                "https://proxy.example/idenfy/api/v2/token",
            ),
            (
                "http://127.0.0.1:8080",
                "http://127.0.0.1:8080/api/v2/token",
            ),
            ("http://[::1]:9/a/b", "http://[::1]:9/a/b/api/v2/token"),
        ] {
            let config = Config::builder(credentials())
                .base_url(base)
                .build()
                .unwrap();
            assert_eq!(
                config.endpoint_uri("/api/v2/token").unwrap(),
                expected,
                "{base}"
            );
        }
    }

    #[test]
    fn r1_the_base_url_is_ascii_and_kept_normalized() {
        let build = |base: &str| Config::builder(credentials()).base_url(base).build();
        for (base, expected) in [
            ("HTTPS://IVS.Idenfy.COM/", "https://ivs.idenfy.com"),
            (
                "https://proxy.example/a/../idenfy/./",
                "https://proxy.example/idenfy",
            ),
            (
                "https://proxy.example/%7Eidenfy",
                "https://proxy.example/~idenfy",
            ),
            (
                "https://xn--bcher-kva.example",
                "https://xn--bcher-kva.example",
            ),
            ("http://[::1]:8080/", "http://[::1]:8080"),
        ] {
            let config = build(base).unwrap();
            assert_eq!(config.base_url(), expected, "{base}");
            assert_eq!(
                config.endpoint_uri("/api/v2/token").unwrap(),
                format!("{expected}/api/v2/token").as_str()
            );
        }
        // An internationalized host or path is refused, naming the character, rather than
        // converted behind the caller's back.
        for (base, character) in [
            ("https://bücher.example", 'ü'),
            ("https://proxy.example/idénfy", 'é'),
        ] {
            let error = build(base).unwrap_err();
            assert_eq!(error.field(), "baseUrl");
            assert_eq!(error.rule(), &Rule::ForbiddenCharacter { character });
        }
        for (base, rule) in [
            ("https://@ivs.idenfy.com", Rule::UrlParts),
            ("https://ivs.idenfy.com/?", Rule::UrlParts),
            ("https://ivs.idenfy.com/#", Rule::UrlParts),
            ("https:///ivs.idenfy.com", Rule::NotAWebUrl),
            ("https://ivs.idenfy.com:70000", Rule::NotAWebUrl),
            ("http://127.1:8080", Rule::NotAWebUrl),
            (
                "https://ivs.idenfy.com/{path}",
                Rule::ForbiddenCharacter { character: '{' },
            ),
        ] {
            let error = build(base).unwrap_err();
            assert_eq!((error.field(), error.rule()), ("baseUrl", &rule), "{base}");
        }
    }
}
