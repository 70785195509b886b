//! Secrets and personal data (R10): types whose `Debug` output never shows the value.

use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::error::{Rule, ValidationError};

/// Whether two secrets are equal, in time that depends neither on where they differ nor on how
/// long the secret is compared to the guess (R10).
///
/// Both sides are hashed with SHA-256 and the two 32-byte digests compared with
/// [`subtle::ConstantTimeEq`]: the comparison itself always looks at 32 bytes, whatever the
/// lengths, and never stops at a difference. (Hashing takes one step per 64-byte block of
/// each input, so only each side's length in blocks shows; a secret and a guess of up to 55
/// bytes each take the same single block.) Two different inputs with the same digest would
/// compare equal: a SHA-256 collision, which nobody can make.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let a = Sha256::digest(a);
    let b = Sha256::digest(b);
    bool::from(a.as_slice().ct_eq(b.as_slice()))
}

macro_rules! secret_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone)]
        pub struct $name(String);

        /// Constant time, with no early exit on a difference or a length mismatch
        /// ([`crate::server::constant_time_eq`]).
        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                constant_time_eq(self.0.as_bytes(), other.0.as_bytes())
            }
        }

        impl Eq for $name {}

        /// The value is overwritten with zeros when it is dropped (R10).
        impl Drop for $name {
            fn drop(&mut self) {
                self.0.zeroize();
            }
        }

        impl ZeroizeOnDrop for $name {}

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
    /// It never appears in `Debug` output; there is deliberately no `Display`. `==` compares in
    /// constant time, and the value is wiped from memory when it is dropped.
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
    /// [`AuthToken::redacted_prefix`] to show a recognisable prefix to a person. `==` compares
    /// in constant time, and the value is wiped from memory when it is dropped.
    ///
    /// Two constructors, for the two directions. A token supplied as input (typed by a person,
    /// read from a file, passed to build a redirect or iframe URL) goes through
    /// [`AuthToken::parse`], which refuses an empty one, or one holding a control character
    /// (a pasted line break), with a [`ValidationError`] naming `authToken`: such a token starts
    /// nothing.
    /// [`AuthToken::new`] wraps a value unchecked, for what iDenfy (or an emulator) issued: a
    /// response is never refused over its token. Decoding a token answer still requires a
    /// non-empty `authToken` (R4), and an empty one is reported as missing by a
    /// [`DecodeError`](crate::DecodeError) that carries the answer's `scanRef`, so nothing that
    /// was received is lost; a webhook's empty `authToken` is read as absent and the event is
    /// kept (R7).
    AuthToken
);

impl AuthToken {
    /// An `authToken` supplied as input: refused when empty ([`Rule::Required`]) or when it
    /// holds a control character such as a pasted line break ([`Rule::ForbiddenCharacter`]),
    /// since iDenfy issues no such token and a URL made from it would start nothing. Any other
    /// character is kept, and percent-encoded where a URL is made of it. The error names the
    /// field `authToken` and never holds the value; a refused value is wiped like a kept one.
    ///
    /// ```
    /// use idenfy_proto::{AuthToken, Rule};
    /// let token = AuthToken::parse("k8ZHmYqeH0pOLlK9MEbvX1Ac3q")?;
    /// assert_eq!(token.expose_secret(), "k8ZHmYqeH0pOLlK9MEbvX1Ac3q");
    /// let err = AuthToken::parse("").unwrap_err();
    /// assert_eq!((err.field(), err.rule()), ("authToken", &Rule::Required));
    /// assert_eq!(err.to_string(), "authToken: is required");
    /// # Ok::<(), idenfy_proto::ValidationError>(())
    /// ```
    pub fn parse(value: impl Into<String>) -> Result<Self, ValidationError> {
        const FIELD: &str = "authToken";
        let token = Self::new(value);
        if token.0.is_empty() {
            return Err(ValidationError::new(FIELD, Rule::Required));
        }
        if let Some(character) = token.0.chars().find(|c| c.is_control()) {
            return Err(ValidationError::new(
                FIELD,
                Rule::ForbiddenCharacter { character },
            ));
        }
        Ok(token)
    }

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
