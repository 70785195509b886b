//! The human summary of a webhook event: what a person needs to triage a delivery, and no
//! personal data (names, numbers, dates of birth, addresses, file URLs, answers; R10).
//!
//! One `(key, value)` row per line; keys are iDenfy's field names where there is one. An absent
//! value reads `-`.

use std::fmt::Display;

use idenfy::webhook::WebhookEvent;
use serde_json::Value;

/// What an absent value reads.
const NONE: &str = "-";

/// The summary rows of `event`.
pub(super) fn rows(event: &WebhookEvent) -> Vec<(&'static str, String)> {
    let mut rows = vec![
        ("event", event_name(event)),
        ("scanRef", or_none(event.scan_ref())),
        ("clientId", or_none(event.client_id())),
        ("final", event.is_final().to_string()),
    ];
    match event {
        WebhookEvent::Identification { result, .. } => {
            let status = &result.status;
            rows.push(("overall", or_none(status.overall.as_ref())));
            rows.push((
                "face",
                with_origin(status.face(), status.manual_face.is_some()),
            ));
            rows.push((
                "document",
                with_origin(status.document(), status.manual_document.is_some()),
            ));
            rows.push(("fraudTags", list(status.fraud_tags.as_deref())));
            rows.push(("mismatchTags", list(status.mismatch_tags.as_deref())));
            // Legacy (2019–2021) payloads only; shown when they carry any.
            if status
                .suspicion_reasons
                .as_ref()
                .is_some_and(|reasons| !reasons.is_empty())
            {
                rows.push((
                    "suspicionReasons",
                    list(status.suspicion_reasons.as_deref()),
                ));
            }
            if let Some(steps) = &status.additional_steps {
                rows.push(("additionalSteps", steps.to_string()));
            }
        }
        WebhookEvent::DocumentExpiration { expiration, .. } => {
            rows.push((
                "expirationThreshold",
                or_none(expiration.expiration_threshold.as_ref()),
            ));
        }
        WebhookEvent::VideoCall { call, .. } => {
            rows.push(("status", or_none(call.status)));
            rows.push(("date", or_none(call.date.as_deref())));
            rows.push((
                "videoCallAnswers",
                call.video_call_answers
                    .as_ref()
                    .map_or_else(|| NONE.to_owned(), |answers| answers.len().to_string()),
            ));
        }
        WebhookEvent::Unknown { body, .. } => {
            rows.push(("fields", top_level_keys(body)));
        }
        // A kind of event this version does not know: the common rows say what is known.
        _ => {}
    }
    rows
}

/// The `Idenfy-Event-Type` the delivery came with, or the event inferred from the body, marked
/// `(inferred)`.
fn event_name(event: &WebhookEvent) -> String {
    if event.is_inferred() {
        format!("{} (inferred)", event.event_name())
    } else {
        event.event_name().to_owned()
    }
}

/// The value, or `-`.
fn or_none<T: Display>(value: Option<T>) -> String {
    value.map_or_else(|| NONE.to_owned(), |value| value.to_string())
}

/// The result that counts, and whether it is the manual or the automatic one.
fn with_origin<T: Display>(value: Option<&T>, manual: bool) -> String {
    match value {
        Some(value) if manual => format!("{value} (manual)"),
        Some(value) => format!("{value} (auto)"),
        None => NONE.to_owned(),
    }
}

/// The items separated by `, `, or `-` when there are none.
fn list<T: Display>(items: Option<&[T]>) -> String {
    match items {
        Some(items) if !items.is_empty() => items
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        _ => NONE.to_owned(),
    }
}

/// The names of the top-level fields of an event this version does not model (their values may
/// be personal data and are not shown).
fn top_level_keys(body: &Value) -> String {
    match body {
        // Sorted: the order must not depend on whether serde_json preserves insertion order
        // (a feature any crate in the build can turn on).
        Value::Object(map) if !map.is_empty() => {
            let mut keys: Vec<&str> = map.keys().map(String::as_str).collect();
            keys.sort_unstable();
            keys.join(", ")
        }
        Value::Object(_) => NONE.to_owned(),
        Value::Array(_) => "(an array)".to_owned(),
        _ => "(not an object)".to_owned(),
    }
}
