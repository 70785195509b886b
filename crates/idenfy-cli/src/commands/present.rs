//! Presenting the answers of the API commands: aligned `key value` lines for people, one JSON
//! document with `--json` (iDenfy's own field names, as the library serializes them).

use idenfy::{Config, DataResponse, FileUrls, StatusResponse, TokenResponse};
use serde::Serialize;
use serde_json::Value;

use crate::error::CliError;
use crate::output::Output;

/// What an absent value reads in human output.
const NONE: &str = "-";

/// `token`: the `authToken`, the `scanRef` and the URL that starts the verification. With
/// `--json`, the whole answer with `redirectUrl` filled in when iDenfy did not send one.
pub(crate) fn token(
    response: TokenResponse,
    config: &Config,
    out: &Output,
) -> Result<(), CliError> {
    let redirect_url = config.redirect_url(&response.auth_token);
    if out.is_json() {
        let mut document = to_value(&response)?;
        if let Value::Object(map) = &mut document
            && map.get("redirectUrl").is_none_or(Value::is_null)
        {
            map.insert("redirectUrl".to_owned(), Value::String(redirect_url));
        }
        out.json_document(&document);
        return Ok(());
    }
    out.rows(&[
        ("authToken", response.auth_token.expose_secret().to_owned()),
        ("scanRef", response.scan_ref.as_str().to_owned()),
        ("clientId", or_none(response.client_id.as_deref())),
        ("redirectUrl", redirect_url),
    ]);
    Ok(())
}

/// `status`: the overall status, the face and document results and the tags.
pub(crate) fn status(response: StatusResponse, _: &Config, out: &Output) -> Result<(), CliError> {
    if out.is_json() {
        out.json_document(&to_value(&response)?);
        return Ok(());
    }
    let reviewed = |manual: bool| if manual { "manual" } else { "auto" };
    out.rows(&[
        ("scanRef", or_none(response.scan_ref.as_deref())),
        ("clientId", or_none(response.client_id.as_deref())),
        ("status", or_none(response.status.as_ref())),
        ("final", response.is_final().to_string()),
        (
            "face",
            match response.face() {
                Some(face) => format!("{face} ({})", reviewed(response.manual_face.is_some())),
                None => NONE.to_owned(),
            },
        ),
        (
            "document",
            match response.document() {
                Some(document) => {
                    format!(
                        "{document} ({})",
                        reviewed(response.manual_document.is_some())
                    )
                }
                None => NONE.to_owned(),
            },
        ),
        ("fraudTags", list(response.fraud_tags.as_deref())),
        ("mismatchTags", list(response.mismatch_tags.as_deref())),
    ]);
    Ok(())
}

/// `data`: every field iDenfy sent, one per line (null fields left out); the user asked for
/// the person's data, so it is shown.
pub(crate) fn data(response: DataResponse, _: &Config, out: &Output) -> Result<(), CliError> {
    let document = to_value(&response)?;
    if out.is_json() {
        out.json_document(&document);
        return Ok(());
    }
    out.rows(&flat_rows(&document));
    Ok(())
}

/// `files`: one line per step with its URL (the URLs expire after about an hour).
pub(crate) fn files(files: FileUrls, _: &Config, out: &Output) -> Result<(), CliError> {
    if out.is_json() {
        out.json_document(&to_value(&files)?);
        return Ok(());
    }
    let rows: Vec<(&str, String)> = files
        .iter()
        .map(|(step, url)| (step, or_none(url)))
        .collect();
    if rows.is_empty() {
        out.line("no files");
    } else {
        out.rows(&rows);
    }
    Ok(())
}

/// `delete`: a confirmation naming the verification.
pub(crate) fn deleted(scan_ref: &str, out: &Output) {
    if out.is_json() {
        out.json_document(&serde_json::json!({ "deleted": true, "scanRef": scan_ref }));
    } else {
        out.rows(&[("deleted", scan_ref.to_owned())]);
    }
}

fn to_value(value: &impl Serialize) -> Result<Value, CliError> {
    serde_json::to_value(value).map_err(|source| CliError::Print {
        what: "the answer (the request was sent)",
        source,
    })
}

fn or_none(value: Option<impl std::fmt::Display>) -> String {
    value.map_or_else(|| NONE.to_owned(), |value| value.to_string())
}

fn list<T: std::fmt::Display>(items: Option<&[T]>) -> String {
    match items {
        Some(items) if !items.is_empty() => items
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        _ => NONE.to_owned(),
    }
}

/// The top-level fields of a JSON object as `key value` rows: strings as they are, other
/// values as JSON text, nulls left out.
fn flat_rows(document: &Value) -> Vec<(&str, String)> {
    let Value::Object(map) = document else {
        return Vec::new();
    };
    map.iter()
        .filter(|(_, value)| !value.is_null())
        .map(|(key, value)| match value {
            Value::String(text) => (key.as_str(), text.clone()),
            other => (key.as_str(), other.to_string()),
        })
        .collect()
}
