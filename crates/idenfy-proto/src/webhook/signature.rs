//! The `Idenfy-Signature` header (R8, reference §5.9): `hex(HMAC-SHA256(key, raw body))`.

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, ZeroizeOnDrop};

type HmacSha256 = Hmac<Sha256>;

/// The name of the header that carries the signature of a webhook body.
pub const SIGNATURE_HEADER: &str = "Idenfy-Signature";

/// The name of the header that names the webhook event (reference §5.2).
pub const EVENT_TYPE_HEADER: &str = "Idenfy-Event-Type";

/// Length of an HMAC-SHA256 tag in bytes.
const TAG_LEN: usize = 32;

/// Length of a signature in hex digits.
const SIGNATURE_HEX_LEN: usize = TAG_LEN * 2;

/// Block size of SHA-256, the size HMAC pads or hashes its key to.
const SHA256_BLOCK_LEN: usize = 64;

/// The key that signs webhooks (R8, R10): the UTF-8 bytes of the signing key configured in the
/// iDenfy dashboard (older accounts: the API secret). It is used as it is, never hex- or
/// base64-decoded.
///
/// `Debug` prints `WebhookKey([redacted])`; there is deliberately no `Display`, and no `==`
/// either (comparing secrets is the job of [`verify`], in constant time).
///
/// An empty key is refused by every constructor (R8): HMAC accepts it, so a key read from an
/// unset variable would otherwise verify signatures anyone can make. The key bytes are wiped
/// from memory when the key is dropped ([`ZeroizeOnDrop`]).
///
/// ```
/// use idenfy_proto::webhook::{EmptyKeyError, WebhookKey};
/// let key = WebhookKey::new("my-signing-key")?;
/// assert_eq!(format!("{key:?}"), "WebhookKey([redacted])");
/// assert_eq!(key.expose_secret(), b"my-signing-key");
/// assert_eq!(WebhookKey::new("").unwrap_err(), EmptyKeyError);
/// assert!(WebhookKey::try_from(String::new()).is_err());
/// # Ok::<(), EmptyKeyError>(())
/// ```
#[derive(Clone)]
pub struct WebhookKey(Vec<u8>);

/// A webhook key was empty (R8): refused, since anyone can sign with an empty key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the webhook key is empty: an empty key would verify signatures anyone can make")]
pub struct EmptyKeyError;

impl WebhookKey {
    /// Wraps the bytes of a signing key. For a key typed into the dashboard, pass the string:
    /// its UTF-8 bytes are the key.
    ///
    /// Errors: [`EmptyKeyError`] for an empty key.
    pub fn new(key: impl Into<Vec<u8>>) -> Result<Self, EmptyKeyError> {
        let key = key.into();
        if key.is_empty() {
            return Err(EmptyKeyError);
        }
        Ok(Self(key))
    }

    /// The key bytes. Every use of them is explicit, so it can be audited.
    pub fn expose_secret(&self) -> &[u8] {
        &self.0
    }

    /// An HMAC-SHA256 instance keyed with this key.
    fn mac(&self) -> HmacSha256 {
        // HMAC accepts keys of any length (RFC 2104 §2): a longer key is hashed, a shorter one
        // padded with zeros to the block size. Doing that here gives a key of exactly the block
        // size, which `KeyInit::new` takes without a fallible path.
        // Either source is at most the block size long, so `zip` copies all of it.
        let mut block = hmac::digest::Key::<HmacSha256>::default();
        let copy = |block: &mut hmac::digest::Key<HmacSha256>, key: &[u8]| {
            for (slot, byte) in block.iter_mut().zip(key) {
                *slot = *byte;
            }
        };
        if self.0.len() <= SHA256_BLOCK_LEN {
            copy(&mut block, &self.0);
        } else {
            let mut digest = Sha256::digest(&self.0);
            copy(&mut block, &digest);
            digest.as_mut_slice().zeroize();
        }
        let mac = <HmacSha256 as KeyInit>::new(&block);
        // The copy of the key is wiped; the HMAC state wipes its own (hmac's `zeroize`).
        block.as_mut_slice().zeroize();
        mac
    }
}

/// The key bytes are overwritten with zeros when the key is dropped (R10).
impl Drop for WebhookKey {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl ZeroizeOnDrop for WebhookKey {}

impl fmt::Debug for WebhookKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookKey([redacted])")
    }
}

impl TryFrom<&str> for WebhookKey {
    type Error = EmptyKeyError;

    fn try_from(key: &str) -> Result<Self, EmptyKeyError> {
        Self::new(key)
    }
}

impl TryFrom<String> for WebhookKey {
    type Error = EmptyKeyError;

    fn try_from(key: String) -> Result<Self, EmptyKeyError> {
        Self::new(key)
    }
}

impl TryFrom<&[u8]> for WebhookKey {
    type Error = EmptyKeyError;

    fn try_from(key: &[u8]) -> Result<Self, EmptyKeyError> {
        Self::new(key)
    }
}

impl TryFrom<Vec<u8>> for WebhookKey {
    type Error = EmptyKeyError;

    fn try_from(key: Vec<u8>) -> Result<Self, EmptyKeyError> {
        Self::new(key)
    }
}

/// Why a webhook signature was refused (R8). The messages never contain a key or the expected
/// signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// The `Idenfy-Signature` header is absent (no signing key is configured in the dashboard,
    /// or something on the way dropped the header).
    #[error("the {SIGNATURE_HEADER} header is missing")]
    Missing,
    /// The header is present but empty (or only whitespace).
    #[error("the {SIGNATURE_HEADER} header is empty")]
    Empty,
    /// The header holds a character that is not a hex digit (or is not visible ASCII).
    #[error("the {SIGNATURE_HEADER} header is not hexadecimal")]
    NotHex,
    /// The header is hexadecimal but not 64 digits long.
    #[error("the {SIGNATURE_HEADER} header has {actual} hex digits, expected 64")]
    WrongLength {
        /// The number of hex digits received.
        actual: usize,
    },
    /// The signature is well formed but does not match the body under any of the keys.
    #[error("the {SIGNATURE_HEADER} header does not match the body under any webhook key")]
    Mismatch,
    /// No key was given to verify with.
    #[error("no webhook key was given to verify the {SIGNATURE_HEADER} header with")]
    NoKeys,
}

/// Signs `body` as iDenfy does: the lowercase hex of `HMAC-SHA256(key, body)`, 64 characters.
/// Public as [`crate::server::sign_webhook`], the sender's side.
pub(crate) fn sign(key: &WebhookKey, body: &[u8]) -> String {
    let mut mac = key.mac();
    mac.update(body);
    hex_encode(&mac.finalize().into_bytes())
}

/// Verifies the `Idenfy-Signature` header value `signature` against the exact raw `body` bytes
/// (R8).
///
/// Surrounding whitespace of the header value is ignored and the hex may be in any case. Every
/// key of `keys` is tried, so a signing key can be rotated by accepting the old and the new key
/// for a while. Each key is compared in constant time ([`hmac::Mac::verify_slice`]).
///
/// The checks run in this order, and the first failure is returned: no key at all
/// ([`SignatureError::NoKeys`], a configuration error whatever the request), no header
/// ([`SignatureError::Missing`]), an empty header ([`SignatureError::Empty`]), a character that
/// is not a hex digit ([`SignatureError::NotHex`]), a length other than 64
/// ([`SignatureError::WrongLength`]), and finally no key that matches
/// ([`SignatureError::Mismatch`]).
///
/// Verify the bytes as they arrived: re-serializing the JSON, or dropping its trailing newline,
/// changes them and breaks the signature.
pub fn verify(
    body: &[u8],
    signature: Option<&str>,
    keys: &[WebhookKey],
) -> Result<(), SignatureError> {
    if keys.is_empty() {
        return Err(SignatureError::NoKeys);
    }
    let tag = decode_signature(signature.ok_or(SignatureError::Missing)?)?;
    let matched = keys.iter().any(|key| {
        let mut mac = key.mac();
        mac.update(body);
        mac.verify_slice(&tag).is_ok()
    });
    if matched {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// Checks the shape of a header value and decodes it into the 32 bytes of an HMAC-SHA256 tag.
fn decode_signature(signature: &str) -> Result<[u8; TAG_LEN], SignatureError> {
    let signature = signature.trim();
    if signature.is_empty() {
        return Err(SignatureError::Empty);
    }
    if !signature.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return Err(SignatureError::NotHex);
    }
    if signature.len() != SIGNATURE_HEX_LEN {
        // All bytes are ASCII hex digits here, so bytes and characters count alike.
        return Err(SignatureError::WrongLength {
            actual: signature.len(),
        });
    }
    let mut tag = [0u8; TAG_LEN];
    for (byte, pair) in tag.iter_mut().zip(signature.as_bytes().chunks_exact(2)) {
        let high = pair.first().copied().and_then(hex_value);
        let low = pair.get(1).copied().and_then(hex_value);
        let (Some(high), Some(low)) = (high, low) else {
            return Err(SignatureError::NotHex);
        };
        *byte = (high << 4) | low;
    }
    Ok(tag)
}

/// The value of one hex digit, either case.
fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

/// Lowercase hex of `bytes`.
pub(super) fn hex_encode(bytes: &[u8]) -> String {
    // `nibble` is at most 15 (a byte shifted right by four, or masked with 0x0f).
    let digit = |nibble: u8| {
        char::from(match nibble {
            0..=9 => b'0' + nibble,
            _ => b'a' + (nibble - 10),
        })
    };
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(digit(byte >> 4));
        out.push(digit(byte & 0x0f));
    }
    out
}

/// [`verify`] for a header value as `http` holds it: a value that is not visible ASCII cannot be
/// hex, so it is [`SignatureError::NotHex`] (after the [`SignatureError::NoKeys`] check, to keep
/// the order [`verify`] documents).
pub(super) fn verify_header(
    body: &[u8],
    header: Option<&http::HeaderValue>,
    keys: &[WebhookKey],
) -> Result<(), SignatureError> {
    if keys.is_empty() {
        return Err(SignatureError::NoKeys);
    }
    match header {
        None => verify(body, None, keys),
        Some(value) => match value.to_str() {
            Ok(text) => verify(body, Some(text), keys),
            Err(_) => Err(SignatureError::NotHex),
        },
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn hex_round_trip() {
        let bytes: Vec<u8> = (0..=255).collect();
        let encoded = hex_encode(&bytes);
        assert_eq!(encoded.len(), 512);
        assert!(encoded.starts_with("000102"));
        assert!(encoded.ends_with("fdfeff"));
        let decoded: Vec<u8> = encoded
            .as_bytes()
            .chunks(2)
            .map(|pair| (hex_value(pair[0]).unwrap() << 4) | hex_value(pair[1]).unwrap())
            .collect();
        assert_eq!(decoded, bytes);
        for digit in [b'g', b'G', b' ', b'x', 0xff] {
            assert_eq!(hex_value(digit), None);
        }
    }

    #[test]
    fn r8_block_sized_key_equals_hmac_key_handling() {
        // The hand-made block key gives the same MAC as the crate's own key handling, for keys
        // shorter than, as long as and longer than the SHA-256 block.
        for len in 1..=200usize {
            let key: Vec<u8> = (0..len).map(|i| u8::try_from(i % 251).unwrap()).collect();
            let ours = {
                let mut mac = WebhookKey::new(key.clone()).unwrap().mac();
                mac.update(b"body");
                mac.finalize().into_bytes()
            };
            let theirs = {
                let mut mac = <HmacSha256 as KeyInit>::new_from_slice(&key).unwrap();
                mac.update(b"body");
                mac.finalize().into_bytes()
            };
            assert_eq!(ours, theirs, "key length {len}");
        }
    }

    #[test]
    fn r8_rfc4231_case_2() {
        // RFC 4231 §4.3: key "Jefe", data "what do ya want for nothing?".
        let key = WebhookKey::new("Jefe").unwrap();
        assert_eq!(
            sign(&key, b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
