//! Random identifiers and credentials from the operating system's random source (`getrandom`).
//!
//! The values made here are secrets or stand for them: generated API secrets and webhook signing
//! keys, `authToken`s (whoever holds one can start its verification), `scanRef`s. They come from
//! the OS's cryptographically secure generator, never from a home-made one (issue 12, R10).
//! Every draw can fail (the OS refused): the caller decides what that means (the emulator does
//! not start; a token request is answered `500`).

/// Every alphanumeric character, 62 of them.
const ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// The OS random source, behind the emulator's own small interface.
#[derive(Debug, Default)]
pub(crate) struct Rng;

impl Rng {
    /// The generator. It holds no state: every draw asks the OS.
    pub(crate) fn new() -> Self {
        Self
    }

    /// `len` characters drawn uniformly from `alphabet` (at most 256 characters), by rejection
    /// sampling of random bytes so that no character is more likely than another.
    fn from_alphabet(alphabet: &[u8], len: usize) -> Result<String, getrandom::Error> {
        let size = alphabet.len().clamp(1, 256);
        // The largest multiple of `size` that fits in a byte's 256 values; bytes at or above it
        // are drawn again.
        let limit = 256 - 256 % size;
        let mut out = String::with_capacity(len);
        let mut buffer = [0u8; 64];
        while out.len() < len {
            getrandom::fill(&mut buffer)?;
            for byte in buffer {
                let byte = usize::from(byte);
                if byte < limit && out.len() < len {
                    let index = byte % size;
                    out.push(char::from(alphabet.get(index).copied().unwrap_or(b'A')));
                }
            }
        }
        Ok(out)
    }

    /// `len` ASCII letters and digits.
    pub(crate) fn alphanumeric(&self, len: usize) -> Result<String, getrandom::Error> {
        Self::from_alphabet(ALPHANUMERIC, len)
    }

    /// `len` decimal digits.
    pub(crate) fn digits(&self, len: usize) -> Result<String, getrandom::Error> {
        Self::from_alphabet(b"0123456789", len)
    }

    /// A random (version 4) UUID in its 36-character lower-case form.
    pub(crate) fn uuid_v4(&self) -> Result<String, getrandom::Error> {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes)?;
        let value = u128::from_be_bytes(bytes);
        // Version 4 in the high nibble of byte 6; variant 0b10 in the top bits of byte 8.
        let value = (value & !(0xf << 76)) | (0x4 << 76);
        let value = (value & !(0b11 << 62)) | (0b10 << 62);
        let hex = format!("{value:032x}");
        let part = |range: std::ops::Range<usize>| hex.get(range).unwrap_or_default().to_owned();
        Ok(format!(
            "{}-{}-{}-{}-{}",
            part(0..8),
            part(8..12),
            part(12..16),
            part(16..20),
            part(20..32)
        ))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn shapes() {
        let rng = Rng::new();
        let token = rng.alphanumeric(26).unwrap();
        assert_eq!(token.len(), 26);
        assert!(token.bytes().all(|b| b.is_ascii_alphanumeric()));
        let digits = rng.digits(8).unwrap();
        assert_eq!(digits.len(), 8);
        assert!(digits.bytes().all(|b| b.is_ascii_digit()));
        let uuid = rng.uuid_v4().unwrap();
        assert_eq!(uuid.len(), 36);
        assert_eq!(uuid.get(14..15), Some("4"));
        assert!(matches!(uuid.get(19..20), Some("8" | "9" | "a" | "b")));
        assert_eq!(uuid.matches('-').count(), 4);
        assert_ne!(rng.uuid_v4().unwrap(), uuid);
        assert_ne!(rng.alphanumeric(32).unwrap(), rng.alphanumeric(32).unwrap());
        assert_eq!(rng.alphanumeric(0).unwrap(), "");
    }

    /// Every character of the alphabet turns up, none outside it (a broken mapping would skew
    /// or cut the alphabet).
    #[test]
    fn covers_the_whole_alphabet() {
        let drawn = Rng::new().alphanumeric(4000).unwrap();
        for &c in ALPHANUMERIC {
            assert!(
                drawn.as_bytes().contains(&c),
                "{} never drawn",
                char::from(c)
            );
        }
    }
}
