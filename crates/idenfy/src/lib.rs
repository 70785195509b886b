//! A client for the iDenfy identity-verification (KYC) API, generic over the HTTP transport.
//!
//! [`Client`] drives the sans-IO protocol crate [`idenfy_proto`] over any [`Transport`]: an
//! adapter crate (`idenfy-hyper`, `idenfy-isahc`, `idenfy-blocking`), your own HTTP stack, or a
//! closure — which is how the tests below talk to a server of their own.
//!
//! # What is where
//!
//! The protocol's types are defined, and documented, in [`idenfy_proto`]. What a client's user
//! works with — configuration, requests and responses, the value types and enums they hold, the
//! one [`Error`] type, webhooks, [`http`] — is re-exported here at the root, so `idenfy::…` is
//! enough. The sans-IO retry decision that the client drives for you (`RetryDecision`,
//! `AttemptOutcome`, …) and the emulator's error bodies (`ErrorBody`) stay in the protocol crate,
//! which is re-exported whole as [`idenfy_proto`].
//!
//! ```
//! use idenfy::http::{Request, Response};
//! use idenfy::{Client, Config, Credentials, TokenRequest, TransportError};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // A closure is a transport: here it plays iDenfy.
//! let transport = |request: Request<Vec<u8>>| async move {
//!     assert_eq!(request.uri().path(), "/api/v2/token");
//!     Ok::<_, TransportError>(
//!         Response::builder()
//!             .status(201)
//!             .body(br#"{"authToken":"AbCdEfGhIjKlMnOpQrStUvWxYz","scanRef":"3af4c9a4-1d2f-4b8e-9c61-0a2b3c4d5e6f"}"#.to_vec())
//!             .unwrap(),
//!     )
//! };
//! let client = Client::with_transport(Config::new(Credentials::new("key", "secret")?), transport);
//!
//! let request = TokenRequest::builder("customer-42").build()?;
//! let token = pollster::block_on(client.create_token(&request))?;
//! println!("send the person to {}", client.redirect_url(&token.auth_token));
//! # Ok(())
//! # }
//! ```
//!
//! # The rest of the KYC API
//!
//! Both clients — and so the three adapters — have a method per endpoint (rules R12–R14 of
//! [`idenfy_proto::rules`]): [`create_token`](Client::create_token), `status`, `data`, `files`,
//! `delete`, `pdf`; [`process`](Client::process) (direct processing: upload the images
//! yourself); [`identification_page`](Client::identification_page), and the whole listing as
//! a stream ([`Client::identifications`]) or an iterator
//! ([`BlockingClient::identifications`]); [`request_information`](Client::request_information);
//! face authentication ([`face_auth_status`](Client::face_auth_status),
//! [`face_auth_token`](Client::face_auth_token), [`face_auth_sessions`](Client::face_auth_sessions),
//! [`face_auth_session`](Client::face_auth_session)); video calls
//! ([`video_call`](Client::video_call), [`video_call_record`](Client::video_call_record)); and the
//! legacy [`full_status`](Client::full_status). Any other [`Endpoint`] goes through `send`.
//!
//! ```
//! use idenfy::http::{Request, Response};
//! use idenfy::{
//!     AuthToken, Client, Config, Credentials, FaceAuthTokenRequest, ImageStep, ProcessRequest,
//!     RequestInformationRequest, TransportError, VideoCallRequest,
//! };
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! const SCAN_REF: &str = "3af4c9a4-1d2f-4b8e-9c61-0a2b3c4d5e6f";
//! let transport = |request: Request<Vec<u8>>| async move {
//!     let body: &[u8] = match request.uri().path() {
//!         "/api/v2/process" => b"",
//!         "/identification/facial-auth/3af4c9a4-1d2f-4b8e-9c61-0a2b3c4d5e6f/check-status/" => {
//!             br#"{"type":"AUTHENTICATION"}"#
//!         }
//!         "/partner/authentication-info" => br#"{"authToken":"FaceAuthT0kenAbc"}"#,
//!         "/kyc/identifications/3af4c9a4-1d2f-4b8e-9c61-0a2b3c4d5e6f/request-information/" => {
//!             br#"{"tokenString":"Res0bmitT0ken","sessionUrl":"https://ui.idenfy.com/?authToken=Res0bmitT0ken"}"#
//!         }
//!         "/api/v2/video-call" => br#"{"url":"https://video.example/join/abc"}"#,
//!         _ => br#"{"face_match_result":"FACE_MATCH","manual_face_match_result":""}"#,
//!     };
//!     Ok::<_, TransportError>(Response::new(body.to_vec()))
//! };
//! let client = Client::with_transport(Config::new(Credentials::new("key", "secret")?), transport);
//!
//! pollster::block_on(async {
//!     // Direct processing: the images (here in memory; `image_from_reader` reads a file) are
//!     // checked now and base64-encoded straight into the body when it is sent.
//!     let front = b"\xFF\xD8\xFF\xE0 a JPEG file";
//!     let face = b"\x89PNG\r\n\x1A\n a PNG file";
//!     let upload = ProcessRequest::builder(&AuthToken::new("AbCdEfGhIjKlMnOpQrStUvWxYz"), "LT")
//!         .image(ImageStep::Front, &front[..])
//!         .image(ImageStep::Face, &face[..])
//!         .build()?;
//!     client.process(&upload).await?;
//!
//!     // A returning person authenticates by face.
//!     if client.face_auth_status(SCAN_REF).await?.can_authenticate() {
//!         let token = client
//!             .face_auth_token(&FaceAuthTokenRequest::builder(SCAN_REF).build()?)
//!             .await?;
//!         assert_eq!(token.auth_token.expose_secret(), "FaceAuthT0kenAbc");
//!     }
//!
//!     // Ask for more information; the person re-submits in the new session.
//!     let reopened = client
//!         .request_information(&RequestInformationRequest::builder(SCAN_REF).lifetime(86_400).build()?)
//!         .await?;
//!     assert!(reopened.session_url.is_some());
//!
//!     let call = client.video_call(&VideoCallRequest::new(SCAN_REF)?).await?;
//!     assert_eq!(call.link(), Some("https://video.example/join/abc"));
//!
//!     let legacy = client.full_status(SCAN_REF).await?;
//!     assert_eq!(legacy.manual_face_match_result, None); // "" reads as absent
//!     Ok::<_, Box<dyn std::error::Error>>(())
//! })?;
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

/// Emits a `tracing` event at debug level when the `tracing` feature is on; nothing otherwise.
/// Events carry names, numbers and statuses only: never a secret, a header value or a body.
macro_rules! trace {
    ($($arg:tt)*) => {{
        #[cfg(feature = "tracing")]
        {
            tracing::debug!($($arg)*);
        }
    }};
}

/// The design notes of idenfy-rs, shipped with the crate so that they are on docs.rs next to
/// the API they describe. The normative rules they cite are `idenfy_proto::rules`
/// ([`idenfy_proto::rules`]).
pub mod manual {
    /// The architecture: the crates and their dependencies, the decoding engine, retries and
    /// timeouts (R9), the adapters and their parity table, the emulator, the CLI, fuzzing and
    /// benchmarks — and, for each, the decisions taken and why. (`ARCHITECTURE.md` of the
    /// repository.)
    pub mod architecture {
        #![doc = include_str!("../ARCHITECTURE.md")]
    }
}

#[macro_use]
mod methods;

mod blocking;
mod call;
mod client;
mod listing;
mod policy;
mod race;
mod transport;

pub use blocking::BlockingClient;
pub use client::Client;
pub use policy::{
    CallOptions, DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT,
};
#[cfg(not(target_family = "wasm"))]
pub use transport::default_sleep;
pub use transport::{AttemptLimits, BlockingTransport, DefaultTransport, Transport};

/// The protocol crate, whole: everything this crate builds on, including what is not
/// re-exported at the root.
pub use idenfy_proto;

/// The traits of the listing's stream ([`Client::identifications`]), from `futures-core`: bring
/// `futures::StreamExt` (or `futures-lite`'s) for `next().await` and the other adapters.
#[doc(no_inline)]
pub use futures_core::{FusedStream, Stream};

// What a client's user needs, by name (never a glob: a name defined here and in the protocol
// crate is a compile error, not a silent shadowing). Documented once, in `idenfy_proto`.
#[doc(no_inline)]
pub use idenfy_proto::{
    AdditionalStepsStatus, Address, AgeGroup, AmlSuspicion, ApiError, ApiSecret, AuthToken,
    ClientId, Config, ConfigBuilder, CountryCode, Credentials, DEFAULT_BASE_URL,
    DEFAULT_USER_AGENT, DataRequest, DataResponse, Date, DecodeError, DecodeErrorKind,
    DeleteRequest, DocumentNumber, DocumentSex, DocumentStatus, DocumentType, DummyStatus,
    Endpoint, Error, ErrorIdentifier, ErrorMessage, EventType, ExpirationThreshold, ExternalRef,
    ExtraFields, FaceStatus, FileUrls, FilesRequest, FraudTag, IFRAME_BASE_URL, IdentificationData,
    InternalError, Locale, MismatchTag, OverallStatus, Pdf, PdfRequest, PersonName, Personal,
    PersonalNumber, Platform, RetryClass, RetryPolicy, RiskLevel, Rule, ScanRef, ServiceGroupType,
    ServiceStatus, Sex, StatusRequest, StatusResponse, SuspicionReason, TokenRequest,
    TokenRequestBuilder, TokenResponse, TokenType, TransportError, TransportErrorKind,
    ValidationError, VerificationStatus, WebUrl, http, iframe_url, webhook,
};

// The further endpoints (R12–R14), by name as well.
#[doc(no_inline)]
pub use idenfy_proto::{
    FaceAuthMethod, FaceAuthSession, FaceAuthSessionRequest, FaceAuthSessions,
    FaceAuthSessionsRequest, FaceAuthStatus, FaceAuthStatusRequest, FaceAuthTokenRequest,
    FaceAuthTokenRequestBuilder, FaceAuthTokenResponse, FaceAuthType, FullStatus, FullStatusClient,
    FullStatusDocument, FullStatusRequest, Identification, IdentificationPage,
    IdentificationsRequest, IdentificationsRequestBuilder, ImageFormat, ImageStep, MAX_IMAGE_BYTES,
    MAX_PROCESS_BODY_BYTES, ProcessRequest, ProcessRequestBuilder, RequestInformationRequest,
    RequestInformationRequestBuilder, RequestInformationResponse, VideoCallRecord,
    VideoCallRecordRequest, VideoCallRequest, VideoCallResponse,
};
