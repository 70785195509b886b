//! Quirks mode ([`EmulatorBuilder::quirks`](crate::EmulatorBuilder::quirks)): the emulator's
//! answers and webhooks in the shapes iDenfy's real, documented payloads have, so that a client's
//! lenient parsing (R7) meets them in a test before it meets them in production.
//!
//! Each quirk rewrites the *shape* of a value and never its meaning: a client that reads a quirky
//! payload the way R7 asks gets exactly what it gets from the plain one. The payloads are first
//! made as usual ([`crate::payload`]), then rewritten here; a webhook's text is written by hand
//! (duplicate keys cannot be expressed as a `serde_json::Value`) and signed over those exact
//! bytes.
//!
//! | quirk | where | pattern in iDenfy's payloads |
//! |---|---|---|
//! | `clientId` as a JSON number when it is a plain decimal number (`"100000"` → `100000`) | token answer, `status`, `data`, webhooks | the 2018 token answer; `data`'s 2021 table types it `Int` |
//! | `selectedCountry` twice in `data` | webhooks, `data` | the 2021 webhook examples repeat the key |
//! | `startTime`/`finishTime` as floats with microseconds, truncating to the same seconds | webhooks | the April 2019 webhook example |
//! | `aml`/`lid`: lower-case keys, one service result as a single object instead of a list | webhooks | the 2019–2021 webhook examples |
//! | a top-level `additionalSteps` map beside the string `status.additionalSteps` | webhooks | the current schema: one name, two shapes |
//! | pretty-printed with two-space indentation and a trailing newline, signed with it | webhooks | the go-idenfy test body, whose signature covers its final LF |

use std::fmt::Write as _;

use serde_json::{Map, Value};

use crate::payload;

/// How deep the hand-written JSON goes before it falls back to serde_json's writer (a webhook is
/// five levels deep; this only bounds the recursion).
const MAX_DEPTH: usize = 32;

/// `value` as a JSON number when it is the canonical decimal text of one (`"100000"`, not
/// `"0100000"`, `"+1"` or a number beyond `u64`): what iDenfy's 2018 answer did with such a
/// `clientId`. Anything else stays as it is.
fn numeric(value: &Value) -> Value {
    match value {
        Value::String(text)
            if !text.is_empty()
                && text.bytes().all(|byte| byte.is_ascii_digit())
                && (text == "0" || !text.starts_with('0')) =>
        {
            text.parse::<u64>()
                .map_or_else(|_| value.clone(), Value::from)
        }
        _ => value.clone(),
    }
}

/// The token answer: `clientId` as a number when it is one.
pub(crate) fn token_response(body: &Value) -> Vec<u8> {
    let mut body = body.clone();
    if let Some(client_id) = body.get_mut("clientId") {
        *client_id = numeric(client_id);
    }
    serde_json::to_vec(&body).unwrap_or_default()
}

/// The `status` answer: `clientId` as a number when it is one.
pub(crate) fn status(body: &Value) -> Vec<u8> {
    token_response(body)
}

/// The `data` answer: `clientId` as a number when it is one, `selectedCountry` twice.
pub(crate) fn data(body: &Value) -> Vec<u8> {
    let Value::Object(fields) = body else {
        return serde_json::to_vec(body).unwrap_or_default();
    };
    let mut text = String::new();
    let mut writer = Writer::compact(&mut text);
    writer.open('{');
    for (key, value) in fields {
        match key.as_str() {
            "clientId" => writer.entry(key, &Node::Value(&numeric(value))),
            "selectedCountry" => {
                writer.entry(key, &Node::Value(value));
                writer.entry(key, &Node::Value(value));
            }
            _ => writer.entry(key, &Node::Value(value)),
        }
    }
    writer.close('}');
    text.into_bytes()
}

/// A webhook body made by [`payload::webhook_body`], rewritten with the quirks; the body as it
/// was when it is not a JSON object (it always is).
pub(crate) fn webhook(body: &[u8]) -> Vec<u8> {
    let Ok(Value::Object(fields)) = serde_json::from_slice::<Value>(body) else {
        return body.to_vec();
    };
    let scan_ref = fields
        .get("scanRef")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let (start_fraction, finish_fraction) = fractions(scan_ref);
    let mut text = String::new();
    let mut writer = Writer::pretty(&mut text);
    writer.open('{');
    for (key, value) in &fields {
        match key.as_str() {
            "clientId" => writer.entry(key, &Node::Value(&numeric(value))),
            "startTime" => writer.entry(key, &seconds(value, start_fraction)),
            "finishTime" => {
                // Never before the start when both fall in the same second.
                let same = value == fields.get("startTime").unwrap_or(&Value::Null);
                let fraction = if same {
                    finish_fraction.max(start_fraction)
                } else {
                    finish_fraction
                };
                writer.entry(key, &seconds(value, fraction));
            }
            "data" => writer.entry(key, &data_node(value)),
            "AML" => writer.entry("aml", &legacy_list(value)),
            "LID" => writer.entry("lid", &legacy_list(value)),
            _ => writer.entry(key, &Node::Value(value)),
        }
    }
    if !fields.contains_key("additionalSteps") {
        writer.entry("additionalSteps", &Node::Value(&Value::Object(Map::new())));
    }
    writer.close('}');
    text.push('\n');
    text.into_bytes()
}

/// A webhook body that is not an identification result (a `DOCUMENT_EXPIRATION` notice),
/// rewritten with the quirks that apply to it: `clientId` as a number when it is one,
/// pretty-printed with a signed trailing newline. The body as it was when it is not a JSON
/// object (it always is).
pub(crate) fn notice(body: &[u8]) -> Vec<u8> {
    let Ok(Value::Object(fields)) = serde_json::from_slice::<Value>(body) else {
        return body.to_vec();
    };
    let mut text = String::new();
    let mut writer = Writer::pretty(&mut text);
    writer.open('{');
    for (key, value) in &fields {
        match key.as_str() {
            "clientId" => writer.entry(key, &Node::Value(&numeric(value))),
            _ => writer.entry(key, &Node::Value(value)),
        }
    }
    writer.close('}');
    text.push('\n');
    text.into_bytes()
}

/// Two stable fractions of a second (microseconds) from the `scanRef`.
fn fractions(scan_ref: &str) -> (u32, u32) {
    let digits = payload::stable_number(scan_ref, 12);
    let (start, finish) = digits.split_at_checked(6).unwrap_or(("0", "0"));
    (start.parse().unwrap_or(0), finish.parse().unwrap_or(0))
}

/// Unix seconds as a float with `micros` after the point (`1554726960.324056`), which reads back
/// as the same whole seconds; anything but an integer stays as it is.
fn seconds(value: &Value, micros: u32) -> Node<'_> {
    match value.as_i64() {
        Some(seconds) if seconds >= 0 => Node::Raw(format!("{seconds}.{micros:06}")),
        _ => Node::Value(value),
    }
}

/// The webhook's `data` object with `selectedCountry` also at its head, as the documented
/// examples repeat it.
fn data_node(value: &Value) -> Node<'_> {
    let Value::Object(fields) = value else {
        return Node::Value(value);
    };
    let mut entries = Vec::with_capacity(fields.len() + 1);
    if let Some(country) = fields.get("selectedCountry") {
        entries.push(("selectedCountry", Node::Value(country)));
    }
    entries.extend(
        fields
            .iter()
            .map(|(key, value)| (key.as_str(), Node::Value(value))),
    );
    Node::Object(entries)
}

/// A list of service results in the legacy shape: a single object when there is one, the list
/// otherwise (the legacy spelling cannot say more).
fn legacy_list(value: &Value) -> Node<'_> {
    match value {
        Value::Array(items) => match items.as_slice() {
            [one] => Node::Value(one),
            _ => Node::Value(value),
        },
        _ => Node::Value(value),
    }
}

/// What the hand-written JSON is made of.
enum Node<'a> {
    /// A value, written as JSON.
    Value(&'a Value),
    /// Text that is already JSON (a float written digit by digit).
    Raw(String),
    /// An object whose entries are written in this order, repeated keys included.
    Object(Vec<(&'a str, Node<'a>)>),
}

/// Writes JSON text by hand: objects may repeat keys, numbers may be written as given.
struct Writer<'a> {
    out: &'a mut String,
    /// Two-space indentation and a line per entry, or nothing between tokens.
    pretty: bool,
    depth: usize,
    /// Whether the current container has an entry yet.
    started: Vec<bool>,
}

impl<'a> Writer<'a> {
    fn pretty(out: &'a mut String) -> Self {
        Self {
            out,
            pretty: true,
            depth: 0,
            started: Vec::new(),
        }
    }

    fn compact(out: &'a mut String) -> Self {
        Self {
            pretty: false,
            ..Self::pretty(out)
        }
    }

    fn open(&mut self, bracket: char) {
        self.out.push(bracket);
        self.depth += 1;
        self.started.push(false);
    }

    fn close(&mut self, bracket: char) {
        self.depth = self.depth.saturating_sub(1);
        if self.started.pop() == Some(true) {
            self.newline();
        }
        self.out.push(bracket);
    }

    fn newline(&mut self) {
        if self.pretty {
            self.out.push('\n');
            for _ in 0..self.depth {
                self.out.push_str("  ");
            }
        }
    }

    /// Starts the next item of the current container.
    fn item(&mut self) {
        if let Some(started) = self.started.last_mut() {
            if *started {
                self.out.push(',');
            }
            *started = true;
        }
        self.newline();
    }

    fn entry(&mut self, key: &str, value: &Node<'_>) {
        self.item();
        self.string(key);
        self.out.push_str(if self.pretty { ": " } else { ":" });
        self.node(value);
    }

    fn string(&mut self, text: &str) {
        // A string always serializes; the fallback is never taken.
        let quoted = serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_owned());
        self.out.push_str(&quoted);
    }

    fn node(&mut self, node: &Node<'_>) {
        match node {
            Node::Raw(text) => self.out.push_str(text),
            Node::Value(value) => self.value(value),
            Node::Object(entries) => {
                self.open('{');
                for (key, value) in entries {
                    self.entry(key, value);
                }
                self.close('}');
            }
        }
    }

    fn value(&mut self, value: &Value) {
        match value {
            Value::Object(fields) if !fields.is_empty() && self.depth < MAX_DEPTH => {
                self.open('{');
                for (key, value) in fields {
                    self.entry(key, &Node::Value(value));
                }
                self.close('}');
            }
            Value::Array(items) if !items.is_empty() && self.depth < MAX_DEPTH => {
                self.open('[');
                for item in items {
                    self.item();
                    self.value(item);
                }
                self.close(']');
            }
            other => {
                // Scalars, empty containers and what lies beyond the depth bound.
                let _ = write!(self.out, "{other}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use serde_json::json;

    #[test]
    fn only_canonical_decimal_numbers_become_numbers() {
        assert_eq!(numeric(&json!("100000")), json!(100000));
        assert_eq!(numeric(&json!("0")), json!(0));
        for kept in ["0100", "", "+1", "1e3", "12a", "99999999999999999999", " 1"] {
            assert_eq!(numeric(&json!(kept)), json!(kept), "{kept:?}");
        }
        assert_eq!(numeric(&json!(null)), json!(null));
    }

    #[test]
    fn the_writer_repeats_keys_and_escapes() {
        let value = json!({"a\"b": [1, "x\n", {}], "c": null, "d": []});
        let mut text = String::new();
        let mut writer = Writer::compact(&mut text);
        writer.node(&Node::Object(vec![
            ("k", Node::Value(&value)),
            ("k", Node::Raw("1.500000".to_owned())),
        ]));
        assert_eq!(
            text,
            r#"{"k":{"a\"b":[1,"x\n",{}],"c":null,"d":[]},"k":1.500000}"#
        );
        let mut pretty = String::new();
        Writer::pretty(&mut pretty).value(&json!({"a": [1], "b": {}}));
        assert_eq!(pretty, "{\n  \"a\": [\n    1\n  ],\n  \"b\": {}\n}");
        assert_eq!(serde_json::from_str::<Value>(&pretty).unwrap()["a"][0], 1);
    }

    #[test]
    fn a_webhook_keeps_its_meaning() {
        let plain = json!({
            "clientId": "100042",
            "scanRef": "0b8f6b8e-1111-4222-8333-944445555666",
            "startTime": 1_700_000_000,
            "finishTime": 1_700_000_000,
            "status": {"overall": "APPROVED", "additionalSteps": null},
            "data": {"docFirstName": "ONA", "selectedCountry": "LT"},
            "AML": [{"serviceName": "PilotApiAmlV2"}],
            "LID": [],
        });
        let quirky = webhook(&serde_json::to_vec(&plain).unwrap());
        let text = String::from_utf8(quirky.clone()).unwrap();
        assert!(text.ends_with("}\n"), "{text}");
        assert!(text.contains("\"clientId\": 100042,"), "{text}");
        assert_eq!(text.matches("\"selectedCountry\": \"LT\"").count(), 2);
        assert!(text.contains("\"aml\": {"), "{text}");
        assert!(text.contains("\"lid\": []"), "{text}");
        assert!(text.contains("\"additionalSteps\": {}"), "{text}");
        let start = text.split("\"startTime\": ").nth(1).unwrap();
        let finish = text.split("\"finishTime\": ").nth(1).unwrap();
        let number = |rest: &str| rest.split([',', '\n']).next().unwrap().to_owned();
        let (start, finish) = (number(start), number(finish));
        assert!(
            start.starts_with("1700000000.") && start.len() == 17,
            "{start}"
        );
        assert!(
            finish.starts_with("1700000000.") && finish >= start,
            "{finish}"
        );
        // serde_json's own reading: last key wins, the same value.
        let read: Value = serde_json::from_slice(&quirky).unwrap();
        assert_eq!(read["data"]["selectedCountry"], "LT");
        assert_eq!(read["aml"]["serviceName"], "PilotApiAmlV2");
    }

    /// The webhooks of a verification, plain and quirky, read by the library: the same result
    /// (the quirky one adds only the empty top-level `additionalSteps` map), no fallback.
    #[test]
    fn the_library_reads_quirky_webhooks_as_the_plain_ones() {
        use crate::outcome::Outcome;
        use crate::state::{Limits, State};
        use idenfy_proto::webhook::{self, WebhookEvent};

        let mut state = State::new(None, Limits::default());
        let now = 1_700_000_000_000;
        let request = idenfy_proto::server::read_token_request(&json!({
            "clientId": "100042", "firstName": "Ona", "lastName": "Petraityte",
            "country": "lt", "externalRef": "order-7", "expiryTime": 60,
        }))
        .unwrap();
        let ids = (
            "2f1e5c7a-0000-4000-8000-000000000001".to_owned(),
            "t".repeat(26),
        );
        state.create(request, ids, now);
        assert!(state.take_events().is_empty());
        let suspected = Outcome::suspected().manual_review(true);
        state
            .complete(
                "2f1e5c7a-0000-4000-8000-000000000001",
                suspected,
                now + 5_000,
                None,
            )
            .unwrap();
        let mut events = state.take_events();
        assert_eq!(events.len(), 2, "automatic, then manual");
        // And an expiry, on a second verification.
        let request = idenfy_proto::server::read_token_request(&json!({"clientId": "7"})).unwrap();
        let ids = (
            "2f1e5c7a-0000-4000-8000-000000000002".to_owned(),
            "u".repeat(26),
        );
        state.create(request, ids, now);
        assert!(!state.tick(now + 3_600_000, 16));
        events.extend(state.take_events());
        let jobs: Vec<_> = events
            .into_iter()
            .map(|event| event.into_job("http://e", false))
            .collect();
        assert_eq!(jobs.len(), 3, "{jobs:?}");

        for job in &jobs {
            let quirky = webhook(&job.body);
            assert_ne!(quirky, job.body);
            let event = job.event_type.as_str();
            let read = |body: &[u8]| match webhook::parse_unverified(body, Some(event)).unwrap() {
                WebhookEvent::Identification { result, .. } => *result,
                other => panic!("{other:?}"),
            };
            let (plain, mut quirky) = (read(&job.body), read(&quirky));
            assert!(quirky.fallbacks().is_empty(), "{:?}", quirky.fallbacks());
            assert_eq!(quirky.additional_steps.take(), Some(Default::default()));
            assert_eq!(quirky, plain, "{event}");
            assert!(plain.client_id.is_some());
            // A token that expired unopened had no session, so no start.
            let expired = job.event_type == idenfy_proto::EventType::IdentificationExpired;
            assert_eq!(plain.start_time.is_some(), !expired, "{event}");
            assert_eq!(
                webhook::parse_unverified(&webhook(&job.body), Some(event))
                    .unwrap()
                    .dedup_key(),
                webhook::parse_unverified(&job.body, Some(event))
                    .unwrap()
                    .dedup_key()
            );
        }
    }

    #[test]
    fn a_document_expiration_notice_keeps_its_meaning() {
        use idenfy_proto::webhook::{self, WebhookEvent};
        let plain = br#"{"scanRef":"s-1","clientId":"100042","expirationThreshold":"DOCUMENT_EXPIRED","documentExpiration":"2030-01-02"}"#;
        let quirky = notice(plain);
        let text = String::from_utf8(quirky.clone()).unwrap();
        assert!(text.contains("\"clientId\": 100042,"), "{text}");
        assert!(text.ends_with("}\n"), "{text}");
        assert!(!text.contains("additionalSteps"), "{text}");
        let event = "DOCUMENT_EXPIRATION";
        let read = |body: &[u8]| match webhook::parse_unverified(body, Some(event)).unwrap() {
            WebhookEvent::DocumentExpiration { expiration, .. } => expiration,
            other => panic!("{other:?}"),
        };
        assert_eq!(read(&quirky), read(plain));
        assert_eq!(
            webhook::parse_unverified(&quirky, Some(event))
                .unwrap()
                .dedup_key(),
            webhook::parse_unverified(plain, Some(event))
                .unwrap()
                .dedup_key()
        );
    }

    #[test]
    fn data_repeats_the_country_and_numbers_the_client() {
        let body = json!({"clientId": "7", "scanRef": "s", "selectedCountry": "LT"});
        let text = String::from_utf8(data(&body)).unwrap();
        assert_eq!(
            text,
            r#"{"clientId":7,"scanRef":"s","selectedCountry":"LT","selectedCountry":"LT"}"#
        );
        let text = String::from_utf8(token_response(&json!({"clientId": "c-1"}))).unwrap();
        assert_eq!(text, r#"{"clientId":"c-1"}"#);
    }
}
