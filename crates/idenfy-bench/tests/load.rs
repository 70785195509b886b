#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout
)]
//! The load program's sessions, a few of them through every adapter: each one a token, a
//! completion through the control API, a verified webhook and an approved status.

use idenfy_bench::load::{self, STEPS, Settings};

#[test]
fn a_few_sessions_through_every_adapter_succeed_and_are_timed() {
    let report = load::run(&Settings {
        sessions: 40,
        concurrency: 8,
        ..Settings::default()
    })
    .unwrap();
    println!("{}", report.markdown());
    assert_eq!(report.failures(), Vec::<String>::new());
    assert_eq!(report.adapters.len(), 3);
    for adapter in &report.adapters {
        assert_eq!(adapter.failures.0, 0);
        assert_eq!(adapter.steps.len(), STEPS.len());
        for step in &adapter.steps {
            assert_eq!(step.len(), 40, "{}", adapter.adapter.name());
            assert!(step.windows(2).all(|pair| pair[0] <= pair[1]));
        }
        // Each session lasts at least as long as each of its own steps, so its sorted times
        // dominate every step's sorted times, rank by rank.
        let session = &adapter.steps[4];
        for step in [0, 1, 3] {
            let times = &adapter.steps[step];
            assert!(
                session.iter().zip(times).all(|(whole, part)| whole >= part),
                "{}: {}",
                adapter.adapter.name(),
                STEPS[step]
            );
        }
        assert!(adapter.throughput() > 0.0);
    }
    assert!(
        report
            .markdown()
            .contains("| sessions / failed | 40 / 0 | 40 / 0 | 40 / 0 |")
    );
}
