//! The `scanRef` commands as a real process (R5, `spec/CLI.md`): `status`, `data`, `files`,
//! `delete` and `pdf --output FILE`, their `--dry-run` output, the `scanRef` bounds and the
//! path without `--dry-run`, shared with `token`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use serde_json::json;
use support::{idenfy, scratch_dir};

/// A secret handed to the binary that must never be printed (R10).
const SECRET: &str = "s3cr3t-Retrieval-9d2e";

/// A `scanRef` of the seed's shape (a 36-character UUID).
const SCAN_REF: &str = "9b11acb2-8c27-11e9-9758-309c231b1bac";

/// The `User-Agent` value (R1).
const USER_AGENT: &str = concat!("idenfy-rs/", env!("CARGO_PKG_VERSION"));

/// Each command, the path it posts to, and the extra arguments it needs.
const COMMANDS: [(&str, &str, &[&str]); 5] = [
    ("status", "/api/v2/status", &[]),
    ("data", "/api/v2/data", &[]),
    ("files", "/api/v2/files", &[]),
    ("delete", "/api/v2/delete", &[]),
    ("pdf", "/api/v2/generate-pdf", &["--output", "report.pdf"]),
];

/// `idenfy <command> <scan_ref> <extra…> --dry-run <more…>`.
fn dry_run(command: &str, scan_ref: &str, extra: &[&str], more: &[&str]) -> support::Run {
    let mut args = vec![command, scan_ref];
    args.extend_from_slice(extra);
    args.push("--dry-run");
    args.extend_from_slice(more);
    idenfy(&args)
}

#[test]
fn r5_dry_run_human_output_of_every_command() {
    for (command, path, extra) in COMMANDS {
        let run = dry_run(command, SCAN_REF, extra, &[]);
        assert_eq!(run.code, 0, "{command}: {}", run.stderr);
        assert!(run.stderr.is_empty(), "{command}: {}", run.stderr);
        assert_eq!(
            run.stdout,
            format!(
                "POST https://ivs.idenfy.com{path}\n\
                 Authorization: Basic [redacted]\n\
                 Content-Type: application/json\n\
                 Accept: application/json\n\
                 User-Agent: {USER_AGENT}\n\
                 \n\
                 {{\n  \"scanRef\": \"{SCAN_REF}\"\n}}\n"
            ),
            "{command}"
        );
    }
}

#[test]
fn r5_dry_run_json_output_of_every_command() {
    for (command, path, extra) in COMMANDS {
        let run = dry_run(
            command,
            SCAN_REF,
            extra,
            &["--json", "--api-key", "key", "--api-secret", SECRET],
        );
        assert_eq!(run.code, 0, "{command}: {}", run.stderr);
        run.assert_hidden(SECRET);
        assert_eq!(
            run.json(),
            json!({
                "method": "POST",
                "url": format!("https://ivs.idenfy.com{path}"),
                "headers": {
                    "Authorization": "Basic [redacted]",
                    "Content-Type": "application/json",
                    "Accept": "application/json",
                    "User-Agent": USER_AGENT,
                },
                "body": {"scanRef": SCAN_REF},
            }),
            "{command}"
        );
    }
}

#[test]
fn r5_dry_run_uses_the_base_url() {
    for (command, path, extra) in COMMANDS {
        let run = dry_run(
            command,
            "s",
            extra,
            &["--json", "--base-url", "http://127.0.0.1:9/"],
        );
        assert_eq!(run.code, 0, "{command}: {}", run.stderr);
        assert_eq!(run.json()["url"], format!("http://127.0.0.1:9{path}"));
        let run = dry_run(command, "s", extra, &["--base-url", "http://example.com"]);
        assert_eq!(run.code, 2, "{command}");
        assert!(run.stderr.starts_with("error: baseUrl: "), "{}", run.stderr);
    }
}

#[test]
fn r5_scan_ref_is_1_to_40_characters() {
    for (command, _, extra) in COMMANDS {
        for accepted in ["a".to_owned(), "a".repeat(40), "ž".repeat(40)] {
            let run = dry_run(command, &accepted, extra, &["--json"]);
            assert_eq!(run.code, 0, "{command} {accepted:?}: {}", run.stderr);
            assert_eq!(run.json()["body"], json!({"scanRef": accepted}));
        }
        for refused in [String::new(), "a".repeat(41), "ž".repeat(41)] {
            let run = dry_run(command, &refused, extra, &[]);
            assert_eq!(run.code, 2, "{command} {refused:?}: {}", run.stdout);
            assert!(run.stdout.is_empty(), "{}", run.stdout);
            assert!(
                run.stderr.starts_with("error: scanRef: "),
                "{command}: {}",
                run.stderr
            );
            let run = dry_run(command, &refused, extra, &["--json"]);
            assert_eq!(run.code, 2);
            let error = &run.json()["error"];
            assert_eq!(error["kind"], "validation");
            assert_eq!(error["field"], "scanRef", "{command}");
        }
        // Validation comes first, without --dry-run too.
        let mut args = vec![command, ""];
        args.extend_from_slice(extra);
        let run = idenfy(&args);
        assert_eq!(run.code, 2);
        assert!(run.stderr.starts_with("error: scanRef: "), "{}", run.stderr);
    }
}

#[test]
fn scan_ref_is_required() {
    for (command, _, extra) in COMMANDS {
        let mut args = vec![command, "--dry-run"];
        args.extend_from_slice(extra);
        let run = idenfy(&args);
        assert_eq!(run.code, 2, "{command}");
        assert!(run.stdout.is_empty());
        assert!(run.stderr.contains("SCANREF"), "{}", run.stderr);
    }
}

#[test]
fn each_command_sends_and_presents_the_answer() {
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
    let server = support::Canned::serve(vec![
        support::Canned::json(
            200,
            r#"{"status":"APPROVED","autoFace":"FACE_MATCH","autoDocument":"DOC_VALIDATED","manualFace":"","manualDocument":"","fraudTags":[],"mismatchTags":["NAME"],"scanRef":"0f1e2d3c","clientId":"c-1"}"#,
        ),
        support::Canned::json(
            200,
            r#"{"docFirstName":"ONA","docLastName":"JONAITE","scanRef":"0f1e2d3c","clientId":"c-1"}"#,
        ),
        support::Canned::json(
            200,
            r#"{"FRONT":"http://files.example/front.png","BACK":null}"#,
        ),
        support::Canned::new(200, vec![], Vec::new()),
        support::Canned::new(200, vec![("Content-Type", "application/pdf")], pdf.clone()),
    ]);
    let base = |command: &str| {
        vec![
            "--base-url".to_owned(),
            server.base_url.clone(),
            "--api-key".to_owned(),
            "key".to_owned(),
            "--api-secret".to_owned(),
            SECRET.to_owned(),
            command.to_owned(),
            "0f1e2d3c".to_owned(),
        ]
    };
    let run_args = |args: Vec<String>| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        idenfy(&args)
    };
    let run = run_args(base("status"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("status       APPROVED"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("face         FACE_MATCH (auto)"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("mismatchTags NAME"), "{}", run.stdout);

    let run = run_args(base("data"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("docFirstName ONA"), "{}", run.stdout);

    let run = run_args(base("files"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("FRONT http://files.example/front.png"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("BACK  -"), "{}", run.stdout);

    let run = run_args(base("delete"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("deleted 0f1e2d3c"), "{}", run.stdout);

    let dir = scratch_dir("pdf-send");
    let output = dir.join("report.pdf");
    let mut args = base("pdf");
    args.extend(["--output".to_owned(), output.display().to_string()]);
    let run = run_args(args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(std::fs::read(&output).unwrap(), pdf);

    let paths: Vec<String> = server
        .requests()
        .iter()
        .map(|request| request.line.clone())
        .collect();
    assert_eq!(
        paths,
        ["status", "data", "files", "delete", "generate-pdf"]
            .map(|path| format!("POST /api/v2/{path} HTTP/1.1"))
    );
    for request in server.requests().iter() {
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&request.body).unwrap(),
            serde_json::json!({"scanRef": "0f1e2d3c"})
        );
    }
}

#[test]
fn an_api_error_exits_1() {
    let server = support::Canned::serve(vec![support::Canned::json(
        400,
        r#"{"message":"Token has not expired yet.","identifier":"PARTNER_ERROR","documentation":"","severity":"NOT_SEVERE"}"#,
    )]);
    let run = idenfy(&[
        "--base-url",
        &server.base_url,
        "--api-key",
        "key",
        "--api-secret",
        SECRET,
        "--json",
        "delete",
        "0f1e2d3c",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.json()["error"]["kind"], "api");
    assert!(
        run.stderr.contains("PARTNER_ERROR") && run.stderr.contains("Token has not expired yet."),
        "{}",
        run.stderr
    );
}

#[test]
fn pdf_needs_output_even_in_dry_run_and_writes_nothing_then() {
    let run = idenfy(&["pdf", SCAN_REF, "--dry-run"]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty());
    assert!(run.stderr.contains("--output"), "{}", run.stderr);
    let run = idenfy(&["--json", "pdf", SCAN_REF]);
    assert_eq!(run.code, 2);
    assert_eq!(run.json()["error"]["kind"], "usage");

    let dir = scratch_dir("pdf-dry-run");
    let output = dir.join("report.pdf");
    let run = idenfy(&[
        "pdf",
        SCAN_REF,
        "--output",
        output.to_str().unwrap(),
        "--dry-run",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("POST https://ivs.idenfy.com/api/v2/generate-pdf\n")
    );
    assert!(!output.exists(), "a dry run wrote the file");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn pdf_refuses_an_output_in_a_missing_directory_before_sending() {
    let dir = scratch_dir("pdf-missing");
    let output = dir.join("no-such-directory").join("report.pdf");
    let output = output.to_str().unwrap();
    let run = idenfy(&["pdf", SCAN_REF, "--output", output]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty());
    assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
    assert!(
        run.stderr.contains(output),
        "names the path: {}",
        run.stderr
    );
    let run = idenfy(&["--json", "pdf", SCAN_REF, "--output", output]);
    assert_eq!(run.json()["error"]["kind"], "io");
    // In a dry run the path is not looked at.
    let run = idenfy(&["pdf", SCAN_REF, "--output", output, "--dry-run"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn help_lists_the_commands() {
    let run = idenfy(&["--help"]);
    assert_eq!(run.code, 0);
    for command in ["status", "data", "files", "delete", "pdf", "webhook"] {
        assert!(
            run.stdout.contains(command),
            "{command} missing from --help"
        );
    }
    let run = idenfy(&["pdf", "--help"]);
    assert!(run.stdout.contains("--output <FILE>"));
    assert!(run.stdout.contains("<SCANREF>"));
}
