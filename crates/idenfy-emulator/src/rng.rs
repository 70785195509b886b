//! A small thread-safe random generator for identifiers: SplitMix64 over an atomic counter,
//! seeded from the standard library's per-process random hash keys and the time.
//!
//! The values it makes (`authToken`s, `scanRef`s, generated credentials of a loopback test
//! server) need to be unpredictable enough not to collide, not to resist an attacker; no
//! dependency is worth adding for that.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

const GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;

const ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// SplitMix64: every call advances one shared atomic state, so threads never get the same value.
#[derive(Debug)]
pub(crate) struct Rng {
    state: AtomicU64,
}

impl Rng {
    /// A generator seeded from `RandomState` (random per process) and the clock.
    pub(crate) fn new() -> Self {
        let mut hasher = RandomState::new().build_hasher();
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|elapsed| elapsed.as_nanos())
            .unwrap_or_default();
        hasher.write_u128(nanos);
        hasher.write_u32(std::process::id());
        Self {
            state: AtomicU64::new(hasher.finish()),
        }
    }

    /// The next 64 random bits.
    pub(crate) fn next_u64(&self) -> u64 {
        let mut z = self
            .state
            .fetch_add(GAMMA, Ordering::Relaxed)
            .wrapping_add(GAMMA);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (`bound` > 0), without modulo bias worth mentioning for the small
    /// bounds used here.
    fn below(&self, bound: u64) -> u64 {
        // Multiply-shift: the high 64 bits of a 128-bit product.
        let wide = u128::from(self.next_u64()) * u128::from(bound);
        u64::try_from(wide >> 64).unwrap_or_default()
    }

    /// `len` ASCII letters and digits.
    pub(crate) fn alphanumeric(&self, len: usize) -> String {
        (0..len)
            .map(|_| {
                let index = usize::try_from(self.below(ALPHANUMERIC.len() as u64)).unwrap_or(0);
                char::from(ALPHANUMERIC.get(index).copied().unwrap_or(b'A'))
            })
            .collect()
    }

    /// `len` decimal digits.
    pub(crate) fn digits(&self, len: usize) -> String {
        (0..len)
            .map(|_| char::from(b'0' + u8::try_from(self.below(10)).unwrap_or(0)))
            .collect()
    }

    /// A random (version 4) UUID in its 36-character lower-case form.
    pub(crate) fn uuid_v4(&self) -> String {
        // The first eight bytes of the UUID, big-endian, then the last eight.
        let high = self.next_u64();
        let low = self.next_u64();
        // Version 4 in the high nibble of byte 6; variant 0b10 in the top bits of byte 8.
        let high = (high & !0xf000) | 0x4000;
        let low = (low & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
        format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            high >> 32,
            (high >> 16) & 0xffff,
            high & 0xffff,
            low >> 48,
            low & 0xffff_ffff_ffff
        )
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn shapes() {
        let rng = Rng::new();
        let token = rng.alphanumeric(26);
        assert_eq!(token.len(), 26);
        assert!(token.bytes().all(|b| b.is_ascii_alphanumeric()));
        let digits = rng.digits(8);
        assert_eq!(digits.len(), 8);
        assert!(digits.bytes().all(|b| b.is_ascii_digit()));
        let uuid = rng.uuid_v4();
        assert_eq!(uuid.len(), 36);
        assert_eq!(uuid.get(14..15), Some("4"));
        assert!(matches!(uuid.get(19..20), Some("8" | "9" | "a" | "b")));
        assert_eq!(uuid.matches('-').count(), 4);
        assert_ne!(rng.uuid_v4(), uuid);
    }
}
