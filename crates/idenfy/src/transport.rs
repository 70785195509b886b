//! The transport abstraction: one request in, one response out.

use std::future::Future;
use std::time::Duration;

use idenfy_proto::TransportError;

use idenfy_proto::http::{Request, Response};

/// Moves one request to the server and its response back; the only I/O the client needs — and,
/// with [`sleep`](Transport::sleep) and [`now`](Transport::now), its only source of time (R11).
///
/// Implementations do no protocol work: no retries, no status interpretation, no parsing. A
/// non-2xx response is a successful transport round trip and must be returned as a response.
///
/// Closures `Fn(Request<Vec<u8>>) -> impl Future<Output = Result<Response<Vec<u8>>, TransportError>>`
/// are transports, which makes a closure the simplest test server.
///
/// Each request carries [`AttemptLimits`] in its extensions: a transport should stop waiting
/// after its `timeout` and stop reading a body longer than its `max_response_bytes` (returning
/// [`TransportErrorKind::BodyTooLarge`](crate::TransportErrorKind::BodyTooLarge)). The client
/// enforces both as well, but only the transport can stop the work early — and only it knows
/// whether a timeout struck before the connection was made (`Connect`): the async client gives
/// an attempt up itself 100 ms after its `timeout`, so that the transport's error comes first.
///
/// # Any runtime
///
/// The futures need not be `Send`: a transport over an `Rc`-based client, or over the browser's
/// `fetch` on `wasm32-unknown-unknown`, drives the client as well. The client's futures are then
/// `Send` exactly when the transport's are, which the compiler sees through a concrete transport
/// type: a call of an adapter's client (`idenfy_hyper::Client`, `idenfy_isahc::Client`) can be
/// spawned on a multi-threaded runtime. Code generic over `T: Transport` cannot name that bound
/// and spawns nothing itself.
///
/// On native targets [`sleep`](Transport::sleep) and [`now`](Transport::now) have defaults (a
/// shared timer thread, see [`default_sleep`], and the monotonic clock). On `wasm` targets there
/// is neither a thread nor, on `wasm32-unknown-unknown`, a clock the standard library can read,
/// so there the transport must provide both (e.g. `setTimeout` and `performance.now()`), and
/// closures are not transports.
pub trait Transport {
    /// Sends `request` and returns the complete response.
    fn send(
        &self,
        request: Request<Vec<u8>>,
    ) -> impl Future<Output = Result<Response<Vec<u8>>, TransportError>>;

    /// Whether [`send`](Transport::send) itself gives up once the [`AttemptLimits::timeout`] of
    /// its request has passed, with a [`TransportErrorKind::Timeout`](crate::TransportErrorKind::Timeout)
    /// error (or a `Connect` one while the connection was being set up).
    ///
    /// When `true`, the client leaves the attempt's timeout to the transport instead of also
    /// racing the attempt against a [`sleep`](Transport::sleep): one timer fewer per call, which
    /// matters for [`default_sleep`], whose every sleep wakes its timer thread twice. The
    /// default is `false`, the safe answer for a transport that cannot promise it.
    fn enforces_attempt_timeout(&self) -> bool {
        false
    }

    /// Waits `duration`: used for the pauses between retries and for the attempt and call
    /// timeouts.
    ///
    /// The default, [`default_sleep`], works under any executor (all its pending sleeps share
    /// one timer thread); adapters for a runtime return that runtime's timer.
    #[cfg(not(target_family = "wasm"))]
    fn sleep(&self, duration: Duration) -> impl Future<Output = ()> {
        default_sleep(duration)
    }

    /// Waits `duration`: used for the pauses between retries and for the attempt and call
    /// timeouts. On `wasm` targets the transport provides its own timer.
    #[cfg(target_family = "wasm")]
    fn sleep(&self, duration: Duration) -> impl Future<Output = ()>;

    /// The time on a monotonic clock, as a duration since an origin of the transport's
    /// choosing (the same for every call of one transport): the client measures its budgets
    /// with it and reads no clock of its own.
    ///
    /// The default reads the standard library's monotonic clock ([`std::time::Instant`]).
    #[cfg(not(target_family = "wasm"))]
    fn now(&self) -> Duration {
        monotonic_now()
    }

    /// The time on a monotonic clock, as a duration since an origin of the transport's
    /// choosing (the same for every call of one transport). On `wasm` targets the transport
    /// provides it (e.g. from `performance.now()`).
    #[cfg(target_family = "wasm")]
    fn now(&self) -> Duration;
}

/// The same as [`Transport`], for synchronous code: one blocking call per request.
///
/// Closures `Fn(Request<Vec<u8>>) -> Result<Response<Vec<u8>>, TransportError>` are blocking
/// transports. A blocking transport must honour the [`AttemptLimits`] in the request's
/// extensions, since a blocked thread cannot be interrupted from outside.
pub trait BlockingTransport {
    /// Sends `request` and returns the complete response.
    fn send(&self, request: Request<Vec<u8>>) -> Result<Response<Vec<u8>>, TransportError>;

    /// Blocks the thread for `duration` (the pauses between retries); by default
    /// [`std::thread::sleep`].
    #[cfg(not(target_family = "wasm"))]
    fn sleep(&self, duration: Duration) {
        std::thread::sleep(duration);
    }

    /// Blocks for `duration` (the pauses between retries). On `wasm` targets the transport
    /// provides it.
    #[cfg(target_family = "wasm")]
    fn sleep(&self, duration: Duration);

    /// The time on a monotonic clock, as for [`Transport::now`]; by default the standard
    /// library's monotonic clock.
    #[cfg(not(target_family = "wasm"))]
    fn now(&self) -> Duration {
        monotonic_now()
    }

    /// The time on a monotonic clock, as for [`Transport::now`]. On `wasm` targets the
    /// transport provides it.
    #[cfg(target_family = "wasm")]
    fn now(&self) -> Duration;
}

#[cfg(not(target_family = "wasm"))]
impl<F> BlockingTransport for F
where
    F: Fn(Request<Vec<u8>>) -> Result<Response<Vec<u8>>, TransportError>,
{
    fn send(&self, request: Request<Vec<u8>>) -> Result<Response<Vec<u8>>, TransportError> {
        self(request)
    }
}

/// Waits `duration` on a timer thread shared by the whole process ([`futures-timer`]), under any
/// executor: what [`Transport::sleep`] does by default on native targets, for transports that
/// have no runtime timer of their own. A pending sleep is forgotten as soon as it is dropped, so
/// a finished call leaves nothing behind.
///
/// [`futures-timer`]: https://docs.rs/futures-timer
#[cfg(not(target_family = "wasm"))]
pub fn default_sleep(duration: Duration) -> impl Future<Output = ()> + Send + Sync + 'static {
    futures_timer::Delay::new(duration)
}

/// The standard library's monotonic clock as a duration since the first reading in this
/// process: what [`Transport::now`] and [`BlockingTransport::now`] return by default.
#[cfg(not(target_family = "wasm"))]
fn monotonic_now() -> Duration {
    use std::sync::OnceLock;
    use std::time::Instant;
    static ORIGIN: OnceLock<Instant> = OnceLock::new();
    let origin = *ORIGIN.get_or_init(Instant::now);
    origin.elapsed()
}

/// A transport that can set itself up with sensible defaults (connection pool, TLS with the
/// usual root certificates, connect timeout). Implemented by the adapters; it is what makes
/// `Client::new(credentials)` work.
pub trait DefaultTransport: Sized {
    /// The transport with its default setup.
    fn default_transport() -> Result<Self, TransportError>;
}

/// The limits of one attempt, put into every request's extensions by the client.
///
/// ```
/// # use idenfy::{AttemptLimits, http::Request};
/// # fn transport(request: Request<Vec<u8>>) {
/// let limits = request.extensions().get::<AttemptLimits>().copied().unwrap_or_default();
/// let _ = (limits.timeout(), limits.max_response_bytes());
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptLimits {
    timeout: Duration,
    max_response_bytes: usize,
    may_replay: bool,
}

impl AttemptLimits {
    pub(crate) fn new(timeout: Duration, max_response_bytes: usize, may_replay: bool) -> Self {
        Self {
            timeout,
            max_response_bytes,
            may_replay,
        }
    }

    /// Whether the transport may send this request again on its own — e.g. on a fresh
    /// connection after a kept-alive one died without an answer. `false` for token creation
    /// (R9): the server may have processed the first copy, and a second would be a second
    /// token. A transport that cannot tell must then report the failure instead of resending.
    pub fn may_replay(&self) -> bool {
        self.may_replay
    }

    /// How long this attempt may take at most: what is left of the call's total timeout.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The largest response body to accept.
    pub fn max_response_bytes(&self) -> usize {
        self.max_response_bytes
    }
}

impl Default for AttemptLimits {
    /// The client's defaults: 30 s, 32 MiB, and no replay (the safe assumption).
    fn default() -> Self {
        Self::new(
            crate::policy::DEFAULT_TIMEOUT,
            crate::policy::DEFAULT_MAX_RESPONSE_BYTES,
            false,
        )
    }
}

#[cfg(not(target_family = "wasm"))]
impl<F, Fut> Transport for F
where
    F: Fn(Request<Vec<u8>>) -> Fut,
    Fut: Future<Output = Result<Response<Vec<u8>>, TransportError>>,
{
    fn send(
        &self,
        request: Request<Vec<u8>>,
    ) -> impl Future<Output = Result<Response<Vec<u8>>, TransportError>> {
        self(request)
    }
}
