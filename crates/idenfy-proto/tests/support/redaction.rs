//! The secrets and personal values of the redaction tests (R6, R10), and the checks that a text
//! shows none of them: shared by `redaction.rs` (the protocol's types) and the workspace's
//! `tests/tests/client_redaction.rs` (the client's).
// Test code: a failed check panics, and slicing a known constant cannot fail.
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)]

use idenfy_proto::http::header::AUTHORIZATION;
use idenfy_proto::{Config, Credentials, Endpoint, Sex, TokenRequest};

use super::{base64_decode, contains_ignore_ascii_case};

/// The partner's API key; it may be shown.
pub(crate) const API_KEY: &str = "partner-key-7781";
/// The API secret; never shown.
pub(crate) const API_SECRET: &str = "Sup3r-S3cret-Valu3!";
/// The `authToken` of the token answers; never shown.
pub(crate) const AUTH_TOKEN: &str = "Zx81mQp4Ty7RbN2cWv6LdK0sHf3JgA9eUo5iPl1E";
/// The `clientId`; it may be shown.
pub(crate) const CLIENT_ID: &str = "crm-88412";

// Personal values set on the request; none may be printed.
/// `firstName` of [`personal_request`].
pub(crate) const FIRST_NAME: &str = "Birutė";
/// `lastName` of [`personal_request`].
pub(crate) const LAST_NAME: &str = "Basanavičienė";
/// `dateOfBirth` of [`personal_request`].
pub(crate) const DATE_OF_BIRTH: &str = "1979-03-14";
/// `dateOfExpiry` of [`personal_request`].
pub(crate) const DATE_OF_EXPIRY: &str = "2032-08-09";
/// `dateOfIssue` of [`personal_request`].
pub(crate) const DATE_OF_ISSUE: &str = "2022-08-09";
/// `personalNumber` of [`personal_request`].
pub(crate) const PERSONAL_NUMBER: &str = "47903140077";
/// `documentNumber` of [`personal_request`].
pub(crate) const DOCUMENT_NUMBER: &str = "PA8842117";
/// `address` of [`personal_request`].
pub(crate) const ADDRESS: &str = "Laisvės al. 53, Kaunas";

/// A config with [`API_KEY`] and [`API_SECRET`].
pub(crate) fn config() -> Config {
    Config::new(Credentials::new(API_KEY, API_SECRET).unwrap())
}

/// The base64 `key:secret` exactly as the `Authorization` header carries it.
pub(crate) fn basic_credentials() -> String {
    let request = TokenRequest::builder(CLIENT_ID)
        .build()
        .unwrap()
        .to_request(&config())
        .unwrap();
    let header = request.headers()[AUTHORIZATION].to_str().unwrap();
    let encoded = header.strip_prefix("Basic ").unwrap().to_owned();
    assert_eq!(
        base64_decode(&encoded).unwrap(),
        format!("{API_KEY}:{API_SECRET}").as_bytes()
    );
    encoded
}

/// Fails if `text` contains a secret: the API secret, the base64 credentials or the token.
pub(crate) fn assert_no_secret(what: &str, text: &str) {
    for secret in [API_SECRET, &basic_credentials(), AUTH_TOKEN] {
        assert!(
            !contains_ignore_ascii_case(text, secret),
            "{what} shows {secret:?}: {text}"
        );
    }
    // Nor the beginning of the token, which would identify it.
    assert!(!text.contains(&AUTH_TOKEN[..12]), "{what}: {text}");
}

/// Fails if `text` contains one of the personal values of [`personal_request`].
pub(crate) fn assert_no_personal(what: &str, text: &str) {
    for value in [
        FIRST_NAME,
        LAST_NAME,
        DATE_OF_BIRTH,
        DATE_OF_EXPIRY,
        DATE_OF_ISSUE,
        PERSONAL_NUMBER,
        DOCUMENT_NUMBER,
        ADDRESS,
        // Short values are looked for as quoted strings.
        "\"NZ\"",
    ] {
        assert!(!text.contains(value), "{what} shows {value:?}: {text}");
    }
    // Upper-cased echoes of the names, as iDenfy returns them.
    for value in [FIRST_NAME, LAST_NAME] {
        assert!(
            !text.contains(&value.to_uppercase()),
            "{what} shows {value:?}: {text}"
        );
    }
}

/// A token request with every personal value above set.
pub(crate) fn personal_request() -> TokenRequest {
    TokenRequest::builder(CLIENT_ID)
        .first_name(FIRST_NAME)
        .last_name(LAST_NAME)
        .date_of_birth(DATE_OF_BIRTH)
        .date_of_expiry(DATE_OF_EXPIRY)
        .date_of_issue(DATE_OF_ISSUE)
        .personal_number(PERSONAL_NUMBER)
        .document_number(DOCUMENT_NUMBER)
        .address(ADDRESS)
        .nationality("nz")
        .sex(Sex::Female)
        .country("LT")
        .build()
        .unwrap()
}
