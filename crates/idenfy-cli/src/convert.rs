//! Flag strings to the plain values the library's setters take.
//!
//! Numbers and booleans are read as strings by clap and converted here, so that a malformed
//! value is reported like every other refused value: naming the wire field, with exit code 2.
//! Only the *shape* is checked here (is it an integer, a boolean, `KEY=JSON`, an address); every
//! rule about the value itself is the library's, applied by `build()`. The shape rules are the
//! tool's own ([`InputRule`]): the library never reads a flag.

use std::fmt;
use std::num::IntErrorKind;

use serde_json::Value;

/// A flag value of the wrong shape, naming the wire field it was for (`expiryTime`), the extra
/// field's key, or the flag (`field`, `listen`). Reported exactly like the library's validation
/// errors: `field: rule`, kind `validation`, exit code 2. The value itself is never quoted (it may
/// be personal data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InputError {
    field: String,
    rule: InputRule,
}

impl InputError {
    /// `field` breaking `rule`.
    pub(crate) fn new(field: impl Into<String>, rule: InputRule) -> Self {
        Self {
            field: field.into(),
            rule,
        }
    }

    /// The wire field, extra-field key or flag.
    pub(crate) fn field(&self) -> &str {
        &self.field
    }

    /// The rule that was broken.
    pub(crate) fn rule(&self) -> &InputRule {
        &self.rule
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.rule)
    }
}

impl std::error::Error for InputError {}

/// The shape a flag value must have before the library sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum InputRule {
    /// Not an integer.
    NotAnInteger,
    /// An integer beyond the range of `i64`: refused as such rather than clamped, so no error
    /// ever reports a number the user did not give.
    IntegerOutOfRange,
    /// Not `true` or `false`.
    NotABoolean,
    /// Not `KEY=VALUE`.
    NotKeyValue,
    /// Not a JSON value.
    NotJson,
    /// Not a socket address `IP:PORT`.
    NotASocketAddress,
    /// An integer beyond the range of the field's type (`u32`: 0 to 4294967295), refused as
    /// such rather than clamped.
    NotAnU32,
    /// An empty path where a file is needed.
    NoFile,
}

impl fmt::Display for InputRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            InputRule::NotAnInteger => "must be an integer",
            InputRule::IntegerOutOfRange => {
                "must be an integer between -9223372036854775808 and 9223372036854775807"
            }
            InputRule::NotABoolean => "must be true or false",
            InputRule::NotKeyValue => "must be written KEY=VALUE",
            InputRule::NotJson => "must be a JSON value",
            InputRule::NotASocketAddress => "must be an address IP:PORT such as 127.0.0.1:8080",
            InputRule::NotAnU32 => "must be an integer between 0 and 4294967295",
            InputRule::NoFile => "must name a file",
        })
    }
}

/// Reads an integer for the wire field `field`.
///
/// A value beyond the range of `i64` is refused here as too large rather than clamped, so the
/// error never reports a number the user did not give.
pub(crate) fn integer(field: &'static str, value: &str) -> Result<i64, InputError> {
    match value.parse::<i64>() {
        Ok(number) => Ok(number),
        Err(err) => match err.kind() {
            IntErrorKind::PosOverflow | IntErrorKind::NegOverflow => {
                Err(InputError::new(field, InputRule::IntegerOutOfRange))
            }
            _ => Err(InputError::new(field, InputRule::NotAnInteger)),
        },
    }
}

/// Reads an integer from 0 to `u32::MAX` for the wire field `field` (the type of the library's
/// setter); the library checks its own bounds within that.
pub(crate) fn unsigned(field: &'static str, value: &str) -> Result<u32, InputError> {
    match integer(field, value) {
        Ok(number) => {
            u32::try_from(number).map_err(|_| InputError::new(field, InputRule::NotAnU32))
        }
        Err(err) if err.rule == InputRule::IntegerOutOfRange => {
            Err(InputError::new(field, InputRule::NotAnU32))
        }
        Err(err) => Err(err),
    }
}

/// Reads `true` or `false` for the wire field `field`.
pub(crate) fn boolean(field: &'static str, value: &str) -> Result<bool, InputError> {
    match value {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(InputError::new(field, InputRule::NotABoolean)),
    }
}

/// Reads an extra field written `KEY=JSON` (`--field`). A missing `=` is refused naming
/// `field`; a value that is not JSON is refused naming the key.
pub(crate) fn key_json(value: &str) -> Result<(String, Value), InputError> {
    let Some((key, json)) = value.split_once('=') else {
        return Err(InputError::new("field", InputRule::NotKeyValue));
    };
    let json = serde_json::from_str(json).map_err(|_| InputError::new(key, InputRule::NotJson))?;
    Ok((key.to_owned(), json))
}

/// Reads the socket address of `--listen` (`127.0.0.1:8080`).
pub(crate) fn socket_address(value: &str) -> Result<std::net::SocketAddr, InputError> {
    value
        .parse()
        .map_err(|_| InputError::new("listen", InputRule::NotASocketAddress))
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
            assert_eq!(err.rule(), &InputRule::IntegerOutOfRange, "{huge}");
            assert!(!err.to_string().contains("got"), "no made-up number: {err}");
        }
        for bad in ["", "abc", "1.5", "1e3", " 1", "0x10"] {
            let err = integer("expiryTime", bad).unwrap_err();
            assert_eq!(err.field(), "expiryTime");
            assert_eq!(err.rule(), &InputRule::NotAnInteger, "{bad:?}");
        }
    }

    #[test]
    fn unsigned_integers() {
        assert_eq!(unsigned("perPage", "0").unwrap(), 0);
        assert_eq!(unsigned("perPage", "4294967295").unwrap(), u32::MAX);
        for out_of_range in ["-1", "4294967296", "99999999999999999999"] {
            let err = unsigned("perPage", out_of_range).unwrap_err();
            assert_eq!(err.field(), "perPage");
            assert_eq!(err.rule(), &InputRule::NotAnU32, "{out_of_range}");
        }
        let err = unsigned("page", "two").unwrap_err();
        assert_eq!(
            (err.field(), err.rule()),
            ("page", &InputRule::NotAnInteger)
        );
    }

    #[test]
    fn booleans() {
        assert!(boolean("showInstructions", "true").unwrap());
        assert!(!boolean("showInstructions", "false").unwrap());
        let err = boolean("showInstructions", "maybe").unwrap_err();
        assert_eq!(err.field(), "showInstructions");
        assert_eq!(err.rule(), &InputRule::NotABoolean);
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
        assert_eq!(
            (err.field(), err.rule()),
            ("field", &InputRule::NotKeyValue)
        );
        let err = key_json("foo=notjson").unwrap_err();
        assert_eq!((err.field(), err.rule()), ("foo", &InputRule::NotJson));
    }

    #[test]
    fn messages_name_the_field_and_the_rule() {
        assert_eq!(
            integer("expiryTime", "abc").unwrap_err().to_string(),
            "expiryTime: must be an integer"
        );
        assert_eq!(
            socket_address("localhost").unwrap_err().to_string(),
            "listen: must be an address IP:PORT such as 127.0.0.1:8080"
        );
        assert!(socket_address("127.0.0.1:0").is_ok());
    }
}
