//! The conformance kit for [`idenfy`] transports. For now it holds the scripted loopback server
//! the project's transport tests run against ([`server`]), moved out of the workspace's private
//! test crate so that it can be published.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod server;
