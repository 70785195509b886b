//! The control API under `/__emulator/…` (documented in the crate docs): drive verifications,
//! the clock, faults and the webhook URL, and read what was delivered. JSON in and out.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use idenfy_proto::http::header::{CONTENT_TYPE, HOST, ORIGIN, REFERER};
use idenfy_proto::http::{Method, Request};
use idenfy_proto::{
    ErrorIdentifier, EventType, ExpirationThreshold, OverallStatus, Rule, ValidationError, WebUrl,
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::face_auth;
use crate::fault::{FaultJson, RandomFaultState, RandomFaultsJson};
use crate::outcome::{Outcome, OutcomeJson};
use crate::page::{DEFAULT_PER_PAGE, DeliveryQuery, Page, VerificationQuery};
use crate::payload::{self, CANCEL_OUTCOME, PAGE_OUTCOMES};
use crate::process::ProcessSettingsJson;
use crate::server::{
    Answer, CONTROL_PREFIX, RequestBody, error, form_value, method_not_allowed, not_found,
    parse_json, percent_decode, percent_encode, read_body, see_other, validation_error,
};
use crate::shared::Shared;
use crate::state::MAX_CLOCK_MS;
use crate::video_call::{self, FinishJson};
use crate::{Delivery, EmulatorError, Verification, ops};

/// Routes one control request, once [`refuse_foreign`] let it through.
pub(crate) async fn handle<B: RequestBody>(
    shared: &Arc<Shared>,
    remote: SocketAddr,
    request: Request<B>,
    body_read_timeout: Duration,
) -> Answer {
    let method = request.method().clone();
    let query = request.uri().query().map(str::to_owned);
    let path = request
        .uri()
        .path()
        .strip_prefix(CONTROL_PREFIX)
        .unwrap_or_default()
        .trim_end_matches('/')
        .to_owned();
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let form =
        matches!(segments.as_slice(), ["ui", "finish" | "video-call"]) && method == Method::POST;
    if let Some(answer) = refuse_rebound(remote, &request) {
        return answer;
    }
    if let Some(answer) = refuse_foreign(shared, &request, form) {
        return answer;
    }
    shared.tick();
    // Whether the request says it is JSON (`None`: it names no type).
    let typed = !method.is_safe() && !form;
    let json = request
        .headers()
        .get(CONTENT_TYPE)
        .map(|value| value.to_str().is_ok_and(is_json));
    if typed && json == Some(false) {
        return unsupported_media_type();
    }
    let body = match read_body(request.into_body(), body_read_timeout).await {
        Ok(body) => body,
        Err(answer) => return answer,
    };
    if typed && json.is_none() && !body.is_empty() {
        return unsupported_media_type();
    }
    match (segments.as_slice(), &method) {
        ([], &Method::GET) => Answer::json(200, &index(shared)),
        (["health"], &Method::GET) => Answer::json(200, &json!({"status": "ok"})),
        (["verifications"], &Method::GET) => {
            // The clock's backlog first, yielding between chunks (see `Shared::settle_all`).
            shared.settle_all_async().await;
            verification_list(shared, query.as_deref())
        }
        (["verifications", scan_ref], &Method::GET) => match ops::verification(shared, scan_ref) {
            Some(verification) => Answer::json(200, &verification.to_json()),
            None => unknown(scan_ref),
        },
        (["verifications", scan_ref, "start"], &Method::POST) => respond(
            ops::start_session(shared, scan_ref, Some(remote)),
            shared,
            scan_ref,
        ),
        (["verifications", scan_ref, "complete"], &Method::POST) => {
            let outcome = match parse_optional::<OutcomeJson>(&body) {
                Ok(json) => json.into_outcome(),
                Err(answer) => return answer,
            };
            let result = outcome.and_then(|outcome| ops::complete(shared, scan_ref, outcome, None));
            respond(result, shared, scan_ref)
        }
        (["verifications", scan_ref, "cancel"], &Method::POST) => {
            if let Err(answer) = parse_optional::<Option<Empty>>(&body) {
                return answer;
            }
            respond(ops::cancel(shared, scan_ref), shared, scan_ref)
        }
        (["verifications", scan_ref, "request-information"], &Method::POST) => {
            #[derive(Deserialize)]
            #[serde(deny_unknown_fields)]
            struct RequestInformation {
                lifetime: Option<i64>,
            }
            let lifetime = match parse_optional::<Option<RequestInformation>>(&body) {
                Ok(request) => request.and_then(|request| request.lifetime),
                Err(answer) => return answer,
            };
            let lifetime = match lifetime {
                None => crate::DEFAULT_INFORMATION_LIFETIME,
                Some(seconds) => match u64::try_from(seconds) {
                    Ok(seconds) => Duration::from_secs(seconds),
                    Err(_) => return validation_error(&ops::lifetime_out_of_range(seconds)),
                },
            };
            match ops::request_information(shared, scan_ref, lifetime) {
                Ok(answer) => Answer::json(200, &answer.to_json()),
                Err(err) => emulator_error(&err),
            }
        }
        (["verifications", scan_ref, "document-expiration"], &Method::POST) => {
            #[derive(Deserialize)]
            #[serde(deny_unknown_fields)]
            struct Notice {
                threshold: Option<String>,
            }
            let threshold = match parse_optional::<Option<Notice>>(&body) {
                Ok(notice) => notice.and_then(|notice| notice.threshold),
                Err(answer) => return answer,
            };
            let Some(threshold) = threshold else {
                return validation_error(&ValidationError::new("threshold", Rule::Required));
            };
            let result = ops::document_expiration(
                shared,
                scan_ref,
                ExpirationThreshold::from(threshold.as_str()),
            );
            respond(result, shared, scan_ref)
        }
        (["verifications", scan_ref, "video-call", "finish"], &Method::POST) => {
            let parts = match parse_optional::<Option<FinishJson>>(&body) {
                Ok(finish) => finish.unwrap_or_default().into_parts(),
                Err(answer) => return answer,
            };
            let result = parts.and_then(|(status, answers)| {
                ops::finish_video_call(shared, scan_ref, status, answers)
            });
            respond(result, shared, scan_ref)
        }
        (["process-settings"], &Method::GET) => {
            Answer::json(200, &shared.with_state(|state| state.process.to_json()))
        }
        (["process-settings"], &Method::PUT) => {
            let settings = match parse_optional::<Option<ProcessSettingsJson>>(&body) {
                Ok(settings) => settings.unwrap_or_default().into_settings(),
                Err(answer) => return answer,
            };
            match settings {
                Ok(settings) => {
                    let json = settings.to_json();
                    shared.with_state(|state| state.process = settings);
                    Answer::json(200, &json)
                }
                Err(err) => emulator_error(&err),
            }
        }
        (["face-auth", token, "complete"], &Method::POST) => {
            #[derive(Deserialize)]
            #[serde(deny_unknown_fields)]
            struct Finish {
                approved: Option<bool>,
            }
            let approved = match parse_optional::<Option<Finish>>(&body) {
                Ok(finish) => finish.and_then(|finish| finish.approved).unwrap_or(true),
                Err(answer) => return answer,
            };
            let result = ops::complete_face_auth(shared, token, approved).and_then(|()| {
                face_auth::session_json(shared, token).ok_or(EmulatorError::UnknownFaceAuthSession)
            });
            match result {
                Ok(json) => Answer::json(200, &json),
                Err(err) => emulator_error(&err),
            }
        }
        (["video-calls", call_id], &Method::GET) => video_call::page(shared, call_id),
        (["clock"], &Method::GET) => Answer::json(200, &clock(shared)),
        (["clock", "advance"], &Method::POST) => {
            #[derive(Deserialize)]
            #[serde(deny_unknown_fields)]
            struct Advance {
                seconds: Option<u64>,
                milliseconds: Option<u64>,
            }
            match parse_optional::<Option<Advance>>(&body) {
                Ok(Some(Advance {
                    seconds,
                    milliseconds,
                })) if seconds.is_some() || milliseconds.is_some() => {
                    // Both may be given; they add up. The clock stops at the end of year 9999:
                    // a larger step is refused rather than cut short, naming the field and the
                    // largest step allowed now.
                    let room_ms =
                        u64::try_from(MAX_CLOCK_MS.saturating_sub(shared.now_ms())).unwrap_or(0);
                    let ms = seconds
                        .unwrap_or(0)
                        .checked_mul(1000)
                        .and_then(|ms| ms.checked_add(milliseconds.unwrap_or(0)))
                        .filter(|ms| *ms <= room_ms);
                    let Some(ms) = ms else {
                        let (field, given, room) = match (seconds, milliseconds) {
                            (Some(seconds), None) => ("seconds", seconds, room_ms / 1000),
                            (None, Some(ms)) => ("milliseconds", ms, room_ms),
                            _ => (
                                "seconds' and 'milliseconds",
                                seconds.unwrap_or(0),
                                room_ms / 1000,
                            ),
                        };
                        return error(
                            400,
                            ErrorIdentifier::BadValue,
                            format!(
                                "Field '{field}' must be at most {room} (the emulator's clock \
                                 stops at 9999-12-31T23:59:59.999Z), got {given}."
                            ),
                        );
                    };
                    ops::advance_clock_async(shared, ms).await;
                    Answer::json(200, &clock(shared))
                }
                Ok(_) => error(
                    400,
                    ErrorIdentifier::MissingValue,
                    "Field 'seconds' or 'milliseconds' is required.",
                ),
                Err(answer) => answer,
            }
        }
        (["webhooks"], &Method::GET) => delivery_list(shared, query.as_deref()),
        (["webhooks"], &Method::DELETE) => {
            shared.deliveries.clear();
            Answer::empty(204)
        }
        (["webhooks", "resend"], &Method::POST) => {
            #[derive(Deserialize)]
            #[serde(deny_unknown_fields, rename_all = "camelCase")]
            struct Resend {
                scan_ref: Option<String>,
            }
            let scan_ref = match parse_optional::<Option<Resend>>(&body) {
                Ok(resend) => resend.and_then(|resend| resend.scan_ref),
                Err(answer) => return answer,
            };
            let Some(scan_ref) = scan_ref else {
                return validation_error(&ValidationError::new("scanRef", Rule::Required));
            };
            match ops::resend_failed(shared, &scan_ref) {
                Ok(ids) => Answer::json(202, &json!({"resent": ids})),
                Err(err) => emulator_error(&err),
            }
        }
        (["webhooks", id, "resend"], &Method::POST) => {
            if let Err(answer) = parse_optional::<Option<Empty>>(&body) {
                return answer;
            }
            let Some(id) = id.parse::<u64>().ok().filter(|id| *id > 0) else {
                return not_found(format!(
                    "No delivery attempt with id '{id}': ids are positive integers."
                ));
            };
            match ops::resend_delivery(shared, id) {
                Ok(()) => Answer::json(202, &json!({"resent": [id]})),
                Err(err) => emulator_error(&err),
            }
        }
        (["webhook-url"], &Method::GET) => Answer::json(200, &webhook_url(shared)),
        (["webhook-url"], &Method::PUT) => {
            #[derive(Deserialize)]
            #[serde(deny_unknown_fields)]
            struct Url {
                url: Option<String>,
            }
            match parse_optional::<Option<Url>>(&body) {
                Ok(url) => match ops::set_webhook_url(shared, url.and_then(|url| url.url)) {
                    Ok(()) => Answer::json(200, &webhook_url(shared)),
                    Err(err) => emulator_error(&err),
                },
                Err(answer) => answer,
            }
        }
        (["faults"], &Method::GET) => Answer::json(200, &faults(shared)),
        (["faults"], &Method::POST) => match parse_optional::<Option<FaultJson>>(&body) {
            Ok(Some(fault)) => match fault.into_fault() {
                Ok(fault) => {
                    let json = fault.to_json();
                    shared.with_state(|state| state.faults.push(fault));
                    Answer::json(201, &json)
                }
                Err(err) => emulator_error(&err),
            },
            Ok(None) => error(
                400,
                ErrorIdentifier::MissingValue,
                "Field 'kind' is required.",
            ),
            Err(answer) => answer,
        },
        (["faults"], &Method::DELETE) => {
            shared.with_state(|state| state.faults.clear());
            Answer::empty(204)
        }
        (["faults", "random"], &Method::GET) => Answer::json(200, &random_faults(shared)),
        (["faults", "random"], &Method::PUT) => {
            match parse_optional::<Option<RandomFaultsJson>>(&body) {
                Ok(Some(random)) => match random.into_random() {
                    Ok(random) => {
                        let state = RandomFaultState::new(random);
                        shared.with_state(|emulator| emulator.random_faults = Some(state));
                        Answer::json(200, &random_faults(shared))
                    }
                    Err(err) => emulator_error(&err),
                },
                Ok(None) => error(
                    400,
                    ErrorIdentifier::MissingValue,
                    "Fields 'rate' and 'faults' are required.",
                ),
                Err(answer) => answer,
            }
        }
        (["faults", "random"], &Method::DELETE) => {
            shared.with_state(|state| state.random_faults = None);
            Answer::empty(204)
        }
        (["files", "face-auth", file], &Method::GET | &Method::HEAD) => face_photo(shared, file),
        (["files", scan_ref, file], &Method::GET | &Method::HEAD) => photo(shared, scan_ref, file),
        (["ui", "finish"], &Method::POST) => finish_from_page(shared, remote, &body),
        (["ui", "video-call"], &Method::POST) => video_call::finish_from_page(shared, &body),
        (
            []
            | ["health"]
            | ["verifications"]
            | ["verifications", _]
            | [
                "verifications",
                _,
                "start" | "complete" | "cancel" | "request-information" | "document-expiration",
            ]
            | ["verifications", _, "video-call", "finish"]
            | ["process-settings"]
            | ["face-auth", _, "complete"]
            | ["video-calls", _]
            | ["ui", "video-call"]
            | ["clock"]
            | ["clock", "advance"]
            | ["webhooks"]
            | ["webhooks", "resend"]
            | ["webhooks", _, "resend"]
            | ["webhook-url"]
            | ["faults"]
            | ["faults", "random"]
            | ["files", ..]
            | ["ui", "finish"],
            method,
        ) => method_not_allowed(method, allowed(&segments)),
        _ => not_found(format!("No control endpoint at {CONTROL_PREFIX}{path}.")),
    }
}

/// Whether a `Content-Type` is JSON: `application/json` or `application/…+json`, any
/// parameters.
fn is_json(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || essence
            .strip_prefix("application/")
            .is_some_and(|subtype| subtype.ends_with("+json"))
}

/// `415`: a control request that changes state must be JSON. One that names another
/// `Content-Type` (a `text/plain` or form post from a web page) is refused before its body is
/// read, and so is one that sends a body without a `Content-Type`; a request with neither
/// (`DELETE /__emulator/webhooks`) passes.
fn unsupported_media_type() -> Answer {
    error(
        415,
        ErrorIdentifier::BadValue,
        "Control requests that change state take JSON: send Content-Type: application/json.",
    )
}

/// `host:port` of an `http` URL or origin (`http://127.0.0.1:8080/…`), the host lower-cased and
/// the port 80 when none is written; `None` for any other scheme, or a URL with user info.
fn http_authority(url: &str) -> Option<(String, u16)> {
    let rest = url
        .get(..7)
        .filter(|scheme| scheme.eq_ignore_ascii_case("http://"))
        .and_then(|_| url.get(7..))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    let (host, port) = if authority.starts_with('[') {
        let end = authority.find(']')?;
        let (host, after) = authority.split_at_checked(end + 1)?;
        match after.strip_prefix(':') {
            Some(port) => (host, Some(port)),
            None if after.is_empty() => (host, None),
            None => return None,
        }
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    let port = match port {
        Some(port) => port.parse().ok()?,
        None => 80,
    };
    Some((host.to_ascii_lowercase(), port))
}

/// Whether `host` names this machine whatever DNS says: `localhost` or an IP address. A page
/// whose origin is such a host and matches the request's `Host` was served by the emulator
/// itself; a DNS name could have been re-bound to it by a hostile page.
fn is_fixed_host(host: &str) -> bool {
    host == "localhost"
        || host
            .strip_prefix('[')
            .and_then(|host| host.strip_suffix(']'))
            .unwrap_or(host)
            .parse::<IpAddr>()
            .is_ok()
}

/// Refuses (`403 PERMISSIONS_ERROR`) a control request that came over loopback addressed to a
/// DNS name other than `localhost`: what a web page sends after re-binding its own name to
/// `127.0.0.1` (DNS rebinding). Such a page is same-origin with itself, so its `GET`s carry no
/// `Origin`, and without this check it could read every verification (authTokens included).
/// A request from another machine (docker-compose service names) is not concerned.
fn refuse_rebound<B>(remote: SocketAddr, request: &Request<B>) -> Option<Answer> {
    if !remote.ip().is_loopback() {
        return None;
    }
    let host = request.headers().get(HOST)?;
    let named = host
        .to_str()
        .ok()
        .and_then(|host| http_authority(&format!("http://{host}")))
        .is_none_or(|(host, _)| !is_fixed_host(&host));
    named.then(|| {
        error(
            403,
            ErrorIdentifier::PermissionsError,
            "The control API answers requests over loopback only when they are addressed to \
             localhost or an IP address (a DNS name pointing at 127.0.0.1 is how a web page \
             re-binds itself to the emulator).",
        )
    })
}

/// Refuses (`403 PERMISSIONS_ERROR`) a control request sent by a web page of another origin:
/// its `Origin` (or, for the redirect page's form, its `Referer` when it has no `Origin`) must be
/// the emulator's base URL, or the `Host` it was sent to when that is `localhost` or an IP
/// address. Requests without either header (test code, `curl`) pass: a browser always sends
/// `Origin` with a cross-origin `POST`.
fn refuse_foreign<B>(shared: &Shared, request: &Request<B>, form: bool) -> Option<Answer> {
    let headers = request.headers();
    let sender = match (headers.get(ORIGIN), headers.get(REFERER)) {
        (Some(origin), _) => origin,
        (None, Some(referer)) if form => referer,
        _ => return None,
    };
    let sender = sender.to_str().ok().and_then(http_authority);
    let own = http_authority(&shared.base_url);
    let host = headers
        .get(HOST)
        .and_then(|host| host.to_str().ok())
        .or_else(|| {
            request
                .uri()
                .authority()
                .map(|authority| authority.as_str())
        })
        .and_then(|host| http_authority(&format!("http://{host}")))
        .filter(|(host, _)| is_fixed_host(host));
    let same = sender
        .as_ref()
        .is_some_and(|sender| Some(sender) == own.as_ref() || Some(sender) == host.as_ref());
    (!same).then(|| {
        error(
            403,
            ErrorIdentifier::PermissionsError,
            format!(
                "The control API refuses requests from web pages of another origin: the {} is \
                 not {}.",
                if headers.contains_key(ORIGIN) {
                    "Origin"
                } else {
                    "Referer"
                },
                shared.base_url
            ),
        )
    })
}

/// The methods a known control path accepts.
fn allowed(segments: &[&str]) -> &'static str {
    match segments {
        ["verifications", _, _]
        | ["verifications", _, "video-call", "finish"]
        | ["face-auth", _, "complete"]
        | ["clock", "advance"]
        | ["ui", "finish" | "video-call"]
        | ["webhooks", "resend"]
        | ["webhooks", _, "resend"] => "POST",
        ["webhooks"] => "GET, DELETE",
        ["faults"] => "GET, POST, DELETE",
        ["faults", "random"] => "GET, PUT, DELETE",
        ["webhook-url"] | ["process-settings"] => "GET, PUT",
        ["files", ..] => "GET, HEAD",
        _ => "GET",
    }
}

/// A body with no fields: `{}` (or nothing).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Empty {}

/// A JSON body that may be empty (then `T::default()`).
fn parse_optional<T: for<'de> Deserialize<'de> + Default>(body: &[u8]) -> Result<T, Answer> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    let value = parse_json(body)?;
    serde_json::from_value(value).map_err(|err| {
        error(
            400,
            ErrorIdentifier::BadValue,
            format!("Invalid body: {err}."),
        )
    })
}

fn unknown(scan_ref: &str) -> Answer {
    not_found(format!(
        "No verification with scanRef '{scan_ref}' was found."
    ))
}

/// An [`EmulatorError`] as a control API answer.
fn emulator_error(err: &EmulatorError) -> Answer {
    match err {
        EmulatorError::UnknownScanRef(scan_ref) => unknown(scan_ref),
        EmulatorError::UnknownDelivery(_) | EmulatorError::UnknownFaceAuthSession => {
            not_found(format!("{err}."))
        }
        EmulatorError::Conflict { .. }
        | EmulatorError::WrongState { .. }
        | EmulatorError::FaceAuthSessionClosed(_) => {
            error(409, ErrorIdentifier::from("CONFLICT"), err.to_string())
        }
        EmulatorError::InvalidQuery(invalid) | EmulatorError::InvalidArgument(invalid) => {
            validation_error(invalid)
        }
        EmulatorError::InvalidOutcome(_)
        | EmulatorError::InvalidFault(_)
        | EmulatorError::Config(_) => error(400, ErrorIdentifier::BadValue, err.to_string()),
        _ => error(500, ErrorIdentifier::InternalError, err.to_string()),
    }
}

/// The verification after a successful change, or the error.
fn respond(result: Result<(), EmulatorError>, shared: &Shared, scan_ref: &str) -> Answer {
    match result.and_then(|()| {
        ops::verification(shared, scan_ref)
            .ok_or_else(|| EmulatorError::UnknownScanRef(scan_ref.to_owned()))
    }) {
        Ok(verification) => Answer::json(200, &verification.to_json()),
        Err(err) => emulator_error(&err),
    }
}

fn index(shared: &Shared) -> Value {
    json!({
        "emulator": "idenfy-emulator",
        "version": env!("CARGO_PKG_VERSION"),
        "baseUrl": shared.base_url,
        "controlUrl": format!("{}{CONTROL_PREFIX}", shared.base_url),
        "routes": [
            "GET /__emulator/health",
            "GET /__emulator/verifications",
            "GET /__emulator/verifications/{scanRef}",
            "POST /__emulator/verifications/{scanRef}/start",
            "POST /__emulator/verifications/{scanRef}/complete",
            "POST /__emulator/verifications/{scanRef}/cancel",
            "POST /__emulator/verifications/{scanRef}/request-information",
            "POST /__emulator/verifications/{scanRef}/document-expiration",
            "POST /__emulator/verifications/{scanRef}/video-call/finish",
            "GET /__emulator/process-settings",
            "PUT /__emulator/process-settings",
            "POST /__emulator/face-auth/{tokenString}/complete",
            "GET /__emulator/video-calls/{callId}",
            "GET /__emulator/clock",
            "POST /__emulator/clock/advance",
            "GET /__emulator/webhooks",
            "DELETE /__emulator/webhooks",
            "POST /__emulator/webhooks/resend",
            "POST /__emulator/webhooks/{id}/resend",
            "GET /__emulator/webhook-url",
            "PUT /__emulator/webhook-url",
            "GET /__emulator/faults",
            "POST /__emulator/faults",
            "DELETE /__emulator/faults",
            "GET /__emulator/files/{scanRef}/{step}.png",
            "GET /__emulator/files/{scanRef}/VIDEO_CALL.mp4",
            "GET /__emulator/files/face-auth/{id}.png",
            "POST /__emulator/ui/finish",
            "POST /__emulator/ui/video-call",
        ],
    })
}

fn clock(shared: &Shared) -> Value {
    let (now, offset) = (shared.now_ms(), shared.offset_ms());
    json!({
        "now": now.div_euclid(1000),
        "nowMs": now,
        "offsetSeconds": offset.div_euclid(1000),
        "offsetMs": offset,
    })
}

/// The query of a list route: the page, its size, and the filters given.
struct ListParams {
    page: usize,
    per_page: usize,
    filters: Vec<(&'static str, String)>,
}

impl ListParams {
    fn filter(&self, name: &str) -> Option<&str> {
        self.filters
            .iter()
            .find(|(filter, _)| *filter == name)
            .map(|(_, value)| value.as_str())
    }
}

/// Reads `?page=&perPage=` and the filters `allowed` of a list route; an unknown or repeated
/// parameter, or a page that is not a number, is refused (`400 BAD_VALUE`).
fn list_params(
    query: Option<&str>,
    allowed: &'static [&'static str],
) -> Result<ListParams, Answer> {
    let mut params = ListParams {
        page: 1,
        per_page: DEFAULT_PER_PAGE,
        filters: Vec::new(),
    };
    let mut seen: Vec<String> = Vec::new();
    for pair in query
        .unwrap_or_default()
        .split('&')
        .filter(|pair| !pair.is_empty())
    {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let (key, value) = (percent_decode(key, true), percent_decode(value, true));
        if seen.contains(&key) {
            return Err(error(
                400,
                ErrorIdentifier::BadValue,
                format!("Query parameter '{key}' is given more than once."),
            ));
        }
        let integer = |field: &'static str| {
            value.parse::<usize>().map_err(|_| {
                validation_error(&ValidationError::new(
                    field,
                    Rule::WrongType {
                        expected: "a positive integer",
                    },
                ))
            })
        };
        match key.as_str() {
            "page" => params.page = integer("page")?,
            "perPage" => params.per_page = integer("perPage")?,
            other => match allowed.iter().find(|name| **name == other) {
                Some(name) => params.filters.push((name, value)),
                None => {
                    return Err(error(
                        400,
                        ErrorIdentifier::BadValue,
                        format!(
                            "Unknown query parameter '{other}': this list takes page, perPage, {}.",
                            allowed.join(", ")
                        ),
                    ));
                }
            },
        }
        seen.push(key);
    }
    Ok(params)
}

/// A page as the control API shows it: `{count, next, previous, results}` as iDenfy's own
/// paged lists, with `next` and `previous` the URLs of the neighbouring pages (or `null`).
fn page_json<T>(
    shared: &Shared,
    path: &str,
    params: &ListParams,
    page: &Page<T>,
    item: impl Fn(&T) -> Value,
) -> Value {
    let filters: String = params
        .filters
        .iter()
        .map(|(name, value)| format!("&{name}={}", percent_encode(value)))
        .collect();
    let link = |number: usize| {
        format!(
            "{}{CONTROL_PREFIX}/{path}?page={number}&perPage={}{filters}",
            shared.base_url, page.per_page
        )
    };
    json!({
        "count": page.count,
        "next": page.has_next().then(|| link(page.page.saturating_add(1))),
        "previous": page.has_previous().then(|| link(page.page - 1)),
        "results": page.results.iter().map(item).collect::<Vec<_>>(),
    })
}

/// `GET /__emulator/verifications?page=&perPage=&status=&clientId=&scanRef=`.
fn verification_list(shared: &Shared, query: Option<&str>) -> Answer {
    let params = match list_params(query, &["status", "clientId", "scanRef"]) {
        Ok(params) => params,
        Err(answer) => return answer,
    };
    let mut list = VerificationQuery::new()
        .page(params.page)
        .per_page(params.per_page);
    if let Some(status) = params.filter("status") {
        let status = OverallStatus::from(status);
        if !status.is_known() {
            return validation_error(&ValidationError::new(
                "status",
                Rule::OneOf {
                    allowed: OverallStatus::KNOWN_STRS,
                },
            ));
        }
        list = list.status(status);
    }
    if let Some(client_id) = params.filter("clientId") {
        list = list.client_id(client_id);
    }
    if let Some(scan_ref) = params.filter("scanRef") {
        list = list.scan_ref(scan_ref);
    }
    match ops::verifications_page(shared, &list) {
        Ok(page) => Answer::json(
            200,
            &page_json(
                shared,
                "verifications",
                &params,
                &page,
                Verification::to_json,
            ),
        ),
        Err(err) => emulator_error(&err),
    }
}

/// `GET /__emulator/webhooks?page=&perPage=&scanRef=&eventType=`.
fn delivery_list(shared: &Shared, query: Option<&str>) -> Answer {
    let params = match list_params(query, &["scanRef", "eventType"]) {
        Ok(params) => params,
        Err(answer) => return answer,
    };
    let mut list = DeliveryQuery::new()
        .page(params.page)
        .per_page(params.per_page);
    if let Some(event_type) = params.filter("eventType") {
        let event_type = EventType::from(event_type);
        if !event_type.is_known() {
            return validation_error(&ValidationError::new(
                "eventType",
                Rule::OneOf {
                    allowed: EventType::KNOWN_STRS,
                },
            ));
        }
        list = list.event_type(event_type);
    }
    if let Some(scan_ref) = params.filter("scanRef") {
        list = list.scan_ref(scan_ref);
    }
    match ops::deliveries_page(shared, &list) {
        Ok(page) => Answer::json(
            200,
            &page_json(shared, "webhooks", &params, &page, Delivery::to_json),
        ),
        Err(err) => emulator_error(&err),
    }
}

fn webhook_url(shared: &Shared) -> Value {
    json!({"url": shared.with_state(|state| state.webhook_url.clone())})
}

/// The random faults in use with their tally, or `null`.
fn random_faults(shared: &Shared) -> Value {
    shared.with_state(|state| {
        state
            .random_faults
            .as_ref()
            .map_or(Value::Null, RandomFaultState::to_json)
    })
}

fn faults(shared: &Shared) -> Value {
    Value::Array(shared.with_state(|state| state.faults.iter().map(|f| f.to_json()).collect()))
}

/// `GET /__emulator/files/face-auth/{id}.png`: the one-pixel face photo of a finished
/// face-authentication session.
fn face_photo(shared: &Shared, file: &str) -> Answer {
    let id = file.strip_suffix(".png").unwrap_or_default();
    if shared.with_state(|state| state.face_auth.has_photo(id)) {
        Answer::new(200, "image/png", payload::PNG)
    } else {
        not_found(format!("No face-authentication photo {file}."))
    }
}

/// `GET /__emulator/files/{scanRef}/{STEP}.png`: the one-pixel photo of a finished verification
/// or of its ended photo video call; `…/VIDEO_CALL.mp4`, the recording of its ended video call.
fn photo(shared: &Shared, scan_ref: &str, file: &str) -> Answer {
    if file == payload::VIDEO_CALL_VIDEO {
        let served =
            shared.with_state(|state| state.get(scan_ref).is_some_and(payload::serves_video));
        return if served {
            Answer::new(200, "video/mp4", payload::MP4)
        } else {
            not_found(format!("No file {file} for scanRef '{scan_ref}'."))
        };
    }
    let step = file.strip_suffix(".png").unwrap_or_default();
    let served = shared.with_state(|state| {
        state
            .get(scan_ref)
            .is_some_and(|session| payload::serves_file(session, step))
    });
    if served {
        Answer::new(200, "image/png", payload::PNG)
    } else {
        not_found(format!("No file {file} for scanRef '{scan_ref}'."))
    }
}

/// `POST /__emulator/ui/finish`: the forms of the redirect page. Finishes the verification and
/// sends the person on to `successUrl` (approved) or `errorUrl` (denied, suspected), or cancels
/// it (`outcome=cancel`) and sends the person on to `unverifiedUrl`.
fn finish_from_page(shared: &Arc<Shared>, remote: SocketAddr, body: &[u8]) -> Answer {
    let form = String::from_utf8_lossy(body);
    let token = form_value(&form, "authToken").unwrap_or_default();
    let choice = form_value(&form, "outcome").unwrap_or_default();
    let outcome = match choice.as_str() {
        "approved" => Some(Outcome::approved()),
        "denied" => Some(Outcome::denied()),
        "suspected" => Some(Outcome::suspected()),
        "review" => Some(Outcome::approved().manual_review(true)),
        CANCEL_OUTCOME => None,
        _ => {
            let choices: Vec<&str> = PAGE_OUTCOMES
                .iter()
                .map(|(value, _)| *value)
                .chain([CANCEL_OUTCOME])
                .collect();
            return Answer::html(
                400,
                payload::html_page(
                    "Unknown outcome",
                    &format!(
                        "<p>Choose one of: {}.</p>\n",
                        payload::html_escape(&choices.join(", "))
                    ),
                ),
            );
        }
    };
    let approved = outcome
        .as_ref()
        .is_some_and(|outcome| outcome.overall().is_approved());
    let scan_ref = shared.with_state(|state| {
        state
            .by_token(&token)
            .filter(|session| session.expires_ms().is_some() && !session.deleted)
            .map(|session| session.scan_ref.clone())
    });
    let Some(scan_ref) = scan_ref else {
        let (status, page) =
            shared.with_state(|state| payload::unusable_token_page(state.by_token(&token)));
        return Answer::html(status, page);
    };
    let cancelled = outcome.is_none();
    let result = match outcome {
        Some(outcome) => ops::complete(shared, &scan_ref, outcome, Some(remote)),
        None => ops::cancel(shared, &scan_ref),
    };
    if let Err(err) = result {
        return emulator_error(&err);
    }
    let (status, next) = shared.with_state(|state| {
        let Some(session) = state.get(&scan_ref) else {
            return (String::new(), String::new());
        };
        let request = &session.request;
        let next = if cancelled {
            request
                .unverified_url()
                .map_or(idenfy_proto::server::DEFAULT_UNVERIFIED_URL, WebUrl::as_str)
        } else if approved {
            request
                .success_url()
                .map_or(idenfy_proto::server::DEFAULT_SUCCESS_URL, WebUrl::as_str)
        } else {
            request
                .error_url()
                .map_or(idenfy_proto::server::DEFAULT_ERROR_URL, WebUrl::as_str)
        };
        (session.status().as_str().to_owned(), next.to_owned())
    });
    see_other(&next, payload::finished_page(&status, &next))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorities_of_origins_and_referers() {
        let authority = |host: &str, port: u16| Some((host.to_owned(), port));
        assert_eq!(
            http_authority("http://127.0.0.1:8080"),
            authority("127.0.0.1", 8080)
        );
        assert_eq!(
            http_authority("HTTP://LocalHost:9/page?x#y"),
            authority("localhost", 9)
        );
        assert_eq!(http_authority("http://[::1]:7/"), authority("[::1]", 7));
        assert_eq!(http_authority("http://[::1]"), authority("[::1]", 80));
        assert_eq!(
            http_authority("http://example.com"),
            authority("example.com", 80)
        );
        for refused in [
            "https://127.0.0.1:8080",
            "null",
            "",
            "http://",
            "http://user@127.0.0.1:1",
            "http://[::1]x",
            "http://127.0.0.1:99999",
            "http://127.0.0.1:port",
        ] {
            assert_eq!(http_authority(refused), None, "{refused}");
        }
        assert!(is_fixed_host("localhost") && is_fixed_host("10.0.0.1") && is_fixed_host("[::1]"));
        assert!(!is_fixed_host("evil.example") && !is_fixed_host("localhost.evil.example"));
    }

    #[test]
    fn json_media_types() {
        for json in [
            "application/json",
            "Application/JSON; charset=utf-8",
            "application/merge-patch+json",
        ] {
            assert!(is_json(json), "{json}");
        }
        for other in [
            "text/plain",
            "application/jsonp",
            "text/json",
            "application/x-www-form-urlencoded",
            "",
        ] {
            assert!(!is_json(other), "{other}");
        }
    }
}
