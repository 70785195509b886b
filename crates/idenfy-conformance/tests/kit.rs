#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The kit itself: a transport that does not conform fails, with its cases named; a selection
//! that matches nothing does not pass; a panic ends its case only. (That conforming transports
//! pass is shown by the workspace's `tests/tests/conformance.rs`, which runs the kit against
//! the three adapters, and by `examples/reqwest-transport`.)

use std::collections::HashSet;

use idenfy::TransportError;
use idenfy::http::{Request, Response};
use idenfy_conformance::{CASES, Kit, Report};

/// A blocking transport that never talks to the server: it answers every request itself with
/// `418` (a status the core does not retry, so each case fails at once).
fn teapot(_request: Request<Vec<u8>>) -> Result<Response<Vec<u8>>, TransportError> {
    Ok(Response::builder().status(418).body(Vec::new()).unwrap())
}

fn r5_cases() -> Vec<&'static str> {
    CASES
        .iter()
        .copied()
        .filter(|name| name.starts_with("r5_"))
        .collect()
}

#[test]
fn case_names_are_unique_and_start_with_their_rule() {
    let unique: HashSet<_> = CASES.iter().collect();
    assert_eq!(unique.len(), CASES.len());
    for name in CASES {
        let rule = name.split('_').next().unwrap();
        assert!(
            rule.strip_prefix('r')
                .is_some_and(|number| number.parse::<u8>().is_ok()),
            "{name}"
        );
    }
    assert_eq!(CASES.len(), 29);
}

#[test]
fn a_transport_that_does_not_conform_fails_each_case_by_name() {
    let report = Kit::new().filter("r5_").run_blocking(|| teapot);
    let names: Vec<_> = report.cases().iter().map(|case| case.name()).collect();
    assert_eq!(names, r5_cases());
    assert!(!report.passed());
    assert_eq!(report.failures().count(), names.len());

    let token = report.case("r5_token_success").unwrap();
    let failure = token.failure().unwrap();
    assert!(failure.message().contains("failed: Api("), "{failure}");
    assert!(failure.file().ends_with("cases.rs"), "{failure}");
    assert!(failure.line() > 0);

    let text = report.to_string();
    assert!(text.contains("FAILED r5_token_success"), "{text}");
    assert!(
        text.ends_with("conformance kit: 0 of 6 cases passed, 6 failed"),
        "{text}"
    );
}

#[test]
fn the_further_endpoints_cases_fail_a_transport_that_does_not_conform() {
    for name in [
        "r14_largest_upload_is_sent_whole",
        "r13_listing_gets_each_page_on_the_same_origin_only",
        "r12_reads_are_gets_without_a_body",
        "r12_further_posts_send_their_body_and_read_the_answer",
    ] {
        let report = Kit::new().only(name).run_blocking(|| teapot);
        assert_eq!(report.cases().len(), 1, "{name}");
        assert!(!report.passed(), "{name}");
    }
}

#[test]
#[should_panic(expected = "FAILED r5_status_success")]
fn assert_passed_fails_the_test_naming_the_case() {
    Kit::new()
        .only("r5_status_success")
        .run_blocking(|| teapot)
        .assert_passed();
}

#[test]
fn a_selection_that_matches_nothing_does_not_pass() {
    let report = Kit::new().only("r5_no_such_case").run_blocking(|| teapot);
    assert!(report.cases().is_empty());
    assert!(!report.passed());
    assert!(report.to_string().contains("no case ran"), "{report}");
    assert!(!Report::default().passed());
}

#[test]
fn a_panicking_transport_fails_its_cases_and_the_run_goes_on() {
    let transport = || {
        |_request: Request<Vec<u8>>| async move {
            if true {
                panic!("the transport under test panicked");
            }
            Err::<Response<Vec<u8>>, _>(TransportError::new(idenfy::TransportErrorKind::Other))
        }
    };
    let report = pollster::block_on(Kit::new().filter("r5_").run(transport));
    assert_eq!(report.cases().len(), r5_cases().len());
    for case in report.cases() {
        let failure = case.failure().unwrap();
        assert_eq!(
            failure.message(),
            "panicked: the transport under test panicked",
            "{}",
            case.name()
        );
    }
}
