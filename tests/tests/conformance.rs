#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The transport conformance suite (issue 4) against the scripted loopback server: the cases of
//! the conformance kit (`idenfy-conformance`, where they are written once, for every transport)
//! run against each HTTP adapter — `idenfy-hyper`, `idenfy-isahc` and `idenfy-blocking` (ureq).
//!
//! Each case is its own `#[test]`, in one module per adapter, so the tests are named
//! `hyper::r5_token_success`, `isahc::r5_token_success`, `blocking::r5_token_success`, …
//! (`cargo test --test conformance hyper::` runs one adapter, `cargo test --test conformance
//! r9_` one rule), and a failure names its case and its check. The async adapters run inside a
//! multi-threaded Tokio runtime of their own per case, the blocking one directly.
//!
//! The kit's expectations are pinned to what each adapter reports, so that a change shows: a
//! failed TLS handshake is `Connect` for all three (ureq's because the adapter's own agent marks
//! every failure of its connector chain, the handshake included, as a set-up failure). Every
//! adapter pools connections.
//!
//! About that TLS case: the TLS stacks get their crypto provider passed explicitly (hyper,
//! ureq) or choose it themselves (curl), so it holds with rustls' ring and aws-lc-rs features
//! both on, when rustls cannot pick a process default (see this crate's dev-dependencies).
//! isahc's curl installs aws-lc-rs as the process default on its first TLS connection, which
//! would hide a regression of the others in this process; tests start in name order, so
//! `blocking::` and `hyper::` start it long before `isahc::` does.
//!
//! The lifecycle against a stateful server, and the faults the emulator injects, are in
//! `conformance_emulator.rs`.

use idenfy::{Transport, TransportErrorKind};
use idenfy_conformance::{CASES, Kit, Report};

/// Runs `kit` on the async transport `make` builds, inside a multi-threaded Tokio runtime of
/// its own.
fn in_runtime<T: Transport>(kit: &Kit, make: impl Fn() -> T) -> Report {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let report = runtime.block_on(kit.run(make));
    // Connections left hanging by a misbehaving server must not hold the test up.
    runtime.shutdown_background();
    report
}

/// Case `name` on `idenfy-hyper`, on Tokio.
fn hyper(name: &str) {
    let kit = Kit::new()
        .only(name)
        .handshake_failure(TransportErrorKind::Connect);
    in_runtime(&kit, || idenfy_hyper::HyperTransport::new().unwrap()).assert_passed();
}

/// Case `name` on `idenfy-isahc` (runtime-agnostic), driven by a Tokio runtime here.
fn isahc(name: &str) {
    let kit = Kit::new()
        .only(name)
        .handshake_failure(TransportErrorKind::Connect);
    in_runtime(&kit, || idenfy_isahc::IsahcTransport::new().unwrap()).assert_passed();
}

/// Case `name` on `idenfy-blocking` (ureq) with the blocking client.
fn blocking(name: &str) {
    Kit::new()
        .only(name)
        .handshake_failure(TransportErrorKind::Connect)
        .run_blocking(|| idenfy_blocking::UreqTransport::new().unwrap())
        .assert_passed();
}

/// One `#[test]` per case and adapter, and the list of the cases named, which must be the
/// kit's whole list (`every_case_of_the_kit_runs_here`).
macro_rules! kit_cases {
    (adapters: [$($adapter:ident),* $(,)?], cases: $cases:tt $(,)?) => {
        const LISTED: &[&str] = kit_cases!(@names $cases);
        $( kit_cases!(@adapter $adapter, $cases); )*
    };
    (@names [$($case:ident),* $(,)?]) => { &[$(stringify!($case)),*] };
    (@adapter $adapter:ident, [$($case:ident),* $(,)?]) => {
        mod $adapter {
            $(
                #[test]
                fn $case() {
                    super::$adapter(stringify!($case));
                }
            )*
        }
    };
}

kit_cases! {
    adapters: [hyper, isahc, blocking],
    cases: [
        r5_token_success,
        r5_status_success,
        r5_data_success,
        r5_files_success,
        r5_delete_success_with_empty_body,
        r5_pdf_success_bytes_unchanged,
        r1_calls_share_a_kept_alive_connection,
        r9_slow_answer_within_the_timeout_succeeds,
        r6_every_error_identifier_is_typed,
        r6_unauthorized_with_and_without_body,
        r6_never_answering_server_times_out,
        r6_stalled_body_times_out,
        r6_oversized_body_is_refused,
        r6_oversized_body_is_not_read_to_the_end,
        r6_large_body_under_the_cap_is_delivered,
        r6_body_cap_is_exact_to_the_byte,
        r6_reset_mid_response_is_io,
        r6_truncated_body_is_io,
        r6_https_to_a_plain_text_server_fails_cleanly,
        r9_token_is_sent_once_on_503,
        r9_status_is_retried_after_two_503s,
        r9_status_is_retried_after_a_reset,
        r9_token_is_not_retried_after_a_reset,
        r9_connection_closed_while_idle_is_not_reused,
        r9_refused_connection_is_connect_and_token_is_retried,
        r14_largest_upload_is_sent_whole,
        r13_listing_gets_each_page_on_the_same_origin_only,
        r12_reads_are_gets_without_a_body,
        r12_further_posts_send_their_body_and_read_the_answer,
    ]
}

/// Every case of the kit has its tests here, and no name here is a case the kit lacks (which
/// would select nothing and fail anyway).
#[test]
fn every_case_of_the_kit_runs_here() {
    assert_eq!(LISTED, CASES);
}

/// The whole kit in one run on a single-threaded runtime, as a transport author's
/// `#[tokio::test]` runs it: the kit never blocks the thread the transport's connection tasks
/// need (its waits run on threads of its own), so the cases that wait for the transport to give
/// a connection up pass there too.
#[tokio::test]
async fn hyper_passes_the_whole_kit_on_a_current_thread_runtime() {
    let report = Kit::new()
        .handshake_failure(TransportErrorKind::Connect)
        .run(|| idenfy_hyper::HyperTransport::new().unwrap())
        .await;
    assert_eq!(report.cases().len(), CASES.len());
    report.assert_passed();
}
