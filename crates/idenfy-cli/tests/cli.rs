//! The `idenfy` binary as a real process: flags, outputs and exit codes of `spec/CLI.md`, and
//! the R2/R3 boundaries driven through `idenfy token … --dry-run`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Test code indexes and slices known fixtures and outputs: a bad bound is a failed test.
#![allow(clippy::indexing_slicing, clippy::string_slice)]

mod support;

use std::net::TcpListener;
use std::process::Command;

use serde_json::{Value, json};

/// A secret handed to the binary in tests that must never see it printed (R10).
const SECRET: &str = "s3cr3t-Do-Not-Print-7f1c";

/// The `User-Agent` line (R1); the library and the binary share the workspace version.
const USER_AGENT_LINE: &str = concat!("User-Agent: idenfy-rs/", env!("CARGO_PKG_VERSION"));

/// What a run of the binary left behind.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    /// stdout parsed as exactly one JSON document.
    fn json(&self) -> Value {
        let mut documents = serde_json::Deserializer::from_str(&self.stdout).into_iter::<Value>();
        let document = documents
            .next()
            .unwrap_or_else(|| panic!("no JSON on stdout; stderr: {}", self.stderr))
            .unwrap_or_else(|err| panic!("stdout is not JSON ({err}): {}", self.stdout));
        assert!(
            documents.next().is_none(),
            "more than one JSON document: {}",
            self.stdout
        );
        document
    }

    /// Asserts that the secret appears nowhere in the output.
    fn assert_no_secret(&self) -> &Self {
        assert!(!self.stdout.contains(SECRET), "secret on stdout");
        assert!(!self.stderr.contains(SECRET), "secret on stderr");
        self
    }
}

/// A command for the binary with every `IDENFY_*` variable of the caller removed.
fn command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_idenfy"));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("IDENFY_") {
            command.env_remove(&name);
        }
    }
    for name in [
        "IDENFY_BASE_URL",
        "IDENFY_API_KEY",
        "IDENFY_API_SECRET",
        "IDENFY_TIMEOUT",
    ] {
        command.env_remove(name);
    }
    command.args(args);
    command
}

fn run_command(mut command: Command) -> Run {
    let output = command.output().expect("the binary runs");
    Run {
        code: output.status.code().expect("exited normally"),
        stdout: String::from_utf8(output.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8 stderr"),
    }
}

fn idenfy(args: &[&str]) -> Run {
    run_command(command(args))
}

/// `idenfy --json token --client-id <client_id> <extra…> --dry-run`, with credentials.
fn dry_run(client_id: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "--json",
        "--api-key",
        "key",
        "--api-secret",
        SECRET,
        "token",
        "--client-id",
        client_id,
    ];
    args.extend_from_slice(extra);
    args.push("--dry-run");
    let run = idenfy(&args);
    run.assert_no_secret();
    run
}

/// Asserts the dry run was accepted and returns the request body.
fn accepted(client_id: &str, extra: &[&str]) -> Value {
    let run = dry_run(client_id, extra);
    assert_eq!(
        run.code, 0,
        "refused {extra:?}: stdout {} stderr {}",
        run.stdout, run.stderr
    );
    assert!(run.stderr.is_empty(), "stderr: {}", run.stderr);
    run.json()["body"].clone()
}

/// Asserts the dry run was refused naming `field`, on stderr and in the JSON error document.
fn refused(client_id: &str, extra: &[&str], field: &str) -> Run {
    let run = dry_run(client_id, extra);
    assert_eq!(run.code, 2, "accepted {extra:?}: {}", run.stdout);
    assert!(
        run.stderr.starts_with(&format!("error: {field}: ")),
        "stderr of {extra:?} does not name {field}: {}",
        run.stderr
    );
    let document = run.json();
    assert_eq!(document["error"]["kind"], "validation");
    assert_eq!(document["error"]["field"], field, "{extra:?}");
    assert!(document["error"]["message"].as_str().is_some());
    run
}

/// Asserts that `--<flag> value` is accepted and sent as `expected` under `field`.
fn accepts(flag: &str, value: &str, field: &str, expected: Value) {
    let body = accepted("client", &[flag, value]);
    assert_eq!(body[field], expected, "{flag} {value:?}");
}

fn refuses(flag: &str, value: &str, field: &str) {
    refused("client", &[flag, value], field);
}

// --- dry-run output -----------------------------------------------------------------------

#[test]
fn dry_run_human_output() {
    let run = idenfy(&[
        "token",
        "--client-id",
        "X",
        "--api-key",
        "key",
        "--api-secret",
        SECRET,
        "--dry-run",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    run.assert_no_secret();
    let (head, body) = run.stdout.split_once("\n\n").expect("a blank line");
    let lines: Vec<&str> = head.lines().collect();
    assert_eq!(lines[0], "POST https://ivs.idenfy.com/api/v2/token");
    let mut headers = lines[1..].to_vec();
    headers.sort_unstable();
    assert_eq!(
        headers,
        [
            "Accept: application/json",
            "Authorization: Basic [redacted]",
            "Content-Type: application/json",
            USER_AGENT_LINE,
        ]
    );
    let body: Value = serde_json::from_str(body).expect("the body is JSON");
    assert_eq!(body, json!({"clientId": "X"}));
}

#[test]
fn dry_run_human_output_exactly() {
    let run = idenfy(&["token", "--client-id", "X", "--locale", "lt", "--dry-run"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (head, rest) = run.stdout.split_at(run.stdout.find("User-Agent").unwrap());
    assert_eq!(
        head,
        "POST https://ivs.idenfy.com/api/v2/token\n\
         Authorization: Basic [redacted]\n\
         Content-Type: application/json\n\
         Accept: application/json\n"
    );
    assert!(rest.starts_with(USER_AGENT_LINE));
    assert_eq!(
        &rest[USER_AGENT_LINE.len()..],
        "\n\n{\n  \"clientId\": \"X\",\n  \"locale\": \"lt\"\n}\n"
    );
}

#[test]
fn dry_run_json_output() {
    // --json after the command name: global options go anywhere.
    let run = idenfy(&[
        "token",
        "--client-id",
        "X",
        "--dry-run",
        "--json",
        "--api-key",
        "key",
        "--api-secret",
        SECRET,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.assert_no_secret();
    assert_eq!(
        run.json(),
        json!({
            "method": "POST",
            "url": "https://ivs.idenfy.com/api/v2/token",
            "headers": {
                "Authorization": "Basic [redacted]",
                "Content-Type": "application/json",
                "Accept": "application/json",
                "User-Agent": concat!("idenfy-rs/", env!("CARGO_PKG_VERSION")),
            },
            "body": {"clientId": "X"},
        })
    );
}

#[test]
fn dry_run_needs_no_credentials_and_uses_the_base_url() {
    let run = idenfy(&[
        "--base-url",
        "http://127.0.0.1:9/",
        "--json",
        "token",
        "--client-id",
        "X",
        "--dry-run",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["url"], "http://127.0.0.1:9/api/v2/token");
    assert_eq!(run.json()["headers"]["Authorization"], "Basic [redacted]");
}

#[test]
fn environment_variables_are_read_and_the_secret_stays_hidden() {
    let mut cmd = command(&["--json", "token", "--client-id", "X", "--dry-run"]);
    cmd.env("IDENFY_BASE_URL", "http://localhost:8080")
        .env("IDENFY_API_KEY", "key")
        .env("IDENFY_API_SECRET", SECRET);
    let run = run_command(cmd);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.assert_no_secret();
    assert_eq!(run.json()["url"], "http://localhost:8080/api/v2/token");

    let mut cmd = command(&["--help"]);
    cmd.env("IDENFY_API_SECRET", SECRET)
        .env("IDENFY_API_KEY", "visible-key");
    let run = run_command(cmd);
    assert_eq!(run.code, 0);
    run.assert_no_secret();
    assert!(run.stdout.contains("--api-secret"));
}

#[test]
fn every_option_maps_to_its_field() {
    let body = accepted(
        "client-42",
        &[
            "--first-name",
            "Birutė",
            "--last-name",
            "Basanavičienė",
            "--success-url",
            "https://example.com/ok",
            "--error-url",
            "https://example.com/error",
            "--unverified-url",
            "https://example.com/unverified",
            "--callback-url",
            "https://example.com/hook",
            "--locale",
            "pt-BR",
            "--expiry-time",
            "86400",
            "--session-length",
            "600",
            "--country",
            "lt",
            "--document",
            "ID_CARD",
            "--document",
            "PASSPORT",
            "--document",
            "SOMETHING_NEW",
            "--token-type",
            "DOCUMENT",
            "--external-ref",
            "ref-1",
            "--nationality",
            "lv",
            "--date-of-birth",
            "1990-01-31",
            "--date-of-expiry",
            "2030-12-31",
            "--date-of-issue",
            "2020-02-29",
            "--sex",
            "F",
            "--personal-number",
            "39001310000",
            "--document-number",
            "AB123456",
            "--address",
            "Gedimino pr. 1, Vilnius",
            "--show-instructions",
            "false",
            "--generate-digit-string",
            "--utility-bill",
            "true",
            "--questionnaire",
            "q-key",
            "--video-call-question",
            "What is your name?",
            "--video-call-question",
            "Where do you live?",
            "--dummy-status",
            "APPROVED",
            "--field",
            "foo=1",
            "--field",
            r#"bar={"nested":["x"]}"#,
        ],
    );
    assert_eq!(
        body,
        json!({
            "clientId": "client-42",
            "firstName": "Birutė",
            "lastName": "Basanavičienė",
            "successUrl": "https://example.com/ok",
            "errorUrl": "https://example.com/error",
            "unverifiedUrl": "https://example.com/unverified",
            "callbackUrl": "https://example.com/hook",
            "locale": "pt-BR",
            "expiryTime": 86400,
            "sessionLength": 600,
            "country": "LT",
            "documents": ["ID_CARD", "PASSPORT", "SOMETHING_NEW"],
            "tokenType": "DOCUMENT",
            "externalRef": "ref-1",
            "nationality": "LV",
            "dateOfBirth": "1990-01-31",
            "dateOfExpiry": "2030-12-31",
            "dateOfIssue": "2020-02-29",
            "sex": "F",
            "personalNumber": "39001310000",
            "documentNumber": "AB123456",
            "address": "Gedimino pr. 1, Vilnius",
            "showInstructions": false,
            "generateDigitString": true,
            "utilityBill": true,
            "questionnaire": "q-key",
            "videoCallQuestions": ["What is your name?", "Where do you live?"],
            "dummyStatus": "APPROVED",
            "foo": 1,
            "bar": {"nested": ["x"]},
        })
    );
}

#[test]
fn omitted_fields_are_not_sent() {
    assert_eq!(accepted("only", &[]), json!({"clientId": "only"}));
}

// --- R2 seed table ----------------------------------------------------------------------------

#[test]
fn r2_client_id_length() {
    refused("", &[], "clientId");
    assert_eq!(accepted("a", &[])["clientId"], "a");
    let hundred = "c".repeat(100);
    assert_eq!(accepted(&hundred, &[])["clientId"], hundred.as_str());
    refused(&"c".repeat(101), &[], "clientId");
    let run = idenfy(&["token", "--dry-run"]);
    assert_eq!(run.code, 2, "--client-id is required");
}

#[test]
fn r2_names() {
    for (flag, field) in [("--first-name", "firstName"), ("--last-name", "lastName")] {
        accepts(flag, "A", field, json!("A"));
        let hundred = "a".repeat(100);
        accepts(flag, &hundred, field, json!(hundred));
        refuses(flag, "", field);
        refuses(flag, &"a".repeat(101), field);
        // Lengths count characters, not bytes.
        let multibyte = "Ž".repeat(100);
        accepts(flag, &multibyte, field, json!(multibyte));
        refuses(flag, &"Ž".repeat(101), field);
        refuses(flag, "Jonas1", field);
        for forbidden in "~!@#$%^*()_+={}[]\\|:;\",<>/?".chars() {
            refuses(flag, &format!("Jo{forbidden}nas"), field);
        }
        // Characters outside the forbidden set are fine.
        accepts(flag, "Anne-Marie O'Neil", field, json!("Anne-Marie O'Neil"));
    }
}

#[test]
fn r2_urls() {
    for (flag, field) in [
        ("--success-url", "successUrl"),
        ("--error-url", "errorUrl"),
        ("--unverified-url", "unverifiedUrl"),
        ("--callback-url", "callbackUrl"),
    ] {
        let prefix = "https://example.com/";
        let longest = format!("{prefix}{}", "a".repeat(2048 - prefix.len()));
        assert_eq!(longest.chars().count(), 2048);
        accepts(flag, &longest, field, json!(longest));
        refuses(flag, &format!("{longest}a"), field);
        refuses(flag, "a://", field);
        refuses(flag, "not a url", field);
    }
    let run = refused("client", &["--success-url", "a://"], "successUrl");
    assert!(run.stderr.contains("successUrl"));
}

#[test]
fn r2_locale() {
    for locale in ["en", "lt", "ru"] {
        accepts("--locale", locale, "locale", json!(locale));
    }
    refuses("--locale", "e", "locale");
    refuses("--locale", "en-USxyz", "locale");
}

#[test]
fn r2_expiry_time() {
    refuses("--expiry-time", "0", "expiryTime");
    accepts("--expiry-time", "1", "expiryTime", json!(1));
    accepts("--expiry-time", "2592000", "expiryTime", json!(2_592_000));
    refuses("--expiry-time", "2592001", "expiryTime");
    let run = refused("client", &["--expiry-time", "-1"], "expiryTime");
    assert!(run.stderr.contains("got -1"), "{}", run.stderr);
    let run = refused("client", &["--expiry-time", "abc"], "expiryTime");
    assert_eq!(run.json()["error"]["message"], "must be an integer");
    refused("client", &["--expiry-time=-5"], "expiryTime");
    refuses("--expiry-time", "99999999999999999999", "expiryTime");
}

#[test]
fn r2_session_length() {
    refuses("--session-length", "59", "sessionLength");
    accepts("--session-length", "60", "sessionLength", json!(60));
    accepts("--session-length", "3600", "sessionLength", json!(3600));
    refuses("--session-length", "3601", "sessionLength");
    refuses("--session-length", "-60", "sessionLength");
    refuses("--session-length", "1.5", "sessionLength");
}

#[test]
fn r2_country() {
    accepts("--country", "lt", "country", json!("LT"));
    accepts("--country", "LT", "country", json!("LT"));
    refuses("--country", "en", "country");
    refuses("--country", "LTU", "country");
}

// --- R3 later fields ---------------------------------------------------------------------------

#[test]
fn r3_callback_url_must_be_https_or_loopback() {
    refuses("--callback-url", "http://example.com/hook", "callbackUrl");
    accepts(
        "--callback-url",
        "http://127.0.0.1:8080/hook",
        "callbackUrl",
        json!("http://127.0.0.1:8080/hook"),
    );
}

#[test]
fn r3_enums() {
    refuses("--token-type", "SELFIE", "tokenType");
    accepts(
        "--token-type",
        "VIDEO_CALL",
        "tokenType",
        json!("VIDEO_CALL"),
    );
    refuses("--sex", "X", "sex");
    accepts("--sex", "M", "sex", json!("M"));
    refuses("--dummy-status", "MAYBE", "dummyStatus");
}

#[test]
fn r3_dates() {
    refuses("--date-of-birth", "2023-02-29", "dateOfBirth");
    refuses("--date-of-expiry", "2023-13-01", "dateOfExpiry");
    refuses("--date-of-issue", "01/02/2023", "dateOfIssue");
    accepts(
        "--date-of-birth",
        "2024-02-29",
        "dateOfBirth",
        json!("2024-02-29"),
    );
}

#[test]
fn r3_booleans() {
    accepts(
        "--show-instructions",
        "true",
        "showInstructions",
        json!(true),
    );
    let run = refused(
        "client",
        &["--show-instructions", "maybe"],
        "showInstructions",
    );
    assert_eq!(run.json()["error"]["message"], "must be true or false");
    refuses("--utility-bill", "yes", "utilityBill");
}

#[test]
fn r3_extra_fields() {
    refuses("--field", "clientId=1", "clientId");
    refuses("--field", "documents=[]", "documents");
    accepts("--field", "foo=1", "foo", json!(1));
    accepts("--field", r#"foo="a=b""#, "foo", json!("a=b"));
    let run = refused("client", &["--field", "foo=notjson"], "foo");
    assert_eq!(run.json()["error"]["message"], "must be a JSON value");
    let run = refused("client", &["--field", "foo"], "field");
    assert_eq!(run.json()["error"]["message"], "must be written KEY=VALUE");
}

// --- sending ----------------------------------------------------------------------------------

#[test]
fn token_is_sent_and_answered() {
    let server = support::Canned::serve(vec![support::Canned::json(
        201,
        r#"{"message":"Token created successfully","authToken":"AbCdEfGhIjKlMnOpQrStUvWxYz","scanRef":"0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9","clientId":"X"}"#,
    )]);
    let run = idenfy(&[
        "--base-url",
        &server.base_url,
        "--api-key",
        "key",
        "--api-secret",
        SECRET,
        "token",
        "--client-id",
        "X",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("authToken   AbCdEfGhIjKlMnOpQrStUvWxYz"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("scanRef     0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9")
    );
    assert!(run.stdout.contains(&format!(
        "redirectUrl {}/api/v2/redirect?authToken=AbCdEfGhIjKlMnOpQrStUvWxYz",
        server.base_url
    )));
    run.assert_no_secret();
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].line, "POST /api/v2/token HTTP/1.1");
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&requests[0].body).unwrap(),
        json!({"clientId": "X"})
    );
    assert!(
        requests[0]
            .header("authorization")
            .unwrap()
            .starts_with("Basic ")
    );
}

#[test]
fn token_json_output_and_api_errors() {
    let server = support::Canned::serve(vec![
        support::Canned::json(
            201,
            r#"{"authToken":"AbCdEfGhIjKlMnOpQrStUvWxYz","scanRef":"0f1e2d3c","clientId":7}"#,
        ),
        support::Canned::json(
            400,
            r#"{"identifier":"BAD_VALUE","message":"Field 'country' must be a valid ISO 3166-1 alpha-2 code."}"#,
        ),
    ]);
    let args = |json: bool| {
        let mut args = vec![
            "--base-url",
            server.base_url.as_str(),
            "--api-key",
            "key",
            "--api-secret",
            SECRET,
        ];
        if json {
            args.push("--json");
        }
        args.extend(["token", "--client-id", "X"]);
        args
    };
    let run = idenfy(&args(true));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let document = run.json();
    assert_eq!(document["clientId"], "7");
    assert_eq!(document["scanRef"], "0f1e2d3c");
    assert_eq!(
        document["redirectUrl"],
        format!(
            "{}/api/v2/redirect?authToken=AbCdEfGhIjKlMnOpQrStUvWxYz",
            server.base_url
        )
    );

    let run = idenfy(&args(true));
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.json()["error"]["kind"], "api");
    assert!(run.stderr.contains("BAD_VALUE"), "{}", run.stderr);
    run.assert_no_secret();
}

#[test]
fn sending_needs_credentials_and_validation_comes_first() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    let run = idenfy(&["--base-url", &base_url, "token", "--client-id", "X"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with("error: apiKey: is required"),
        "{}",
        run.stderr
    );
    let run = idenfy(&[
        "--base-url",
        &base_url,
        "--api-key",
        "k",
        "token",
        "--client-id",
        "X",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with("error: apiSecret: is required"),
        "{}",
        run.stderr
    );
    let run = idenfy(&[
        "--base-url",
        &base_url,
        "--api-key",
        "k",
        "--api-secret",
        SECRET,
        "token",
        "--client-id",
        "",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with("error: clientId: "),
        "{}",
        run.stderr
    );
    listener.set_nonblocking(true).unwrap();
    assert_eq!(
        listener.accept().map(|_| ()).unwrap_err().kind(),
        std::io::ErrorKind::WouldBlock,
        "a connection was made"
    );
}

#[test]
fn an_unreachable_base_url_exits_3_within_the_timeout() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let started = std::time::Instant::now();
    let run = idenfy(&[
        "--base-url",
        &base_url,
        "--api-key",
        "k",
        "--api-secret",
        SECRET,
        "--timeout",
        "2",
        "--json",
        "status",
        "0f1e2d3c",
    ]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert_eq!(run.json()["error"]["kind"], "transport");
    assert!(started.elapsed() < std::time::Duration::from_secs(10));

    // A server that accepts and never answers: the --timeout ends it.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let base_url = format!("http://{}", silent.local_addr().unwrap());
    let started = std::time::Instant::now();
    let run = idenfy(&[
        "--base-url",
        &base_url,
        "--api-key",
        "k",
        "--api-secret",
        SECRET,
        "--timeout",
        "1",
        "status",
        "0f1e2d3c",
    ]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("timed out"), "{}", run.stderr);
    let elapsed = started.elapsed();
    assert!(
        elapsed >= std::time::Duration::from_secs(1) && elapsed < std::time::Duration::from_secs(8),
        "{elapsed:?}"
    );
    drop(silent);
}

// --- redirect-url -----------------------------------------------------------------------------

#[test]
fn redirect_url() {
    let run = idenfy(&["redirect-url", "abc+DEF 1"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "https://ivs.idenfy.com/api/v2/redirect?authToken=abc%2BDEF+1\n"
    );

    let run = idenfy(&["redirect-url", "abc+DEF 1", "--iframe", "--lang", "lt"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "https://ui.idenfy.com/?authToken=abc%2BDEF+1&lang=lt\n"
    );

    let run = idenfy(&["redirect-url", "tok", "--iframe"]);
    assert_eq!(run.stdout, "https://ui.idenfy.com/?authToken=tok\n");

    let run = idenfy(&["--json", "redirect-url", "tok"]);
    assert_eq!(
        run.json(),
        json!({"url": "https://ivs.idenfy.com/api/v2/redirect?authToken=tok"})
    );
}

#[test]
fn redirect_url_base_url_rules() {
    let run = idenfy(&["redirect-url", "tok", "--base-url", "http://example.com"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.starts_with("error: baseUrl: "), "{}", run.stderr);
    let run = idenfy(&[
        "--json",
        "redirect-url",
        "tok",
        "--base-url",
        "http://example.com",
    ]);
    assert_eq!(run.json()["error"]["field"], "baseUrl");

    let run = idenfy(&["redirect-url", "tok", "--base-url", "http://127.0.0.1:9"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "http://127.0.0.1:9/api/v2/redirect?authToken=tok\n"
    );

    let run = idenfy(&[
        "redirect-url",
        "tok",
        "--base-url",
        "http://example.com",
        "--allow-insecure-http",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "http://example.com/api/v2/redirect?authToken=tok\n"
    );
}

#[test]
fn redirect_url_lang() {
    let run = idenfy(&["redirect-url", "tok", "--lang", "lt"]);
    assert_eq!(run.code, 2, "--lang needs --iframe");
    assert!(run.stdout.is_empty());

    let run = idenfy(&[
        "--json",
        "redirect-url",
        "tok",
        "--iframe",
        "--lang",
        "english",
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.starts_with("error: lang: "), "{}", run.stderr);
    assert_eq!(run.json()["error"]["field"], "lang");
}

#[test]
fn dry_run_config_errors_name_base_url() {
    let run = idenfy(&[
        "token",
        "--client-id",
        "X",
        "--dry-run",
        "--base-url",
        "http://example.com",
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.starts_with("error: baseUrl: "), "{}", run.stderr);
}

// --- usage --------------------------------------------------------------------------------------

#[test]
fn usage_errors_exit_2() {
    let run = idenfy(&["token", "--client-id", "X", "--bogus", "--dry-run"]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty());
    let run = idenfy(&["nonsense"]);
    assert_eq!(run.code, 2);
    let run = idenfy(&["--timeout", "abc", "redirect-url", "tok"]);
    assert_eq!(run.code, 2);
    let run = idenfy(&["--timeout", "0", "redirect-url", "tok"]);
    assert_eq!(run.code, 2);
    let run = idenfy(&["--json", "token", "--bogus"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.json()["error"]["kind"], "usage");
}

#[test]
fn help_and_version_exit_0() {
    let run = idenfy(&["--help"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("token"));
    assert!(run.stdout.contains("redirect-url"));
    let run = idenfy(&["--version"]);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.stdout,
        concat!("idenfy ", env!("CARGO_PKG_VERSION"), "\n")
    );
    let run = idenfy(&["token", "--help"]);
    assert_eq!(run.code, 0);
    for flag in [
        "--client-id",
        "--first-name",
        "--last-name",
        "--success-url",
        "--error-url",
        "--unverified-url",
        "--callback-url",
        "--locale",
        "--expiry-time",
        "--session-length",
        "--country",
        "--document ",
        "--token-type",
        "--external-ref",
        "--nationality",
        "--date-of-birth",
        "--date-of-expiry",
        "--date-of-issue",
        "--sex",
        "--personal-number",
        "--document-number",
        "--address",
        "--show-instructions",
        "--generate-digit-string",
        "--utility-bill",
        "--questionnaire",
        "--video-call-question",
        "--dummy-status",
        "--field",
        "--dry-run",
        "--base-url",
        "--api-key",
        "--api-secret",
        "--timeout",
        "--json",
        "--allow-insecure-http",
    ] {
        assert!(
            run.stdout.contains(flag),
            "{flag} missing from token --help"
        );
    }
}
