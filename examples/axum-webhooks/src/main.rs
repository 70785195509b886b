//! An iDenfy webhook receiver on axum: the `idenfy-axum` extractor in a service you can run.
//!
//! ```sh
//! export IDENFY_WEBHOOK_KEY=…        # the signing key set in the dashboard; required, not empty
//! cargo run -p idenfy-axum-example   # POST http://127.0.0.1:3000/idenfy/webhook
//! ```
//!
//! With the emulator delivering to it (the same variables, so the same key): create a token,
//! open the redirect URL it prints and finish the verification there (or `POST` to the
//! emulator's `/__emulator/verifications/{scanRef}/complete`), and the webhook arrives here.
//!
//! ```sh
//! export IDENFY_API_KEY=test-key IDENFY_API_SECRET=test-secret IDENFY_BASE_URL=http://127.0.0.1:8000
//! cargo run -p idenfy-cli -- emulator --listen 127.0.0.1:8000 \
//!     --webhook-url http://127.0.0.1:3000/idenfy/webhook &
//! cargo run -p idenfy-cli -- token --client-id customer-42
//! ```
//!
//! Each verified delivery is logged with its event, `scanRef`, overall status and whether it is
//! final — never the person's data — and answered `200`. A delivery whose signature fails is
//! answered `401` by the extractor; one signed but not a webhook body, `400` (logged here with
//! its length). The environment:
//!
//! | variable | |
//! |---|---|
//! | `IDENFY_WEBHOOK_KEY` | the signing key (required; an empty value is refused) |
//! | `IDENFY_WEBHOOK_KEY_PREVIOUS` | the key being rotated out, accepted as well while set (not empty) |
//! | `IDENFY_WEBHOOK_LISTEN` | the address, `127.0.0.1:3000` by default; port `0` picks a free one |
//! | `RUST_LOG` | the log filter, `info,idenfy_axum=debug` by default (the extractor says at `debug` why it refused a delivery) |

use std::net::SocketAddr;
use std::process::ExitCode;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use idenfy_axum::{IdenfyWebhook, WebhookEvent, WebhookKey, WebhookKeys, WebhookRejection};
use tracing_subscriber::EnvFilter;

/// The signing key.
const KEY_VARIABLE: &str = "IDENFY_WEBHOOK_KEY";
/// The key being rotated out.
const PREVIOUS_KEY_VARIABLE: &str = "IDENFY_WEBHOOK_KEY_PREVIOUS";
/// The address to listen on.
const LISTEN_VARIABLE: &str = "IDENFY_WEBHOOK_LISTEN";
/// Where the service listens unless told otherwise: loopback only.
const DEFAULT_LISTEN: &str = "127.0.0.1:3000";
/// The path deliveries are posted to.
const WEBHOOK_PATH: &str = "/idenfy/webhook";

#[tokio::main]
async fn main() -> ExitCode {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,idenfy_axum=debug"));
    tracing_subscriber::fmt().with_env_filter(filter).init();

    let (keys, listen) = match settings() {
        Ok(settings) => settings,
        Err(message) => {
            tracing::error!("{message}");
            return ExitCode::from(2);
        }
    };
    let listener = match tokio::net::TcpListener::bind(listen).await {
        Ok(listener) => listener,
        Err(error) => {
            tracing::error!("cannot listen on {listen}: {error}");
            return ExitCode::FAILURE;
        }
    };
    match listener.local_addr() {
        Ok(addr) => tracing::info!(
            keys = keys.keys().len(),
            "listening on http://{addr}{WEBHOOK_PATH}"
        ),
        Err(error) => tracing::warn!("listening, at an address unknown: {error}"),
    }
    let app = Router::new()
        .route(WEBHOOK_PATH, post(receive))
        .with_state(keys);
    if let Err(error) = axum::serve(listener, app).await {
        tracing::error!("the server stopped: {error}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// The keys and the address, from the environment.
fn settings() -> Result<(WebhookKeys, SocketAddr), String> {
    let key = key_from(KEY_VARIABLE)?.ok_or_else(|| {
        format!("{KEY_VARIABLE} is not set: give the webhook signing key set in the dashboard")
    })?;
    let mut keys = vec![key];
    keys.extend(key_from(PREVIOUS_KEY_VARIABLE)?);
    let keys = WebhookKeys::new(keys).map_err(|error| error.to_string())?;
    let listen = std::env::var(LISTEN_VARIABLE).unwrap_or_else(|_| DEFAULT_LISTEN.to_owned());
    let listen = listen
        .parse()
        .map_err(|_| format!("{LISTEN_VARIABLE} is not IP:PORT: {listen:?}"))?;
    Ok((keys, listen))
}

/// The key in the variable `name`, if it is set; an empty or non-UTF-8 value is an error (an
/// empty key would verify signatures anyone can make).
fn key_from(name: &str) -> Result<Option<WebhookKey>, String> {
    let Some(value) = std::env::var_os(name) else {
        return Ok(None);
    };
    let value = value
        .into_string()
        .map_err(|_| format!("{name} is not UTF-8"))?;
    WebhookKey::new(value)
        .map(Some)
        .map_err(|error| format!("{name}: {error}"))
}

/// One delivery: a verified event is logged and acknowledged; a refusal is logged and answered
/// with the extractor's status.
async fn receive(delivery: Result<IdenfyWebhook, WebhookRejection>) -> StatusCode {
    match delivery {
        Ok(IdenfyWebhook(event)) => {
            let status = match &event {
                WebhookEvent::Identification { result, .. } => result
                    .status
                    .overall
                    .as_ref()
                    .map_or("-", |status| status.as_str()),
                _ => "-",
            };
            // Deliveries can repeat: a real service acts once per `event.dedup_key()`, and only
            // on final results.
            tracing::info!(
                event = event.event_name(),
                scan_ref = event.scan_ref().unwrap_or("-"),
                status,
                is_final = event.is_final(),
                "webhook received"
            );
            StatusCode::OK
        }
        Err(rejection) => {
            let status = rejection.status();
            match rejection.verified_body() {
                // Signed by iDenfy, yet not a webhook body this version reads: a real service
                // stores the bytes here before answering.
                Some(body) => tracing::warn!(
                    length = body.bytes().len(),
                    event = body.event_type().unwrap_or("-"),
                    "signed delivery that is not a webhook body: {rejection}"
                ),
                None => tracing::warn!(status = status.as_u16(), "delivery refused: {rejection}"),
            }
            status
        }
    }
}
