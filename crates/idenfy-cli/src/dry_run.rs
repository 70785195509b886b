//! `--dry-run`: showing a built request exactly as it would be sent, minus the credentials.
//!
//! Human form: `METHOD URL`, one `Name: value` line per header, a blank line, the JSON body
//! pretty-printed. JSON form: `{"method": …, "url": …, "headers": {…}, "body": …}`. Either way
//! the `Authorization` header (and any header the library marked sensitive) reads
//! `<scheme> [redacted]` (R10). Header and body-field order is the order of the request.

use idenfy::http::header::AUTHORIZATION;
use idenfy::http::{HeaderName, HeaderValue, Request};
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;

use crate::output::Output;

/// Prints `request` in the form `out` asks for.
pub(crate) fn print(out: &Output, request: &Request<Vec<u8>>) {
    if out.is_json() {
        out.line(&json(request));
    } else {
        out.line(&human(request));
    }
}

/// The human form, without a final line break.
pub(crate) fn human(request: &Request<Vec<u8>>) -> String {
    let mut text = format!("{} {}", request.method(), request.uri());
    for (name, value) in headers(request) {
        text.push('\n');
        text.push_str(&name);
        text.push_str(": ");
        text.push_str(&value);
    }
    text.push_str("\n\n");
    let body = request.body();
    match pretty_json(body) {
        Some(pretty) => text.push_str(&pretty),
        None => text.push_str(&String::from_utf8_lossy(body)),
    }
    text
}

/// The JSON form, on one line. Header and body keys keep the request's order.
pub(crate) fn json(request: &Request<Vec<u8>>) -> String {
    let body = request.body();
    let raw_body = std::str::from_utf8(body)
        .ok()
        .and_then(|text| RawValue::from_string(text.trim().to_owned()).ok());
    let document = DryRun {
        method: request.method().as_str(),
        url: request.uri().to_string(),
        headers: Headers(headers(request)),
        body: match raw_body {
            Some(raw) => Body::Json(raw),
            None if body.is_empty() => Body::None,
            None => Body::Text(String::from_utf8_lossy(body).into_owned()),
        },
    };
    serde_json::to_string(&document).unwrap_or_default()
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
