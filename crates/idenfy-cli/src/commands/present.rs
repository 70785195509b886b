//! Presenting the answers of the API commands: aligned `key value` lines for people, one JSON
//! document with `--json` (iDenfy's own field names, as the library serializes them).

use idenfy::{
    Config, DataResponse, FaceAuthSession, FaceAuthSessions, FaceAuthStatus, FaceAuthTokenResponse,
    FileUrls, FullStatus, Identification, IdentificationPage, RequestInformationResponse,
    StatusResponse, TokenResponse, VideoCallRecord, VideoCallResponse,
};
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

/// The columns of the listing of identifications: their headers and widths (a `scanRef` is
/// usually a 36-character UUID; `EXPIRED-DELETED` is the longest status).
const IDENTIFICATION_COLUMNS: [(&str, usize); 3] =
    [("SCANREF", 36), ("STATUS", 15), ("SUSPECTED", 0)];

/// `identifications`: the header of the table of identifications, one row per identification.
pub(crate) fn identifications_header(out: &Output) {
    out.table_row(&IDENTIFICATION_COLUMNS, None);
}

/// `identifications`: one identification as a row of the table (`-` for what iDenfy did not
/// send).
pub(crate) fn identification_row(identification: &Identification, out: &Output) {
    let [(_, scan_ref_width), (_, status_width), (_, suspected_width)] = IDENTIFICATION_COLUMNS;
    let scan_ref = or_none(identification.scan_ref.as_deref());
    let status = or_none(identification.status.as_ref());
    let suspected = or_none(identification.suspected);
    out.table_row(
        &[
            (&scan_ref, scan_ref_width),
            (&status, status_width),
            (&suspected, suspected_width),
        ],
        Some(1),
    );
}

/// `identifications` without `--all`: the page. With `--json`, the page as iDenfy sent it
/// (`count`, `next`, `previous`, `results`); otherwise a table, and on stderr whether more pages
/// follow.
pub(crate) fn identification_page(
    page: IdentificationPage,
    _: &Config,
    out: &Output,
) -> Result<(), CliError> {
    if out.is_json() {
        out.json_document(&to_value(&page)?);
        return Ok(());
    }
    let identifications = page.identifications();
    if identifications.is_empty() {
        out.line("no identifications");
    } else {
        identifications_header(out);
        for identification in identifications {
            identification_row(identification, out);
        }
    }
    if page.next_link().is_some() {
        let of = page
            .count
            .map(|count| format!(" of {count}"))
            .unwrap_or_default();
        out.status(&format!(
            "{}{of} identifications on this page; more pages follow (--page N, or --all for \
             every page)",
            identifications.len()
        ));
    }
    Ok(())
}

/// `identifications --all --json`: the identifications as one JSON array.
pub(crate) fn identification_value(identification: &Identification) -> Result<Value, CliError> {
    to_value(identification)
}

/// `request-info`: the new session — its `tokenString` (a secret: the command exists to print
/// it) and the URL to send the person to.
pub(crate) fn request_information(
    response: RequestInformationResponse,
    _: &Config,
    out: &Output,
) -> Result<(), CliError> {
    if out.is_json() {
        out.json_document(&to_value(&response)?);
        return Ok(());
    }
    out.rows(&[
        (
            "tokenString",
            response.token_string.expose_secret().to_owned(),
        ),
        (
            "sessionUrl",
            or_none(response.session_url.as_ref().map(|url| url.as_str())),
        ),
    ]);
    Ok(())
}

/// `face-auth status`: whether the person can authenticate by face.
pub(crate) fn face_auth_status(
    status: FaceAuthStatus,
    _: &Config,
    out: &Output,
) -> Result<(), CliError> {
    if out.is_json() {
        out.json_document(&to_value(&status)?);
        return Ok(());
    }
    out.rows(&[
        ("type", or_none(status.auth_type.as_ref())),
        ("canAuthenticate", status.can_authenticate().to_string()),
    ]);
    Ok(())
}

/// `face-auth token`: the token that starts a face-authentication session (the command exists
/// to print it), and the digit string when one was asked for.
pub(crate) fn face_auth_token(
    response: FaceAuthTokenResponse,
    _: &Config,
    out: &Output,
) -> Result<(), CliError> {
    if out.is_json() {
        out.json_document(&to_value(&response)?);
        return Ok(());
    }
    let mut rows = vec![("authToken", response.auth_token.expose_secret().to_owned())];
    if let Some(digits) = &response.digit_string {
        rows.push(("digitString", digits.as_str().to_owned()));
    }
    if let Some(scan_ref) = &response.scan_ref {
        rows.push(("scanRef", scan_ref.clone()));
    }
    out.rows(&rows);
    Ok(())
}

/// The columns of the listing of face-authentication sessions.
const SESSION_COLUMNS: [(&str, usize); 6] = [
    ("ID", 36),
    ("TYPE", 14),
    ("METHOD", 15),
    ("APPROVED", 8),
    ("SCANREF", 36),
    ("TOKEN", 0),
];

/// `face-auth sessions`: one row per session, with its `tokenString` (what `face-auth sessions
/// TOKEN` reads); the face photos only with `--json`, which prints the list as iDenfy sent it.
pub(crate) fn face_auth_sessions(
    sessions: FaceAuthSessions,
    _: &Config,
    out: &Output,
) -> Result<(), CliError> {
    if out.is_json() {
        out.json_document(&to_value(&sessions)?);
        return Ok(());
    }
    if sessions.sessions.is_empty() && sessions.unreadable.is_empty() {
        out.line("no sessions");
        return Ok(());
    }
    out.table_row(&SESSION_COLUMNS, None);
    for session in &sessions.sessions {
        let values = [
            or_none(session.id.as_deref()),
            or_none(session.session_type.as_ref()),
            or_none(session.authentication_method.as_ref()),
            or_none(session.approved),
            or_none(session.given_scan_ref.as_deref()),
            or_none(
                session
                    .token_string
                    .as_ref()
                    .map(|token| token.expose_secret()),
            ),
        ];
        let cells: Vec<(&str, usize)> = values
            .iter()
            .zip(SESSION_COLUMNS)
            .map(|(value, (_, width))| (value.as_str(), width))
            .collect();
        out.table_row(&cells, Some(3));
    }
    if !sessions.unreadable.is_empty() {
        out.status(&format!(
            "items of the answer that are not sessions: {} (--json prints them as received)",
            sessions.unreadable.len()
        ));
    }
    Ok(())
}

/// `face-auth sessions TOKEN`: the session, one field per line.
pub(crate) fn face_auth_session(
    session: FaceAuthSession,
    _: &Config,
    out: &Output,
) -> Result<(), CliError> {
    if out.is_json() {
        out.json_document(&to_value(&session)?);
        return Ok(());
    }
    out.rows(&[
        ("id", or_none(session.id.as_deref())),
        (
            "tokenString",
            or_none(
                session
                    .token_string
                    .as_ref()
                    .map(|token| token.expose_secret()),
            ),
        ),
        ("approved", or_none(session.approved)),
        ("givenScanRef", or_none(session.given_scan_ref.as_deref())),
        ("type", or_none(session.session_type.as_ref())),
        (
            "authenticationMethod",
            or_none(session.authentication_method.as_ref()),
        ),
        (
            "facePhoto",
            or_none(session.face_photo.as_ref().map(|url| url.as_str())),
        ),
    ]);
    Ok(())
}

/// `video-call start`: the URL where the person joins the call.
pub(crate) fn video_call(
    response: VideoCallResponse,
    _: &Config,
    out: &Output,
) -> Result<(), CliError> {
    if out.is_json() {
        out.json_document(&to_value(&response)?);
        return Ok(());
    }
    out.rows(&[("url", or_none(response.link()))]);
    Ok(())
}

/// `video-call record`: one line per photo (by step) and per video, with its URL.
pub(crate) fn video_call_record(
    record: VideoCallRecord,
    _: &Config,
    out: &Output,
) -> Result<(), CliError> {
    if out.is_json() {
        out.json_document(&to_value(&record)?);
        return Ok(());
    }
    let mut rows: Vec<(&str, String)> = record
        .photos
        .iter()
        .flatten()
        .map(|(step, url)| (step.as_str(), or_none(url.as_ref().map(|url| url.as_str()))))
        .collect();
    rows.extend(record.video_urls().map(|url| ("video", url.to_owned())));
    if rows.is_empty() {
        out.line("no recordings");
    } else {
        out.rows(&rows);
    }
    Ok(())
}

/// `full-status`: every field iDenfy sent, one per line, the nested objects' fields as
/// `client.name`, `client_identity_document.doc_name`, … (null fields left out); the user asked
/// for the verification's full status, personal data included, so it is shown.
pub(crate) fn full_status(status: FullStatus, _: &Config, out: &Output) -> Result<(), CliError> {
    let document = to_value(&status)?;
    if out.is_json() {
        out.json_document(&document);
        return Ok(());
    }
    let mut rows = Vec::new();
    nested_rows("", &document, &mut rows);
    let rows: Vec<(&str, String)> = rows
        .iter()
        .map(|(key, value)| (key.as_str(), value.clone()))
        .collect();
    out.rows(&rows);
    Ok(())
}

/// The fields of a JSON object as `key value` rows, those of nested objects under
/// `outer.inner`: strings as they are, other values as JSON text, nulls left out.
fn nested_rows(prefix: &str, document: &Value, rows: &mut Vec<(String, String)>) {
    let Value::Object(map) = document else {
        return;
    };
    for (key, value) in map {
        let key = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            Value::Null => {}
            Value::Object(_) => nested_rows(&key, value, rows),
            other => rows.push((key, cell(other))),
        }
    }
}

/// A JSON value as one row's text: a string as it is, anything else as JSON text.
fn cell(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
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
        .map(|(key, value)| (key.as_str(), cell(value)))
        .collect()
}
