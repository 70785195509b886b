//! Any bytes, any status: parsing a token response returns a value or a typed error, never
//! panics; for a success, plain serde into `TokenResponse` agrees with the parse function (R7),
//! and a decode error that lost one required field keeps the other (R4).
#![no_main]

use idenfy_proto::{Config, Credentials, Endpoint, Error, TokenRequest, TokenResponse, http};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (u16, &[u8])| {
    let (status, body) = input;
    let Ok(status) = http::StatusCode::from_u16(100 + status % 500) else {
        return;
    };
    let Ok(request) = TokenRequest::builder("fuzz").build() else {
        return;
    };
    let mut response = http::Response::new(body);
    *response.status_mut() = status;
    let parsed = request.parse(response);
    if let Ok(token) = &parsed {
        // Whatever parsed must be usable without panicking.
        if let Ok(credentials) = Credentials::new("k", "s") {
            let _ = Config::new(credentials).redirect_url(&token.auth_token);
        }
        let _ = format!("{token:?}");
        for path in token.fallbacks() {
            assert!(token.extra.contains_key(&path), "fallback {path} not kept");
        }
    }
    if status.is_success() {
        let plain = serde_json::from_slice::<TokenResponse>(body);
        match (&parsed, &plain) {
            (Ok(token), Ok(plain)) => {
                assert_eq!(
                    serde_json::to_value(token).ok(),
                    serde_json::to_value(plain).ok()
                );
            }
            (Err(Error::Decode(_)), Err(_)) => {}
            _ => panic!(
                "parse and serde disagree: {:?} / {:?}",
                parsed.is_ok(),
                plain.is_ok()
            ),
        }
        if let Err(Error::Decode(err)) = &parsed
            && err.path() == Some("authToken")
        {
            let _ = err.scan_ref();
        }
    }
});
