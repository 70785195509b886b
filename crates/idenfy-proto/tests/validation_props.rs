#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Test code indexes and slices known fixtures and outputs: a bad bound is a failed test.
#![allow(clippy::indexing_slicing, clippy::string_slice)]
//! Property tests of every client-side rule of the token request (R2, R3): values inside each
//! range are accepted and serialized unchanged (or normalized as the rule says), values just
//! outside are refused naming the wire field and the rule. Lengths are counted in `chars()`.

mod support;

use std::collections::BTreeMap;

use idenfy_proto::{
    Date, DocumentType, DummyStatus, Rule, Sex, TokenRequest, TokenRequestBuilder, TokenType,
    ValidationError,
};
use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Value, json};
use support::{
    ISO_3166_ALPHA2, MULTIBYTE, NAME_ALLOWED, NAME_FORBIDDEN, days_in_month, is_assigned_country,
};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

const CLIENT_ID: &str = "client-1";

fn base() -> TokenRequestBuilder {
    TokenRequest::builder(CLIENT_ID)
}

/// Builds and serializes; panics with the error if the request was refused.
fn accepted(builder: TokenRequestBuilder) -> Value {
    match builder.build() {
        Ok(request) => serde_json::to_value(&request).unwrap(),
        Err(err) => panic!("refused: {err}"),
    }
}

/// Builds, expecting a refusal; returns the error.
fn refused(builder: TokenRequestBuilder) -> ValidationError {
    match builder.build() {
        Ok(request) => panic!("accepted: {:?}", serde_json::to_value(&request)),
        Err(err) => err,
    }
}

fn assert_refused(builder: TokenRequestBuilder, field: &str, rule: &Rule) {
    let err = refused(builder);
    assert_eq!(err.field(), field, "{err}");
    assert_eq!(err.rule(), rule, "{err}");
}

/// Asserts that the serialized request holds exactly `clientId` and `key: value`.
fn assert_only(value: &Value, key: &str, expected: &Value) {
    let object = value.as_object().unwrap();
    assert_eq!(object.get("clientId"), Some(&json!(CLIENT_ID)));
    assert_eq!(object.get(key), Some(expected), "{key}");
    assert_eq!(object.len(), 2, "{value}");
}

fn length(min: usize, max: usize, actual: usize) -> Rule {
    Rule::Length { min, max, actual }
}

fn range(min: i64, max: i64, actual: i64) -> Rule {
    Rule::Range { min, max, actual }
}

/// A string of `len` characters drawn from `pool`.
fn from_pool(
    pool: &'static [char],
    len: impl Into<proptest::collection::SizeRange>,
) -> impl Strategy<Value = String> {
    vec(select(pool), len).prop_map(|chars| chars.into_iter().collect())
}

/// A string of `len` arbitrary Unicode scalar values.
fn any_chars(len: impl Into<proptest::collection::SizeRange>) -> impl Strategy<Value = String> {
    vec(any::<char>(), len).prop_map(|chars| chars.into_iter().collect())
}

/// A string of exactly or about `len` characters, either arbitrary or multi-byte only.
fn sized_string(len: impl Into<proptest::collection::SizeRange>) -> BoxedStrategy<String> {
    let len = len.into();
    prop_oneof![any_chars(len.clone()), from_pool(MULTIBYTE, len)].boxed()
}

/// Sets a string field of the builder by its wire name.
fn set(builder: TokenRequestBuilder, field: &str, value: String) -> TokenRequestBuilder {
    match field {
        "firstName" => builder.first_name(value),
        "lastName" => builder.last_name(value),
        "successUrl" => builder.success_url(value),
        "errorUrl" => builder.error_url(value),
        "unverifiedUrl" => builder.unverified_url(value),
        "callbackUrl" => builder.callback_url(value),
        "locale" => builder.locale(value),
        "country" => builder.country(value),
        "nationality" => builder.nationality(value),
        "dateOfBirth" => builder.date_of_birth(value),
        "dateOfExpiry" => builder.date_of_expiry(value),
        "dateOfIssue" => builder.date_of_issue(value),
        "personalNumber" => builder.personal_number(value),
        "documentNumber" => builder.document_number(value),
        "address" => builder.address(value),
        "externalRef" => builder.external_ref(value),
        "questionnaire" => builder.questionnaire(value),
        other => panic!("no string setter for {other}"),
    }
}

const NAME_FIELDS: &[&str] = &["firstName", "lastName"];
const URL_FIELDS: &[&str] = &["successUrl", "errorUrl", "unverifiedUrl", "callbackUrl"];
const BROWSER_URL_FIELDS: &[&str] = &["successUrl", "errorUrl", "unverifiedUrl"];
const COUNTRY_FIELDS: &[&str] = &["country", "nationality"];
const DATE_FIELDS: &[&str] = &["dateOfBirth", "dateOfExpiry", "dateOfIssue"];
const NUMBER_FIELDS: &[&str] = &["personalNumber", "documentNumber"];

/// Forbidden in names: the listed symbols and digits (ASCII and other decimal digits).
fn name_forbidden_chars() -> Vec<char> {
    NAME_FORBIDDEN
        .chars()
        .chain('0'..='9')
        .chain(['٣', '５', '۷'])
        .collect()
}

/// An absolute URL of the given scheme on a public (non-loopback) domain.
fn web_url(scheme: &'static str) -> impl Strategy<Value = String> {
    (
        // Not `xn--…`: that prefix marks a punycode label, which must decode (IDNA), and the
        // URL parser rightly refuses `xn--.com`.
        "[a-z][a-z0-9-]{0,15}\\.(com|lt|org|example)"
            .prop_filter("an IDNA label", |host: &String| !host.starts_with("xn--")),
        proptest::option::of(1u16..),
        "(/[A-Za-z0-9._~-]{0,12}){0,4}",
        proptest::option::of("[a-z]{1,6}=[A-Za-z0-9]{0,8}"),
    )
        .prop_map(move |(host, port, path, query)| {
            let mut url = format!("{scheme}://{host}");
            if let Some(port) = port {
                url.push_str(&format!(":{port}"));
            }
            url.push_str(&path);
            if let Some(query) = query {
                url.push('?');
                url.push_str(&query);
            }
            url
        })
}

/// A valid calendar date.
fn valid_date() -> impl Strategy<Value = (u16, u8, u8)> {
    (1u16..=9999, 1u8..=12)
        .prop_flat_map(|(year, month)| (Just(year), Just(month), 1..=days_in_month(year, month)))
}

const TOKEN_TYPES: [&str; 5] = [
    "IDENTIFICATION",
    "DOCUMENT",
    "VIDEO_CALL",
    "VIDEO_CALL_PHOTOS",
    "VIDEO_CALL_IDENTIFICATION",
];
const DUMMY_STATUSES: [&str; 5] = ["APPROVED", "DENIED", "SUSPECTED", "EXPIRED", "ACTIVE"];

/// Any JSON value without floats (which have no exact round trip to compare).
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<String>().prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::Array),
            btree_map(any::<String>(), inner, 0..4)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

fn extra_key() -> impl Strategy<Value = String> {
    prop_oneof![any_chars(1..30), "[a-z][A-Za-z]{0,20}"].prop_filter("not a typed key", |key| {
        !TokenRequest::FIELDS.contains(&key.as_str()) && key != "personScanRef"
    })
}

// ---------------------------------------------------------------------------------------------
// Deterministic edges
// ---------------------------------------------------------------------------------------------

#[test]
fn r2_client_id_length_edges() {
    assert_refused(TokenRequest::builder(""), "clientId", &length(1, 100, 0));
    assert!(TokenRequest::builder("x").build().is_ok());
    assert!(TokenRequest::builder("x".repeat(100)).build().is_ok());
    assert_refused(
        TokenRequest::builder("x".repeat(101)),
        "clientId",
        &length(1, 100, 101),
    );
    // Multi-byte: 100 chars are 400 bytes and still accepted.
    let crabs = "🦀".repeat(100);
    assert_eq!(crabs.len(), 400);
    assert!(TokenRequest::builder(crabs.clone()).build().is_ok());
    assert_refused(
        TokenRequest::builder(format!("{crabs}🦀")),
        "clientId",
        &length(1, 100, 101),
    );
}

#[test]
fn r2_names_empty_refused() {
    for field in NAME_FIELDS {
        assert_refused(set(base(), field, String::new()), field, &length(1, 100, 0));
    }
}

#[test]
fn r2_expiry_time_edges() {
    for ok in [1, 2, 3600, 2_591_999, 2_592_000] {
        let value = accepted(base().expiry_time(ok));
        assert_only(&value, "expiryTime", &json!(ok));
    }
    for bad in [
        0,
        -1,
        2_592_001,
        i64::MIN,
        i64::MAX,
        i64::from(u32::MAX) + 1,
    ] {
        assert_refused(
            base().expiry_time(bad),
            "expiryTime",
            &range(1, 2_592_000, bad),
        );
    }
}

#[test]
fn r2_session_length_edges() {
    for ok in [60, 61, 600, 3599, 3600] {
        let value = accepted(base().session_length(ok));
        assert_only(&value, "sessionLength", &json!(ok));
    }
    for bad in [59, 0, -60, 3601, i64::MIN, i64::MAX] {
        assert_refused(
            base().session_length(bad),
            "sessionLength",
            &range(60, 3600, bad),
        );
    }
}

#[test]
fn r2_country_every_assigned_code_in_every_case() {
    for field in COUNTRY_FIELDS {
        for code in ISO_3166_ALPHA2 {
            let lower = code.to_ascii_lowercase();
            let mixed_a = format!("{}{}", &lower[..1], &code[1..]);
            let mixed_b = format!("{}{}", &code[..1], &lower[1..]);
            for spelling in [code.to_owned(), lower.clone(), mixed_a, mixed_b] {
                let value = accepted(set(base(), field, spelling));
                assert_only(&value, field, &json!(code));
            }
        }
    }
}

#[test]
fn r2_country_all_letter_pairs_match_the_official_list() {
    let mut accepted_count = 0;
    for a in 'A'..='Z' {
        for b in 'A'..='Z' {
            let code = format!("{a}{b}");
            for field in COUNTRY_FIELDS {
                let result = set(base(), field, code.clone()).build();
                if is_assigned_country(&code) {
                    assert!(result.is_ok(), "{field} {code}");
                } else {
                    let err = result.unwrap_err();
                    assert_eq!(
                        (err.field(), err.rule()),
                        (*field, &Rule::CountryCode),
                        "{code}"
                    );
                }
            }
            if is_assigned_country(&code) {
                accepted_count += 1;
            }
        }
    }
    assert_eq!(accepted_count, 249);
    // The usual mistakes: a language code, reserved and user-assigned codes.
    for code in ["EN", "UK", "EU", "XK", "ZZ", "AA"] {
        assert_refused(base().country(code), "country", &Rule::CountryCode);
    }
}

#[test]
fn r2_url_scheme_and_authority_written_out() {
    for field in URL_FIELDS {
        // The WHATWG parser would repair these into `https://example.com/`, but the value is
        // sent as written, and as written it has no authority.
        for bad in [
            "http:example.com",
            "https:example.com/x",
            "https:/example.com",
            "https:\\\\example.com\\x",
        ] {
            assert_refused(set(base(), field, bad.into()), field, &Rule::NotAWebUrl);
        }
        // Scheme and host in any case are fine, and kept as written.
        let url = "HTTPS://Hooks.Example.COM/Path?Q=1";
        assert_only(
            &accepted(set(base(), field, url.into())),
            field,
            &json!(url),
        );
    }
}

#[test]
fn r2_locale_documented_values() {
    for tag in ["lt", "en", "ru", "pl", "ro", "lv", "de", "pt-BR", "zh_Hant"] {
        assert_only(&accepted(base().locale(tag)), "locale", &json!(tag));
    }
    assert_refused(base().locale(""), "locale", &length(2, 7, 0));
    assert_refused(base().locale("e"), "locale", &length(2, 7, 1));
    assert_refused(base().locale("en-GBxyz"), "locale", &length(2, 7, 8));
    assert_refused(base().locale("EN"), "locale", &Rule::LocaleFormat);
}

#[test]
fn r3_dates_edges() {
    for field in DATE_FIELDS {
        for ok in ["2024-02-29", "2000-02-29", "0001-01-01", "9999-12-31"] {
            assert_only(&accepted(set(base(), field, ok.into())), field, &json!(ok));
        }
        for bad in [
            "2023-02-29",
            "1900-02-29",
            "2021-04-31",
            "2021-00-10",
            "2021-13-01",
            "2021-01-00",
            "0000-01-01",
            "2021-1-01",
            "21-01-01",
            "2021/01/01",
            "YYYY-MM-DD",
            "2021-01-01T00:00:00",
            "",
        ] {
            assert_refused(set(base(), field, bad.into()), field, &Rule::DateFormat);
        }
    }
}

#[test]
fn r3_sex_known_values() {
    assert_only(&accepted(base().sex(Sex::Male)), "sex", &json!("M"));
    assert_only(&accepted(base().sex(Sex::Female)), "sex", &json!("F"));
    assert_only(&accepted(base().sex(Sex::from("F"))), "sex", &json!("F"));
    for bad in ["m", "f", "X", "MALE", ""] {
        let err = refused(base().sex(Sex::from(bad)));
        assert_eq!(err.field(), "sex");
        let Rule::OneOf { allowed } = err.rule() else {
            panic!("{err}");
        };
        assert_eq!(*allowed, ["M", "F"]);
    }
}

#[test]
fn r3_token_type_and_dummy_status_known_lists() {
    assert_eq!(TokenType::KNOWN_STRS, TOKEN_TYPES);
    assert_eq!(DummyStatus::KNOWN_STRS, DUMMY_STATUSES);
    for wire in TOKEN_TYPES {
        let value = accepted(base().token_type(TokenType::from(wire)));
        assert_only(&value, "tokenType", &json!(wire));
    }
    for wire in DUMMY_STATUSES {
        let value = accepted(base().dummy_status(DummyStatus::from(wire)));
        assert_only(&value, "dummyStatus", &json!(wire));
    }
}

#[test]
fn r3_documents_known_values() {
    for wire in [
        "ID_CARD",
        "PASSPORT",
        "RESIDENCE_PERMIT",
        "DRIVER_LICENSE",
        "OTHER",
    ] {
        let document = DocumentType::from(wire);
        assert!(document.is_known(), "{wire}");
        let value = accepted(base().document(document));
        assert_only(&value, "documents", &json!([wire]));
    }
}

#[test]
fn r3_extra_field_every_typed_key_refused() {
    for &key in TokenRequest::FIELDS.iter().chain(&["personScanRef"]) {
        assert_refused(
            base().extra_field(key, json!("x")),
            key,
            &Rule::CollidesWithTypedField,
        );
    }
    // Near misses are different keys and go through.
    for key in ["ClientId", "client_id", "clientid", "firstname", " locale"] {
        let value = accepted(base().extra_field(key, json!(1)));
        assert_only(&value, key, &json!(1));
    }
}

#[test]
fn r3_extra_field_nested_too_deep_refused() {
    let max = TokenRequest::EXTRA_FIELD_MAX_DEPTH;
    let nested = |levels: usize| (0..levels).fold(json!(1), |inner, _| json!([inner]));
    let value = accepted(base().extra_field("tree", nested(max)));
    assert_only(&value, "tree", &nested(max));
    // One level more, or an object at the bottom, is refused by the key's name.
    assert_refused(
        base().extra_field("tree", nested(max + 1)),
        "tree",
        &Rule::TooDeep { max },
    );
    let mut deep = json!({"leaf": {}});
    for _ in 1..max {
        deep = json!({"next": deep, "flat": [1, 2]});
    }
    assert_refused(
        base().extra_field("tree", deep),
        "tree",
        &Rule::TooDeep { max },
    );
    // Far deeper than serde_json would read back: refused, not sent.
    let err = refused(base().extra_field("tree", nested(200)));
    assert_eq!(
        err.to_string(),
        format!("tree: must not nest arrays and objects more than {max} levels deep")
    );
}

/// How to set one checked field of the request to a valid or an invalid value.
type Setter = Box<dyn Fn(TokenRequestBuilder, bool) -> TokenRequestBuilder>;

/// Every field with a rule, in wire order (R2, R3), with a value each way.
fn checked_fields() -> Vec<(&'static str, Setter)> {
    fn text(field: &'static str, good: &str, bad: &str) -> (&'static str, Setter) {
        let (good, bad) = (good.to_owned(), bad.to_owned());
        let setter = move |b, ok| set(b, field, if ok { good.clone() } else { bad.clone() });
        (field, Box::new(setter))
    }
    fn other(
        field: &'static str,
        setter: fn(TokenRequestBuilder, bool) -> TokenRequestBuilder,
    ) -> (&'static str, Setter) {
        (field, Box::new(setter))
    }
    vec![
        text("firstName", "Ona", ""),
        text("lastName", "Ona", "0na"),
        text("successUrl", "https://e.com/", "e"),
        text("errorUrl", "https://e.com/", "ftp://e.com/"),
        text("unverifiedUrl", "https://e.com/", "e.com/x"),
        text("callbackUrl", "https://e.com/h", "http://e.com/h"),
        text("locale", "lt", "EN"),
        other("expiryTime", |b, ok| b.expiry_time(if ok { 60 } else { 0 })),
        other("sessionLength", |b, ok| {
            b.session_length(if ok { 60 } else { 59 })
        }),
        text("country", "lt", "XX"),
        other("documents", |b, ok| {
            b.documents([DocumentType::from(if ok { "OTHER" } else { "" })])
        }),
        other("tokenType", |b, ok| {
            b.token_type(TokenType::from(if ok { "DOCUMENT" } else { "SELFIE" }))
        }),
        text("dateOfBirth", "1990-01-31", "1990-02-30"),
        text("dateOfExpiry", "2030-01-31", "YYYY-MM-DD"),
        text("dateOfIssue", "2020-01-31", "2020-1-31"),
        text("nationality", "lv", "XK"),
        text("personalNumber", "1", ""),
        text("documentNumber", "1", &"1".repeat(51)),
        other("sex", |b, ok| b.sex(Sex::from(if ok { "M" } else { "X" }))),
        text("address", "a", &"a".repeat(256)),
        text("externalRef", "r", &"r".repeat(41)),
        other("dummyStatus", |b, ok| {
            b.dummy_status(DummyStatus::from(if ok { "DENIED" } else { "MAYBE" }))
        }),
    ]
}

#[test]
fn r2_r3_the_first_failure_is_reported_in_wire_order() {
    let checked = checked_fields();
    // The oracle's order is the table's: the checked fields as `TokenRequest::FIELDS` lists them.
    let names: Vec<&str> = checked.iter().map(|(name, _)| *name).collect();
    let in_table_order: Vec<&str> = TokenRequest::FIELDS
        .iter()
        .copied()
        .filter(|field| names.contains(field))
        .collect();
    assert_eq!(names, in_table_order);

    // With every field invalid, `clientId` fails first; made valid one by one in wire order,
    // each next field is the one reported; an extra field naming a typed one comes last.
    let steps = checked.len() + 2;
    for valid in 0..=steps {
        let mut builder = TokenRequest::builder(if valid == 0 { "" } else { CLIENT_ID });
        for (index, (_, set)) in checked.iter().enumerate() {
            builder = set(builder, index + 1 < valid);
        }
        builder = builder.extra_field("theme", json!("dark"));
        if valid < steps {
            builder = builder.extra_field("locale", json!("lt"));
        }
        match valid {
            0 => assert_refused(builder, "clientId", &length(1, 100, 0)),
            n if n <= checked.len() => assert_eq!(refused(builder).field(), checked[n - 1].0),
            n if n < steps => assert_refused(builder, "locale", &Rule::CollidesWithTypedField),
            _ => {
                accepted(builder);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

proptest! {
    // ----- clientId (R2): 1..=100 chars ---------------------------------------------------

    #[test]
    fn r2_client_id_length_accepted(id in sized_string(1..=100)) {
        let value = accepted(TokenRequest::builder(id.clone()));
        prop_assert_eq!(value, json!({"clientId": id}));
    }

    #[test]
    fn r2_client_id_multibyte_exactly_100_accepted(id in from_pool(MULTIBYTE, 100)) {
        prop_assert!(id.len() > 100);
        let value = accepted(TokenRequest::builder(id.clone()));
        prop_assert_eq!(value, json!({"clientId": id}));
    }

    #[test]
    fn r2_client_id_length_refused(id in sized_string(101..=300)) {
        let n = id.chars().count();
        assert_refused(TokenRequest::builder(id), "clientId", &length(1, 100, n));
    }

    // ----- firstName / lastName (R2) -------------------------------------------------------

    #[test]
    fn r2_name_allowed_characters_accepted(
        field in select(NAME_FIELDS),
        name in from_pool(NAME_ALLOWED, 1..=100),
    ) {
        let value = accepted(set(base(), field, name.clone()));
        assert_only(&value, field, &json!(name));
    }

    #[test]
    fn r2_name_any_non_digit_non_symbol_accepted(
        field in select(NAME_FIELDS),
        name in vec(
            any::<char>().prop_filter("allowed", |c| !c.is_numeric() && !NAME_FORBIDDEN.contains(*c)),
            1..=40,
        ).prop_map(|chars| chars.into_iter().collect::<String>()),
    ) {
        let value = accepted(set(base(), field, name.clone()));
        assert_only(&value, field, &json!(name));
    }

    #[test]
    fn r2_name_length_multibyte(
        field in select(NAME_FIELDS),
        exact in from_pool(MULTIBYTE, 100),
        extra in 1usize..=30,
    ) {
        let value = accepted(set(base(), field, exact.clone()));
        assert_only(&value, field, &json!(exact.clone()));
        let long: String = exact.chars().chain(exact.chars().take(extra)).collect();
        assert_refused(set(base(), field, long), field, &length(1, 100, 100 + extra));
    }

    #[test]
    fn r2_name_character_refused(
        field in select(NAME_FIELDS),
        name in from_pool(NAME_ALLOWED, 1..=99),
        bad in select(name_forbidden_chars()),
        position in any::<prop::sample::Index>(),
    ) {
        let mut chars: Vec<char> = name.chars().collect();
        let at = position.index(chars.len() + 1);
        chars.insert(at, bad);
        let spoiled: String = chars.into_iter().collect();
        assert_refused(
            set(base(), field, spoiled),
            field,
            &Rule::NameCharacter { character: bad },
        );
    }

    // ----- successUrl / errorUrl / unverifiedUrl / callbackUrl (R2, R3) -------------------

    #[test]
    fn r2_url_absolute_http_and_https_accepted(
        field in select(BROWSER_URL_FIELDS),
        url in prop_oneof![web_url("http"), web_url("https")],
    ) {
        let value = accepted(set(base(), field, url.clone()));
        assert_only(&value, field, &json!(url));
    }

    #[test]
    fn r3_callback_url_https_accepted(url in web_url("https")) {
        let value = accepted(base().callback_url(url.clone()));
        assert_only(&value, "callbackUrl", &json!(url));
    }

    #[test]
    fn r3_callback_url_https_refuses_plain_http(url in web_url("http")) {
        assert_refused(base().callback_url(url), "callbackUrl", &Rule::InsecureUrl);
    }

    #[test]
    fn r3_callback_url_https_loopback_http_accepted(
        host in prop_oneof![
            (any::<u8>(), any::<u8>(), any::<u8>()).prop_map(|(a, b, c)| format!("127.{a}.{b}.{c}")),
            Just("localhost".to_owned()),
            Just("LocalHost".to_owned()),
            Just("[::1]".to_owned()),
        ],
        port in 1u16..,
        path in "(/[a-z0-9]{1,8}){0,3}",
    ) {
        let url = format!("http://{host}:{port}{path}");
        let value = accepted(base().callback_url(url.clone()));
        assert_only(&value, "callbackUrl", &json!(url));
    }

    #[test]
    fn r3_callback_url_https_non_loopback_ip_refused(
        first in (1u8..=254).prop_filter("not loopback", |a| *a != 127),
        rest in (any::<u8>(), any::<u8>(), any::<u8>()),
    ) {
        let url = format!("http://{first}.{}.{}.{}/hook", rest.0, rest.1, rest.2);
        assert_refused(base().callback_url(url), "callbackUrl", &Rule::InsecureUrl);
    }

    #[test]
    fn r2_url_length_upper_bound(
        field in select(URL_FIELDS),
        filler in prop_oneof![Just('a'), select(MULTIBYTE)],
        over in 1usize..=40,
    ) {
        let prefix = "https://example.com/";
        let fill = |n: usize| -> String {
            prefix.chars().chain(std::iter::repeat_n(filler, n - prefix.len())).collect()
        };
        let exact = fill(2048);
        prop_assert_eq!(exact.chars().count(), 2048);
        let value = accepted(set(base(), field, exact.clone()));
        assert_only(&value, field, &json!(exact));
        assert_refused(
            set(base(), field, fill(2048 + over)),
            field,
            &length(5, 2048, 2048 + over),
        );
    }

    #[test]
    fn r2_url_length_lower_bound(field in select(URL_FIELDS), short in sized_string(0..=4)) {
        let n = short.chars().count();
        assert_refused(set(base(), field, short), field, &length(5, 2048, n));
    }

    #[test]
    fn r2_url_must_be_absolute_web_url(
        field in select(URL_FIELDS),
        url in prop_oneof![
            "/[a-z]{4,20}",
            "[a-z]{3,10}\\.(com|lt)/[a-z]{0,10}",
            "(ftp|file|ws|wss|mailto|javascript|data|urn):[a-z/.@]{3,20}",
            "(http|https):/?[a-z]{3,10}",
        ],
    ) {
        assert_refused(set(base(), field, url), field, &Rule::NotAWebUrl);
    }

    #[test]
    fn r2_url_with_whitespace_or_control_character_refused(
        field in select(URL_FIELDS),
        host in "[a-z]{3,10}",
        path in "[a-z]{0,10}",
        at in 0usize..40,
        character in prop_oneof![
            select(&[' ', '\t', '\n', '\r', '\u{b}', '\u{c}', '\u{85}', '\u{a0}',
                     '\u{2028}', '\u{3000}', '\u{0}', '\u{1b}', '\u{7}', '\u{7f}', '\u{9b}'][..]),
            any::<char>().prop_filter("whitespace or control", |c| c.is_whitespace() || c.is_control()),
        ],
    ) {
        let url: Vec<char> = format!("https://{host}.com/{path}").chars().collect();
        let at = at % (url.len() + 1);
        let mut bad: String = url.get(..at).unwrap().iter().collect();
        bad.push(character);
        bad.extend(url.get(at..).unwrap());
        assert_refused(
            set(base(), field, bad),
            field,
            &Rule::ForbiddenCharacter { character },
        );
    }

    // ----- locale (R2) ---------------------------------------------------------------------

    #[test]
    fn r2_locale_shape_accepted(tag in "[a-z]{2}([-_][A-Za-z]{1,4})?") {
        let value = accepted(base().locale(tag.clone()));
        assert_only(&value, "locale", &json!(tag));
    }

    #[test]
    fn r2_locale_length_refused(tag in prop_oneof!["[a-z]{0,1}", "[a-z]{2}[-_][A-Za-z]{5,12}"]) {
        let n = tag.chars().count();
        assert_refused(base().locale(tag), "locale", &length(2, 7, n));
    }

    #[test]
    fn r2_locale_shape_refused(
        tag in prop_oneof![
            "[A-Z][a-zA-Z]([-_][A-Za-z]{1,4})?",
            "[a-z][A-Z0-9]",
            "[a-z]{2}[0-9]{1,5}",
            "[a-z]{2}[-_]",
            "[a-z]{2}[-_][a-z]{0,2}[0-9][a-z]{0,1}",
            "[a-z]{3,7}",
            "[a-z]{2} [a-z]{1,4}",
            "[a-z]ė",
        ],
    ) {
        assert_refused(base().locale(tag), "locale", &Rule::LocaleFormat);
    }

    // ----- expiryTime (R2): 1..=2_592_000 ------------------------------------------------

    #[test]
    fn r2_expiry_time_range_accepted(seconds in 1i64..=2_592_000) {
        let value = accepted(base().expiry_time(seconds));
        assert_only(&value, "expiryTime", &json!(seconds));
    }

    #[test]
    fn r2_expiry_time_range_refused(seconds in prop_oneof![i64::MIN..1, 2_592_001i64..]) {
        assert_refused(base().expiry_time(seconds), "expiryTime", &range(1, 2_592_000, seconds));
    }

    // ----- sessionLength (R2): 60..=3600 -------------------------------------------------

    #[test]
    fn r2_session_length_range_accepted(seconds in 60i64..=3600) {
        let value = accepted(base().session_length(seconds));
        assert_only(&value, "sessionLength", &json!(seconds));
    }

    #[test]
    fn r2_session_length_range_refused(seconds in prop_oneof![i64::MIN..60, 3601i64..]) {
        assert_refused(base().session_length(seconds), "sessionLength", &range(60, 3600, seconds));
    }

    // ----- country (R2) / nationality (R3) ------------------------------------------------

    #[test]
    fn r2_country_code_any_case_upper_cased(
        field in select(COUNTRY_FIELDS),
        code in select(&ISO_3166_ALPHA2[..]),
        lower in (any::<bool>(), any::<bool>()),
    ) {
        let spelled: String = code
            .chars()
            .zip([lower.0, lower.1])
            .map(|(c, low)| if low { c.to_ascii_lowercase() } else { c })
            .collect();
        let value = accepted(set(base(), field, spelled));
        assert_only(&value, field, &json!(code));
    }

    #[test]
    fn r2_country_code_unassigned_refused(
        field in select(COUNTRY_FIELDS),
        code in "[A-Za-z]{2}".prop_filter("unassigned", |c| !is_assigned_country(&c.to_ascii_uppercase())),
    ) {
        assert_refused(set(base(), field, code), field, &Rule::CountryCode);
    }

    #[test]
    fn r2_country_code_two_arbitrary_chars(field in select(COUNTRY_FIELDS), code in any_chars(2)) {
        let upper = code.to_ascii_uppercase();
        let result = set(base(), field, code.clone()).build();
        if code.chars().all(|c| c.is_ascii_alphabetic()) && is_assigned_country(&upper) {
            prop_assert!(result.is_ok());
        } else {
            let err = result.unwrap_err();
            prop_assert_eq!((err.field(), err.rule()), (field, &Rule::CountryCode));
        }
    }

    #[test]
    fn r2_country_code_length_refused(
        field in select(COUNTRY_FIELDS),
        code in prop_oneof!["[A-Za-z]{0,1}", "[A-Za-z]{3,8}", from_pool(MULTIBYTE, 3..6)],
    ) {
        let n = code.chars().count();
        assert_refused(set(base(), field, code), field, &length(2, 2, n));
    }

    // ----- dateOfBirth / dateOfExpiry / dateOfIssue (R3) ---------------------------------

    #[test]
    fn r3_date_valid_round_trip(field in select(DATE_FIELDS), (y, m, d) in valid_date()) {
        let text = format!("{y:04}-{m:02}-{d:02}");
        let value = accepted(set(base(), field, text.clone()));
        assert_only(&value, field, &json!(text));

        let date = Date::parse(&text).unwrap();
        prop_assert_eq!((date.year(), date.month(), date.day()), (y, m, d));
        prop_assert_eq!(date.to_string(), text.clone());
        let built = Date::new(y, m, d).unwrap();
        prop_assert_eq!(built, date);
        // A `Date` value given to the setter serializes the same way.
        let value = accepted(match field {
            "dateOfBirth" => base().date_of_birth(built),
            "dateOfExpiry" => base().date_of_expiry(built),
            _ => base().date_of_issue(built),
        });
        assert_only(&value, field, &json!(text));
    }

    #[test]
    fn r3_date_invalid_day_of_month_refused(
        field in select(DATE_FIELDS),
        (y, m, d) in (1u16..=9999, 1u8..=12)
            .prop_flat_map(|(y, m)| (Just(y), Just(m), prop_oneof![Just(0u8), (days_in_month(y, m) + 1)..=99])),
    ) {
        let text = format!("{y:04}-{m:02}-{d:02}");
        assert_refused(set(base(), field, text), field, &Rule::DateFormat);
        prop_assert!(Date::new(y, m, d).is_err());
    }

    #[test]
    fn r3_date_invalid_month_refused(
        field in select(DATE_FIELDS),
        y in 1u16..=9999,
        m in prop_oneof![Just(0u8), 13u8..=99],
        d in 1u8..=28,
    ) {
        let text = format!("{y:04}-{m:02}-{d:02}");
        assert_refused(set(base(), field, text), field, &Rule::DateFormat);
    }

    // ----- personalNumber / documentNumber (R3): 1..=50 -----------------------------------

    #[test]
    fn r3_personal_and_document_number_length_accepted(
        field in select(NUMBER_FIELDS),
        number in sized_string(1..=50),
    ) {
        let value = accepted(set(base(), field, number.clone()));
        assert_only(&value, field, &json!(number));
    }

    #[test]
    fn r3_personal_and_document_number_length_refused(
        field in select(NUMBER_FIELDS),
        number in prop_oneof![Just(String::new()), sized_string(51..=120)],
    ) {
        let n = number.chars().count();
        assert_refused(set(base(), field, number), field, &length(1, 50, n));
    }

    // ----- address (R3): 0..=255 ---------------------------------------------------------

    #[test]
    fn r3_address_length_accepted(address in sized_string(0..=255)) {
        let value = accepted(base().address(address.clone()));
        assert_only(&value, "address", &json!(address));
    }

    #[test]
    fn r3_address_multibyte_exactly_255_accepted(address in from_pool(MULTIBYTE, 255)) {
        let value = accepted(base().address(address.clone()));
        assert_only(&value, "address", &json!(address));
    }

    #[test]
    fn r3_address_length_refused(address in sized_string(256..=400)) {
        let n = address.chars().count();
        assert_refused(base().address(address), "address", &length(0, 255, n));
    }

    // ----- externalRef (R3): 0..=40 ------------------------------------------------------

    #[test]
    fn r3_external_ref_length_accepted(reference in sized_string(0..=40)) {
        let value = accepted(base().external_ref(reference.clone()));
        assert_only(&value, "externalRef", &json!(reference));
    }

    #[test]
    fn r3_external_ref_length_refused(reference in sized_string(41..=100)) {
        let n = reference.chars().count();
        assert_refused(base().external_ref(reference), "externalRef", &length(0, 40, n));
    }

    // ----- sex, tokenType, dummyStatus (R3) ----------------------------------------------

    #[test]
    fn r3_sex_one_of(value in prop_oneof![any::<String>(), "[A-Za-z]{1,2}"]) {
        let result = base().sex(Sex::from(value.as_str())).build();
        if value == "M" || value == "F" {
            let request = result.unwrap();
            assert_only(&serde_json::to_value(&request).unwrap(), "sex", &json!(value));
        } else {
            let err = result.unwrap_err();
            prop_assert_eq!(err.field(), "sex");
            prop_assert_eq!(err.rule(), &Rule::OneOf { allowed: &["M", "F"] });
        }
    }

    #[test]
    fn r3_token_type_one_of(
        wire in prop_oneof![select(&TOKEN_TYPES[..]).prop_map(str::to_owned), "[A-Z_]{1,30}", any::<String>()],
    ) {
        let result = base().token_type(TokenType::from(wire.as_str())).build();
        if TOKEN_TYPES.contains(&wire.as_str()) {
            assert_only(&serde_json::to_value(result.unwrap()).unwrap(), "tokenType", &json!(wire));
        } else {
            let err = result.unwrap_err();
            prop_assert_eq!(err.field(), "tokenType");
            prop_assert_eq!(err.rule(), &Rule::OneOf { allowed: &TOKEN_TYPES });
        }
    }

    #[test]
    fn r3_dummy_status_one_of(
        wire in prop_oneof![select(&DUMMY_STATUSES[..]).prop_map(str::to_owned), "[A-Z_]{1,30}", any::<String>()],
    ) {
        let result = base().dummy_status(DummyStatus::from(wire.as_str())).build();
        if DUMMY_STATUSES.contains(&wire.as_str()) {
            assert_only(&serde_json::to_value(result.unwrap()).unwrap(), "dummyStatus", &json!(wire));
        } else {
            let err = result.unwrap_err();
            prop_assert_eq!(err.field(), "dummyStatus");
            prop_assert_eq!(err.rule(), &Rule::OneOf { allowed: &DUMMY_STATUSES });
        }
    }

    // ----- documents (R3): unknown types pass through verbatim ----------------------------

    #[test]
    fn r3_documents_unknown_types_serialized_verbatim(
        wires in vec(
            prop_oneof![
                select(DocumentType::KNOWN_STRS).prop_map(str::to_owned),
                "[A-Z][A-Z_]{0,30}",
            ],
            1..6,
        ),
    ) {
        let documents: Vec<DocumentType> = wires.iter().map(|w| DocumentType::from(w.as_str())).collect();
        for (document, wire) in documents.iter().zip(&wires) {
            prop_assert_eq!(document.as_str(), wire.as_str());
            let known = DocumentType::KNOWN_STRS.contains(&wire.as_str());
            prop_assert_eq!(document.is_known(), known);
            if !known {
                prop_assert_eq!(document, &DocumentType::Unknown(wire.clone()));
            }
        }
        let value = accepted(base().documents(documents));
        assert_only(&value, "documents", &json!(wires));
    }

    // ----- booleans and lists (R3): sent as given ----------------------------------------

    #[test]
    fn r3_flags_and_lists_serialized_verbatim(
        show in any::<bool>(),
        digits in any::<bool>(),
        bill in any::<bool>(),
        questions in vec(any::<String>(), 0..4),
        questionnaire in any::<String>(),
    ) {
        let value = accepted(
            base()
                .show_instructions(show)
                .generate_digit_string(digits)
                .utility_bill(bill)
                .video_call_questions(questions.clone())
                .questionnaire(questionnaire.clone()),
        );
        prop_assert_eq!(
            value,
            json!({
                "clientId": CLIENT_ID,
                "showInstructions": show,
                "generateDigitString": digits,
                "utilityBill": bill,
                "videoCallQuestions": questions,
                "questionnaire": questionnaire,
            })
        );
    }

    // ----- extra fields (R3) -------------------------------------------------------------

    #[test]
    fn r3_extra_fields_serialized_verbatim(
        fields in btree_map(extra_key(), json_value(), 1..5),
    ) {
        let mut builder = base();
        for (key, value) in &fields {
            builder = builder.extra_field(key.clone(), value.clone());
        }
        let request = builder.build().unwrap();
        let value = serde_json::to_value(&request).unwrap();
        let object = value.as_object().unwrap();
        prop_assert_eq!(object.len(), fields.len() + 1);
        for (key, expected) in &fields {
            prop_assert_eq!(object.get(key), Some(expected));
        }
        let kept: BTreeMap<String, Value> = request
            .extra_fields()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        prop_assert_eq!(kept, fields);
    }

    #[test]
    fn r3_extra_field_collides_with_typed_field(
        key in select(TokenRequest::FIELDS),
        value in json_value(),
        other in btree_map(extra_key(), json_value(), 0..3),
    ) {
        let mut builder = base().extra_field(key, value);
        for (k, v) in other {
            builder = builder.extra_field(k, v);
        }
        assert_refused(builder, key, &Rule::CollidesWithTypedField);
    }
}
