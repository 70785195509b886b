//! The endpoints that take a `scanRef` (R5): `POST /api/v2/status`, `/data`, `/files`,
//! `/delete` and `/generate-pdf`.
//!
//! Each request is a value holding one validated [`ScanRef`] (1 to 40 characters); its body is
//! exactly `{"scanRef":"…"}`. Answers are read leniently (R7): unknown fields are kept, unknown
//! enum values are kept, `null` and `""` are accepted where a value is optional, duplicate keys
//! are accepted (the last one wins). A non-2xx answer is an [`ApiError`](crate::ApiError) (R6).

use std::collections::BTreeMap;
use std::fmt;

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use http::Response;
use http::header::CONTENT_TYPE;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::decode::{self, Draft, Hooks, Lenient, MapValue, Missing, Source, model};
use crate::endpoint::{RetryClass, success_body};
use crate::enums::{
    DocumentStatus, FaceStatus, FraudTag, MismatchTag, OverallStatus, SuspicionReason,
};
use crate::error::{DecodeError, DecodeErrorKind, Error, InternalError};
use crate::extra::ExtraFields;
use crate::model::{IdentificationData, IdentificationDataDraft, VerificationStatus};
use crate::secret::Personal;
use crate::types::ScanRef;

/// The JSON body shared by every endpoint of this module.
#[derive(Serialize)]
struct ScanRefBody<'a> {
    #[serde(rename = "scanRef")]
    scan_ref: &'a str,
}

/// `{"scanRef":"…"}`.
pub(crate) fn scan_ref_body(scan_ref: &ScanRef) -> Result<Vec<u8>, Error> {
    // A struct of one string always serializes; were it not to, it would be a bug of this
    // crate, not a refused value.
    serde_json::to_vec(&ScanRefBody {
        scan_ref: scan_ref.as_str(),
    })
    .map_err(|error| InternalError::new("the request body", error).into())
}

/// Declares a request type holding one validated `scanRef`, and its [`Endpoint`] impl.
macro_rules! scan_ref_request {
    (
        $(#[$meta:meta])*
        $name:ident {
            path: $path:literal,
            name: $label:literal,
            retry: $retry:expr,
            output: $output:ty,
            parse: $parse:path
            $(, parse_owned: $parse_owned:path)? $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $name {
            scan_ref: $crate::types::ScanRef,
        }

        impl $name {
            #[doc = concat!("The path of the endpoint: `", $path, "`.")]
            pub const PATH: &'static str = $path;

            /// A request for the verification `scan_ref`, which must be 1 to 40 characters
            /// long (R5); the error names the field `scanRef`.
            pub fn new(scan_ref: impl AsRef<str>) -> Result<Self, $crate::error::ValidationError> {
                Ok(Self {
                    scan_ref: $crate::types::ScanRef::new(scan_ref.as_ref())?,
                })
            }

            /// The `scanRef` the request is about.
            pub fn scan_ref(&self) -> &$crate::types::ScanRef {
                &self.scan_ref
            }

            /// The JSON body as sent: `{"scanRef":"…"}`.
            pub fn to_json(&self) -> Result<Vec<u8>, $crate::error::Error> {
                $crate::retrieval::scan_ref_body(&self.scan_ref)
            }
        }

        impl $crate::endpoint::Endpoint for $name {
            type Output = $output;

            fn name(&self) -> &'static str {
                $label
            }

            fn retry_class(&self) -> $crate::endpoint::RetryClass {
                $retry
            }

            fn to_request(
                &self,
                config: &$crate::config::Config,
            ) -> Result<::http::Request<Vec<u8>>, $crate::error::Error> {
                config.post_json($path, self.to_json()?)
            }

            fn parse(
                &self,
                response: ::http::Response<&[u8]>,
            ) -> Result<$output, $crate::error::Error> {
                $parse(response)
            }

            $(
                fn parse_owned(
                    &self,
                    response: ::http::Response<Vec<u8>>,
                ) -> Result<$output, $crate::error::Error> {
                    $parse_owned(response)
                }
            )?
        }
    };
}
pub(crate) use scan_ref_request;

scan_ref_request! {
    /// Asks for the status of a verification (`POST /api/v2/status`, R5); answers with a
    /// [`StatusResponse`].
    ///
    /// Read-only, so it may be retried (R9). iDenfy discourages polling it: prefer webhooks.
    ///
    /// ```
    /// use idenfy_proto::{Config, Credentials, Endpoint, OverallStatus, StatusRequest};
    /// let config = Config::new(Credentials::new("key", "secret")?);
    /// let request = StatusRequest::new("9b11acb2-8c27-11e9-9758-309c231b1bac")?;
    /// let http_request = request.to_request(&config)?;
    /// assert_eq!(http_request.uri(), "https://ivs.idenfy.com/api/v2/status");
    /// assert_eq!(
    ///     http_request.body().as_slice(),
    ///     br#"{"scanRef":"9b11acb2-8c27-11e9-9758-309c231b1bac"}"#
    /// );
    ///
    /// let body = br#"{"scanRef":"9b11acb2-8c27-11e9-9758-309c231b1bac","status":"APPROVED","autoFace":"FACE_MATCH","manualFace":""}"#;
    /// let response = http::Response::builder().status(200).body(&body[..])?;
    /// let status = request.parse(response)?;
    /// assert_eq!(status.status, Some(OverallStatus::Approved));
    /// assert_eq!(status.manual_face, None);
    /// assert!(status.is_final());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    StatusRequest {
        path: "/api/v2/status",
        name: "status",
        retry: RetryClass::ReadOnly,
        output: StatusResponse,
        parse: parse_status,
    }
}

scan_ref_request! {
    /// Asks for the data read from the document (`POST /api/v2/data`, R5); answers with a
    /// [`DataResponse`].
    ///
    /// Read-only, so it may be retried (R9).
    DataRequest {
        path: "/api/v2/data",
        name: "data",
        retry: RetryClass::ReadOnly,
        output: DataResponse,
        parse: parse_data,
    }
}

scan_ref_request! {
    /// Asks for the URLs of the verification's photos and videos (`POST /api/v2/files`, R5);
    /// answers with [`FileUrls`].
    ///
    /// Read-only, so it may be retried (R9). The URLs are pre-signed and expire after about
    /// an hour: download what you need promptly.
    FilesRequest {
        path: "/api/v2/files",
        name: "files",
        retry: RetryClass::ReadOnly,
        output: FileUrls,
        parse: parse_files,
    }
}

scan_ref_request! {
    /// Deletes a verification's data — photos, read data, names (`POST /api/v2/delete`, R5).
    ///
    /// Success is `200` with an empty body; any other 2xx is success too, whatever its body.
    /// iDenfy deletes only verifications whose token has expired; otherwise it answers an
    /// error such as `PARTNER_ERROR` "Token has not expired yet.", which is an
    /// [`Error::Api`].
    ///
    /// The retry class is [`RetryClass::NotIdempotent`]: R9 names only `status`, `data`,
    /// `files` and `generate-pdf` as retryable. Deleting is idempotent in effect, but a repeat
    /// after a first attempt that did reach the server would meet an already deleted
    /// verification and may answer an error, turning a success into a failure; so a delete is
    /// retried only when the connection was never established.
    ///
    /// ```
    /// use idenfy_proto::{Config, Credentials, Endpoint, DeleteRequest, ErrorIdentifier, Error};
    /// let request = DeleteRequest::new("9b11acb2-8c27-11e9-9758-309c231b1bac")?;
    /// let ok = http::Response::builder().status(200).body(&b""[..])?;
    /// assert!(request.parse(ok).is_ok());
    ///
    /// let body = br#"{"message":"Token has not expired yet.","identifier":"PARTNER_ERROR"}"#;
    /// let refused = http::Response::builder().status(400).body(&body[..])?;
    /// match request.parse(refused) {
    ///     Err(Error::Api(error)) => {
    ///         assert_eq!(error.identifier(), Some(&ErrorIdentifier::PartnerError));
    ///     }
    ///     other => panic!("expected an API error, got {other:?}"),
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    DeleteRequest {
        path: "/api/v2/delete",
        name: "delete",
        retry: RetryClass::NotIdempotent,
        output: (),
        parse: parse_delete,
    }
}

scan_ref_request! {
    /// Asks for the PDF report of a verification (`POST /api/v2/generate-pdf`, R5, no
    /// trailing slash); answers with a [`Pdf`].
    ///
    /// Read-only, so it may be retried (R9).
    ///
    /// What is accepted as a PDF:
    ///
    /// * a body that starts with `%PDF-`, after an optional UTF-8 byte-order mark and ASCII
    ///   whitespace (PDF readers tolerate such a prefix; the bytes are returned unchanged);
    /// * base64 text of such a document, bare or as a JSON string, since the older
    ///   documentation calls the body "bytes64 format" (the decoded bytes are returned).
    ///
    /// The body decides, not the `Content-Type` header. Anything else is a [`DecodeError`] of
    /// kind [`DecodeErrorKind::MediaType`], whose message names the `Content-Type` and the
    /// length but never quotes the body; an empty body is a [`DecodeError`] of kind
    /// [`DecodeErrorKind::Empty`].
    PdfRequest {
        path: "/api/v2/generate-pdf",
        name: "pdf",
        retry: RetryClass::ReadOnly,
        output: Pdf,
        parse: parse_pdf,
        parse_owned: parse_pdf_owned,
    }
}

model! {
    /// The answer of `POST /api/v2/status` (reference §3.2).
    ///
    /// Read leniently, field by field (R7): only `scanRef` is required; a value that does not fit
    /// its field is kept raw in `extra` (see [`StatusResponse::fallbacks`]); `""` in a status
    /// field means "no result yet"
    /// and reads as `None` (the manual results stay empty until a person reviewed the
    /// verification); unknown enum values are kept; `clientId` may be a number. The 2018
    /// documentation first called the overall status `overall`: that key is read when `status` is
    /// absent or `null`. A webhook-shaped body whose `status` is an object (`{"overall": …,
    /// "autoFace": …}`) is read too, its fields lifted to the top level.
    ///
    /// Serializes with iDenfy's field names.
    #[derive(Debug, Clone, Default, PartialEq)]
    #[non_exhaustive]
    pub struct StatusResponse / StatusResponseDraft (nulls = true) {
        /// `status`: the overall status of the verification.
        opt status: OverallStatus = "status",
        /// `autoDocument`: the automatic document result.
        opt auto_document: DocumentStatus = "autoDocument",
        /// `autoFace`: the automatic face result.
        opt auto_face: FaceStatus = "autoFace",
        /// `manualDocument`: the reviewed document result; `None` until reviewed.
        opt manual_document: DocumentStatus = "manualDocument",
        /// `manualFace`: the reviewed face result; `None` until reviewed.
        opt manual_face: FaceStatus = "manualFace",
        /// `fraudTags`.
        opt fraud_tags: Vec<FraudTag> = "fraudTags",
        /// `mismatchTags`.
        opt mismatch_tags: Vec<MismatchTag> = "mismatchTags",
        /// `suspicionReasons`: the legacy (2019–2021) reasons, should an old account still send
        /// them.
        opt suspicion_reasons: Vec<SuspicionReason> = "suspicionReasons",
        /// `scanRef`: the verification.
        must scan_ref: String = "scanRef",
        /// `clientId`: the partner's identifier of the person, as a string even when sent as a
        /// number.
        opt client_id: String = "clientId",
    }
}

impl Hooks for StatusResponseDraft {
    /// `status` as a webhook-shaped object is set aside to be lifted; `overall` (the 2018 name)
    /// is set aside as an alias of `status`.
    fn hook<'de, S: Source<'de>>(&mut self, key: &str, source: &mut S) -> Result<bool, S::Error> {
        match key {
            STATUS_KEY => {
                self.pending.retain(|(name, _)| *name != STATUS_KEY);
                match source.field::<OverallStatus>()? {
                    decode::Outcome::Raw(object @ Value::Object(_)) => {
                        decode::store(
                            &mut self.status,
                            decode::Outcome::Absent,
                            STATUS_KEY,
                            &mut self.extra,
                        );
                        self.pending.push((STATUS_KEY, object));
                    }
                    outcome => {
                        decode::store(&mut self.status, outcome, STATUS_KEY, &mut self.extra)
                    }
                }
                Ok(true)
            }
            LEGACY_STATUS_KEY => {
                self.pending.retain(|(name, _)| *name != LEGACY_STATUS_KEY);
                self.extra.remove_unknown(LEGACY_STATUS_KEY);
                self.pending.push((LEGACY_STATUS_KEY, source.raw()?));
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// Lifts a `status` object's fields where the top level has none, then reads `overall`
    /// (top level first, then the lifted object's) as `status` when `status` has no value.
    fn resolve(&mut self) {
        let mut top_overall = None;
        let mut inner = None;
        for (key, value) in std::mem::take(&mut self.pending) {
            match (key, value) {
                (LEGACY_STATUS_KEY, value) => top_overall = Some(value),
                (STATUS_KEY, Value::Object(object)) => inner = Some(object),
                _ => {}
            }
        }
        let mut inner_overall = None;
        if let Some(mut object) = inner {
            inner_overall = object.remove(LEGACY_STATUS_KEY);
            decode::lift(self, STATUS_KEY, object);
        }
        // `overall` is read as `status` when `status` has no value: the top-level one first,
        // then the lifted object's. One that is not used stays where it was; one that was to be
        // used but does not fit is a fallback.
        if let Some(value) = top_overall
            && !self.take_overall(&value)
        {
            if self.status.is_none() && !self.extra.contains_key(STATUS_KEY) {
                self.extra.set_fallback(LEGACY_STATUS_KEY, value);
            } else {
                self.extra
                    .insert_unknown(LEGACY_STATUS_KEY.to_owned(), value);
            }
        }
        if let Some(value) = inner_overall
            && !self.take_overall(&value)
        {
            self.extra
                .insert_unknown(format!("{STATUS_KEY}.{LEGACY_STATUS_KEY}"), value);
        }
    }
}

impl StatusResponseDraft {
    /// Reads `value` (an `overall`) as `status` if `status` has no value and it fits.
    fn take_overall(&mut self, value: &Value) -> bool {
        if self.status.is_some() || self.extra.contains_key(STATUS_KEY) {
            return false;
        }
        match OverallStatus::decode(value) {
            Ok(decode::Outcome::Fit(status)) => {
                self.status = Some(status);
                true
            }
            _ => false,
        }
    }
}

impl StatusResponse {
    /// Whether the status can no longer change by itself (see [`OverallStatus::is_final`]);
    /// `false` when the status is missing or unknown.
    pub fn is_final(&self) -> bool {
        self.status.as_ref().is_some_and(OverallStatus::is_final)
    }

    /// Whether the verification is approved (`APPROVED` only).
    pub fn is_approved(&self) -> bool {
        self.status.as_ref().is_some_and(OverallStatus::is_approved)
    }

    /// Whether a person has reviewed the verification: a manual result is present.
    pub fn is_manually_reviewed(&self) -> bool {
        self.manual_face.is_some() || self.manual_document.is_some()
    }

    /// The face result that counts: the manual one when present, else the automatic one.
    pub fn face(&self) -> Option<&FaceStatus> {
        self.manual_face.as_ref().or(self.auto_face.as_ref())
    }

    /// The document result that counts: the manual one when present, else the automatic one.
    pub fn document(&self) -> Option<&DocumentStatus> {
        self.manual_document
            .as_ref()
            .or(self.auto_document.as_ref())
    }

    /// The same result in the shape of a webhook's `status` object, so that code handling
    /// webhooks can handle a polled status too. `status` becomes `overall`; `scanRef` and
    /// `clientId` have no place there and are left out; the extra fields are kept.
    pub fn to_verification_status(&self) -> VerificationStatus {
        VerificationStatus {
            overall: self.status.clone(),
            suspicion_reasons: self.suspicion_reasons.clone(),
            fraud_tags: self.fraud_tags.clone(),
            mismatch_tags: self.mismatch_tags.clone(),
            auto_face: self.auto_face.clone(),
            manual_face: self.manual_face.clone(),
            auto_document: self.auto_document.clone(),
            manual_document: self.manual_document.clone(),
            additional_steps: None,
            extra: self.extra.clone(),
        }
    }
}

/// The answer of `POST /api/v2/data` (reference §3.3): the webhook's `data` object plus
/// `scanRef` and `clientId` at the top level.
///
/// Read leniently (R7), as [`IdentificationData`]: any field may be `null`, dates stay strings
/// (placeholders such as `YYYY-MM-DD` occur), unknown fields land in `data.extra`. A body that
/// nests the data in a `data` object, as webhooks do, is read too (fields at the top level win).
/// Personal data is redacted in `Debug` (R10). Serializes flat, with iDenfy's field names.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct DataResponse {
    /// `scanRef`: the verification (required in every answer, R7).
    pub scan_ref: Option<String>,
    /// `clientId`: the partner's identifier of the person, as a string even when sent as a
    /// number (the 2021 documentation types it as an integer).
    pub client_id: Option<String>,
    /// Everything read from the document; fields outside the model, and values of `scanRef` or
    /// `clientId` that did not fit, are in `data.extra`.
    pub data: IdentificationData,
}

impl DataResponse {
    /// The JSON paths of the values that did not fit their field and were kept raw instead
    /// (R7); names only, never values.
    pub fn fallbacks(&self) -> Vec<String> {
        self.data.fallbacks()
    }
}

/// Reads `scanRef` and `clientId` into their slots; `false` for any other key.
fn store_ids<'de, S: Source<'de>>(
    key: &str,
    source: &mut S,
    scan_ref: &mut Option<String>,
    client_id: &mut Option<String>,
    extra: &mut ExtraFields,
) -> Result<bool, S::Error> {
    match key {
        SCAN_REF_KEY => source.store(scan_ref, SCAN_REF_KEY, extra)?,
        CLIENT_ID_KEY => source.store(client_id, CLIENT_ID_KEY, extra)?,
        _ => return Ok(false),
    }
    Ok(true)
}

/// The decoding state of [`DataResponse`].
#[derive(Default)]
pub(crate) struct DataResponseDraft {
    scan_ref: Option<String>,
    client_id: Option<String>,
    data: IdentificationDataDraft,
    nested: Option<Value>,
}

impl Draft for DataResponseDraft {
    type Output = DataResponse;

    fn entry<'de, S: Source<'de>>(&mut self, key: &str, source: &mut S) -> Result<bool, S::Error> {
        if store_ids(
            key,
            source,
            &mut self.scan_ref,
            &mut self.client_id,
            &mut self.data.extra,
        )? {
            return Ok(true);
        }
        self.data.entry(key, source)
    }

    fn has(&self, key: &str) -> bool {
        match key {
            SCAN_REF_KEY => self.scan_ref.is_some() || self.data.extra.contains_key(key),
            CLIENT_ID_KEY => self.client_id.is_some() || self.data.extra.contains_key(key),
            _ => self.data.has(key),
        }
    }

    fn extra_mut(&mut self) -> &mut ExtraFields {
        &mut self.data.extra
    }

    /// A `data` object, as webhooks nest it, is set aside to be lifted.
    fn hook<'de, S: Source<'de>>(&mut self, key: &str, source: &mut S) -> Result<bool, S::Error> {
        if key != DATA_KEY {
            return Ok(false);
        }
        let value = source.raw()?;
        self.data.extra.remove_unknown(DATA_KEY);
        if value.is_object() {
            self.nested = Some(value);
        } else {
            self.nested = None;
            self.data.extra.insert_unknown(DATA_KEY.to_owned(), value);
        }
        Ok(true)
    }

    fn finish(mut self) -> Result<DataResponse, Missing> {
        if let Some(Value::Object(nested)) = self.nested.take() {
            decode::lift(&mut self, DATA_KEY, nested);
        }
        let Some(scan_ref) = self.scan_ref.filter(|scan_ref| !scan_ref.is_empty()) else {
            return Err(Missing::field(SCAN_REF_KEY));
        };
        Ok(DataResponse {
            scan_ref: Some(scan_ref),
            client_id: self.client_id,
            data: self.data.finish()?,
        })
    }
}

impl Serialize for DataResponse {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut map = serializer.serialize_map(None)?;
        // A value that fell back is written from `extra` instead, as it came.
        for (key, value) in [
            (SCAN_REF_KEY, &self.scan_ref),
            (CLIENT_ID_KEY, &self.client_id),
        ] {
            if value.is_some() || !self.data.extra.contains_key(key) {
                map.serialize_entry(key, value)?;
            }
        }
        self.data.serialize_entries(&mut map)?;
        map.end()
    }
}

impl<'de> Deserialize<'de> for DataResponse {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        decode::deserialize_top::<DataResponseDraft, D>(deserializer)
    }
}

/// The answer of `POST /api/v2/files`: step name (`FRONT`, `BACK`, `FACE`, `FRONT_VIDEO`, …,
/// or an additional step such as `UTILITY_BILL`) → URL, or `None` where iDenfy sent `null`.
///
/// The response shape is not documented (reference §3.4); it is read as the webhook's
/// `fileUrls` map, and a body of the form `{"fileUrls": {…}, …}` is unwrapped. `scanRef` and
/// `clientId` are never steps: they are read into [`FileUrls::scan_ref`] and
/// [`FileUrls::client_id`]. A number or boolean is kept in its JSON spelling; a step whose value
/// is an array or an object is no URL and is kept in [`FileUrls::extra`]. The URLs are
/// pre-signed and expire after about an hour. `scanRef` is not required here, since no
/// documented shape of this answer is known (R7 names it for the other `scanRef` endpoints).
///
/// File URLs are personal data: `Debug` shows the keys and whether each has a URL, never the
/// URL (R10).
///
/// ```
/// use idenfy_proto::FileUrls;
/// let files: FileUrls = serde_json::from_str(
///     r#"{"FRONT":"https://files.example/f.jpg","BACK":null,"SELFIE_3D":"https://files.example/s"}"#,
/// )?;
/// assert_eq!(files.front(), Some("https://files.example/f.jpg"));
/// assert_eq!(files.back(), None);
/// assert!(files.contains_key("BACK"));
/// assert_eq!(files.get("SELFIE_3D"), Some("https://files.example/s"));
/// assert!(!format!("{files:?}").contains("files.example"));
///
/// let files: FileUrls = serde_json::from_str(r#"{"scanRef":"s-1","clientId":42,"FACE":"https://f"}"#)?;
/// assert_eq!((files.len(), files.scan_ref(), files.client_id()), (1, Some("s-1"), Some("42")));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FileUrls {
    urls: BTreeMap<String, Option<Personal<String>>>,
    scan_ref: Option<String>,
    client_id: Option<String>,
    extra: ExtraFields,
    /// The steps came in a `fileUrls` object: they are written back the same way.
    wrapped: bool,
}

impl FileUrls {
    /// The URL of `step`; `None` when the step is absent or its value was `null`.
    pub fn get(&self, step: &str) -> Option<&str> {
        self.urls
            .get(step)
            .and_then(|url| url.as_ref())
            .map(|url| url.as_str())
    }

    /// Whether the answer named `step`, with a URL or with `null`.
    pub fn contains_key(&self, step: &str) -> bool {
        self.urls.contains_key(step)
    }

    /// Every step and its URL (`None` for `null`), in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Option<&str>)> {
        self.urls
            .iter()
            .map(|(step, url)| (step.as_str(), url.as_ref().map(|url| url.expose().as_str())))
    }

    /// The number of steps named, `null` ones included.
    pub fn len(&self) -> usize {
        self.urls.len()
    }

    /// Whether no step was named.
    pub fn is_empty(&self) -> bool {
        self.urls.is_empty()
    }

    /// The map itself.
    pub fn into_inner(self) -> BTreeMap<String, Option<Personal<String>>> {
        self.urls
    }

    /// The `scanRef` the answer names, if any (never counted as a step).
    pub fn scan_ref(&self) -> Option<&str> {
        self.scan_ref.as_deref()
    }

    /// The `clientId` the answer names, if any (never counted as a step).
    pub fn client_id(&self) -> Option<&str> {
        self.client_id.as_deref()
    }

    /// What is neither a step with a URL nor `scanRef`/`clientId`: a step whose value is an
    /// array or object, the other fields of a wrapped answer, and values of `scanRef` or
    /// `clientId` that did not fit (R7).
    pub fn extra(&self) -> &ExtraFields {
        &self.extra
    }

    /// The JSON paths of the values that did not fit their field (R7); names only.
    pub fn fallbacks(&self) -> Vec<String> {
        self.extra.fallbacks().map(str::to_owned).collect()
    }

    /// `FRONT`: the front of the document.
    pub fn front(&self) -> Option<&str> {
        self.get("FRONT")
    }

    /// `BACK`: the back of the document.
    pub fn back(&self) -> Option<&str> {
        self.get("BACK")
    }

    /// `FACE`: the selfie.
    pub fn face(&self) -> Option<&str> {
        self.get("FACE")
    }

    /// `FRONT_VIDEO`: the video of the document's front.
    pub fn front_video(&self) -> Option<&str> {
        self.get("FRONT_VIDEO")
    }

    /// `BACK_VIDEO`: the video of the document's back.
    pub fn back_video(&self) -> Option<&str> {
        self.get("BACK_VIDEO")
    }

    /// `FACE_VIDEO`: the video of the face.
    pub fn face_video(&self) -> Option<&str> {
        self.get("FACE_VIDEO")
    }
}

impl Serialize for FileUrls {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut map = serializer.serialize_map(None)?;
        if let Some(scan_ref) = &self.scan_ref {
            map.serialize_entry(SCAN_REF_KEY, scan_ref)?;
        }
        if let Some(client_id) = &self.client_id {
            map.serialize_entry(CLIENT_ID_KEY, client_id)?;
        }
        if self.wrapped {
            // The wrapper's own entries that were no URL are kept in `extra` under its key.
            let mut wrapper: Map<String, Value> = match self.extra.get(FILE_URLS_KEY) {
                Some(Value::Object(rest)) => rest.clone(),
                _ => Map::new(),
            };
            for (step, url) in &self.urls {
                let url = url
                    .as_ref()
                    .map_or(Value::Null, |url| Value::String(url.expose().clone()));
                wrapper.insert(step.clone(), url);
            }
            map.serialize_entry(FILE_URLS_KEY, &wrapper)?;
            for (key, value) in self.extra.iter() {
                if key != FILE_URLS_KEY {
                    map.serialize_entry(key, value)?;
                }
            }
        } else {
            for (step, url) in &self.urls {
                map.serialize_entry(step, url)?;
            }
            for (key, value) in self.extra.iter() {
                map.serialize_entry(key, value)?;
            }
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for FileUrls {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        decode::deserialize_top::<FileUrlsDraft, D>(deserializer)
    }
}

/// The decoding state of [`FileUrls`].
#[derive(Default)]
pub(crate) struct FileUrlsDraft {
    scan_ref: Option<String>,
    client_id: Option<String>,
    /// The `fileUrls` wrapper: `Some(None)` when it was `null`.
    wrapper: Option<Option<Map<String, Value>>>,
    extra: ExtraFields,
}

impl Draft for FileUrlsDraft {
    type Output = FileUrls;

    fn entry<'de, S: Source<'de>>(&mut self, key: &str, source: &mut S) -> Result<bool, S::Error> {
        store_ids(
            key,
            source,
            &mut self.scan_ref,
            &mut self.client_id,
            &mut self.extra,
        )
    }

    fn has(&self, key: &str) -> bool {
        match key {
            SCAN_REF_KEY => self.scan_ref.is_some() || self.extra.contains_key(key),
            CLIENT_ID_KEY => self.client_id.is_some() || self.extra.contains_key(key),
            _ => self.extra.contains_key(key),
        }
    }

    fn extra_mut(&mut self) -> &mut ExtraFields {
        &mut self.extra
    }

    fn hook<'de, S: Source<'de>>(&mut self, key: &str, source: &mut S) -> Result<bool, S::Error> {
        if key != FILE_URLS_KEY {
            return Ok(false);
        }
        self.extra.clear_fallback(FILE_URLS_KEY);
        match source.raw()? {
            Value::Object(map) => self.wrapper = Some(Some(map)),
            Value::Null => self.wrapper = Some(None),
            other => {
                self.wrapper = None;
                self.extra.set_fallback(FILE_URLS_KEY, other);
            }
        }
        Ok(true)
    }

    /// Without a `fileUrls` wrapper, the top-level keys are the steps; with one, its keys are,
    /// and the top level's other keys stay in `extra`. A step whose value is an array or an
    /// object is no URL: it stays in `extra` (inside the wrapper's object, for a wrapped one),
    /// and so do a `scanRef` and `clientId` inside a wrapper.
    fn finish(mut self) -> Result<FileUrls, Missing> {
        let (steps, wrapped) = match self.wrapper.take() {
            Some(wrapper) => (wrapper.unwrap_or_default(), true),
            None => (self.extra.take_unknown(), false),
        };
        let mut urls = BTreeMap::new();
        let mut rest = Map::new();
        for (step, value) in steps {
            let value = decode::Any::from_value(value);
            let id = wrapped && (step == SCAN_REF_KEY || step == CLIENT_ID_KEY);
            if !id && <Option<Personal<String>> as MapValue>::accepts(&value) {
                urls.insert(step, MapValue::from_any(value));
            } else {
                rest.insert(step, value.into_value());
            }
        }
        if wrapped {
            if !rest.is_empty() {
                self.extra
                    .insert_unknown(FILE_URLS_KEY.to_owned(), Value::Object(rest));
            }
        } else {
            for (step, value) in rest {
                self.extra.insert_unknown(step, value);
            }
        }
        Ok(FileUrls {
            urls,
            scan_ref: self.scan_ref,
            client_id: self.client_id,
            extra: self.extra,
            wrapped,
        })
    }
}

/// A PDF report, as returned by `POST /api/v2/generate-pdf` (see [`PdfRequest`] for what is
/// accepted).
///
/// The report holds personal data, so `Debug` shows only its length (R10).
#[derive(Clone, PartialEq, Eq)]
pub struct Pdf(Vec<u8>);

impl Pdf {
    /// The document's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The document's bytes, owned.
    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }
}

impl AsRef<[u8]> for Pdf {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Pdf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pdf({} bytes)", self.0.len())
    }
}

/// The magic bytes a PDF document starts with.
const PDF_MAGIC: &[u8] = b"%PDF-";
/// The base64 spelling of the first bytes of [`PDF_MAGIC`] (`%PDF` is `JVBERg`, `%PDF-` is
/// `JVBERi0`); the decoded bytes are checked in full.
const PDF_MAGIC_BASE64: &[u8] = b"JVBERi";
/// The UTF-8 byte-order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";
/// Longest `Content-Type` value quoted in an error message.
const CONTENT_TYPE_LIMIT: usize = 100;

/// The wrapper key of a possible `/files` answer shape.
const FILE_URLS_KEY: &str = "fileUrls";
/// The key the overall status has in `/status` answers.
const STATUS_KEY: &str = "status";
/// The key the 2018 documentation used for it (and webhooks use inside `status`).
const LEGACY_STATUS_KEY: &str = "overall";
/// The key of the data object in webhooks.
const DATA_KEY: &str = "data";
/// The key of the verification's identifier.
const SCAN_REF_KEY: &str = "scanRef";
/// The key of the partner's identifier of the person.
const CLIENT_ID_KEY: &str = "clientId";

fn parse_status(response: Response<&[u8]>) -> Result<StatusResponse, Error> {
    let body = success_body(&response)?;
    Ok(decode::from_slice::<StatusResponseDraft>(body)?)
}

fn parse_data(response: Response<&[u8]>) -> Result<DataResponse, Error> {
    let body = success_body(&response)?;
    Ok(decode::from_slice::<DataResponseDraft>(body)?)
}

fn parse_files(response: Response<&[u8]>) -> Result<FileUrls, Error> {
    let body = success_body(&response)?;
    Ok(decode::from_slice::<FileUrlsDraft>(body)?)
}

fn parse_delete(response: Response<&[u8]>) -> Result<(), Error> {
    // Any 2xx is success; the documented answer has no body, and any body is ignored.
    success_body(&response)?;
    Ok(())
}

fn parse_pdf(response: Response<&[u8]>) -> Result<Pdf, Error> {
    let body = success_body(&response)?;
    let start = skip_preamble(body);
    if start.is_empty() {
        return Err(DecodeError::new(
            DecodeErrorKind::Empty,
            None,
            "the body is empty; expected a PDF document (starting with %PDF-)",
        )
        .into());
    }
    if start.starts_with(PDF_MAGIC) {
        return Ok(Pdf(body.to_vec()));
    }
    if let Some(decoded) = decode_base64_pdf(start) {
        return Ok(Pdf(decoded));
    }
    Err(not_a_pdf(&response).into())
}

/// [`parse_pdf`] of an owned body: a PDF document is kept as it came, without a copy.
fn parse_pdf_owned(response: Response<Vec<u8>>) -> Result<Pdf, Error> {
    let is_pdf =
        response.status().is_success() && skip_preamble(response.body()).starts_with(PDF_MAGIC);
    if is_pdf {
        return Ok(Pdf(response.into_body()));
    }
    let (parts, body) = response.into_parts();
    parse_pdf(Response::from_parts(parts, body.as_slice()))
}

/// `body` after an optional UTF-8 byte-order mark and ASCII whitespace.
fn skip_preamble(body: &[u8]) -> &[u8] {
    body.strip_prefix(BOM).unwrap_or(body).trim_ascii_start()
}

/// The PDF encoded in `text` as base64, bare or as a JSON string; `None` if it is not one.
fn decode_base64_pdf(text: &[u8]) -> Option<Vec<u8>> {
    let text = text.trim_ascii_end();
    let unquoted;
    let text = if text.starts_with(b"\"") {
        unquoted = serde_json::from_slice::<String>(text).ok()?;
        unquoted.as_bytes()
    } else {
        text
    };
    let text = text.trim_ascii();
    if !text.starts_with(PDF_MAGIC_BASE64) {
        return None;
    }
    // MIME-style base64 breaks lines; padding may be missing.
    let compact: Vec<u8> = text
        .iter()
        .copied()
        .filter(|byte| !byte.is_ascii_whitespace())
        .collect();
    let engine = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    let decoded = engine.decode(compact).ok()?;
    decoded.starts_with(PDF_MAGIC).then_some(decoded)
}

/// The error for a 2xx answer that is not a PDF: names the `Content-Type` and the length, and
/// guesses the kind of body, but never quotes it.
fn not_a_pdf(response: &Response<&[u8]>) -> DecodeError {
    let body = *response.body();
    let content_type = match response.headers().get(CONTENT_TYPE).map(|v| v.to_str()) {
        None => "no Content-Type".to_owned(),
        Some(Ok(value)) => {
            let mut quoted: String = value.chars().take(CONTENT_TYPE_LIMIT).collect();
            if value.chars().count() > CONTENT_TYPE_LIMIT {
                quoted.push('…');
            }
            format!("Content-Type `{quoted}`")
        }
        Some(Err(_)) => "a Content-Type that is not visible ASCII".to_owned(),
    };
    let guess = match skip_preamble(body).first() {
        Some(b'{' | b'[') => " (the body looks like JSON)",
        Some(b'<') => " (the body looks like HTML or XML)",
        _ => "",
    };
    DecodeError::new(
        DecodeErrorKind::MediaType,
        None,
        &format!(
            "expected a PDF document (starting with %PDF-), got {} bytes with {content_type}{guess}",
            body.len()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_magic_prefix_is_the_encoding_of_the_pdf_magic() {
        let engine = base64::engine::general_purpose::STANDARD;
        assert!(
            engine
                .encode(b"%PDF-1.7")
                .as_bytes()
                .starts_with(PDF_MAGIC_BASE64)
        );
    }

    #[test]
    fn preamble_is_a_bom_then_whitespace() {
        assert_eq!(skip_preamble(b"\xEF\xBB\xBF \r\n%PDF-"), b"%PDF-");
        assert_eq!(skip_preamble(b" \xEF\xBB\xBF%PDF-"), b"\xEF\xBB\xBF%PDF-");
        assert_eq!(skip_preamble(b""), b"");
    }

    #[test]
    fn base64_pdf_bare_quoted_and_wrapped() {
        let engine = base64::engine::general_purpose::STANDARD;
        let encoded = engine.encode(b"%PDF-1.4\n%%EOF\n");
        assert_eq!(
            decode_base64_pdf(encoded.as_bytes()).as_deref(),
            Some(&b"%PDF-1.4\n%%EOF\n"[..])
        );
        let quoted = format!("\"{}\"", encoded.replace('/', "\\/"));
        assert!(decode_base64_pdf(quoted.as_bytes()).is_some());
        let (head, tail) = encoded.split_at(8);
        let wrapped = format!("{head}\r\n{tail}");
        assert!(decode_base64_pdf(wrapped.as_bytes()).is_some());
        assert_eq!(decode_base64_pdf(b"JVBERi0%%%"), None);
        assert_eq!(decode_base64_pdf(b"<html>"), None);
    }
}
