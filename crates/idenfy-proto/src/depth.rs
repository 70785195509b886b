//! JSON nested deeper than serde_json reads (R4, R7: lenient per field, not per document).
//!
//! serde_json stops at 128 levels of arrays and objects and fails the whole document, so one
//! field nested that deep would cost a token response its `authToken` and `scanRef`, or a
//! webhook its verdict. No field iDenfy documents goes deeper than a handful of levels: where a
//! body fails to parse and has such a value, [`cut_deep`] rewrites every array or object that
//! starts at level [`KEPT_LEVELS`]` + 1` and reaches level [`CUT_AT`] as a JSON string holding
//! its text, verbatim, and the body is read again. The typed fields are then decoded as usual;
//! the deep value, which only an untyped (extra) field can hold at that depth, keeps its first
//! [`KEPT_LEVELS`] levels as JSON and the rest as text. A body that still fails is reported with
//! its first error, so a broken body stays broken: only a span whose brackets match is
//! rewritten, and a body cut short has none.
//!
//! On the way out, [`deeper_than`] bounds an extra field of a token request (R3), so that what
//! the client sends, and its echo, never come near that limit.

use serde_json::Value;

/// Levels of arrays and objects (the top-level object is level 1) kept as JSON above a too-deep
/// value.
pub(crate) const KEPT_LEVELS: usize = 32;

/// A span reaching this level is rewritten: well inside serde_json's limit of 128, so that any
/// body it refused for depth has one.
pub(crate) const CUT_AT: usize = 100;

/// `text` with each array or object that starts at level `KEPT_LEVELS + 1` and reaches level
/// [`CUT_AT`] replaced by its text as a JSON string; `None` when there is no such span (the
/// body failed for another reason) or when the brackets do not match.
///
/// One pass over the bytes, with no recursion, so any depth is safe to scan.
pub(crate) fn cut_deep(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    // The open brackets, innermost last: `true` for an object.
    let mut open: Vec<bool> = Vec::new();
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
                open.push(byte == b'{');
                if open.len() == KEPT_LEVELS + 1 {
                    span_start = at;
                    deepest = 0;
                }
                deepest = deepest.max(open.len());
            }
            b'}' | b']' => {
                if open.pop() != Some(byte == b'}') {
                    return None;
                }
                if open.len() == KEPT_LEVELS && deepest >= CUT_AT {
                    spans.push((span_start, at + 1));
                }
            }
            _ => {}
        }
    }
    if spans.is_empty() {
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
    fn r4_brackets_that_do_not_match_or_a_body_cut_short_are_not_rewritten() {
        let unmatched = format!(r#"{{"deep":{}}}"#, nested(150, "1").replacen(']', "}", 1));
        assert_eq!(cut_deep(&unmatched), None);
        let deep = format!(r#"{{"deep":{}}}"#, nested(150, "1"));
        assert_eq!(cut_deep(deep.get(..deep.len() - 60).unwrap()), None);
    }
}
