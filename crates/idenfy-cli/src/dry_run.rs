//! `--dry-run`: showing a built request exactly as it would be sent, minus the credentials.
//!
//! Human form: `METHOD URL`, one `Name: value` line per header, a blank line, the JSON body
//! pretty-printed. JSON form: `{"method": …, "url": …, "headers": {…}, "body": …}`. Either way
//! the `Authorization` header (and any header the library marked sensitive) reads
//! `<scheme> [redacted]` (R10). Header and body-field order is the order of the request.
//!
//! A request that carries a secret elsewhere — an `authToken` in the body of `process`, a
//! session's token in the path of `face-auth sessions TOKEN` — or images (personal data, and
//! megabytes of base64) is shown through [`Shown`], which replaces those values with
//! `[redacted]` or a description and keeps everything else as built.

use idenfy::http::header::AUTHORIZATION;
use idenfy::http::{HeaderName, HeaderValue, Request};
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

use crate::output::Output;

/// What stands for a value that is not shown.
pub(crate) const REDACTED: &str = "[redacted]";

/// A built request as a dry run shows it: the request, with its URL or body replaced where
/// they carry what must not be printed.
pub(crate) struct Shown<'a> {
    request: &'a Request<Vec<u8>>,
    url: Option<String>,
    body: Option<Vec<u8>>,
}

impl<'a> Shown<'a> {
    /// The request as built.
    pub(crate) fn new(request: &'a Request<Vec<u8>>) -> Self {
        Self {
            request,
            url: None,
            body: None,
        }
    }

    /// Shows `url` instead of the request's URL.
    pub(crate) fn with_url(mut self, url: String) -> Self {
        self.url = Some(url);
        self
    }

    /// Shows `body` instead of the request's body.
    pub(crate) fn with_body(mut self, body: Vec<u8>) -> Self {
        self.body = Some(body);
        self
    }

    /// The request's body as built.
    pub(crate) fn request_body(&self) -> &[u8] {
        self.request.body()
    }

    /// The request's URL as built.
    pub(crate) fn request_url(&self) -> String {
        self.request.uri().to_string()
    }

    fn url(&self) -> String {
        self.url.clone().unwrap_or_else(|| self.request_url())
    }

    fn body(&self) -> &[u8] {
        self.body.as_deref().unwrap_or(self.request.body())
    }
}

/// Prints `shown` in the form `out` asks for.
pub(crate) fn print_shown(out: &Output, shown: &Shown<'_>) {
    if out.is_json() {
        out.line(&json_shown(shown));
    } else {
        out.line(&human_shown(shown));
    }
}

/// The human form, without a final line break.
fn human_shown(shown: &Shown<'_>) -> String {
    let request = shown.request;
    let mut text = format!("{} {}", request.method(), shown.url());
    for (name, value) in headers(request) {
        text.push('\n');
        text.push_str(&name);
        text.push_str(": ");
        text.push_str(&value);
    }
    text.push_str("\n\n");
    let body = shown.body();
    match pretty_json(body) {
        Some(pretty) => text.push_str(&pretty),
        None => text.push_str(&String::from_utf8_lossy(body)),
    }
    text
}

/// The JSON form of a request as built.
#[cfg(test)]
fn json(request: &Request<Vec<u8>>) -> String {
    json_shown(&Shown::new(request))
}

/// The JSON form, on one line. Header and body keys keep the request's order.
fn json_shown(shown: &Shown<'_>) -> String {
    let request = shown.request;
    let body = shown.body();
    let raw_body = std::str::from_utf8(body)
        .ok()
        .and_then(|text| RawValue::from_string(text.trim().to_owned()).ok());
    let document = DryRun {
        method: request.method().as_str(),
        url: shown.url(),
        headers: Headers(headers(request)),
        body: match raw_body {
            Some(raw) => Body::Json(raw),
            None if body.is_empty() => Body::None,
            None => Body::Text(String::from_utf8_lossy(body).into_owned()),
        },
    };
    serde_json::to_string(&document).unwrap_or_default()
}

/// A JSON object's members in the order of its text, each value kept as its raw JSON, for
/// replacing a few values of a body without reordering or re-encoding the rest.
pub(crate) struct Members(pub(crate) Vec<(String, Box<RawValue>)>);

impl Members {
    /// The members of the JSON object `bytes`; `None` when they are not one.
    pub(crate) fn parse(bytes: &[u8]) -> Option<Self> {
        serde_json::from_slice(bytes).ok()
    }

    /// The object's JSON text, members in order.
    pub(crate) fn to_vec(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Replaces the value of `key` with the JSON string `text`.
    pub(crate) fn replace_with_string(&mut self, key: &str, text: &str) {
        if let Ok(raw) = serde_json::value::to_raw_value(text) {
            self.replace(key, &raw);
        }
    }

    /// Replaces the value of `key` with `raw`.
    pub(crate) fn replace(&mut self, key: &str, raw: &RawValue) {
        for (name, value) in &mut self.0 {
            if name == key {
                *value = raw.to_owned();
            }
        }
    }
}

impl<'de> Deserialize<'de> for Members {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MembersVisitor;
        impl<'de> Visitor<'de> for MembersVisitor {
            type Value = Members;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
                let mut members = Vec::new();
                while let Some(entry) = map.next_entry::<String, Box<RawValue>>()? {
                    members.push(entry);
                }
                Ok(Members(members))
            }
        }
        deserializer.deserialize_map(MembersVisitor)
    }
}

impl Serialize for Members {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(name, value)| (name, value)))
    }
}

/// The `--json` document of a dry run.
#[derive(Serialize)]
struct DryRun<'a> {
    method: &'a str,
    url: String,
    headers: Headers,
    body: Body,
}

/// Headers as a JSON object in request order.
struct Headers(Vec<(String, String)>);

impl Serialize for Headers {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(name, value)| (name, value)))
    }
}

/// The body: JSON kept verbatim (and so in its key order), text as a string, or `null`.
#[derive(Serialize)]
#[serde(untagged)]
enum Body {
    Json(Box<RawValue>),
    Text(String),
    None,
}

/// Pretty-prints JSON bytes with two-space indentation, keeping the keys in the order of the
/// bytes (going through a `serde_json::Value` would sort them). `None` if they are not JSON.
fn pretty_json(body: &[u8]) -> Option<String> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let mut out = Vec::with_capacity(body.len() * 2);
    let mut serializer = serde_json::Serializer::pretty(&mut out);
    serde_transcode::transcode(&mut deserializer, &mut serializer).ok()?;
    deserializer.end().ok()?;
    String::from_utf8(out).ok()
}

/// The headers in request order, with canonical names and sensitive values redacted.
fn headers(request: &Request<Vec<u8>>) -> Vec<(String, String)> {
    request
        .headers()
        .iter()
        .map(|(name, value)| (canonical_name(name), shown_value(name, value)))
        .collect()
}

/// `content-type` → `Content-Type`: each dash-separated word capitalised.
fn canonical_name(name: &HeaderName) -> String {
    name.as_str()
        .split('-')
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// The value as shown: credentials become `<scheme> [redacted]`.
fn shown_value(name: &HeaderName, value: &HeaderValue) -> String {
    if *name == AUTHORIZATION || value.is_sensitive() {
        let text = String::from_utf8_lossy(value.as_bytes());
        return match text.split_once(' ') {
            Some((scheme, _)) if *name == AUTHORIZATION => format!("{scheme} [redacted]"),
            _ => "[redacted]".to_owned(),
        };
    }
    String::from_utf8_lossy(value.as_bytes()).into_owned()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    #[test]
    fn pretty_json_matches_serde_json_and_keeps_order() {
        let samples = [
            r#"{"a":1,"b":[1,2,{"c":"x,y:{}[]"}],"d":{},"e":[],"f":"q\"\\","g":null}"#,
            r#"[]"#,
            r#"{ "a" : [ ] , "b" : { } }"#,
            r#"{"nested":{"deeper":{"list":[true,false,1.5]}}}"#,
        ];
        for sample in samples {
            let value: serde_json::Value = serde_json::from_str(sample).unwrap();
            let expected = serde_json::to_string_pretty(&value).unwrap();
            assert_eq!(
                pretty_json(sample.as_bytes()).unwrap(),
                expected,
                "{sample}"
            );
        }
        assert_eq!(
            pretty_json(br#"{"z":1,"a":2}"#).unwrap(),
            "{\n  \"z\": 1,\n  \"a\": 2\n}"
        );
        assert_eq!(pretty_json(b"{\"a\":1} trailing"), None);
        assert_eq!(pretty_json(b"not json"), None);
    }

    #[test]
    fn json_form_keeps_order_and_redacts() {
        let request = Request::builder()
            .method("POST")
            .uri("https://ivs.idenfy.com/api/v2/token")
            .header(AUTHORIZATION, "Basic c2VjcmV0")
            .body(br#"{"z":1,"a":2}"#.to_vec())
            .unwrap();
        assert_eq!(
            json(&request),
            r#"{"method":"POST","url":"https://ivs.idenfy.com/api/v2/token","headers":{"Authorization":"Basic [redacted]"},"body":{"z":1,"a":2}}"#
        );
    }

    #[test]
    fn members_keep_their_order_and_replace_values() {
        let mut members =
            Members::parse(br#"{"z":{"deep":[1,2]},"authToken":"secret-token","a":null}"#).unwrap();
        members.replace_with_string("authToken", REDACTED);
        members.replace("z", &RawValue::from_string("true".to_owned()).unwrap());
        assert_eq!(
            String::from_utf8(members.to_vec()).unwrap(),
            r#"{"z":true,"authToken":"[redacted]","a":null}"#
        );
        assert!(Members::parse(b"[1,2]").is_none());
        assert!(Members::parse(b"{\"a\":").is_none());
    }

    #[test]
    fn a_shown_request_replaces_its_url_and_body_only() {
        let request = Request::builder()
            .method("GET")
            .uri("https://ivs.idenfy.com/api/v2/facial-authentication-sessions/tok/")
            .header(AUTHORIZATION, "Basic c2VjcmV0")
            .body(br#"{"authToken":"tok"}"#.to_vec())
            .unwrap();
        let shown = Shown::new(&request)
            .with_url("https://ivs.idenfy.com/x/[redacted]/".to_owned())
            .with_body(br#"{"authToken":"[redacted]"}"#.to_vec());
        let human = human_shown(&shown);
        assert_eq!(
            human,
            "GET https://ivs.idenfy.com/x/[redacted]/\nAuthorization: Basic [redacted]\n\n\
             {\n  \"authToken\": \"[redacted]\"\n}"
        );
        assert!(!json_shown(&shown).contains("tok\""));
        assert_eq!(
            json_shown(&Shown::new(&request)),
            json(&request),
            "unchanged without replacements"
        );
    }

    #[test]
    fn header_names_are_canonical() {
        assert_eq!(canonical_name(&AUTHORIZATION), "Authorization");
        assert_eq!(
            canonical_name(&idenfy::http::header::CONTENT_TYPE),
            "Content-Type"
        );
        assert_eq!(
            canonical_name(&idenfy::http::header::USER_AGENT),
            "User-Agent"
        );
    }

    #[test]
    fn credentials_are_redacted() {
        let mut value = HeaderValue::from_static("Basic c2VjcmV0");
        assert_eq!(shown_value(&AUTHORIZATION, &value), "Basic [redacted]");
        value.set_sensitive(true);
        let other = HeaderName::from_static("x-api-key");
        assert_eq!(shown_value(&other, &value), "[redacted]");
        assert_eq!(
            shown_value(&AUTHORIZATION, &HeaderValue::from_static("opaque")),
            "[redacted]"
        );
    }
}
