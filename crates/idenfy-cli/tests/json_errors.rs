//! `--json` everywhere (issue 12, deliverable 5), as a user runs the binary: errors carry
//! structured fields, usage errors keep clap's whole text, `--json --version` is JSON, and
//! transport errors name the host and the root cause in both modes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use serde_json::json;
use support::{Canned, idenfy};

const SECRET: &str = "s3cr3t-JsonErrors-77c1";

/// `--base-url BASE --api-key key --api-secret S --timeout 10 [json] status s-1`.
fn status(base_url: &str, json: bool) -> support::Run {
    let mut args = vec![
        "--base-url",
        base_url,
        "--api-key",
        "key",
        "--api-secret",
        SECRET,
        "--timeout",
        "10",
    ];
    if json {
        args.push("--json");
    }
    args.extend(["status", "s-1"]);
    let run = idenfy(&args);
    run.assert_hidden(SECRET);
    run
}

/// A loopback port nothing listens on.
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn json_version_is_json() {
    let run = idenfy(&["--json", "--version"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.json(),
        json!({"name": "idenfy", "version": env!("CARGO_PKG_VERSION")})
    );
    // Without --json, clap's line.
    let run = idenfy(&["--version"]);
    assert_eq!(
        run.stdout,
        format!("idenfy {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn json_usage_errors_keep_the_parsers_whole_text() {
    let run = idenfy(&["--json", "token"]);
    assert_eq!(run.code, 2);
    let error = &run.json()["error"];
    assert_eq!(error["kind"], "usage");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.starts_with("the following required arguments were not provided:"),
        "{message}"
    );
    assert!(message.contains("--client-id <ID>"), "{message}");
    assert!(message.contains("Usage: idenfy token"), "{message}");
    // stderr has clap's own rendering too.
    assert!(run.stderr.contains("--client-id <ID>"), "{}", run.stderr);
}

#[test]
fn json_api_errors_carry_status_and_identifier() {
    let server = Canned::serve(vec![Canned::json(
        409,
        r#"{"message":"Token has not expired yet.","identifier":"PARTNER_ERROR"}"#,
    )]);
    let run = status(&server.base_url, true);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let error = &run.json()["error"];
    assert_eq!(error["kind"], "api");
    assert_eq!(error["status"], 409);
    assert_eq!(error["identifier"], "PARTNER_ERROR");
}

#[test]
fn json_validation_errors_carry_field_and_rule() {
    let run = idenfy(&["--json", "status", &"a".repeat(41), "--dry-run"]);
    assert_eq!(run.code, 2);
    let error = &run.json()["error"];
    assert_eq!(error["kind"], "validation");
    assert_eq!(error["field"], "scanRef");
    assert!(error["rule"].as_str().is_some_and(|rule| !rule.is_empty()));
}

#[test]
fn connection_refused_names_the_host_and_the_cause() {
    let base_url = format!("http://127.0.0.1:{}", closed_port());
    let host = base_url.trim_start_matches("http://");
    let run = status(&base_url, false);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains(host), "{}", run.stderr);
    assert!(run.stderr.contains("connection refused"), "{}", run.stderr);
    let run = status(&base_url, true);
    assert_eq!(run.code, 3);
    let error = &run.json()["error"];
    assert_eq!(error["kind"], "transport");
    assert_eq!(error["host"], host);
    assert_eq!(error["cause"], "refused");
}

#[test]
fn a_tls_handshake_failure_names_the_host_and_the_cause() {
    // A plain HTTP server on the other end of an https URL: every attempt's handshake fails.
    let server = Canned::serve(
        (0..8)
            .map(|_| Canned::json(200, r#"{"status":"APPROVED"}"#))
            .collect(),
    );
    let base_url = server.base_url.replace("http://", "https://");
    let host = base_url.trim_start_matches("https://").to_owned();
    let run = status(&base_url, false);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains(&host), "{}", run.stderr);
    assert!(run.stderr.contains("TLS"), "{}", run.stderr);
    let run = status(&base_url, true);
    assert_eq!(run.code, 3);
    let error = &run.json()["error"];
    assert_eq!(error["host"], host.as_str());
    assert_eq!(error["cause"], "tls", "{error}");
}

#[test]
fn a_name_that_does_not_resolve_is_a_dns_failure() {
    // `.invalid` never resolves (RFC 6761).
    let run = status("https://idenfy-cli-test.invalid", true);
    assert_eq!(run.code, 3, "{}", run.stderr);
    let error = &run.json()["error"];
    assert_eq!(error["host"], "idenfy-cli-test.invalid");
    assert_eq!(error["cause"], "dns", "{error}");
    assert!(run.stderr.contains("DNS"), "{}", run.stderr);
}
