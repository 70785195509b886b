#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Test code indexes and slices known fixtures and outputs: a bad bound is a failed test.
#![allow(clippy::indexing_slicing, clippy::string_slice)]
//! The `Idenfy-Signature` header (R8, R10): known answers computed with `openssl dgst` on our own
//! fixtures, the shared oracle vectors, and properties of `sign`/`verify` (raw bytes, any hex
//! case, surrounding whitespace, key rotation, one distinct error per kind of bad header).

mod support;

use std::path::Path;

use idenfy_proto::Error;
use idenfy_proto::http::{HeaderValue, Request};
use idenfy_proto::server;
use idenfy_proto::webhook::{
    self, EVENT_TYPE_HEADER, EmptyKeyError, SIGNATURE_HEADER, SignatureError, WebhookEvent,
    WebhookKey,
};
use proptest::prelude::*;
use serde_json::Value;

const AUTO_FINAL_FALSE: &[u8] =
    include_bytes!("fixtures/webhooks/identification_auto_final_false.json");
const VIDEO_CALL: &[u8] = include_bytes!("fixtures/webhooks/video_call.json");
const DOCUMENT_EXPIRATION: &[u8] = include_bytes!("fixtures/webhooks/document_expiration.json");
const UNKNOWN_EVENT: &[u8] = include_bytes!("fixtures/webhooks/unknown_event.json");

const KEY_1: &str = "idenfy-rs-webhook-key-1";
/// `openssl dgst -sha256 -hmac 'idenfy-rs-webhook-key-1' identification_auto_final_false.json`
/// (the file ends in one LF, which is signed too).
const AUTO_FINAL_FALSE_SIG: &str =
    "9a533828b3902eb8afde8c4fee4efabafc8dd4b0639186427245d0267c22f3fb";
/// `head -c -1 identification_auto_final_false.json > stripped.json &&
///  openssl dgst -sha256 -hmac 'idenfy-rs-webhook-key-1' stripped.json`
const AUTO_FINAL_FALSE_STRIPPED_SIG: &str =
    "7bfb6f9437df12eb1519e257238b10f2f1c2d1495612c5269e79ad05be29f58a";

const SHARED: &str = support::ORACLES;

fn keys(list: &[&str]) -> Vec<WebhookKey> {
    list.iter()
        .map(|key| WebhookKey::new(*key).unwrap())
        .collect()
}

#[test]
fn r8_known_answer_body_with_trailing_lf() {
    assert_eq!(AUTO_FINAL_FALSE.last(), Some(&b'\n'));
    let key = WebhookKey::new(KEY_1).unwrap();
    assert_eq!(
        server::sign_webhook(&key, AUTO_FINAL_FALSE),
        AUTO_FINAL_FALSE_SIG
    );
    assert_eq!(
        webhook::verify(AUTO_FINAL_FALSE, Some(AUTO_FINAL_FALSE_SIG), &[key]),
        Ok(())
    );
}

#[test]
fn r8_trailing_lf_is_signed_stripping_it_fails() {
    let stripped = &AUTO_FINAL_FALSE[..AUTO_FINAL_FALSE.len() - 1];
    let key = WebhookKey::new(KEY_1).unwrap();
    assert_eq!(
        webhook::verify(
            stripped,
            Some(AUTO_FINAL_FALSE_SIG),
            std::slice::from_ref(&key)
        ),
        Err(SignatureError::Mismatch)
    );
    // The stripped body has its own signature, which openssl agrees with.
    assert_eq!(
        server::sign_webhook(&key, stripped),
        AUTO_FINAL_FALSE_STRIPPED_SIG
    );
    assert_eq!(
        webhook::verify(
            AUTO_FINAL_FALSE,
            Some(AUTO_FINAL_FALSE_STRIPPED_SIG),
            &[key]
        ),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn r8_known_answer_non_ascii_key_is_its_utf8_bytes() {
    assert_ne!(VIDEO_CALL.last(), Some(&b'\n'));
    // openssl dgst -sha256 -hmac 'raktas-ąčęėįšųūž-🔑' video_call.json
    let expected = "b1c06866d4f64abe7ea2938bdad3fc2ec7fd31e515ddd4c412d44b22f9890ad4";
    let key = WebhookKey::new("raktas-ąčęėįšųūž-🔑").unwrap();
    assert_eq!(server::sign_webhook(&key, VIDEO_CALL), expected);
    assert_eq!(
        key.expose_secret(),
        "raktas-ąčęėįšųūž-🔑".as_bytes(),
        "the key is the UTF-8 bytes of the string"
    );
    assert!(webhook::verify(VIDEO_CALL, Some(expected), &[key]).is_ok());
}

#[test]
fn r8_known_answer_key_longer_than_a_block() {
    // openssl dgst -sha256 -hmac 'a-very-long-signing-key-of-more-than-sixty-four-bytes-0123456789-abcdefghijklmnopqrstuvwxyz' document_expiration.json
    let secret = "a-very-long-signing-key-of-more-than-sixty-four-bytes-0123456789-abcdefghijklmnopqrstuvwxyz";
    assert!(secret.len() > 64);
    let expected = "b93323c157ab17e5b8f1a5268222db1a877c955325b86872e0cba7998c950d45";
    let key = WebhookKey::new(secret).unwrap();
    assert_eq!(server::sign_webhook(&key, DOCUMENT_EXPIRATION), expected);
    assert!(webhook::verify(DOCUMENT_EXPIRATION, Some(expected), &[key]).is_ok());
}

#[test]
fn r8_known_answer_empty_body() {
    // : > empty && openssl dgst -sha256 -hmac k empty
    let expected = "8bb990c40a7d61cb97597a942125025be50ac8beb74436e3735b98893a7f6620";
    let key = WebhookKey::new("k").unwrap();
    assert_eq!(server::sign_webhook(&key, b""), expected);
    assert!(webhook::verify(b"", Some(expected), &[key]).is_ok());
}

#[test]
fn r8_key_is_never_hex_decoded() {
    // openssl dgst -sha256 -hmac deadbeef unknown_event.json
    let text_key = "b1b76275eb958220a04bb7adc056864b0db509823c7762ea949c034d1323e5b3";
    // openssl dgst -sha256 -mac HMAC -macopt hexkey:deadbeef unknown_event.json
    let hex_decoded_key = "758f515fe441ad34cdd994e20dfb4e8783c64f45af7145f37bd387f3cfbe7542";
    let key = WebhookKey::new("deadbeef").unwrap();
    assert_eq!(server::sign_webhook(&key, UNKNOWN_EVENT), text_key);
    assert_eq!(
        webhook::verify(UNKNOWN_EVENT, Some(hex_decoded_key), &[key]),
        Err(SignatureError::Mismatch)
    );
    let bytes = WebhookKey::new(vec![0xde, 0xad, 0xbe, 0xef]).unwrap();
    assert_eq!(server::sign_webhook(&bytes, UNKNOWN_EVENT), hex_decoded_key);
}

#[test]
fn r8_key_case_matters() {
    let sig = server::sign_webhook(&WebhookKey::new(KEY_1).unwrap(), AUTO_FINAL_FALSE);
    assert_eq!(
        webhook::verify(
            AUTO_FINAL_FALSE,
            Some(&sig),
            &keys(&[&KEY_1.to_ascii_uppercase()])
        ),
        Err(SignatureError::Mismatch)
    );
}

/// The body a manifest entry names: `body_file`, or the file minus its final LF byte for the
/// derived vector that says so.
fn oracle_body(body_file: &str) -> (String, Vec<u8>) {
    let (file, strip_lf) = match body_file.split_once(" (minus its final LF byte)") {
        Some((file, _)) => (file.trim(), true),
        None => (body_file.trim(), false),
    };
    let mut bytes = std::fs::read(Path::new(SHARED).join(file))
        .unwrap_or_else(|err| panic!("reading {file}: {err}"));
    if strip_lf {
        assert_eq!(bytes.pop(), Some(b'\n'), "{file} ends in LF");
    }
    (file.to_owned(), bytes)
}

#[test]
fn r8_shared_oracle_vectors() {
    let manifest = Path::new(SHARED).join("webhook-hmac-vectors.json");
    if !manifest.exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "the shared oracles are missing; CI must check them"
        );
        eprintln!(
            "skipped: {} not found (shared/ is not beside the repository)",
            manifest.display()
        );
        return;
    }
    let manifest: Value = serde_json::from_slice(&std::fs::read(&manifest).unwrap()).unwrap();
    let vectors = manifest["vectors"].as_array().unwrap();
    assert!(vectors.len() >= 6, "the manifest lists every vector");

    // Valid external vectors, by body file: their signature must fail for every derived variant.
    let mut originals: Vec<(String, String)> = Vec::new();
    let mut checked = 0;
    for vector in vectors {
        let id = vector["id"].as_str().unwrap();
        let key = WebhookKey::new(vector["key"].as_str().unwrap()).unwrap();
        let signature = vector["signature_hex"].as_str().unwrap();
        let (file, body) = oracle_body(vector["body_file"].as_str().unwrap());
        if let Some(len) = vector["body_bytes"].as_u64() {
            assert_eq!(body.len() as u64, len, "{id}: body length");
        }
        // Every listed signature is the HMAC of its body under its key ...
        assert_eq!(server::sign_webhook(&key, &body), signature, "{id}: sign");
        assert_eq!(
            webhook::verify(&body, Some(signature), std::slice::from_ref(&key)),
            Ok(()),
            "{id}: verify"
        );
        // ... in any case of hex.
        assert_eq!(
            webhook::verify(
                &body,
                Some(&signature.to_ascii_uppercase()),
                std::slice::from_ref(&key)
            ),
            Ok(()),
            "{id}: upper-case hex"
        );
        if let Some(negative) = vector["negative_signature_hex"].as_str() {
            assert_eq!(
                webhook::verify(&body, Some(negative), std::slice::from_ref(&key)),
                Err(SignatureError::Mismatch),
                "{id}: negative signature"
            );
        }
        match vector["origin"].as_str() {
            Some("external") => {
                assert_eq!(vector["expect"], "valid", "{id}");
                originals.push((file, signature.to_owned()));
            }
            Some("derived") => {
                // The original header value must not verify against the altered body or key.
                let (_, original) = originals
                    .iter()
                    .find(|(original_file, _)| *original_file == file)
                    .unwrap_or_else(|| panic!("{id}: no external vector for {file}"));
                assert_eq!(
                    webhook::verify(&body, Some(original), &[key]),
                    Err(SignatureError::Mismatch),
                    "{id}: the original signature must fail"
                );
            }
            other => panic!("{id}: unexpected origin {other:?}"),
        }
        checked += 1;
    }
    assert_eq!(checked, vectors.len());

    // Veriff's upstream test verifies against a list of secrets (rotation): only one matches.
    let veriff = vectors
        .iter()
        .find(|vector| vector["id"] == "veriff.go.webhook-message")
        .unwrap();
    let (_, body) = oracle_body(veriff["body_file"].as_str().unwrap());
    let rotation = keys(&["abc", veriff["key"].as_str().unwrap(), "cde"]);
    assert_eq!(
        webhook::verify(
            &body,
            Some(veriff["signature_hex"].as_str().unwrap()),
            &rotation
        ),
        Ok(())
    );
}

#[test]
fn r8_shared_go_idenfy_signature_file() {
    let docs = Path::new(SHARED).join("idenfy-docs");
    let signature_file = docs.join("webhook_go-idenfy_testdata_webhook.1.signature.txt");
    if !signature_file.exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "the shared oracles are missing; CI must check them"
        );
        eprintln!("skipped: {} not found", signature_file.display());
        return;
    }
    let text = std::fs::read_to_string(&signature_file).unwrap();
    let field = |name: &str| {
        text.lines()
            .find_map(|line| line.strip_prefix(name)?.strip_prefix('='))
            .unwrap()
            .to_owned()
    };
    let body = std::fs::read(docs.join("webhook_go-idenfy_testdata_webhook.1.json")).unwrap();
    let keys = keys(&[&field("key")]);
    let header = field("Idenfy-Signature");
    let event = webhook::verify_and_parse(&body, Some(&header), None, &keys).unwrap();
    assert_eq!(event.scan_ref(), Some("scan-ref"));
}

#[test]
fn r8_each_error_variant_from_its_input() {
    let key = WebhookKey::new(KEY_1).unwrap();
    let good = server::sign_webhook(&key, AUTO_FINAL_FALSE);
    let keys = [key];
    let check = |signature: Option<&str>| webhook::verify(AUTO_FINAL_FALSE, signature, &keys);

    assert_eq!(check(Some(&good)), Ok(()));
    assert_eq!(check(None), Err(SignatureError::Missing));
    assert_eq!(check(Some("")), Err(SignatureError::Empty));
    assert_eq!(check(Some(" \t\r\n ")), Err(SignatureError::Empty));
    assert_eq!(
        check(Some(&format!("sha256={good}"))),
        Err(SignatureError::NotHex)
    );
    assert_eq!(
        check(Some(&good.replace(&good[10..11], "g"))),
        Err(SignatureError::NotHex)
    );
    assert_eq!(
        check(Some(&format!("{} {}", &good[..32], &good[32..]))),
        Err(SignatureError::NotHex),
        "inner whitespace is not trimmed"
    );
    assert_eq!(check(Some("é")), Err(SignatureError::NotHex));
    assert_eq!(
        check(Some(&good[..63])),
        Err(SignatureError::WrongLength { actual: 63 })
    );
    assert_eq!(
        check(Some(&format!("{good}00"))),
        Err(SignatureError::WrongLength { actual: 66 })
    );
    // A base64 signature (what go-idenfy first tried) is refused for its shape.
    assert_eq!(
        check(Some("mlM4KLOQLrivjE/O5O+rr8jdtLBjkYZCckXQJnwi8/s=")),
        Err(SignatureError::NotHex)
    );
    assert_eq!(check(Some(&"0".repeat(64))), Err(SignatureError::Mismatch));
    assert_eq!(
        webhook::verify(AUTO_FINAL_FALSE, Some(&good), &[]),
        Err(SignatureError::NoKeys)
    );
    assert_eq!(
        webhook::verify(AUTO_FINAL_FALSE, None, &[]),
        Err(SignatureError::NoKeys),
        "no keys is reported first: it is a configuration error"
    );
}

#[test]
fn r10_errors_never_show_the_key_or_the_expected_signature() {
    let key = WebhookKey::new(KEY_1).unwrap();
    let expected = server::sign_webhook(&key, AUTO_FINAL_FALSE);
    let keys = [key];
    let wrong = "f".repeat(64);
    for signature in [
        None,
        Some(""),
        Some("zz"),
        Some("abc"),
        Some(wrong.as_str()),
    ] {
        let err = webhook::verify(AUTO_FINAL_FALSE, signature, &keys).unwrap_err();
        for text in [err.to_string(), format!("{err:?}")] {
            assert!(!text.contains(KEY_1), "{text}");
            assert!(!text.contains(&expected), "{text}");
            assert!(!text.contains(&expected[..16]), "{text}");
        }
        let wrapped = Error::from(err);
        assert!(!format!("{wrapped} {wrapped:?}").contains(KEY_1));
    }
}

#[test]
fn r10_webhook_key_debug_is_redacted() {
    let key = WebhookKey::new(KEY_1).unwrap();
    assert_eq!(format!("{key:?}"), "WebhookKey([redacted])");
    assert_eq!(
        format!("{:?}", [key.clone(), key]),
        "[WebhookKey([redacted]), WebhookKey([redacted])]"
    );
}

#[test]
fn r8_header_names() {
    assert_eq!(SIGNATURE_HEADER, "Idenfy-Signature");
    assert_eq!(EVENT_TYPE_HEADER, "Idenfy-Event-Type");
}

fn request(headers: &[(&str, &[u8])], body: &'static [u8]) -> Request<&'static [u8]> {
    let mut builder = Request::post("/webhooks/idenfy");
    for (name, value) in headers {
        builder = builder.header(*name, HeaderValue::from_bytes(value).unwrap());
    }
    builder.body(body).unwrap()
}

#[test]
fn r8_from_request_header_names_in_any_case() {
    let key = WebhookKey::new(KEY_1).unwrap();
    let sig = server::sign_webhook(&key, AUTO_FINAL_FALSE);
    let keys = [key];
    for (signature_name, event_name) in [
        ("idenfy-signature", "idenfy-event-type"),
        ("IDENFY-SIGNATURE", "IDENFY-EVENT-TYPE"),
        ("Idenfy-Signature", "Idenfy-Event-Type"),
        ("iDeNfY-sIgNaTuRe", "iDeNfY-eVeNt-TyPe"),
    ] {
        let request = request(
            &[
                (signature_name, sig.as_bytes()),
                (event_name, b"IDENTIFICATION_AUTO_FINISHED"),
            ],
            AUTO_FINAL_FALSE,
        );
        let event = webhook::from_request(&request, &keys).unwrap();
        assert!(matches!(event, WebhookEvent::Identification { .. }));
        assert_eq!(
            event.event_type().map(|event| event.as_str()),
            Some("IDENTIFICATION_AUTO_FINISHED")
        );
    }
}

#[test]
fn r8_from_request_refuses_bad_headers_without_parsing() {
    let key = WebhookKey::new(KEY_1).unwrap();
    let sig = server::sign_webhook(&key, AUTO_FINAL_FALSE);
    let keys = [key];
    let refused = |headers: &[(&str, &[u8])]| match webhook::from_request(
        &request(headers, AUTO_FINAL_FALSE),
        &keys,
    ) {
        Err(Error::Signature(err)) => err,
        other => panic!("expected a signature error, got {other:?}"),
    };
    assert_eq!(refused(&[]), SignatureError::Missing);
    assert_eq!(refused(&[("idenfy-signature", b"")]), SignatureError::Empty);
    // Not visible ASCII (obs-text bytes, which `http` lets through).
    assert_eq!(
        refused(&[("idenfy-signature", b"\xe9abc")]),
        SignatureError::NotHex
    );
    assert_eq!(
        refused(&[("idenfy-signature", b"ab\xffcd")]),
        SignatureError::NotHex
    );
    assert_eq!(
        refused(&[("idenfy-signature", b"abcd")]),
        SignatureError::WrongLength { actual: 4 }
    );
    let mut other = sig.clone().into_bytes();
    other[0] = if other[0] == b'0' { b'1' } else { b'0' };
    assert_eq!(
        refused(&[("idenfy-signature", &other)]),
        SignatureError::Mismatch
    );
    // A wrong key list wins over any header.
    assert!(matches!(
        webhook::from_request(
            &request(&[("idenfy-signature", b"\xe9")], AUTO_FINAL_FALSE),
            &[]
        ),
        Err(Error::Signature(SignatureError::NoKeys))
    ));
    // Whitespace around the value and upper-case hex are fine.
    let padded = format!("  {}\t", sig.to_ascii_uppercase());
    let ok = webhook::from_request(
        &request(&[("idenfy-signature", padded.as_bytes())], AUTO_FINAL_FALSE),
        &keys,
    );
    assert!(ok.is_ok());
}

/// A hex digit other than `digit`, in either case.
fn other_hex_digit(digit: u8, choice: u8) -> u8 {
    const DIGITS: &[u8] = b"0123456789abcdefABCDEF";
    let candidates: Vec<u8> = DIGITS
        .iter()
        .copied()
        .filter(|candidate| !candidate.eq_ignore_ascii_case(&digit))
        .collect();
    candidates[usize::from(choice) % candidates.len()]
}

#[test]
fn r8_an_empty_key_is_refused_by_every_constructor() {
    // HMAC takes an empty key, so a key read from an unset variable would verify signatures
    // anyone can make: no `WebhookKey` can be empty.
    assert_eq!(WebhookKey::new("").unwrap_err(), EmptyKeyError);
    assert_eq!(WebhookKey::new(Vec::new()).unwrap_err(), EmptyKeyError);
    assert!(WebhookKey::try_from("").is_err());
    assert!(WebhookKey::try_from(String::new()).is_err());
    assert!(WebhookKey::try_from(&b""[..]).is_err());
    assert!(WebhookKey::try_from(Vec::<u8>::new()).is_err());
    // Whitespace is a key like any other (the CLI trims what it reads from files, not this).
    assert!(WebhookKey::new(" ").is_ok());
    assert!(!EmptyKeyError.to_string().is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn r8_prop_sign_then_verify(
        body in proptest::collection::vec(any::<u8>(), 0..2048),
        key in proptest::collection::vec(any::<u8>(), 1..160),
    ) {
        let key = WebhookKey::new(key).unwrap();
        let signature = server::sign_webhook(&key, &body);
        prop_assert_eq!(signature.len(), 64);
        prop_assert!(signature.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
        prop_assert_eq!(webhook::verify(&body, Some(&signature), &[key]), Ok(()));
    }

    #[test]
    fn r8_prop_any_changed_body_byte_fails(
        body in proptest::collection::vec(any::<u8>(), 1..1024),
        key in "[ -~]{1,40}",
        index in any::<prop::sample::Index>(),
        flip in 1u8..=255,
    ) {
        let key = WebhookKey::new(key).unwrap();
        let signature = server::sign_webhook(&key, &body);
        let mut changed = body.clone();
        let at = index.index(changed.len());
        changed[at] ^= flip;
        prop_assert_eq!(
            webhook::verify(&changed, Some(&signature), &[key]),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn r8_prop_any_changed_hex_digit_fails(
        body in proptest::collection::vec(any::<u8>(), 0..512),
        key in "[ -~]{1,40}",
        index in 0usize..64,
        choice in any::<u8>(),
    ) {
        let key = WebhookKey::new(key).unwrap();
        let mut signature = server::sign_webhook(&key, &body).into_bytes();
        signature[index] = other_hex_digit(signature[index], choice);
        let signature = String::from_utf8(signature).unwrap();
        prop_assert_eq!(
            webhook::verify(&body, Some(&signature), &[key]),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn r8_prop_hex_case_and_surrounding_whitespace_accepted(
        body in proptest::collection::vec(any::<u8>(), 0..512),
        key in "\\PC{1,30}",
        upper in proptest::collection::vec(any::<bool>(), 64),
        before in "[ \t\r\n]{0,4}",
        after in "[ \t\r\n]{0,4}",
    ) {
        let key = WebhookKey::new(key).unwrap();
        let signature = server::sign_webhook(&key, &body);
        let mixed: String = signature
            .chars()
            .zip(&upper)
            .map(|(c, up)| if *up { c.to_ascii_uppercase() } else { c })
            .collect();
        let keys = [key];
        prop_assert_eq!(webhook::verify(&body, Some(&signature.to_ascii_uppercase()), &keys), Ok(()));
        prop_assert_eq!(webhook::verify(&body, Some(&mixed), &keys), Ok(()));
        let padded = format!("{before}{mixed}{after}");
        prop_assert_eq!(webhook::verify(&body, Some(&padded), &keys), Ok(()));
    }

    #[test]
    fn r8_prop_rotation_any_position(
        body in proptest::collection::vec(any::<u8>(), 0..256),
        others in proptest::collection::vec("[a-z0-9]{1,20}", 0..6),
        position in any::<prop::sample::Index>(),
    ) {
        let right = WebhookKey::new("current-signing-key").unwrap();
        let signature = server::sign_webhook(&right, &body);
        // "wrong-" never equals the right key.
        let mut list: Vec<WebhookKey> =
            others.iter().map(|other| WebhookKey::new(format!("wrong-{other}")).unwrap()).collect();
        if !list.is_empty() {
            prop_assert_eq!(
                webhook::verify(&body, Some(&signature), &list),
                Err(SignatureError::Mismatch)
            );
        }
        let at = position.index(list.len() + 1);
        list.insert(at, right);
        prop_assert_eq!(webhook::verify(&body, Some(&signature), &list), Ok(()));
    }

    #[test]
    fn r8_prop_bad_shapes_have_distinct_errors(
        length in 1usize..200,
        bad in "[g-zG-Z_=+/.:-]",
        position in any::<prop::sample::Index>(),
    ) {
        let keys = [WebhookKey::new(KEY_1).unwrap()];
        let hex = "a".repeat(length);
        let expected = if length == 64 {
            Err(SignatureError::Mismatch)
        } else {
            Err(SignatureError::WrongLength { actual: length })
        };
        prop_assert_eq!(webhook::verify(b"{}", Some(&hex), &keys), expected);
        let mut not_hex = hex.clone();
        let at = position.index(length);
        not_hex.replace_range(at..=at, &bad);
        prop_assert_eq!(
            webhook::verify(b"{}", Some(&not_hex), &keys),
            Err(SignatureError::NotHex)
        );
    }

    #[test]
    fn r8_prop_verify_and_parse_never_returns_a_payload_on_failure(
        body in proptest::collection::vec(any::<u8>(), 0..256),
        header in proptest::option::of("\\PC{0,70}"),
    ) {
        let keys = [WebhookKey::new(KEY_1).unwrap()];
        let expected = webhook::verify(&body, header.as_deref(), &keys);
        let result = webhook::verify_and_parse(&body, header.as_deref(), None, &keys);
        match expected {
            Err(err) => prop_assert!(
                matches!(result, Err(Error::Signature(got)) if got == err),
                "{result:?}"
            ),
            Ok(()) => prop_assert!(!matches!(result, Err(Error::Signature(_)))),
        }
    }
}
