#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The reqwest transport against the conformance kit: every case, on a single-threaded Tokio
//! runtime, as a transport author would run it.

use idenfy::TransportErrorKind;
use idenfy_conformance::{CASES, Kit};
use idenfy_reqwest_example::ReqwestTransport;

#[tokio::test]
async fn the_reqwest_transport_passes_the_conformance_kit() {
    // reqwest reports a failed TLS handshake as a failure of its connector: `Connect`, the
    // request never left. Pinned, so that a change shows.
    let report = Kit::new()
        .handshake_failure(TransportErrorKind::Connect)
        .run(|| ReqwestTransport::new().unwrap())
        .await;
    assert_eq!(report.cases().len(), CASES.len());
    report.assert_passed();
}
