//! Flag strings to the plain values the library's setters take.
//!
//! Numbers and booleans are read as strings by clap and converted here, so that a malformed
//! value is reported like every other refused value: a [`ValidationError`] naming the wire field.
//! Only the *shape* is checked here (is it an integer, a boolean, `KEY=JSON`); every rule about
//! the value itself is the library's, applied by `build()`.

use std::num::IntErrorKind;

use idenfy::{Rule, ValidationError};
use serde_json::Value;

/// Reads an integer for the wire field `field`.
///
/// A value beyond the range of `i64` is refused here as too large rather than clamped, so the
/// error never reports a number the user did not give.
pub(crate) fn integer(field: &'static str, value: &str) -> Result<i64, ValidationError> {
    match value.parse::<i64>() {
        Ok(number) => Ok(number),
        Err(err) => match err.kind() {
            IntErrorKind::PosOverflow | IntErrorKind::NegOverflow => Err(ValidationError::new(
                field,
                Rule::WrongType {
                    expected: "an integer between -9223372036854775808 and 9223372036854775807",
                },
            )),
            _ => Err(ValidationError::new(field, Rule::NotAnInteger)),
        },
    }
}

/// Reads `true` or `false` for the wire field `field`.
pub(crate) fn boolean(field: &'static str, value: &str) -> Result<bool, ValidationError> {
    match value {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(ValidationError::new(field, Rule::NotABoolean)),
    }
}

/// Reads an extra field written `KEY=JSON` (`--field`). A missing `=` is refused naming
/// `field`; a value that is not JSON is refused naming the key.
pub(crate) fn key_json(value: &str) -> Result<(String, Value), ValidationError> {
    let Some((key, json)) = value.split_once('=') else {
        return Err(ValidationError::new("field", Rule::NotKeyValue));
    };
    let json = serde_json::from_str(json)
        .map_err(|_| ValidationError::new(key.to_owned(), Rule::NotJson))?;
    Ok((key.to_owned(), json))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    #[test]
    fn integers() {
        assert_eq!(integer("expiryTime", "1").unwrap(), 1);
        assert_eq!(integer("expiryTime", "-1").unwrap(), -1);
        for huge in ["99999999999999999999", "-99999999999999999999"] {
            let err = integer("expiryTime", huge).unwrap_err();
            assert_eq!(err.field(), "expiryTime");
            assert!(matches!(err.rule(), Rule::WrongType { .. }), "{huge}");
            assert!(!err.to_string().contains("got"), "no made-up number: {err}");
        }
        for bad in ["", "abc", "1.5", "1e3", " 1", "0x10"] {
            let err = integer("expiryTime", bad).unwrap_err();
            assert_eq!(err.field(), "expiryTime");
            assert_eq!(err.rule(), &Rule::NotAnInteger, "{bad:?}");
        }
    }

    #[test]
    fn booleans() {
        assert!(boolean("showInstructions", "true").unwrap());
        assert!(!boolean("showInstructions", "false").unwrap());
        let err = boolean("showInstructions", "maybe").unwrap_err();
        assert_eq!(err.field(), "showInstructions");
        assert_eq!(err.rule(), &Rule::NotABoolean);
    }

    #[test]
    fn key_json_pairs() {
        assert_eq!(
            key_json("foo=1").unwrap(),
            ("foo".to_owned(), serde_json::json!(1))
        );
        assert_eq!(
            key_json("foo={\"a\":\"b=c\"}").unwrap(),
            ("foo".to_owned(), serde_json::json!({"a": "b=c"}))
        );
        let err = key_json("foo").unwrap_err();
        assert_eq!((err.field(), err.rule()), ("field", &Rule::NotKeyValue));
        let err = key_json("foo=notjson").unwrap_err();
        assert_eq!((err.field(), err.rule()), ("foo", &Rule::NotJson));
    }
}
