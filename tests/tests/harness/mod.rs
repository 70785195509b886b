//! The adapter harness of the emulator conformance suite (`conformance_emulator.rs`): one
//! [`Harness`] per HTTP adapter, and the `conformance!` macro that instantiates every case once
//! per adapter. (The cases against the scripted server are the conformance kit's,
//! `idenfy-conformance`, run by `conformance.rs`.)
//!
//! A case is a function generic over a [`Harness`] (an adapter's client, driven synchronously:
//! the async adapters inside a Tokio runtime of their own, the blocking one directly), so the
//! same assertions run against `idenfy-hyper`, `idenfy-isahc` and `idenfy-blocking` (ureq).

use std::future::{Future, poll_fn};

use idenfy::{
    BlockingClient, CallOptions, Client, Config, Endpoint, Error, FaceAuthSession, FaceAuthStatus,
    FullStatus, Identification, IdentificationsRequest, Stream, Transport, VideoCallRecord,
};

/// The most items a listing is walked for: far more than any case creates, so a listing that
/// never ends fails its case instead of hanging it.
const MAX_LISTED: usize = 10_000;

/// One HTTP adapter, with a client for a configuration and call options.
pub(crate) trait Harness: Sized {
    /// A client of this adapter for `config` (base URL and credentials), calling with
    /// `options`.
    fn new(config: Config, options: CallOptions) -> Self;

    /// Sends `endpoint` and waits for the result.
    fn send<E: Endpoint>(&self, endpoint: &E) -> Result<E::Output, Error>;

    /// Walks the listing from `first` as a user does — the async client's `Stream`, the blocking
    /// client's `Iterator` — and returns every item it yields (at most [`MAX_LISTED`]); an error
    /// is the last item, since it ends the listing (R13).
    fn identifications(&self, first: IdentificationsRequest) -> Vec<Result<Identification, Error>>;

    /// The client's `face_auth_status(scan_ref)`, which checks `scan_ref` before sending.
    fn face_auth_status(&self, scan_ref: &str) -> Result<FaceAuthStatus, Error>;

    /// The client's `face_auth_session(token_string)`, which checks the token before sending.
    fn face_auth_session(&self, token_string: &str) -> Result<FaceAuthSession, Error>;

    /// The client's `video_call_record(scan_ref)`, which checks `scan_ref` before sending.
    fn video_call_record(&self, scan_ref: &str) -> Result<VideoCallRecord, Error>;

    /// The client's `full_status(scan_ref)`, which checks `scan_ref` before sending.
    fn full_status(&self, scan_ref: &str) -> Result<FullStatus, Error>;

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

    fn identifications(&self, first: IdentificationsRequest) -> Vec<Result<Identification, Error>> {
        self.0.identifications(first)
    }

    fn face_auth_status(&self, scan_ref: &str) -> Result<FaceAuthStatus, Error> {
        self.0.face_auth_status(scan_ref)
    }

    fn face_auth_session(&self, token_string: &str) -> Result<FaceAuthSession, Error> {
        self.0.face_auth_session(token_string)
    }

    fn video_call_record(&self, scan_ref: &str) -> Result<VideoCallRecord, Error> {
        self.0.video_call_record(scan_ref)
    }

    fn full_status(&self, scan_ref: &str) -> Result<FullStatus, Error> {
        self.0.full_status(scan_ref)
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
        self.run(|client| client.send(endpoint))
    }

    /// Runs a call of the client in the runtime and waits for it.
    fn run<'a, F: Future>(&'a self, call: impl FnOnce(&'a Client<T>) -> F) -> F::Output {
        self.runtime.as_ref().unwrap().block_on(call(&self.client))
    }

    fn identifications(&self, first: IdentificationsRequest) -> Vec<Result<Identification, Error>> {
        self.run(|client| async move {
            let mut listing = std::pin::pin!(client.identifications(first));
            let mut items = Vec::new();
            while items.len() < MAX_LISTED {
                match poll_fn(|cx| listing.as_mut().poll_next(cx)).await {
                    Some(item) => items.push(item),
                    None => break,
                }
            }
            items
        })
    }
}

/// The methods of [`Harness`] beyond `new` for an adapter whose client runs in an
/// [`InRuntime`].
macro_rules! in_runtime_methods {
    () => {
        fn send<E: Endpoint>(&self, endpoint: &E) -> Result<E::Output, Error> {
            self.0.send(endpoint)
        }

        fn identifications(
            &self,
            first: IdentificationsRequest,
        ) -> Vec<Result<Identification, Error>> {
            self.0.identifications(first)
        }

        fn face_auth_status(&self, scan_ref: &str) -> Result<FaceAuthStatus, Error> {
            self.0.run(|client| client.face_auth_status(scan_ref))
        }

        fn face_auth_session(&self, token_string: &str) -> Result<FaceAuthSession, Error> {
            self.0.run(|client| client.face_auth_session(token_string))
        }

        fn video_call_record(&self, scan_ref: &str) -> Result<VideoCallRecord, Error> {
            self.0.run(|client| client.video_call_record(scan_ref))
        }

        fn full_status(&self, scan_ref: &str) -> Result<FullStatus, Error> {
            self.0.run(|client| client.full_status(scan_ref))
        }
    };
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

    in_runtime_methods!();
}

/// `idenfy-isahc` (runtime-agnostic), driven by a Tokio runtime here.
pub(crate) struct Isahc(InRuntime<idenfy_isahc::IsahcTransport>);

impl Harness for Isahc {
    fn new(config: Config, options: CallOptions) -> Self {
        Self(InRuntime::new(config, options, || {
            idenfy_isahc::IsahcTransport::new().unwrap()
        }))
    }

    in_runtime_methods!();
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

    fn identifications(&self, first: IdentificationsRequest) -> Vec<Result<Identification, Error>> {
        self.0.identifications(first).take(MAX_LISTED).collect()
    }

    fn face_auth_status(&self, scan_ref: &str) -> Result<FaceAuthStatus, Error> {
        self.0.face_auth_status(scan_ref)
    }

    fn face_auth_session(&self, token_string: &str) -> Result<FaceAuthSession, Error> {
        self.0.face_auth_session(token_string)
    }

    fn video_call_record(&self, scan_ref: &str) -> Result<VideoCallRecord, Error> {
        self.0.video_call_record(scan_ref)
    }

    fn full_status(&self, scan_ref: &str) -> Result<FullStatus, Error> {
        self.0.full_status(scan_ref)
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
