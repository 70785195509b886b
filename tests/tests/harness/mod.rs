//! The adapter harness of the emulator conformance suite (`conformance_emulator.rs`): one
//! [`Harness`] per HTTP adapter, and the `conformance!` macro that instantiates every case once
//! per adapter. (The cases against the scripted server are the conformance kit's,
//! `idenfy-conformance`, run by `conformance.rs`.)
//!
//! A case is a function generic over a [`Harness`] (an adapter's client, driven synchronously:
//! the async adapters inside a Tokio runtime of their own, the blocking one directly), so the
//! same assertions run against `idenfy-hyper`, `idenfy-isahc` and `idenfy-blocking` (ureq).

use idenfy::{BlockingClient, CallOptions, Client, Config, Endpoint, Error, Transport};

/// One HTTP adapter, with a client for a configuration and call options.
pub(crate) trait Harness: Sized {
    /// A client of this adapter for `config` (base URL and credentials), calling with
    /// `options`.
    fn new(config: Config, options: CallOptions) -> Self;

    /// Sends `endpoint` and waits for the result.
    fn send<E: Endpoint>(&self, endpoint: &E) -> Result<E::Output, Error>;

    /// Whether the cases run against an emulator in quirks mode ([`Quirks`]).
    const QUIRKS: bool = false;
}

/// Adapter `H` against an emulator in quirks mode: the same cases and assertions, the answers
/// and webhooks in the shapes of iDenfy's real payloads (numeric `clientId`, duplicate keys,
/// float timestamps, legacy `aml`/`lid`, …).
pub(crate) struct Quirks<H>(H);

impl<H: Harness> Harness for Quirks<H> {
    fn new(config: Config, options: CallOptions) -> Self {
        Self(H::new(config, options))
    }

    fn send<E: Endpoint>(&self, endpoint: &E) -> Result<E::Output, Error> {
        self.0.send(endpoint)
    }

    const QUIRKS: bool = true;
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
