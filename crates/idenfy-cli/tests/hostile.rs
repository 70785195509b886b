//! R10: text received from the network or read from an input file reaches the terminal with its
//! control characters escaped. A server (or a forged webhook) that sends `ESC]0;…BEL` (retitle
//! the terminal) or `ESC[2J` (clear it) gets them printed as `\u{1b}`, never acted on; `--json`
//! keeps the exact value, escaped by JSON itself.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use support::{Canned, CannedServer, idenfy, idenfy_stdin};

/// A title change and a screen clear, as JSON string escapes (so the bodies below are valid
/// JSON carrying the raw control characters once decoded).
const HOSTILE_JSON: &str = r"\u001b]0;pwned\u0007\u001b[2J\u009b31m";
/// The same, decoded.
const HOSTILE: &str = "\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m";

/// No raw ESC, BEL or C1 control character in either stream.
fn assert_inert(run: &support::Run) {
    for (name, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        assert!(
            !text
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t'),
            "a raw control character on {name}: {text:?}"
        );
    }
}

/// `--base-url BASE --api-key key --api-secret secret [--json] status s-1`.
fn status(server: &CannedServer, json: bool) -> support::Run {
    let mut args = vec![
        "--base-url",
        server.base_url.as_str(),
        "--api-key",
        "key",
        "--api-secret",
        "secret",
        "--timeout",
        "10",
    ];
    if json {
        args.push("--json");
    }
    args.extend(["status", "s-1"]);
    idenfy(&args)
}

#[test]
fn r10_a_status_answer_with_control_characters_is_printed_escaped() {
    let body = format!(
        r#"{{"scanRef":"s-1","clientId":"{HOSTILE_JSON}","status":"APPROVED","autoDocument":"{HOSTILE_JSON}","extraThing":"{HOSTILE_JSON}"}}"#
    );
    let server = Canned::serve(vec![Canned::json(200, &body)]);
    let run = status(&server, false);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_inert(&run);
    assert!(run.stdout.contains(r"\u{1b}]0;pwned"), "{}", run.stdout);

    // `--json` is exact: the value decodes to the very characters sent.
    let server = Canned::serve(vec![Canned::json(200, &body)]);
    let run = status(&server, true);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_inert(&run);
    assert_eq!(run.json()["clientId"], HOSTILE);
}

#[test]
fn r10_an_error_message_with_control_characters_is_printed_escaped() {
    let body = format!(r#"{{"identifier":"BAD_VALUE","message":"{HOSTILE_JSON}"}}"#);
    let server = Canned::serve(vec![Canned::json(400, &body)]);
    let run = status(&server, false);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_inert(&run);
    assert!(run.stderr.contains("pwned"), "{}", run.stderr);
}

#[test]
fn r10_a_non_json_error_body_with_control_characters_is_printed_escaped() {
    // Three answers: a 502 is retried twice for a read-only call.
    let answer = || {
        Canned::new(
            502,
            vec![("Content-Type", "text/html")],
            HOSTILE.as_bytes().to_vec(),
        )
    };
    let server = Canned::serve(vec![answer(), answer(), answer()]);
    let run = status(&server, false);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_inert(&run);
}

#[test]
fn r10_an_unverified_webhook_with_control_characters_is_printed_escaped() {
    let body = format!(
        r#"{{"scanRef":"{HOSTILE_JSON}","clientId":"{HOSTILE_JSON}","final":true,"status":{{"overall":"APPROVED","manualComment":"{HOSTILE_JSON}"}}}}"#
    );
    let run = idenfy_stdin(&["webhook", "parse", "-"], body.as_bytes());
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_inert(&run);
    assert!(run.stdout.contains(r"\u{1b}"), "{}", run.stdout);
}
