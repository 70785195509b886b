//! Requests answered without a connection: the emulator's request handling on [`http::Request`]
//! values, for fuzzing it and for tests of the handling alone (`fuzz/`, target
//! `emulator_request`).

use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use idenfy_proto::http::{Request, Response};
use idenfy_proto::webhook::WebhookKey;
use idenfy_proto::{Config, Credentials};
use tokio::runtime::Handle;

use crate::fault::RawSlot;
use crate::server::{self, ConnectionLimits};
use crate::shared::Shared;
use crate::{EmulatorBuilder, EmulatorError, Identity};

/// An emulator that answers requests given as values: the routing, authentication, validation,
/// state, control API and faults of a served [`Emulator`](crate::Emulator), with no listener and
/// no connection. Built with [`EmulatorBuilder::in_memory`].
///
/// Its background tasks (webhook deliveries, the clock's sweeps) run on the runtime it was given;
/// a runtime that is never driven keeps every webhook queued and unsent. Dropping it stops them.
///
/// ```
/// use idenfy_emulator::Emulator;
/// use idenfy_proto::{Endpoint, TokenRequest};
///
/// let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build()?;
/// let emulator = Emulator::builder().in_memory(runtime.handle().clone())?;
/// let request = TokenRequest::builder("customer-42").build()?.to_request(&emulator.config())?;
/// let answer = runtime.block_on(emulator.handle("127.0.0.1:50000".parse()?, request.map(Into::into)));
/// assert_eq!(answer.response.status(), 201);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct InMemory {
    shared: Arc<Shared>,
    identity: Identity,
    limits: ConnectionLimits,
}

impl std::fmt::Debug for InMemory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InMemory")
            .field("base_url", &self.shared.base_url)
            .field("credentials", &self.identity.credentials)
            .finish_non_exhaustive()
    }
}

/// What [`InMemory::handle`] answered. `Debug` shows the status and the lengths, not the
/// bodies, which carry tokens and personal data (R10).
#[non_exhaustive]
pub struct InMemoryAnswer {
    /// The answer as the server writes it.
    pub response: Response<Bytes>,
    /// What an injected fault put on the wire instead of the answer (nothing for a dropped
    /// connection or a lost answer, bytes that are no HTTP, half an answer), when one did.
    pub raw: Option<Vec<u8>>,
}

impl std::fmt::Debug for InMemoryAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InMemoryAnswer")
            .field("status", &self.response.status())
            .field(
                "body",
                &format_args!("[{} bytes]", self.response.body().len()),
            )
            .field(
                "raw",
                &self
                    .raw
                    .as_ref()
                    .map(|raw| format!("[{} bytes]", raw.len())),
            )
            .finish()
    }
}

impl EmulatorBuilder {
    /// Builds an emulator that answers requests given as values ([`InMemory::handle`]) instead
    /// of serving a socket: nothing is bound, and the address set with
    /// [`listen`](Self::listen) is only the one its URLs name. `runtime` runs its background
    /// tasks (webhook deliveries, the clock's sweeps).
    pub fn in_memory(self, runtime: Handle) -> Result<InMemory, EmulatorError> {
        let prepared = self.prepare()?;
        let limits = prepared.limits.checked()?;
        let addr = prepared.listen;
        let (shared, identity) = prepared.assemble(addr, runtime)?;
        Ok(InMemory {
            shared,
            identity,
            limits,
        })
    }
}

impl InMemory {
    /// The base URL its answers name (from the builder's address; nothing listens there).
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// The API key and secret it accepts.
    pub fn credentials(&self) -> Credentials {
        self.identity.credentials.clone()
    }

    /// The key it signs webhooks with.
    pub fn webhook_key(&self) -> WebhookKey {
        self.shared.webhook_key.clone()
    }

    /// A client configuration for it: its base URL and credentials.
    pub fn config(&self) -> Config {
        self.identity.config.clone()
    }

    /// Answers `request` as if it had come from `remote` over a connection: the control API, or
    /// an injected fault, or the iDenfy endpoint. Needs a Tokio runtime with the time driver
    /// (the body-read timeout, delays).
    pub async fn handle(&self, remote: SocketAddr, request: Request<Bytes>) -> InMemoryAnswer {
        let slot = Arc::new(RawSlot::default());
        let request = request.map(Full::new);
        let answer = server::handle(
            Arc::clone(&self.shared),
            Arc::clone(&slot),
            remote,
            self.limits,
            request,
        )
        .await;
        let (parts, body) = answer.into_response().into_parts();
        let body = match body.collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(never) => match never {},
        };
        InMemoryAnswer {
            response: Response::from_parts(parts, body),
            // A stall before the close means nothing without a connection.
            raw: slot.take().map(|(bytes, _stall)| bytes),
        }
    }
}

impl Drop for InMemory {
    fn drop(&mut self) {
        self.shared.shutdown.send_replace(true);
        self.shared.abort_tasks();
    }
}
