//! The commands of the further endpoints (issue 14; R12–R14) as a real process: `process`,
//! `identifications`, `request-info`, `face-auth status|token|sessions`, `video-call
//! start|record` and `full-status`.
//!
//! Each is checked with `--dry-run` (the exact request, secrets and images redacted), with
//! refused input (exit 2, the field and the rule named, nothing sent), and sending to the
//! conformance kit's scripted server on 127.0.0.1, which answers with this file's own fixtures
//! of the documented answers: the output in human and `--json` form, exit 1 on an API error.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing)]

mod support;

use base64::Engine as _;
use idenfy_conformance::server::{Behaviour, RecordedRequest, Reply, TestServer};
use serde_json::{Value, json};
use support::{Run, idenfy, scratch_dir};

const API_KEY: &str = "e14-key";
/// Never printed (R10).
const SECRET: &str = "e14-s3cr3t-Zq81";
/// An `authToken` given to `process`: never printed.
const AUTH_TOKEN: &str = "E14AuthTok3nQ9WxYz";
const SCAN_REF: &str = "9b11acb2-8c27-11e9-9758-309c231b1bac";
const USER_AGENT: &str = concat!("idenfy-rs/", env!("CARGO_PKG_VERSION"));

/// The headers of every request, as a dry run prints them: a `POST` with a JSON body, a `GET`.
fn post_headers() -> String {
    format!(
        "Authorization: Basic [redacted]\nContent-Type: application/json\n\
         Accept: application/json\nUser-Agent: {USER_AGENT}\n"
    )
}

fn get_headers() -> String {
    format!("Authorization: Basic [redacted]\nUser-Agent: {USER_AGENT}\nAccept: application/json\n")
}

/// Runs the binary against `server` with credentials and `args`.
fn send(server: &TestServer, args: &[&str]) -> Run {
    let base_url = server.base_url();
    let mut all = vec![
        "--base-url",
        &base_url,
        "--api-key",
        API_KEY,
        "--api-secret",
        SECRET,
        "--timeout",
        "10",
    ];
    all.extend_from_slice(args);
    let run = idenfy(&all);
    run.assert_hidden(SECRET);
    run
}

/// `send` with `--json` first.
fn send_json(server: &TestServer, args: &[&str]) -> Run {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    send(server, &all)
}

/// The one request the server received.
fn only_request(server: &TestServer) -> RecordedRequest {
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    requests.into_iter().next().unwrap()
}

/// The body of a recorded request as JSON.
fn body(request: &RecordedRequest) -> Value {
    serde_json::from_slice(&request.body).unwrap()
}

/// A JPEG-signed file of `len` bytes in `dir`, its bytes a pattern of `seed`.
fn jpeg(dir: &std::path::Path, name: &str, len: usize, seed: u8) -> (String, Vec<u8>) {
    let mut bytes = b"\xFF\xD8\xFF\xE0".to_vec();
    bytes.extend((0..len.saturating_sub(4)).map(|at| seed.wrapping_add((at % 251) as u8)));
    bytes.truncate(len);
    let path = dir.join(name);
    std::fs::write(&path, &bytes).unwrap();
    (path.to_str().unwrap().to_owned(), bytes)
}

/// A file with `content` in `dir`.
fn file(dir: &std::path::Path, name: &str, content: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path.to_str().unwrap().to_owned()
}

/// Asserts a refusal before sending: exit 2, the field and the rule in both forms, and nothing
/// received by `server`.
fn refused(server: &TestServer, args: &[&str], field: &str, rule: &str) {
    let before = server.total();
    let run = send(server, args);
    assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
    assert!(
        run.stderr.starts_with(&format!("error: {field}: ")) && run.stderr.contains(rule),
        "{args:?}: {}",
        run.stderr
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    let run = send_json(server, args);
    assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
    let error = &run.json()["error"];
    assert_eq!(error["kind"], "validation", "{args:?}: {error}");
    assert_eq!(error["field"], field, "{args:?}: {error}");
    assert!(
        error["rule"].as_str().unwrap().contains(rule),
        "{args:?}: {error}"
    );
    assert_eq!(server.total(), before, "{args:?} sent something");
}

// --- --dry-run ------------------------------------------------------------------------------

#[test]
fn r12_dry_run_prints_each_request_exactly() {
    let post = post_headers();
    let get = get_headers();
    let cases: Vec<(Vec<&str>, String)> = vec![
        (
            vec![
                "identifications",
                "--client-id",
                "customer 42",
                "--per-page",
                "50",
                "--page",
                "2",
            ],
            format!(
                "GET https://ivs.idenfy.com/kyc/identifications/?clientId=customer+42&page=2&perPage=50\n{get}\n\n"
            ),
        ),
        (
            vec!["identifications", "--all"],
            format!("GET https://ivs.idenfy.com/kyc/identifications/\n{get}\n\n"),
        ),
        (
            vec![
                "request-info",
                SCAN_REF,
                "--lifetime",
                "3600",
                "--questionnaire",
                "kyc-extra",
                "--risk-assessment-profile",
                "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
                "--additional-step-upload-required",
                "true",
                "--bank-card-verification",
                "false",
                "--bank-card-expected-last-four",
                "4242",
            ],
            format!(
                "POST https://ivs.idenfy.com/kyc/identifications/{SCAN_REF}/request-information/\n{post}\n\
                 {{\n  \"lifetime\": 3600,\n  \"questionnaire\": \"kyc-extra\",\n  \
                 \"riskAssessmentProfile\": \"0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0\",\n  \
                 \"additionalStepUploadRequired\": true,\n  \"bankCardVerification\": false,\n  \
                 \"bankCardExpectedLastFour\": \"4242\"\n}}\n"
            ),
        ),
        (
            vec!["request-info", "a/b"],
            format!(
                "POST https://ivs.idenfy.com/kyc/identifications/a%2Fb/request-information/\n{post}\n{{}}\n"
            ),
        ),
        (
            vec!["face-auth", "status", SCAN_REF],
            format!(
                "GET https://ivs.idenfy.com/identification/facial-auth/{SCAN_REF}/check-status/?method=FACE_MATCHING\n{get}\n\n"
            ),
        ),
        (
            vec![
                "face-auth",
                "status",
                SCAN_REF,
                "--method",
                "ACTIVE_LIVENESS",
            ],
            format!(
                "GET https://ivs.idenfy.com/identification/facial-auth/{SCAN_REF}/check-status/?method=ACTIVE_LIVENESS\n{get}\n\n"
            ),
        ),
        (
            vec![
                "face-auth",
                "token",
                SCAN_REF,
                "--generate-digit-string",
                "--locale",
                "lt",
                "--lifetime",
                "600",
            ],
            format!(
                "POST https://ivs.idenfy.com/partner/authentication-info\n{post}\n\
                 {{\n  \"scanRef\": \"{SCAN_REF}\",\n  \"type\": \"AUTHENTICATION\",\n  \
                 \"method\": \"FACE_MATCHING\",\n  \"generateDigitString\": true,\n  \
                 \"locale\": \"lt\",\n  \"lifetime\": 600\n}}\n"
            ),
        ),
        (
            vec!["face-auth", "sessions"],
            format!("GET https://ivs.idenfy.com/api/v2/facial-authentication-sessions/\n{get}\n\n"),
        ),
        (
            vec!["face-auth", "sessions", AUTH_TOKEN],
            format!(
                "GET https://ivs.idenfy.com/api/v2/facial-authentication-sessions/[redacted]/\n{get}\n\n"
            ),
        ),
        (
            vec!["video-call", "start", SCAN_REF, "--photos"],
            format!(
                "POST https://ivs.idenfy.com/api/v2/video-call\n{post}\n\
                 {{\n  \"scanRef\": \"{SCAN_REF}\",\n  \"photos\": true\n}}\n"
            ),
        ),
        (
            vec!["video-call", "start", SCAN_REF],
            format!(
                "POST https://ivs.idenfy.com/api/v2/video-call\n{post}\n{{\n  \"scanRef\": \"{SCAN_REF}\"\n}}\n"
            ),
        ),
        (
            vec!["video-call", "record", SCAN_REF],
            format!(
                "POST https://ivs.idenfy.com/api/v2/video-call-record\n{post}\n{{\n  \"scanRef\": \"{SCAN_REF}\"\n}}\n"
            ),
        ),
        (
            vec!["full-status", SCAN_REF],
            format!(
                "POST https://ivs.idenfy.com/api/v2/full-status\n{post}\n{{\n  \"scanRef\": \"{SCAN_REF}\"\n}}\n"
            ),
        ),
    ];
    for (args, expected) in cases {
        let mut args = args.clone();
        args.push("--dry-run");
        let run = idenfy(&args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        assert!(run.stderr.is_empty(), "{args:?}: {}", run.stderr);
        assert_eq!(run.stdout, expected, "{args:?}");
        run.assert_hidden(AUTH_TOKEN);
    }
}

#[test]
fn r12_dry_run_json_is_one_document() {
    let run = idenfy(&[
        "--json",
        "--api-key",
        API_KEY,
        "--api-secret",
        SECRET,
        "video-call",
        "start",
        SCAN_REF,
        "--photos",
        "--dry-run",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.assert_hidden(SECRET);
    assert_eq!(
        run.json(),
        json!({
            "method": "POST",
            "url": "https://ivs.idenfy.com/api/v2/video-call",
            "headers": {
                "Authorization": "Basic [redacted]",
                "Content-Type": "application/json",
                "Accept": "application/json",
                "User-Agent": USER_AGENT,
            },
            "body": {"scanRef": SCAN_REF, "photos": true},
        })
    );
    let run = idenfy(&["--json", "face-auth", "sessions", AUTH_TOKEN, "--dry-run"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.assert_hidden(AUTH_TOKEN);
    let document = run.json();
    assert_eq!(
        document["url"],
        "https://ivs.idenfy.com/api/v2/facial-authentication-sessions/[redacted]/"
    );
    assert_eq!(document["method"], "GET");
    assert_eq!(document["body"], Value::Null);
    // A base URL with a path of its own: only the token's segment is redacted.
    let run = idenfy(&[
        "--base-url",
        "https://proxy.example/idenfy",
        "face-auth",
        "sessions",
        "facial-authentication-sessions",
        "--dry-run",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with(
            "GET https://proxy.example/idenfy/api/v2/facial-authentication-sessions/[redacted]/\n"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn r14_process_dry_run_redacts_the_token_and_the_images() {
    let dir = scratch_dir("e14-process-dry");
    let (front, front_bytes) = jpeg(&dir, "front.jpg", 1000, 7);
    let face = file(&dir, "face.png", b"\x89PNG\r\n\x1a\nthe face of the person");
    let bill = file(&dir, "bill.pdf", b"%PDF-1.7 a utility bill");
    let run = idenfy(&[
        "process",
        "--auth-token",
        AUTH_TOKEN,
        "--country",
        "lt",
        "--document-type",
        "PASSPORT",
        "--skip-analysis",
        "--front",
        &front,
        "--face",
        &face,
        "--image",
        &format!("PROOF_OF_INCOME={bill}"),
        "--utility-bill",
        &bill,
        "--dry-run",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        format!(
            "POST https://ivs.idenfy.com/api/v2/process\n{}\n{{\n  \"authToken\": \"[redacted]\",\n  \
             \"country\": \"LT\",\n  \"documentType\": \"PASSPORT\",\n  \"skipAnalysis\": true,\n  \
             \"images\": {{\n    \"FRONT\": \"[redacted: JPEG, 1000 bytes]\",\n    \
             \"FACE\": \"[redacted: PNG, 30 bytes]\",\n    \
             \"UTILITY_BILL\": \"[redacted: PDF, 23 bytes]\",\n    \
             \"PROOF_OF_INCOME\": \"[redacted: PDF, 23 bytes]\"\n  }}\n}}\n",
            post_headers()
        )
    );
    run.assert_hidden(AUTH_TOKEN);
    let encoded = base64::engine::general_purpose::STANDARD.encode(&front_bytes);
    run.assert_hidden(encoded.get(..40).unwrap());

    // The token from the environment; JSON form.
    let mut command = support::command(&[
        "--json",
        "process",
        "--country",
        "LT",
        "--front",
        &front,
        "--dry-run",
    ]);
    command.env("IDENFY_AUTH_TOKEN", AUTH_TOKEN);
    let output = command.output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(!stdout.contains(AUTH_TOKEN), "{stdout}");
    let document: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        document["body"],
        json!({"authToken": "[redacted]", "country": "LT",
               "images": {"FRONT": "[redacted: JPEG, 1000 bytes]"}})
    );
    // Help names the variable, never its value.
    let mut command = support::command(&["process", "--help"]);
    command.env("IDENFY_AUTH_TOKEN", AUTH_TOKEN);
    let output = command.output().unwrap();
    let help = String::from_utf8(output.stdout).unwrap();
    assert!(help.contains("IDENFY_AUTH_TOKEN"), "{help}");
    assert!(!help.contains(AUTH_TOKEN), "{help}");
    let _ = std::fs::remove_dir_all(dir);
}

// --- refused input --------------------------------------------------------------------------

#[test]
fn r12_refused_input_names_the_field_and_the_rule_and_sends_nothing() {
    let server = TestServer::start().unwrap();
    let dir = scratch_dir("e14-refused");
    let (front, _) = jpeg(&dir, "front.jpg", 100, 1);
    let gif = file(&dir, "face.gif", b"GIF89a not accepted");
    let pdf = file(&dir, "front.pdf", b"%PDF-1.4 a document as a PDF");
    let process = |extra: &[&str]| -> Vec<String> {
        let mut args: Vec<String> = ["process", "--auth-token", AUTH_TOKEN, "--country", "LT"]
            .map(str::to_owned)
            .to_vec();
        args.extend(extra.iter().map(|arg| (*arg).to_owned()));
        args
    };
    let long_scan_ref = "s".repeat(41);
    let cases: Vec<(Vec<String>, &str, &str)> = vec![
        // process
        (process(&[]), "images.FRONT", "is required"),
        (
            process(&["--front", &front, "--face", &gif]),
            "images.FACE",
            "must be one of JPEG, PNG",
        ),
        (
            process(&["--front", &pdf]),
            "images.FRONT",
            "must be one of JPEG, PNG",
        ),
        (
            process(&["--front", &front, "--image", &format!("={front}")]),
            "images",
            "must be",
        ),
        (
            process(&["--front", &front, "--image", "NOEQUALS"]),
            "image",
            "must be written KEY=VALUE",
        ),
        (
            process(&["--front", &front, "--image", "FACE="]),
            "images.FACE",
            "must name a file",
        ),
        (
            process(&["--front", &front, "--document-type", "SCROLL"]),
            "documentType",
            "must be one of",
        ),
        (
            vec![
                "process",
                "--auth-token",
                "short",
                "--country",
                "LT",
                "--front",
                &front,
            ]
            .into_iter()
            .map(str::to_owned)
            .collect(),
            "authToken",
            "must be",
        ),
        (
            vec![
                "process",
                "--auth-token",
                AUTH_TOKEN,
                "--country",
                "XX",
                "--front",
                &front,
            ]
            .into_iter()
            .map(str::to_owned)
            .collect(),
            "country",
            "ISO 3166-1",
        ),
        (
            vec![
                "process",
                "--auth-token",
                "",
                "--country",
                "LT",
                "--front",
                &front,
            ]
            .into_iter()
            .map(str::to_owned)
            .collect(),
            "authToken",
            "is required",
        ),
        // identifications
        (
            strings(&["identifications", "--per-page", "0"]),
            "perPage",
            "must be between 1 and",
        ),
        (
            strings(&["identifications", "--page", "0"]),
            "page",
            "must be between 1 and",
        ),
        (
            strings(&["identifications", "--page", "-3", "--all"]),
            "page",
            "must be an integer between 0 and 4294967295",
        ),
        (
            strings(&["identifications", "--per-page", "ten"]),
            "perPage",
            "must be an integer",
        ),
        (
            strings(&["identifications", "--client-id", ""]),
            "clientId",
            "must be",
        ),
        // request-info
        (strings(&["request-info", ""]), "scanRef", "must be"),
        (
            strings(&["request-info", ".."]),
            "scanRef",
            "must not be `.` or `..`",
        ),
        (
            strings(&["request-info", SCAN_REF, "--lifetime", "2592001"]),
            "lifetime",
            "must be between 0 and 2592000",
        ),
        (
            strings(&["request-info", SCAN_REF, "--lifetime", "soon"]),
            "lifetime",
            "must be an integer",
        ),
        (
            strings(&["request-info", SCAN_REF, "--questionnaire", ""]),
            "questionnaire",
            "is required",
        ),
        (
            strings(&[
                "request-info",
                SCAN_REF,
                "--risk-assessment-profile",
                "not-a-uuid",
            ]),
            "riskAssessmentProfile",
            "UUID",
        ),
        (
            strings(&[
                "request-info",
                SCAN_REF,
                "--bank-card-expected-last-four",
                "123",
            ]),
            "bankCardExpectedLastFour",
            "must be",
        ),
        (
            strings(&["request-info", SCAN_REF, "--bank-card-verification", "yes"]),
            "bankCardVerification",
            "must be true or false",
        ),
        // face-auth
        (
            strings(&["face-auth", "status", &long_scan_ref]),
            "scanRef",
            "must be",
        ),
        (
            strings(&["face-auth", "status", SCAN_REF, "--method", "IRIS"]),
            "method",
            "must be one of FACE_MATCHING, ACTIVE_LIVENESS",
        ),
        (
            strings(&["face-auth", "token", SCAN_REF, "--lifetime", "0"]),
            "lifetime",
            "must be between 1 and 2592000",
        ),
        (
            strings(&["face-auth", "token", SCAN_REF, "--locale", "english"]),
            "locale",
            "language tag",
        ),
        (
            strings(&["face-auth", "token", SCAN_REF, "--method", "IRIS"]),
            "method",
            "must be one of",
        ),
        (
            strings(&["face-auth", "sessions", ".."]),
            "tokenString",
            "must not be `.` or `..`",
        ),
        (
            strings(&["face-auth", "sessions", &"t".repeat(41)]),
            "tokenString",
            "must be",
        ),
        // video-call, full-status
        (strings(&["video-call", "start", ""]), "scanRef", "must be"),
        (
            strings(&["video-call", "record", &long_scan_ref]),
            "scanRef",
            "must be",
        ),
        (
            strings(&["full-status", &long_scan_ref]),
            "scanRef",
            "must be",
        ),
    ];
    for (args, field, rule) in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        refused(&server, &args, field, rule);
        // Refused the same way with --dry-run, which needs no credentials.
        let mut dry = args.clone();
        dry.push("--dry-run");
        let run = idenfy(&dry);
        assert_eq!(run.code, 2, "{dry:?}: {}", run.stderr);
        assert!(run.stderr.contains(field), "{dry:?}: {}", run.stderr);
    }
    // A token refused by length is never quoted.
    let run = send(
        &server,
        &[
            "process",
            "--auth-token",
            "shortTok",
            "--country",
            "LT",
            "--front",
            &front,
        ],
    );
    run.assert_hidden("shortTok");
    // An unreadable image: exit 2, naming the file, nothing sent.
    let missing = dir.join("missing.jpg");
    let run = send(
        &server,
        &[
            "process",
            "--auth-token",
            AUTH_TOKEN,
            "--country",
            "LT",
            "--front",
            missing.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("missing.jpg"), "{}", run.stderr);
    let run = send(
        &server,
        &[
            "process",
            "--auth-token",
            AUTH_TOKEN,
            "--country",
            "LT",
            "--front",
            dir.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    // No credentials: refused before sending, naming the field.
    let base_url = server.base_url();
    let run = idenfy(&["--base-url", &base_url, "identifications", "--all"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("apiKey"), "{}", run.stderr);
    assert_eq!(server.total(), 0);
    let _ = std::fs::remove_dir_all(dir);
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|arg| (*arg).to_owned()).collect()
}

#[test]
fn r14_images_past_the_library_limits_are_refused_before_sending() {
    let server = TestServer::start().unwrap();
    let dir = scratch_dir("e14-limits");
    // One byte past the limit of an image: refused without being read whole.
    let (big, _) = jpeg(&dir, "big.jpg", idenfy::MAX_IMAGE_BYTES + 1, 3);
    refused(
        &server,
        &[
            "process",
            "--auth-token",
            AUTH_TOKEN,
            "--country",
            "LT",
            "--front",
            &big,
        ],
        "images.FRONT",
        "4500000 bytes",
    );
    // Each image within its limit, the whole body past 20 000 000 bytes.
    let (part, _) = jpeg(&dir, "part.jpg", 3_800_000, 5);
    refused(
        &server,
        &[
            "process",
            "--auth-token",
            AUTH_TOKEN,
            "--country",
            "LT",
            "--front",
            &part,
            "--back",
            &part,
            "--face",
            &part,
            "--passport-cover",
            &part,
        ],
        "body",
        "20000000 bytes",
    );
    assert_eq!(server.total(), 0);
    let _ = std::fs::remove_dir_all(dir);
}

// --- sending --------------------------------------------------------------------------------

#[test]
fn r14_process_sends_every_image_base64_encoded() {
    let server = TestServer::start().unwrap();
    let dir = scratch_dir("e14-process");
    // Larger than the tool's 4 MiB cap on other inputs, within the library's image limit.
    let (front, front_bytes) = jpeg(&dir, "front.jpg", 4_400_000, 9);
    let face_bytes = b"\x89PNG\r\n\x1a\nface".to_vec();
    let face = file(&dir, "face.png", &face_bytes);
    let bill_bytes = b"%PDF-1.7 bill".to_vec();
    let bill = file(&dir, "bill.pdf", &bill_bytes);
    server.enqueue("/api/v2/process", Behaviour::Respond(Reply::new(200)));
    let run = send(
        &server,
        &[
            "process",
            "--auth-token",
            AUTH_TOKEN,
            "--country",
            "lt",
            "--front",
            &front,
            "--face",
            &face,
            "--second-utility-bill",
            &bill,
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "submitted FRONT, FACE, SECOND_UTILITY_BILL\n");
    assert!(run.stderr.contains("webhook"), "{}", run.stderr);
    run.assert_hidden(AUTH_TOKEN);
    let request = only_request(&server);
    assert_eq!(
        (request.method.as_str(), request.target.as_str()),
        ("POST", "/api/v2/process")
    );
    assert_eq!(request.header("content-type"), Some("application/json"));
    let sent = body(&request);
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    assert_eq!(
        sent,
        json!({
            "authToken": AUTH_TOKEN,
            "country": "LT",
            "images": {
                "FRONT": b64(&front_bytes),
                "FACE": b64(&face_bytes),
                "SECOND_UTILITY_BILL": b64(&bill_bytes),
            },
        })
    );

    // --json: one document naming the steps; a 2xx with `{}` is success too.
    server.enqueue(
        "/api/v2/process",
        Behaviour::Respond(Reply::json(200, "{}")),
    );
    let run = send_json(
        &server,
        &[
            "process",
            "--auth-token",
            AUTH_TOKEN,
            "--country",
            "LT",
            "--front",
            &face,
            "--skip-analysis",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json(), json!({"submitted": true, "images": ["FRONT"]}));
    run.assert_hidden(AUTH_TOKEN);
    assert_eq!(body(&server.requests()[1])["skipAnalysis"], true);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn r14_process_a_200_that_carries_an_error_is_exit_1() {
    let server = TestServer::start().unwrap();
    let dir = scratch_dir("e14-process-error");
    let (front, _) = jpeg(&dir, "front.jpg", 64, 2);
    let answer = r#"{"message":"No image provided for step 'BACK'","identifier":"MISSING_VALUE","severity":"NOT_SEVERE"}"#;
    let args = [
        "process",
        "--auth-token",
        AUTH_TOKEN,
        "--country",
        "LT",
        "--front",
        &front,
    ];
    server.enqueue(
        "/api/v2/process",
        Behaviour::Respond(Reply::json(200, answer)),
    );
    let run = send(&server, &args);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(run.stderr.contains("MISSING_VALUE"), "{}", run.stderr);
    server.enqueue(
        "/api/v2/process",
        Behaviour::Respond(Reply::json(200, answer)),
    );
    let run = send_json(&server, &args);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let error = &run.json()["error"];
    assert_eq!(error["kind"], "api");
    assert_eq!(error["status"], 200);
    assert_eq!(error["identifier"], "MISSING_VALUE");
    // An API error status: exit 1 as well; never retried (the token is spent).
    server.enqueue(
        "/api/v2/process",
        Behaviour::Respond(Reply::json(
            400,
            r#"{"message":"Token is no longer valid","identifier":"TOKEN_INVALID"}"#,
        )),
    );
    let run = send_json(&server, &args);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.json()["error"]["status"], 400);
    assert_eq!(server.count("/api/v2/process"), 3);
    let _ = std::fs::remove_dir_all(dir);
}

/// A page of the listing, as iDenfy documents it.
fn page(count: u64, next: Option<String>, results: &[(&str, &str, bool)]) -> String {
    let results: Vec<Value> = results
        .iter()
        .map(|(scan_ref, status, suspected)| {
            json!({"scanRef": scan_ref, "status": status, "suspected": suspected})
        })
        .collect();
    json!({"count": count, "next": next, "previous": null, "results": results}).to_string()
}

#[test]
fn r13_identifications_one_page() {
    let server = TestServer::start().unwrap();
    let next = Some(format!(
        "{}/kyc/identifications/?page=2&perPage=2",
        server.base_url()
    ));
    let first = page(
        3,
        next,
        &[
            ("a1", "APPROVED", false),
            ("b2\u{1b}[2J", "FUTURE_STATUS", true),
        ],
    );
    server.set_default(
        "/kyc/identifications/",
        Behaviour::Respond(Reply::json(200, first.clone())),
    );

    let run = send(
        &server,
        &["identifications", "--per-page", "2", "--client-id", "c-1"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pad = |text: &str, width: usize| format!("{text:<width$}  ");
    assert_eq!(
        run.stdout,
        format!(
            "{}{}SUSPECTED\n{}{}false\n{}{}true\n",
            pad("SCANREF", 36),
            pad("STATUS", 15),
            pad("a1", 36),
            pad("APPROVED", 15),
            // The escape character from the network is shown escaped, never sent to the terminal.
            pad("b2\\u{1b}[2J", 36),
            pad("FUTURE_STATUS", 15),
        )
    );
    assert!(
        run.stderr.contains("2 of 3 identifications"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--all"), "{}", run.stderr);
    assert_eq!(
        server.requests()[0].target,
        "/kyc/identifications/?clientId=c-1&perPage=2"
    );
    assert_eq!(server.requests()[0].method, "GET");

    let run = send_json(&server, &["identifications", "--per-page", "2"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json(), serde_json::from_str::<Value>(&first).unwrap());
    assert!(run.stderr.is_empty(), "{}", run.stderr);

    // An empty listing.
    let server = TestServer::start().unwrap();
    server.set_default(
        "/kyc/identifications/",
        Behaviour::Respond(Reply::json(200, page(0, None, &[]))),
    );
    let run = send(&server, &["identifications"]);
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, "no identifications\n"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let run = send(&server, &["identifications", "--all"]);
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, "no identifications\n"),
        "{}",
        run.stderr
    );
    let run = send_json(&server, &["identifications", "--all"]);
    assert_eq!(run.json(), json!([]));
}

#[test]
fn r13_identifications_all_follows_next_to_the_last_page() {
    let server = TestServer::start().unwrap();
    let base = server.base_url();
    let script = |server: &TestServer| {
        for body in [
            page(
                5,
                Some(format!("{base}/kyc/identifications/?page=2&perPage=2")),
                &[("a1", "APPROVED", false), ("b2", "DENIED", true)],
            ),
            // A relative link is resolved against the page's URL.
            page(
                5,
                Some("?page=3&perPage=2".to_owned()),
                &[("c3", "SUSPECTED", false), ("d4", "EXPIRED", false)],
            ),
            page(5, None, &[("e5", "REVIEWING", false)]),
        ] {
            server.enqueue(
                "/kyc/identifications/",
                Behaviour::Respond(Reply::json(200, body)),
            );
        }
    };
    script(&server);
    let run = send(&server, &["identifications", "--all", "--per-page", "2"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 6, "{}", run.stdout);
    assert!(lines[0].starts_with("SCANREF"), "{}", run.stdout);
    let scan_refs: Vec<&str> = lines[1..]
        .iter()
        .map(|line| line.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(scan_refs, ["a1", "b2", "c3", "d4", "e5"]);
    assert!(
        lines[2].contains("DENIED") && lines[2].ends_with("true"),
        "{}",
        lines[2]
    );
    let targets: Vec<String> = server
        .requests()
        .iter()
        .map(|request| request.target.clone())
        .collect();
    assert_eq!(
        targets,
        [
            "/kyc/identifications/?perPage=2",
            "/kyc/identifications/?page=2&perPage=2",
            "/kyc/identifications/?page=3&perPage=2",
        ]
    );

    script(&server);
    let run = send_json(&server, &["identifications", "--all", "--per-page", "2"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let document = run.json();
    let items = document.as_array().expect("one JSON array");
    assert_eq!(items.len(), 5);
    assert_eq!(
        items[0],
        json!({"scanRef": "a1", "status": "APPROVED", "suspected": false})
    );
    assert_eq!(items[4]["scanRef"], "e5");
    // --all starting at a given page.
    server.enqueue(
        "/kyc/identifications/",
        Behaviour::Respond(Reply::json(
            200,
            page(5, None, &[("e5", "REVIEWING", false)]),
        )),
    );
    let run = send_json(
        &server,
        &["identifications", "--all", "--page", "3", "--per-page", "2"],
    );
    assert_eq!(
        run.json(),
        json!([{"scanRef": "e5", "status": "REVIEWING", "suspected": false}])
    );
    assert_eq!(
        server.requests().last().unwrap().target,
        "/kyc/identifications/?page=3&perPage=2"
    );
}

#[test]
fn r13_identifications_all_failing_midway_keeps_what_came_before() {
    let server = TestServer::start().unwrap();
    let base = server.base_url();
    let script = |server: &TestServer| {
        server.enqueue(
            "/kyc/identifications/",
            Behaviour::Respond(Reply::json(
                200,
                page(
                    4,
                    Some(format!("{base}/kyc/identifications/?page=2")),
                    &[("a1", "APPROVED", false), ("b2", "DENIED", false)],
                ),
            )),
        );
        server.enqueue(
            "/kyc/identifications/",
            Behaviour::Respond(Reply::json(
                403,
                r#"{"message":"Access denied","identifier":"ACCESS_DENIED"}"#,
            )),
        );
    };
    script(&server);
    let run = send(&server, &["identifications", "--all"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), 3, "{}", run.stdout);
    assert!(run.stdout.contains("b2"), "{}", run.stdout);
    assert!(run.stderr.contains("ACCESS_DENIED"), "{}", run.stderr);
    assert!(
        run.stderr.contains("after 2 identifications were listed"),
        "{}",
        run.stderr
    );

    script(&server);
    let run = send_json(&server, &["identifications", "--all"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let document = run.json();
    assert_eq!(document["error"]["kind"], "api");
    assert_eq!(document["error"]["status"], 403);
    assert_eq!(document["error"]["identifier"], "ACCESS_DENIED");
    assert_eq!(document["error"]["fetched"], 2);
    assert_eq!(
        document["results"],
        json!([{"scanRef": "a1", "status": "APPROVED", "suspected": false},
               {"scanRef": "b2", "status": "DENIED", "suspected": false}])
    );
    assert_eq!(server.count("/kyc/identifications/"), 4);

    // Failing on the first page: the failure alone, as any command reports it.
    server.enqueue(
        "/kyc/identifications/",
        Behaviour::Respond(Reply::json(
            401,
            r#"{"message":"Invalid credentials","identifier":"UNAUTHORIZED"}"#,
        )),
    );
    let run = send_json(&server, &["identifications", "--all"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let document = run.json();
    assert_eq!(document["error"]["status"], 401);
    assert!(document.get("results").is_none(), "{document}");
    assert!(document["error"].get("fetched").is_none(), "{document}");
    assert!(!run.stderr.contains("listed"), "{}", run.stderr);

    // A `next` link to another host is not followed: the credentials never go there.
    let elsewhere = TestServer::start().unwrap();
    server.enqueue(
        "/kyc/identifications/",
        Behaviour::Respond(Reply::json(
            200,
            page(
                2,
                Some(format!(
                    "{}/kyc/identifications/?page=2",
                    elsewhere.base_url()
                )),
                &[("a1", "APPROVED", false)],
            ),
        )),
    );
    let run = send_json(&server, &["identifications", "--all"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let document = run.json();
    assert_eq!(document["error"]["kind"], "decode");
    assert_eq!(document["error"]["field"], "next");
    assert_eq!(
        document["results"],
        json!([{"scanRef": "a1", "status": "APPROVED", "suspected": false}])
    );
    assert_eq!(elsewhere.total(), 0);

    // A transport failure midway (the second page never comes): exit 3, the first page shown.
    server.enqueue(
        "/kyc/identifications/",
        Behaviour::Respond(Reply::json(
            200,
            page(
                2,
                Some(format!("{base}/kyc/identifications/?page=2")),
                &[("a1", "APPROVED", false)],
            ),
        )),
    );
    server.set_default("/kyc/identifications/", Behaviour::NeverAnswer);
    let base_url = server.base_url();
    let run = idenfy(&[
        "--base-url",
        &base_url,
        "--api-key",
        API_KEY,
        "--api-secret",
        SECRET,
        "--timeout",
        "2",
        "identifications",
        "--all",
    ]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stdout.contains("a1"), "{}", run.stdout);
    assert!(
        run.stderr.contains("after 1 identification was listed"),
        "{}",
        run.stderr
    );
}

#[test]
fn r12_request_info_prints_the_new_session() {
    let server = TestServer::start().unwrap();
    let path = format!("/kyc/identifications/{SCAN_REF}/request-information/");
    let answer = r#"{"tokenString":"NewSessTok3n1234","sessionUrl":"https://ivs.idenfy.com/api/v2/redirect?authToken=NewSessTok3n1234"}"#;
    server.set_default(&path, Behaviour::Respond(Reply::json(200, answer)));
    let run = send(&server, &["request-info", SCAN_REF, "--lifetime", "600"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "tokenString NewSessTok3n1234\n\
         sessionUrl  https://ivs.idenfy.com/api/v2/redirect?authToken=NewSessTok3n1234\n"
    );
    let request = only_request(&server);
    assert_eq!(request.target, path);
    assert_eq!(body(&request), json!({"lifetime": 600}));
    let run = send_json(&server, &["request-info", SCAN_REF]);
    assert_eq!(run.json(), serde_json::from_str::<Value>(answer).unwrap());
    assert_eq!(body(&server.requests()[1]), json!({}));

    // An unknown verification: exit 1, not retried (each request creates a session).
    let server = TestServer::start().unwrap();
    server.set_default(
        &path,
        Behaviour::Respond(Reply::json(404, r#"{"detail":"Not found."}"#)),
    );
    let run = send_json(&server, &["request-info", SCAN_REF]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.json()["error"]["status"], 404);
    assert_eq!(server.total(), 1);
}

#[test]
fn r12_face_auth_status_token_and_sessions() {
    let server = TestServer::start().unwrap();
    let status_path = format!("/identification/facial-auth/{SCAN_REF}/check-status/");
    server.set_default(
        &status_path,
        Behaviour::Respond(Reply::json(200, r#"{"type":"AUTHENTICATION"}"#)),
    );
    let run = send(&server, &["face-auth", "status", SCAN_REF]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "type            AUTHENTICATION\ncanAuthenticate true\n"
    );
    assert_eq!(
        server.requests()[0].target,
        format!("{status_path}?method=FACE_MATCHING")
    );
    let run = send_json(&server, &["face-auth", "status", SCAN_REF]);
    assert_eq!(run.json(), json!({"type": "AUTHENTICATION"}));

    server.enqueue(
        &status_path,
        Behaviour::Respond(Reply::json(404, r#"{"detail":"Not found."}"#)),
    );
    let run = send_json(&server, &["face-auth", "status", SCAN_REF]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.json()["error"]["status"], 404);

    let answer = r#"{"authToken":"FaceTok3nAbCdEf12","digitString":"12345678","scanRef":"9b11acb2-8c27-11e9-9758-309c231b1bac"}"#;
    server.set_default(
        "/partner/authentication-info",
        Behaviour::Respond(Reply::json(200, answer)),
    );
    let run = send(
        &server,
        &["face-auth", "token", SCAN_REF, "--generate-digit-string"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        format!("authToken   FaceTok3nAbCdEf12\ndigitString 12345678\nscanRef     {SCAN_REF}\n")
    );
    let sent = body(server.requests().last().unwrap());
    assert_eq!(
        sent,
        json!({"scanRef": SCAN_REF, "type": "AUTHENTICATION", "method": "FACE_MATCHING", "generateDigitString": true})
    );
    let run = send_json(&server, &["face-auth", "token", SCAN_REF]);
    assert_eq!(run.json(), serde_json::from_str::<Value>(answer).unwrap());

    let sessions = r#"[
        {"id":"0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0","tokenString":"SessTok3nOne111","approved":true,
         "givenScanRef":"9b11acb2-8c27-11e9-9758-309c231b1bac","type":"AUTHENTICATION",
         "authenticationMethod":"FACE_MATCHING","facePhoto":"https://files.example/face-1.jpg"},
        {"id":"1f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0","tokenString":"SessTok3nTwo222","approved":null,
         "givenScanRef":null,"type":"ENROLLMENT","authenticationMethod":"ACTIVE_LIVENESS","facePhoto":null},
        "not a session"
    ]"#;
    server.set_default(
        "/api/v2/facial-authentication-sessions/",
        Behaviour::Respond(Reply::json(200, sessions)),
    );
    let run = send(&server, &["face-auth", "sessions"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", run.stdout);
    assert!(
        lines[0].starts_with("ID ") && lines[0].ends_with("TOKEN"),
        "{}",
        lines[0]
    );
    let first: Vec<&str> = lines[1].split_whitespace().collect();
    assert_eq!(
        first,
        [
            "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
            "AUTHENTICATION",
            "FACE_MATCHING",
            "true",
            SCAN_REF,
            "SessTok3nOne111"
        ]
    );
    let second: Vec<&str> = lines[2].split_whitespace().collect();
    assert_eq!(second[3..], ["-", "-", "SessTok3nTwo222"]);
    // The face photo only with --json; the item that is not a session named on stderr.
    assert!(!run.stdout.contains("face-1.jpg"), "{}", run.stdout);
    assert!(run.stderr.contains("not sessions: 1 "), "{}", run.stderr);
    let run = send_json(&server, &["face-auth", "sessions"]);
    let document = run.json();
    assert_eq!(document.as_array().unwrap().len(), 3);
    assert_eq!(document[0]["facePhoto"], "https://files.example/face-1.jpg");
    assert_eq!(document[2], "not a session");

    let one = r#"{"id":"0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0","tokenString":"SessTok3nOne111","approved":false,
        "type":"AUTHENTICATION","authenticationMethod":"FACE_MATCHING","facePhoto":"https://files.example/face-1.jpg"}"#;
    server.set_default(
        "/api/v2/facial-authentication-sessions/SessTok3nOne111/",
        Behaviour::Respond(Reply::json(200, one)),
    );
    let run = send(&server, &["face-auth", "sessions", "SessTok3nOne111"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "id                   0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0\n\
         tokenString          SessTok3nOne111\n\
         approved             false\n\
         givenScanRef         -\n\
         type                 AUTHENTICATION\n\
         authenticationMethod FACE_MATCHING\n\
         facePhoto            https://files.example/face-1.jpg\n"
    );
    let run = send_json(&server, &["face-auth", "sessions", "SessTok3nOne111"]);
    assert_eq!(run.json()["approved"], false);

    let server = TestServer::start().unwrap();
    server.set_default(
        "/api/v2/facial-authentication-sessions/",
        Behaviour::Respond(Reply::json(200, "[]")),
    );
    let run = send(&server, &["face-auth", "sessions"]);
    assert_eq!(run.stdout, "no sessions\n");
    // An answer that is not a list: exit 1, a decode error.
    server.set_default(
        "/api/v2/facial-authentication-sessions/",
        Behaviour::Respond(Reply::json(200, "{}")),
    );
    let run = send_json(&server, &["face-auth", "sessions"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.json()["error"]["kind"], "decode");
}

#[test]
fn r12_video_call_start_and_record() {
    let server = TestServer::start().unwrap();
    let answer = r#"{"url":"https://ivs.idenfy.com/video-call/join?token=CallTok3n77"}"#;
    server.set_default(
        "/api/v2/video-call",
        Behaviour::Respond(Reply::json(200, answer)),
    );
    let run = send(&server, &["video-call", "start", SCAN_REF, "--photos"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "url https://ivs.idenfy.com/video-call/join?token=CallTok3n77\n"
    );
    assert_eq!(
        body(&server.requests()[0]),
        json!({"scanRef": SCAN_REF, "photos": true})
    );
    let run = send_json(&server, &["video-call", "start", SCAN_REF]);
    // The library's shape: both names of the URL, the one not sent as null.
    assert_eq!(
        run.json(),
        json!({"url": "https://ivs.idenfy.com/video-call/join?token=CallTok3n77", "redirectUrl": null})
    );
    assert_eq!(body(&server.requests()[1]), json!({"scanRef": SCAN_REF}));

    let record = r#"{"photos":{"VIDEO_CALL_FACE":"https://files.example/face.jpg","VIDEO_CALL_BACK":null},
        "videos":["https://files.example/call.mp4"]}"#;
    server.set_default(
        "/api/v2/video-call-record",
        Behaviour::Respond(Reply::json(200, record)),
    );
    let run = send(&server, &["video-call", "record", SCAN_REF]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "VIDEO_CALL_BACK -\n\
         VIDEO_CALL_FACE https://files.example/face.jpg\n\
         video           https://files.example/call.mp4\n"
    );
    let run = send_json(&server, &["video-call", "record", SCAN_REF]);
    assert_eq!(run.json(), serde_json::from_str::<Value>(record).unwrap());

    // A token of another type: iDenfy refuses, exit 1, not retried.
    server.enqueue(
        "/api/v2/video-call",
        Behaviour::Respond(Reply::json(
            400,
            r#"{"message":"Not a video call token","identifier":"PARTNER_ERROR"}"#,
        )),
    );
    let run = send(&server, &["video-call", "start", SCAN_REF]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("PARTNER_ERROR"), "{}", run.stderr);
}

#[test]
fn r12_full_status_shows_the_legacy_shape() {
    let server = TestServer::start().unwrap();
    let answer = r#"{"face_match_result":"FACE_MATCH","document_validity":"DOC_VALIDATED",
        "manual_face_match_result":"","manual_document_validity":"",
        "client":{"name":"Jonas","surname":"Jonaitis\u001b]0;owned\u0007","sex":"M","country":""},
        "client_identity_document":{"doc_name":"JONAS","doc_document_type":"ID_CARD"},
        "attempt_count":2,"suspection_reasons":[],"start_time":"2020-06-26 09:54:32","finish_time":""}"#;
    server.set_default(
        "/api/v2/full-status",
        Behaviour::Respond(Reply::json(200, answer)),
    );
    let run = send(&server, &["full-status", SCAN_REF]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows: Vec<(&str, &str)> = run
        .stdout
        .lines()
        .map(|line| {
            let (key, value) = line.split_once(' ').unwrap();
            (key, value.trim_start())
        })
        .collect();
    let value = |key: &str| rows.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
    assert_eq!(value("face_match_result"), Some("FACE_MATCH"));
    assert_eq!(value("client.name"), Some("Jonas"));
    // Control characters from the network are escaped.
    assert_eq!(
        value("client.surname"),
        Some("Jonaitis\\u{1b}]0;owned\\u{7}")
    );
    assert_eq!(
        value("client_identity_document.doc_document_type"),
        Some("ID_CARD")
    );
    assert_eq!(value("attempt_count"), Some("2"));
    // `""` reads as absent and is left out.
    assert_eq!(value("manual_face_match_result"), None);
    assert_eq!(value("client.country"), None);
    assert_eq!(value("finish_time"), None);
    assert!(!run.stdout.contains('\u{1b}'));
    assert_eq!(body(&server.requests()[0]), json!({"scanRef": SCAN_REF}));

    let run = send_json(&server, &["full-status", SCAN_REF]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let document = run.json();
    assert_eq!(document["client"]["surname"], "Jonaitis\u{1b}]0;owned\u{7}");
    assert_eq!(document["manual_face_match_result"], Value::Null);
    assert!(!run.stdout.contains('\u{1b}'));

    // A transport failure: exit 3, naming the host.
    let closed = idenfy_conformance::server::refused_base_url().unwrap();
    let run = idenfy(&[
        "--json",
        "--base-url",
        &closed,
        "--api-key",
        API_KEY,
        "--api-secret",
        SECRET,
        "--timeout",
        "5",
        "full-status",
        SCAN_REF,
    ]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert_eq!(run.json()["error"]["cause"], "refused");
}
