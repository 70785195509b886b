//! `POST /api/v2/process`: direct processing, where the partner uploads the document and face
//! images itself instead of sending the person to iDenfy's UI (reference §3.8; R12, R14).

use std::borrow::Cow;
use std::fmt;
use std::io::Read;

use base64::Engine as _;
use http::{Request, Response};
use serde::Serialize;
use serde_json::Value;
use zeroize::Zeroizing;

use crate::config::Config;
use crate::decode;
use crate::endpoint::{Endpoint, RetryClass, success_body};
use crate::enums::{DocumentType, string_enum};
use crate::error::{ApiError, Error, InternalError, Rule, ValidationError};
use crate::secret::AuthToken;
use crate::types::{CountryCode, check_length};

/// The largest image accepted, in bytes of the image file itself: 4 500 000 (R14).
///
/// iDenfy documents "max size of 6MB" for each base64-encoded image; the strictest reading,
/// 6 000 000 bytes of base64 text, is the one enforced, so that no image is sent that the server
/// must refuse, whichever way it counts. Base64 writes 3 bytes as 4 characters, so 6 000 000
/// characters hold exactly 4 500 000 bytes.
pub const MAX_IMAGE_BYTES: usize = 4_500_000;

/// The largest request body accepted, in bytes: 20 000 000, iDenfy's documented "maximum
/// request size is 20 MB" read as decimal megabytes (R14). Three images of the largest size do
/// not fit: the limit of the whole request applies as well.
pub const MAX_PROCESS_BODY_BYTES: usize = 20_000_000;

/// [`MAX_IMAGE_BYTES`] as a reader's limit.
const MAX_IMAGE_BYTES_U64: u64 = 4_500_000;

/// The path of the endpoint.
const PATH: &str = "/api/v2/process";

string_enum! {
    /// The step an uploaded image belongs to: its key in the `images` object of direct
    /// processing (reference §3.8). A custom additional step configured for the partner is an
    /// [`ImageStep::Unknown`] holding its name (1 to 100 characters).
    pub enum ImageStep {
        /// The front of the document.
        Front = "FRONT",
        /// The back of the document.
        Back = "BACK",
        /// The person's face (a selfie).
        Face = "FACE",
        /// The cover of a passport (2021 documentation).
        PassportCover = "PASSPORT_COVER",
        /// A utility bill, an additional step.
        UtilityBill = "UTILITY_BILL",
        /// A second utility bill, an additional step.
        SecondUtilityBill = "SECOND_UTILITY_BILL",
    }
}

/// The formats accepted for a step of the document or the face.
const DOCUMENT_FORMATS: &[&str] = &["JPEG", "PNG"];
/// The formats accepted for an additional step (a utility bill may be a PDF).
const ADDITIONAL_FORMATS: &[&str] = &["JPEG", "PNG", "PDF"];

impl ImageStep {
    /// Whether the step shows the document or the face (`FRONT`, `BACK`, `FACE`,
    /// `PASSPORT_COVER`), as opposed to an additional step.
    pub fn is_document_or_face(&self) -> bool {
        matches!(
            self,
            ImageStep::Front | ImageStep::Back | ImageStep::Face | ImageStep::PassportCover
        )
    }

    /// The formats iDenfy takes for this step (R14): JPEG and PNG for the document and the
    /// face; JPEG, PNG and PDF for an additional step such as a utility bill.
    pub fn accepted_formats(&self) -> &'static [&'static str] {
        if self.is_document_or_face() {
            DOCUMENT_FORMATS
        } else {
            ADDITIONAL_FORMATS
        }
    }
}

/// The format of an image file, recognised by its first bytes (R14).
///
/// ```
/// use idenfy_proto::ImageFormat;
/// assert_eq!(ImageFormat::sniff(b"\xFF\xD8\xFF\xE0\x00\x10JFIF"), Some(ImageFormat::Jpeg));
/// assert_eq!(ImageFormat::sniff(b"GIF89a"), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ImageFormat {
    /// JPEG (`FF D8 FF`).
    Jpeg,
    /// PNG (`89 50 4E 47 0D 0A 1A 0A`).
    Png,
    /// PDF (`%PDF-`), accepted for additional steps only.
    Pdf,
}

impl ImageFormat {
    /// The format whose signature `bytes` start with, if any.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(b"\xFF\xD8\xFF") {
            Some(ImageFormat::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1A\n") {
            Some(ImageFormat::Png)
        } else if bytes.starts_with(b"%PDF-") {
            Some(ImageFormat::Pdf)
        } else {
            None
        }
    }

    /// The format's name: `JPEG`, `PNG` or `PDF`.
    pub fn as_str(&self) -> &'static str {
        match self {
            ImageFormat::Jpeg => "JPEG",
            ImageFormat::Png => "PNG",
            ImageFormat::Pdf => "PDF",
        }
    }
}

impl fmt::Display for ImageFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An image as the builder holds it.
#[derive(Clone)]
enum Image<'a> {
    Bytes(Cow<'a, [u8]>),
    /// Read from a reader that had more than [`MAX_IMAGE_BYTES`]; what was read is dropped.
    TooLarge,
}

/// A validated direct-processing request (`POST /api/v2/process`, R12, R14): the `authToken` of
/// a session created with `/api/v2/token`, the document's country and type, and the images.
///
/// iDenfy starts processing at once and deactivates the token: the result comes by webhook, as
/// for a session in its UI. The feature must be enabled for the partner by iDenfy.
///
/// # Images and memory (R14)
///
/// The request borrows the images it is given (or owns those read from a reader), checked when
/// it is built: each a JPEG or PNG (a PDF too for an additional step) of at most
/// [`MAX_IMAGE_BYTES`], `FRONT` among them, and the whole body at most
/// [`MAX_PROCESS_BODY_BYTES`] — so no request is sent that the server must refuse for its size or
/// format. The base64 text is written straight into the JSON body when the HTTP request is made
/// ([`Endpoint::to_request`]): one allocation of exactly [`ProcessRequest::body_len`] bytes
/// (about 4/3 of the images), and no other copy of the images. The `idenfy` client makes that
/// body once per attempt and hands it to the transport, so during a call the memory the upload
/// takes is the caller's images plus one body.
///
/// # Answers
///
/// Success is a 2xx with no body. iDenfy documents that a `200` may still carry an error — the
/// document was not found in a photo —, so a 2xx whose body is a JSON object with an
/// `identifier` or a `message`, any other JSON value but an object or `null`, or a body that is
/// not JSON at all, is an [`Error::Api`] whose status is that 2xx; a 2xx whose body is an empty
/// object or `null` is success.
///
/// # Retries (R9)
///
/// [`RetryClass::NotIdempotent`]: the token is spent by the first request that reaches iDenfy,
/// so a request is sent again only when the connection was never established.
///
/// ```
/// use idenfy_proto::{AuthToken, Config, Credentials, Endpoint, ImageStep, ProcessRequest};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let front = b"\xFF\xD8\xFF\xE0 the bytes of front.jpg";
/// let face = b"\x89PNG\r\n\x1A\n the bytes of face.png";
/// let request = ProcessRequest::builder(&AuthToken::new("3FA5TFPA2ZE3LMPGGS1EGOJNJE"), "lt")
///     .image(ImageStep::Front, &front[..])
///     .image(ImageStep::Face, &face[..])
///     .build()?;
///
/// let config = Config::new(Credentials::new("key", "secret")?);
/// let http_request = request.to_request(&config)?;
/// assert_eq!(http_request.uri(), "https://ivs.idenfy.com/api/v2/process");
/// assert_eq!(http_request.body().len(), request.body_len());
/// let body: serde_json::Value = serde_json::from_slice(http_request.body())?;
/// assert_eq!(body["country"], "LT");
/// assert_eq!(body["images"]["FRONT"], "/9j/4CB0aGUgYnl0ZXMgb2YgZnJvbnQuanBn");
///
/// // A 200 that carries an error is an error.
/// let answer = br#"{"identifier":"MISSING_VALUE","message":"No image provided for step 'BACK'"}"#;
/// let response = http::Response::builder().status(200).body(&answer[..])?;
/// assert!(request.parse(response).is_err());
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct ProcessRequest<'a> {
    auth_token: AuthToken,
    country: CountryCode,
    document_type: Option<DocumentType>,
    skip_analysis: Option<bool>,
    images: Vec<(ImageStep, Cow<'a, [u8]>)>,
    body_len: usize,
}

/// Collects the fields of a [`ProcessRequest`]; [`ProcessRequestBuilder::build`] checks them
/// all. Calling a setter twice keeps the last value; an image given twice for the same step keeps
/// the last one.
#[derive(Clone)]
#[must_use = "a builder does nothing until `build()` is called"]
pub struct ProcessRequestBuilder<'a> {
    auth_token: AuthToken,
    country: String,
    document_type: Option<DocumentType>,
    skip_analysis: Option<bool>,
    images: Vec<(ImageStep, Image<'a>)>,
}

impl<'a> ProcessRequest<'a> {
    /// The path of the endpoint: `/api/v2/process`.
    pub const PATH: &'static str = PATH;

    /// Starts a request for the session of `auth_token` (from `/api/v2/token`; 10 to 40
    /// visible ASCII characters) and a document of `country` (an ISO 3166-1 alpha-2 code, any
    /// case, sent upper-case).
    pub fn builder(
        auth_token: &AuthToken,
        country: impl Into<String>,
    ) -> ProcessRequestBuilder<'a> {
        ProcessRequestBuilder {
            auth_token: auth_token.clone(),
            country: country.into(),
            document_type: None,
            skip_analysis: None,
            images: Vec::new(),
        }
    }

    /// `authToken`.
    pub fn auth_token(&self) -> &AuthToken {
        &self.auth_token
    }

    /// `country`, upper-case.
    pub fn country(&self) -> CountryCode {
        self.country
    }

    /// `documentType`, if set.
    pub fn document_type(&self) -> Option<&DocumentType> {
        self.document_type.as_ref()
    }

    /// `skipAnalysis`, if set.
    pub fn skip_analysis(&self) -> Option<bool> {
        self.skip_analysis
    }

    /// The steps of the images, in the order they are sent.
    pub fn steps(&self) -> impl Iterator<Item = &ImageStep> {
        self.images.iter().map(|(step, _)| step)
    }

    /// The image of `step`, if the request has one.
    pub fn image(&self, step: &ImageStep) -> Option<&[u8]> {
        self.images
            .iter()
            .find(|(candidate, _)| candidate.as_str() == step.as_str())
            .map(|(_, bytes)| bytes.as_ref())
    }

    /// The exact length of the JSON body in bytes: what [`Endpoint::to_request`] allocates, once
    /// (at most [`MAX_PROCESS_BODY_BYTES`]).
    pub fn body_len(&self) -> usize {
        self.body_len
    }

    /// The JSON body as sent, the images base64-encoded straight into it: one allocation of
    /// exactly [`ProcessRequest::body_len`] bytes.
    pub fn to_json(&self) -> Result<Vec<u8>, Error> {
        let head = head(
            &self.auth_token,
            self.country,
            self.document_type.as_ref(),
            self.skip_analysis,
        )?;
        let internal = || InternalError::without_source("the request body");
        let mut body = Vec::with_capacity(self.body_len);
        body.extend_from_slice(&head);
        for (at, (step, bytes)) in self.images.iter().enumerate() {
            if at > 0 {
                body.push(b',');
            }
            serde_json::to_writer(&mut body, step.as_str())
                .map_err(|error| InternalError::new("the request body", error))?;
            body.extend_from_slice(b":\"");
            let start = body.len();
            let encoded = base64::encoded_len(bytes.len(), true).ok_or_else(internal)?;
            body.resize(start.checked_add(encoded).ok_or_else(internal)?, 0);
            let slot = body.get_mut(start..).ok_or_else(internal)?;
            base64::engine::general_purpose::STANDARD
                .encode_slice(bytes, slot)
                .map_err(|error| InternalError::new("the request body", error))?;
            body.push(b'"');
        }
        body.extend_from_slice(b"}}");
        if body.len() != self.body_len {
            return Err(internal().into());
        }
        Ok(body)
    }
}

impl<'a> ProcessRequestBuilder<'a> {
    /// `documentType`: the type of the document, one of the known [`DocumentType`]s. iDenfy
    /// detects it from the front image when it is left out.
    pub fn document_type(mut self, value: DocumentType) -> Self {
        self.document_type = Some(value);
        self
    }

    /// `skipAnalysis`: skip iDenfy's validation of the photos (for valid photos in which the
    /// document is not detected).
    pub fn skip_analysis(mut self, value: bool) -> Self {
        self.skip_analysis = Some(value);
        self
    }

    /// The image of `step`: the bytes of a JPEG or PNG file (a PDF too for an additional step),
    /// borrowed or owned. Checked by [`Self::build`].
    pub fn image(mut self, step: ImageStep, bytes: impl Into<Cow<'a, [u8]>>) -> Self {
        self.images.push((step, Image::Bytes(bytes.into())));
        self
    }

    /// The image of `step`, read from `reader` (an open file, say) — at most
    /// [`MAX_IMAGE_BYTES`] and one more are read, so an image that is too large is refused by
    /// [`Self::build`] without being read whole.
    ///
    /// An error of the reader ends the builder: it is returned as it came.
    ///
    /// ```no_run
    /// use idenfy_proto::{AuthToken, ImageStep, ProcessRequest};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let token = AuthToken::new("3FA5TFPA2ZE3LMPGGS1EGOJNJE");
    /// let request = ProcessRequest::builder(&token, "LT")
    ///     .image_from_reader(ImageStep::Front, std::fs::File::open("front.jpg")?)?
    ///     .image_from_reader(ImageStep::Face, std::fs::File::open("face.jpg")?)?
    ///     .build()?;
    /// # let _ = request;
    /// # Ok(())
    /// # }
    /// ```
    pub fn image_from_reader(
        mut self,
        step: ImageStep,
        reader: impl Read,
    ) -> std::io::Result<Self> {
        let mut bytes = Vec::new();
        reader
            .take(MAX_IMAGE_BYTES_U64.saturating_add(1))
            .read_to_end(&mut bytes)?;
        let image = if bytes.len() > MAX_IMAGE_BYTES {
            Image::TooLarge
        } else {
            Image::Bytes(Cow::Owned(bytes))
        };
        self.images.push((step, image));
        Ok(self)
    }

    /// Checks every field and builds the request (R12, R14). The first failure is returned, in
    /// this order: `authToken` (10 to 40 visible ASCII characters), `country` (an officially
    /// assigned ISO 3166-1 alpha-2 code), `documentType` (a known value), each image in the
    /// order given (`images` for a custom step's name, 1 to 100 characters; `images.STEP` for its
    /// size, [`Rule::TooLarge`], and its format, [`Rule::OneOf`]), `images.FRONT` when there is
    /// no front image ([`Rule::Required`]), and `body` when the whole request is larger than
    /// [`MAX_PROCESS_BODY_BYTES`].
    pub fn build(self) -> Result<ProcessRequest<'a>, ValidationError> {
        check_auth_token("authToken", &self.auth_token)?;
        let country = CountryCode::for_field("country", &self.country)?;
        let document_type = self
            .document_type
            .map(|value| crate::token::rules::known("documentType", value))
            .transpose()?;

        // The last image of each step wins, at its own place in the order. A step is known by
        // its name: an `Unknown("FRONT")` is `FRONT`.
        let mut kept: Vec<(ImageStep, Image<'a>)> = Vec::with_capacity(self.images.len());
        for (step, image) in self.images.into_iter().rev() {
            let step = match step {
                ImageStep::Unknown(name) => ImageStep::from(name),
                known => known,
            };
            if !kept.iter().any(|(seen, _)| *seen == step) {
                kept.push((step, image));
            }
        }
        kept.reverse();

        let mut images = Vec::with_capacity(kept.len());
        for (step, image) in kept {
            if !step.is_known() {
                check_length("images", step.as_str(), 1, 100)?;
            }
            let field = || format!("images.{}", step.as_str());
            let bytes = match image {
                Image::Bytes(bytes) => bytes,
                Image::TooLarge => {
                    return Err(ValidationError::new(
                        field(),
                        Rule::TooLarge {
                            max: MAX_IMAGE_BYTES_U64,
                            actual: None,
                        },
                    ));
                }
            };
            if bytes.len() > MAX_IMAGE_BYTES {
                return Err(ValidationError::new(
                    field(),
                    Rule::TooLarge {
                        max: MAX_IMAGE_BYTES_U64,
                        actual: u64::try_from(bytes.len()).ok(),
                    },
                ));
            }
            let allowed = step.accepted_formats();
            let format_ok =
                ImageFormat::sniff(&bytes).is_some_and(|format| allowed.contains(&format.as_str()));
            if !format_ok {
                return Err(ValidationError::new(field(), Rule::OneOf { allowed }));
            }
            images.push((step, bytes));
        }
        if !images.iter().any(|(step, _)| *step == ImageStep::Front) {
            return Err(ValidationError::new("images.FRONT", Rule::Required));
        }

        let head_len = head(
            &self.auth_token,
            country,
            document_type.as_ref(),
            self.skip_analysis,
        )
        .map(|head| head.len())
        // Serializing strings and a boolean does not fail; were it to, the request could not be
        // sent, and `to_json` reports it as the bug it is.
        .unwrap_or(0);
        let body_len = body_len(head_len, &images);
        let too_large = body_len.is_none_or(|len| len > MAX_PROCESS_BODY_BYTES);
        if too_large {
            return Err(ValidationError::new(
                "body",
                Rule::TooLarge {
                    max: MAX_PROCESS_BODY_BYTES as u64,
                    actual: body_len.and_then(|len| u64::try_from(len).ok()),
                },
            ));
        }
        Ok(ProcessRequest {
            auth_token: self.auth_token,
            country,
            document_type,
            skip_analysis: self.skip_analysis,
            images,
            body_len: body_len.unwrap_or(0),
        })
    }
}

/// `authToken`: 10 to 40 characters, visible ASCII only (iDenfy's current documentation). The
/// error never shows the token or a character of it (R10).
fn check_auth_token(field: &'static str, token: &AuthToken) -> Result<(), ValidationError> {
    let value = token.expose_secret();
    check_length(field, value, 10, 40)?;
    if !value.bytes().all(|byte| byte.is_ascii_graphic()) {
        return Err(ValidationError::new(field, Rule::HeaderValue));
    }
    Ok(())
}

/// The fields before the images.
#[derive(Serialize)]
struct Head<'a> {
    #[serde(rename = "authToken")]
    auth_token: &'a str,
    country: &'a str,
    #[serde(rename = "documentType", skip_serializing_if = "Option::is_none")]
    document_type: Option<&'a str>,
    #[serde(rename = "skipAnalysis", skip_serializing_if = "Option::is_none")]
    skip_analysis: Option<bool>,
}

/// `{"authToken":…,"country":…[,"documentType":…][,"skipAnalysis":…],"images":{` — in a buffer
/// wiped when dropped, since it holds the token.
fn head(
    auth_token: &AuthToken,
    country: CountryCode,
    document_type: Option<&DocumentType>,
    skip_analysis: Option<bool>,
) -> Result<Zeroizing<Vec<u8>>, InternalError> {
    let fields = Head {
        auth_token: auth_token.expose_secret(),
        country: country.as_str(),
        document_type: document_type.map(DocumentType::as_str),
        skip_analysis,
    };
    let mut head = Zeroizing::new(
        serde_json::to_vec(&fields)
            .map_err(|error| InternalError::new("the request body", error))?,
    );
    // The object is reopened to append the images: `}` becomes `,"images":{`.
    if head.pop() != Some(b'}') {
        return Err(InternalError::without_source("the request body"));
    }
    head.extend_from_slice(b",\"images\":{");
    Ok(head)
}

/// The length of the body: the head, then `"STEP":"<base64>"` per image, separated by commas,
/// then `}}`. `None` on overflow.
fn body_len(head_len: usize, images: &[(ImageStep, Cow<'_, [u8]>)]) -> Option<usize> {
    let mut total = head_len.checked_add(2)?;
    for (at, (step, bytes)) in images.iter().enumerate() {
        let key = serde_json::to_vec(step.as_str()).ok()?.len();
        let encoded = base64::encoded_len(bytes.len(), true)?;
        let separator = usize::from(at > 0);
        // separator, key, `:`, the quoted base64.
        total = total
            .checked_add(separator)?
            .checked_add(key)?
            .checked_add(3)?
            .checked_add(encoded)?;
    }
    Some(total)
}

impl Endpoint for ProcessRequest<'_> {
    type Output = ();

    fn name(&self) -> &'static str {
        "process"
    }

    fn retry_class(&self) -> RetryClass {
        RetryClass::NotIdempotent
    }

    fn to_request(&self, config: &Config) -> Result<Request<Vec<u8>>, Error> {
        config.post_json(PATH, self.to_json()?)
    }

    fn parse(&self, response: Response<&[u8]>) -> Result<(), Error> {
        parse_process(response)
    }
}

/// A 2xx is success unless its body says otherwise (see [`ProcessRequest`]).
fn parse_process(response: Response<&[u8]>) -> Result<(), Error> {
    let body = success_body(&response)?;
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(());
    }
    let is_error = match decode::value_from_slice(body) {
        Ok(Value::Object(object)) => ["identifier", "message"]
            .iter()
            .any(|key| object.get(*key).is_some_and(|value| !value.is_null())),
        Ok(Value::Null) => false,
        Ok(_) | Err(_) => true,
    };
    if is_error {
        Err(ApiError::from_response(response.status(), body).into())
    } else {
        Ok(())
    }
}

impl fmt::Debug for ProcessRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The token is a secret and the images are personal data: steps and sizes only (R10).
        f.debug_struct("ProcessRequest")
            .field("auth_token", &self.auth_token)
            .field("country", &self.country)
            .field("document_type", &self.document_type)
            .field("skip_analysis", &self.skip_analysis)
            .field("images", &ImageSizes(&self.images))
            .field("body_len", &self.body_len)
            .finish()
    }
}

impl fmt::Debug for ProcessRequestBuilder<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let steps: Vec<&str> = self.images.iter().map(|(step, _)| step.as_str()).collect();
        f.debug_struct("ProcessRequestBuilder")
            .field("auth_token", &self.auth_token)
            .field("images", &steps)
            .finish_non_exhaustive()
    }
}

/// The images as `STEP: N bytes`.
struct ImageSizes<'r, 'a>(&'r [(ImageStep, Cow<'a, [u8]>)]);

impl fmt::Debug for ImageSizes<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (step, bytes) in self.0 {
            map.entry(&step.as_str(), &format_args!("{} bytes", bytes.len()));
        }
        map.finish()
    }
}
