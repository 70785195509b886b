//! JSON nested deeper than serde_json reads (R4, R7: lenient per field, not per document).
//!
//! serde_json fails a whole document at its 128th level of arrays and objects, so one field
//! nested that deep would cost a token response its `authToken` and `scanRef`, or a webhook its
//! verdict. No field iDenfy documents goes deeper than a handful of levels: where a body fails
//! to parse, [`cut_deep`] rewrites every array or object that starts at level
//! [`KEPT_LEVELS`]` + 1` and reaches level [`CUT_AT`] — each value serde_json cannot read — as a
//! JSON string holding its text, verbatim, and the body is read again. The typed fields are then
//! decoded as usual; a deep value, which only an untyped (extra) field can hold at that depth,
//! keeps its first [`KEPT_LEVELS`] levels as JSON and the rest as text, and every value that
//! serde_json reads stays as it is. Only a body that is valid JSON at every depth is rewritten
//! ([`is_json`]), so a broken body stays broken, wherever the break is, and is reported with its
//! first error.
//!
//! On the way out, [`deeper_than`] bounds an extra field of a token request (R3), so that what
//! the client sends, and its echo, never come near that limit.

use serde_json::Value;

/// Levels of arrays and objects (the top-level object is level 1) kept as JSON above a too-deep
/// value.
pub(crate) const KEPT_LEVELS: usize = 32;

/// The level at which serde_json stops reading: a span reaching it is rewritten, and what is
/// left after the rewrite is at most one level less deep.
pub(crate) const CUT_AT: usize = 128;

/// `text` with each array or object that starts at level `KEPT_LEVELS + 1` and reaches level
/// [`CUT_AT`] replaced by its text as a JSON string; `None` when `text` has no such span (the
/// body failed for another reason) or is not valid JSON.
///
/// Passes over the bytes with no recursion, so any depth is safe to scan; the cheap scan for
/// spans comes first, so that a body broken in another way costs little more than its failure.
pub(crate) fn cut_deep(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut level = 0_usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut span_start = 0;
    let mut deepest = 0;
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for (at, &byte) in bytes.iter().enumerate() {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'{' | b'[' => {
                level += 1;
                if level == KEPT_LEVELS + 1 {
                    span_start = at;
                    deepest = 0;
                }
                deepest = deepest.max(level);
            }
            b'}' | b']' => {
                level = level.saturating_sub(1);
                if level == KEPT_LEVELS && deepest >= CUT_AT {
                    spans.push((span_start, at + 1));
                }
            }
            _ => {}
        }
    }
    // The brackets were only counted: whether they match, and everything else, is checked here.
    if spans.is_empty() || !is_json(text) {
        return None;
    }
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut copied = 0;
    for (start, end) in spans {
        out.push_str(text.get(copied..start)?);
        out.push_str(&serde_json::to_string(text.get(start..end)?).ok()?);
        copied = end;
    }
    out.push_str(text.get(copied..)?);
    Some(out)
}

/// What [`is_json`] expects next.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Want {
    /// A value: at the top, after `:` or after `,` in an array.
    Value,
    /// A value or `]`: after `[`.
    ValueOrClose,
    /// A key or `}`: after `{`.
    KeyOrClose,
    /// A key: after `,` in an object.
    Key,
    /// `:` after a key.
    Colon,
    /// `,` or the bracket that closes the innermost array or object.
    CommaOrClose,
}

/// Whether `text` is one JSON value, whitespace around it allowed, at any depth: the structure
/// is checked here with a stack of its own (no recursion), each string, number and literal by
/// serde_json.
pub(crate) fn is_json(text: &str) -> bool {
    let bytes = text.as_bytes();
    // The open brackets, innermost last: `true` for an object.
    let mut open: Vec<bool> = Vec::new();
    let mut want = Want::Value;
    let mut complete = false;
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        if matches!(byte, b' ' | b'\t' | b'\n' | b'\r') {
            at += 1;
            continue;
        }
        if complete {
            return false;
        }
        match (want, byte) {
            (Want::Value | Want::ValueOrClose, b'[') => {
                open.push(false);
                want = Want::ValueOrClose;
                at += 1;
            }
            (Want::Value | Want::ValueOrClose, b'{') => {
                open.push(true);
                want = Want::KeyOrClose;
                at += 1;
            }
            (Want::ValueOrClose | Want::CommaOrClose, b']')
            | (Want::KeyOrClose | Want::CommaOrClose, b'}') => {
                if open.pop() != Some(byte == b'}') {
                    return false;
                }
                want = Want::CommaOrClose;
                complete = open.is_empty();
                at += 1;
            }
            (Want::CommaOrClose, b',') => {
                want = if open.last() == Some(&true) {
                    Want::Key
                } else {
                    Want::Value
                };
                at += 1;
            }
            (Want::Colon, b':') => {
                want = Want::Value;
                at += 1;
            }
            (Want::Key | Want::KeyOrClose, b'"') | (Want::Value | Want::ValueOrClose, _) => {
                let Some(end) = token_end(bytes, at) else {
                    return false;
                };
                let Some(token) = text.get(at..end) else {
                    return false;
                };
                // As serde_json reads it: a number out of `f64`'s range is refused too.
                if serde_json::from_str::<Value>(token).is_err() {
                    return false;
                }
                want = if matches!(want, Want::Key | Want::KeyOrClose) {
                    Want::Colon
                } else {
                    Want::CommaOrClose
                };
                complete = open.is_empty();
                at = end;
            }
            _ => return false,
        }
    }
    complete
}

/// The end of the string, number or literal at `at`: after its closing quote (`None` when there
/// is none), or at the next whitespace or structural character.
fn token_end(bytes: &[u8], at: usize) -> Option<usize> {
    if bytes.get(at) == Some(&b'"') {
        let mut next = at + 1;
        loop {
            match bytes.get(next)? {
                b'\\' => next += 2,
                b'"' => return Some(next + 1),
                _ => next += 1,
            }
        }
    }
    let length = bytes
        .get(at..)?
        .iter()
        .position(|byte| {
            matches!(
                byte,
                b' ' | b'\t' | b'\n' | b'\r' | b',' | b':' | b'[' | b']' | b'{' | b'}' | b'"'
            )
        })
        .unwrap_or(bytes.len() - at);
    Some(at + length)
}

/// Whether `value` nests arrays and objects more than `max` levels deep (a scalar is at level 0,
/// `[1]` at level 1). Recurses at most `max + 1` levels, whatever the depth of `value`.
pub(crate) fn deeper_than(value: &Value, max: usize) -> bool {
    match value {
        Value::Array(items) => max == 0 || items.iter().any(|item| deeper_than(item, max - 1)),
        Value::Object(fields) => max == 0 || fields.values().any(|item| deeper_than(item, max - 1)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `levels` nested arrays around `inner`.
    fn nested(levels: usize, inner: &str) -> String {
        format!("{}{inner}{}", "[".repeat(levels), "]".repeat(levels))
    }

    #[test]
    fn r3_depth_counts_levels_of_arrays_and_objects() {
        let value: Value = serde_json::from_str(&nested(3, r#"{"a":1}"#)).unwrap();
        assert!(!deeper_than(&value, 4));
        assert!(deeper_than(&value, 3));
        assert!(!deeper_than(&Value::from("[[[["), 0));
        assert!(deeper_than(&serde_json::json!([]), 0));
    }

    #[test]
    fn r4_a_shallow_body_has_nothing_to_cut() {
        assert_eq!(cut_deep(r#"{"a":[[1]],"b":"[[[[" }"#), None);
        let deep_but_readable = format!(r#"{{"a":{}}}"#, nested(CUT_AT - 2, "1"));
        assert_eq!(cut_deep(&deep_but_readable), None);
    }

    #[test]
    fn r4_exactly_what_serde_json_cannot_read_is_cut() {
        // 127 levels serde_json reads; 128 it refuses, and that body is cut.
        let readable = format!(r#"{{"a":{}}}"#, nested(CUT_AT - 2, "1"));
        assert!(serde_json::from_str::<Value>(&readable).is_ok());
        let refused = format!(
            r#"{{"a":{},"b":{}}}"#,
            nested(CUT_AT - 1, "1"),
            nested(99, "2")
        );
        assert!(serde_json::from_str::<Value>(&refused).is_err());
        let cut: Value = serde_json::from_str(&cut_deep(&refused).unwrap()).unwrap();
        // The value serde_json could read stays JSON beside the one it could not.
        let mut b = &cut["b"];
        for _ in 0..99 {
            b = &b[0];
        }
        assert_eq!(b, 2);
        let mut a = &cut["a"];
        for _ in 2..KEPT_LEVELS {
            a = &a[0];
        }
        assert_eq!(
            a[0].as_str(),
            Some(nested(CUT_AT - 1 - (KEPT_LEVELS - 1), "1").as_str())
        );
    }

    #[test]
    fn r4_a_too_deep_value_keeps_its_first_levels_and_the_rest_as_its_text() {
        let deep = nested(200, r#""x]\"[""#);
        let body = format!(r#"{{"scanRef":"s","deep":{deep},"after":[1]}}"#);
        let cut = cut_deep(&body).unwrap();
        let value: serde_json::Value = serde_json::from_str(&cut).unwrap();
        assert_eq!(value["scanRef"], "s");
        assert_eq!(value["after"], serde_json::json!([1]));
        let mut inner = &value["deep"];
        for _ in 2..KEPT_LEVELS {
            inner = &inner[0];
        }
        let rest = inner[0].as_str().unwrap();
        assert_eq!(rest, nested(200 - (KEPT_LEVELS - 1), r#""x]\"[""#));
    }

    #[test]
    fn r4_json_is_checked_at_any_depth_as_serde_json_checks_it() {
        let deep = nested(100_000, "1");
        for text in [
            "1",
            " \"a\\\"]\" ",
            "[]",
            "{}",
            r#"{"a":[1,2.5e3,{"b":null}],"c":true,"d":"\u00e9"}"#,
            "[[],[[]],{}]",
            deep.as_str(),
        ] {
            assert!(is_json(text), "{text}");
        }
        let broken_deep = format!("{}1,{}", "[".repeat(200), "]".repeat(200));
        for text in [
            "",
            " ",
            "[1,]",
            "[,1]",
            "{\"a\"}",
            "{\"a\":}",
            "{\"a\":1,}",
            "{1:1}",
            "[1 2]",
            "[1]]",
            "[[1]",
            "{]",
            "[}",
            "1 1",
            "\"open",
            "tru",
            "01",
            "\"\\x\"",
            "\"tab\there\"",
            "[1]x",
            "[1e400]",
            broken_deep.as_str(),
        ] {
            assert!(!is_json(text), "{text:?}");
            // What serde_json reads, it agrees with.
            if text.len() < 200 {
                assert!(serde_json::from_str::<Value>(text).is_err(), "{text:?}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn r4_is_json_agrees_with_serde_json(
            text in r#"[\[\]{}:, \n"\\0-9a-fnrtulse.E+-]{0,24}"#
        ) {
            proptest::prop_assert_eq!(
                is_json(&text),
                serde_json::from_str::<Value>(&text).is_ok(),
                "{:?}", text
            );
        }
    }

    #[test]
    fn r4_a_body_broken_anywhere_is_not_rewritten() {
        let unmatched = format!(r#"{{"deep":{}}}"#, nested(150, "1").replacen(']', "}", 1));
        assert_eq!(cut_deep(&unmatched), None);
        let deep = format!(r#"{{"deep":{}}}"#, nested(150, "1"));
        assert_eq!(cut_deep(deep.get(..deep.len() - 60).unwrap()), None);
        // Broken where serde_json never looked, past its limit, inside the span.
        let broken = format!(r#"{{"deep":{},"x":1}}"#, nested(150, "1,"));
        assert_eq!(cut_deep(&broken), None);
    }
}
