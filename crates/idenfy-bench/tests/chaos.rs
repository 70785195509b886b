#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout
)]
//! A small chaos run through every adapter, asserting the invariants the `chaos` program
//! asserts at volume, and the same run with a deliberate defect, to show that the checks notice
//! one.

use std::time::Duration;

use idenfy_bench::chaos::{self, Sabotage, Settings};
use idenfy_bench::rig::Adapter;

/// A few hundred calls per adapter with many faults (30 % of requests and of deliveries), so
/// that every kind occurs, on a short budget so that the stalls stay short.
fn small() -> Settings {
    Settings {
        tokens: 200,
        statuses: 200,
        concurrency: 8,
        rate: 0.3,
        receiver_rate: 0.3,
        seed: 7,
        budget: Duration::from_secs(4),
        attempt_timeout: Duration::from_millis(700),
        stall: Duration::from_millis(900),
        // Scheduling slack on a busy machine running a debug build; the client keeps the
        // budget itself, so this only bounds how late its result may be noticed.
        tolerance: Duration::from_secs(1),
        ..Settings::default()
    }
}

#[test]
fn a_small_chaos_run_holds_every_invariant() {
    let settings = small();
    let report = chaos::run(&settings).unwrap();
    println!("{}", report.markdown());
    assert_eq!(report.violations(), Vec::<String>::new());
    assert_eq!(report.adapters.len(), 3);
    let limit = settings.budget + settings.tolerance;
    for adapter in &report.adapters {
        let name = adapter.adapter.name();
        // Every call returned, within its budget.
        assert_eq!(adapter.tokens.calls, 200, "{name}");
        assert_eq!(adapter.statuses.calls, 200, "{name}");
        assert_eq!(adapter.tokens.outcomes.values().sum::<u64>(), 200, "{name}");
        assert!(adapter.tokens.max_time <= limit, "{name}");
        assert!(adapter.statuses.max_time <= limit, "{name}");
        // Faults of every kind happened, and some calls failed because of them while most
        // succeeded.
        assert!(adapter.kinds_never_hit.is_empty(), "{name}");
        assert!(adapter.tokens.faults.total() > 0 && adapter.statuses.faults.total() > 0);
        assert!(
            adapter.tokens.outcomes.get("ok").copied().unwrap_or(0) > 100,
            "{name}"
        );
        assert!(
            adapter.tokens.outcomes.len() > 1,
            "{name}: no token call failed"
        );
        // No clientId holds two tokens; each returned token is the one held.
        assert_eq!(adapter.tokens_per_client[2], 0, "{name}");
        assert_eq!(adapter.token_mismatches, 0, "{name}");
        assert_eq!(adapter.status_mismatches, 0, "{name}");
        // The receiver's faults caused repeats, which de-duplication dropped; nothing is lost.
        assert!(adapter.receiver.failed_after_recording > 0, "{name}");
        assert!(adapter.receiver.duplicates > 0, "{name}");
        assert_eq!(
            adapter.receiver.unique as usize, adapter.webhooks_expected,
            "{name}"
        );
        assert_eq!(
            (
                adapter.webhooks_lost,
                adapter.webhooks_duplicated,
                adapter.webhooks_unexpected
            ),
            (0, 0, 0),
            "{name}"
        );
    }
    let table = report.markdown();
    assert!(
        table.contains("| verdict | pass | pass | pass |"),
        "{table}"
    );

    // A late call is a violation (the check reads the counts the run made).
    let mut late = report.clone();
    late.adapters[0].statuses.late = 1;
    assert!(
        late.violations()
            .iter()
            .any(|violation| violation.contains("longer than their budget")),
        "{:?}",
        late.violations()
    );
}

#[test]
fn the_run_notices_a_client_that_retries_token_creation() {
    let settings = Settings {
        adapters: vec![Adapter::Hyper],
        tokens: 300,
        statuses: 20,
        sabotage: Some(Sabotage::RetryTokens),
        ..small()
    };
    let report = chaos::run(&settings).unwrap();
    let adapter = &report.adapters[0];
    assert!(adapter.tokens_per_client[2] > 0, "{}", report.markdown());
    assert!(
        report
            .violations()
            .iter()
            .any(|violation| violation.contains("two tokens or more")),
        "{:?}",
        report.violations()
    );
}

#[test]
fn the_run_notices_a_receiver_that_does_not_deduplicate() {
    let settings = Settings {
        adapters: vec![Adapter::Blocking],
        tokens: 80,
        statuses: 20,
        sabotage: Some(Sabotage::NoDedup),
        ..small()
    };
    let report = chaos::run(&settings).unwrap();
    let adapter = &report.adapters[0];
    assert!(adapter.webhooks_duplicated > 0, "{}", report.markdown());
    assert!(
        report
            .violations()
            .iter()
            .any(|violation| violation.contains("delivered twice")),
        "{:?}",
        report.violations()
    );
}
