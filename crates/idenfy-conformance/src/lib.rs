//! The conformance kit for [`idenfy`] transports: the suite the project's own adapters
//! (`idenfy-hyper`, `idenfy-isahc`, `idenfy-blocking`) pass, runnable against **your**
//! [`Transport`](idenfy::Transport) or [`BlockingTransport`](idenfy::BlockingTransport).
//!
//! A transport only moves bytes, but it decides what the core can promise: that a call ends
//! within its timeout, that an oversized answer is refused without being read to its end, and
//! that a token request — which costs a credit — is never sent twice (R9 of the project's
//! rules: a failure is `Connect` only when the request certainly never reached the server),
//! and that every endpoint's request goes out as the rules write it: a `GET` with no body, an
//! upload of 18 MB byte for byte (R12–R14).
//! The kit checks exactly that, over real loopback sockets, against a [scripted
//! server](server::TestServer) that answers, delays, never answers, stalls, resets, truncates
//! and oversizes on cue. Each case drives your transport through the real client
//! ([`idenfy::Client`] or [`idenfy::BlockingClient`]) and checks what the client returns and
//! what the server saw.
//!
//! ```no_run
//! # struct MyTransport;
//! # impl MyTransport { fn new() -> Self { MyTransport } }
//! # impl idenfy::Transport for MyTransport {
//! #     async fn send(&self, _: idenfy::http::Request<Vec<u8>>)
//! #         -> Result<idenfy::http::Response<Vec<u8>>, idenfy::TransportError> {
//! #         Err(idenfy::TransportError::new(idenfy::TransportErrorKind::Other))
//! #     }
//! # }
//! // In a test of your crate: `#[tokio::test] async fn conforms() { … }`, or any executor.
//! # async fn conforms() {
//! let report = idenfy_conformance::run(|| MyTransport::new()).await;
//! report.assert_passed(); // panics listing each failed case and why
//! # }
//! ```
//!
//! A blocking transport runs with [`run_blocking`], no runtime needed. [`Kit`] selects cases
//! (by name prefix or one by name) and sets the expectations the rules leave open: the error
//! kind of a failed TLS handshake, and whether consecutive calls must share a connection.
//!
//! # How it runs
//!
//! - The cases run one after another on the caller's executor. The scripted server lives on
//!   threads of its own, and whatever the kit waits for (a pause, the server's end of a
//!   stream) it waits for on a short-lived thread of its own, so any executor works — a
//!   single-threaded one too, with the transport's background tasks running meanwhile.
//! - The kit never spawns the transport's futures, so it asks no `Send` of them, as the
//!   `Transport` trait itself does not.
//! - A case returns its first failed check as a [`Failure`]; a case that panics is caught and
//!   reported as failed; the other cases still run. Nothing in the kit panics but
//!   [`Report::assert_passed`], on purpose.
//! - Every socket is on `127.0.0.1`; every wait is bounded. The suite takes a few seconds, most
//!   of them in the timeout cases.
//!
//! # What it does not cover
//!
//! Cases that need a server with state (a verification's lifecycle, injected faults, signed
//! webhooks) run against `idenfy-emulator` in the project's own test suite; they would make this
//! crate depend on a Tokio server stack that a transport author may not use.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

#[macro_use]
mod check;

mod cases;
mod exec;
mod kit;
mod report;
pub mod server;

pub use cases::CASES;
pub use kit::{Kit, run, run_blocking};
pub use report::{CaseReport, Failure, Report};
