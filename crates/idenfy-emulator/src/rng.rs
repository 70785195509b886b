//! Random identifiers and credentials from the operating system's random source (`getrandom`).
//!
//! The values made here are secrets or stand for them: generated API secrets and webhook signing
//! keys, `authToken`s (whoever holds one can start its verification), `scanRef`s. They come from
//! the OS's cryptographically secure generator, never from a home-made one (issue 12, R10).
//! Every draw can fail (the OS refused): the caller decides what that means (the emulator does
//! not start; a token request is answered `500`).

/// Every alphanumeric character, 62 of them.
const ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// The decimal digits.
const DIGITS: &[u8] = b"0123456789";

/// How many random bytes one request to the OS fetches: enough for a token's three identifiers
/// (16 bytes of UUID, about 27 for 26 alphanumeric characters and 8 for 8 digits, rejected
/// bytes included) in one system call.
const DRAW_BYTES: usize = 128;

/// The OS random source, behind the emulator's own small interface.
#[derive(Debug, Default)]
pub(crate) struct Rng;

/// The identifiers of a new token (a verification's or a face authentication's). Not `Debug`:
/// it holds a secret.
pub(crate) struct TokenIds {
    /// A random UUID: the `scanRef`, or the face authentication's id.
    pub(crate) id: String,
    /// The 26-character `authToken`.
    pub(crate) auth_token: String,
    /// The 8-digit `digitString`, when the request asked for one.
    pub(crate) digit_string: Option<String>,
}

impl Rng {
    /// The generator. It holds no state: every draw asks the OS.
    pub(crate) fn new() -> Self {
        Self
    }

    /// A token's identifiers, from one request to the OS (a token request is the emulator's
    /// busiest path): a UUID, a 26-character `authToken` and, when `digit_string`, 8 digits.
    pub(crate) fn token_ids(&self, digit_string: bool) -> Result<TokenIds, getrandom::Error> {
        let mut draw = Draw::new()?;
        Ok(TokenIds {
            id: draw.uuid_v4()?,
            auth_token: draw.chars_of(ALPHANUMERIC, 26)?,
            digit_string: if digit_string {
                Some(draw.chars_of(DIGITS, 8)?)
            } else {
                None
            },
        })
    }

    /// `len` ASCII letters and digits.
    pub(crate) fn alphanumeric(&self, len: usize) -> Result<String, getrandom::Error> {
        Draw::new()?.chars_of(ALPHANUMERIC, len)
    }

    /// A random (version 4) UUID in its 36-character lower-case form.
    pub(crate) fn uuid_v4(&self) -> Result<String, getrandom::Error> {
        Draw::new()?.uuid_v4()
    }
}

/// Random bytes fetched from the OS [`DRAW_BYTES`] at a time, handed out once each.
struct Draw {
    buffer: [u8; DRAW_BYTES],
    next: usize,
}

impl Draw {
    fn new() -> Result<Self, getrandom::Error> {
        let mut buffer = [0u8; DRAW_BYTES];
        getrandom::fill(&mut buffer)?;
        Ok(Self { buffer, next: 0 })
    }

    /// The next unused random byte, fetching more from the OS when every one was used.
    fn byte(&mut self) -> Result<u8, getrandom::Error> {
        if self.next >= DRAW_BYTES {
            getrandom::fill(&mut self.buffer)?;
            self.next = 0;
        }
        let byte = self.buffer.get(self.next).copied().unwrap_or_default();
        self.next += 1;
        Ok(byte)
    }

    /// `len` characters drawn uniformly from `alphabet` (at most 256 characters), by rejection
    /// sampling of random bytes so that no character is more likely than another.
    fn chars_of(&mut self, alphabet: &[u8], len: usize) -> Result<String, getrandom::Error> {
        let size = alphabet.len().clamp(1, 256);
        // The largest multiple of `size` that fits in a byte's 256 values; bytes at or above it
        // are drawn again.
        let limit = 256 - 256 % size;
        let mut out = String::with_capacity(len);
        while out.len() < len {
            let byte = usize::from(self.byte()?);
            if byte < limit {
                out.push(char::from(
                    alphabet.get(byte % size).copied().unwrap_or(b'A'),
                ));
            }
        }
        Ok(out)
    }

    /// A random (version 4) UUID in its 36-character lower-case form.
    fn uuid_v4(&mut self) -> Result<String, getrandom::Error> {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut bytes = [0u8; 16];
        for byte in &mut bytes {
            *byte = self.byte()?;
        }
        // Version 4 in the high nibble of byte 6; variant 0b10 in the top bits of byte 8.
        if let Some(byte) = bytes.get_mut(6) {
            *byte = (*byte & 0x0f) | 0x40;
        }
        if let Some(byte) = bytes.get_mut(8) {
            *byte = (*byte & 0x3f) | 0x80;
        }
        let hex = |nibble: u8| char::from(HEX.get(usize::from(nibble)).copied().unwrap_or(b'0'));
        let mut out = String::with_capacity(36);
        for (index, byte) in bytes.iter().enumerate() {
            if matches!(index, 4 | 6 | 8 | 10) {
                out.push('-');
            }
            out.push(hex(byte >> 4));
            out.push(hex(byte & 0x0f));
        }
        Ok(out)
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
        let ids = rng.token_ids(true).unwrap();
        let digits = ids.digit_string.unwrap();
        assert_eq!(digits.len(), 8);
        assert!(digits.bytes().all(|b| b.is_ascii_digit()));
        assert_eq!(ids.auth_token.len(), 26);
        assert!(ids.auth_token.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_eq!(ids.id.len(), 36);
        assert_eq!(ids.id.get(14..15), Some("4"));
        assert!(matches!(ids.id.get(19..20), Some("8" | "9" | "a" | "b")));
        assert!(rng.token_ids(false).unwrap().digit_string.is_none());
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

    /// Every digit turns up in the `digitString`s drawn alongside tokens' other identifiers.
    #[test]
    fn digit_strings_cover_every_digit() {
        let rng = Rng::new();
        let mut drawn = String::new();
        for _ in 0..200 {
            drawn.push_str(&rng.token_ids(true).unwrap().digit_string.unwrap());
        }
        for &c in DIGITS {
            assert!(
                drawn.as_bytes().contains(&c),
                "{} never drawn",
                char::from(c)
            );
        }
    }
}
