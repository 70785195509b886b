//! The server's side of the protocol: what iDenfy does, for emulators and tests that play it.
//!
//! A client never needs this module; everything here exists so that a stand-in for iDenfy
//! (the `idenfy-emulator` crate, or a test's own fake) reuses the protocol's rules instead of
//! re-implementing them (P3: one source of truth):
//!
//! - [`read_token_request`] reads a `POST /api/v2/token` body as iDenfy receives it and checks it
//!   with exactly the rules of [`TokenRequestBuilder`](crate::TokenRequestBuilder);
//! - [`read_process_request`], [`read_identifications_query`], [`read_request_information`],
//!   [`read_face_auth_status`], [`read_face_auth_token_request`] and [`read_video_call_request`]
//!   do the same for the further endpoints (R12, R14), each with its builder's rules;
//! - the `DEFAULT_*` constants are the values iDenfy applies to omitted fields (R2, R3), and
//!   [`effective_expiry_time`] and [`effective_session_length`] apply them;
//! - [`response_echo`] is the echo of a request that the token answer carries (R4);
//! - [`ErrorBody`] writes an error answer as iDenfy does (R6);
//! - [`sign_webhook`] signs a webhook body as iDenfy does (R8);
//! - [`constant_time_eq`] checks presented credentials against the expected ones without
//!   showing, in its timing, where they differ or how long the secret is (R10).
//!
//! The receiving side of webhooks, verification first, is [`crate::webhook`].

mod error_body;
mod readers;
mod token;

pub use error_body::ErrorBody;
pub use readers::{
    read_face_auth_status, read_face_auth_token_request, read_identifications_query,
    read_process_request, read_request_information, read_video_call_request,
};
pub use token::{
    DEFAULT_DOCUMENTS, DEFAULT_ERROR_URL, DEFAULT_EXPIRY_TIME, DEFAULT_LOCALE,
    DEFAULT_SESSION_LENGTH, DEFAULT_SHOW_INSTRUCTIONS, DEFAULT_SUCCESS_URL, DEFAULT_TOKEN_TYPE,
    DEFAULT_UNVERIFIED_URL, DEFAULT_VIDEO_CALL_QUESTIONS, effective_expiry_time,
    effective_session_length, read_token_request, response_echo,
};

use crate::webhook::WebhookKey;

/// Signs a webhook `body` as iDenfy does (R8): the lowercase hex of `HMAC-SHA256(key, body)`,
/// 64 characters, the value of the `Idenfy-Signature` header.
///
/// For emulators, tests and tools that send webhooks; a receiver calls
/// [`webhook::from_request`](crate::webhook::from_request) or
/// [`webhook::verify_and_parse`](crate::webhook::verify_and_parse).
///
/// ```
/// use idenfy_proto::{server, webhook::{self, WebhookKey}};
/// let key = WebhookKey::new("key")?;
/// let signature = server::sign_webhook(&key, b"The quick brown fox jumps over the lazy dog");
/// // RFC 4231 style known answer (also on Wikipedia's HMAC page).
/// assert_eq!(signature, "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
/// assert!(webhook::verify(b"The quick brown fox jumps over the lazy dog", Some(&signature), &[key]).is_ok());
/// # Ok::<(), webhook::EmptyKeyError>(())
/// ```
pub fn sign_webhook(key: &WebhookKey, body: &[u8]) -> String {
    crate::webhook::sign(key, body)
}

/// Whether `url` is an absolute `http`/`https` URL whose host is a loopback address
/// (`localhost`, `127.0.0.0/8`, `::1`): the hosts to which R1 lets a base URL, and R3 a
/// `callbackUrl`, use plain `http`. For a server deciding where it may deliver webhooks (the
/// emulator delivers to loopback hosts unless told otherwise); `false` for anything that is no
/// web URL.
///
/// ```
/// use idenfy_proto::server::is_loopback_url;
/// assert!(is_loopback_url("http://localhost:8080/hook"));
/// assert!(is_loopback_url("https://127.0.0.2/hook"));
/// assert!(is_loopback_url("http://[::1]:9/"));
/// assert!(!is_loopback_url("http://app:8080/hook"));
/// assert!(!is_loopback_url("localhost:8080"));
/// ```
pub fn is_loopback_url(url: &str) -> bool {
    crate::types::parse_web_url(url).is_ok_and(|url| crate::types::is_loopback(&url))
}

/// The host of `url`, an absolute `http`/`https` URL read by the rules [`WebUrl`](crate::WebUrl)
/// applies, in one spelling for comparing hosts: a name in ASCII lower case (other characters
/// as written), an IPv4 address as four decimal numbers, an IPv6 address between brackets in its
/// shortest form. `None` for anything that is no web URL. For a server matching a
/// `callbackUrl` against the hosts it may deliver to, with the parser the client checks URLs
/// with.
///
/// ```
/// use idenfy_proto::server::url_host;
/// assert_eq!(url_host("https://App.Example:8443/hook").as_deref(), Some("app.example"));
/// assert_eq!(url_host("http://10.0.0.7/").as_deref(), Some("10.0.0.7"));
/// assert_eq!(url_host("http://[FD00:0::1]:9/").as_deref(), Some("[fd00::1]"));
/// assert_eq!(url_host("app.example/hook"), None);
/// ```
pub fn url_host(url: &str) -> Option<String> {
    let url = crate::types::parse_web_url(url).ok()?;
    Some(match url.host {
        crate::types::Host::Domain(name) => name.to_ascii_lowercase(),
        crate::types::Host::Ipv4(ip) => ip.to_string(),
        crate::types::Host::Ipv6(ip) => format!("[{ip}]"),
    })
}

/// Whether a presented secret (an API key or secret from a `Basic` header, a token) equals the
/// expected one, in time that shows neither where they differ nor the expected value's length
/// (R10): a server checking credentials must not let a client measure its way to them.
///
/// Both sides are hashed with SHA-256 and the two 32-byte digests compared in constant time
/// (`subtle`); there is no early exit on a difference or on a length mismatch. Hashing takes
/// one step per 64-byte block of each input, so at most each input's length in 64-byte blocks
/// shows. [`ApiSecret`](crate::ApiSecret)'s `==` is this comparison.
///
/// ```
/// use idenfy_proto::server::constant_time_eq;
/// assert!(constant_time_eq(b"s3cr3t", b"s3cr3t"));
/// assert!(!constant_time_eq(b"s3cr3t", b"s3cr3T"));
/// assert!(!constant_time_eq(b"s3cr3t", b"s3cr3"));
/// assert!(!constant_time_eq(b"", b"s3cr3t"));
/// ```
pub fn constant_time_eq(expected: &[u8], presented: &[u8]) -> bool {
    crate::secret::constant_time_eq(expected, presented)
}
