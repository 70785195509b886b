//! Cross-crate tests of idenfy-rs: the client, the adapters, the conformance kit and the
//! emulator together; the tests live in `tests/`. The protocol crate's own tests, their fixtures
//! and the shared test oracles are in `crates/idenfy-proto/tests/`, so that
//! `cargo test -p idenfy-proto` runs them without an I/O crate.

/// The README's Rust examples, compiled and run as doctests so the README cannot drift from the
/// API.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;

/// The environment of the proxy tests' child process (`parity_child`, run by
/// `tests/parity_proxy.rs`): which adapter to call with.
pub const CHILD_ADAPTER: &str = "IDENFY_PARITY_ADAPTER";
/// The child's base URL.
pub const CHILD_BASE_URL: &str = "IDENFY_PARITY_BASE_URL";
/// The child's API key.
pub const CHILD_KEY: &str = "IDENFY_PARITY_KEY";
/// The child's API secret.
pub const CHILD_SECRET: &str = "IDENFY_PARITY_SECRET";
/// The connect timeout of the child's transport, in milliseconds (the default one without).
pub const CHILD_CONNECT_TIMEOUT: &str = "IDENFY_PARITY_CONNECT_TIMEOUT_MS";
