//! Every API command of the `idenfy` binary, run as a real process against the emulator: the
//! lifecycle from the shell, webhooks checked with `webhook verify`, and the exit codes of a
//! refused call (1) and bad input (2).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::time::Duration;

use idenfy_emulator::{Emulator, Outcome};
use support::{idenfy, idenfy_stdin, scratch_dir};

/// The global options that point the binary at `emulator`.
fn global(emulator: &Emulator) -> Vec<String> {
    vec![
        "--base-url".to_owned(),
        emulator.base_url().to_owned(),
        "--api-key".to_owned(),
        emulator.api_key().to_owned(),
        "--api-secret".to_owned(),
        emulator.api_secret().to_owned(),
    ]
}

/// Runs the binary with the global options of `emulator` and then `args`.
fn run(emulator: &Emulator, args: &[&str]) -> support::Run {
    let mut all = global(emulator);
    all.extend(args.iter().map(|arg| (*arg).to_owned()));
    let all: Vec<&str> = all.iter().map(String::as_str).collect();
    idenfy(&all)
}

#[test]
fn the_lifecycle_from_the_shell() {
    let emulator = Emulator::start_blocking().unwrap();

    // token
    let created = run(
        &emulator,
        &[
            "--json",
            "token",
            "--client-id",
            "shell-1",
            "--first-name",
            "Ona",
            "--country",
            "lt",
        ],
    );
    assert_eq!(created.code, 0, "{}", created.stderr);
    let token = created.json();
    let scan_ref = token["scanRef"].as_str().unwrap().to_owned();
    assert_eq!(scan_ref.len(), 36);
    assert_eq!(token["clientId"], "shell-1");
    assert_eq!(token["firstName"], "ONA");
    assert!(token["redirectUrl"].as_str().unwrap().starts_with(&format!(
        "{}/api/v2/redirect?authToken=",
        emulator.base_url()
    )));
    created.assert_hidden(emulator.api_secret());

    // status while the token is unused
    let status = run(&emulator, &["--json", "status", &scan_ref]);
    assert_eq!(status.code, 0, "{}", status.stderr);
    assert_eq!(status.json()["status"], "ACTIVE");

    // delete is refused until the token expires or the verification ends: exit 1
    let refused = run(&emulator, &["delete", &scan_ref]);
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("PARTNER_ERROR"),
        "{}",
        refused.stderr
    );

    // the person finishes; the webhook is checked from the shell
    emulator.start_session(&scan_ref).unwrap();
    emulator.complete(&scan_ref, Outcome::suspected()).unwrap();
    let delivery = emulator
        .wait_for_deliveries_blocking(1, Duration::from_secs(10))
        .unwrap()
        .into_iter()
        .find(|delivery| delivery.scan_ref == scan_ref)
        .unwrap();
    let key = String::from_utf8(emulator.webhook_key().expose_secret().to_vec()).unwrap();
    let signature = delivery.signature().unwrap().to_owned();
    let verified = idenfy_stdin(
        &[
            "--json",
            "webhook",
            "verify",
            "--key",
            &key,
            "--signature",
            &signature,
            "--event-type",
            delivery.event_type.as_str(),
        ],
        &delivery.body,
    );
    assert_eq!(verified.code, 0, "{}", verified.stderr);
    let event = verified.json();
    assert_eq!(event["scanRef"], scan_ref.as_str());
    assert_eq!(event["status"]["overall"], "SUSPECTED");
    assert_eq!(event["final"], true);
    let tampered = idenfy_stdin(
        &[
            "webhook",
            "verify",
            "--key",
            &key,
            "--signature",
            &signature,
            "-",
        ],
        &[&delivery.body[..], b" "].concat(),
    );
    assert_eq!(tampered.code, 1);
    assert!(tampered.stdout.is_empty());

    // status, data, files, pdf
    let status = run(&emulator, &["status", &scan_ref]);
    assert_eq!(status.code, 0, "{}", status.stderr);
    assert!(status.stdout.contains("SUSPECTED"), "{}", status.stdout);
    assert!(
        status.stdout.contains("DOC_MOBILE_PHOTO"),
        "{}",
        status.stdout
    );

    let data = run(&emulator, &["--json", "data", &scan_ref]);
    assert_eq!(data.code, 0, "{}", data.stderr);
    assert_eq!(data.json()["docFirstName"], "ONA");

    let files = run(&emulator, &["--json", "files", &scan_ref]);
    assert_eq!(files.code, 0, "{}", files.stderr);
    assert!(
        files.json()["FRONT"]
            .as_str()
            .unwrap()
            .starts_with(emulator.base_url())
    );

    let dir = scratch_dir("emulator-pdf");
    let output = dir.join("report.pdf");
    let pdf = run(
        &emulator,
        &["pdf", &scan_ref, "--output", output.to_str().unwrap()],
    );
    assert_eq!(pdf.code, 0, "{}", pdf.stderr);
    assert!(std::fs::read(&output).unwrap().starts_with(b"%PDF-"));

    // delete, then the status shows it
    let deleted = run(&emulator, &["delete", &scan_ref]);
    assert_eq!(deleted.code, 0, "{}", deleted.stderr);
    let status = run(&emulator, &["--json", "status", &scan_ref]);
    assert_eq!(status.json()["status"], "DELETED");
}

#[test]
fn refusals_exit_1_and_bad_input_exits_2() {
    let emulator = Emulator::start_blocking().unwrap();

    // Wrong credentials: iDenfy says no (exit 1), and the secret given is never printed.
    let wrong = idenfy(&[
        "--base-url",
        emulator.base_url(),
        "--api-key",
        "wrong-key",
        "--api-secret",
        "wrong-Secret-123",
        "--json",
        "status",
        "0f1e2d3c",
    ]);
    assert_eq!(wrong.code, 1, "{}", wrong.stderr);
    assert_eq!(wrong.json()["error"]["kind"], "api");
    assert!(wrong.stderr.contains("UNAUTHORIZED"), "{}", wrong.stderr);
    wrong.assert_hidden("wrong-Secret-123");

    // An unknown scanRef: exit 1.
    let unknown = run(&emulator, &["status", "0f1e2d3c"]);
    assert_eq!(unknown.code, 1, "{}", unknown.stderr);

    // Invalid values never reach the emulator: exit 2 naming the field.
    for (args, field) in [
        (
            vec!["token", "--client-id", "c", "--session-length", "30"],
            "sessionLength",
        ),
        (
            vec!["token", "--client-id", "c", "--country", "EN"],
            "country",
        ),
        (vec!["status", ""], "scanRef"),
    ] {
        let refused = run(&emulator, &args);
        assert_eq!(refused.code, 2, "{args:?}");
        assert!(
            refused.stderr.starts_with(&format!("error: {field}: ")),
            "{}",
            refused.stderr
        );
    }
    assert_eq!(
        emulator.verifications().len(),
        0,
        "nothing reached the emulator"
    );
}
