//! Files and exit codes (issue 12, deliverable 4), as a user runs the binary: `pdf --output` is
//! checked before anything is sent, written 0600, never through a symbolic link, never over an
//! existing file without `--force`, `-` is stdout; a failure after sending exits 1 and says the
//! request was sent; `webhook parse` of JSON that is not an event object exits 1.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::Path;

use support::{Canned, CannedServer, idenfy, idenfy_stdin, scratch_dir};

const SECRET: &str = "s3cr3t-Files-4a1f";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

/// A server answering one PDF.
fn pdf_server() -> CannedServer {
    Canned::serve(vec![Canned::new(
        200,
        vec![("Content-Type", "application/pdf")],
        PDF.to_vec(),
    )])
}

/// `idenfy --base-url B --api-key key --api-secret S [pre…] pdf s-1 --output OUTPUT [more…]`.
fn pdf_args(base_url: &str, pre: &[&str], output: &str, more: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = ["--base-url", base_url, "--api-key", "key", "--api-secret"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    args.push(SECRET.to_owned());
    args.extend(pre.iter().map(|s| (*s).to_owned()));
    args.extend(["pdf", "s-1", "--output", output].map(str::to_owned));
    args.extend(more.iter().map(|s| (*s).to_owned()));
    args
}

fn run(args: &[String]) -> support::Run {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    idenfy(&args)
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn pdf_is_written_0600() {
    let server = pdf_server();
    let dir = scratch_dir("files-0600");
    let output = dir.join("report.pdf");
    let run = run(&pdf_args(
        &server.base_url,
        &[],
        output.to_str().unwrap(),
        &[],
    ));
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.assert_hidden(SECRET);
    assert_eq!(std::fs::read(&output).unwrap(), PDF);
    #[cfg(unix)]
    assert_eq!(mode(&output), 0o600);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn pdf_refuses_a_directory_before_sending() {
    let server = pdf_server();
    let dir = scratch_dir("files-dir");
    for json in [false, true] {
        let pre: &[&str] = if json { &["--json"] } else { &[] };
        let run = run(&pdf_args(&server.base_url, pre, dir.to_str().unwrap(), &[]));
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(run.stderr.contains("directory"), "{}", run.stderr);
        if json {
            assert_eq!(run.json()["error"]["kind"], "io");
        } else {
            assert!(run.stdout.is_empty());
        }
    }
    assert!(server.requests().is_empty(), "a request was sent");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn pdf_never_replaces_a_file_without_force() {
    let server = Canned::serve(vec![Canned::new(
        200,
        vec![("Content-Type", "application/pdf")],
        PDF.to_vec(),
    )]);
    let dir = scratch_dir("files-force");
    let output = dir.join("report.pdf");
    std::fs::write(&output, b"keep me").unwrap();
    let path = output.to_str().unwrap();
    let refused = run(&pdf_args(&server.base_url, &[], path, &[]));
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(refused.stderr.contains("--force"), "{}", refused.stderr);
    assert!(server.requests().is_empty(), "a request was sent");
    assert_eq!(std::fs::read(&output).unwrap(), b"keep me");

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&output, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let forced = run(&pdf_args(&server.base_url, &[], path, &["--force"]));
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    assert_eq!(std::fs::read(&output).unwrap(), PDF);
    #[cfg(unix)]
    assert_eq!(mode(&output), 0o600);
    let _ = std::fs::remove_dir_all(dir);
}

#[cfg(unix)]
#[test]
fn pdf_never_writes_through_a_symbolic_link() {
    let server = pdf_server();
    let dir = scratch_dir("files-symlink");
    let target = dir.join("target.txt");
    std::fs::write(&target, b"victim").unwrap();
    let link = dir.join("report.pdf");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let dangling = dir.join("dangling.pdf");
    std::os::unix::fs::symlink(dir.join("nowhere"), &dangling).unwrap();
    for path in [&link, &dangling] {
        for force in [&[][..], &["--force"][..]] {
            let run = run(&pdf_args(
                &server.base_url,
                &[],
                path.to_str().unwrap(),
                force,
            ));
            assert_eq!(run.code, 2, "{path:?} {force:?}: {}", run.stderr);
            assert!(run.stderr.contains("symbolic link"), "{}", run.stderr);
        }
    }
    assert!(server.requests().is_empty(), "a request was sent");
    assert_eq!(std::fs::read(&target).unwrap(), b"victim");
    assert!(!dir.join("nowhere").exists());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn pdf_output_dash_writes_to_stdout() {
    let server = pdf_server();
    let dir = scratch_dir("files-dash");
    let mut command = support::command(&[]);
    command
        .current_dir(&dir)
        .args(pdf_args(&server.base_url, &[], "-", &[]));
    let output = command.output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(output.stdout, PDF);
    assert!(!dir.join("-").exists(), "a file named - was created");

    // stdout is the one JSON document with --json: refused before sending.
    let run = run(&pdf_args(&server.base_url, &["--json"], "-", &[]));
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.json()["error"]["kind"], "usage");
    assert_eq!(server.requests().len(), 1);
    let _ = std::fs::remove_dir_all(dir);
}

#[cfg(target_os = "linux")]
#[test]
fn a_failure_after_sending_exits_1_and_says_the_request_was_sent() {
    let server = pdf_server();
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let output = support::command(&[])
        .args(pdf_args(&server.base_url, &[], "-", &[]))
        .stdout(full)
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("the request was sent"), "{stderr}");
    assert!(!stderr.contains(SECRET));
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn a_file_created_for_a_request_that_fails_is_removed() {
    // Nothing listens on this port once the listener is dropped: the send fails (exit 3).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = scratch_dir("files-removed");
    let output = dir.join("report.pdf");
    let run = run(&pdf_args(
        &format!("http://127.0.0.1:{port}"),
        &[],
        output.to_str().unwrap(),
        &[],
    ));
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(!output.exists(), "an empty report was left behind");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn webhook_parse_of_json_that_is_not_an_event_object_exits_1() {
    for body in [&b"[]"[..], b"\"str\"", b"{}", b"1", b"null", b"true"] {
        let run = idenfy_stdin(&["webhook", "parse"], body);
        assert_eq!(run.code, 1, "{body:?}: {}", run.stdout);
        assert!(run.stdout.is_empty(), "{}", run.stdout);
        assert!(run.stderr.starts_with("error: decode: "), "{}", run.stderr);
        let run = idenfy_stdin(&["--json", "webhook", "parse"], body);
        assert_eq!(run.code, 1);
        assert_eq!(run.json()["error"]["kind"], "decode");
    }
    let run = idenfy_stdin(&["webhook", "parse"], br#"{"scanRef":"s-1"}"#);
    assert_eq!(run.code, 0, "{}", run.stderr);
}
