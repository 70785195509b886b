//! The test oracles that several test files share, included by each with `mod support;` (each
//! uses its own subset, hence the `dead_code` allowance). They are written independently of
//! `idenfy-proto` (our own list of country codes, our own base64 decoder, our own calendar), so
//! that a test compares the crate against a second opinion rather than against itself; their
//! own known answers are checked in `own_oracles.rs`.
#![allow(dead_code)]

pub(crate) mod redaction;

/// Every `Idenfy-Event-Type` of an identification result (reference §5.2), written out here as
/// a second opinion on `EventType::is_identification` (checked in `webhook_events.rs`).
pub(crate) const IDENTIFICATION_EVENTS: [&str; 6] = [
    "IDENTIFICATION",
    "IDENTIFICATION_AUTO_FINISHED",
    "IDENTIFICATION_MANUAL_FINISHED",
    "IDENTIFICATION_RESUBMITTED",
    "IDENTIFICATION_CANCELLED",
    "IDENTIFICATION_EXPIRED",
];

/// Where the shared oracle files are: `shared/oracles` beside the repository (relative to
/// `idenfy-proto`'s manifest, two levels below the repository's root).
pub(crate) const ORACLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/oracles");

/// The shared oracle directory, or `None` (with a note on stderr) when this checkout has none
/// beside it. In CI (`CI` set) a missing directory fails the test instead: the oracle checks may
/// not be skipped there.
pub(crate) fn oracles_dir() -> Option<std::path::PathBuf> {
    let dir = std::path::PathBuf::from(ORACLES);
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "the shared oracles are missing; CI must check them"
    );
    #[allow(clippy::print_stderr, reason = "the note that a check was skipped")]
    {
        eprintln!("note: {ORACLES} does not exist; oracle checks skipped");
    }
    None
}

/// The 249 officially assigned ISO 3166-1 alpha-2 codes, sorted (R2 `country`,
/// R3 `nationality`). User-assigned (`XK`), reserved (`UK`, `EU`) and withdrawn codes are absent.
pub(crate) const ISO_3166_ALPHA2: [&str; 249] = [
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
];

/// Whether `code` (upper case) is in [`ISO_3166_ALPHA2`].
pub(crate) fn is_assigned_country(code: &str) -> bool {
    ISO_3166_ALPHA2.contains(&code)
}

/// The characters iDenfy refuses in `firstName`/`lastName` besides digits (R2), as the spec
/// writes them: ``~!@#$%^*()_+={}[]\|:;",<>/?``.
pub(crate) const NAME_FORBIDDEN: &str = "~!@#$%^*()_+={}[]\\|:;\",<>/?";

/// Characters a name may contain: letters of several scripts (most of them several bytes long in
/// UTF-8), an emoji, and the punctuation iDenfy does not forbid.
pub(crate) const NAME_ALLOWED: &[char] = &[
    'a', 'Z', 'k', 'Ž', 'ž', 'ą', 'Ą', 'ė', 'ū', 'ł', 'ß', 'é', 'ñ', 'Ø', 'Д', 'ж', 'Ω', '李',
    '王', 'ท', 'ע', 'ش', '😀', '🦀', ' ', '\'', '-', '.', '&', '`',
];

/// Multi-byte characters (2, 3 and 4 bytes in UTF-8) for length tests counted in `chars()`.
pub(crate) const MULTIBYTE: &[char] = &['Ž', 'ą', 'é', 'Д', '李', '€', 'ท', '😀', '🦀', '𝄞'];

/// The number of days of `month` (1 to 12) in `year` of the proleptic Gregorian calendar; 0 for a
/// month that does not exist.
pub(crate) fn days_in_month(year: u16, month: u8) -> u8 {
    let leap = (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => 0,
    }
}

/// Decodes standard base64 with padding (RFC 4648 §4); `None` for anything malformed.
pub(crate) fn base64_decode(text: &str) -> Option<Vec<u8>> {
    fn sextet(byte: u8) -> Option<u32> {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        Some(u32::from(value))
    }

    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    for (index, chunk) in bytes.chunks_exact(4).enumerate() {
        let last = index + 1 == bytes.len() / 4;
        let padding = chunk.iter().rev().take_while(|b| **b == b'=').count();
        if padding > 2 || (padding > 0 && !last) {
            return None;
        }
        let mut word = 0u32;
        for byte in chunk.iter().take(4 - padding) {
            word = (word << 6) | sextet(*byte)?;
        }
        word <<= 6 * padding;
        let decoded = word.to_be_bytes();
        out.extend(decoded.iter().skip(1).take(3 - padding));
    }
    Some(out)
}

/// Whether `haystack` contains `needle`, ignoring ASCII case (for checks that a secret does not
/// leak in any spelling).
pub(crate) fn contains_ignore_ascii_case(haystack: &str, needle: &str) -> bool {
    haystack
        .to_ascii_lowercase()
        .contains(&needle.to_ascii_lowercase())
}
