//! Shell habits as a user meets them (issue 12, deliverable 6): `--color`, completions, proxies
//! from the environment and `-v`/`RUST_LOG` diagnostics, each by running the binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use support::{Canned, idenfy};

const SECRET: &str = "s3cr3t-Shell-7c41";
const STATUS: &str = r#"{"status":"APPROVED","autoFace":"FACE_MATCH","autoDocument":"DOC_VALIDATED","manualFace":"","manualDocument":"","fraudTags":[],"mismatchTags":[],"scanRef":"0f1e2d3c","clientId":"c-1"}"#;
/// The ANSI colour `APPROVED` is written in.
const GREEN_APPROVED: &str = "\x1b[32mAPPROVED\x1b[0m";

/// `idenfy status 0f1e2d3c` against a canned answer, with `extra` global options.
fn status_with(extra: &[&str]) -> support::Run {
    let server = Canned::serve(vec![Canned::json(200, STATUS)]);
    let mut args = vec![
        "--base-url",
        server.base_url.as_str(),
        "--api-key",
        "key",
        "--api-secret",
        SECRET,
    ];
    args.extend_from_slice(extra);
    args.extend(["status", "0f1e2d3c"]);
    let run = idenfy(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run
}

#[test]
fn color_always_colours_piped_output() {
    let run = status_with(&["--color", "always"]);
    assert!(run.stdout.contains(GREEN_APPROVED), "{:?}", run.stdout);
}

#[test]
fn color_never_and_auto_leave_piped_output_plain() {
    for extra in [&["--color", "never"][..], &["--color", "auto"], &[]] {
        let run = status_with(extra);
        assert!(
            run.stdout.contains("APPROVED"),
            "{extra:?}: {:?}",
            run.stdout
        );
        assert!(!run.stdout.contains('\x1b'), "{extra:?}: {:?}", run.stdout);
    }
}

#[test]
fn color_never_colours_json() {
    let run = status_with(&["--color", "always", "--json"]);
    assert!(!run.stdout.contains('\x1b'), "{:?}", run.stdout);
    assert_eq!(run.json()["status"], "APPROVED");
}

#[test]
fn color_refuses_other_values() {
    let run = idenfy(&["--color", "sometimes", "demo"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--color"), "{}", run.stderr);
}

#[test]
fn completions_for_each_shell_name_the_commands() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let run = idenfy(&["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        assert!(!run.stdout.trim().is_empty(), "{shell}: empty script");
        for command in [
            "token",
            "status",
            "webhook",
            "emulator",
            "demo",
            "completions",
        ] {
            assert!(run.stdout.contains(command), "{shell}: no {command}");
        }
        // fish writes long flags as `-l color`.
        assert!(run.stdout.contains("color"), "{shell}: no --color");
    }
}

#[test]
fn completions_refuse_an_unknown_shell() {
    let run = idenfy(&["completions", "tcsh"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
}

#[test]
fn completions_json_is_one_document() {
    let run = idenfy(&["--json", "completions", "fish"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let document = run.json();
    assert_eq!(document["shell"], "fish");
    assert!(document["script"].as_str().unwrap().contains("status"));
}
