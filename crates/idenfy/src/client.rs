//! The asynchronous client.

use std::fmt;

use idenfy_proto::{
    AuthToken, Config, Credentials, Endpoint, Error, TransportError, TransportErrorKind,
};

use crate::call::{Call, Step, finish};
use crate::policy::CallOptions;
use crate::race::{Elapsed, with_timeout};
use crate::transport::{DefaultTransport, Transport};

/// The iDenfy client: a [`Config`] and a [`Transport`].
///
/// Each call builds the request with [`idenfy_proto`], hands it to the transport, and parses
/// what comes back. The client holds no other state, so it can be shared freely (wrap it in an
/// `Arc` to share it across tasks).
pub struct Client<T> {
    config: Config,
    transport: T,
    options: CallOptions,
}

impl<T> Client<T> {
    /// A client sending with `transport` as configured by `config`, with the default
    /// [`CallOptions`] (30 s per call, two retries of read-only calls).
    pub fn with_transport(config: Config, transport: T) -> Self {
        Self {
            config,
            transport,
            options: CallOptions::default(),
        }
    }

    /// The same client with other call options.
    #[must_use]
    pub fn with_options(mut self, options: CallOptions) -> Self {
        self.options = options;
        self
    }

    /// The call options.
    pub fn options(&self) -> &CallOptions {
        &self.options
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The transport.
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// The URL that starts the person's verification in iDenfy's hosted UI (R5).
    pub fn redirect_url(&self, auth_token: &AuthToken) -> String {
        self.config.redirect_url(auth_token)
    }
}

impl<T: Transport> Client<T> {
    /// Sends any [`Endpoint`] and parses its answer, retrying as the [`CallOptions`] allow
    /// (R9) and within their total timeout.
    pub async fn send<E: Endpoint>(&self, endpoint: &E) -> Result<E::Output, Error> {
        #[cfg(feature = "tracing")]
        {
            use tracing::Instrument as _;
            let span = tracing::debug_span!("idenfy", endpoint = endpoint.name());
            self.send_inner(endpoint).instrument(span).await
        }
        #[cfg(not(feature = "tracing"))]
        {
            self.send_inner(endpoint).await
        }
    }

    async fn send_inner<E: Endpoint>(&self, endpoint: &E) -> Result<E::Output, Error> {
        let request = endpoint.to_request(&self.config)?;
        let transport = &self.transport;
        let mut call = Call::new(&self.options, endpoint, transport.now());
        loop {
            let now = transport.now();
            let Some(attempt) = call.next_request(&request, now) else {
                return Err(call.timed_out(now));
            };
            let sleep = transport.sleep(call.attempt_budget(now));
            let result = match with_timeout(transport.send(attempt), sleep).await {
                Ok(result) => result,
                Err(Elapsed) => {
                    let now = transport.now();
                    if call.remaining(now).is_zero() {
                        return Err(call.timed_out(now));
                    }
                    // The attempt's own timeout, inside the call's budget: the policy decides.
                    Err(TransportError::new(TransportErrorKind::Timeout))
                }
            };
            match call.after(result, transport.now()) {
                Step::Retry(wait) => self.transport.sleep(wait).await,
                Step::Done(result) => return finish(endpoint, result),
            }
        }
    }

    endpoint_methods!(async, .await);
}

impl<T: Transport + DefaultTransport> Client<T> {
    /// A client for iDenfy's production API ([`Config::new`]) with the transport's default
    /// setup, e.g. `idenfy_hyper::Client::new(credentials)`.
    pub fn new(credentials: Credentials) -> Result<Self, Error> {
        Self::with_config(Config::new(credentials))
    }

    /// A client for `config` with the transport's default setup.
    pub fn with_config(config: Config) -> Result<Self, Error> {
        Ok(Self::with_transport(config, T::default_transport()?))
    }
}

impl<T> fmt::Debug for Client<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.config)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}
