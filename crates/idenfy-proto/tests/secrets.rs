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

/// Issue 12: an `authToken` supplied as input is refused when it would start nothing, with an
/// error naming the field and the rule; one received from iDenfy is never refused over it.
#[test]
fn an_input_auth_token_must_be_a_token() {
    use idenfy_proto::{Endpoint, Error, Rule, TokenRequest};

    let token = AuthToken::parse("k8ZHmYqeH0pOLlK9MEbvX1Ac3q").unwrap();
    assert_eq!(token.expose_secret(), "k8ZHmYqeH0pOLlK9MEbvX1Ac3q");
    // Any other character is kept (and percent-encoded in a URL).
    assert_eq!(
        AuthToken::parse("abc+DEF 1").unwrap().expose_secret(),
        "abc+DEF 1"
    );
    for (value, rule) in [
        ("", Rule::Required),
        ("abc\n", Rule::ForbiddenCharacter { character: '\n' }),
        (
            "a\u{1b}b",
            Rule::ForbiddenCharacter {
                character: '\u{1b}',
            },
        ),
    ] {
        let err = AuthToken::parse(value).unwrap_err();
        assert_eq!(err.field(), "authToken", "{value:?}");
        assert_eq!(err.rule(), &rule, "{value:?}");
    }

    // Received: a token answer with an empty `authToken` is a decode error naming it, and it
    // still carries the `scanRef` (R4), so nothing received is lost.
    let request = TokenRequest::builder("c-1").build().unwrap();
    let response = idenfy_proto::http::Response::builder()
        .status(201)
        .body(&br#"{"authToken":"","scanRef":"ref-9"}"#[..])
        .unwrap();
    let Err(Error::Decode(err)) = request.parse(response) else {
        panic!("a decode error");
    };
    assert_eq!(err.path(), Some("authToken"));
    assert_eq!(err.scan_ref().map(|s| s.as_str()), Some("ref-9"));
    // A webhook's empty `authToken` is read as absent; the event is kept (R7).
    let event = idenfy_proto::webhook::parse_unverified(
        br#"{"scanRef":"ref-9","authToken":"","videoCallAnswers":{},"status":true}"#,
        Some("VIDEO_CALL_FINISHED"),
    )
    .unwrap();
    assert_eq!(event.scan_ref(), Some("ref-9"));
}

/// Issue 12: the `Authorization` value is `Basic base64(key:secret)`, built in wiped buffers;
/// `Debug` of the credentials, the configuration and the request shows neither.
#[test]
fn the_basic_value_is_exact_and_never_shown() {
    use idenfy_proto::{Config, Credentials, Endpoint, StatusRequest};

    for (key, secret) in [
        ("key", "s3cr3t-Zq41"),
        ("k", "Zq9"),
        ("ключ", "пароль:с:двоеточием"),
        ("key-42", "x".repeat(300).as_str()),
    ] {
        let credentials = Credentials::new(key, secret).unwrap();
        let config = Config::new(credentials.clone());
        let request = StatusRequest::new("ref-1")
            .unwrap()
            .to_request(&config)
            .unwrap();
        let header = request.headers()["authorization"].clone();
        let expected = base64_of(&format!("{key}:{secret}"));
        assert_eq!(header.as_bytes(), format!("Basic {expected}").as_bytes());
        assert!(header.is_sensitive());
        for shown in [
            format!("{credentials:?}"),
            format!("{config:?}"),
            format!("{request:?}"),
        ] {
            assert!(!shown.contains(secret), "{shown}");
            assert!(!shown.contains(&expected), "{shown}");
        }
    }
}

/// Standard base64 with padding, written out here so that the test does not share the
/// library's encoder.
fn base64_of(text: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in text.as_bytes().chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}
