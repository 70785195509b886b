//! The synchronous client.

use std::fmt;

use std::iter::FusedIterator;

use idenfy_proto::{
    AuthToken, Config, Credentials, Endpoint, Error, Identification, IdentificationPage,
    IdentificationsRequest,
};

use crate::call::{Call, Step, finish};
use crate::listing::{Items, PagesIter};
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
        // Built once before the first attempt, then afresh for each retry: nothing is kept
        // while the transport sends (R14).
        let mut first = Some(endpoint.to_request(&self.config)?);
        let transport = &self.transport;
        let mut call = Call::new(&self.options, endpoint, transport.now());
        loop {
            let request = match first.take() {
                Some(request) => request,
                None => endpoint.to_request(&self.config)?,
            };
            let now = transport.now();
            let Some(attempt) = call.prepare(request, now) else {
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

    /// Every identification of the listing (`GET /kyc/identifications/`), page after page,
    /// starting with the page `first` asks for and following each page's `next` link (R13):
    /// [`Client::identifications`](crate::Client::identifications) as an [`Iterator`], with
    /// the same checks of each link and page, the same errors, and the same end after the first
    /// error. The next page is fetched (one blocking call, with the [`CallOptions`]' retries and
    /// timeouts) only when the identifications of the last one were all taken.
    ///
    /// ```
    /// use idenfy::http::{Request, Response};
    /// use idenfy::{BlockingClient, Config, Credentials, IdentificationsRequest, TransportError};
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let transport = |request: Request<Vec<u8>>| -> Result<Response<Vec<u8>>, TransportError> {
    ///     let body = match request.uri().query() {
    ///         Some("clientId=crm-7") => r#"{"results":[{"scanRef":"a1"},{"scanRef":"b2"}],
    ///             "next":"/kyc/identifications/?clientId=crm-7&page=2"}"#,
    ///         _ => r#"{"results":[{"scanRef":"c3"}],"next":null}"#,
    ///     };
    ///     Ok(Response::new(body.as_bytes().to_vec()))
    /// };
    /// let client = BlockingClient::with_transport(Config::new(Credentials::new("key", "secret")?), transport);
    /// let first = IdentificationsRequest::builder().client_id("crm-7").build()?;
    /// let scan_refs = client
    ///     .identifications(first)
    ///     .map(|item| item.map(|identification| identification.scan_ref.unwrap_or_default()))
    ///     .collect::<Result<Vec<_>, _>>()?;
    /// assert_eq!(scan_refs, ["a1", "b2", "c3"]);
    /// # Ok(())
    /// # }
    /// ```
    pub fn identifications(
        &self,
        first: IdentificationsRequest,
    ) -> impl FusedIterator<Item = Result<Identification, Error>> + '_ {
        Items::new(PagesIter::new(&self.config, first, move |request| {
            self.send(&request)
        }))
    }

    /// The pages of the listing, as [`BlockingClient::identifications`] walks them (R13): each
    /// page whole, with the same checks, errors and end after the first error.
    pub fn identification_pages(
        &self,
        first: IdentificationsRequest,
    ) -> impl FusedIterator<Item = Result<IdentificationPage, Error>> + '_ {
        PagesIter::new(&self.config, first, move |request| self.send(&request))
    }
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
