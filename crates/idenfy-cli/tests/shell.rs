//! Shell habits as a user meets them (issue 12, deliverable 6): `--color`, completions, proxies
//! from the environment and `-v`/`RUST_LOG` diagnostics, each by running the binary.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

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

/// Runs the binary with `args` and `NO_COLOR` as given (`None`: removed).
fn idenfy_no_color(args: &[&str], no_color: Option<&str>) -> support::Run {
    let mut command = support::command(args);
    match no_color {
        Some(value) => command.env("NO_COLOR", value),
        None => command.env_remove("NO_COLOR"),
    };
    run_command(command)
}

#[test]
fn color_governs_clap_help_and_usage_errors() {
    // Help (stdout, exit 0), before or after the command, either spelling of the flag.
    for args in [
        &["--color", "always", "--help"][..],
        &["--color=always", "--help"],
        &["status", "--help", "--color", "always"],
        &["--color", "always", "help", "webhook"],
    ] {
        for no_color in [None, Some("1")] {
            let run = idenfy_no_color(args, no_color);
            assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
            assert!(
                run.stdout.contains("\x1b["),
                "{args:?} {no_color:?}: {:?}",
                run.stdout
            );
        }
    }
    for args in [
        &["--color", "never", "--help"][..],
        &["--help"],
        &["--color", "auto", "status", "--help"],
        &["--color", "never", "help", "webhook"],
        &["--color", "always", "--json", "--help"],
    ] {
        let run = idenfy_no_color(args, None);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        assert!(run.stdout.contains("Usage"), "{args:?}: {}", run.stdout);
        assert!(!run.stdout.contains('\x1b'), "{args:?}: {:?}", run.stdout);
    }

    // A usage error (stderr, exit 2): coloured with `always`, even with NO_COLOR set.
    for no_color in [None, Some("1")] {
        let run = idenfy_no_color(&["--color", "always", "status"], no_color);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(
            run.stderr.contains("\x1b["),
            "{no_color:?}: {:?}",
            run.stderr
        );
        assert!(run.stderr.contains("<SCANREF>"), "{:?}", run.stderr);
    }
    for args in [
        &["--color", "never", "status"][..],
        &["status"],
        &["--color", "always", "--json", "status"],
    ] {
        let run = idenfy_no_color(args, None);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("<SCANREF>"), "{args:?}: {}", run.stderr);
        assert!(!run.stderr.contains('\x1b'), "{args:?}: {:?}", run.stderr);
        assert!(!run.stdout.contains('\x1b'), "{args:?}: {:?}", run.stdout);
    }
    // `auto` with NO_COLOR: plain (and plain when piped without it, as above).
    let run = idenfy_no_color(&["--color", "auto", "--help"], Some("1"));
    assert!(!run.stdout.contains('\x1b'), "{:?}", run.stdout);
    // An invalid value is clap's usage error, naming the flag.
    let run = idenfy_no_color(&["--color", "sometimes", "--help"], None);
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

/// Runs `command` (from [`support::command`]) with piped, empty stdin and collects the run.
fn run_command(mut command: std::process::Command) -> support::Run {
    let output = command
        .stdin(std::process::Stdio::null())
        .output()
        .expect("the binary runs");
    support::Run {
        code: output.status.code().expect("exited normally"),
        stdout: String::from_utf8(output.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8 stderr"),
    }
}

/// A command with every proxy variable of the caller removed (and `REQUEST_METHOD`, under which
/// the upper-case `HTTP_PROXY` is ignored as in a CGI program).
fn without_proxies(args: &[&str]) -> std::process::Command {
    let mut command = support::command(args);
    for name in [
        "http_proxy",
        "HTTP_PROXY",
        "https_proxy",
        "HTTPS_PROXY",
        "all_proxy",
        "ALL_PROXY",
        "no_proxy",
        "NO_PROXY",
        "REQUEST_METHOD",
        "RUST_LOG",
    ] {
        command.env_remove(name);
    }
    command
}

#[test]
fn the_proxy_variables_are_honoured_for_real_sends() {
    for variable in ["http_proxy", "HTTP_PROXY"] {
        let proxy = Canned::serve(vec![Canned::json(200, STATUS)]);
        // The target is never reached: the proxy answers for it.
        let target = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let target_url = format!("http://{}", target.local_addr().unwrap());
        let mut command = without_proxies(&[
            "--base-url",
            &target_url,
            "--api-key",
            "key",
            "--api-secret",
            SECRET,
            "status",
            "0f1e2d3c",
        ]);
        command.env(variable, &proxy.base_url);
        let run = run_command(command);
        assert_eq!(run.code, 0, "{variable}: {}", run.stderr);
        assert!(run.stdout.contains("APPROVED"), "{}", run.stdout);
        let requests = proxy.requests();
        assert_eq!(requests.len(), 1, "{variable}: the proxy was not used");
        assert_eq!(
            requests[0].line,
            format!("POST {target_url}/api/v2/status HTTP/1.1"),
            "{variable}"
        );
        run.assert_hidden(SECRET);
    }
}

#[test]
fn no_proxy_sends_directly() {
    let proxy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let proxy_url = format!("http://{}", proxy.local_addr().unwrap());
    let target = Canned::serve(vec![Canned::json(200, STATUS)]);
    let mut command = without_proxies(&[
        "--base-url",
        &target.base_url,
        "--api-key",
        "key",
        "--api-secret",
        SECRET,
        "status",
        "0f1e2d3c",
    ]);
    command
        .env("http_proxy", &proxy_url)
        .env("NO_PROXY", "127.0.0.1");
    let run = run_command(command);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(target.requests()[0].line, "POST /api/v2/status HTTP/1.1");
}

/// `idenfy status` against a canned answer with the environment and options given; returns the
/// run and the `Authorization` value the server received.
fn status_logged(env: &[(&str, &str)], extra: &[&str]) -> (support::Run, String) {
    let server = Canned::serve(vec![Canned::json(200, STATUS)]);
    let mut args = vec![
        "--base-url",
        server.base_url.as_str(),
        "--api-key",
        "key-Shell-5e0a",
        "--api-secret",
        SECRET,
    ];
    args.extend_from_slice(extra);
    args.extend(["status", "0f1e2d3c"]);
    let mut command = without_proxies(&args);
    for (name, value) in env {
        command.env(name, value);
    }
    let run = run_command(command);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let authorization = server.requests()[0]
        .header("authorization")
        .unwrap()
        .to_owned();
    (run, authorization)
}

/// Asserts that neither the secret nor the Basic credentials appear on stdout or stderr.
fn assert_no_credentials(run: &support::Run, authorization: &str) {
    let basic = authorization.strip_prefix("Basic ").unwrap();
    run.assert_hidden(SECRET).assert_hidden(basic);
}

#[test]
fn no_diagnostics_without_v_or_rust_log() {
    let (run, _) = status_logged(&[], &[]);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
}

#[test]
fn v_shows_the_librarys_events_and_no_credentials() {
    let (run, authorization) = status_logged(&[], &["-v"]);
    assert!(run.stderr.contains("sending"), "{}", run.stderr);
    assert!(run.stderr.contains("answered"), "{}", run.stderr);
    assert!(run.stderr.contains("status"), "{}", run.stderr);
    assert!(!run.stderr.contains('\x1b'), "{:?}", run.stderr);
    // stdout is unchanged: the diagnostics go to stderr only.
    assert!(run.stdout.contains("APPROVED"), "{}", run.stdout);
    assert!(!run.stdout.contains("sending"), "{}", run.stdout);
    assert_no_credentials(&run, &authorization);
}

#[test]
fn vv_and_rust_log_trace_show_no_credentials() {
    let (run, authorization) = status_logged(&[], &["-vv"]);
    assert!(run.stderr.contains("sending"), "{}", run.stderr);
    assert_no_credentials(&run, &authorization);
    // Everything every crate traces, hyper's included.
    let (run, authorization) = status_logged(&[("RUST_LOG", "trace")], &["--json"]);
    assert!(run.stderr.contains("sending"), "{}", run.stderr);
    assert_eq!(run.json()["status"], "APPROVED");
    assert_no_credentials(&run, &authorization);
}

#[test]
fn rust_log_overrides_v() {
    let (run, _) = status_logged(&[("RUST_LOG", "off")], &["-vv"]);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let (run, _) = status_logged(&[("RUST_LOG", "idenfy=debug")], &[]);
    assert!(run.stderr.contains("sending"), "{}", run.stderr);
}

#[test]
fn trace_shows_no_proxy_credentials() {
    let proxy = Canned::serve(vec![Canned::json(200, STATUS)]);
    let proxy_url = proxy
        .base_url
        .replace("http://", "http://proxy-user:pr0xy-Pass-91b2@");
    let target = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let target_url = format!("http://{}", target.local_addr().unwrap());
    let mut command = without_proxies(&[
        "--base-url",
        &target_url,
        "--api-key",
        "key",
        "--api-secret",
        SECRET,
        "-vv",
        "status",
        "0f1e2d3c",
    ]);
    command
        .env("http_proxy", &proxy_url)
        .env("RUST_LOG", "trace");
    let run = run_command(command);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("sending"), "{}", run.stderr);
    let requests = proxy.requests();
    let proxy_authorization = requests[0].header("proxy-authorization").unwrap();
    let authorization = requests[0].header("authorization").unwrap();
    run.assert_hidden("pr0xy-Pass-91b2")
        .assert_hidden(proxy_authorization.strip_prefix("Basic ").unwrap());
    assert_no_credentials(&run, authorization);
}
