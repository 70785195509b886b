//! The `idenfy` CLI's outside inputs: key files and `--key` values, flag values, and the summary
//! of a webhook body file.
//!
//! The CLI is a binary crate, so its reading code cannot be a dependency; the modules that read
//! those inputs depend on nothing of the CLI but the `idenfy` library, and are compiled here
//! from their own source files, unchanged (`#[path]`). What is fuzzed is the code the binary
//! runs. `IDENFY_WEBHOOK_KEY` is the one source not driven here (setting the environment of a
//! running process is `unsafe`); its value goes through the same `WebhookKey::new` as `--key`.

use std::io::Write as _;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use idenfy_proto::webhook;

#[allow(dead_code, unreachable_pub)]
#[path = "../../../crates/idenfy-cli/src/commands/webhook/keys.rs"]
mod keys;

#[allow(dead_code, unreachable_pub)]
#[path = "../../../crates/idenfy-cli/src/convert.rs"]
mod convert;

#[allow(dead_code, unreachable_pub)]
#[path = "../../../crates/idenfy-cli/src/commands/webhook/summary.rs"]
mod summary;

/// A file of this process's own in the temporary directory, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn with(content: &[u8]) -> Option<Self> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let path = std::env::temp_dir().join(format!(
            "idenfy-fuzz-keys-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let mut file = std::fs::File::create(&path).ok()?;
        file.write_all(content).ok()?;
        Some(Self(path))
    }
}

impl TempFile {
    /// Replaces the content.
    fn rewrite(&self, content: &[u8]) {
        let written = std::fs::write(&self.0, content);
        assert!(written.is_ok(), "the temporary file cannot be written");
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The lines of a key file as the CLI documents them: the trailing newline (`\n` or `\r\n`)
/// trimmed, split on `\n`, a `\r` before each `\n` dropped.
fn documented_lines(content: &[u8]) -> Vec<&[u8]> {
    let text = content.strip_suffix(b"\n").unwrap_or(content);
    let text = text.strip_suffix(b"\r").unwrap_or(text);
    text.split(|byte| *byte == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
        .collect()
}

/// Any bytes as a `--key-file` (and its first line as a `--key`), through the CLI's own key
/// reader: one key per documented line, byte for byte, or — when a line is empty — a refusal
/// that names the line and never shows a key (R10); `--key` is refused exactly when empty; a
/// signing command takes exactly one key.
pub fn cli_keys(content: &[u8]) {
    let Some(file) = TempFile::with(content) else {
        return;
    };
    let lines = documented_lines(content);
    match keys::gather(&[], ("--key", Some(&file.0))) {
        Ok(Some(keys)) => {
            assert_eq!(keys.len(), lines.len(), "not one key per line");
            for (key, line) in keys.iter().zip(&lines) {
                assert_eq!(key.expose_secret(), *line, "a key changed on the way");
            }
        }
        Ok(None) => panic!("a key file gave no keys at all"),
        Err(err) => {
            let shown = err.to_string();
            match &err {
                keys::KeyError::Empty { from } => {
                    let empty = lines.iter().position(|line| line.is_empty());
                    let Some(index) = empty else {
                        panic!("refused as empty, but no line is: {shown}")
                    };
                    assert!(
                        from.starts_with(&format!("line {} of key file", index + 1)),
                        "not the first empty line: {shown}"
                    );
                }
                other => panic!("unexpected refusal {other:?}"),
            }
            // The message does not depend on the keys: with every key replaced, it is the same.
            let replaced: Vec<&[u8]> = lines
                .iter()
                .map(|line| if line.is_empty() { *line } else { &b"x"[..] })
                .collect();
            // One newline more: the file's trailing newline is trimmed, and the lines are kept.
            let mut rewritten = replaced.join(&b"\n"[..]);
            rewritten.push(b'\n');
            file.rewrite(&rewritten);
            let again = keys::gather(&[], ("--key", Some(&file.0))).map(drop);
            assert_eq!(
                again.map_err(|err| err.to_string()),
                Err(shown),
                "a refusal shows a key"
            );
            file.rewrite(content);
        }
    }
    match keys::single(None, ("--key", Some(&file.0))) {
        Ok(Some(key)) => assert_eq!(lines.as_slice(), [key.expose_secret()]),
        Ok(None) => panic!("a key file gave no key at all"),
        Err(keys::KeyError::TooMany { count, .. }) => assert_eq!(count, lines.len()),
        Err(keys::KeyError::Empty { .. }) => {
            assert!(lines.iter().any(|line| line.is_empty()));
        }
        Err(other) => panic!("unexpected refusal {other:?}"),
    }
    // The first line as `--key` (clap hands over UTF-8 only).
    if let Some(Ok(flag)) = lines.first().map(|line| std::str::from_utf8(line)) {
        let given = [flag.to_owned()];
        match keys::gather(&given, ("--key", None)) {
            Ok(Some(keys)) => {
                assert!(!flag.is_empty());
                assert_eq!(keys.len(), 1);
            }
            Ok(None) => panic!("--key gave no key"),
            Err(keys::KeyError::Empty { from }) => {
                assert!(flag.is_empty());
                assert_eq!(from, "--key");
            }
            Err(other) => panic!("unexpected refusal {other:?}"),
        }
    }
}

/// The wire field a flag of each converter stands for.
const FIELD: &str = "expiryTime";

/// Any text as a flag value, through the CLI's converter the selector byte picks (integer,
/// unsigned integer, boolean, `KEY=JSON`, socket address): never a panic; a refusal names the
/// field (or the extra field's key) and never quotes the value; what is accepted reads back as
/// it was written.
pub fn cli_flags((selector, bytes): (u8, &[u8])) {
    let Ok(value) = std::str::from_utf8(bytes) else {
        return;
    };
    // A refusal reads `field: rule` and nothing else: the value is never quoted.
    let not_quoted = |err: &convert::InputError| {
        assert_eq!(err.to_string(), format!("{}: {}", err.field(), err.rule()));
    };
    match selector % 5 {
        0 => match convert::integer(FIELD, value) {
            Ok(number) => assert_eq!(value.parse::<i64>().ok(), Some(number)),
            Err(err) => {
                assert_eq!(err.field(), FIELD);
                not_quoted(&err);
            }
        },
        1 => match convert::unsigned(FIELD, value) {
            Ok(number) => assert_eq!(convert::integer(FIELD, value), Ok(i64::from(number))),
            Err(err) => {
                assert_eq!(err.field(), FIELD);
                not_quoted(&err);
            }
        },
        2 => match convert::boolean(FIELD, value) {
            Ok(flag) => assert_eq!(flag.to_string(), value),
            Err(err) => {
                assert!(value != "true" && value != "false");
                not_quoted(&err);
            }
        },
        3 => match convert::key_json(value) {
            Ok((key, json)) => {
                assert!(!key.contains('='), "the key holds the separator");
                let rewritten = format!("{key}={json}");
                assert_eq!(convert::key_json(&rewritten), Ok((key, json)));
            }
            Err(err) => {
                // `field` without a `=`, else the key before it.
                match value.split_once('=') {
                    None => assert_eq!(err.field(), "field"),
                    Some((key, _)) => assert_eq!(err.field(), key),
                }
                not_quoted(&err);
            }
        },
        _ => match convert::socket_address(value) {
            Ok(address) => assert_eq!(address.to_string().parse(), Ok(address)),
            Err(err) => {
                assert_eq!(err.field(), "listen");
                not_quoted(&err);
            }
        },
    }
}

/// Any bytes as the body file of `idenfy webhook parse` (no event header, or the one the
/// selector byte picks): the CLI's summary of whatever the library parsed never panics, starts
/// with the event's kind, and shows the event's own `scanRef`.
pub fn cli_webhook((selector, body): (u8, &[u8])) {
    const HEADERS: &[Option<&str>] = &[
        None,
        Some("IDENTIFICATION_AUTO_FINISHED"),
        Some("DOCUMENT_EXPIRATION"),
        Some("VIDEO_CALL_FINISHED"),
        Some("AML_MONITORING_ALERT"),
    ];
    let header = HEADERS
        .get(usize::from(selector) % HEADERS.len())
        .copied()
        .flatten();
    let Ok(event) = webhook::parse_unverified(body, header) else {
        return;
    };
    let rows = summary::rows(&event);
    assert_eq!(rows.first().map(|(key, _)| *key), Some("event"));
    let scan_ref = rows
        .iter()
        .find(|(key, _)| *key == "scanRef")
        .map(|(_, value)| value.as_str());
    assert_eq!(scan_ref, Some(event.scan_ref().unwrap_or("-")));
}
