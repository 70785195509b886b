//! The allocation budgets of the protocol operations, enforced.
//!
//! Each operation the benchmarks measure (`benches/protocol.rs`) runs here with the same inputs
//! (`src/lib.rs`) under a counting global allocator, and the test fails — naming the operation,
//! its budget and its count — when one allocates or reallocates more than its budget. The
//! budgets are the table of `README.md`, "Allocation budgets", compiled in and read here: the
//! one place they are written.
//!
//! The counts are global (every thread's), so this file holds a single test, which runs the
//! operations one after the other; nothing else runs in this test binary meanwhile.
#![allow(
    clippy::expect_used,
    clippy::panic,
    reason = "the inputs and the budgets table are constants: a failure is a bug in this test"
)]

use std::alloc::System;
use std::fmt::Write as _;
use std::hint::black_box;

use idenfy_bench::{
    ERROR_BODY, IDENTIFICATION_EVENT_TYPE, IDENTIFICATION_WEBHOOK, TOKEN_RESPONSE, config,
    full_token_request, minimal_token_request, response, rotation_keys, signing_key,
};
use idenfy_proto::http::StatusCode;
use idenfy_proto::server;
use idenfy_proto::webhook;
use idenfy_proto::{ApiError, Endpoint};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// The README, whose "Allocation budgets" table holds the budgets.
const README: &str = include_str!("../README.md");

/// What one run of an operation asked of the allocator.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Count {
    /// New blocks (`alloc`, `alloc_zeroed`).
    allocations: usize,
    /// Blocks grown or shrunk in place or moved (`realloc`).
    reallocations: usize,
}

/// A row of the budgets table.
#[derive(Debug)]
struct Budget {
    /// `group::benchmark`, as the benchmark is named.
    operation: String,
    /// The most a run may ask.
    most: Count,
}

/// The rows of the README's "Allocation budgets" table: `` | `group::name` | N | N | ``.
fn budgets() -> Vec<Budget> {
    let section = README
        .split("\n## ")
        .find(|section| section.starts_with("Allocation budgets\n"))
        .expect("README.md has an \"Allocation budgets\" section");
    section
        .lines()
        .filter(|line| line.starts_with("| `"))
        .map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let [
                _,
                operation,
                allocations,
                reallocations,
                ordered_allocations,
                ordered_reallocations,
                ..,
            ] = cells[..]
            else {
                panic!("a budget row has an operation and four counts: {line}");
            };
            // A build where serde_json keeps object keys in order (its `preserve_order`
            // feature, which any crate of the build may turn on) holds unknown fields in an
            // `IndexMap`: a few more blocks than a `BTreeMap`. Its budgets are columns of
            // their own.
            let (allocations, reallocations) = if serde_json_preserves_order() {
                (ordered_allocations, ordered_reallocations)
            } else {
                (allocations, reallocations)
            };
            let number = |cell: &str| -> usize {
                cell.parse()
                    .unwrap_or_else(|_| panic!("not a count: {cell:?} in {line}"))
            };
            Budget {
                operation: operation.trim_matches('`').to_owned(),
                most: Count {
                    allocations: number(allocations),
                    reallocations: number(reallocations),
                },
            }
        })
        .collect()
}

/// Whether this build's serde_json keeps the keys of an object in the order written (its
/// `preserve_order` feature), told by what it does.
fn serde_json_preserves_order() -> bool {
    let map: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(r#"{"b": 0, "a": 0}"#).expect("a JSON object");
    map.keys().next().is_some_and(|first| first == "b")
}

/// The most `operation` asks of the allocator in one run, over a few runs after a first one
/// that is not counted (lazily initialized state is built once, as in the benchmarks).
fn measure(operation: &mut dyn FnMut()) -> Count {
    operation();
    let mut most = Count::default();
    for _ in 0..3 {
        let region = Region::new(GLOBAL);
        operation();
        let change = region.change();
        most.allocations = most.allocations.max(change.allocations);
        most.reallocations = most.reallocations.max(change.reallocations);
    }
    most
}

/// An operation of the benchmarks, by its benchmark's name (`group::benchmark`).
type Operation = (&'static str, Box<dyn FnMut()>);

/// Every operation of the benchmarks with the benchmark's inputs: built outside the counted
/// part except where building is what is measured.
fn operations() -> Vec<Operation> {
    let config = config().expect("the bench credentials");
    let minimal = minimal_token_request()
        .build()
        .expect("a valid minimal request");
    let full = full_token_request().build().expect("a valid full request");
    let token_request = minimal.clone();
    let to_request_minimal = (minimal, config.clone());
    let to_request_full = (full, config);
    // The webhook is signed with the last key of the rotation, the one `last_key` holds.
    let sign_key = signing_key().expect("a key");
    let signature = server::sign_webhook(&sign_key, IDENTIFICATION_WEBHOOK);
    let last_key = || [signing_key().expect("a key")];
    let verify_1 = (signature.clone(), last_key());
    let verify_3 = (signature.clone(), rotation_keys().expect("the bench keys"));
    let verify_and_parse = (signature, last_key());
    vec![
        (
            "token_request::build_minimal",
            Box::new(|| {
                black_box(minimal_token_request().build().expect("a valid request"));
            }),
        ),
        (
            "token_request::build_full",
            Box::new(|| {
                black_box(full_token_request().build().expect("a valid request"));
            }),
        ),
        (
            "token_request::to_request_minimal",
            Box::new(move || {
                let (request, config) = &to_request_minimal;
                black_box(black_box(request).to_request(config).expect("a request"));
            }),
        ),
        (
            "token_request::to_request_full",
            Box::new(move || {
                let (request, config) = &to_request_full;
                black_box(black_box(request).to_request(config).expect("a request"));
            }),
        ),
        (
            "response::token_201",
            Box::new(move || {
                let http = black_box(response(StatusCode::CREATED, TOKEN_RESPONSE));
                black_box(token_request.parse(http).expect("a token"));
            }),
        ),
        (
            "response::api_error_400",
            Box::new(|| {
                black_box(ApiError::from_response(
                    black_box(StatusCode::BAD_REQUEST),
                    black_box(ERROR_BODY),
                ));
            }),
        ),
        (
            "webhook_body::sign",
            Box::new(move || {
                black_box(server::sign_webhook(
                    &sign_key,
                    black_box(IDENTIFICATION_WEBHOOK),
                ));
            }),
        ),
        (
            "webhook_body::verify_1_key",
            Box::new(move || {
                let (signature, keys) = &verify_1;
                webhook::verify(black_box(IDENTIFICATION_WEBHOOK), Some(signature), keys)
                    .expect("signed with the key");
            }),
        ),
        (
            "webhook_body::verify_3_keys_last",
            Box::new(move || {
                let (signature, keys) = &verify_3;
                webhook::verify(black_box(IDENTIFICATION_WEBHOOK), Some(signature), keys)
                    .expect("signed with the last key");
            }),
        ),
        (
            "webhook_body::verify_and_parse",
            Box::new(move || {
                let (signature, keys) = &verify_and_parse;
                black_box(
                    webhook::verify_and_parse(
                        black_box(IDENTIFICATION_WEBHOOK),
                        Some(signature),
                        Some(IDENTIFICATION_EVENT_TYPE),
                        keys,
                    )
                    .expect("a verified event"),
                );
            }),
        ),
        (
            "webhook_body::parse_with_event_type",
            Box::new(|| {
                black_box(
                    webhook::parse_unverified(
                        black_box(IDENTIFICATION_WEBHOOK),
                        Some(IDENTIFICATION_EVENT_TYPE),
                    )
                    .expect("an event"),
                );
            }),
        ),
        (
            "webhook_body::parse_inferred",
            Box::new(|| {
                black_box(
                    webhook::parse_unverified(black_box(IDENTIFICATION_WEBHOOK), None)
                        .expect("an event"),
                );
            }),
        ),
    ]
}

#[test]
fn protocol_operations_stay_within_their_allocation_budgets() {
    // The counting allocator is in place: a test that counts nothing would pass vacuously.
    let one_box = measure(&mut || {
        black_box(Box::new(black_box(7_u64)));
    });
    assert_eq!(
        one_box.allocations, 1,
        "the counting allocator is not in use"
    );

    let budgets = budgets();
    let mut operations = operations();
    let mut over = String::new();
    for (name, operation) in &mut operations {
        let Some(budget) = budgets.iter().find(|budget| budget.operation == *name) else {
            panic!("README.md's \"Allocation budgets\" table has no row for `{name}`");
        };
        let count = measure(operation.as_mut());
        for (what, count, most) in [
            ("allocations", count.allocations, budget.most.allocations),
            (
                "reallocations",
                count.reallocations,
                budget.most.reallocations,
            ),
        ] {
            if count > most {
                let _ = writeln!(over, "`{name}`: {what} {count}, budget {most}");
            }
        }
    }
    // A row for an operation that is not measured would be a budget enforced by nothing.
    for budget in &budgets {
        assert!(
            operations.iter().any(|(name, _)| *name == budget.operation),
            "README.md budgets `{}`, which this test does not measure",
            budget.operation
        );
    }
    assert!(
        over.is_empty(),
        "over the allocation budget (README.md, \"Allocation budgets\"):\n{over}"
    );
}
