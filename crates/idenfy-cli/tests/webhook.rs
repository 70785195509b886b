//! `idenfy webhook sign|verify|parse` as a real process (R7, R8, R10, `spec/CLI.md`), and the
//! acceptance check against the shared oracles when they are present beside the repository.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Test code indexes and slices known fixtures and outputs: a bad bound is a failed test.
#![allow(clippy::indexing_slicing, clippy::string_slice)]

mod support;

use std::path::{Path, PathBuf};

use serde_json::Value;
use support::{Run, fixture, fixture_arg, idenfy, idenfy_stdin};

/// The key the fixture below was signed with.
const KEY: &str = "whk-CLI-fixture-key-0001";

/// `openssl dgst -sha256 -hmac whk-CLI-fixture-key-0001 tests/fixtures/webhook-auto.json`.
const SIGNATURE: &str = "dfa8ba6af825f24d3d87f6a6eec3a7a0d98b354d5ec51db2c6ed9a58758b8314";

/// An identification result (automatic, `final: false`) with a numeric `clientId`, float and
/// string timestamps, a duplicate key, an unknown enum value, personal data, and a trailing
/// newline.
const AUTO: &str = "webhook-auto.json";

/// Personal data of [`AUTO`] that the human summary must not show (R10).
const AUTO_PERSONAL: [&str; 7] = [
    "Gintarė",
    "Žemaitytė",
    "LT9876543",
    "49001011234",
    "198.51.100.23",
    "Kaunas",
    "amazonaws",
];

/// The human output of `webhook verify` for [`AUTO`] without an event-type header.
const AUTO_VERIFIED: &str = "\
signature    verified
event        IDENTIFICATION (inferred)
scanRef      5d2c91e0-4b7a-4f6e-9a13-7c8e2f0b6d41
clientId     480215
final        false
overall      APPROVED
face         FACE_MATCH (auto)
document     DOC_VALIDATED (auto)
fraudTags    -
mismatchTags NAME, SURNAME
";

fn auto_body() -> Vec<u8> {
    std::fs::read(fixture(AUTO)).unwrap()
}

/// `idenfy webhook verify --key K… --signature S <extra…> FILE`.
fn verify_file(keys: &[&str], signature: &str, extra: &[&str], file: &str) -> Run {
    let mut args = vec!["webhook", "verify"];
    for key in keys {
        args.extend_from_slice(&["--key", key]);
    }
    args.extend_from_slice(&["--signature", signature]);
    args.extend_from_slice(extra);
    args.push(file);
    idenfy(&args)
}

/// `idenfy <global…> webhook verify --key K… --signature S` with `body` on stdin.
fn verify_stdin(global: &[&str], keys: &[&str], signature: &str, body: &[u8]) -> Run {
    let mut args = global.to_vec();
    args.extend_from_slice(&["webhook", "verify"]);
    for key in keys {
        args.extend_from_slice(&["--key", key]);
    }
    args.extend_from_slice(&["--signature", signature]);
    idenfy_stdin(&args, body)
}

/// Asserts a refused signature: exit 1, nothing on stdout, `error: signature: …` on stderr, and
/// with `--json` exactly `{"error": {"kind": "signature", "message": …}}`.
fn assert_signature_refused(keys: &[&str], signature: &str, body: &[u8]) {
    let run = verify_stdin(&[], keys, signature, body);
    assert_eq!(run.code, 1, "{signature:?} verified: {}", run.stdout);
    assert!(run.stdout.is_empty(), "stdout: {}", run.stdout);
    assert!(
        run.stderr.starts_with("error: signature: "),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    for key in keys {
        run.assert_hidden(key);
    }
    let run = verify_stdin(&["--json"], keys, signature, body);
    assert_eq!(run.code, 1);
    let document = run.json();
    let error = document["error"].as_object().unwrap();
    assert_eq!(error.len(), 2, "{document}");
    assert_eq!(error["kind"], "signature");
    assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert_eq!(document.as_object().unwrap().len(), 1, "{document}");
}

// --- sign ---------------------------------------------------------------------------------

#[test]
fn r8_sign_file_equals_openssl() {
    let run = idenfy(&["webhook", "sign", "--key", KEY, &fixture_arg(AUTO)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, format!("{SIGNATURE}\n"));
    assert!(run.stderr.is_empty());
    run.assert_hidden(KEY);

    let run = idenfy(&[
        "--json",
        "webhook",
        "sign",
        "--key",
        KEY,
        &fixture_arg(AUTO),
    ]);
    assert_eq!(run.code, 0);
    assert_eq!(run.json(), serde_json::json!({ "signature": SIGNATURE }));
    run.assert_hidden(KEY);
}

#[test]
fn r8_sign_stdin_equals_file() {
    let body = auto_body();
    for args in [
        &["webhook", "sign", "--key", KEY][..],
        &["webhook", "sign", "--key", KEY, "-"][..],
    ] {
        let run = idenfy_stdin(args, &body);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_eq!(run.stdout, format!("{SIGNATURE}\n"), "{args:?}");
    }
    // Byte for byte: the trailing newline is signed too.
    let run = idenfy_stdin(&["webhook", "sign", "--key", KEY], &body[..body.len() - 1]);
    assert_eq!(run.code, 0);
    assert_ne!(run.stdout, format!("{SIGNATURE}\n"));
}

#[test]
fn sign_takes_exactly_one_key() {
    let run = idenfy_stdin(&["webhook", "sign"], b"{}");
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--key"), "{}", run.stderr);
    let run = idenfy_stdin(&["webhook", "sign", "--key", "a", "--key", "b"], b"{}");
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty());
    run.assert_hidden("a-key-never-shown");
}

// --- verify -------------------------------------------------------------------------------

#[test]
fn r8_verify_right_key_prints_the_event() {
    let run = verify_file(&[KEY], SIGNATURE, &[], &fixture_arg(AUTO));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, AUTO_VERIFIED);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    run.assert_hidden(KEY);
    for personal in AUTO_PERSONAL {
        run.assert_hidden(personal);
    }
    // Through stdin, the same.
    let run = verify_stdin(&[], &[KEY], SIGNATURE, &auto_body());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, AUTO_VERIFIED);
}

#[test]
fn r8_verify_with_key_rotation() {
    let run = verify_file(
        &["an-old-key", "another-one", KEY],
        SIGNATURE,
        &[],
        &fixture_arg(AUTO),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, AUTO_VERIFIED);
    run.assert_hidden("an-old-key").assert_hidden(KEY);
    let run = verify_file(&[KEY, "an-old-key"], SIGNATURE, &[], &fixture_arg(AUTO));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_signature_refused(&["an-old-key", "another-one"], SIGNATURE, &auto_body());
}

#[test]
fn r8_verify_accepts_either_case_and_surrounding_whitespace() {
    let upper = SIGNATURE.to_uppercase();
    let run = verify_file(&[KEY], &upper, &[], &fixture_arg(AUTO));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, AUTO_VERIFIED);
    let padded = format!(" {SIGNATURE}\t");
    let run = verify_file(&[KEY], &padded, &[], &fixture_arg(AUTO));
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn r8_verify_refuses_a_wrong_signature() {
    let body = auto_body();
    let mut wrong = SIGNATURE.to_owned();
    wrong.replace_range(63.., "5");
    assert_signature_refused(&[KEY], &wrong, &body);
    // The key's case matters: it is used as it is.
    assert_signature_refused(&[&KEY.to_uppercase()], SIGNATURE, &body);
    let run = verify_stdin(&[], &[KEY], &wrong, &body);
    assert!(run.stderr.contains("does not match"), "{}", run.stderr);
}

#[test]
fn r8_verify_refuses_malformed_signatures() {
    let body = auto_body();
    for (signature, reason) in [
        ("", "empty"),
        ("   ", "empty"),
        (&"g".repeat(64)[..], "not hexadecimal"),
        (&SIGNATURE[..63], "63 hex digits"),
        (&format!("{SIGNATURE}00")[..], "66 hex digits"),
    ] {
        assert_signature_refused(&[KEY], signature, &body);
        let run = verify_stdin(&[], &[KEY], signature, &body);
        assert!(run.stderr.contains(reason), "{signature:?}: {}", run.stderr);
    }
}

#[test]
fn r8_verify_refuses_changed_bytes() {
    let body = auto_body();
    assert_eq!(body.last(), Some(&b'\n'));
    // The trailing newline stripped.
    assert_signature_refused(&[KEY], SIGNATURE, &body[..body.len() - 1]);
    // One byte changed: `false` → `falsE` would not parse; a digit of the clientId changes.
    let text = String::from_utf8(body.clone()).unwrap();
    let changed = text.replacen("480215", "480216", 1);
    assert_ne!(changed, text);
    assert_signature_refused(&[KEY], SIGNATURE, changed.as_bytes());
    // Re-serialized JSON carries the same data in other bytes.
    let value: Value = serde_json::from_slice(&body).unwrap();
    assert_signature_refused(&[KEY], SIGNATURE, value.to_string().as_bytes());
}

#[test]
fn r8_verify_then_decode_failure_exits_1() {
    let body = std::fs::read(fixture("not-json.txt")).unwrap();
    let signature = idenfy_stdin(&["webhook", "sign", "--key", KEY], &body);
    let signature = signature.stdout.trim();
    let run = verify_stdin(&[], &[KEY], signature, &body);
    assert_eq!(run.code, 1);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(run.stderr.starts_with("error: decode: "), "{}", run.stderr);
    let run = verify_stdin(&["--json"], &[KEY], signature, &body);
    assert_eq!(run.code, 1);
    assert_eq!(run.json()["error"]["kind"], "decode");
}

#[test]
fn verify_json_is_the_parsed_payload() {
    let verified = idenfy(&[
        "--json",
        "webhook",
        "verify",
        "--key",
        KEY,
        "--signature",
        SIGNATURE,
        &fixture_arg(AUTO),
    ]);
    assert_eq!(verified.code, 0, "{}", verified.stderr);
    verified.assert_hidden(KEY);
    let parsed = idenfy(&["--json", "webhook", "parse", &fixture_arg(AUTO)]);
    assert_eq!(verified.json(), parsed.json());
    assert_eq!(verified.json()["data"]["docFirstName"], "Gintarė");
}

#[test]
fn verify_names_the_event_type_header() {
    let run = verify_file(
        &[KEY],
        SIGNATURE,
        &["--event-type", "IDENTIFICATION_AUTO_FINISHED"],
        &fixture_arg(AUTO),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        AUTO_VERIFIED.replace("IDENTIFICATION (inferred)", "IDENTIFICATION_AUTO_FINISHED")
    );
}

#[test]
fn verify_needs_a_key_and_a_signature() {
    let file = fixture_arg(AUTO);
    let run = idenfy(&["webhook", "verify", "--signature", SIGNATURE, &file]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--key"), "{}", run.stderr);
    let run = idenfy(&["webhook", "verify", "--key", KEY, &file]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--signature"), "{}", run.stderr);
    run.assert_hidden(KEY);
}

// --- parse --------------------------------------------------------------------------------

#[test]
fn r7_parse_json_is_normalized() {
    let run = idenfy(&["--json", "webhook", "parse", &fixture_arg(AUTO)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.is_empty());
    let event = run.json();
    assert_eq!(
        event["clientId"], "480215",
        "a numeric clientId as a string"
    );
    assert_eq!(event["scanRef"], "5d2c91e0-4b7a-4f6e-9a13-7c8e2f0b6d41");
    assert_eq!(event["final"], false);
    assert_eq!(event["status"]["overall"], "APPROVED");
    assert_eq!(
        event["status"]["mismatchTags"],
        serde_json::json!(["NAME", "SURNAME"])
    );
    assert_eq!(event["startTime"], 1_767_001_200, "a float timestamp");
    assert_eq!(event["finishTime"], 1_767_001_384, "a string timestamp");
    assert_eq!(event["data"]["ageEstimate"], "OVER_HOLOGRAM_GUESS");
    assert_eq!(event["data"]["selectedCountry"], "LT", "the last key wins");
    assert_eq!(event["data"]["docExpiry"], "YYYY-MM-DD");
    assert_eq!(event["data"]["docFirstName"], "Gintarė");

    let run = idenfy(&[
        "--json",
        "webhook",
        "parse",
        &fixture_arg("webhook-manual-legacy.json"),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let event = run.json();
    assert_eq!(
        event["status"]["fraudTags"],
        serde_json::json!(["SOMETHING_NEW_FROM_IDENFY"]),
        "an unknown enum value kept"
    );
    assert_eq!(event["status"]["manualFace"], "FACE_MISMATCH");
}

#[test]
fn parse_human_summaries() {
    let run = idenfy(&["webhook", "parse", &fixture_arg(AUTO)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        AUTO_VERIFIED
            .strip_prefix("signature    verified\n")
            .unwrap()
    );

    let run = idenfy(&[
        "webhook",
        "parse",
        "--event-type",
        "IDENTIFICATION_MANUAL_FINISHED",
        &fixture_arg("webhook-manual-legacy.json"),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "\
event            IDENTIFICATION_MANUAL_FINISHED
scanRef          0a7f3e52-1c44-4d0b-8e6f-2b9d5a1c3e70
clientId         crm-1007
final            true
overall          DENIED
face             FACE_MISMATCH (manual)
document         DOC_VALIDATED (manual)
fraudTags        SOMETHING_NEW_FROM_IDENFY
mismatchTags     -
suspicionReasons FACE_SUSPECTED
"
    );
    run.assert_hidden("Rūta").assert_hidden("Kazlauskienė");

    let run = idenfy(&[
        "webhook",
        "parse",
        &fixture_arg("webhook-document-expiration.json"),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "\
event               DOCUMENT_EXPIRATION (inferred)
scanRef             3e9b6a10-7d25-4c81-b0f4-91a2c6e8d357
clientId            crm-2210
final               true
expirationThreshold DOCUMENT_EXPIRED
"
    );
    run.assert_hidden("2026-11-30");

    let run = idenfy(&["webhook", "parse", &fixture_arg("webhook-video-call.json")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "\
event            VIDEO_CALL_FINISHED (inferred)
scanRef          8c1d4f27-6a3e-4b90-a5d2-e07f19b3c648
clientId         crm-3301
final            true
status           true
date             2026-03-14 09:26:53.589793+00:00
videoCallAnswers 2
"
    );
    run.assert_hidden("Tomas")
        .assert_hidden("Vilnius")
        .assert_hidden("Qk9xR2pWd3NUbE1aYmNkZWZnaA");

    let run = idenfy_stdin(
        &["webhook", "parse", "--event-type", "AML_MONITORING"],
        br#"{"scanRef":"s-9","amlResult":{"name":"Secret Person"}}"#,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "\
event    AML_MONITORING
scanRef  s-9
clientId -
final    false
fields   amlResult, scanRef
"
    );
}

#[test]
fn parse_refuses_what_is_not_json() {
    let run = idenfy(&["webhook", "parse", &fixture_arg("not-json.txt")]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.is_empty());
    assert!(run.stderr.starts_with("error: decode: "), "{}", run.stderr);
    let run = idenfy(&["--json", "webhook", "parse", &fixture_arg("not-json.txt")]);
    assert_eq!(run.code, 1);
    assert_eq!(run.json()["error"]["kind"], "decode");
    for body in [&b""[..], b"   ", b"{\"scanRef\":", b"\xff\xfe"] {
        let run = idenfy_stdin(&["webhook", "parse"], body);
        assert_eq!(run.code, 1, "{body:?}: {}", run.stdout);
        assert!(run.stdout.is_empty());
    }
    // A known event type whose body does not fit it.
    let run = idenfy_stdin(
        &[
            "--json",
            "webhook",
            "parse",
            "--event-type",
            "IDENTIFICATION",
        ],
        b"[1, 2]",
    );
    assert_eq!(run.code, 1);
    assert_eq!(run.json()["error"]["kind"], "decode");
}

#[test]
fn an_unreadable_file_exits_2_naming_it() {
    let missing = fixture_arg("no-such-file.json");
    for args in [
        vec!["webhook", "parse", missing.as_str()],
        vec!["webhook", "sign", "--key", KEY, missing.as_str()],
        vec![
            "webhook",
            "verify",
            "--key",
            KEY,
            "--signature",
            SIGNATURE,
            missing.as_str(),
        ],
    ] {
        let run = idenfy(&args);
        assert_eq!(run.code, 2, "{args:?}");
        assert!(run.stdout.is_empty());
        assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
        assert!(run.stderr.contains(&missing), "{}", run.stderr);
        run.assert_hidden(KEY);
        let mut json_args = vec!["--json"];
        json_args.extend_from_slice(&args);
        let run = idenfy(&json_args);
        assert_eq!(run.code, 2);
        assert_eq!(run.json()["error"]["kind"], "io");
    }
}

// --- acceptance: the shared oracles ----------------------------------------------------------

/// The shared oracles folder, beside the repository (`<repo>/../shared/oracles`).
const ORACLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/oracles");

/// The oracles folder, or `None` (with a note on stderr) when this checkout does not have it.
#[allow(clippy::print_stderr)] // A skipped check says so.
fn oracles() -> Option<PathBuf> {
    let dir = PathBuf::from(ORACLES);
    if dir.is_dir() {
        Some(dir)
    } else {
        assert!(
            std::env::var_os("CI").is_none(),
            "the shared oracles are missing; CI must check them"
        );
        eprintln!("note: {ORACLES} is absent; the oracle acceptance check is skipped");
        None
    }
}

/// The files of `dir` whose names start with `prefix` and end with `suffix`, sorted.
fn files(dir: &Path, prefix: &str, suffix: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            let name = path.file_name().unwrap().to_string_lossy();
            name.starts_with(prefix) && name.ends_with(suffix)
        })
        .collect();
    found.sort();
    found
}

#[test]
fn acceptance_every_oracle_callback_parses() {
    let Some(oracles) = oracles() else { return };
    let mut bodies = files(&oracles.join("idenfy"), "callback.", ".json");
    bodies.extend(files(&oracles.join("idenfy-docs"), "webhook_", ".json"));
    bodies.push(oracles.join("idenfy-docs/video_call_webhook.json"));
    assert!(bodies.len() >= 10, "{bodies:?}");
    for body in &bodies {
        let path = body.to_str().unwrap();
        let run = idenfy(&["--json", "webhook", "parse", path]);
        assert_eq!(run.code, 0, "{path}: {}", run.stderr);
        assert!(run.stderr.is_empty(), "{path}: {}", run.stderr);
        let event = run.json();
        assert!(event.is_object(), "{path}: {event}");
        let run = idenfy(&["webhook", "parse", path]);
        assert_eq!(run.code, 0, "{path}: {}", run.stderr);
        assert!(run.stdout.starts_with("event "), "{path}: {}", run.stdout);
    }
}

/// One vector of `webhook-hmac-vectors.json`, its body read as the manifest describes.
struct Vector {
    id: String,
    body: Vec<u8>,
    key: String,
    signature: String,
    expect: String,
    negative: Option<String>,
}

/// Reads the manifest. A body or key is given inline (`body`, `key`) or by a path relative to
/// the oracles folder (`body_file`, `key_file`); a parenthesised note after the path says how
/// the bytes were derived from the file. A shape this reader does not know fails the test, so
/// that a change of the manifest is noticed rather than skipped.
fn vectors(oracles: &Path) -> Vec<Vector> {
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(oracles.join("webhook-hmac-vectors.json")).unwrap())
            .unwrap();
    let text = |vector: &Value, name: &str| vector[name].as_str().map(str::to_owned);
    manifest["vectors"]
        .as_array()
        .expect("a `vectors` array")
        .iter()
        .map(|vector| {
            let id = text(vector, "id").expect("an id");
            let body = if let Some(body) = text(vector, "body") {
                body.into_bytes()
            } else {
                let spec = text(vector, "body_file").unwrap_or_else(|| panic!("{id}: no body"));
                let (path, note) = match spec.split_once(" (") {
                    Some((path, note)) => (path, Some(note)),
                    None => (spec.as_str(), None),
                };
                let mut bytes = std::fs::read(oracles.join(path)).unwrap();
                match note {
                    None => {}
                    Some(note) if note.contains("minus its final LF") => {
                        assert_eq!(bytes.pop(), Some(b'\n'), "{id}: no final LF");
                    }
                    Some(note) => panic!("{id}: unknown body note ({note}"),
                }
                bytes
            };
            let key = match (text(vector, "key"), text(vector, "key_file")) {
                (Some(key), _) => key,
                (None, Some(path)) => std::fs::read_to_string(oracles.join(path)).unwrap(),
                (None, None) => panic!("{id}: no key"),
            };
            Vector {
                body,
                key,
                signature: text(vector, "signature_hex").unwrap_or_else(|| panic!("{id}: no hex")),
                expect: text(vector, "expect").unwrap_or_else(|| panic!("{id}: no expect")),
                negative: text(vector, "negative_signature_hex"),
                id,
            }
        })
        .collect()
}

#[test]
fn acceptance_every_hmac_vector() {
    let Some(oracles) = oracles() else { return };
    let vectors = vectors(&oracles);
    assert!(vectors.len() >= 6, "{} vectors", vectors.len());
    let mut valid = 0;
    let mut negatives = 0;
    for vector in &vectors {
        let Vector { id, body, key, .. } = vector;
        // Every listed signature is the HMAC of its body under its key (the derived ones
        // included: they say so), so signing reproduces it.
        let signed = idenfy_stdin(&["webhook", "sign", "--key", key], body);
        assert_eq!(signed.code, 0, "{id}: {}", signed.stderr);
        assert_eq!(signed.stdout.trim(), vector.signature, "{id}: sign");

        if vector.expect == "valid" {
            valid += 1;
            for signature in [vector.signature.clone(), vector.signature.to_uppercase()] {
                let run = verify_stdin(&[], &[key], &signature, body);
                assert_eq!(run.code, 0, "{id}: {}", run.stderr);
                let first = run.stdout.lines().next().unwrap_or_default();
                assert_eq!(
                    first.split_whitespace().collect::<Vec<_>>(),
                    ["signature", "verified"],
                    "{id}"
                );
                run.assert_hidden(key);
                let run = verify_stdin(&["--json"], &[key], &signature, body);
                assert_eq!(run.code, 0, "{id}: {}", run.stderr);
                run.json();
            }
            // Rotation: wrong keys around the right one.
            let run = verify_stdin(&[], &["abc", key, "cde"], &vector.signature, body);
            assert_eq!(run.code, 0, "{id} with rotation: {}", run.stderr);
            if let Some(negative) = &vector.negative {
                negatives += 1;
                assert_signature_refused(&[key], negative, body);
            }
        } else {
            // A derived negative: "the header value <prefix>... must NOT verify" against this
            // body under this key; the prefix names another vector's signature.
            let prefix = vector
                .expect
                .split_whitespace()
                .find_map(|word| word.strip_suffix("..."))
                .filter(|prefix| prefix.len() >= 4 && prefix.bytes().all(|b| b.is_ascii_hexdigit()))
                .unwrap_or_else(|| panic!("{id}: unknown expectation {:?}", vector.expect));
            let header = vectors
                .iter()
                .find(|other| other.expect == "valid" && other.signature.starts_with(prefix))
                .unwrap_or_else(|| panic!("{id}: no vector signed {prefix}…"));
            assert_ne!(header.signature, vector.signature);
            negatives += 1;
            assert_signature_refused(&[key], &header.signature, body);
            // And it verifies with what it really is.
            let run = verify_stdin(&[], &[key], &vector.signature, body);
            assert_eq!(run.code, 0, "{id}: {}", run.stderr);
        }
    }
    assert!(valid >= 4, "{valid} valid vectors");
    assert!(negatives >= 4, "{negatives} negatives");
}

#[test]
fn acceptance_go_idenfy_signature_file() {
    let Some(oracles) = oracles() else { return };
    let docs = oracles.join("idenfy-docs");
    let vector =
        std::fs::read_to_string(docs.join("webhook_go-idenfy_testdata_webhook.1.signature.txt"))
            .unwrap();
    let field = |name: &str| {
        vector
            .lines()
            .find_map(|line| line.strip_prefix(name)?.strip_prefix('='))
            .unwrap_or_else(|| panic!("no {name}= line"))
            .trim()
            .to_owned()
    };
    let (key, signature) = (field("key"), field("Idenfy-Signature"));
    let body = docs.join("webhook_go-idenfy_testdata_webhook.1.json");
    let run = verify_file(&[&key], &signature, &[], body.to_str().unwrap());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("\nfinal        false\n"),
        "{}",
        run.stdout
    );
    let mut stripped = std::fs::read(&body).unwrap();
    assert_eq!(stripped.pop(), Some(b'\n'));
    assert_signature_refused(&[&key], &signature, &stripped);
}
