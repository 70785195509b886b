//! Cross-crate tests of idenfy-rs: the client, the adapters, the conformance kit and the
//! emulator together; the tests live in `tests/`. The protocol crate's own tests, their fixtures
//! and the shared test oracles are in `crates/idenfy-proto/tests/`, so that
//! `cargo test -p idenfy-proto` runs them without an I/O crate.

/// The README's Rust examples, compiled and run as doctests so the README cannot drift from the
/// API.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
