//! Any bytes, any status: parsing a token response returns a value or a typed error, never panics.
#![no_main]

use idenfy_proto::{Config, Credentials, Endpoint, TokenRequest, http};
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
    if let Ok(token) = request.parse(response) {
        // Whatever parsed must be usable without panicking.
        if let Ok(credentials) = Credentials::new("k", "s") {
            let _ = Config::new(credentials).redirect_url(&token.auth_token);
        }
        let _ = format!("{token:?}");
    }
});
