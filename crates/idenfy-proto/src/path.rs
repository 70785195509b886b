//! Values that become part of a request's URL (R1, R12): checked, then percent-encoded, so that
//! no value can change which path or which query parameter a request names.

use std::fmt::Write as _;

use crate::error::{Rule, ValidationError};

/// A value that becomes one segment of a request's path (a `scanRef`, a face-authentication
/// `tokenString`), percent-encoded: every byte but the unreserved characters of RFC 3986 (ASCII
/// letters and digits, `-`, `.`, `_`, `~`) is written `%XX`, so a `/`, `?`, `#` or `%` in the value
/// stays inside its segment. `.` and `..` are refused ([`Rule::DotSegment`]): URL normalisation,
/// on either side, would read them as "this path" and "the parent path".
pub(crate) fn segment(field: &'static str, value: &str) -> Result<String, ValidationError> {
    if value == "." || value == ".." {
        return Err(ValidationError::new(field, Rule::DotSegment));
    }
    let mut encoded = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(char::from(byte));
        } else {
            // Writing to a `String` cannot fail.
            let _ = write!(encoded, "%{byte:02X}");
        }
    }
    Ok(encoded)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn r12_segments_are_percent_encoded() {
        assert_eq!(
            segment("scanRef", "9b11acb2-8c27-11e9-9758-309c231b1bac").unwrap(),
            "9b11acb2-8c27-11e9-9758-309c231b1bac"
        );
        assert_eq!(
            segment("scanRef", "a/b?c#d%e f").unwrap(),
            "a%2Fb%3Fc%23d%25e%20f"
        );
        assert_eq!(segment("scanRef", "ž.~_").unwrap(), "%C5%BE.~_");
        assert_eq!(segment("scanRef", "...").unwrap(), "...");
        for dots in [".", ".."] {
            let err = segment("scanRef", dots).unwrap_err();
            assert_eq!((err.field(), err.rule()), ("scanRef", &Rule::DotSegment));
        }
    }
}
