//! Everything that reaches stdout or stderr.
//!
//! With `--json`, stdout carries exactly one JSON document and nothing else; messages for people
//! go to stderr in both modes. Write errors (a closed pipe, say) are ignored rather than turned
//! into a panic, as `println!` would.

use std::io::Write as _;
use std::process::ExitCode;

use serde_json::{Map, Value, json};

use crate::cli::ColorWhen;
use crate::error::{CliError, EXIT_USAGE};

/// Where a command's results and messages go, in the form the user asked for.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Output {
    json: bool,
    color: bool,
}

impl Output {
    /// Human-readable output, or one JSON document on stdout when `json` is set. Statuses are
    /// coloured as `--color` says: with `auto` (the default) only when stdout is a terminal and
    /// `NO_COLOR` is not set (<https://no-color.org>), so that piped output carries nothing
    /// decorative; with `always` also when piped (an explicit choice beats `NO_COLOR`); with
    /// `never` not at all. JSON is never coloured.
    pub(crate) fn new(json: bool, when: ColorWhen) -> Self {
        use std::io::IsTerminal as _;
        let color = !json
            && match when {
                ColorWhen::Always => true,
                ColorWhen::Never => false,
                ColorWhen::Auto => std::io::stdout().is_terminal() && !no_color(),
            };
        Self { json, color }
    }

    /// Whether `--json` was given.
    pub(crate) fn is_json(&self) -> bool {
        self.json
    }

    /// Writes `text` and a line break to stdout.
    pub(crate) fn line(&self, text: &str) {
        stdout_line(&escape_controls(text, Keep::Newlines));
    }

    /// Writes text this tool generated itself (a shell's completion script) to stdout as it is:
    /// nothing in it came from the network or a file, and a script's own characters must stay.
    pub(crate) fn script(&self, text: &str) {
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(text.as_bytes());
        let _ = stdout.flush();
    }

    /// Writes a message for people to stderr (in both modes).
    pub(crate) fn status(&self, text: &str) {
        stderr_line(&escape_controls(text, Keep::Newlines));
    }

    /// Writes `key value` lines to stdout, the values aligned in one column one space after the
    /// longest key.
    pub(crate) fn rows(&self, rows: &[(&str, String)]) {
        let width = rows
            .iter()
            .map(|(key, _)| key.chars().count())
            .max()
            .unwrap_or_default();
        let text = rows
            .iter()
            .map(|(key, value)| {
                // A value is one line: a newline from the network must not fake another row.
                let value = escape_controls(value, Keep::Nothing);
                let value = if self.color {
                    highlight(&value)
                } else {
                    value.into_owned()
                };
                format!("{key:<width$} {value}")
            })
            .collect::<Vec<_>>()
            .join("\n");
        stdout_line(&text);
    }

    /// Writes one row of a table to stdout: each cell padded to the width of its column (a
    /// longer cell pushes the rest to the right), two spaces between columns, the last cell not
    /// padded. Each cell is one line, its control characters escaped; the cell at
    /// `status_column`, if any, is coloured as a status (see [`Output::rows`]).
    pub(crate) fn table_row(&self, cells: &[(&str, usize)], status_column: Option<usize>) {
        stdout_line(&table_text(cells, status_column.filter(|_| self.color)));
    }

    /// Writes a JSON document on one line to stdout.
    pub(crate) fn json_document(&self, document: &Value) {
        stdout_line(&json_text(document));
    }

    /// Reports a failed command: `error: <message>` on stderr and, with `--json`, the document
    /// `{"error": {"kind": …, "field": …, "message": …}}` on stdout — plus `results`, what a
    /// listing fetched before it failed.
    pub(crate) fn error(&self, err: &CliError) {
        stderr_line(&escape_controls(
            &format!("error: {}", err.human()),
            Keep::Newlines,
        ));
        if self.json {
            let mut error = Map::new();
            error.insert("kind".to_owned(), err.kind().into());
            if let Some(field) = err.field() {
                error.insert("field".to_owned(), field.into());
            }
            for (name, value) in err.details() {
                error.insert(name.to_owned(), value);
            }
            error.insert("message".to_owned(), err.message().into());
            let mut document = Map::new();
            document.insert("error".to_owned(), Value::Object(error));
            if let Some(results) = err.partial_results() {
                document.insert("results".to_owned(), Value::Array(results.to_vec()));
            }
            self.json_document(&Value::Object(document));
        }
    }
}

/// The text of a row of [`Output::table_row`], the cell at `status_column` coloured.
fn table_text(cells: &[(&str, usize)], status_column: Option<usize>) -> String {
    let last = cells.len().saturating_sub(1);
    let mut text = String::new();
    for (at, (cell, width)) in cells.iter().enumerate() {
        let cell = escape_controls(cell, Keep::Nothing);
        let padding = width.saturating_sub(cell.chars().count());
        if status_column == Some(at) {
            text.push_str(&highlight(&cell));
        } else {
            text.push_str(&cell);
        }
        if at < last {
            text.extend(std::iter::repeat_n(' ', padding.saturating_add(2)));
        }
    }
    text
}

/// Whether `NO_COLOR` asks for no colour: set and not empty (<https://no-color.org>).
pub(crate) fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty())
}

/// Reports a command line clap could not parse (or `--help`/`--version`, which clap models as
/// errors too) and returns the exit code: 0 for help and version, 2 otherwise. With `--json`
/// somewhere on the command line, a usage error also prints
/// `{"error": {"kind": "usage", "message": …}}` on stdout.
pub(crate) fn usage_error(err: &clap::Error, json: bool) -> ExitCode {
    if json && err.kind() == clap::error::ErrorKind::DisplayVersion {
        stdout_line(
            &json!({ "name": env!("CARGO_BIN_NAME"), "version": env!("CARGO_PKG_VERSION") })
                .to_string(),
        );
        return ExitCode::SUCCESS;
    }
    // Help and version go to stdout, real errors to stderr; clap knows which.
    let _ = err.print();
    let code = err.exit_code();
    if code == 0 {
        return ExitCode::SUCCESS;
    }
    if json {
        // clap's whole text (the missing arguments, the usage line, the hint), not its first
        // line only, without the `error: ` it starts with.
        let rendered = err.render().to_string();
        let rendered = rendered.trim_end();
        let message = rendered.strip_prefix("error: ").unwrap_or(rendered);
        stdout_line(&json!({ "error": { "kind": "usage", "message": message } }).to_string());
    }
    ExitCode::from(u8::try_from(code).unwrap_or(EXIT_USAGE))
}

/// The value with its leading status word coloured: green for a pass, red for a failure, yellow
/// for what needs a person's look. Other values are returned as they are.
fn highlight(value: &str) -> String {
    const GREEN: &str = "\x1b[32m";
    const RED: &str = "\x1b[31m";
    const YELLOW: &str = "\x1b[33m";
    const RESET: &str = "\x1b[0m";
    // `find` gives the byte index of a char, so the split is on a char boundary.
    let (word, rest) = value.split_at(value.find(char::is_whitespace).unwrap_or(value.len()));
    let color = match word {
        "APPROVED" | "FACE_MATCH" | "DOC_VALIDATED" | "verified" | "true" => GREEN,
        "DENIED" | "EXPIRED" | "EXPIRED-DELETED" | "FACE_MISMATCH" | "FAKE_FACE" | "DOC_FAKE"
        | "failed" => RED,
        "SUSPECTED" | "REVIEWING" | "ACTIVE" => YELLOW,
        _ => return value.to_owned(),
    };
    format!("{color}{word}{RESET}{rest}")
}

/// Which control characters [`escape_controls`] leaves as they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keep {
    /// None: for a value that must stay on one line.
    Nothing,
    /// Line feeds and tabs: for messages of several lines written by this tool.
    Newlines,
}

/// `text` with every control character (C0, DEL, C1) written as `\u{..}`, so that text
/// received from the network or read from a file cannot drive the terminal (R10): no title
/// change, no screen clear, no colour. Borrowed when there is nothing to escape. `--json`
/// output needs none of this: JSON escapes control characters itself.
fn escape_controls(text: &str, keep: Keep) -> std::borrow::Cow<'_, str> {
    let kept = |c: char| keep == Keep::Newlines && (c == '\n' || c == '\t');
    if !text.chars().any(|c| c.is_control() && !kept(c)) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if c.is_control() && !kept(c) {
            escaped.extend(c.escape_unicode());
        } else {
            escaped.push(c);
        }
    }
    std::borrow::Cow::Owned(escaped)
}

/// `document` as JSON text with no raw control character at all. serde_json escapes C0
/// characters in strings but writes DEL and the C1 range (U+0080–U+009F, which include the
/// 8-bit CSI some terminals obey) as they are; they can only stand inside strings, where `\u00XX`
/// is the same value, so the document stays exactly what was received.
fn json_text(document: &Value) -> String {
    let text = document.to_string();
    if !text.chars().any(char::is_control) {
        return text;
    }
    let mut escaped = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if c.is_control() {
            escaped.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            escaped.push(c);
        }
    }
    escaped
}

/// Writes a line to stdout, ignoring write errors.
fn stdout_line(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{text}");
    let _ = stdout.flush();
}

/// Writes a line to stderr, ignoring write errors.
fn stderr_line(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_output_escapes_c1_and_del_and_means_the_same() {
        let value = json!({ "v": "a\u{9b}31m\u{7f}\u{1b}b" });
        let text = json_text(&value);
        assert!(!text.chars().any(char::is_control), "{text}");
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), value);
    }

    #[test]
    fn control_characters_are_escaped_and_the_rest_is_borrowed() {
        assert!(matches!(
            escape_controls("Jonas Jonaitis ąčę", Keep::Nothing),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(
            escape_controls("a\u{1b}]0;t\u{7}b\u{9b}c\u{7f}", Keep::Nothing),
            "a\\u{1b}]0;t\\u{7}b\\u{9b}c\\u{7f}"
        );
        assert_eq!(
            escape_controls("one\ntwo\tx", Keep::Newlines),
            "one\ntwo\tx"
        );
        assert_eq!(escape_controls("one\ntwo", Keep::Nothing), "one\\u{a}two");
    }

    #[test]
    fn table_cells_are_padded_escaped_and_coloured() {
        assert_eq!(table_text(&[("a", 3), ("b", 0)], None), "a    b");
        assert_eq!(table_text(&[("abcd", 3), ("b", 0)], None), "abcd  b");
        assert_eq!(table_text(&[("ą", 2), ("b", 7)], None), "ą   b");
        assert_eq!(
            table_text(&[("a\nb\u{1b}", 0), ("c", 9)], None),
            "a\\u{a}b\\u{1b}  c"
        );
        assert_eq!(
            table_text(&[("x", 1), ("DENIED", 8), ("true", 0)], Some(1)),
            "x  \x1b[31mDENIED\x1b[0m    true"
        );
        assert_eq!(table_text(&[], None), "");
    }

    #[test]
    fn statuses_are_coloured_and_the_rest_is_left_alone() {
        assert_eq!(highlight("APPROVED"), "\x1b[32mAPPROVED\x1b[0m");
        assert_eq!(
            highlight("FACE_MATCH (auto)"),
            "\x1b[32mFACE_MATCH\x1b[0m (auto)"
        );
        assert_eq!(highlight("SUSPECTED"), "\x1b[33mSUSPECTED\x1b[0m");
        assert_eq!(highlight("DENIED"), "\x1b[31mDENIED\x1b[0m");
        assert_eq!(highlight("0f1e2d3c"), "0f1e2d3c");
        assert_eq!(highlight(""), "");
        // Values come from untrusted bodies: no whitespace may misplace the colour or panic.
        assert_eq!(highlight("\u{3000}\u{3000}true"), "\u{3000}\u{3000}true");
        assert_eq!(highlight(" APPROVED"), " APPROVED");
        assert_eq!(highlight("true\u{3000}x"), "\x1b[32mtrue\x1b[0m\u{3000}x");
    }
}
