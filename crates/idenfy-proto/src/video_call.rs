//! Video calls (reference §3.10; R12): starting one for a verification
//! (`POST /api/v2/video-call`) and reading its recordings (`POST /api/v2/video-call-record`).
//! The `VIDEO_CALL_FINISHED` webhook is read by [`crate::webhook`]
//! ([`VideoCallResult`](crate::webhook::VideoCallResult)).

use std::collections::BTreeMap;

use http::{Request, Response};
use serde::Serialize;

use crate::config::Config;
use crate::decode::{self, Hooks, model};
use crate::endpoint::{Endpoint, RetryClass, success_body};
use crate::error::{Error, InternalError, ValidationError};
use crate::retrieval::scan_ref_request;
use crate::secret::Personal;
use crate::types::ScanRef;

/// Starts a video call for a verification (`POST /api/v2/video-call`, R12): the body is
/// `{"scanRef": …}`, with `"photos": true` for a call that also takes photos. The verification's
/// token must be of a video-call type (`VIDEO_CALL`, `VIDEO_CALL_PHOTOS`,
/// `VIDEO_CALL_IDENTIFICATION`). Answers with a [`VideoCallResponse`].
///
/// [`RetryClass::NotIdempotent`] (R9): the request starts a call, so it is sent again only when
/// the connection was never established.
///
/// ```
/// use idenfy_proto::VideoCallRequest;
/// let request = VideoCallRequest::new("9b11acb2-8c27-11e9-9758-309c231b1bac")?.with_photos(true);
/// assert_eq!(
///     request.to_json()?,
///     br#"{"scanRef":"9b11acb2-8c27-11e9-9758-309c231b1bac","photos":true}"#
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct VideoCallRequest {
    #[serde(rename = "scanRef")]
    scan_ref: ScanRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    photos: Option<bool>,
}

impl VideoCallRequest {
    /// The path of the endpoint: `/api/v2/video-call`.
    pub const PATH: &'static str = "/api/v2/video-call";

    /// A video call for the verification `scan_ref` (1 to 40 characters; errors name the field
    /// `scanRef`).
    pub fn new(scan_ref: impl AsRef<str>) -> Result<Self, ValidationError> {
        Ok(Self {
            scan_ref: ScanRef::new(scan_ref.as_ref())?,
            photos: None,
        })
    }

    /// The same request, with `photos` set: whether the call also takes photos.
    #[must_use]
    pub fn with_photos(mut self, photos: bool) -> Self {
        self.photos = Some(photos);
        self
    }

    /// `scanRef`.
    pub fn scan_ref(&self) -> &ScanRef {
        &self.scan_ref
    }

    /// `photos`, if set.
    pub fn photos(&self) -> Option<bool> {
        self.photos
    }

    /// The JSON body as sent.
    pub fn to_json(&self) -> Result<Vec<u8>, Error> {
        serde_json::to_vec(self)
            .map_err(|error| InternalError::new("the request body", error).into())
    }
}

impl Endpoint for VideoCallRequest {
    type Output = VideoCallResponse;

    fn name(&self) -> &'static str {
        "video-call"
    }

    fn retry_class(&self) -> RetryClass {
        RetryClass::NotIdempotent
    }

    fn to_request(&self, config: &Config) -> Result<Request<Vec<u8>>, Error> {
        config.post_json(Self::PATH, self.to_json()?)
    }

    fn parse(&self, response: Response<&[u8]>) -> Result<VideoCallResponse, Error> {
        let body = success_body(&response)?;
        Ok(decode::from_slice::<VideoCallResponseDraft>(body)?)
    }
}

model! {
    /// The answer to a video-call request (reference §3.10): "JSON with a URL which redirects to
    /// the video call". The field's name is not documented: `url` and `redirectUrl` are read,
    /// and [`VideoCallResponse::link`] gives whichever came; everything else is kept in `extra`
    /// (R7). The URL lets its holder join the call, so `Debug` redacts it (R10).
    #[derive(Debug, Clone, Default, PartialEq)]
    #[non_exhaustive]
    pub struct VideoCallResponse / VideoCallResponseDraft (nulls = true) {
        /// `url`: where the person joins the call.
        opt url: Personal<String> = "url",
        /// `redirectUrl`: the same, under the name the token answer uses.
        opt redirect_url: Personal<String> = "redirectUrl",
    }
}

impl Hooks for VideoCallResponseDraft {}

impl VideoCallResponse {
    /// The call's URL: `url`, else `redirectUrl`.
    pub fn link(&self) -> Option<&str> {
        self.url
            .as_ref()
            .or(self.redirect_url.as_ref())
            .map(|url| url.as_str())
    }
}

scan_ref_request! {
    /// Asks for the recordings of a verification's video call (`POST /api/v2/video-call-record`,
    /// reference §3.10, R12); answers with a [`VideoCallRecord`].
    ///
    /// Read-only, so it may be retried (R9).
    VideoCallRecordRequest {
        path: "/api/v2/video-call-record",
        name: "video-call-record",
        retry: RetryClass::ReadOnly,
        output: VideoCallRecord,
        parse: parse_record,
    }
}

fn parse_record(response: Response<&[u8]>) -> Result<VideoCallRecord, Error> {
    let body = success_body(&response)?;
    Ok(decode::from_slice::<VideoCallRecordDraft>(body)?)
}

model! {
    /// The recordings of a video call (reference §3.10): photos by step (`VIDEO_CALL_FRONT`,
    /// `VIDEO_CALL_BACK`, `VIDEO_CALL_FACE`, …) and the videos.
    ///
    /// Read leniently (R7): nothing is required, a `null` photo is kept as `None`. The URLs are
    /// personal data: `Debug` shows the steps only (R10).
    ///
    /// ```
    /// use idenfy_proto::VideoCallRecord;
    /// let record: VideoCallRecord = serde_json::from_str(r#"{
    ///     "photos": {"VIDEO_CALL_FACE": "https://files.example/face.jpg", "VIDEO_CALL_BACK": null},
    ///     "videos": ["https://files.example/call.mp4"]
    /// }"#)?;
    /// assert_eq!(record.photo("VIDEO_CALL_FACE"), Some("https://files.example/face.jpg"));
    /// assert_eq!(record.photo("VIDEO_CALL_BACK"), None);
    /// assert_eq!(record.video_urls().collect::<Vec<_>>(), ["https://files.example/call.mp4"]);
    /// assert!(!format!("{record:?}").contains("files.example"));
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    #[derive(Debug, Clone, Default, PartialEq)]
    #[non_exhaustive]
    pub struct VideoCallRecord / VideoCallRecordDraft (nulls = true) {
        /// `photos`: step → URL of the photo (`None` for `null`).
        opt photos: BTreeMap<String, Option<Personal<String>>> = "photos",
        /// `videos`: URLs of the videos.
        opt videos: Vec<Personal<String>> = "videos",
    }
}

impl Hooks for VideoCallRecordDraft {}

impl VideoCallRecord {
    /// The URL of the photo of `step`; `None` when absent or `null`.
    pub fn photo(&self, step: &str) -> Option<&str> {
        self.photos
            .as_ref()?
            .get(step)?
            .as_ref()
            .map(|url| url.as_str())
    }

    /// The URLs of the videos.
    pub fn video_urls(&self) -> impl Iterator<Item = &str> {
        self.videos
            .iter()
            .flatten()
            .map(|url| url.expose().as_str())
    }
}
