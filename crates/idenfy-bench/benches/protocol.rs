//! Benchmarks of the `idenfy-proto` protocol core: token requests, response and error parsing,
//! webhook signatures and webhook parsing, next to the baselines they are compared with.
//!
//! Run with `cargo bench -p idenfy-bench` (add a filter such as `webhook` to run a subset).
//! `divan::AllocProfiler` is the global allocator, so every benchmark reports allocation counts
//! and bytes as well as time. Read times only as ratios against the `baseline` group of the same
//! run: `baseline::webhook_value_parse` is `serde_json::from_slice::<Value>` of the webhook body and
//! `baseline::webhook_hmac_sha256` a bare HMAC-SHA256 over it. See `README.md` of this crate.
//!
//! Every input is built before the measured part (with `with_inputs` where the benchmark
//! consumes it), except where building it *is* what is measured (the token request builders).
//! `src/lib.rs` holds the inputs and tests that they take the intended (successful) path.
#![allow(
    clippy::expect_used,
    reason = "the inputs are constants checked by the crate's tests; a failure is a bug here"
)]

use std::sync::LazyLock;

use divan::{AllocProfiler, Bencher, black_box};
use idenfy_bench::{
    ERROR_BODY, IDENTIFICATION_EVENT_TYPE, IDENTIFICATION_WEBHOOK, TOKEN_RESPONSE, config,
    full_token_request, minimal_token_request, response, rotation_keys, signing_key,
};
use idenfy_proto::http::StatusCode;
use idenfy_proto::server;
use idenfy_proto::webhook::{self, WebhookKey};
use idenfy_proto::{ApiError, Config, Endpoint, TokenRequest};

#[global_allocator]
static ALLOC: AllocProfiler = AllocProfiler::system();

fn main() {
    // Initialize the shared inputs now, so that no benchmark's first sample pays (and counts
    // the allocations of) their construction.
    LazyLock::force(&CONFIG);
    LazyLock::force(&SIGNATURE);
    LazyLock::force(&ROTATION);
    LazyLock::force(&FULL_REQUEST);
    // More samples than divan's default 100 steady the medians on a busy machine; the whole run
    // still takes seconds. Command-line options (`--sample-count`, filters) still apply.
    divan::Divan::default()
        .sample_count(1000)
        .config_with_args()
        .main();
}

/// The configuration the requests are converted with.
static CONFIG: LazyLock<Config> = LazyLock::new(|| config().expect("the bench credentials"));

/// The `Idenfy-Signature` of the webhook body under the signing (last) key.
static SIGNATURE: LazyLock<String> =
    LazyLock::new(|| server::sign_webhook(&signing_key().expect("a key"), IDENTIFICATION_WEBHOOK));

/// The three keys of a rotation; only the last one matches.
static ROTATION: LazyLock<[WebhookKey; 3]> =
    LazyLock::new(|| rotation_keys().expect("the bench keys"));

/// The last key of [`ROTATION`] (the one `SIGNATURE` was made with), alone.
fn last_key() -> &'static [WebhookKey] {
    let [.., last] = &*ROTATION;
    std::slice::from_ref(last)
}

/// The full token request, built.
static FULL_REQUEST: LazyLock<TokenRequest> =
    LazyLock::new(|| full_token_request().build().expect("a valid request"));

/// Building and validating `TokenRequest`s, and turning them into `http::Request`s.
mod token_request {
    use super::*;

    /// Builder with `clientId` only, then `build()` (every check of R2/R3).
    #[divan::bench]
    fn build_minimal() -> TokenRequest {
        minimal_token_request().build().expect("a valid request")
    }

    /// Builder with every field (and one extra field), then `build()`.
    #[divan::bench]
    fn build_full() -> TokenRequest {
        full_token_request().build().expect("a valid request")
    }

    /// `Endpoint::to_request` of the minimal request: JSON body, URI and headers.
    #[divan::bench]
    fn to_request_minimal(bencher: Bencher<'_, '_>) {
        let request = minimal_token_request().build().expect("a valid request");
        bencher.bench(|| black_box(&request).to_request(&CONFIG));
    }

    /// `Endpoint::to_request` of the full request.
    #[divan::bench]
    fn to_request_full() -> Result<idenfy_proto::http::Request<Vec<u8>>, idenfy_proto::Error> {
        black_box(&*FULL_REQUEST).to_request(&CONFIG)
    }
}

/// Parsing what the token endpoint answers.
mod response {
    use super::*;

    /// `Endpoint::parse` of a `201` token response into a `TokenResponse`.
    #[divan::bench]
    fn token_201(bencher: Bencher<'_, '_>) {
        let request = minimal_token_request().build().expect("a valid request");
        bencher
            .with_inputs(|| response(StatusCode::CREATED, TOKEN_RESPONSE))
            .bench_values(|http| request.parse(http));
    }

    /// `ApiError::from_response` of a `400` error body.
    #[divan::bench]
    fn api_error_400() -> ApiError {
        ApiError::from_response(black_box(StatusCode::BAD_REQUEST), black_box(ERROR_BODY))
    }
}

/// Webhook signatures and parsing of the ~3 KB identification body.
mod webhook_body {
    use super::*;

    /// `server::sign_webhook`: HMAC-SHA256 plus lowercase hex.
    #[divan::bench]
    fn sign(bencher: Bencher<'_, '_>) {
        let key = signing_key().expect("a key");
        bencher.bench(|| server::sign_webhook(&key, black_box(IDENTIFICATION_WEBHOOK)));
    }

    /// `webhook::verify` with the one (matching) key.
    #[divan::bench]
    fn verify_1_key() -> Result<(), webhook::SignatureError> {
        webhook::verify(
            black_box(IDENTIFICATION_WEBHOOK),
            Some(&SIGNATURE),
            last_key(),
        )
    }

    /// `webhook::verify` with three keys of a rotation, matching on the last.
    #[divan::bench]
    fn verify_3_keys_last() -> Result<(), webhook::SignatureError> {
        webhook::verify(
            black_box(IDENTIFICATION_WEBHOOK),
            Some(&SIGNATURE),
            &ROTATION[..],
        )
    }

    /// `webhook::verify_and_parse` with the `Idenfy-Event-Type` header and the one key: what a
    /// webhook handler does per delivery.
    #[divan::bench]
    fn verify_and_parse() -> Result<webhook::WebhookEvent, idenfy_proto::Error> {
        webhook::verify_and_parse(
            black_box(IDENTIFICATION_WEBHOOK),
            Some(&SIGNATURE),
            Some(IDENTIFICATION_EVENT_TYPE),
            last_key(),
        )
    }

    /// `webhook::parse_unverified` with the event-type header (no signature check).
    #[divan::bench]
    fn parse_with_event_type() -> Result<webhook::WebhookEvent, idenfy_proto::DecodeError> {
        webhook::parse_unverified(
            black_box(IDENTIFICATION_WEBHOOK),
            Some(IDENTIFICATION_EVENT_TYPE),
        )
    }

    /// `webhook::parse_unverified` without the header: the variant is inferred from the body.
    #[divan::bench]
    fn parse_inferred() -> Result<webhook::WebhookEvent, idenfy_proto::DecodeError> {
        webhook::parse_unverified(black_box(IDENTIFICATION_WEBHOOK), None)
    }
}

/// The baselines every other number is read against, measured in the same run on the same
/// inputs: what the library adds on top of the serde_json or HMAC work it cannot avoid.
mod baseline {
    use hmac::{Hmac, KeyInit, Mac};
    use sha2::Sha256;

    use super::*;

    /// `serde_json::from_slice::<serde_json::Value>` of the webhook body: what a client that
    /// keeps everything the server said does at least; the decoding engine stays under it.
    #[divan::bench]
    fn webhook_value_parse() -> serde_json::Result<serde_json::Value> {
        serde_json::from_slice(black_box(IDENTIFICATION_WEBHOOK))
    }

    /// A bare HMAC-SHA256 over the webhook body with the `hmac` and `sha2` crates: the floor of
    /// `sign` and of every key `verify` tries.
    #[divan::bench]
    fn webhook_hmac_sha256() -> [u8; 32] {
        let key = black_box(idenfy_bench::ROTATION_KEYS[2].as_bytes());
        let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
        mac.update(black_box(IDENTIFICATION_WEBHOOK));
        mac.finalize().into_bytes().into()
    }

    /// `serde_json::from_slice::<serde_json::Value>` of the token response body.
    #[divan::bench]
    fn token_response_value_parse() -> serde_json::Result<serde_json::Value> {
        serde_json::from_slice(black_box(TOKEN_RESPONSE))
    }

    /// `serde_json::from_slice::<serde_json::Value>` of the error body.
    #[divan::bench]
    fn error_body_value_parse() -> serde_json::Result<serde_json::Value> {
        serde_json::from_slice(black_box(ERROR_BODY))
    }

    /// `serde_json::to_vec` of the built full token request: the floor of its `to_request`.
    #[divan::bench]
    fn full_request_to_vec() -> serde_json::Result<Vec<u8>> {
        serde_json::to_vec(black_box(&*FULL_REQUEST))
    }
}
