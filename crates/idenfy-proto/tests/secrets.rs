//! Secret types are wiped on drop and compared in constant time (R10, issue 12).
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use idenfy_proto::server::constant_time_eq;
use idenfy_proto::webhook::WebhookKey;
use idenfy_proto::{ApiSecret, AuthToken};
use zeroize::ZeroizeOnDrop;

/// Compiles only if `T` promises to wipe itself on drop.
fn wiped_on_drop<T: ZeroizeOnDrop>() {}

#[test]
fn secret_types_are_zeroize_on_drop() {
    wiped_on_drop::<ApiSecret>();
    wiped_on_drop::<AuthToken>();
    wiped_on_drop::<WebhookKey>();
}

#[test]
fn api_secret_equality_is_by_value() {
    assert_eq!(ApiSecret::new("s3cr3t"), ApiSecret::new("s3cr3t"));
    assert_ne!(ApiSecret::new("s3cr3t"), ApiSecret::new("s3cr3T"));
    assert_ne!(ApiSecret::new("s3cr3t"), ApiSecret::new("s3cr3"));
    assert_ne!(ApiSecret::new("s3cr3t"), ApiSecret::new(""));
    assert_eq!(AuthToken::new("token"), AuthToken::new("token"));
    assert_ne!(AuthToken::new("token"), AuthToken::new("token2"));
}

/// The comparison has no early exit on length: a guess that is a prefix, an extension, or of
/// any other length is refused like one of the right length, on both sides of SHA-256's block
/// boundaries (55/56 and 64 bytes), and an empty side is never equal to a non-empty one. (Its
/// timing is structural: both sides are hashed and 32-byte digests compared with `subtle`.)
#[test]
fn constant_time_eq_refuses_every_other_length() {
    let secret: Vec<u8> = (0..130u8).map(|i| b'a' + i % 26).collect();
    for len in [0, 1, 31, 32, 55, 56, 63, 64, 65, 119, 120, 128, 130] {
        let expected = &secret[..len];
        assert!(constant_time_eq(expected, expected), "{len}");
        for other in 0..=secret.len() {
            if other != len {
                assert!(
                    !constant_time_eq(expected, &secret[..other]),
                    "{len} vs {other}"
                );
                assert!(
                    !constant_time_eq(&secret[..other], expected),
                    "{other} vs {len}"
                );
            }
        }
        if len > 0 {
            // Same length, one byte different, first and last.
            let mut first = expected.to_vec();
            first[0] ^= 1;
            assert!(!constant_time_eq(expected, &first));
            let mut last = expected.to_vec();
            last[len - 1] ^= 0x80;
            assert!(!constant_time_eq(expected, &last));
        }
    }
    // A key followed by zero bytes (what naive padding to a fixed length would make equal).
    assert!(!constant_time_eq(b"key", b"key\0"));
    assert!(!constant_time_eq(b"key\0\0", b"key"));
}
