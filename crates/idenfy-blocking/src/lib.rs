//! The blocking iDenfy client over [ureq] 3: [`idenfy`] for synchronous code, with no async
//! runtime anywhere in its dependencies.
//!
//! [`Client`] is the core's [`BlockingClient`](idenfy::BlockingClient) with [`UreqTransport`]
//! filled in. The core crate is re-exported whole as [`idenfy`] (every protocol type, webhooks,
//! `http`), and the few names a first call needs at the root:
//!
//! ```no_run
//! use idenfy_blocking::{Client, Credentials, TokenRequest};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::new(Credentials::new("api-key", "api-secret")?)?;
//! let token = client.create_token(&TokenRequest::builder("customer-42").build()?)?;
//! println!("send the person to {}", client.redirect_url(&token.auth_token));
//! # Ok(())
//! # }
//! ```
//!
//! The transport only moves bytes: retries, the call's total timeout and the interpretation of
//! statuses live in the core. Per attempt it honours the [`AttemptLimits`] the core puts into
//! each request: the time left becomes ureq's global timeout, and the body is read up to the
//! size limit and no further. Every request is configured to return error statuses as
//! responses (`http_status_as_error(false)`), so iDenfy's error bodies reach the parser, and
//! to follow no redirects. On the connections of the default transport, a single read or
//! write that waits may outlast the attempt's deadline by less than 10 ms: the socket's
//! timeout is set in 10 ms steps, so that it is not set again at every read (one system call
//! each).
//!
//! # TLS
//!
//! rustls with the crypto provider and the roots the crate's features choose, the provider
//! passed explicitly to ureq (never rustls' process-wide default, which rustls cannot choose
//! when two providers are compiled in):
//!
//! | feature | what | with both |
//! |---|---|---|
//! | `aws-lc-rs` (default), `ring` | rustls' crypto provider | aws-lc-rs |
//! | `webpki-roots` (default), `platform-verifier` | Mozilla's roots compiled in (the same on every machine, and in minimal containers), or the system's verifier (rustls-platform-verifier) | the platform verifier |
//!
//! `default-features = false, features = ["ring", "webpki-roots"]` builds without aws-lc; at
//! least one feature of each row is required. Plain `http` works too; the core allows it only
//! for loopback hosts (the emulator, tests) unless told otherwise.
//!
//! # Proxies
//!
//! ureq reads the proxy variables when the transport is built: the first of `ALL_PROXY`,
//! `HTTPS_PROXY` and `HTTP_PROXY` that is set (either case) is the proxy for every destination,
//! `http` and `https` alike, and `NO_PROXY` (either case) names the hosts reached directly.
//! Loopback destinations are not exempt unless `NO_PROXY` names them. Every request goes
//! through a `CONNECT` tunnel, plain `http` ones too; credentials in the proxy's URL go to the
//! proxy alone. The connect timeout covers the tunnel. A SOCKS proxy (`socks5://…`) fails the
//! connection with `Connect` instead of being gone around: ureq speaks SOCKS only with its
//! `socks-proxy` feature, which this crate does not enable. For other proxy settings, pass an
//! agent of your own to [`UreqTransport::from_agent`].
//!
//! # Logging: turn `ureq_proto` below TRACE (R10)
//!
//! ureq's protocol crate, `ureq-proto`, writes a hex dump of every request and response head
//! it handles — the `Authorization` header with the API secret, and request bodies with personal
//! data — at TRACE level through the `log` facade (target `ureq_proto::util`). `log` has one
//! global logger and no per-call scope, so nothing in this crate can silence it for its own
//! requests. A service that logs at TRACE must filter that target out, e.g.
//! `RUST_LOG=trace,ureq_proto=debug` with `env_logger`, or a `tracing-subscriber` `EnvFilter`
//! with `ureq_proto=debug` when `log` records are bridged into tracing. `idenfy-hyper` and
//! `idenfy-isahc` log no secret at any level (checked by the workspace's
//! `no_secret_in_logs` test, which also checks that this dump still happens).
//!
//! [ureq]: https://docs.rs/ureq/3
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::fmt;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use ureq::config::Config as UreqConfig;
use ureq::http::Uri;
use ureq::tls::{RootCerts, TlsConfig, TlsProvider};
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{
    Buffers, ConnectProxyConnector, ConnectionDetails, Connector, NextTimeout, RustlsConnector,
    TcpConnector, Transport,
};
use ureq::{Agent, ProxyProtocol, Timeout};

use idenfy::http::{Request, Response};
use idenfy::{
    AttemptLimits, BlockingTransport, DefaultTransport, TransportError, TransportErrorKind,
};

pub use idenfy;
#[doc(no_inline)]
pub use idenfy::{CallOptions, Config, Credentials, Error, RetryPolicy, TokenRequest};

/// The blocking iDenfy client over ureq: `idenfy_blocking::Client::new(credentials)?`.
pub type Client = idenfy::BlockingClient<UreqTransport>;

/// How long establishing a connection (DNS, TCP and TLS) may take by default.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A [`BlockingTransport`] over a [`ureq::Agent`] (a connection pool).
///
/// Cloning is cheap and shares the pool.
#[derive(Clone)]
pub struct UreqTransport {
    agent: Agent,
}

impl UreqTransport {
    /// The default transport: rustls (provider and roots chosen by the crate's features: see
    /// the crate documentation), a 10 s connect timeout, the proxies of the environment.
    pub fn new() -> Result<Self, TransportError> {
        Ok(Self::with_connect_timeout(DEFAULT_CONNECT_TIMEOUT))
    }

    /// The default transport with another connect timeout.
    pub fn with_connect_timeout(timeout: Duration) -> Self {
        let tls = TlsConfig::builder()
            .provider(TlsProvider::Rustls)
            .root_certs(root_certs())
            .unversioned_rustls_crypto_provider(crypto_provider())
            .build();
        let config = Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_connect(Some(timeout))
            .tls_config(tls)
            .build();
        let agent = Agent::with_parts(
            config,
            PhaseConnector {
                inner: connector_chain(),
                resolver: DefaultResolver::default(),
            },
            DeferredResolver,
        );
        Self { agent }
    }

    /// A transport over a ureq agent of your own (a proxy, other certificates, other pool
    /// settings).
    ///
    /// This transport cannot see which phase a failure of your agent happened in (it marks
    /// connection set-up failures only on the agents it builds), so an I/O error of your agent
    /// is never `Connect`, whatever its error code: a refused connection is then `Io`, which a
    /// read-only call retries and token creation does not (R9). Only failures that name their
    /// phase — DNS, a connect timeout, a proxy's refusal, a certificate the handshake rejected —
    /// are `Connect`.
    ///
    /// Whatever the agent's settings, each request is sent with `http_status_as_error(false)`
    /// (so error bodies reach the parser), no redirects followed, and the attempt's timeout.
    /// If the agent uses rustls, give it a crypto provider
    /// (`TlsConfig::builder().unversioned_rustls_crypto_provider(...)`): this crate enables no
    /// ureq default provider.
    pub fn from_agent(agent: Agent) -> Self {
        Self { agent }
    }

    /// The underlying ureq agent.
    pub fn agent(&self) -> &Agent {
        &self.agent
    }
}

/// The crypto provider the crate's features choose: aws-lc-rs when `aws-lc-rs` is enabled,
/// ring otherwise. Passed to ureq explicitly, never installed as the process default.
fn crypto_provider() -> Arc<rustls::crypto::CryptoProvider> {
    #[cfg(feature = "aws-lc-rs")]
    let provider = rustls::crypto::aws_lc_rs::default_provider();
    #[cfg(all(feature = "ring", not(feature = "aws-lc-rs")))]
    let provider = rustls::crypto::ring::default_provider();
    Arc::new(provider)
}

/// The roots the crate's features choose: the platform's verifier when `platform-verifier` is
/// enabled, Mozilla's (`webpki-roots`) otherwise.
fn root_certs() -> RootCerts {
    #[cfg(feature = "platform-verifier")]
    let roots = RootCerts::PlatformVerifier;
    #[cfg(all(feature = "webpki-roots", not(feature = "platform-verifier")))]
    let roots = RootCerts::WebPki;
    roots
}

#[cfg(not(any(feature = "aws-lc-rs", feature = "ring")))]
compile_error!(
    "idenfy-blocking needs a rustls crypto provider: enable its feature `aws-lc-rs` (the \
     default) or `ring`"
);

#[cfg(not(any(feature = "webpki-roots", feature = "platform-verifier")))]
compile_error!(
    "idenfy-blocking needs root certificates: enable its feature `webpki-roots` (the default) or \
     `platform-verifier`"
);

impl DefaultTransport for UreqTransport {
    fn default_transport() -> Result<Self, TransportError> {
        Self::new()
    }
}

impl fmt::Debug for UreqTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UreqTransport").finish_non_exhaustive()
    }
}

impl BlockingTransport for UreqTransport {
    fn send(&self, request: Request<Vec<u8>>) -> Result<Response<Vec<u8>>, TransportError> {
        let limits = request
            .extensions()
            .get::<AttemptLimits>()
            .copied()
            .unwrap_or_default();
        let request = self
            .agent
            .configure_request(request)
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(limits.timeout()))
            .build();
        let response = self.agent.run(request).map_err(map_error)?;
        let (parts, mut body) = response.into_parts();
        let bytes = body
            .with_config()
            .limit(u64::try_from(limits.max_response_bytes()).unwrap_or(u64::MAX))
            .read_to_vec()
            .map_err(map_error)?;
        Ok(Response::from_parts(parts, bytes))
    }
}

/// Wraps ureq's connector chain (TCP, TLS handshake, proxies) so that every failure it returns
/// is marked as a failure to set up the connection: nothing of the request can have been
/// written yet. Errors after that — on a fresh or a pooled connection — carry no mark.
///
/// It also resolves the host name, which ureq leaves to it (see [`DeferredResolver`]): only
/// when a connection is made, within the connect timeout, with ureq's own resolver, and only
/// where ureq would have (no proxy, a host `NO_PROXY` names, or a proxy that wants the
/// target's address). A resolution failure is a set-up failure too.
#[derive(Debug)]
struct PhaseConnector<C> {
    inner: C,
    resolver: DefaultResolver,
}

impl<C: Connector<()>> Connector<()> for PhaseConnector<C> {
    type Out = C::Out;

    fn connect(
        &self,
        details: &ConnectionDetails<'_>,
        chained: Option<()>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        let set_up_failed =
            |error: ureq::Error| ureq::Error::Io(io::Error::other(SetUpFailed(Box::new(error))));
        // A proxy this build cannot speak (SOCKS: ureq's `socks-proxy` feature is off) fails the
        // connection; ureq's default chain would warn and connect around it.
        if let Some(proxy) = details.config.proxy()
            && !matches!(proxy.protocol(), ProxyProtocol::Http | ProxyProtocol::Https)
            && !proxy.is_no_proxy(details.uri)
        {
            return Err(set_up_failed(ureq::Error::ConnectProxyFailed(
                "idenfy-blocking speaks to http:// and https:// proxies only, not SOCKS; use one \
                 of those, or name the host in NO_PROXY"
                    .to_owned(),
            )));
        }
        let resolve = details.addrs.is_empty()
            && details
                .config
                .proxy()
                .is_none_or(|proxy| proxy.is_no_proxy(details.uri) || proxy.resolve_target());
        let addrs = if resolve {
            // An address written as such needs no lookup, so no thread to bound one with.
            let timeout = if host_is_ip_literal(details.uri) {
                NextTimeout::default()
            } else {
                details.timeout
            };
            self.resolver
                .resolve(details.uri, details.config, timeout)
                .map_err(set_up_failed)?
        } else {
            details.addrs.clone()
        };
        // The same details, with the addresses and a resolver that resolves (a CONNECT proxy's
        // connector resolves the proxy's host with it).
        let details = ConnectionDetails {
            uri: details.uri,
            addrs,
            resolver: &self.resolver,
            config: details.config,
            request_level: details.request_level,
            now: details.now,
            timeout: details.timeout,
            current_time: Arc::clone(&details.current_time),
            run_connector: Arc::clone(&details.run_connector),
            register_shutdown: Arc::clone(&details.register_shutdown),
        };
        self.inner.connect(&details, chained).map_err(set_up_failed)
    }
}

/// The connectors of ureq's `DefaultConnector` for this crate's build — an HTTP `CONNECT`
/// proxy's tunnel, TCP, then rustls — with [`SteadyConnector`] between TCP and TLS, so that the
/// socket sees the steady timeouts whether or not the connection is encrypted. (ureq's default
/// chain also has connectors that only warn or panic when a SOCKS proxy or another TLS library
/// is asked for without its feature: this crate's agent asks for no other TLS library, and
/// [`PhaseConnector`] refuses a SOCKS proxy.)
fn connector_chain() -> impl Connector<(), Out = impl Transport> {
    ().chain(ConnectProxyConnector::default())
        .chain(TcpConnector::default())
        .chain(SteadyConnector)
        .chain(RustlsConnector::default())
}

/// Wraps the connection it is given in [`SteadyTimeouts`].
#[derive(Debug)]
struct SteadyConnector;

impl<In: Transport> Connector<In> for SteadyConnector {
    type Out = SteadyTimeouts<In>;

    fn connect(
        &self,
        _details: &ConnectionDetails<'_>,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        Ok(chained.map(SteadyTimeouts))
    }
}

/// Whether the host of `uri` is an IP address — IPv4 as it is, IPv6 in brackets (`127.0.0.1`,
/// `[::1]`) — rather than a name. Anything else (`[127.0.0.1]`, a zone) is left to the resolver.
fn host_is_ip_literal(uri: &Uri) -> bool {
    uri.host().is_some_and(|host| {
        match host
            .strip_prefix('[')
            .and_then(|rest| rest.strip_suffix(']'))
        {
            Some(inside) => inside.parse::<std::net::Ipv6Addr>().is_ok(),
            None => host.parse::<std::net::Ipv4Addr>().is_ok(),
        }
    })
}

/// The granularity of the timeouts [`SteadyTimeouts`] passes on.
const TIMEOUT_STEP: Duration = Duration::from_millis(10);

/// A socket of a connection this crate's agent made (below TLS, if any), handed each timeout
/// rounded up to a multiple of [`TIMEOUT_STEP`].
///
/// The attempt's timeout is a deadline, so the time left differs at every read and write, and
/// ureq's socket transport sets the socket's timeout (`setsockopt`) whenever the value it is
/// given changes: three system calls more per request than the same request without a timeout,
/// about a tenth of a loopback `status` call's CPU (`idenfy-bench`'s `e2e`). Rounded up, the
/// value stays the same from one read to the next, and from one request to the next, until
/// `TIMEOUT_STEP` has passed. (Over TLS, rustls' transport hands the socket the time left at
/// each read and write, to the nanosecond; rounded here, below it, the socket's value is as
/// steady as without TLS.) A read or write that waits can therefore outlast the attempt's
/// deadline by less than `TIMEOUT_STEP`; ureq checks the deadline itself between them.
#[derive(Debug)]
struct SteadyTimeouts<T>(T);

impl<T> SteadyTimeouts<T> {
    fn steady(mut timeout: NextTimeout) -> NextTimeout {
        if let ureq::unversioned::transport::time::Duration::Exact(after) = timeout.after {
            let step = TIMEOUT_STEP.as_nanos();
            let rounded = after.as_nanos().div_ceil(step).saturating_mul(step);
            let rounded = u64::try_from(rounded).map_or(after, Duration::from_nanos);
            timeout.after = rounded.into();
        }
        timeout
    }
}

impl<T: Transport> Transport for SteadyTimeouts<T> {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.0.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        self.0.transmit_output(amount, Self::steady(timeout))
    }

    fn maybe_await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.0.maybe_await_input(Self::steady(timeout))
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.0.await_input(Self::steady(timeout))
    }

    fn is_open(&mut self) -> bool {
        self.0.is_open()
    }

    fn is_tls(&self) -> bool {
        self.0.is_tls()
    }
}

/// The agent's resolver: it resolves nothing, leaving the host name to [`PhaseConnector`].
///
/// ureq resolves the host of every request before it looks in its connection pool, and with a
/// timeout set — every request of this transport has one, the attempt's — its resolver does so
/// on a thread spawned for the purpose, even when a pooled connection is then used. On
/// loopback that made a `status` call about four times slower than the same request through a
/// bare agent (`idenfy-bench`'s `e2e`); resolving in the connector makes it once per new
/// connection.
#[derive(Debug)]
struct DeferredResolver;

impl Resolver for DeferredResolver {
    fn resolve(
        &self,
        _uri: &Uri,
        _config: &UreqConfig,
        _timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        Ok(self.empty())
    }
}

/// A failure of ureq's connector chain: the request was not sent.
#[derive(Debug)]
struct SetUpFailed(Box<ureq::Error>);

impl fmt::Display for SetUpFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "connection set-up failed: {}", self.0)
    }
}

impl std::error::Error for SetUpFailed {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.0)
    }
}

/// Maps ureq's errors onto the core's kinds: `Connect` only when the request certainly did not
/// reach the server — decided by the phase the error happened in, never by an OS error code
/// (an `EHOSTUNREACH` stored on an established socket is not a failed connect).
fn map_error(error: ureq::Error) -> TransportError {
    use TransportErrorKind as Kind;
    let kind = match &error {
        ureq::Error::Io(io) => match io.get_ref().and_then(|e| e.downcast_ref::<SetUpFailed>()) {
            // Set-up failed: nothing was sent, unless the request itself is unusable.
            Some(SetUpFailed(inner)) => match phase_free_kind(inner) {
                Kind::Other => Kind::Other,
                _ => Kind::Connect,
            },
            None => phase_free_kind(&error),
        },
        _ => phase_free_kind(&error),
    };
    TransportError::with_source(kind, error)
}

/// The kind of an error whose phase is unknown (an agent of the user's, or after the
/// connection was set up): `Connect` only for errors that name their phase.
fn phase_free_kind(error: &ureq::Error) -> TransportErrorKind {
    use TransportErrorKind as Kind;
    match error {
        ureq::Error::HostNotFound
        | ureq::Error::ConnectionFailed
        | ureq::Error::ConnectProxyFailed(_)
        | ureq::Error::Tls(_)
        | ureq::Error::Rustls(_)
        | ureq::Error::Timeout(Timeout::Resolve | Timeout::Connect) => Kind::Connect,
        ureq::Error::Timeout(_) => Kind::Timeout,
        ureq::Error::BodyExceedsLimit(_) => Kind::BodyTooLarge,
        ureq::Error::Io(error) if error.kind() == io::ErrorKind::TimedOut => Kind::Timeout,
        // A certificate the handshake rejected: only a handshake raises these.
        ureq::Error::Io(error) => match error
            .get_ref()
            .and_then(|e| e.downcast_ref::<rustls::Error>())
        {
            Some(
                rustls::Error::InvalidCertificate(_)
                | rustls::Error::NoCertificatesPresented
                | rustls::Error::PeerIncompatible(_)
                | rustls::Error::UnsupportedNameType,
            ) => Kind::Connect,
            _ => Kind::Io,
        },
        ureq::Error::Http(_)
        | ureq::Error::BadUri(_)
        | ureq::Error::InvalidProxyUrl
        | ureq::Error::RequireHttpsOnly(_)
        | ureq::Error::TlsRequired
        | ureq::Error::Pem(_) => Kind::Other,
        _ => Kind::Io,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set_up_failed(error: ureq::Error) -> ureq::Error {
        ureq::Error::Io(io::Error::other(SetUpFailed(Box::new(error))))
    }

    /// An error code alone decides nothing: a stored `EHOSTUNREACH` or `ECONNREFUSED` read on an
    /// established socket is `Io`; the same codes from connection set-up are `Connect`.
    #[test]
    fn connect_is_decided_by_the_phase_not_the_error_code() {
        for code in [
            io::ErrorKind::HostUnreachable,
            io::ErrorKind::ConnectionRefused,
            io::ErrorKind::NetworkUnreachable,
            io::ErrorKind::AddrNotAvailable,
        ] {
            let established = map_error(ureq::Error::Io(io::Error::from(code)));
            assert_eq!(established.kind(), TransportErrorKind::Io, "{code:?}");
            let set_up = map_error(set_up_failed(ureq::Error::Io(io::Error::from(code))));
            assert_eq!(set_up.kind(), TransportErrorKind::Connect, "{code:?}");
        }
    }

    #[test]
    fn set_up_failures_are_connect_unless_the_request_itself_is_unusable() {
        let timeout = map_error(set_up_failed(ureq::Error::Timeout(Timeout::Global)));
        assert_eq!(timeout.kind(), TransportErrorKind::Connect);
        let handshake = map_error(set_up_failed(ureq::Error::Io(io::Error::new(
            io::ErrorKind::InvalidData,
            "garbled handshake",
        ))));
        assert_eq!(handshake.kind(), TransportErrorKind::Connect);
        let unusable = map_error(set_up_failed(ureq::Error::TlsRequired));
        assert_eq!(unusable.kind(), TransportErrorKind::Other);
        // The cause stays reachable.
        assert!(std::error::Error::source(&unusable).is_some());
    }

    #[test]
    fn after_set_up_only_errors_that_name_their_phase_are_connect() {
        let connect_timeout = map_error(ureq::Error::Timeout(Timeout::Connect));
        assert_eq!(connect_timeout.kind(), TransportErrorKind::Connect);
        let read_timeout = map_error(ureq::Error::Timeout(Timeout::RecvResponse));
        assert_eq!(read_timeout.kind(), TransportErrorKind::Timeout);
        let reset = map_error(ureq::Error::Io(io::Error::from(
            io::ErrorKind::ConnectionReset,
        )));
        assert_eq!(reset.kind(), TransportErrorKind::Io);
    }

    fn timeout_after(after: ureq::unversioned::transport::time::Duration) -> NextTimeout {
        NextTimeout {
            after,
            ..NextTimeout::default()
        }
    }

    /// Each timeout is rounded up to the step, never down (a read must not give up before the
    /// deadline), and a value already on a step is kept, so successive reads see one value.
    #[test]
    fn steady_timeouts_round_up_to_the_step() {
        use ureq::unversioned::transport::time::Duration as UreqDuration;
        let steady = |after: Duration| {
            let timeout = SteadyTimeouts::<()>::steady(timeout_after(after.into()));
            *timeout.after
        };
        assert_eq!(steady(Duration::from_nanos(1)), TIMEOUT_STEP);
        assert_eq!(steady(TIMEOUT_STEP), TIMEOUT_STEP);
        assert_eq!(
            steady(Duration::from_secs(30) - Duration::from_micros(250)),
            Duration::from_secs(30)
        );
        assert_eq!(
            steady(Duration::from_secs(30) - Duration::from_micros(250)),
            steady(Duration::from_secs(30) - Duration::from_millis(9)),
        );
        assert_eq!(steady(Duration::ZERO), Duration::ZERO);
        let never = SteadyTimeouts::<()>::steady(timeout_after(UreqDuration::NotHappening));
        assert!(never.after.is_not_happening());
        // A value too large to round is passed on as it is.
        assert_eq!(steady(Duration::MAX), Duration::MAX);
    }

    /// A connection that records the timeouts it is handed.
    #[derive(Debug)]
    struct Recording {
        buffers: ureq::unversioned::transport::LazyBuffers,
        seen: Vec<Duration>,
    }

    impl Transport for Recording {
        fn buffers(&mut self) -> &mut dyn Buffers {
            &mut self.buffers
        }

        fn transmit_output(
            &mut self,
            _amount: usize,
            timeout: NextTimeout,
        ) -> Result<(), ureq::Error> {
            self.seen.push(*timeout.after);
            Ok(())
        }

        fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
            self.seen.push(*timeout.after);
            Ok(false)
        }

        fn is_open(&mut self) -> bool {
            true
        }
    }

    /// What a socket in [`SteadyTimeouts`] is handed for reads and writes with deadlines
    /// a few microseconds apart: one value, the time left rounded up.
    #[test]
    fn a_connection_in_steady_timeouts_sees_one_rounded_timeout() {
        let recording = Recording {
            buffers: ureq::unversioned::transport::LazyBuffers::new(64, 64),
            seen: Vec::new(),
        };
        let mut steady = SteadyTimeouts(recording);
        for left in [
            Duration::from_secs(30) - Duration::from_micros(40),
            Duration::from_secs(30) - Duration::from_micros(310),
            Duration::from_secs(30) - Duration::from_micros(2_500),
        ] {
            steady
                .transmit_output(1, timeout_after(left.into()))
                .unwrap();
            steady.await_input(timeout_after(left.into())).unwrap();
        }
        assert_eq!(steady.0.seen, vec![Duration::from_secs(30); 6]);
    }

    #[test]
    fn ip_literal_hosts_are_told_from_names() {
        for (uri, literal) in [
            ("http://127.0.0.1:8080/api", true),
            ("https://[::1]:8443/", true),
            ("https://ivs.idenfy.com/api/v2/token", false),
            ("http://localhost:8080/", false),
            ("http://127.0.0.1.example/", false),
            ("http://[127.0.0.1]/", false),
        ] {
            let uri: Uri = uri.parse().unwrap_or_else(|_| unreachable!("a valid URI"));
            assert_eq!(host_is_ip_literal(&uri), literal, "{uri}");
        }
    }
}
