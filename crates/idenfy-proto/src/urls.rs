//! Hosted-UI URLs (R5).

use crate::secret::AuthToken;
use crate::types::Locale;

/// The hosted UI embedded in an iframe.
pub const IFRAME_BASE_URL: &str = "https://ui.idenfy.com/";

/// Percent-encodes a query value (`application/x-www-form-urlencoded`).
pub(crate) fn encode_query_value(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// The URL to load in an iframe (R5): `https://ui.idenfy.com/?authToken=<token>`, with
/// `&lang=<locale>` when given (the token's own `locale` is ignored inside an iframe). The
/// iframe needs `allow="camera"` and `allowfullscreen`.
///
/// ```
/// use idenfy_proto::{AuthToken, Locale, iframe_url};
/// let token = AuthToken::new("abc DEF+1");
/// assert_eq!(iframe_url(&token, None), "https://ui.idenfy.com/?authToken=abc+DEF%2B1");
/// assert_eq!(
///     iframe_url(&token, Some(&Locale::LT)),
///     "https://ui.idenfy.com/?authToken=abc+DEF%2B1&lang=lt"
/// );
/// ```
pub fn iframe_url(auth_token: &AuthToken, lang: Option<&Locale>) -> String {
    let mut url = format!(
        "{IFRAME_BASE_URL}?authToken={}",
        encode_query_value(auth_token.expose_secret())
    );
    if let Some(lang) = lang {
        url.push_str("&lang=");
        url.push_str(&encode_query_value(lang.as_str()));
    }
    url
}
