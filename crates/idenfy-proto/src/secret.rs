//! Secrets and personal data (R10): types whose `Debug` output never shows the value.

use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! secret_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            /// Wraps a secret value.
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// The secret itself. Every use of it is explicit, so it can be audited.
            pub fn expose_secret(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "([redacted])"))
            }
        }
    };
}

secret_type!(
    /// The API secret, the password half of the Basic credentials (R1, R10).
    ///
    /// It never appears in `Debug` output; there is deliberately no `Display`.
    ///
    /// ```
    /// let secret = idenfy_proto::ApiSecret::new("s3cr3t");
    /// assert_eq!(format!("{secret:?}"), "ApiSecret([redacted])");
    /// assert_eq!(secret.expose_secret(), "s3cr3t");
    /// ```
    ApiSecret
);

secret_type!(
    /// The `authToken` of a verification session (R4, R10).
    ///
    /// Whoever holds it can start the verification it belongs to, so it is treated as a
    /// secret: `Debug` shows `AuthToken([redacted])` and there is no `Display`. Use
    /// [`AuthToken::expose_secret`] to put it into a URL or an SDK, or
    /// [`AuthToken::redacted_prefix`] to show a recognisable prefix to a person.
    AuthToken
);

impl AuthToken {
    /// The first `n` characters followed by `…`, for showing a token to a person without
    /// revealing it whole.
    pub fn redacted_prefix(&self, n: usize) -> String {
        let prefix: String = self.0.chars().take(n).collect();
        format!("{prefix}…")
    }
}

impl Serialize for AuthToken {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for AuthToken {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = crate::decode::required_string(deserializer)?;
        if value.is_empty() {
            return Err(serde::de::Error::custom("must not be empty"));
        }
        Ok(Self(value))
    }
}

/// Personal data (names, dates, document and personal numbers, addresses, file URLs): a value
/// that is used normally but never printed by `Debug` (R10).
///
/// `Personal<T>` dereferences to `T` and (de)serializes exactly as `T`, so it costs nothing but
/// the redaction. Logging a whole request or result with `{:?}` is therefore safe.
///
/// ```
/// use idenfy_proto::Personal;
/// let name = Personal::new(String::from("Birute"));
/// assert_eq!(format!("{name:?}"), "[redacted]");
/// assert_eq!(name.as_str(), "Birute");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Personal<T>(T);

impl<T> Personal<T> {
    /// Wraps a value.
    pub const fn new(value: T) -> Self {
        Self(value)
    }

    /// The value, borrowed.
    pub const fn expose(&self) -> &T {
        &self.0
    }

    /// The value, unwrapped.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Personal<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> From<T> for Personal<T> {
    fn from(value: T) -> Self {
        Self(value)
    }
}

impl<T> fmt::Debug for Personal<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl<T: Serialize> Serialize for Personal<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Personal<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Self)
    }
}
