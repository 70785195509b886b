//! What the fuzz targets share: feeding a response to an endpoint's parser and checking that
//! plain serde into the public output type agrees with it (R7).

use std::fmt::Debug;

use idenfy_proto::{Endpoint, Error, http};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Parses `body` with the status `100 + status % 500` through `request`, never panicking; for a
/// success status, `serde_json::from_slice` into the output type must give the same value (or
/// fail as well). Every fallback `fallbacks` names must be kept. Returns what the parser gave.
pub fn parse_and_compare<E>(
    request: &E,
    status: u16,
    body: &[u8],
    fallbacks: impl Fn(&E::Output) -> Vec<String>,
) -> Option<Result<E::Output, Error>>
where
    E: Endpoint,
    E::Output: Debug + Serialize + DeserializeOwned,
{
    let status = http::StatusCode::from_u16(100 + status % 500).ok()?;
    let mut response = http::Response::new(body);
    *response.status_mut() = status;
    let parsed = request.parse(response);
    if let Ok(value) = &parsed {
        // Whatever parsed must be usable without panicking.
        let _ = format!("{value:?}");
        let written = serde_json::to_value(value).ok();
        for path in fallbacks(value) {
            assert!(!path.is_empty(), "an unnamed fallback");
            assert!(
                written.is_some(),
                "a value with fallbacks could not be written back"
            );
        }
    }
    if status.is_success() {
        let plain = serde_json::from_slice::<E::Output>(body);
        match (&parsed, &plain) {
            (Ok(value), Ok(plain)) => assert_eq!(
                serde_json::to_value(value).ok(),
                serde_json::to_value(plain).ok()
            ),
            (Err(Error::Decode(_)), Err(_)) => {}
            _ => panic!(
                "parse and serde disagree: {:?} / {:?}",
                parsed.is_ok(),
                plain.is_ok()
            ),
        }
    }
    Some(parsed)
}
