//! Input the tool refuses (issue 12, deliverable 3), as a user runs the binary: URLs with
//! whitespace or control characters, an empty `authToken`, inputs past the cap.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use support::{idenfy, idenfy_stdin, scratch_dir};

#[test]
fn urls_with_whitespace_or_control_characters_are_refused() {
    for url in [
        "https://exa\tmple.com/ok",
        "https://example.com/o k",
        "https://example.com/ok\n",
        " https://example.com/ok",
        "https://example.com/\u{1b}[2J",
        "https://example.com/\u{a0}",
    ] {
        let run = idenfy(&[
            "token",
            "--client-id",
            "c",
            "--success-url",
            url,
            "--dry-run",
        ]);
        assert_eq!(run.code, 2, "{url:?}: {}", run.stdout);
        assert!(run.stdout.is_empty());
        assert!(
            run.stderr
                .starts_with("error: successUrl: must not contain the character"),
            "{}",
            run.stderr
        );
        assert!(!run.stderr.contains('\u{1b}'), "raw ESC: {:?}", run.stderr);
    }
}

#[test]
fn an_empty_auth_token_is_refused() {
    // The library's rule (`AuthToken::parse`): empty, or with a control character.
    for (token, rule) in [
        ("", "is required"),
        (
            "k8ZHmYqeH0pOLlK9MEbvX1Ac3q\n",
            "must not contain the character '\\n'",
        ),
    ] {
        for extra in [&[][..], &["--iframe"][..]] {
            let mut args = vec!["redirect-url", token];
            args.extend_from_slice(extra);
            let run = idenfy(&args);
            assert_eq!(run.code, 2, "{}", run.stdout);
            assert!(run.stdout.is_empty(), "{}", run.stdout);
            assert_eq!(
                run.stderr,
                format!("error: authToken: {rule}\n"),
                "{token:?} {extra:?}"
            );
        }
    }
}

#[test]
fn inputs_past_the_cap_are_refused() {
    let cap = 4 * 1024 * 1024;
    let big = vec![b' '; cap + 1];
    let run = idenfy_stdin(&["webhook", "sign", "--key", "K"], &big);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stderr.contains("stdin"), "{}", run.stderr);
    assert!(run.stderr.contains("limit"), "{}", run.stderr);
    // Exactly at the cap is read.
    let run = idenfy_stdin(&["webhook", "sign", "--key", "K"], &big[..cap]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let dir = scratch_dir("input-cap");
    let file = dir.join("big.json");
    std::fs::write(&file, &big).unwrap();
    let run = idenfy(&["webhook", "parse", file.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("big.json"), "{}", run.stderr);
    let _ = std::fs::remove_dir_all(dir);
}

#[cfg(unix)]
#[test]
fn an_endless_input_stops_at_the_cap() {
    let run = idenfy(&["webhook", "sign", "--key", "K", "/dev/zero"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stderr.contains("/dev/zero"), "{}", run.stderr);
    assert!(run.stderr.contains("limit"), "{}", run.stderr);
}
