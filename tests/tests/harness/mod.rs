//! The adapter harness of the conformance suites (`conformance.rs` against the scripted
//! [`TestServer`](idenfy_conformance::server::TestServer), `conformance_emulator.rs` against the
//! emulator): one [`Harness`] per HTTP adapter, and the `conformance!` macro that instantiates
//! every case once per adapter.
//!
//! A case is a function generic over a [`Harness`] (an adapter's client, driven synchronously:
//! the async adapters inside a Tokio runtime of their own, the blocking one directly), so the
//! same assertions run against `idenfy-hyper`, `idenfy-isahc` and `idenfy-blocking` (ureq).

use idenfy::{
    BlockingClient, CallOptions, Client, Config, Endpoint, Error, Transport, TransportErrorKind,
};

/// One HTTP adapter, with a client for a configuration and call options.
pub(crate) trait Harness: Sized {
    /// The kind of error an `https` call to a server that answers in plain text ends in: the
    /// one place where the adapters rightly differ. `Connect` where the adapter can tell a
    /// failed handshake from a failure after the request was sent, `Io` where it cannot.
    #[allow(
        dead_code,
        reason = "used by conformance.rs, not by conformance_emulator.rs"
    )]
    const FAILED_HANDSHAKE: TransportErrorKind;

    /// A client of this adapter for `config` (base URL and credentials), calling with
    /// `options`.
    fn new(config: Config, options: CallOptions) -> Self;

    /// Sends `endpoint` and waits for the result.
    fn send<E: Endpoint>(&self, endpoint: &E) -> Result<E::Output, Error>;
}

/// An async client inside its own multi-threaded Tokio runtime.
pub(crate) struct InRuntime<T> {
    runtime: Option<tokio::runtime::Runtime>,
    client: Client<T>,
}

impl<T: Transport> InRuntime<T> {
    fn new(config: Config, options: CallOptions, transport: impl FnOnce() -> T) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let transport = {
            let _entered = runtime.enter();
            transport()
        };
        Self {
            runtime: Some(runtime),
            client: Client::with_transport(config, transport).with_options(options),
        }
    }

    fn send<E: Endpoint>(&self, endpoint: &E) -> Result<E::Output, Error> {
        self.runtime
            .as_ref()
            .unwrap()
            .block_on(self.client.send(endpoint))
    }
}

impl<T> Drop for InRuntime<T> {
    fn drop(&mut self) {
        // Connections left hanging by a misbehaving server must not hold the test up.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// `idenfy-hyper` on Tokio.
pub(crate) struct Hyper(InRuntime<idenfy_hyper::HyperTransport>);

impl Harness for Hyper {
    const FAILED_HANDSHAKE: TransportErrorKind = TransportErrorKind::Connect;

    fn new(config: Config, options: CallOptions) -> Self {
        Self(InRuntime::new(config, options, || {
            idenfy_hyper::HyperTransport::new().unwrap()
        }))
    }

    fn send<E: Endpoint>(&self, endpoint: &E) -> Result<E::Output, Error> {
        self.0.send(endpoint)
    }
}

/// `idenfy-isahc` (runtime-agnostic), driven by a Tokio runtime here.
pub(crate) struct Isahc(InRuntime<idenfy_isahc::IsahcTransport>);

impl Harness for Isahc {
    const FAILED_HANDSHAKE: TransportErrorKind = TransportErrorKind::Connect;

    fn new(config: Config, options: CallOptions) -> Self {
        Self(InRuntime::new(config, options, || {
            idenfy_isahc::IsahcTransport::new().unwrap()
        }))
    }

    fn send<E: Endpoint>(&self, endpoint: &E) -> Result<E::Output, Error> {
        self.0.send(endpoint)
    }
}

/// `idenfy-blocking` (ureq) with the blocking client.
pub(crate) struct Blocking(BlockingClient<idenfy_blocking::UreqTransport>);

impl Harness for Blocking {
    /// ureq reports a garbled handshake as an I/O error around rustls' `InvalidMessage`, which
    /// can also happen after a request is sent, so it stays `Io` (never retried for a token);
    /// only handshake-only failures such as a bad certificate become `Connect`.
    const FAILED_HANDSHAKE: TransportErrorKind = TransportErrorKind::Io;

    fn new(config: Config, options: CallOptions) -> Self {
        let transport = idenfy_blocking::UreqTransport::new().unwrap();
        Self(BlockingClient::with_transport(config, transport).with_options(options))
    }

    fn send<E: Endpoint>(&self, endpoint: &E) -> Result<E::Output, Error> {
        self.0.send(endpoint)
    }
}

/// Instantiates every case as a `#[test]` in one module per adapter:
///
/// ```ignore
/// conformance! {
///     adapters: [hyper => super::Hyper, isahc => super::Isahc, blocking => super::Blocking],
///     cases: [r5_token_success, r5_status_success],
/// }
/// ```
///
/// makes `hyper::r5_token_success`, `isahc::r5_token_success`, … each calling
/// `r5_token_success::<Hyper>()` and so on.
macro_rules! conformance {
    (adapters: [$($module:ident => $harness:ty),* $(,)?], cases: $cases:tt $(,)?) => {
        $( conformance!(@adapter $module, $harness, $cases); )*
    };
    (@adapter $module:ident, $harness:ty, [$($case:ident),* $(,)?]) => {
        mod $module {
            $(
                #[test]
                fn $case() {
                    super::$case::<$harness>();
                }
            )*
        }
    };
}
