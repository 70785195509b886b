//! The run: which cases, with which expectations, against which transport.

use std::time::Instant;

use idenfy::{
    BlockingClient, BlockingTransport, CallOptions, Client, Config, Endpoint, Error,
    Identification, IdentificationsRequest, Stream, Transport, TransportErrorKind,
};

use crate::exec::CatchUnwind;
use crate::report::{CaseReport, Failure, Report};

/// Runs every case against the async transport that `make` builds, with the default
/// expectations ([`Kit::new`]); `make` is called once per client a case needs.
///
/// The cases run one after the other on the executor that polls the returned future — the
/// scripted server lives on threads of its own, so any executor does, and the kit spawns
/// nothing, so it asks no `Send` of the transport's futures. A transport tied to a runtime (Tokio, …) is polled inside it:
/// call this from a `#[tokio::test]`, say.
///
/// ```no_run
/// # async fn demo<T: idenfy::Transport>(my_transport: impl Fn() -> T) {
/// idenfy_conformance::run(|| my_transport()).await.assert_passed();
/// # }
/// ```
pub async fn run<T: Transport>(make: impl Fn() -> T) -> Report {
    Kit::new().run(make).await
}

/// Runs every case against the blocking transport that `make` builds, through
/// [`BlockingClient`], with the default expectations ([`Kit::new`]); no async runtime needed.
pub fn run_blocking<T: BlockingTransport>(make: impl Fn() -> T) -> Report {
    Kit::new().run_blocking(make)
}

/// A run of the kit: which cases, and what the transport is expected to do where the rules
/// leave it a choice. [`Kit::new`] selects every case with the defaults below.
///
/// ```no_run
/// use idenfy::TransportErrorKind;
/// use idenfy_conformance::Kit;
///
/// # async fn demo<T: idenfy::Transport>(my_transport: impl Fn() -> T) {
/// let report = Kit::new()
///     .filter("r9_") // the retry cases only
///     .handshake_failure(TransportErrorKind::Connect)
///     .run(my_transport)
///     .await;
/// report.assert_passed();
/// # }
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct Kit {
    selection: Selection,
    handshake_failure: Option<TransportErrorKind>,
    connection_reuse: bool,
}

#[derive(Debug, Clone)]
enum Selection {
    All,
    Prefix(String),
    Exact(String),
}

impl Default for Kit {
    fn default() -> Self {
        Self::new()
    }
}

impl Kit {
    /// Every case, with the default expectations: a failed TLS handshake may be `Connect` or
    /// `Io` ([`Kit::handshake_failure`]), and consecutive calls reuse a kept-alive connection
    /// ([`Kit::connection_reuse`]).
    pub fn new() -> Self {
        Self {
            selection: Selection::All,
            handshake_failure: None,
            connection_reuse: true,
        }
    }

    /// Only the cases whose name starts with `prefix` (`"r9_"`: the retry cases). Replaces an
    /// earlier [`Kit::filter`] or [`Kit::only`].
    pub fn filter(mut self, prefix: &str) -> Self {
        self.selection = Selection::Prefix(prefix.to_owned());
        self
    }

    /// Only the case named `name` (one of [`CASES`](crate::CASES)); a name that is none of them selects
    /// nothing, and a report with no case has not passed. Replaces an earlier [`Kit::filter`]
    /// or [`Kit::only`].
    pub fn only(mut self, name: &str) -> Self {
        self.selection = Selection::Exact(name.to_owned());
        self
    }

    /// The one kind an `https` call to a server that answers in plain text must fail with
    /// (case `r6_https_to_a_plain_text_server_fails_cleanly`).
    ///
    /// By default either `Connect` or `Io` passes: the request never left (the handshake
    /// failed), so `Connect` is right, and lets a token request be retried (R9); but a TLS
    /// stack that reports the garbled answer as an error it may also give after a request was
    /// sent can only honestly say `Io`, which is never wrong — it just forgoes that retry. Pin
    /// the kind your transport reports so that a change in it shows.
    pub fn handshake_failure(mut self, kind: TransportErrorKind) -> Self {
        self.handshake_failure = Some(kind);
        self
    }

    /// Whether case `r1_calls_share_a_kept_alive_connection` requires that four consecutive
    /// calls share one kept-alive connection (two tolerated); `true` by default. The rules do
    /// not demand a connection pool, so a transport without one (a new connection per
    /// request) sets `false`, and the case then checks the calls alone.
    pub fn connection_reuse(mut self, required: bool) -> Self {
        self.connection_reuse = required;
        self
    }

    /// Runs the selected cases against the async transport that `make` builds; see [`run`].
    pub async fn run<T: Transport>(&self, make: impl Fn() -> T) -> Report {
        let harness = AsyncHarness { make };
        let mut report = Report::default();
        crate::cases::run_all(&harness, self, &mut report).await;
        report
    }

    /// Runs the selected cases against the blocking transport that `make` builds; see
    /// [`run_blocking`].
    pub fn run_blocking<T: BlockingTransport>(&self, make: impl Fn() -> T) -> Report {
        let harness = BlockingHarness { make };
        let mut report = Report::default();
        // The cases are written once, as futures; with a blocking client they only ever wait
        // on the kit's own threads, which this tiny executor parks for.
        pollster::block_on(crate::cases::run_all(&harness, self, &mut report));
        report
    }

    fn selects(&self, name: &str) -> bool {
        match &self.selection {
            Selection::All => true,
            Selection::Prefix(prefix) => name.starts_with(prefix.as_str()),
            Selection::Exact(exact) => name == exact,
        }
    }

    /// The handshake-failure kinds the TLS case accepts.
    pub(crate) fn handshake_failure_kinds(&self) -> Vec<TransportErrorKind> {
        match self.handshake_failure {
            Some(kind) => vec![kind],
            None => vec![TransportErrorKind::Connect, TransportErrorKind::Io],
        }
    }

    pub(crate) fn requires_connection_reuse(&self) -> bool {
        self.connection_reuse
    }

    /// Runs case `name` if selected and records how it went.
    pub(crate) async fn case<F>(&self, report: &mut Report, name: &'static str, case: F)
    where
        F: Future<Output = Result<(), Failure>>,
    {
        if !self.selects(name) {
            return;
        }
        let started = Instant::now();
        let failure = match CatchUnwind::new(case).await {
            Ok(Ok(())) => None,
            Ok(Err(failure)) => Some(failure),
            Err(payload) => Some(Failure::panicked(payload.as_ref())),
        };
        report.push(CaseReport::new(name, started.elapsed(), failure));
    }
}

/// Makes the clients a case needs, all on the transport under test.
pub(crate) trait Harness {
    /// A client sending through one new transport.
    type Client: Subject;

    /// A client for `config` (the scripted server's base URL, the kit's credentials), calling
    /// with `options`.
    fn client(&self, config: Config, options: CallOptions) -> Self::Client;
}

/// The most items a case walks a listing for: a listing that never ends fails its case instead
/// of hanging it.
const MAX_LISTED: usize = 1000;

/// A client under test, async or blocking, seen the same way by the cases.
pub(crate) trait Subject {
    /// Sends `endpoint` through the client and returns its result.
    async fn send<E: Endpoint>(&self, endpoint: &E) -> Result<E::Output, Error>;

    /// Walks the listing from `first` as a user does — the async client's `Stream`, the
    /// blocking client's `Iterator` — and returns every item (at most [`MAX_LISTED`]); an error
    /// ends the listing, so it is the last item.
    async fn identifications(
        &self,
        first: IdentificationsRequest,
    ) -> Vec<Result<Identification, Error>>;
}

struct AsyncHarness<F> {
    make: F,
}

impl<T: Transport, F: Fn() -> T> Harness for AsyncHarness<F> {
    type Client = Client<T>;

    fn client(&self, config: Config, options: CallOptions) -> Client<T> {
        Client::with_transport(config, (self.make)()).with_options(options)
    }
}

impl<T: Transport> Subject for Client<T> {
    async fn send<E: Endpoint>(&self, endpoint: &E) -> Result<E::Output, Error> {
        Client::send(self, endpoint).await
    }

    async fn identifications(
        &self,
        first: IdentificationsRequest,
    ) -> Vec<Result<Identification, Error>> {
        let mut listing = std::pin::pin!(Client::identifications(self, first));
        let mut items = Vec::new();
        while items.len() < MAX_LISTED {
            match std::future::poll_fn(|cx| listing.as_mut().poll_next(cx)).await {
                Some(item) => items.push(item),
                None => break,
            }
        }
        items
    }
}

struct BlockingHarness<F> {
    make: F,
}

impl<T: BlockingTransport, F: Fn() -> T> Harness for BlockingHarness<F> {
    type Client = BlockingClient<T>;

    fn client(&self, config: Config, options: CallOptions) -> BlockingClient<T> {
        BlockingClient::with_transport(config, (self.make)()).with_options(options)
    }
}

impl<T: BlockingTransport> Subject for BlockingClient<T> {
    async fn send<E: Endpoint>(&self, endpoint: &E) -> Result<E::Output, Error> {
        BlockingClient::send(self, endpoint)
    }

    async fn identifications(
        &self,
        first: IdentificationsRequest,
    ) -> Vec<Result<Identification, Error>> {
        BlockingClient::identifications(self, first)
            .take(MAX_LISTED)
            .collect()
    }
}
