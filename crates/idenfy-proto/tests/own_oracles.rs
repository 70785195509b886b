#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The test oracles of `support/` (our own country list, base64 decoder and calendar) against
//! known answers: a second opinion is only worth something if it is right.

mod support;

use support::{ISO_3166_ALPHA2, base64_decode, days_in_month};

#[test]
fn oracle_country_list_is_sorted_and_unique() {
    assert!(ISO_3166_ALPHA2.windows(2).all(|pair| pair[0] < pair[1]));
}

#[test]
fn oracle_base64_known_answers() {
    // RFC 4648 §10 test vectors.
    for (encoded, decoded) in [
        ("", ""),
        ("Zg==", "f"),
        ("Zm8=", "fo"),
        ("Zm9v", "foo"),
        ("Zm9vYg==", "foob"),
        ("Zm9vYmE=", "fooba"),
        ("Zm9vYmFy", "foobar"),
    ] {
        assert_eq!(base64_decode(encoded).unwrap(), decoded.as_bytes());
    }
    for bad in ["Zg=", "Z===", "Zg==Zg==", "Zm9v!A==", "Zm9"] {
        assert_eq!(base64_decode(bad), None, "{bad}");
    }
}

#[test]
fn oracle_calendar() {
    assert_eq!(days_in_month(2024, 2), 29);
    assert_eq!(days_in_month(1900, 2), 28);
    assert_eq!(days_in_month(2000, 2), 29);
    assert_eq!(days_in_month(2023, 4), 30);
    assert_eq!(days_in_month(2023, 12), 31);
    assert_eq!(days_in_month(2023, 13), 0);
}
