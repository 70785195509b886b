//! The KYC management endpoints (reference §3.11; R12, R13): listing the identifications page by
//! page (`GET /kyc/identifications/`), and asking a person for more information
//! (`POST /kyc/identifications/{scanRef}/request-information/`).

use std::collections::HashSet;
use std::fmt;

use http::{Request, Response};
use iri_string::format::ToDedicatedString;
use iri_string::types::{IriAbsoluteStr, IriReferenceStr, UriString};
use serde::Serialize;

use crate::config::Config;
use crate::decode::{self, Hooks, model};
use crate::endpoint::{Endpoint, RetryClass, success_body};
use crate::enums::OverallStatus;
use crate::error::{DecodeError, DecodeErrorKind, Error, InternalError, Rule, ValidationError};
use crate::secret::{AuthToken, Personal};
use crate::types::{ClientId, ScanRef, check_length, check_range};

/// The path of the listing.
const LIST_PATH: &str = "/kyc/identifications/";

/// Bounds of `lifetime` of a request for information, in seconds (0 to 30 days; the 2026
/// OpenAPI schema).
const REQUEST_INFORMATION_LIFETIME: (i64, i64) = (0, 2_592_000);

/// One page of the listing of identifications (`GET /kyc/identifications/`, R12, R13): which
/// page, how many per page, and optionally only those of one `clientId`.
///
/// Read-only, so it may be retried (R9). Built with [`IdentificationsRequest::builder`]; every
/// value is checked then (`clientId` 1 to 100 characters, `page` and `perPage` at least 1). A
/// request for the page that a listing's `next` link names is made by
/// [`IdentificationPager`], which checks the link first (R13).
///
/// ```
/// use idenfy_proto::{Config, Credentials, Endpoint, IdentificationsRequest};
/// let config = Config::new(Credentials::new("key", "secret")?);
/// let request = IdentificationsRequest::builder().client_id("customer 42").per_page(50).build()?;
/// let http_request = request.to_request(&config)?;
/// assert_eq!(http_request.method(), "GET");
/// assert_eq!(
///     http_request.uri(),
///     "https://ivs.idenfy.com/kyc/identifications/?clientId=customer+42&perPage=50"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentificationsRequest {
    client_id: Option<ClientId>,
    page: Option<u32>,
    per_page: Option<u32>,
    /// The query as sent, without `?` (empty for none).
    query: String,
}

/// Collects the parameters of an [`IdentificationsRequest`]; [`Self::build`] checks them.
#[derive(Debug, Clone, Default)]
#[must_use = "a builder does nothing until `build()` is called"]
pub struct IdentificationsRequestBuilder {
    client_id: Option<String>,
    page: Option<u32>,
    per_page: Option<u32>,
}

impl IdentificationsRequest {
    /// The path of the endpoint: `/kyc/identifications/` (with its trailing slash).
    pub const PATH: &'static str = LIST_PATH;

    /// A builder for a page of the listing; with nothing set, the first page of every
    /// identification, of the server's default size.
    pub fn builder() -> IdentificationsRequestBuilder {
        IdentificationsRequestBuilder::default()
    }

    /// The first page of every identification, of the server's default size.
    pub fn all() -> Self {
        Self {
            client_id: None,
            page: None,
            per_page: None,
            query: String::new(),
        }
    }

    /// `clientId`: only the identifications of this person, if set.
    pub fn client_id(&self) -> Option<&ClientId> {
        self.client_id.as_ref()
    }

    /// `page`: the page number (from 1), if set.
    pub fn page(&self) -> Option<u32> {
        self.page
    }

    /// `perPage`: the number of identifications per page, if set.
    pub fn per_page(&self) -> Option<u32> {
        self.per_page
    }

    /// The query string as sent, without the `?` (empty when there is none). For a request made
    /// from a `next` link, the link's query as it came (re-encoded where needed); the getters
    /// above then say what it holds.
    pub fn query(&self) -> &str {
        &self.query
    }

    /// The request for a `next` link's query: sent as it is, read for the getters.
    fn from_query(query: &str) -> Self {
        let mut request = Self::all();
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            match key.as_ref() {
                "clientId" => request.client_id = ClientId::new(value.into_owned()).ok(),
                "page" => request.page = value.parse().ok(),
                "perPage" => request.per_page = value.parse().ok(),
                _ => {}
            }
        }
        request.query = query.to_owned();
        request
    }

    /// The path and query (`/kyc/identifications/?…`), below the base URL.
    fn path_and_query(&self) -> String {
        if self.query.is_empty() {
            LIST_PATH.to_owned()
        } else {
            format!("{LIST_PATH}?{}", self.query)
        }
    }
}

impl IdentificationsRequestBuilder {
    /// `clientId`: only the identifications of this person (1 to 100 characters).
    pub fn client_id(mut self, value: impl Into<String>) -> Self {
        self.client_id = Some(value.into());
        self
    }

    /// `page`: the page number, from 1.
    pub fn page(mut self, value: u32) -> Self {
        self.page = Some(value);
        self
    }

    /// `perPage`: how many identifications a page holds, at least 1 (the server may cap it).
    pub fn per_page(mut self, value: u32) -> Self {
        self.per_page = Some(value);
        self
    }

    /// Checks the parameters and builds the request; the first failure, in the order
    /// `clientId`, `page`, `perPage`, names the parameter and the rule.
    pub fn build(self) -> Result<IdentificationsRequest, ValidationError> {
        let client_id = self.client_id.map(ClientId::new).transpose()?;
        for (field, value) in [("page", self.page), ("perPage", self.per_page)] {
            if let Some(value) = value {
                check_range(field, i64::from(value), 1, i64::from(u32::MAX))?;
            }
        }
        let mut query = form_urlencoded::Serializer::new(String::new());
        if let Some(client_id) = &client_id {
            query.append_pair("clientId", client_id.as_str());
        }
        if let Some(page) = self.page {
            query.append_pair("page", &page.to_string());
        }
        if let Some(per_page) = self.per_page {
            query.append_pair("perPage", &per_page.to_string());
        }
        Ok(IdentificationsRequest {
            client_id,
            page: self.page,
            per_page: self.per_page,
            query: query.finish(),
        })
    }
}

impl Endpoint for IdentificationsRequest {
    type Output = IdentificationPage;

    fn name(&self) -> &'static str {
        "identifications"
    }

    fn retry_class(&self) -> RetryClass {
        RetryClass::ReadOnly
    }

    fn to_request(&self, config: &Config) -> Result<Request<Vec<u8>>, Error> {
        config.get(&self.path_and_query())
    }

    fn parse(&self, response: Response<&[u8]>) -> Result<IdentificationPage, Error> {
        let body = success_body(&response)?;
        Ok(decode::from_slice::<IdentificationPageDraft>(body)?)
    }
}

model! {
    /// One identification in a page of the listing (reference §3.11): its `scanRef`, overall
    /// status and whether it is suspected.
    ///
    /// Read leniently (R7), field by field; anything else the server adds is kept in `extra`.
    /// `scanRef` is not required here: an item without one is still delivered (with `None`),
    /// never dropped from its page.
    #[derive(Debug, Clone, Default, PartialEq)]
    #[non_exhaustive]
    pub struct Identification / IdentificationDraft (nulls = true) {
        /// `scanRef`: the verification.
        opt scan_ref: String = "scanRef",
        /// `status`: its overall status.
        opt status: OverallStatus = "status",
        /// `suspected`: whether it is suspected.
        opt suspected: bool = "suspected",
    }
}

impl Hooks for IdentificationDraft {}

model! {
    /// A page of the listing of identifications (`GET /kyc/identifications/`, reference §3.11):
    /// the total `count`, the `next` and `previous` page links and the page's `results`.
    ///
    /// Read leniently, field by field (R7): nothing is required. A `results` list with an item
    /// that is not an identification (not a JSON object) does not fit: it is kept raw in `extra`
    /// and listed by [`IdentificationPage::fallbacks`], and
    /// [`IdentificationPager::advance`] refuses such a page, so that a listing never skips an
    /// identification silently.
    ///
    /// ```
    /// use idenfy_proto::{IdentificationPage, OverallStatus};
    /// let page: IdentificationPage = serde_json::from_str(r#"{
    ///     "count": 3,
    ///     "next": "https://ivs.idenfy.com/kyc/identifications/?page=2&perPage=2",
    ///     "previous": null,
    ///     "results": [
    ///         {"scanRef": "a1", "status": "APPROVED", "suspected": false},
    ///         {"scanRef": "b2", "status": "FUTURE_STATUS", "suspected": "no"}
    ///     ]
    /// }"#)?;
    /// assert_eq!(page.identifications().len(), 2);
    /// let second = &page.identifications()[1];
    /// assert_eq!(second.status, Some(OverallStatus::Unknown("FUTURE_STATUS".into())));
    /// assert_eq!(second.suspected, None); // kept raw in `second.extra`
    /// assert_eq!(page.fallbacks(), ["results[1].suspected"]);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    #[derive(Debug, Clone, Default, PartialEq)]
    #[non_exhaustive]
    pub struct IdentificationPage / IdentificationPageDraft (nulls = true) {
        /// `count`: how many identifications the whole listing holds.
        opt count: i64 = "count",
        /// `next`: the URL of the next page; `None` on the last page.
        opt next: String = "next",
        /// `previous`: the URL of the previous page; `None` on the first page.
        opt previous: String = "previous",
        /// `results`: the identifications of this page.
        opt results: Vec<Identification> = "results",
    }
}

impl Hooks for IdentificationPageDraft {}

impl IdentificationPage {
    /// The identifications of this page (none when `results` was missing or unreadable).
    pub fn identifications(&self) -> &[Identification] {
        self.results.as_deref().unwrap_or_default()
    }

    /// The `next` link, if there is one (an empty string counts as none).
    pub fn next_link(&self) -> Option<&str> {
        self.next.as_deref().filter(|next| !next.trim().is_empty())
    }
}

/// Walks a listing page by page, following each page's `next` link (R13): the sans-IO state
/// of a listing, which the `idenfy` client's `Stream` and `Iterator` drive.
///
/// [`Self::take_request`] gives the request for the next page — or, once, the error that ended
/// the listing — and then `None`; the answer goes to [`Self::advance`], which checks the page
/// and its `next` link and prepares what `take_request` gives next. After an error — the call's,
/// one `advance` returns, or one `take_request` gives — the pager is over.
///
/// A `next` link is followed only when it is safe to send the credentials with it: resolved
/// against the page's own URL, it must have the scheme, host and port of the configured base URL,
/// no user name or password, and the listing's path (`/kyc/identifications/`, below the base
/// URL's path or, for a proxy that strips its prefix, at the root). The request is then built
/// from the configured base URL and the link's query alone, so the `Authorization` header never
/// goes anywhere but the configured base URL. A link that fails these checks, names a page that
/// was already fetched (a loop), or comes with a page without results (which could send a
/// listing on forever without yielding anything) is an [`Error::Decode`] at the path `next`,
/// given by `take_request` after the page — whose identifications are good — was delivered. A
/// page whose `results` are missing or unreadable is refused by `advance` itself, with an
/// [`Error::Decode`] at `results`.
///
/// ```
/// use idenfy_proto::{Config, Credentials, IdentificationPage, IdentificationPager, IdentificationsRequest};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let config = Config::new(Credentials::new("key", "secret")?);
/// let mut pager = IdentificationPager::new(IdentificationsRequest::builder().per_page(1).build()?);
///
/// let first = pager.take_request().expect("the first page")?;
/// assert_eq!(first.query(), "perPage=1");
/// let page: IdentificationPage = serde_json::from_str(r#"{"count":2,
///     "next":"https://ivs.idenfy.com/kyc/identifications/?page=2&perPage=1",
///     "results":[{"scanRef":"a1","status":"APPROVED","suspected":false}]}"#)?;
/// pager.advance(&config, &page)?;
///
/// let second = pager.take_request().expect("the second page")?;
/// assert_eq!((second.page(), second.per_page()), (Some(2), Some(1)));
/// let page: IdentificationPage = serde_json::from_str(r#"{"count":2,"next":null,
///     "results":[{"scanRef":"b2","status":"DENIED","suspected":false}]}"#)?;
/// pager.advance(&config, &page)?;
/// assert!(pager.take_request().is_none());
///
/// // A link to another host is never followed: the page is good, the link is an error.
/// let mut pager = IdentificationPager::new(IdentificationsRequest::all());
/// pager.take_request();
/// let page: IdentificationPage = serde_json::from_str(r#"{"next":"https://attacker.example/kyc/identifications/?page=2",
///     "results":[{"scanRef":"a1"}]}"#)?;
/// pager.advance(&config, &page)?;
/// let error = pager.take_request().expect("the error").unwrap_err();
/// assert!(error.to_string().contains("`next`"));
/// assert!(pager.take_request().is_none());
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct IdentificationPager {
    /// The request for the next page, until it is taken.
    next: Option<IdentificationsRequest>,
    /// Why the last page's `next` link is not followed, until it is taken.
    refused: Option<Error>,
    /// The request taken last, whose answer `advance` expects.
    current: Option<IdentificationsRequest>,
    /// The queries of the pages requested so far.
    fetched: HashSet<String>,
}

impl IdentificationPager {
    /// A listing starting with the page `first` asks for.
    pub fn new(first: IdentificationsRequest) -> Self {
        Self {
            next: Some(first),
            refused: None,
            current: None,
            fetched: HashSet::new(),
        }
    }

    /// What comes next, taken: the request for the next page; or, once, the error that ends the
    /// listing because the last page's `next` link is not followed; or `None` when the listing is
    /// over (the last page was read, or an error ended it).
    pub fn take_request(&mut self) -> Option<Result<IdentificationsRequest, Error>> {
        if let Some(error) = self.refused.take() {
            return Some(Err(error));
        }
        let request = self.next.take()?;
        self.fetched.insert(request.query.clone());
        self.current = Some(request.clone());
        Some(Ok(request))
    }

    /// The request taken last: the page being fetched, or the one that failed.
    pub fn current(&self) -> Option<&IdentificationsRequest> {
        self.current.as_ref()
    }

    /// Whether the listing is over: [`Self::take_request`] would give `None`.
    pub fn is_done(&self) -> bool {
        self.next.is_none() && self.refused.is_none()
    }

    /// Checks the page that answered the request taken last, and prepares what
    /// [`Self::take_request`] gives next: the request for the page its `next` link names, the
    /// error that refuses the link, or nothing on the last page (R13; see
    /// [`IdentificationPager`] for the checks). A page whose results cannot be read is refused
    /// here, and the listing is over.
    pub fn advance(&mut self, config: &Config, page: &IdentificationPage) -> Result<(), Error> {
        self.next = None;
        self.refused = None;
        let Some(current) = self.current.as_ref() else {
            return Ok(());
        };
        let results = match &page.results {
            Some(results) => results,
            None => {
                let reason = if page.extra.is_fallback("results") {
                    "the page's results are not a list of identifications (JSON objects)"
                } else {
                    "the page has no results"
                };
                return Err(page_error("results", reason));
            }
        };
        let Some(link) = page.next_link() else {
            return Ok(());
        };
        let next = if results.is_empty() {
            Err(page_error(
                "next",
                "a page without results names a next page; the link is not followed",
            ))
        } else {
            follow(config, current, link).and_then(|next| {
                if self.fetched.contains(&next.query) {
                    Err(page_error(
                        "next",
                        "the next page's link names a page already fetched (a loop); it is not \
                         followed",
                    ))
                } else {
                    Ok(next)
                }
            })
        };
        match next {
            Ok(next) => self.next = Some(next),
            Err(error) => self.refused = Some(error),
        }
        Ok(())
    }
}

/// A [`DecodeError`] of a page, at `path`, never quoting the link or any other value.
fn page_error(path: &str, reason: &str) -> Error {
    DecodeError::new(DecodeErrorKind::Data, Some(path.to_owned()), reason).into()
}

/// The request for the page `link` names, if the link passes the checks of
/// [`IdentificationPager`].
fn follow(
    config: &Config,
    current: &IdentificationsRequest,
    link: &str,
) -> Result<IdentificationsRequest, Error> {
    // The base URL was checked and normalized (RFC 3986 §6.2.2) by the configuration, and the
    // current query was built here or taken from a link that passed these checks.
    let base = IriAbsoluteStr::new(config.base_url())
        .map_err(|error| InternalError::new("the base URL", error))?;
    let base_authority = base
        .authority_components()
        .ok_or_else(|| InternalError::without_source("the base URL's host"))?;
    let base_path = base.path_str().trim_end_matches('/');
    let mut page_url = format!("{}{LIST_PATH}", config.base_url());
    if !current.query.is_empty() {
        page_url.push('?');
        page_url.push_str(&current.query);
    }
    let page_url = IriAbsoluteStr::new(&page_url)
        .map_err(|error| InternalError::new("the listing's URL", error))?;
    let link = IriReferenceStr::new(link.trim())
        .map_err(|_| page_error("next", "the next page's link is not a URL"))?;
    // Resolved against the page's URL (RFC 3986 §5), normalized like the base, and mapped to
    // a URI (RFC 3987 §3.1: non-ASCII characters percent-encoded as UTF-8).
    let next: UriString = link
        .resolve_against(page_url)
        .and_normalize()
        .try_to_dedicated_string()
        .and_then(|next| next.encode_to_uri().try_to_dedicated_string())
        .map_err(|error| InternalError::new("the next page's URL", error))?;
    let next_authority = next.authority_components();
    let same_origin = next.scheme_str() == base.scheme_str()
        && next_authority.as_ref().is_some_and(|authority| {
            authority.host() == base_authority.host()
                && port_or_default(base.scheme_str(), authority.port())
                    == port_or_default(base.scheme_str(), base_authority.port())
        });
    if !same_origin {
        return Err(page_error(
            "next",
            "the next page's link is not on the configured base URL's scheme, host and port; \
             the credentials are not sent there",
        ));
    }
    if next_authority.is_some_and(|authority| authority.userinfo().is_some()) {
        return Err(page_error(
            "next",
            "the next page's link carries a user name or password; it is not followed",
        ));
    }
    let path = next.path_str();
    let listing_path = path == LIST_PATH
        || path
            .strip_prefix(base_path)
            .is_some_and(|rest| rest == LIST_PATH);
    if !listing_path {
        return Err(page_error(
            "next",
            "the next page's link is not the listing's path; it is not followed",
        ));
    }
    Ok(IdentificationsRequest::from_query(
        next.query_str().unwrap_or(""),
    ))
}

/// The port of an `http`/`https` URL's authority, the scheme's default when it has none (or an
/// empty one); `None` for a port that is not a number of 16 bits.
fn port_or_default(scheme: &str, port: Option<&str>) -> Option<u16> {
    match port {
        None | Some("") => Some(if scheme == "https" { 443 } else { 80 }),
        Some(port) => port.parse().ok(),
    }
}

/// Asks the person of a finished verification for more information — a new document, another
/// step — and reopens it (`POST /kyc/identifications/{scanRef}/request-information/`, reference
/// §3.11, R12). Answers with the new session's [`RequestInformationResponse`]; when the person
/// re-submits, iDenfy sends the `IDENTIFICATION_RESUBMITTED` webhook.
///
/// Built with [`RequestInformationRequest::builder`]; fields left unset are not sent (the server
/// applies its defaults, e.g. a `lifetime` of 86 400 s). The `scanRef` is a path segment:
/// 1 to 40 characters, not `.` or `..`, percent-encoded.
///
/// [`RetryClass::NotIdempotent`] (R9): each request creates a session, so it is sent again only
/// when the connection was never established.
///
/// ```
/// use idenfy_proto::{Config, Credentials, Endpoint, RequestInformationRequest};
/// let config = Config::new(Credentials::new("key", "secret")?);
/// let request = RequestInformationRequest::builder("9b11acb2-8c27-11e9-9758-309c231b1bac")
///     .lifetime(3600)
///     .build()?;
/// let http_request = request.to_request(&config)?;
/// assert_eq!(
///     http_request.uri(),
///     "https://ivs.idenfy.com/kyc/identifications/9b11acb2-8c27-11e9-9758-309c231b1bac/request-information/"
/// );
/// assert_eq!(http_request.body().as_slice(), br#"{"lifetime":3600}"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestInformationRequest {
    #[serde(skip)]
    scan_ref: ScanRef,
    #[serde(skip)]
    segment: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    lifetime: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    questionnaire: Option<String>,
    #[serde(
        rename = "riskAssessmentProfile",
        skip_serializing_if = "Option::is_none"
    )]
    risk_assessment_profile: Option<String>,
    #[serde(
        rename = "additionalStepUploadRequired",
        skip_serializing_if = "Option::is_none"
    )]
    additional_step_upload_required: Option<bool>,
    #[serde(
        rename = "bankCardVerification",
        skip_serializing_if = "Option::is_none"
    )]
    bank_card_verification: Option<bool>,
    #[serde(
        rename = "bankCardExpectedLastFour",
        skip_serializing_if = "Option::is_none"
    )]
    bank_card_expected_last_four: Option<Personal<String>>,
}

/// Collects the fields of a [`RequestInformationRequest`]; [`Self::build`] checks them all.
#[derive(Clone)]
#[must_use = "a builder does nothing until `build()` is called"]
pub struct RequestInformationRequestBuilder {
    scan_ref: String,
    lifetime: Option<i64>,
    questionnaire: Option<String>,
    risk_assessment_profile: Option<String>,
    additional_step_upload_required: Option<bool>,
    bank_card_verification: Option<bool>,
    bank_card_expected_last_four: Option<String>,
}

impl RequestInformationRequest {
    /// The path of the endpoint, `{scanRef}` standing for the percent-encoded `scanRef`.
    pub const PATH: &'static str = "/kyc/identifications/{scanRef}/request-information/";

    /// The wire names of the body's fields, in the order they are serialized and checked.
    pub const FIELDS: &'static [&'static str] = &[
        "lifetime",
        "questionnaire",
        "riskAssessmentProfile",
        "additionalStepUploadRequired",
        "bankCardVerification",
        "bankCardExpectedLastFour",
    ];

    /// Starts a request about the verification `scan_ref`.
    pub fn builder(scan_ref: impl Into<String>) -> RequestInformationRequestBuilder {
        RequestInformationRequestBuilder {
            scan_ref: scan_ref.into(),
            lifetime: None,
            questionnaire: None,
            risk_assessment_profile: None,
            additional_step_upload_required: None,
            bank_card_verification: None,
            bank_card_expected_last_four: None,
        }
    }

    /// The verification the request is about.
    pub fn scan_ref(&self) -> &ScanRef {
        &self.scan_ref
    }

    /// `lifetime`, in seconds.
    pub fn lifetime(&self) -> Option<u32> {
        self.lifetime
    }

    /// `questionnaire`.
    pub fn questionnaire(&self) -> Option<&str> {
        self.questionnaire.as_deref()
    }

    /// `riskAssessmentProfile`.
    pub fn risk_assessment_profile(&self) -> Option<&str> {
        self.risk_assessment_profile.as_deref()
    }

    /// `additionalStepUploadRequired`.
    pub fn additional_step_upload_required(&self) -> Option<bool> {
        self.additional_step_upload_required
    }

    /// `bankCardVerification`.
    pub fn bank_card_verification(&self) -> Option<bool> {
        self.bank_card_verification
    }

    /// `bankCardExpectedLastFour`.
    pub fn bank_card_expected_last_four(&self) -> Option<&str> {
        self.bank_card_expected_last_four
            .as_ref()
            .map(|digits| digits.as_str())
    }

    /// The JSON body as sent (`{}` when no field is set).
    pub fn to_json(&self) -> Result<Vec<u8>, Error> {
        serde_json::to_vec(self)
            .map_err(|error| InternalError::new("the request body", error).into())
    }
}

impl RequestInformationRequestBuilder {
    /// `lifetime`: how long the new session stays open, 0 to 2 592 000 seconds.
    pub fn lifetime(mut self, seconds: i64) -> Self {
        self.lifetime = Some(seconds);
        self
    }

    /// `questionnaire`: the key of a questionnaire to fill in (not empty).
    pub fn questionnaire(mut self, key: impl Into<String>) -> Self {
        self.questionnaire = Some(key.into());
        self
    }

    /// `riskAssessmentProfile`: the UUID of a risk-assessment profile.
    pub fn risk_assessment_profile(mut self, uuid: impl Into<String>) -> Self {
        self.risk_assessment_profile = Some(uuid.into());
        self
    }

    /// `additionalStepUploadRequired`: require the upload of the additional steps.
    pub fn additional_step_upload_required(mut self, value: bool) -> Self {
        self.additional_step_upload_required = Some(value);
        self
    }

    /// `bankCardVerification`: ask for a bank card.
    pub fn bank_card_verification(mut self, value: bool) -> Self {
        self.bank_card_verification = Some(value);
        self
    }

    /// `bankCardExpectedLastFour`: the last four characters of the card expected (exactly 4).
    pub fn bank_card_expected_last_four(mut self, value: impl Into<String>) -> Self {
        self.bank_card_expected_last_four = Some(value.into());
        self
    }

    /// Checks every field and builds the request. The first failure, in the order `scanRef`,
    /// then [`RequestInformationRequest::FIELDS`], names the field and the rule.
    pub fn build(self) -> Result<RequestInformationRequest, ValidationError> {
        let scan_ref = ScanRef::new(self.scan_ref)?;
        let segment = crate::path::segment("scanRef", scan_ref.as_str())?;
        let lifetime = self
            .lifetime
            .map(|value| {
                let (min, max) = REQUEST_INFORMATION_LIFETIME;
                check_range("lifetime", value, min, max)?;
                u32::try_from(value).map_err(|_| {
                    ValidationError::new(
                        "lifetime",
                        Rule::Range {
                            min,
                            max,
                            actual: value,
                        },
                    )
                })
            })
            .transpose()?;
        if self.questionnaire.as_deref() == Some("") {
            return Err(ValidationError::new("questionnaire", Rule::Required));
        }
        if let Some(uuid) = &self.risk_assessment_profile {
            check_uuid("riskAssessmentProfile", uuid)?;
        }
        if let Some(digits) = &self.bank_card_expected_last_four {
            check_length("bankCardExpectedLastFour", digits, 4, 4)?;
        }
        Ok(RequestInformationRequest {
            scan_ref,
            segment,
            lifetime,
            questionnaire: self.questionnaire,
            risk_assessment_profile: self.risk_assessment_profile,
            additional_step_upload_required: self.additional_step_upload_required,
            bank_card_verification: self.bank_card_verification,
            bank_card_expected_last_four: self.bank_card_expected_last_four.map(Personal::new),
        })
    }
}

impl fmt::Debug for RequestInformationRequestBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestInformationRequestBuilder")
            .field("scan_ref", &self.scan_ref)
            .finish_non_exhaustive()
    }
}

/// A UUID written `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` in hexadecimal digits of either case.
pub(crate) fn check_uuid(field: &'static str, value: &str) -> Result<(), ValidationError> {
    let valid = value.len() == 36
        && value.bytes().enumerate().all(|(at, byte)| match at {
            8 | 13 | 18 | 23 => byte == b'-',
            _ => byte.is_ascii_hexdigit(),
        });
    if valid {
        Ok(())
    } else {
        Err(ValidationError::new(field, Rule::Uuid))
    }
}

impl Endpoint for RequestInformationRequest {
    type Output = RequestInformationResponse;

    fn name(&self) -> &'static str {
        "request-information"
    }

    fn retry_class(&self) -> RetryClass {
        RetryClass::NotIdempotent
    }

    fn to_request(&self, config: &Config) -> Result<Request<Vec<u8>>, Error> {
        let path = format!("/kyc/identifications/{}/request-information/", self.segment);
        config.post_json(&path, self.to_json()?)
    }

    fn parse(&self, response: Response<&[u8]>) -> Result<RequestInformationResponse, Error> {
        let body = success_body(&response)?;
        Ok(decode::from_slice::<RequestInformationResponseDraft>(body)?)
    }
}

model! {
    /// The answer to a request for information (reference §3.11): the new session, for the
    /// person to re-submit in.
    ///
    /// `tokenString` is required (the session exists once the answer came); the rest is read
    /// leniently (R7). `Debug` redacts the token and the session URL, which carries it (R10).
    #[derive(Debug, Clone)]
    #[non_exhaustive]
    pub struct RequestInformationResponse / RequestInformationResponseDraft (nulls = true) {
        /// `tokenString`: the token of the new session (a secret).
        req token_string: AuthToken = "tokenString",
        /// `sessionUrl`: where to send the person.
        opt session_url: Personal<String> = "sessionUrl",
    }
}

impl Hooks for RequestInformationResponseDraft {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r12_uuids() {
        assert!(check_uuid("f", "9b11acb2-8c27-11e9-9758-309c231b1bac").is_ok());
        assert!(check_uuid("f", "9B11ACB2-8C27-11E9-9758-309C231B1BAC").is_ok());
        for bad in [
            "",
            "9b11acb2-8c27-11e9-9758-309c231b1ba",
            "9b11acb2-8c27-11e9-9758-309c231b1bacd",
            "9b11acb28c27-11e9-9758-309c231b1bac0",
            "9b11acb2-8c27-11e9-9758-309c231b1bag",
            "9b11acb2_8c27-11e9-9758-309c231b1bac",
        ] {
            assert!(check_uuid("f", bad).is_err(), "{bad}");
        }
    }

    /// The query of the request `follow` makes of `link` from the first page of the listing.
    fn followed(config: &Config, link: &str) -> Result<String, Error> {
        follow(config, &IdentificationsRequest::all(), link).map(|next| next.query)
    }

    #[test]
    fn r13_links_are_resolved_normalized_and_sent_as_uris() {
        let config = Config::new(crate::Credentials::new("key", "secret").unwrap());
        for (link, query) in [
            // Dot segments, also percent-encoded, resolve as a browser resolves them.
            ("/kyc/x/../identifications/?page=2", "page=2"),
            ("/kyc/identifications/%2e/?page=2", "page=2"),
            (
                "https://ivs.idenfy.com/kyc/%69dentifications/?page=2",
                "page=2",
            ),
            // The default port written out, with leading zeros, or empty.
            (
                "https://ivs.idenfy.com:0443/kyc/identifications/?page=2",
                "page=2",
            ),
            (
                "https://ivs.idenfy.com:/kyc/identifications/?page=2",
                "page=2",
            ),
            // A non-ASCII query is percent-encoded as UTF-8 (RFC 3987 §3.1), and escapes of
            // unreserved characters are decoded (RFC 3986 §6.2.2.2).
            ("?clientId=kūnas&page=%32", "clientId=k%C5%ABnas&page=2"),
        ] {
            assert_eq!(followed(&config, link).unwrap(), query, "{link}");
        }
        let request = follow(
            &config,
            &IdentificationsRequest::all(),
            "?clientId=kūnas&page=%32",
        )
        .unwrap();
        assert_eq!(request.client_id().map(ClientId::as_str), Some("kūnas"));
        assert_eq!(request.page(), Some(2));
        for link in [
            // An empty user name is a user-information part all the same.
            "https://@ivs.idenfy.com/kyc/identifications/?page=2",
            // Not a URL as written: a WHATWG parser would have encoded these.
            "/kyc/identifications/?page={2}",
            "/kyc/identifications/?page=2 3",
            "https://ivs.idenfy.com:99999/kyc/identifications/?page=2",
            "https://[::1/kyc/identifications/?page=2",
            "/kyc/identifications/%2F?page=2",
        ] {
            let Err(Error::Decode(error)) = followed(&config, link) else {
                panic!("{link} followed");
            };
            assert_eq!(error.path(), Some("next"), "{link}");
        }
        // An IPv6 base (the emulator on `::1`) compares its host as written.
        let local = Config::builder(crate::Credentials::new("key", "secret").unwrap())
            .base_url("http://[::1]:8080/")
            .build()
            .unwrap();
        assert_eq!(
            followed(&local, "http://[::1]:8080/kyc/identifications/?page=2").unwrap(),
            "page=2"
        );
        assert!(followed(&local, "http://[::2]:8080/kyc/identifications/?page=2").is_err());
    }
}
