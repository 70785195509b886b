//! Constrained values of the token request (R2, R3). Each newtype can only hold a value that
//! passed its rule; constructors return a [`ValidationError`] naming the field and the rule.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use iri_string::types::IriStr;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Rule, ValidationError};

/// Characters iDenfy refuses in `firstName` and `lastName`, besides digits (R2).
pub(crate) const NAME_FORBIDDEN_CHARS: &str = "~!@#$%^*()_+={}[]\\|:;\",<>/?";

/// Checks that `value` is `min..=max` characters long (Unicode scalar values, R2).
pub(crate) fn check_length(
    field: &'static str,
    value: &str,
    min: usize,
    max: usize,
) -> Result<(), ValidationError> {
    // Count no further than one past the bound: a huge input costs no more than a short one.
    let actual = value.chars().take(max.saturating_add(1)).count();
    if actual < min || actual > max {
        // The whole count for the error (below the bound the count above was already whole).
        let actual = value.chars().count();
        return Err(ValidationError::new(
            field,
            Rule::Length { min, max, actual },
        ));
    }
    Ok(())
}

/// Checks that `value` is within `min..=max`.
pub(crate) fn check_range(
    field: &'static str,
    value: i64,
    min: i64,
    max: i64,
) -> Result<(), ValidationError> {
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(ValidationError::new(
            field,
            Rule::Range {
                min,
                max,
                actual: value,
            },
        ))
    }
}

/// Declares a string newtype checked by `$check(field, &value)`.
macro_rules! checked_string {
    (
        $(#[$meta:meta])*
        $name:ident, field = $field:literal, check = $check:path, debug = $debug:ident
    ) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, Hash)]
        pub struct $name(String);

        impl $name {
            #[doc = concat!("Checks `value` and wraps it; errors name the field `", $field, "`.")]
            pub fn new(value: impl Into<String>) -> Result<Self, ValidationError> {
                Self::for_field($field, value.into())
            }

            pub(crate) fn for_field(
                field: &'static str,
                value: String,
            ) -> Result<Self, ValidationError> {
                $check(field, &value)?;
                Ok(Self(value))
            }

            /// The value.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        checked_string!(@debug $name, $debug);
    };
    (@debug $name:ident, visible) => {
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_tuple(stringify!($name)).field(&self.0).finish()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
    (@debug $name:ident, personal) => {
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "([redacted])"))
            }
        }
    };
}

fn check_client_id(field: &'static str, value: &str) -> Result<(), ValidationError> {
    check_length(field, value, 1, 100)
}

checked_string!(
    /// The partner's identifier of the person (`clientId`, R2): 1 to 100 characters.
    ClientId, field = "clientId", check = check_client_id, debug = visible
);

fn check_name(field: &'static str, value: &str) -> Result<(), ValidationError> {
    check_length(field, value, 1, 100)?;
    if let Some(character) = value
        .chars()
        .find(|c| c.is_numeric() || NAME_FORBIDDEN_CHARS.contains(*c))
    {
        return Err(ValidationError::new(
            field,
            Rule::NameCharacter { character },
        ));
    }
    Ok(())
}

checked_string!(
    /// A person's first or last name (`firstName`, `lastName`, R2): 1 to 100 characters, no
    /// digits (any Unicode numeric character) and none of ``~!@#$%^*()_+={}[]\|:;",<>/?``.
    /// Personal data: `Debug` redacts it.
    PersonName, field = "firstName", check = check_name, debug = personal
);

fn check_personal_number(field: &'static str, value: &str) -> Result<(), ValidationError> {
    check_length(field, value, 1, 50)
}

checked_string!(
    /// A personal (national identity) number (`personalNumber`, R3): 1 to 50 characters.
    /// Personal data: `Debug` redacts it.
    PersonalNumber, field = "personalNumber", check = check_personal_number, debug = personal
);

checked_string!(
    /// A document number (`documentNumber`, R3): 1 to 50 characters. Personal data: `Debug`
    /// redacts it.
    DocumentNumber, field = "documentNumber", check = check_personal_number, debug = personal
);

fn check_address(field: &'static str, value: &str) -> Result<(), ValidationError> {
    check_length(field, value, 0, 255)
}

checked_string!(
    /// A postal address (`address`, R3): at most 255 characters. Personal data: `Debug`
    /// redacts it.
    Address, field = "address", check = check_address, debug = personal
);

fn check_external_ref(field: &'static str, value: &str) -> Result<(), ValidationError> {
    check_length(field, value, 0, 40)
}

checked_string!(
    /// The partner's own reference, echoed in webhooks (`externalRef`, R3): at most 40
    /// characters.
    ExternalRef, field = "externalRef", check = check_external_ref, debug = visible
);

fn check_scan_ref(field: &'static str, value: &str) -> Result<(), ValidationError> {
    check_length(field, value, 1, 40)
}

checked_string!(
    /// The identifier of a verification (`scanRef`): 1 to 40 characters when sent (R5).
    ///
    /// When read from a response any non-empty string is accepted (R4), so a value read from
    /// the API may be longer than what [`ScanRef::new`] accepts.
    ScanRef, field = "scanRef", check = check_scan_ref, debug = visible
);

impl ScanRef {
    /// A `scanRef` read from the API: any non-empty string (R4), unchecked otherwise.
    pub(crate) fn from_response(value: String) -> Self {
        Self(value)
    }
}

impl<'de> Deserialize<'de> for ScanRef {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = crate::decode::required_string(deserializer)?;
        if value.is_empty() {
            return Err(serde::de::Error::custom("must not be empty"));
        }
        Ok(Self(value))
    }
}

/// Checks a URL field: 5 to 2048 characters, an absolute `http` or `https` URL with a host.
fn check_web_url(field: &'static str, value: &str) -> Result<(), ValidationError> {
    check_length(field, value, 5, 2048)?;
    parse_web_url(value).map_err(|rule| ValidationError::new(field, rule))?;
    Ok(())
}

/// An absolute `http`/`https` URL as written, checked by [`parse_web_url`]: borrowed parts of
/// the value, no copy and no normalization.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ParsedWebUrl<'a> {
    /// The value, parsed as an IRI (RFC 3987; every URI of RFC 3986 is one).
    pub(crate) iri: &'a IriStr,
    /// Whether the scheme is `https` (in any case); otherwise it is `http`.
    pub(crate) https: bool,
    /// The host.
    pub(crate) host: Host<'a>,
    /// Whether the authority has a user-information part (`user:password@`), even an empty one.
    pub(crate) has_userinfo: bool,
}

/// The host of a [`ParsedWebUrl`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Host<'a> {
    /// A registered name as written: ASCII or not (an internationalized name is kept as
    /// written, not converted to punycode), percent-escapes left as they are.
    Domain(&'a str),
    /// An IPv4 address written as four decimal numbers.
    Ipv4(Ipv4Addr),
    /// An IPv6 address (written between brackets).
    Ipv6(Ipv6Addr),
}

/// Printable ASCII characters that RFC 3986 and RFC 3987 allow nowhere in a URL unless
/// percent-encoded (a WHATWG parser would encode them silently).
const URL_FORBIDDEN_CHARS: &str = "\"<>^`{|}";

/// Parses an absolute `http`/`https` URL with a host and no whitespace or control character
/// anywhere (R2). The grammar is RFC 3986's, widened to non-ASCII characters by RFC 3987 (IRIs),
/// as `iri-string` implements it: nothing is repaired, so the value is what is sent. On top of
/// the grammar: none of [`URL_FORBIDDEN_CHARS`] (named in the error); the scheme is `http` or
/// `https` (any case), written with `//` and a non-empty host; the port, if any, is at most 65535; a host in brackets is an IPv6 address; and a host
/// whose last label is a number (which browsers read as an IPv4 address in any of several
/// notations) is four decimal numbers of an IPv4 address, so that what is a loopback address
/// here is one for every reader of the URL.
pub(crate) fn parse_web_url(value: &str) -> Result<ParsedWebUrl<'_>, Rule> {
    if let Some(character) = value.chars().find(|c| c.is_whitespace() || c.is_control()) {
        return Err(Rule::ForbiddenCharacter { character });
    }
    let iri = IriStr::new(value).map_err(|_| {
        // Characters a URL never holds unescaped: name the first, so the caller knows to
        // percent-encode it. (A backslash is no such character but a separator written the
        // Windows way, `https:\\host\path`: not a URL as written.)
        match value.chars().find(|c| URL_FORBIDDEN_CHARS.contains(*c)) {
            Some(character) => Rule::ForbiddenCharacter { character },
            None => Rule::NotAWebUrl,
        }
    })?;
    let scheme = iri.scheme_str();
    let https = scheme.eq_ignore_ascii_case("https");
    if !https && !scheme.eq_ignore_ascii_case("http") {
        return Err(Rule::NotAWebUrl);
    }
    // `http:host`, `http:/host` have no authority: a WHATWG parser would repair them into
    // `http://host/`, but the value is sent as written.
    let authority = iri.authority_components().ok_or(Rule::NotAWebUrl)?;
    if let Some(port) = authority.port()
        && !port.is_empty()
        && port.parse::<u16>().is_err()
    {
        return Err(Rule::NotAWebUrl);
    }
    let host = parse_host(authority.host()).ok_or(Rule::NotAWebUrl)?;
    Ok(ParsedWebUrl {
        iri,
        https,
        host,
        has_userinfo: authority.userinfo().is_some(),
    })
}

/// The host of a URL, from the text between the authority's `@` and port: `None` when it is
/// empty, an IP literal that is not an IPv6 address (`[v1.…]`), or a name ending in a number
/// that is not an IPv4 address in dotted decimal (`127.1`, `0x7f.0.0.1`, `2130706433`,
/// `256.0.0.1`).
fn parse_host(host: &str) -> Option<Host<'_>> {
    if let Some(literal) = host.strip_prefix('[') {
        return literal
            .strip_suffix(']')
            .and_then(|address| address.parse().ok())
            .map(Host::Ipv6);
    }
    if host.is_empty() {
        return None;
    }
    // WHATWG's "ends in a number": the last label (a trailing dot aside) is decimal digits, or
    // `0x` and hexadecimal digits.
    let last = host
        .strip_suffix('.')
        .unwrap_or(host)
        .rsplit('.')
        .next()
        .unwrap_or_default();
    let hexadecimal = last
        .strip_prefix("0x")
        .or_else(|| last.strip_prefix("0X"))
        .is_some_and(|digits| digits.bytes().all(|byte| byte.is_ascii_hexdigit()));
    let decimal = !last.is_empty() && last.bytes().all(|byte| byte.is_ascii_digit());
    if decimal || hexadecimal {
        return host.parse().ok().map(Host::Ipv4);
    }
    Some(Host::Domain(host))
}

/// Whether the URL's host is a loopback address: `localhost` (ASCII, any case), `127.0.0.0/8`
/// or `::1`.
pub(crate) fn is_loopback(url: &ParsedWebUrl<'_>) -> bool {
    match url.host {
        Host::Domain(domain) => domain.eq_ignore_ascii_case("localhost"),
        Host::Ipv4(ip) => ip.is_loopback(),
        Host::Ipv6(ip) => ip.is_loopback(),
    }
}

checked_string!(
    /// A URL the person's browser is sent to (`successUrl`, `errorUrl`, `unverifiedUrl`, R2)
    /// or the webhook receiver (`callbackUrl`, R3): 5 to 2048 characters, an absolute `http`
    /// or `https` URL. `callbackUrl` must moreover be `https` unless its host is a loopback
    /// address.
    ///
    /// The URL is checked as written against RFC 3986, widened to non-ASCII characters by
    /// RFC 3987, and kept unchanged: an internationalized host name is accepted as given (not
    /// converted to punycode), and characters a URL never holds unescaped (``"<>^`{|}``) are
    /// refused with [`Rule::ForbiddenCharacter`] naming them.
    ///
    /// ```
    /// use idenfy_proto::{Rule, WebUrl};
    /// assert_eq!(WebUrl::new("https://bücher.example/ok")?.as_str(), "https://bücher.example/ok");
    /// let error = WebUrl::new("https://shop.example/done?data={}").unwrap_err();
    /// assert_eq!(error.rule(), &Rule::ForbiddenCharacter { character: '{' });
    /// # Ok::<(), idenfy_proto::ValidationError>(())
    /// ```
    WebUrl, field = "url", check = check_web_url, debug = visible
);

impl WebUrl {
    /// Checks a `callbackUrl`: a [`WebUrl`] that is `https`, or `http` on a loopback host.
    pub(crate) fn callback(field: &'static str, value: String) -> Result<Self, ValidationError> {
        let url = Self::for_field(field, value)?;
        let parsed =
            parse_web_url(url.as_str()).map_err(|rule| ValidationError::new(field, rule))?;
        if !parsed.https && !is_loopback(&parsed) {
            return Err(ValidationError::new(field, Rule::InsecureUrl));
        }
        Ok(url)
    }
}

/// A language tag (`locale`, R2): 2 to 7 characters, two lower-case letters optionally followed
/// by `-` or `_` and letters. The documented values are constants.
///
/// iDenfy falls back to English for languages it does not support, so any well-formed tag is
/// accepted.
///
/// ```
/// use idenfy_proto::Locale;
/// assert_eq!(Locale::new("pt-BR")?.as_str(), "pt-BR");
/// assert_eq!(Locale::LT.as_str(), "lt");
/// assert!(Locale::new("english").is_err());
/// # Ok::<(), idenfy_proto::ValidationError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Locale(std::borrow::Cow<'static, str>);

impl Locale {
    /// Lithuanian.
    pub const LT: Locale = Locale::constant("lt");
    /// English (the server's default).
    pub const EN: Locale = Locale::constant("en");
    /// Russian.
    pub const RU: Locale = Locale::constant("ru");
    /// Polish.
    pub const PL: Locale = Locale::constant("pl");
    /// Romanian.
    pub const RO: Locale = Locale::constant("ro");
    /// Latvian.
    pub const LV: Locale = Locale::constant("lv");
    /// German.
    pub const DE: Locale = Locale::constant("de");
    /// French.
    pub const FR: Locale = Locale::constant("fr");
    /// Spanish.
    pub const ES: Locale = Locale::constant("es");
    /// Italian.
    pub const IT: Locale = Locale::constant("it");

    const fn constant(tag: &'static str) -> Self {
        Self(std::borrow::Cow::Borrowed(tag))
    }

    /// Checks `value` and wraps it; errors name the field `locale`.
    pub fn new(value: impl Into<String>) -> Result<Self, ValidationError> {
        Self::for_field("locale", value.into())
    }

    pub(crate) fn for_field(field: &'static str, value: String) -> Result<Self, ValidationError> {
        check_length(field, &value, 2, 7)?;
        let valid = match value.as_bytes() {
            [first, second, rest @ ..] => {
                let language_ok = first.is_ascii_lowercase() && second.is_ascii_lowercase();
                let rest_ok = match rest {
                    [] => true,
                    [b'-' | b'_', letters @ ..] => {
                        !letters.is_empty() && letters.iter().all(u8::is_ascii_alphabetic)
                    }
                    _ => false,
                };
                language_ok && rest_ok
            }
            _ => false,
        };
        if !valid {
            return Err(ValidationError::new(field, Rule::LocaleFormat));
        }
        Ok(Self(std::borrow::Cow::Owned(value)))
    }

    /// The tag.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Locale").field(&self.as_str()).finish()
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Locale {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// An officially assigned ISO 3166-1 alpha-2 country code (`country`, R2; `nationality`, R3).
/// Any case is accepted on input; the code is kept and sent upper-case.
///
/// ```
/// use idenfy_proto::CountryCode;
/// assert_eq!(CountryCode::new("lt")?.as_str(), "LT");
/// assert!(CountryCode::new("en").is_err()); // a language, not a country
/// # Ok::<(), idenfy_proto::ValidationError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    /// Checks `value` and wraps it; errors name the field `country`.
    pub fn new(value: impl AsRef<str>) -> Result<Self, ValidationError> {
        Self::for_field("country", value.as_ref())
    }

    pub(crate) fn for_field(field: &'static str, value: &str) -> Result<Self, ValidationError> {
        check_length(field, value, 2, 2)?;
        let upper = value.to_ascii_uppercase();
        match upper.as_bytes() {
            [a, b] if crate::country::is_assigned(&upper) => Ok(Self([*a, *b])),
            _ => Err(ValidationError::new(field, Rule::CountryCode)),
        }
    }

    /// The upper-case code.
    pub fn as_str(&self) -> &str {
        // Both bytes are ASCII upper-case letters by construction.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl fmt::Debug for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CountryCode").field(&self.as_str()).finish()
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for CountryCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// A calendar date written `YYYY-MM-DD` (`dateOfBirth`, `dateOfExpiry`, `dateOfIssue`, R3).
/// Personal data: `Debug` redacts it.
///
/// ```
/// use idenfy_proto::Date;
/// let date = Date::parse("2024-02-29")?;
/// assert_eq!((date.year(), date.month(), date.day()), (2024, 2, 29));
/// assert_eq!(date.to_string(), "2024-02-29");
/// assert!(Date::parse("2023-02-29").is_err());
/// assert!(Date::parse("YYYY-MM-DD").is_err());
/// # Ok::<(), idenfy_proto::ValidationError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// A date from its parts, if it exists in the proleptic Gregorian calendar (years 1 to
    /// 9999); errors name the field `date`.
    pub fn new(year: u16, month: u8, day: u8) -> Result<Self, ValidationError> {
        let valid = (1..=9999).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month);
        if valid {
            Ok(Self { year, month, day })
        } else {
            Err(ValidationError::new("date", Rule::DateFormat))
        }
    }

    /// Parses `YYYY-MM-DD` exactly; errors name the field `date`.
    pub fn parse(value: &str) -> Result<Self, ValidationError> {
        Self::for_field("date", value)
    }

    pub(crate) fn for_field(field: &'static str, value: &str) -> Result<Self, ValidationError> {
        let invalid = || ValidationError::new(field, Rule::DateFormat);
        let &[y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = value.as_bytes() else {
            return Err(invalid());
        };
        let number = |digits: &[u8]| -> Result<u16, ValidationError> {
            if !digits.iter().all(u8::is_ascii_digit) {
                return Err(invalid());
            }
            Ok(digits
                .iter()
                .fold(0u16, |acc, digit| acc * 10 + u16::from(digit - b'0')))
        };
        let year = number(&[y0, y1, y2, y3])?;
        let month = u8::try_from(number(&[m0, m1])?).map_err(|_| invalid())?;
        let day = u8::try_from(number(&[d0, d1])?).map_err(|_| invalid())?;
        Self::new(year, month, day).map_err(|err| err.with_field(field))
    }

    /// The year (1 to 9999).
    pub fn year(&self) -> u16 {
        self.year
    }

    /// The month (1 to 12).
    pub fn month(&self) -> u8 {
        self.month
    }

    /// The day of the month (1 to 31).
    pub fn day(&self) -> u8 {
        self.day
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        _ => 0,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl fmt::Debug for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Date([redacted])")
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r2_length_counts_chars_not_bytes() {
        let name: String = "Ž".repeat(100);
        assert!(PersonName::new(name.clone()).is_ok());
        let err = PersonName::new(format!("{name}Ž")).unwrap_err();
        assert_eq!(
            err.rule(),
            &Rule::Length {
                min: 1,
                max: 100,
                actual: 101
            }
        );
    }

    #[test]
    fn r2_names_refuse_digits_and_symbols() {
        for bad in ["Jonas1", "Jo@nas", "Jo_nas", "a/b", "x\\y", "pipe|", "٣"] {
            assert!(
                matches!(
                    PersonName::new(bad).unwrap_err().rule(),
                    Rule::NameCharacter { .. }
                ),
                "{bad}"
            );
        }
        for good in [
            "O'Brien",
            "Anne-Marie",
            "Jr.",
            "José María",
            "Žydrūnas",
            "李",
        ] {
            assert!(PersonName::new(good).is_ok(), "{good}");
        }
    }

    #[test]
    fn r1_loopback_hosts() {
        for url in [
            "http://127.0.0.1:8080",
            "http://127.1.2.3/",
            "http://[::1]:1/",
            "http://LOCALHOST/",
        ] {
            assert!(is_loopback(&parse_web_url(url).unwrap()), "{url}");
        }
        for url in [
            "http://example.com",
            "http://10.0.0.1",
            "http://localhost.example.com",
        ] {
            assert!(!is_loopback(&parse_web_url(url).unwrap()), "{url}");
        }
    }

    #[test]
    fn r3_callback_url_requires_https_off_loopback() {
        assert!(WebUrl::callback("callbackUrl", "https://example.com/hook".into()).is_ok());
        assert!(WebUrl::callback("callbackUrl", "http://127.0.0.1:9/hook".into()).is_ok());
        let err = WebUrl::callback("callbackUrl", "http://example.com/hook".into()).unwrap_err();
        assert_eq!(
            (err.field(), err.rule()),
            ("callbackUrl", &Rule::InsecureUrl)
        );
    }

    #[test]
    fn r3_dates() {
        assert!(Date::parse("2000-02-29").is_ok());
        assert!(Date::parse("1900-02-29").is_err());
        for bad in [
            "2020-1-01",
            "2020-13-01",
            "2020-00-10",
            "2020-01-32",
            "0000-01-01",
            "２０２０-01-01",
            "2020-01-01T00",
        ] {
            assert!(Date::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn r2_locale_shapes() {
        for good in ["en", "lt", "pt-BR", "zh_Hant", "sr-Latn"] {
            assert!(Locale::new(good).is_ok(), "{good}");
        }
        for bad in ["EN", "e", "e1", "en-", "en-US-x", "en-12", "ěn"] {
            assert!(Locale::new(bad).is_err(), "{bad}");
        }
    }

    /// The rule of a URL that [`WebUrl::new`] refuses.
    fn url_rule(value: &str) -> Rule {
        match WebUrl::new(value) {
            Ok(url) => panic!("{value} accepted as {url:?}"),
            Err(error) => error.rule().clone(),
        }
    }

    #[test]
    fn r2_internationalized_urls_are_kept_as_written() {
        // RFC 3987: non-ASCII host names, paths, queries and fragments are accepted and sent
        // exactly as given, never converted to punycode or percent-encoded.
        for url in [
            "https://bücher.example/",
            "https://xn--bcher-kva.example/",
            "https://пример.испытание/путь?ключ=значение#фрагмент",
            "https://example.com/ä?ö=ü#ß",
            "https://example.com/😀?q=😀",
            "HTTPS://Example.COM:8443/Path",
            "https://exa%41mple.com/%7Euser",
            "https://user:pw@example.com/",
            "https://example.com:/",
            "https://[2001:db8::1]:8443/",
        ] {
            assert_eq!(WebUrl::new(url).unwrap().as_str(), url);
        }
    }

    #[test]
    fn r2_characters_a_url_never_holds_unescaped_are_named() {
        for (url, character) in [
            ("https://example.com/{x}", '{'),
            ("https://example.com/a|b", '|'),
            ("https://example.com/?q=\"x\"", '"'),
            ("https://example.com/a^b", '^'),
            ("https://example.com/a`b", '`'),
            ("https://example.com/<b>", '<'),
            ("https://example.com/#a}", '}'),
        ] {
            assert_eq!(
                url_rule(url),
                Rule::ForbiddenCharacter { character },
                "{url}"
            );
        }
        for url in [
            "https://example.com/%zz",
            "https://example.com/100%",
            "https://example.com/#a#b",
            "https://example.com/[x]",
            "https://example.com/a\\b",
            // Not in RFC 3987's `ucschar`: the replacement character, a noncharacter, and a
            // private-use character outside the query.
            "https://example.com/\u{fffd}",
            "https://example.com/\u{fdd0}",
            "https://example.com/\u{e000}",
        ] {
            assert_eq!(url_rule(url), Rule::NotAWebUrl, "{url}");
        }
        assert!(WebUrl::new("https://example.com/?\u{e000}").is_ok());
    }

    #[test]
    fn r2_the_host_is_written_out_and_means_one_thing() {
        for url in [
            // No host, or an empty one (a WHATWG parser would take `example.com` for the host).
            "https:///example.com",
            "https://:443/",
            "https://user@/",
            // Ports beyond 16 bits.
            "https://example.com:65536/",
            "https://example.com:99999999999999999999/",
            // IP literals other than IPv6.
            "http://[v1.fe]/",
            "http://[::1/",
            // Names ending in a number, which browsers read as IPv4 addresses in notations
            // other than four decimal numbers, or which are no IPv4 address at all.
            "http://127.1/",
            "http://2130706433/",
            "http://0x7f.0.0.1/",
            "http://0177.0.0.1/",
            "http://127.0.0.1./",
            "https://256.0.0.1/",
            "https://1.2.3/",
            "https://1.2.3.4.5/",
            "https://example.0x1f/",
        ] {
            assert_eq!(url_rule(url), Rule::NotAWebUrl, "{url}");
        }
        for url in [
            "https://example.com:65535/",
            "https://example.com:0/",
            "https://1.2.3.4/",
            "https://example.123a/",
            "https://0x.example/",
        ] {
            assert!(WebUrl::new(url).is_ok(), "{url}");
        }
    }

    #[test]
    fn r3_loopback_is_what_every_reader_takes_for_loopback() {
        for url in [
            "http://127.255.255.254/",
            "http://[0:0:0:0:0:0:0:1]/",
            "http://localhost:1/",
        ] {
            assert!(is_loopback(&parse_web_url(url).unwrap()), "{url}");
        }
        // Look-alikes of `localhost` (full-width letters, a percent-escape, a trailing dot)
        // and IPv4-mapped addresses are not loopback hosts: a plain `http` callback to them is
        // refused.
        for url in [
            "http://ｌｏｃａｌｈｏｓｔ/",
            "http://%6Cocalhost/",
            "http://localhost./",
            "http://[::ffff:127.0.0.1]/",
            "http://127.0.0.1.example/",
        ] {
            assert!(!is_loopback(&parse_web_url(url).unwrap()), "{url}");
            let error = WebUrl::callback("callbackUrl", url.to_owned()).unwrap_err();
            assert_eq!(error.rule(), &Rule::InsecureUrl, "{url}");
        }
    }

    #[test]
    fn r2_checked_values_show_what_is_sent_and_dates_stay_redacted() {
        let locale = Locale::new("pt-BR").unwrap();
        assert_eq!(format!("{locale:?}"), r#"Locale("pt-BR")"#);
        assert_eq!(locale.to_string(), "pt-BR");
        assert_eq!(Locale::LT.to_string(), "lt");
        let country = CountryCode::new("lt").unwrap();
        assert_eq!(format!("{country:?}"), r#"CountryCode("LT")"#);
        assert_eq!(country.to_string(), "LT");
        let date = Date::new(2024, 2, 9).unwrap();
        assert_eq!(date.to_string(), "2024-02-09");
        assert_eq!(format!("{date:?}"), "Date([redacted])");
    }
}
