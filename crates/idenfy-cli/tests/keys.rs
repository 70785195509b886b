//! Webhook keys as a user gives them (issue 12, R8, R10): `--key` (repeatable), `--key-file`
//! (one per line, trailing newline trimmed) and `IDENFY_WEBHOOK_KEY`; an empty key refused
//! everywhere with exit 2; the emulator never printing a key it was given.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::string_slice)]

mod support;

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use serde_json::Value;
use support::{Run, command, fixture_arg, idenfy, scratch_dir};

/// The key the fixture was signed with (see tests/webhook.rs).
const KEY: &str = "whk-CLI-fixture-key-0001";
const SIGNATURE: &str = "dfa8ba6af825f24d3d87f6a6eec3a7a0d98b354d5ec51db2c6ed9a58758b8314";
const AUTO: &str = "webhook-auto.json";

/// Runs the binary with `args` and the environment variables `env`.
fn idenfy_env(args: &[&str], env: &[(&str, &str)]) -> Run {
    let output = command(args)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    Run {
        code: output.status.code().unwrap(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// A key file with `content` in a scratch directory of its own.
fn key_file(name: &str, content: &[u8]) -> String {
    let path = scratch_dir(name).join("keys");
    std::fs::write(&path, content).unwrap();
    path.to_str().unwrap().to_owned()
}

fn verify_args<'a>(extra: &[&'a str], file: &'a str) -> Vec<&'a str> {
    let mut args = vec!["webhook", "verify", "--signature", SIGNATURE];
    args.extend_from_slice(extra);
    args.push(file);
    args
}

fn assert_verified(run: &Run) {
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with("signature    verified"),
        "{}",
        run.stdout
    );
    run.assert_hidden(KEY);
}

/// Exit 2, nothing on stdout, a message on stderr that names `source` and says "empty".
fn assert_empty_key_refused(run: &Run, source: &str) {
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(run.stderr.contains("empty"), "{}", run.stderr);
    assert!(
        run.stderr.contains(source),
        "{source} not in {}",
        run.stderr
    );
}

#[test]
fn empty_key_refused_from_the_argument_the_environment_and_a_file() {
    let body = fixture_arg(AUTO);
    // The forgery of the issue: sign with '' and verify with an unset variable.
    let run = idenfy(&["webhook", "sign", "--key", "", &body]);
    assert_empty_key_refused(&run, "--key");
    let run = idenfy(&verify_args(&["--key", ""], &body));
    assert_empty_key_refused(&run, "--key");
    // One empty key among good ones is still refused.
    let run = idenfy(&verify_args(&["--key", KEY, "--key", ""], &body));
    assert_empty_key_refused(&run, "--key");

    let run = idenfy_env(&verify_args(&[], &body), &[("IDENFY_WEBHOOK_KEY", "")]);
    assert_empty_key_refused(&run, "IDENFY_WEBHOOK_KEY");
    let run = idenfy_env(&["webhook", "sign", &body], &[("IDENFY_WEBHOOK_KEY", "")]);
    assert_empty_key_refused(&run, "IDENFY_WEBHOOK_KEY");

    for (name, content) in [
        ("empty-file", &b""[..]),
        ("newline-only", b"\n"),
        ("blank-line", b"other-key\n\nanother\n"),
    ] {
        let file = key_file(name, content);
        let run = idenfy(&verify_args(&["--key-file", &file], &body));
        assert_empty_key_refused(&run, &file);
    }
    let file = key_file("sign-empty", b"\n");
    let run = idenfy(&["webhook", "sign", "--key-file", &file, &body]);
    assert_empty_key_refused(&run, &file);

    // With --json: one error document, kind "key".
    let run = idenfy(&["--json", "webhook", "sign", "--key", "", &body]);
    assert_eq!(run.code, 2);
    assert_eq!(run.json()["error"]["kind"], "key");
}

#[test]
fn no_key_from_any_source_is_a_usage_error() {
    let body = fixture_arg(AUTO);
    let run = idenfy(&verify_args(&[], &body));
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--key-file"), "{}", run.stderr);
    assert!(run.stderr.contains("IDENFY_WEBHOOK_KEY"), "{}", run.stderr);
    let run = idenfy(&["webhook", "sign", &body]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--key"), "{}", run.stderr);
}

#[test]
fn key_from_the_environment() {
    let body = fixture_arg(AUTO);
    let run = idenfy_env(&verify_args(&[], &body), &[("IDENFY_WEBHOOK_KEY", KEY)]);
    assert_verified(&run);
    let run = idenfy_env(&["webhook", "sign", &body], &[("IDENFY_WEBHOOK_KEY", KEY)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, format!("{SIGNATURE}\n"));
    // A flag wins over the environment: the wrong key from a flag does not verify.
    let run = idenfy_env(
        &verify_args(&["--key", "not-the-key"], &body),
        &[("IDENFY_WEBHOOK_KEY", KEY)],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
}

#[test]
fn key_from_a_file_with_its_trailing_newline_trimmed() {
    let body = fixture_arg(AUTO);
    for (name, content) in [
        ("lf", format!("{KEY}\n")),
        ("crlf", format!("{KEY}\r\n")),
        ("bare", KEY.to_owned()),
    ] {
        let file = key_file(name, content.as_bytes());
        let run = idenfy(&verify_args(&["--key-file", &file], &body));
        assert_verified(&run);
        let run = idenfy(&["webhook", "sign", "--key-file", &file, &body]);
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
        assert_eq!(run.stdout, format!("{SIGNATURE}\n"), "{name}");
    }
    // Only the newline is trimmed: a key with a trailing space is another key.
    let file = key_file("space", format!("{KEY} \n").as_bytes());
    let run = idenfy(&verify_args(&["--key-file", &file], &body));
    assert_eq!(run.code, 1, "{}", run.stderr);
    // A missing file: exit 2, named.
    let run = idenfy(&verify_args(&["--key-file", "/nonexistent/keys"], &body));
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("/nonexistent/keys"), "{}", run.stderr);
}

#[test]
fn rotation_with_two_keys_repeated_or_in_a_file() {
    let body = fixture_arg(AUTO);
    // The new key first, the old (signing) one second, and the other way round.
    for keys in [["new-key-2025", KEY], [KEY, "new-key-2025"]] {
        let run = idenfy(&verify_args(&["--key", keys[0], "--key", keys[1]], &body));
        assert_verified(&run);
        let file = key_file("rotation", format!("{}\n{}\n", keys[0], keys[1]).as_bytes());
        let run = idenfy(&verify_args(&["--key-file", &file], &body));
        assert_verified(&run);
        run.assert_hidden("new-key-2025");
    }
    // --key and --key-file add up.
    let file = key_file("rotation-mixed", b"new-key-2025\n");
    let run = idenfy(&verify_args(&["--key-file", &file, "--key", KEY], &body));
    assert_verified(&run);
    // Neither key signed it: refused (exit 1).
    let file = key_file("rotation-wrong", b"new-key-2025\nolder-key\n");
    let run = idenfy(&verify_args(&["--key-file", &file], &body));
    assert_eq!(run.code, 1, "{}", run.stderr);
    // `sign` signs with exactly one key: a file of two is refused.
    let file = key_file("rotation-sign", format!("{KEY}\nnew-key-2025\n").as_bytes());
    let run = idenfy(&["webhook", "sign", "--key-file", &file, &body]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    run.assert_hidden(KEY).assert_hidden("new-key-2025");
}

/// Starts `idenfy emulator` with `args` and `env`, reads its announcement (`lines` lines), and
/// kills it.
fn emulator_announcement(args: &[&str], env: &[(&str, &str)], lines: usize) -> (String, String) {
    let mut child = command(args)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut printed = String::new();
    for _ in 0..lines {
        stdout.read_line(&mut printed).unwrap();
    }
    let _ = child.kill();
    let output = child.wait_with_output().unwrap();
    (
        printed,
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn the_emulator_never_prints_a_key_it_was_given() {
    const GIVEN_KEY: &str = "emulator-given-signing-key-sentinel";
    const GIVEN_SECRET: &str = "emulator-given-secret-sentinel";
    let file = key_file("emulator", format!("{GIVEN_KEY}\n").as_bytes());
    type Source<'a> = (Vec<&'a str>, Vec<(&'a str, &'a str)>);
    let sources: [Source<'_>; 3] = [
        (vec!["--webhook-key", GIVEN_KEY], vec![]),
        (vec!["--webhook-key-file", &file], vec![]),
        (vec![], vec![("IDENFY_WEBHOOK_KEY", GIVEN_KEY)]),
    ];
    for (flags, env) in &sources {
        // Human output: six rows, the key and secret as [given].
        let mut args = vec!["--api-secret", GIVEN_SECRET, "emulator"];
        args.extend_from_slice(flags);
        let (stdout, stderr) = emulator_announcement(&args, env, 6);
        for text in [&stdout, &stderr] {
            assert!(!text.contains(GIVEN_KEY), "{flags:?}: key printed: {text}");
            assert!(
                !text.contains(GIVEN_SECRET),
                "{flags:?}: secret printed: {text}"
            );
        }
        let row = stdout
            .lines()
            .find(|line| line.starts_with("webhook key"))
            .unwrap();
        assert!(row.ends_with("[given]"), "{row}");

        // --json: one document, the key as [given].
        let mut args = vec!["--json", "--api-secret", GIVEN_SECRET, "emulator"];
        args.extend_from_slice(flags);
        let (stdout, stderr) = emulator_announcement(&args, env, 1);
        assert!(
            !stdout.contains(GIVEN_KEY) && !stderr.contains(GIVEN_KEY),
            "{stdout}"
        );
        assert!(!stdout.contains(GIVEN_SECRET) && !stderr.contains(GIVEN_SECRET));
        let document: Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(document["webhookKey"], "[given]");
        assert_eq!(document["apiSecret"], "[given]");
    }
}

#[test]
fn the_emulator_refuses_empty_keys_and_secrets() {
    let run = idenfy(&["emulator", "--webhook-key", ""]);
    assert_empty_key_refused(&run, "--webhook-key");
    let run = idenfy_env(&["emulator"], &[("IDENFY_WEBHOOK_KEY", "")]);
    assert_empty_key_refused(&run, "IDENFY_WEBHOOK_KEY");
    let file = key_file("emulator-empty", b"\n");
    let run = idenfy(&["emulator", "--webhook-key-file", &file]);
    assert_empty_key_refused(&run, &file);
    let run = idenfy(&["--api-secret", "", "emulator"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("apiSecret"), "{}", run.stderr);
}
