//! The iDenfy identity-verification API as pure data: build requests, validate them, parse
//! responses — with no I/O.
//!
//! `idenfy-proto` is the sans-IO core of [idenfy-rs]. It knows every rule of the protocol and
//! nothing about sockets, runtimes or clocks. Every API operation is a value implementing
//! [`Endpoint`]: [`Endpoint::to_request`] turns it into an [`http::Request<Vec<u8>>`] and
//! [`Endpoint::parse`] turns the [`http::Response`] into a typed result. Whatever moves the bytes
//! (the `idenfy` client with one of its adapters, or your own code) only has to carry them.
//!
//! # The one contract
//!
//! *An invalid request value cannot exist, and no response bytes can make this crate panic.*
//! Requests are validated when they are built (the builder's `build()` returns a
//! [`ValidationError`] naming the wire field and the rule), responses are parsed leniently,
//! field by field (unknown fields and unknown enum values kept, `null` accepted for anything
//! optional, numbers where strings are expected and the reverse, and a value of another type
//! kept raw in the result's `extra` — see [`ExtraFields::fallbacks`] — while every other field
//! still decodes), and every failure is a typed error. The public `Deserialize` impls are the
//! same decoder, so `serde_json::from_slice` into the public types accepts every payload the
//! parse functions accept.
//!
//! # Example
//!
//! ```
//! use idenfy_proto::{Config, Credentials, Endpoint, TokenRequest};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let config = Config::new(Credentials::new("my-api-key", "my-api-secret")?);
//! let request = TokenRequest::builder("customer-42")
//!     .first_name("Birute")
//!     .last_name("Basanaviciene")
//!     .locale("lt")
//!     .build()?;
//!
//! let http_request = request.to_request(&config)?;
//! assert_eq!(http_request.uri(), "https://ivs.idenfy.com/api/v2/token");
//!
//! // ... send it with any HTTP client, then parse what came back:
//! let response = http::Response::builder()
//!     .status(201)
//!     .body(&br#"{"authToken":"LEWCd6xHTW2auHrst9MEqZN8tU","scanRef":"9b11acb2-8c27-11e9-9758-309c231b1bac","clientId":"customer-42"}"#[..])?;
//! let token = request.parse(response)?;
//! assert_eq!(token.scan_ref.as_str(), "9b11acb2-8c27-11e9-9758-309c231b1bac");
//! let redirect = config.redirect_url(&token.auth_token);
//! assert!(redirect.starts_with("https://ivs.idenfy.com/api/v2/redirect?authToken="));
//! # Ok(())
//! # }
//! ```
//!
//! # Rules
//!
//! The crate implements the normative rules R1–R14 of idenfy-rs, which ship with it: the
//! [`rules`] page (the design notes of the whole workspace are `idenfy::manual`). The item documentation names the rule it implements. In short: R1 transport ([`Config`]), R2/R3 the
//! token request ([`TokenRequestBuilder`]), R4 the token response ([`TokenResponse`]), R5 the
//! other endpoints ([`StatusRequest`], [`DataRequest`], [`FilesRequest`], [`DeleteRequest`],
//! [`PdfRequest`]) and the hosted-UI URLs ([`Config::redirect_url`], [`iframe_url`]), R6 errors
//! ([`ApiError`]), R7 lenient parsing, R8 webhooks ([`webhook`]: signatures and events), R9 which
//! calls may be retried ([`RetryClass`]) and after how long ([`RetryPolicy::decide`], a pure
//! function of the outcome, the attempt, the time left and a random draw), R10 secrets and
//! personal data ([`ApiSecret`], [`AuthToken`], [`Personal`]), R11 runtimes (no clock, no
//! thread: time and randomness are arguments), R12 the further endpoints — direct processing
//! ([`ProcessRequest`]), the listing ([`IdentificationsRequest`]), requests for information
//! ([`RequestInformationRequest`]), face authentication ([`FaceAuthStatusRequest`],
//! [`FaceAuthTokenRequest`], [`FaceAuthSessionsRequest`], [`FaceAuthSessionRequest`]), video calls
//! ([`VideoCallRequest`], [`VideoCallRecordRequest`]) and the legacy full status
//! ([`FullStatusRequest`]) —, R13 pagination ([`IdentificationPager`]), R14 uploads
//! ([`ProcessRequestBuilder`], [`MAX_IMAGE_BYTES`], [`MAX_PROCESS_BODY_BYTES`]).
//!
//! # Webhooks
//!
//! ```
//! use idenfy_proto::webhook::{self, WebhookKey};
//!
//! let key = WebhookKey::new("signing-key-from-the-dashboard")?;
//! let body = br#"{"scanRef":"7c0e1f9a","clientId":42,"final":true,"status":{"overall":"APPROVED"}}"#;
//! let signature = idenfy_proto::server::sign_webhook(&key, body); // what iDenfy sends
//!
//! // In the handler: verify the raw bytes first; only then is there an event.
//! let event = webhook::verify_and_parse(body, Some(&signature), None, &[key])?;
//! assert!(event.is_final());
//! assert_eq!(event.client_id(), Some("42"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! [idenfy-rs]: https://github.com/idenfy-rs/idenfy-rs
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod rules {
    #![doc = include_str!("docs/rules.md")]
}

mod config;
mod country;
mod decode;
mod depth;
mod endpoint;
mod enums;
mod error;
mod extra;
mod face_auth;
mod full_status;
mod identifications;
mod model;
mod path;
mod process;
mod retrieval;
mod retry;
mod secret;
#[cfg(test)]
mod sentinel_scan;
#[cfg(test)]
mod sentinels;
pub mod server;
mod token;
mod types;
mod urls;
mod video_call;
pub mod webhook;

pub use config::{Config, ConfigBuilder, Credentials, DEFAULT_BASE_URL, DEFAULT_USER_AGENT};
pub use endpoint::{Endpoint, RetryClass};
pub use enums::{
    AdditionalStepsStatus, AgeGroup, AmlSuspicion, DocumentSex, DocumentStatus, DocumentType,
    DummyStatus, ErrorIdentifier, EventType, ExpirationThreshold, FaceStatus, FraudTag,
    MismatchTag, OverallStatus, Platform, RiskLevel, ServiceGroupType, ServiceStatus, Sex,
    SuspicionReason, TokenType,
};
pub use error::{
    ApiError, DecodeError, DecodeErrorKind, Error, ErrorMessage, InternalError, Rule,
    TransportError, ValidationError,
};
pub use extra::ExtraFields;
pub use face_auth::{
    FaceAuthMethod, FaceAuthSession, FaceAuthSessionRequest, FaceAuthSessions,
    FaceAuthSessionsRequest, FaceAuthStatus, FaceAuthStatusRequest, FaceAuthTokenRequest,
    FaceAuthTokenRequestBuilder, FaceAuthTokenResponse, FaceAuthType,
};
pub use full_status::{FullStatus, FullStatusClient, FullStatusDocument, FullStatusRequest};
pub use identifications::{
    Identification, IdentificationPage, IdentificationPager, IdentificationsRequest,
    IdentificationsRequestBuilder, RequestInformationRequest, RequestInformationRequestBuilder,
    RequestInformationResponse,
};
pub use model::{IdentificationData, VerificationStatus};
pub use process::{
    ImageFormat, ImageStep, MAX_IMAGE_BYTES, MAX_PROCESS_BODY_BYTES, ProcessRequest,
    ProcessRequestBuilder,
};
pub use retrieval::{
    DataRequest, DataResponse, DeleteRequest, FileUrls, FilesRequest, Pdf, PdfRequest,
    StatusRequest, StatusResponse,
};
pub use retry::{
    AttemptOutcome, RetryDecision, RetryPolicy, StopReason, TransportErrorKind,
    is_retryable_status, retry_after,
};
pub use secret::{ApiSecret, AuthToken, Personal};
pub use token::{TokenRequest, TokenRequestBuilder, TokenResponse};
pub use types::{
    Address, ClientId, CountryCode, Date, DocumentNumber, ExternalRef, Locale, PersonName,
    PersonalNumber, ScanRef, WebUrl,
};
pub use urls::{IFRAME_BASE_URL, iframe_url};
pub use video_call::{
    VideoCallRecord, VideoCallRecordRequest, VideoCallRequest, VideoCallResponse,
};

/// The `http` crate this crate speaks, re-exported so that users need not pin it themselves.
pub use http;
