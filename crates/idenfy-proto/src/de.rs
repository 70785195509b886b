//! Lenient decoding (R7).
//!
//! Bodies are first read into a [`serde_json::Value`] — which accepts duplicate keys, the last
//! one winning, as the documented webhook example requires — and then deserialized into the
//! typed model with [`serde_path_to_error`], so a failure names its JSON path. Field helpers
//! here accept the shapes the API has been seen to send: numbers for strings, floats and
//! strings for integers, `null` for anything optional.

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::error::{DecodeError, DecodeErrorKind};

/// Decodes a JSON body leniently into `T`.
pub(crate) fn from_slice<T: DeserializeOwned>(body: &[u8]) -> Result<T, DecodeError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(DecodeError::new(
            DecodeErrorKind::Empty,
            None,
            "the body is empty",
        ));
    }
    let value: Value = serde_json::from_slice(body)
        .map_err(|err| DecodeError::new(DecodeErrorKind::Syntax, None, &err.to_string()))?;
    from_value(value)
}

/// Deserializes an already parsed JSON value into `T`, keeping the path of a failure.
pub(crate) fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, DecodeError> {
    serde_path_to_error::deserialize(value).map_err(|err| {
        let path = err.path().to_string();
        let message = err.into_inner().to_string();
        // A missing field fails at its parent's path; name the field itself.
        let path = match missing_field(&message) {
            Some(field) if path == "." => field.to_owned(),
            Some(field) => format!("{path}.{field}"),
            None => path,
        };
        DecodeError::new(DecodeErrorKind::Data, Some(path), &message)
    })
}

/// The field named by serde's "missing field `x`" message.
fn missing_field(message: &str) -> Option<&str> {
    let (field, _) = message.strip_prefix("missing field `")?.split_once('`')?;
    Some(field)
}

/// The value as a string: strings as they are, numbers and booleans in their JSON spelling,
/// arrays and objects as JSON text; `None` for `null`.
pub(crate) fn value_to_string(value: Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(text),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        other @ (Value::Array(_) | Value::Object(_)) => Some(other.to_string()),
    }
}

/// A required string that may arrive as a number or boolean.
pub(crate) fn required_string<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<String, D::Error> {
    match Value::deserialize(deserializer)? {
        Value::String(text) => Ok(text),
        Value::Number(number) => Ok(number.to_string()),
        Value::Bool(flag) => Ok(flag.to_string()),
        Value::Null => Err(D::Error::custom("expected a string, found null")),
        Value::Array(_) => Err(D::Error::custom("expected a string, found an array")),
        Value::Object(_) => Err(D::Error::custom("expected a string, found an object")),
    }
}

/// An optional string: anything [`value_to_string`] accepts.
pub(crate) fn opt_string<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    Ok(Option::<Value>::deserialize(deserializer)?.and_then(value_to_string))
}

/// An optional string of personal data.
pub(crate) fn opt_personal<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<crate::Personal<String>>, D::Error> {
    opt_string(deserializer).map(|value| value.map(crate::Personal::new))
}

/// An optional enum of string wire values: `null` and the empty string are `None` (the status
/// endpoint sends `""` for results that do not exist yet); numbers and booleans are read as
/// their JSON spelling, so they end up as unknown values rather than as errors.
pub(crate) fn opt_enum<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: From<String>,
{
    match Option::<Value>::deserialize(deserializer)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) if text.is_empty() => Ok(None),
        Some(value @ (Value::Array(_) | Value::Object(_))) => Err(D::Error::custom(format!(
            "expected a string, found {}",
            kind(&value)
        ))),
        Some(value) => Ok(value_to_string(value).map(T::from)),
    }
}

/// An optional JSON value of any shape; `null` is `None`.
pub(crate) fn opt_value<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Value>, D::Error> {
    Ok(Option::<Value>::deserialize(deserializer)?.filter(|value| !value.is_null()))
}

/// An optional JSON value of any shape holding personal data; `null` is `None`.
pub(crate) fn opt_personal_value<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<crate::Personal<Value>>, D::Error> {
    opt_value(deserializer).map(|value| value.map(crate::Personal::new))
}

/// An integer read from a JSON integer, a float (truncated toward zero) or a numeric string.
pub(crate) fn lenient_i64(value: &Value) -> Option<i64> {
    match value {
        Value::Number(number) => number
            .as_i64()
            .or_else(|| number.as_f64().and_then(float_to_i64)),
        Value::String(text) => {
            let text = text.trim();
            text.parse::<i64>()
                .ok()
                .or_else(|| text.parse::<f64>().ok().and_then(float_to_i64))
        }
        _ => None,
    }
}

fn float_to_i64(float: f64) -> Option<i64> {
    // i64::MAX is not exactly representable; 2^63 is the first value out of range.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    (float.is_finite() && float > -LIMIT - 1.0 && float < LIMIT).then(|| {
        #[allow(clippy::cast_possible_truncation)]
        let truncated = float.trunc() as i64;
        truncated
    })
}

/// An optional integer, tolerant of floats and numeric strings (R7).
pub(crate) fn opt_i64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    match Option::<Value>::deserialize(deserializer)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) if text.trim().is_empty() => Ok(None),
        Some(value) => lenient_i64(&value).map(Some).ok_or_else(|| {
            D::Error::custom(format!("expected an integer, found {}", kind(&value)))
        }),
    }
}

/// An optional boolean, tolerant of the strings `"true"`/`"false"` and the numbers 0 and 1.
pub(crate) fn opt_bool<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<bool>, D::Error> {
    match Option::<Value>::deserialize(deserializer)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(flag)) => Ok(Some(flag)),
        Some(Value::String(text)) => match text.trim().to_ascii_lowercase().as_str() {
            "true" => Ok(Some(true)),
            "false" => Ok(Some(false)),
            "" => Ok(None),
            _ => Err(D::Error::custom("expected a boolean, found a string")),
        },
        Some(Value::Number(number)) => match number.as_i64() {
            Some(0) => Ok(Some(false)),
            Some(1) => Ok(Some(true)),
            _ => Err(D::Error::custom("expected a boolean, found a number")),
        },
        Some(other) => Err(D::Error::custom(format!(
            "expected a boolean, found {}",
            kind(&other)
        ))),
    }
}

/// An optional list; `null` is `None`, and a single value where a list is expected is read as a
/// list of one.
pub(crate) fn opt_list<'de, D, T>(deserializer: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    match Option::<Value>::deserialize(deserializer)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => items
            .into_iter()
            .filter(|item| !item.is_null())
            .map(|item| serde_json::from_value(item).map_err(D::Error::custom))
            .collect::<Result<Vec<T>, _>>()
            .map(Some),
        Some(single) => serde_json::from_value(single)
            .map(|item| Some(vec![item]))
            .map_err(D::Error::custom),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn r7_integers_from_floats_and_strings() {
        assert_eq!(lenient_i64(&json!(1554726960)), Some(1_554_726_960));
        assert_eq!(lenient_i64(&json!(1554726960.324056)), Some(1_554_726_960));
        assert_eq!(lenient_i64(&json!("3600")), Some(3600));
        assert_eq!(lenient_i64(&json!(" 3600.9 ")), Some(3600));
        assert_eq!(lenient_i64(&json!(-1.5)), Some(-1));
        assert_eq!(lenient_i64(&json!(1e300)), None);
        assert_eq!(lenient_i64(&json!("abc")), None);
        assert_eq!(lenient_i64(&json!(true)), None);
    }

    #[test]
    fn r7_duplicate_keys_last_wins() {
        #[derive(Deserialize)]
        struct Probe {
            a: String,
        }
        let probe: Probe = from_slice(br#"{"a":"first","a":"second"}"#).unwrap();
        assert_eq!(probe.a, "second");
    }

    #[test]
    fn empty_and_whitespace_bodies_are_empty_errors() {
        for body in [&b""[..], b"  \n"] {
            let err = from_slice::<Value>(body).unwrap_err();
            assert_eq!(err.kind(), DecodeErrorKind::Empty);
        }
    }
}
