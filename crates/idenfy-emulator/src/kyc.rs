//! The KYC management endpoints (reference §3.11) and the legacy full status (§3.5): the
//! listing of identifications, paged as iDenfy's Django REST framework listing is; the request
//! for more information, which reopens a finished verification; and the snake_case full status.

use std::sync::Arc;

use idenfy_proto::server;
use idenfy_proto::{ErrorIdentifier, IdentificationsRequest};
use serde_json::{Value, json};

use crate::page::{self, DEFAULT_PER_PAGE, MAX_PER_PAGE};
use crate::payload;
use crate::server::{Answer, error, not_found, validation_error};
use crate::shared::Shared;
use crate::state::Filter;
use crate::{DEFAULT_INFORMATION_LIFETIME, EmulatorError, ops};

/// The path of the listing.
const LISTING: &str = "/kyc/identifications/";

/// `GET /kyc/identifications/?clientId=&page=&perPage=`: one page of the verifications kept,
/// oldest first (so that a page's contents do not shift as tokens are created), filtered by
/// `clientId`, as `{count, next, previous, results: [{scanRef, status, suspected}]}`.
///
/// The query is read with `idenfy-proto`'s rules (`400` naming `clientId`, `page` or `perPage`).
/// `perPage` is [`DEFAULT_PER_PAGE`] when absent and capped at [`MAX_PER_PAGE`], and a page past
/// the last one (other than the first) is `404 NOT_FOUND` "Invalid page.", as a Django REST
/// framework listing does. `next` and `previous` are absolute URLs on the emulator's base URL
/// with the query's parameters in sorted order, the page replaced (removed from the first
/// page's link), as that framework writes them.
pub(crate) fn identifications(shared: &Shared, query: &str) -> Answer {
    let request = match server::read_identifications_query(query) {
        Ok(request) => request,
        Err(err) => return validation_error(&err),
    };
    let page = usize::try_from(request.page().unwrap_or(1)).unwrap_or(usize::MAX);
    let per_page = request
        .per_page()
        .map_or(DEFAULT_PER_PAGE, |size| {
            usize::try_from(size).unwrap_or(usize::MAX)
        })
        .min(MAX_PER_PAGE);
    shared.settle_all();
    let filter = Filter {
        client_id: request.client_id().map(|id| id.as_str().to_owned()),
        ..Filter::default()
    };
    let offset = page::offset(page, per_page);
    let (count, results) = shared.with_state(|state| {
        let (count, sessions) = state.list(&filter, offset, per_page);
        let results: Vec<Value> = sessions
            .into_iter()
            .map(payload::identification_item)
            .collect();
        (count, results)
    });
    if page > 1 && offset >= count {
        return not_found("Invalid page.");
    }
    let has_next = page.saturating_mul(per_page) < count;
    let link = |number: usize| link(&shared.base_url, &request, number);
    Answer::json(
        200,
        &json!({
            "count": count,
            "next": has_next.then(|| link(page.saturating_add(1))),
            "previous": (page > 1).then(|| link(page - 1)),
            "results": results,
        }),
    )
}

/// The absolute URL of page `number` of the listing `request` asked for: its parameters sorted
/// by name, `page` replaced by `number` — or removed for the first page.
fn link(base_url: &str, request: &IdentificationsRequest, number: usize) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    if let Some(client_id) = request.client_id() {
        query.append_pair("clientId", client_id.as_str());
    }
    if number > 1 {
        query.append_pair("page", &number.to_string());
    }
    if let Some(per_page) = request.per_page() {
        query.append_pair("perPage", &per_page.to_string());
    }
    let query = query.finish();
    if query.is_empty() {
        format!("{base_url}{LISTING}")
    } else {
        format!("{base_url}{LISTING}?{query}")
    }
}

/// `POST /kyc/identifications/{scanRef}/request-information/`: the body read with
/// `idenfy-proto`'s rules, then [`ops::request_information`] with its `lifetime` (86 400 s by
/// default); answers `200 {sessionUrl, tokenString}`. `404` for an unknown `scanRef`, `400
/// BAD_VALUE` for a verification that is not finished.
pub(crate) fn request_information(shared: &Arc<Shared>, scan_ref: &str, value: &Value) -> Answer {
    let request = match server::read_request_information(scan_ref, value) {
        Ok(request) => request,
        Err(err) => return validation_error(&err),
    };
    let lifetime = request
        .lifetime()
        .map_or(DEFAULT_INFORMATION_LIFETIME, |seconds| {
            std::time::Duration::from_secs(u64::from(seconds))
        });
    match ops::request_information(shared, request.scan_ref().as_str(), lifetime) {
        Ok(answer) => Answer::json(200, &answer.to_json()),
        Err(EmulatorError::UnknownScanRef(scan_ref)) => unknown(&scan_ref),
        Err(err @ EmulatorError::WrongState { .. }) => {
            error(400, ErrorIdentifier::BadValue, format!("{err}."))
        }
        Err(EmulatorError::InvalidArgument(invalid)) => validation_error(&invalid),
        Err(err) => error(500, ErrorIdentifier::InternalError, err.to_string()),
    }
}

/// `POST /api/v2/full-status`: the legacy snake_case full status ([`payload::full_status_json`]).
pub(crate) fn full_status(shared: &Shared, scan_ref: &str) -> Answer {
    shared.with_state(|state| match state.get(scan_ref) {
        Some(session) => Answer::json(200, &payload::full_status_json(session)),
        None => unknown(scan_ref),
    })
}

/// `404 NOT_FOUND` for a `scanRef` the emulator does not know.
pub(crate) fn unknown(scan_ref: &str) -> Answer {
    not_found(format!(
        "No verification with scanRef '{scan_ref}' was found."
    ))
}
