//! R11, any runtime: the core reads its time from the transport, a transport whose futures are
//! not `Send` drives the async client, and the adapters' clients still give `Send` futures to
//! multi-threaded runtimes.
//!
//! The clock tests run on a clock of the test's own (a `Cell` the transport advances), so the
//! budgets they check are exact and nothing sleeps for real.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;
use std::time::Duration;

use idenfy::http::{Request, Response};
use idenfy::{
    BlockingClient, BlockingTransport, CallOptions, Client, Config, Credentials, Error,
    ErrorIdentifier, TokenRequest, Transport, TransportError,
};
use idenfy_emulator::Emulator;

const SCAN_REF: &str = "5d2c8f1e-0b7a-4c3d-9e6f-1a2b3c4d5e6f";
const STATUS_BODY: &str =
    r#"{"status":"APPROVED","scanRef":"5d2c8f1e-0b7a-4c3d-9e6f-1a2b3c4d5e6f"}"#;
const TOKEN_BODY: &str = r#"{"authToken":"AbCdEfGhIjKlMnOpQrStUvWxYz","scanRef":"5d2c8f1e-0b7a-4c3d-9e6f-1a2b3c4d5e6f"}"#;
const UNAVAILABLE: &str = r#"{"identifier":"INTERNAL_ERROR","message":"try later"}"#;

fn config() -> Config {
    Config::new(Credentials::new("key", "secret").unwrap())
}

fn response(status: u16, retry_after: Option<&str>, body: &str) -> Response<Vec<u8>> {
    let mut builder = Response::builder().status(status);
    if let Some(value) = retry_after {
        builder = builder.header("retry-after", value);
    }
    builder.body(body.as_bytes().to_vec()).unwrap()
}

/// A transport built on `Rc` and `RefCell`, whose futures hold an `Rc` across an await and so
/// are not `Send`; its timer is Tokio's and its clock Tokio's `Instant`.
struct RcTransport {
    /// The paths requested, in order.
    log: Rc<RefCell<Vec<String>>>,
    /// The answers still to give, first to last.
    answers: Rc<RefCell<Vec<Response<Vec<u8>>>>>,
    origin: tokio::time::Instant,
}

impl Transport for RcTransport {
    fn send(
        &self,
        request: Request<Vec<u8>>,
    ) -> impl Future<Output = Result<Response<Vec<u8>>, TransportError>> {
        let log = Rc::clone(&self.log);
        let answers = Rc::clone(&self.answers);
        async move {
            // Held across the await: this future is not `Send`.
            let held = Rc::clone(&log);
            tokio::task::yield_now().await;
            held.borrow_mut().push(request.uri().path().to_owned());
            let mut answers = answers.borrow_mut();
            assert!(!answers.is_empty(), "more requests than scripted answers");
            Ok(answers.remove(0))
        }
    }

    fn sleep(&self, duration: Duration) -> impl Future<Output = ()> {
        tokio::time::sleep(duration)
    }

    fn now(&self) -> Duration {
        self.origin.elapsed()
    }
}

#[test]
fn r11_a_transport_whose_futures_are_not_send_drives_the_client_on_a_current_thread_runtime() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let log = Rc::new(RefCell::new(Vec::new()));
    let answers = Rc::new(RefCell::new(vec![
        response(201, None, TOKEN_BODY),
        response(503, Some("0"), UNAVAILABLE),
        response(200, None, STATUS_BODY),
    ]));
    runtime.block_on(async {
        let transport = RcTransport {
            log: Rc::clone(&log),
            answers: Rc::clone(&answers),
            origin: tokio::time::Instant::now(),
        };
        let client = Client::with_transport(config(), transport);
        let token = client
            .create_token(&TokenRequest::builder("customer-42").build().unwrap())
            .await
            .unwrap();
        assert_eq!(token.scan_ref.as_str(), SCAN_REF);
        // A 503 with `Retry-After: 0`, retried after the transport's (Tokio's) sleep.
        let status = client.status(SCAN_REF).await.unwrap();
        assert!(status.is_approved());
    });
    assert_eq!(
        *log.borrow(),
        ["/api/v2/token", "/api/v2/status", "/api/v2/status"]
    );
    assert!(answers.borrow().is_empty());
}

/// A transport on a clock of the test's own: each request costs `cost` on that clock, each
/// sleep advances it by its duration and returns at once. Answers are scripted.
struct ManualClock {
    clock: Cell<Duration>,
    cost: Duration,
    answers: RefCell<Vec<Response<Vec<u8>>>>,
    attempts: Cell<usize>,
    slept: RefCell<Vec<Duration>>,
}

impl ManualClock {
    fn new(cost: Duration, answers: Vec<Response<Vec<u8>>>) -> Self {
        Self {
            clock: Cell::new(Duration::from_secs(1_000)),
            cost,
            answers: RefCell::new(answers),
            attempts: Cell::new(0),
            slept: RefCell::new(Vec::new()),
        }
    }

    fn answer(&self) -> Response<Vec<u8>> {
        self.attempts.set(self.attempts.get() + 1);
        self.clock.set(self.clock.get() + self.cost);
        let mut answers = self.answers.borrow_mut();
        assert!(!answers.is_empty(), "more requests than scripted answers");
        answers.remove(0)
    }

    fn pause(&self, duration: Duration) {
        self.slept.borrow_mut().push(duration);
        self.clock.set(self.clock.get() + duration);
    }
}

impl Transport for ManualClock {
    fn send(
        &self,
        _request: Request<Vec<u8>>,
    ) -> impl Future<Output = Result<Response<Vec<u8>>, TransportError>> {
        std::future::ready(Ok(self.answer()))
    }

    async fn sleep(&self, duration: Duration) {
        // The attempt's timeout sleep is raced against `send`, which is ready first, so it is
        // never polled; a pause between retries is, and moves the clock when it is.
        self.pause(duration);
    }

    fn now(&self) -> Duration {
        self.clock.get()
    }
}

impl BlockingTransport for ManualClock {
    fn send(&self, _request: Request<Vec<u8>>) -> Result<Response<Vec<u8>>, TransportError> {
        Ok(self.answer())
    }

    fn sleep(&self, duration: Duration) {
        self.pause(duration);
    }

    fn now(&self) -> Duration {
        self.clock.get()
    }
}

fn expect_unavailable(result: Result<impl std::fmt::Debug, Error>) {
    match result {
        Err(Error::Api(error)) => {
            assert_eq!(error.status().as_u16(), 503);
            assert_eq!(error.identifier(), Some(&ErrorIdentifier::InternalError));
        }
        other => panic!("expected the 503 answer, got {other:?}"),
    }
}

/// On the transport's clock an attempt takes 29.8 s of the 30 s budget: no retry can start with
/// a useful attempt budget, so the 503 is the call's answer after one attempt. With the real
/// clock (where the attempt took no time) the default policy would have retried twice.
#[test]
fn r11_the_async_client_measures_its_budget_on_the_transports_clock() {
    let transport = ManualClock::new(
        Duration::from_millis(29_800),
        vec![response(503, Some("0"), UNAVAILABLE)],
    );
    let client = Client::with_transport(config(), transport);
    expect_unavailable(pollster::block_on(client.status(SCAN_REF)));
    assert_eq!(client.transport().attempts.get(), 1);
}

/// The same through the blocking client, whose pauses are the transport's too: a 503 with
/// `Retry-After: 2` is waited out on the transport's clock (no real sleep), then the second
/// attempt answers. A third scripted answer is never asked for.
#[test]
fn r11_the_blocking_client_pauses_and_measures_on_the_transports_clock() {
    let transport = ManualClock::new(
        Duration::from_secs(1),
        vec![
            response(503, Some("2"), UNAVAILABLE),
            response(200, None, STATUS_BODY),
        ],
    );
    let started = std::time::Instant::now();
    let client = BlockingClient::with_transport(config(), transport);
    assert!(client.status(SCAN_REF).unwrap().is_approved());
    assert!(started.elapsed() < Duration::from_secs(1), "slept for real");
    assert_eq!(client.transport().attempts.get(), 2);
    assert_eq!(*client.transport().slept.borrow(), [Duration::from_secs(2)]);

    // Each attempt costs 16 s on this clock: after the first 503 (`Retry-After: 2`), 12 s of
    // the 30 s remain, enough for a retry; after the second, none is left, and its 503 is the
    // answer.
    let transport = ManualClock::new(
        Duration::from_secs(16),
        vec![
            response(503, Some("2"), UNAVAILABLE),
            response(503, Some("2"), UNAVAILABLE),
        ],
    );
    let client = BlockingClient::with_transport(config(), transport)
        .with_options(CallOptions::default().with_timeout(Duration::from_secs(30)));
    expect_unavailable(client.status(SCAN_REF));
    assert_eq!(client.transport().attempts.get(), 2);
}

fn assert_send<T: Send>(value: T) -> T {
    value
}

/// The adapters' clients give `Send` futures (checked at compile time by `assert_send`), so a
/// call can be spawned on a multi-threaded runtime; here each one really is, against the
/// emulator.
#[test]
fn r11_adapter_calls_can_be_spawned_on_a_multi_threaded_runtime() {
    let emulator = Emulator::start_blocking().unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let request = TokenRequest::builder("customer-42").build().unwrap();
    let _entered = runtime.enter();

    let hyper = std::sync::Arc::new(idenfy_hyper::Client::with_transport(
        emulator.config(),
        idenfy_hyper::HyperTransport::new().unwrap(),
    ));
    let isahc = std::sync::Arc::new(idenfy_isahc::Client::with_transport(
        emulator.config(),
        idenfy_isahc::IsahcTransport::new().unwrap(),
    ));
    let by_hyper = {
        let (client, request) = (std::sync::Arc::clone(&hyper), request.clone());
        runtime.spawn(assert_send(async move {
            let token = client.create_token(&request).await?;
            client.status(token.scan_ref.as_str()).await
        }))
    };
    let by_isahc = {
        let (client, request) = (std::sync::Arc::clone(&isahc), request.clone());
        runtime.spawn(assert_send(async move {
            let token = client.create_token(&request).await?;
            client.status(token.scan_ref.as_str()).await
        }))
    };
    for task in [by_hyper, by_isahc] {
        let status = runtime.block_on(task).unwrap().unwrap();
        assert_eq!(status.status, Some(idenfy::OverallStatus::Active));
    }
    assert_eq!(emulator.verifications().len(), 2);
}
