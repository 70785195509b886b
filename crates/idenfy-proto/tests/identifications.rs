#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Test code indexes and slices known fixtures and outputs: a bad bound is a failed test.
#![allow(clippy::indexing_slicing, clippy::string_slice)]
//! The listing of identifications and requests for information (R12, R13): how the requests are
//! built and checked, how pages are read (R7), and how the pager follows `next` — only on the
//! configured origin, never in a loop, never past an error.

mod support;

use idenfy_proto::http::header::{AUTHORIZATION, CONTENT_TYPE};
use idenfy_proto::http::{Method, Response};
use idenfy_proto::{
    Config, Credentials, DecodeError, DecodeErrorKind, Endpoint, Error, IdentificationPage,
    IdentificationPager, IdentificationsRequest, OverallStatus, RequestInformationRequest,
    RequestInformationResponse, RetryClass, Rule,
};
use proptest::prelude::*;
use serde_json::{Value, json};
use support::MULTIBYTE;

const PAGE_1: &[u8] = include_bytes!("fixtures/endpoints/identifications_page_1.json");
const PAGE_ODD: &[u8] = include_bytes!("fixtures/endpoints/identifications_page_odd.json");
const PAGE_UNREADABLE: &[u8] =
    include_bytes!("fixtures/endpoints/identifications_page_unreadable.json");

const SCAN_REF: &str = "4f1c2a9e-0b7d-4c3e-9a55-6d2e8f1b3c70";

fn config() -> Config {
    Config::new(Credentials::new("partner-key", "partner-secret").unwrap())
}

fn config_at(base: &str) -> Config {
    Config::builder(Credentials::new("partner-key", "partner-secret").unwrap())
        .base_url(base)
        .build()
        .unwrap()
}

fn response(status: u16, body: &[u8]) -> Response<&[u8]> {
    Response::builder().status(status).body(body).unwrap()
}

/// Decodes `application/x-www-form-urlencoded` text: `+` is a space, `%XX` a byte (a second
/// opinion on the crate's encoding, written here).
fn form_decode(text: &str) -> Vec<(String, String)> {
    fn decode(part: &str) -> String {
        let bytes = part.as_bytes();
        let mut out = Vec::new();
        let mut at = 0;
        while at < bytes.len() {
            match bytes[at] {
                b'+' => out.push(b' '),
                b'%' => {
                    let hex = std::str::from_utf8(&bytes[at + 1..at + 3]).unwrap();
                    out.push(u8::from_str_radix(hex, 16).unwrap());
                    at += 2;
                }
                byte => out.push(byte),
            }
            at += 1;
        }
        String::from_utf8(out).unwrap()
    }
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap();
            (decode(key), decode(value))
        })
        .collect()
}

fn page(value: Value) -> IdentificationPage {
    serde_json::from_value(value).unwrap()
}

fn decode_error(result: Result<(), Error>) -> DecodeError {
    match result {
        Err(Error::Decode(error)) => error,
        other => panic!("expected a decode error, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// The listing request

#[test]
fn r12_listing_requests_are_authenticated_gets_with_a_query() {
    let request = IdentificationsRequest::all();
    let http_request = request.to_request(&config()).unwrap();
    assert_eq!(http_request.method(), Method::GET);
    assert_eq!(
        http_request.uri(),
        "https://ivs.idenfy.com/kyc/identifications/"
    );
    assert!(http_request.body().is_empty());
    assert!(http_request.headers().get(CONTENT_TYPE).is_none());
    assert!(http_request.headers().contains_key(AUTHORIZATION));

    let request = IdentificationsRequest::builder()
        .client_id("a&b=c?d#e f+ž")
        .page(3)
        .per_page(25)
        .build()
        .unwrap();
    let uri = request.to_request(&config()).unwrap().uri().clone();
    assert_eq!(uri.path(), "/kyc/identifications/");
    assert_eq!(
        form_decode(uri.query().unwrap()),
        [
            ("clientId".to_owned(), "a&b=c?d#e f+ž".to_owned()),
            ("page".to_owned(), "3".to_owned()),
            ("perPage".to_owned(), "25".to_owned()),
        ]
    );
    assert_eq!(request.client_id().unwrap().as_str(), "a&b=c?d#e f+ž");
    assert_eq!((request.page(), request.per_page()), (Some(3), Some(25)));
    assert_eq!(request.retry_class(), RetryClass::ReadOnly);
    assert_eq!(request.name(), "identifications");
    assert_eq!(IdentificationsRequest::PATH, "/kyc/identifications/");
}

#[test]
fn r12_listing_parameters_are_checked_in_order() {
    let err = IdentificationsRequest::builder()
        .client_id("")
        .page(0)
        .build()
        .unwrap_err();
    assert_eq!(
        (err.field(), err.rule()),
        (
            "clientId",
            &Rule::Length {
                min: 1,
                max: 100,
                actual: 0
            }
        )
    );
    let range = |actual| Rule::Range {
        min: 1,
        max: i64::from(u32::MAX),
        actual,
    };
    let err = IdentificationsRequest::builder()
        .page(0)
        .per_page(0)
        .build()
        .unwrap_err();
    assert_eq!((err.field(), err.rule()), ("page", &range(0)));
    let err = IdentificationsRequest::builder()
        .per_page(0)
        .build()
        .unwrap_err();
    assert_eq!((err.field(), err.rule()), ("perPage", &range(0)));
    assert!(
        IdentificationsRequest::builder()
            .page(u32::MAX)
            .per_page(1)
            .build()
            .is_ok()
    );
}

// ---------------------------------------------------------------------------------------------
// Pages

#[test]
fn r7_pages_are_read_field_by_field() {
    let request = IdentificationsRequest::all();
    let first = request.parse(response(200, PAGE_1)).unwrap();
    assert_eq!(first.count, Some(5));
    assert_eq!(first.previous, None);
    assert_eq!(
        first.next_link(),
        Some("https://ivs.idenfy.com/kyc/identifications/?page=2&perPage=2")
    );
    let items = first.identifications();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].scan_ref.as_deref(), Some(SCAN_REF));
    assert_eq!(items[0].status, Some(OverallStatus::Approved));
    assert_eq!(items[1].suspected, Some(true));
    assert!(first.fallbacks().is_empty());
    let plain: IdentificationPage = serde_json::from_slice(PAGE_1).unwrap();
    assert_eq!(plain, first);

    let odd = request.parse(response(200, PAGE_ODD)).unwrap();
    assert_eq!(odd.count, Some(5));
    assert_eq!(odd.next_link(), None);
    let items = odd.identifications();
    assert_eq!(
        items[0].status,
        Some(OverallStatus::Unknown("ON_HOLD".into()))
    );
    assert_eq!(items[0].suspected, None);
    assert_eq!(items[0].extra["suspected"], "no");
    assert_eq!(items[0].extra["clientId"], 42);
    assert_eq!(items[1].scan_ref.as_deref(), Some("77"));
    assert_eq!(items[1].status, None);
    assert_eq!(items[1].suspected, Some(true));
    assert_eq!(odd.extra["pageSize"], 2);
    assert_eq!(odd.fallbacks(), ["results[0].suspected"]);
    assert_eq!(
        serde_json::from_slice::<IdentificationPage>(PAGE_ODD).unwrap(),
        odd
    );

    // An item that is no object makes `results` unreadable: kept raw, named, never dropped.
    let unreadable = request.parse(response(200, PAGE_UNREADABLE)).unwrap();
    assert_eq!(unreadable.results, None);
    assert!(unreadable.identifications().is_empty());
    assert_eq!(unreadable.fallbacks(), ["results"]);
    assert_eq!(
        unreadable.extra["results"][1],
        "a83d5b12-77e4-4f09-b1c6-2e9d0a4f5b81"
    );
    // A single object is read as a list of one (R7).
    assert_eq!(
        page(json!({"results": {"scanRef": "a"}}))
            .identifications()
            .len(),
        1
    );
    // An item without `scanRef` is still an item: delivered, not dropped.
    let partial = page(json!({"results": [{"status": "DENIED"}, {"scanRef": "b"}]}));
    assert_eq!(partial.identifications().len(), 2);
    assert_eq!(partial.identifications()[0].scan_ref, None);
    assert_eq!(
        partial.identifications()[0].status,
        Some(OverallStatus::Denied)
    );

    // Errors are typed; a top level that is no object is a decode error.
    let error = request
        .parse(response(
            401,
            br#"{"identifier":"UNAUTHORIZED","message":"Bad credentials"}"#,
        ))
        .unwrap_err();
    assert_eq!(error.as_api().unwrap().status(), 401);
    match request.parse(response(200, b"[]")) {
        Err(Error::Decode(error)) => assert_eq!(error.kind(), DecodeErrorKind::Data),
        other => panic!("{other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// The pager (R13)

fn items(scan_refs: &[&str]) -> Value {
    Value::Array(
        scan_refs
            .iter()
            .map(|scan_ref| json!({"scanRef": scan_ref, "status": "APPROVED", "suspected": false}))
            .collect(),
    )
}

#[test]
fn r13_the_pager_follows_next_to_the_end() {
    let config = config();
    let mut pager = IdentificationPager::new(
        IdentificationsRequest::builder()
            .client_id("crm-1")
            .per_page(2)
            .build()
            .unwrap(),
    );
    assert!(!pager.is_done());
    let first = pager.take_request().unwrap().unwrap();
    assert_eq!(first.query(), "clientId=crm-1&perPage=2");
    assert_eq!(pager.current(), Some(&first));
    pager
        .advance(
            &config,
            &page(json!({"count": 5, "results": items(&["a", "b"]),
            "next": "https://ivs.idenfy.com/kyc/identifications/?clientId=crm-1&page=2&perPage=2"})),
        )
        .unwrap();
    let second = pager.take_request().unwrap().unwrap();
    assert_eq!((second.page(), second.per_page()), (Some(2), Some(2)));
    assert_eq!(second.client_id().unwrap().as_str(), "crm-1");
    assert_eq!(
        second.to_request(&config).unwrap().uri(),
        "https://ivs.idenfy.com/kyc/identifications/?clientId=crm-1&page=2&perPage=2"
    );
    // A relative link is resolved against the page's own URL.
    pager
        .advance(
            &config,
            &page(
                json!({"results": items(&["c", "d"]), "next": "?clientId=crm-1&page=3&perPage=2"}),
            ),
        )
        .unwrap();
    let third = pager.take_request().unwrap().unwrap();
    assert_eq!(third.page(), Some(3));
    pager
        .advance(
            &config,
            &page(json!({"results": items(&["e"]), "next": null})),
        )
        .unwrap();
    assert!(pager.is_done());
    assert!(pager.take_request().is_none());
}

#[test]
fn r13_an_empty_or_blank_next_ends_the_listing() {
    for next in [json!(null), json!(""), json!("  ")] {
        let mut pager = IdentificationPager::new(IdentificationsRequest::all());
        pager.take_request().unwrap().unwrap();
        pager
            .advance(
                &config(),
                &page(json!({"results": items(&["a"]), "next": next})),
            )
            .unwrap();
        assert!(pager.take_request().is_none());
    }
    // An empty last page is fine.
    let mut pager = IdentificationPager::new(IdentificationsRequest::all());
    pager.take_request().unwrap().unwrap();
    pager
        .advance(&config(), &page(json!({"count": 0, "results": []})))
        .unwrap();
    assert!(pager.is_done());
}

/// The error the pager gives for `next` after the first page (which it accepts), and that it is
/// over afterwards.
fn refused_link(config: &Config, next: &str) -> DecodeError {
    let mut pager = IdentificationPager::new(IdentificationsRequest::all());
    pager.take_request().unwrap().unwrap();
    pager
        .advance(
            config,
            &page(json!({"results": items(&["a"]), "next": next})),
        )
        .unwrap_or_else(|err| panic!("{next}: the page itself is good: {err}"));
    assert!(!pager.is_done());
    let error = taken_error(&mut pager);
    assert!(pager.is_done(), "{next}");
    assert!(pager.take_request().is_none(), "{next}");
    error
}

/// The error `take_request` gives.
fn taken_error(pager: &mut IdentificationPager) -> DecodeError {
    match pager.take_request() {
        Some(Err(Error::Decode(error))) => error,
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[test]
fn r13_links_off_the_configured_origin_are_never_followed() {
    let config = config();
    for next in [
        "https://attacker.example/kyc/identifications/?page=2",
        "//attacker.example/kyc/identifications/?page=2",
        "http://ivs.idenfy.com/kyc/identifications/?page=2",
        "https://ivs.idenfy.com:8443/kyc/identifications/?page=2",
        "https://ivs.idenfy.com.attacker.example/kyc/identifications/?page=2",
        "https://user:pass@ivs.idenfy.com/kyc/identifications/?page=2",
        "https://ivs.idenfy.com/api/v2/status?page=2",
        "https://ivs.idenfy.com/kyc/identifications/extra/?page=2",
        "https://ivs.idenfy.com/kyc/identifications?page=2",
        "ftp://ivs.idenfy.com/kyc/identifications/?page=2",
        "javascript:alert(1)",
        "http://[::1",
    ] {
        let error = refused_link(&config, next);
        assert_eq!(error.path(), Some("next"), "{next}");
        assert_eq!(error.kind(), DecodeErrorKind::Data);
        // The error never quotes the link (R7).
        assert!(!error.to_string().contains("attacker"), "{error}");
        assert!(!error.to_string().contains("page=2"), "{error}");
    }
    // The same origin written differently is the same origin.
    for next in [
        "https://ivs.idenfy.com:443/kyc/identifications/?page=2",
        "HTTPS://IVS.IDENFY.COM/kyc/identifications/?page=2",
        "/kyc/identifications/?page=2",
        "https://ivs.idenfy.com/kyc/identifications/?page=2#fragment",
    ] {
        let mut pager = IdentificationPager::new(IdentificationsRequest::all());
        pager.take_request().unwrap().unwrap();
        pager
            .advance(
                &config,
                &page(json!({"results": items(&["a"]), "next": next})),
            )
            .unwrap_or_else(|err| panic!("{next}: {err}"));
        let request = pager.take_request().unwrap().unwrap();
        assert_eq!(
            request.to_request(&config).unwrap().uri(),
            "https://ivs.idenfy.com/kyc/identifications/?page=2",
            "{next}"
        );
    }
}

#[test]
fn r13_a_proxy_prefix_is_kept_and_its_stripped_links_are_followed() {
    let config = config_at("https://proxy.example/idenfy/");
    for next in [
        "https://proxy.example/idenfy/kyc/identifications/?page=2",
        "https://proxy.example/kyc/identifications/?page=2",
    ] {
        let mut pager = IdentificationPager::new(IdentificationsRequest::all());
        let first = pager.take_request().unwrap().unwrap();
        assert_eq!(
            first.to_request(&config).unwrap().uri(),
            "https://proxy.example/idenfy/kyc/identifications/"
        );
        pager
            .advance(
                &config,
                &page(json!({"results": items(&["a"]), "next": next})),
            )
            .unwrap();
        assert_eq!(
            pager
                .take_request()
                .unwrap()
                .unwrap()
                .to_request(&config)
                .unwrap()
                .uri(),
            "https://proxy.example/idenfy/kyc/identifications/?page=2"
        );
    }
    let error = refused_link(
        &config,
        "https://proxy.example/other/kyc/identifications/?page=2",
    );
    assert_eq!(error.path(), Some("next"));
    // A loopback emulator's origin includes its port.
    let local = config_at("http://127.0.0.1:8080");
    let error = refused_link(&local, "http://127.0.0.1:9090/kyc/identifications/?page=2");
    assert_eq!(error.path(), Some("next"));
}

#[test]
fn r13_loops_and_empty_pages_with_a_next_end_the_listing() {
    let config = config();
    let mut pager = IdentificationPager::new(
        IdentificationsRequest::builder()
            .per_page(1)
            .build()
            .unwrap(),
    );
    pager.take_request().unwrap().unwrap();
    pager
        .advance(
            &config,
            &page(json!({"results": items(&["a"]),
                "next": "https://ivs.idenfy.com/kyc/identifications/?page=2&perPage=1"})),
        )
        .unwrap();
    pager.take_request().unwrap().unwrap();
    // Page 2 points back at page 1 as it was first requested.
    pager
        .advance(
            &config,
            &page(json!({"results": items(&["b"]),
                "next": "https://ivs.idenfy.com/kyc/identifications/?perPage=1"})),
        )
        .unwrap();
    let error = taken_error(&mut pager);
    assert_eq!(error.path(), Some("next"));
    assert!(error.message().contains("already fetched"), "{error}");
    assert!(pager.is_done());

    // A page without results may not send the listing on.
    let mut pager = IdentificationPager::new(IdentificationsRequest::all());
    pager.take_request().unwrap().unwrap();
    pager
        .advance(
            &config,
            &page(json!({"results": [], "next": "https://ivs.idenfy.com/kyc/identifications/?page=2"})),
        )
        .unwrap();
    let error = taken_error(&mut pager);
    assert!(error.message().contains("without results"), "{error}");
    assert!(pager.take_request().is_none());
}

#[test]
fn r13_a_page_without_readable_results_is_an_error() {
    let config = config();
    let unreadable: IdentificationPage = serde_json::from_slice(PAGE_UNREADABLE).unwrap();
    for (page, reason) in [
        (unreadable, "not a list"),
        (page(json!({"count": 2, "next": null})), "no results"),
        (page(json!({"results": null})), "no results"),
        (page(json!({"results": "a"})), "not a list"),
        (
            page(json!({"results": [{"scanRef": "a"}, 7]})),
            "not a list",
        ),
    ] {
        let mut pager = IdentificationPager::new(IdentificationsRequest::all());
        pager.take_request().unwrap().unwrap();
        let error = decode_error(pager.advance(&config, &page));
        assert_eq!(error.path(), Some("results"));
        assert!(error.message().contains(reason), "{error}");
        assert!(pager.take_request().is_none());
    }
}

#[test]
fn r13_advance_before_any_request_changes_nothing_but_ends() {
    let mut pager = IdentificationPager::new(IdentificationsRequest::all());
    assert!(pager.current().is_none());
    pager
        .advance(&config(), &page(json!({"results": items(&["a"])})))
        .unwrap();
    assert!(pager.is_done());
}

// ---------------------------------------------------------------------------------------------
// Request for information

#[test]
fn r12_request_information_request() {
    let request = RequestInformationRequest::builder(SCAN_REF)
        .lifetime(86_400)
        .questionnaire("kyc-extra")
        .risk_assessment_profile("9B11ACB2-8C27-11E9-9758-309C231B1BAC")
        .additional_step_upload_required(true)
        .bank_card_verification(false)
        .bank_card_expected_last_four("4242")
        .build()
        .unwrap();
    let http_request = request.to_request(&config()).unwrap();
    assert_eq!(http_request.method(), Method::POST);
    assert_eq!(
        http_request.uri(),
        "https://ivs.idenfy.com/kyc/identifications/4f1c2a9e-0b7d-4c3e-9a55-6d2e8f1b3c70/request-information/"
    );
    let body: Value = serde_json::from_slice(http_request.body()).unwrap();
    assert_eq!(
        body,
        json!({"lifetime": 86400, "questionnaire": "kyc-extra",
            "riskAssessmentProfile": "9B11ACB2-8C27-11E9-9758-309C231B1BAC",
            "additionalStepUploadRequired": true, "bankCardVerification": false,
            "bankCardExpectedLastFour": "4242"})
    );
    let keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut expected = RequestInformationRequest::FIELDS.to_vec();
    expected.sort_unstable();
    let mut keys_sorted = keys.clone();
    keys_sorted.sort_unstable();
    assert_eq!(keys_sorted, expected);
    assert_eq!(request.retry_class(), RetryClass::NotIdempotent);
    assert_eq!(request.bank_card_expected_last_four(), Some("4242"));
    assert!(!format!("{request:?}").contains("4242"));

    let empty = RequestInformationRequest::builder(SCAN_REF)
        .build()
        .unwrap();
    assert_eq!(empty.to_json().unwrap(), b"{}");
}

#[test]
fn r12_request_information_scan_ref_is_one_encoded_segment() {
    let request = RequestInformationRequest::builder("a/../b?c#d")
        .build()
        .unwrap();
    assert_eq!(
        request.to_request(&config()).unwrap().uri().path(),
        "/kyc/identifications/a%2F..%2Fb%3Fc%23d/request-information/"
    );
    for dots in [".", ".."] {
        let err = RequestInformationRequest::builder(dots)
            .build()
            .unwrap_err();
        assert_eq!((err.field(), err.rule()), ("scanRef", &Rule::DotSegment));
    }
    let err = RequestInformationRequest::builder("x".repeat(41))
        .build()
        .unwrap_err();
    assert_eq!(err.field(), "scanRef");
}

#[test]
fn r12_request_information_rules() {
    let builder = || RequestInformationRequest::builder(SCAN_REF);
    let lifetime = |actual| Rule::Range {
        min: 0,
        max: 2_592_000,
        actual,
    };
    for ok in [0, 1, 2_592_000] {
        assert_eq!(
            builder().lifetime(ok).build().unwrap().lifetime(),
            Some(ok as u32)
        );
    }
    for bad in [-1, 2_592_001, i64::MIN, i64::MAX] {
        let err = builder().lifetime(bad).build().unwrap_err();
        assert_eq!((err.field(), err.rule()), ("lifetime", &lifetime(bad)));
    }
    let err = builder().questionnaire("").build().unwrap_err();
    assert_eq!(
        (err.field(), err.rule()),
        ("questionnaire", &Rule::Required)
    );
    for bad in [
        "",
        "not-a-uuid",
        "9b11acb2-8c27-11e9-9758-309c231b1ba",
        "9b11acb2-8c27-11e9-9758_309c231b1bac",
    ] {
        let err = builder().risk_assessment_profile(bad).build().unwrap_err();
        assert_eq!(
            (err.field(), err.rule()),
            ("riskAssessmentProfile", &Rule::Uuid)
        );
    }
    for (bad, actual) in [("424", 3), ("42424", 5), ("", 0)] {
        let err = builder()
            .bank_card_expected_last_four(bad)
            .build()
            .unwrap_err();
        assert_eq!(
            (err.field(), err.rule()),
            (
                "bankCardExpectedLastFour",
                &Rule::Length {
                    min: 4,
                    max: 4,
                    actual
                }
            )
        );
    }
}

#[test]
fn r12_request_information_answer() {
    let request = RequestInformationRequest::builder(SCAN_REF)
        .build()
        .unwrap();
    let body = br#"{"sessionUrl":"https://ui.idenfy.com/?authToken=NewT0kenAbCdEfGh","tokenString":"NewT0kenAbCdEfGh","extra":1}"#;
    let answer = request.parse(response(200, body)).unwrap();
    assert_eq!(answer.token_string.expose_secret(), "NewT0kenAbCdEfGh");
    assert_eq!(
        answer.session_url.as_deref().map(String::as_str),
        Some("https://ui.idenfy.com/?authToken=NewT0kenAbCdEfGh")
    );
    assert_eq!(answer.extra["extra"], 1);
    let debug = format!("{answer:?}");
    assert!(!debug.contains("NewT0ken"), "{debug}");

    let without = request
        .parse(response(200, br#"{"sessionUrl":"https://ui.idenfy.com/"}"#))
        .unwrap_err();
    match without {
        Error::Decode(error) => assert_eq!(error.path(), Some("tokenString")),
        other => panic!("{other:?}"),
    }
    let plain: RequestInformationResponse = serde_json::from_slice(body).unwrap();
    assert_eq!(plain.token_string, answer.token_string);
}

proptest! {
    #[test]
    fn r12_any_client_id_round_trips_through_the_query(
        id in proptest::collection::vec(
            prop_oneof![
                proptest::sample::select(MULTIBYTE.to_vec()),
                proptest::sample::select(vec!['a', 'Z', '0', ' ', '&', '=', '?', '#', '+', '%', '/', '\'']),
            ],
            1..=100,
        ).prop_map(|chars| chars.into_iter().collect::<String>()),
        page in 1u32..,
    ) {
        let request = IdentificationsRequest::builder()
            .client_id(id.clone())
            .page(page)
            .build()
            .unwrap();
        let uri = request.to_request(&config()).unwrap().uri().clone();
        prop_assert_eq!(uri.path(), "/kyc/identifications/");
        prop_assert_eq!(
            form_decode(uri.query().unwrap()),
            vec![("clientId".to_owned(), id), ("page".to_owned(), page.to_string())]
        );
    }

    #[test]
    fn r12_client_id_lengths(len in 0usize..140) {
        let result = IdentificationsRequest::builder().client_id("ą".repeat(len)).build();
        if (1..=100).contains(&len) {
            prop_assert!(result.is_ok());
        } else {
            let err = result.unwrap_err();
            prop_assert_eq!(err.field(), "clientId");
            prop_assert_eq!(err.rule(), &Rule::Length { min: 1, max: 100, actual: len });
        }
    }

    #[test]
    fn r12_page_and_per_page_are_at_least_one(page in any::<u32>(), per_page in any::<u32>()) {
        let result = IdentificationsRequest::builder().page(page).per_page(per_page).build();
        prop_assert_eq!(result.is_ok(), page >= 1 && per_page >= 1);
        if let Ok(request) = result {
            prop_assert_eq!(request.query(), format!("page={page}&perPage={per_page}"));
        }
    }

    #[test]
    fn r12_risk_assessment_profile_is_a_uuid(
        text in prop_oneof![
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
            "[0-9a-gA-G-]{34,38}",
        ],
    ) {
        // The shape, checked here independently: 36 characters, hyphens at 8, 13, 18 and 23,
        // hexadecimal digits elsewhere.
        let is_uuid = text.chars().count() == 36
            && text.chars().enumerate().all(|(at, c)| {
                if [8, 13, 18, 23].contains(&at) { c == '-' } else { c.is_ascii_hexdigit() }
            });
        let result = RequestInformationRequest::builder(SCAN_REF)
            .risk_assessment_profile(text.clone())
            .build();
        prop_assert_eq!(result.is_ok(), is_uuid, "{}", text);
        if let Err(err) = result {
            prop_assert_eq!((err.field(), err.rule()), ("riskAssessmentProfile", &Rule::Uuid));
        }
    }

    #[test]
    fn r12_request_information_lifetime(seconds in -10_000i64..2_700_000) {
        let result = RequestInformationRequest::builder(SCAN_REF).lifetime(seconds).build();
        prop_assert_eq!(result.is_ok(), (0..=2_592_000).contains(&seconds));
    }

    #[test]
    fn r12_request_information_last_four(digits in "[0-9]{0,8}") {
        let result = RequestInformationRequest::builder(SCAN_REF)
            .bank_card_expected_last_four(digits.clone())
            .build();
        prop_assert_eq!(result.is_ok(), digits.len() == 4);
    }

    #[test]
    fn r13_followed_links_never_leave_the_origin(
        host in "[a-z]{1,10}(\\.[a-z]{2,5}){0,2}",
        port in proptest::option::of(1u16..),
        https in any::<bool>(),
        page in 2u32..1000,
    ) {
        let config = config();
        let scheme = if https { "https" } else { "http" };
        let authority = match port {
            Some(port) => format!("{host}:{port}"),
            None => host.clone(),
        };
        let next = format!("{scheme}://{authority}/kyc/identifications/?page={page}");
        let mut pager = IdentificationPager::new(IdentificationsRequest::all());
        pager.take_request().unwrap().unwrap();
        pager.advance(&config, &page_with_next(&next)).unwrap();
        let same_origin = https
            && host == "ivs.idenfy.com"
            && port.is_none_or(|port| port == 443);
        let taken = pager.take_request().unwrap();
        prop_assert_eq!(taken.is_ok(), same_origin);
        if let Ok(request) = taken {
            let uri = request.to_request(&config).unwrap().uri().clone();
            prop_assert_eq!(uri.host(), Some("ivs.idenfy.com"));
            prop_assert_eq!(uri.scheme_str(), Some("https"));
        }
    }
}

fn page_with_next(next: &str) -> IdentificationPage {
    page(json!({"results": items(&["a"]), "next": next}))
}
