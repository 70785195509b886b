//! The asynchronous client.

use std::fmt;

use futures_core::FusedStream;
use idenfy_proto::{
    AuthToken, Config, Credentials, Endpoint, Error, Identification, IdentificationPage,
    IdentificationsRequest, TransportError, TransportErrorKind,
};

use crate::call::{Call, Step, finish};
use crate::listing::{Items, Pages};
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
        // Built once before the first attempt (so that a request that cannot be built fails
        // before anything is sent), then afresh for each retry: nothing is kept while the
        // transport sends (R14).
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
            let result = if transport.enforces_attempt_timeout() {
                // The transport stops at the attempt's limit itself: no second timer.
                let result = transport.send(attempt).await;
                let now = transport.now();
                if result.is_err() && call.remaining(now).is_zero() {
                    return Err(call.timed_out(now));
                }
                result
            } else {
                // A moment after the attempt's limit: a transport stopping at its limit (without
                // saying so) reports first, with the kind only it knows.
                let sleep = transport.sleep(call.backstop(now));
                match with_timeout(transport.send(attempt), sleep).await {
                    Ok(result) => result,
                    Err(Elapsed) => {
                        let now = transport.now();
                        if call.remaining(now).is_zero() {
                            return Err(call.timed_out(now));
                        }
                        // The attempt's own timeout, inside the call's budget: the policy
                        // decides.
                        Err(TransportError::new(TransportErrorKind::Timeout))
                    }
                }
            };
            match call.after(result, transport.now()) {
                Step::Retry(wait) => self.transport.sleep(wait).await,
                Step::Done(result) => return finish(endpoint, result),
            }
        }
    }

    endpoint_methods!(async, .await);

    /// Every identification of the listing (`GET /kyc/identifications/`), page after page,
    /// starting with the page `first` asks for — its `perPage` is the page size, its `clientId`
    /// the filter — and following each page's `next` link (R13).
    ///
    /// Each page is one call, with the retries and timeouts of the [`CallOptions`] (the
    /// listing is read-only, R9); the next page is asked for only when the identifications of
    /// the last one were all taken. A `next` link is followed only on the configured base URL's
    /// scheme, host and port, and the request is built from the base URL, so the credentials
    /// never go anywhere else (see [`IdentificationPager`](idenfy_proto::IdentificationPager)).
    ///
    /// An item is `Err` when a call fails ([`Error::Api`], [`Error::Transport`], …), when a
    /// page's results cannot be read ([`Error::Decode`] at `results`), or when a page's `next`
    /// link is not followed ([`Error::Decode`] at `next`: a link elsewhere, a loop, a page
    /// without results that names a next one) — that page's identifications are yielded first.
    /// The stream ends after its first error: nothing is fetched after it. To resume, start a new
    /// listing at the page that failed. Every page fetched yields at least one identification or
    /// ends the listing, so waiting on the stream always makes progress.
    ///
    /// The stream is `Unpin` (use it with `StreamExt::next` of the `futures` crates, or
    /// [`std::future::poll_fn`]) and `Send` when the transport's futures are.
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use std::pin::Pin;
    /// use idenfy::http::{Request, Response};
    /// use idenfy::{Client, Config, Credentials, IdentificationsRequest, Stream, TransportError};
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// // A test server with two pages of one identification each.
    /// let transport = |request: Request<Vec<u8>>| async move {
    ///     let body = match request.uri().query() {
    ///         Some("perPage=1") => r#"{"count":2,"results":[{"scanRef":"a1","status":"APPROVED"}],
    ///             "next":"https://ivs.idenfy.com/kyc/identifications/?page=2&perPage=1"}"#,
    ///         _ => r#"{"count":2,"results":[{"scanRef":"b2","status":"DENIED"}],"next":null}"#,
    ///     };
    ///     Ok::<_, TransportError>(Response::new(body.as_bytes().to_vec()))
    /// };
    /// let client = Client::with_transport(Config::new(Credentials::new("key", "secret")?), transport);
    ///
    /// let mut listing = client.identifications(IdentificationsRequest::builder().per_page(1).build()?);
    /// let mut scan_refs = Vec::new();
    /// pollster::block_on(async {
    ///     // With `futures::StreamExt`: `while let Some(item) = listing.next().await`.
    ///     while let Some(item) = poll_fn(|cx| Pin::new(&mut listing).poll_next(cx)).await {
    ///         scan_refs.push(item?.scan_ref.unwrap_or_default());
    ///     }
    ///     Ok::<_, idenfy::Error>(())
    /// })?;
    /// assert_eq!(scan_refs, ["a1", "b2"]);
    /// # Ok(())
    /// # }
    /// ```
    pub fn identifications(
        &self,
        first: IdentificationsRequest,
    ) -> impl FusedStream<Item = Result<Identification, Error>> + '_ {
        Items::new(Pages::new(&self.config, first, move |request| async move {
            self.send(&request).await
        }))
    }

    /// The pages of the listing, as [`Client::identifications`] walks them (R13): each page
    /// whole — its `count`, its links, its identifications — with the same checks, errors and
    /// end after the first error.
    pub fn identification_pages(
        &self,
        first: IdentificationsRequest,
    ) -> impl FusedStream<Item = Result<IdentificationPage, Error>> + '_ {
        Pages::new(&self.config, first, move |request| async move {
            self.send(&request).await
        })
    }
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
