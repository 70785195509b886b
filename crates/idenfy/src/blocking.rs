//! The synchronous client.

use std::fmt;

use idenfy_proto::{AuthToken, Config, Credentials, Endpoint, Error};

use crate::call::{Call, Step, finish};
use crate::policy::CallOptions;
use crate::transport::{BlockingTransport, DefaultTransport};

/// The iDenfy client for synchronous code: [`Client`](crate::Client) with every method
/// blocking, over a [`BlockingTransport`].
///
/// Retries, pauses and the total timeout follow the same [`CallOptions`] and the same code as
/// the async client. The transport must honour the [`AttemptLimits`](crate::AttemptLimits) of
/// each request, since a blocked thread cannot be interrupted.
///
/// ```
/// use idenfy::http::{Request, Response};
/// use idenfy::{BlockingClient, Config, Credentials, TransportError};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let transport = |_request: Request<Vec<u8>>| -> Result<Response<Vec<u8>>, TransportError> {
///     Ok(Response::builder()
///         .status(200)
///         .body(br#"{"status":"APPROVED","scanRef":"3af4c9a4"}"#.to_vec())
///         .unwrap())
/// };
/// let client = BlockingClient::with_transport(Config::new(Credentials::new("key", "secret")?), transport);
/// let status = client.status("3af4c9a4")?;
/// assert!(status.is_approved());
/// # Ok(())
/// # }
/// ```
pub struct BlockingClient<T> {
    config: Config,
    transport: T,
    options: CallOptions,
}

impl<T> BlockingClient<T> {
    /// A client sending with `transport` as configured by `config`, with the default
    /// [`CallOptions`].
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

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The transport.
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// The call options.
    pub fn options(&self) -> &CallOptions {
        &self.options
    }

    /// The URL that starts the person's verification in iDenfy's hosted UI (R5).
    pub fn redirect_url(&self, auth_token: &AuthToken) -> String {
        self.config.redirect_url(auth_token)
    }
}

impl<T: BlockingTransport> BlockingClient<T> {
    /// Sends any [`Endpoint`] and parses its answer, retrying as the [`CallOptions`] allow
    /// (R9) and within their total timeout.
    pub fn send<E: Endpoint>(&self, endpoint: &E) -> Result<E::Output, Error> {
        #[cfg(feature = "tracing")]
        let _span = tracing::debug_span!("idenfy", endpoint = endpoint.name()).entered();
        let request = endpoint.to_request(&self.config)?;
        let transport = &self.transport;
        let mut call = Call::new(&self.options, endpoint, transport.now());
        loop {
            let now = transport.now();
            let Some(attempt) = call.next_request(&request, now) else {
                return Err(call.timed_out(now));
            };
            let result = transport.send(attempt);
            let now = transport.now();
            if call.remaining(now).is_zero() && result.is_err() {
                return Err(call.timed_out(now));
            }
            match call.after(result, now) {
                Step::Retry(wait) => transport.sleep(wait),
                Step::Done(result) => return finish(endpoint, result),
            }
        }
    }

    endpoint_methods!(,);
}

impl<T: BlockingTransport + DefaultTransport> BlockingClient<T> {
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

impl<T> fmt::Debug for BlockingClient<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockingClient")
            .field("config", &self.config)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}
