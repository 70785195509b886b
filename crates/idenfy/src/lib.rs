//! A client for the iDenfy identity-verification (KYC) API, generic over the HTTP transport.
//!
//! [`Client`] drives the sans-IO protocol crate [`idenfy_proto`] (re-exported here whole) over
//! any [`Transport`]: an adapter crate (`idenfy-hyper`, `idenfy-isahc`, `idenfy-blocking`), your
//! own HTTP stack, or a closure — which is how the tests below talk to a server of their own.
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

#[macro_use]
mod methods;

mod blocking;
mod call;
mod client;
mod policy;
mod race;
mod transport;

pub use blocking::BlockingClient;
pub use client::Client;
pub use policy::{
    CallOptions, DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT, RetryPolicy,
};
#[cfg(not(target_family = "wasm"))]
pub use transport::default_sleep;
pub use transport::{
    AttemptLimits, BlockingTransport, DefaultTransport, Transport, TransportError,
    TransportErrorKind,
};

pub use idenfy_proto::*;
