//! Any bytes, any status: parsing a token response returns a value or a typed error, never
//! panics; for a success, plain serde into `TokenResponse` agrees with the parse function (R7),
//! and what fell back is kept in `extra` (R4: the token always arrives).
#![no_main]

use idenfy_proto::{Config, Credentials, Error, TokenRequest, TokenResponse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (u16, &[u8])| {
    let (status, body) = input;
    let Ok(request) = TokenRequest::builder("fuzz").build() else {
        return;
    };
    match idenfy_fuzz::parse_and_compare(&request, status, body, TokenResponse::fallbacks) {
        Some(Ok(token)) => {
            if let Ok(credentials) = Credentials::new("k", "s") {
                let _ = Config::new(credentials).redirect_url(&token.auth_token);
            }
            for path in token.fallbacks() {
                assert!(token.extra.contains_key(&path), "fallback {path} not kept");
            }
        }
        Some(Err(Error::Decode(err))) => {
            let _ = (err.scan_ref(), err.auth_token(), err.path());
        }
        _ => {}
    }
});
