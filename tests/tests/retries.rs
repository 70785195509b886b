//! The core client's retry policy, timeout and body cap (R9), with closure transports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use idenfy::http::{Request, Response};
use idenfy::{
    AttemptLimits, BlockingClient, CallOptions, Client, Config, Credentials, RetryPolicy,
    TokenRequest, TransportError, TransportErrorKind,
};

const SCAN_REF: &str = "5d2c8f1e-0b7a-4c3d-9e6f-1a2b3c4d5e6f";

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

fn status_body() -> &'static str {
    r#"{"status":"APPROVED","scanRef":"5d2c8f1e-0b7a-4c3d-9e6f-1a2b3c4d5e6f"}"#
}

type Answer = std::future::Ready<Result<Response<Vec<u8>>, TransportError>>;

/// A transport answering 503 (with `Retry-After: 0`) `failures` times, then `ok`.
fn flaky(
    failures: usize,
    ok: &'static str,
    calls: Arc<AtomicUsize>,
) -> impl Fn(Request<Vec<u8>>) -> Answer {
    move |_request| {
        let n = calls.fetch_add(1, Ordering::SeqCst);
        std::future::ready(Ok(if n < failures {
            response(503, Some("0"), r#"{"identifier":"INTERNAL_ERROR"}"#)
        } else {
            response(200, None, ok)
        }))
    }
}

#[test]
fn r9_status_is_retried_after_two_503s_with_retry_after_zero() {
    let calls = Arc::new(AtomicUsize::new(0));
    let client = Client::with_transport(config(), flaky(2, status_body(), Arc::clone(&calls)));
    let status = pollster::block_on(client.status(SCAN_REF)).unwrap();
    assert!(status.is_approved());
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[test]
fn r9_token_creation_is_sent_once_on_503() {
    let calls = Arc::new(AtomicUsize::new(0));
    let client = Client::with_transport(config(), flaky(5, "{}", Arc::clone(&calls)));
    let request = TokenRequest::builder("customer-1").build().unwrap();
    let err = pollster::block_on(client.create_token(&request)).unwrap_err();
    assert_eq!(err.as_api().unwrap().status(), 503);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[test]
fn r9_retries_stop_when_exhausted_and_can_be_switched_off() {
    for (policy, expected_calls) in [
        (RetryPolicy::default(), 3),
        (RetryPolicy::default().with_max_retries(4), 5),
        (RetryPolicy::none(), 1),
    ] {
        let calls = Arc::new(AtomicUsize::new(0));
        let client = Client::with_transport(config(), flaky(usize::MAX, "{}", Arc::clone(&calls)))
            .with_options(CallOptions::default().with_retry(policy));
        let err = pollster::block_on(client.data(SCAN_REF)).unwrap_err();
        assert_eq!(err.as_api().unwrap().status(), 503);
        assert_eq!(calls.load(Ordering::SeqCst), expected_calls);
    }
}

#[test]
fn r9_a_transport_that_never_answers_times_out() {
    let transport = |_request: Request<Vec<u8>>| {
        std::future::pending::<Result<Response<Vec<u8>>, TransportError>>()
    };
    let client = Client::with_transport(config(), transport)
        .with_options(CallOptions::default().with_timeout(Duration::from_millis(200)));
    let started = Instant::now();
    let err = pollster::block_on(client.status(SCAN_REF)).unwrap_err();
    let elapsed = started.elapsed();
    match err {
        idenfy::Error::Transport(error) => assert!(error.is_timeout(), "{error}"),
        other => panic!("{other:?}"),
    }
    assert!(elapsed >= Duration::from_millis(200), "{elapsed:?}");
}

/// A transport that never answers, with the default `Transport::sleep` (the shared timer).
fn never_answering(
    _request: Request<Vec<u8>>,
) -> std::future::Pending<Result<Response<Vec<u8>>, TransportError>> {
    std::future::pending()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r9_many_concurrent_calls_to_a_transport_that_never_answers_time_out_under_tokio() {
    let client = Arc::new(
        Client::with_transport(config(), never_answering)
            .with_options(CallOptions::default().with_timeout(Duration::from_millis(300))),
    );
    let started = Instant::now();
    let calls: Vec<_> = (0..200)
        .map(|_| {
            let client = Arc::clone(&client);
            tokio::spawn(async move { client.status(SCAN_REF).await })
        })
        .collect();
    for call in calls {
        match call.await.unwrap().unwrap_err() {
            idenfy::Error::Transport(error) => assert!(error.is_timeout(), "{error}"),
            other => panic!("{other:?}"),
        }
    }
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(300), "{elapsed:?}");
    // Together, not one after the other.
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
}

/// Durations of 200 to 445 ms, 5 ms apart, in no particular order.
fn shuffled_durations(count: u64) -> Vec<Duration> {
    (0..count)
        .map(|i| Duration::from_millis(200 + (i * 37) % count * 5))
        .collect()
}

#[tokio::test(flavor = "current_thread")]
async fn default_sleeps_complete_in_deadline_order_under_tokio() {
    let durations = shuffled_durations(50);
    let order = Arc::new(std::sync::Mutex::new(Vec::new()));
    let tasks: Vec<_> = durations
        .iter()
        .map(|&duration| {
            let order = Arc::clone(&order);
            tokio::spawn(async move {
                idenfy::default_sleep(duration).await;
                order.lock().unwrap().push(duration);
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let mut sorted = durations.clone();
    sorted.sort();
    // The timer wakes the tasks in deadline order, and this runtime polls them in that order.
    assert_eq!(*order.lock().unwrap(), sorted);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_default_sleeps_complete_on_time_under_a_multi_threaded_tokio() {
    let durations = shuffled_durations(400);
    let tasks: Vec<_> = durations
        .iter()
        .map(|&duration| {
            tokio::spawn(async move {
                let started = Instant::now();
                idenfy::default_sleep(duration).await;
                started.elapsed()
            })
        })
        .collect();
    for (task, duration) in tasks.into_iter().zip(durations) {
        let slept = task.await.unwrap();
        assert!(slept >= duration, "{slept:?} < {duration:?}");
        assert!(slept < duration + Duration::from_secs(10), "{slept:?}");
    }
}

#[test]
fn each_attempt_carries_its_limits() {
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = Arc::clone(&seen);
    let transport = move |request: Request<Vec<u8>>| {
        record
            .lock()
            .unwrap()
            .push(request.extensions().get::<AttemptLimits>().copied());
        std::future::ready(Ok::<_, TransportError>(response(200, None, status_body())))
    };
    let options = CallOptions::default()
        .with_timeout(Duration::from_secs(9))
        .with_max_response_bytes(4096);
    let client = Client::with_transport(config(), transport).with_options(options);
    pollster::block_on(client.status(SCAN_REF)).unwrap();
    let limits = seen.lock().unwrap()[0].expect("limits attached");
    assert_eq!(limits.max_response_bytes(), 4096);
    assert!(limits.timeout() <= Duration::from_secs(9));
    assert!(limits.timeout() > Duration::from_secs(8));
}

#[test]
fn an_oversized_body_is_refused_even_if_the_transport_delivers_it() {
    let transport = |_request: Request<Vec<u8>>| {
        std::future::ready(Ok::<_, TransportError>(response(
            200,
            None,
            &"x".repeat(2048),
        )))
    };
    let client = Client::with_transport(config(), transport).with_options(
        CallOptions::default()
            .with_max_response_bytes(1024)
            .with_retry(RetryPolicy::none()),
    );
    match pollster::block_on(client.pdf(SCAN_REF)).unwrap_err() {
        idenfy::Error::Transport(error) => {
            assert_eq!(error.kind(), TransportErrorKind::BodyTooLarge)
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn r9_the_blocking_client_follows_the_same_policy() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let transport = move |_request: Request<Vec<u8>>| -> Result<Response<Vec<u8>>, TransportError> {
        let n = counter.fetch_add(1, Ordering::SeqCst);
        Ok(if n < 2 {
            response(503, Some("0"), "")
        } else {
            response(200, None, status_body())
        })
    };
    let client = BlockingClient::with_transport(config(), transport);
    assert!(client.status(SCAN_REF).unwrap().is_approved());
    assert_eq!(calls.load(Ordering::SeqCst), 3);

    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let transport = move |_request: Request<Vec<u8>>| -> Result<Response<Vec<u8>>, TransportError> {
        counter.fetch_add(1, Ordering::SeqCst);
        Ok(response(503, Some("0"), ""))
    };
    let client = BlockingClient::with_transport(config(), transport);
    let request = TokenRequest::builder("customer-1").build().unwrap();
    assert_eq!(
        client
            .create_token(&request)
            .unwrap_err()
            .as_api()
            .unwrap()
            .status(),
        503
    );
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

type Pending = std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<Response<Vec<u8>>, TransportError>> + Send>,
>;

/// A transport whose first `hanging` attempts never answer, then `answer`.
fn hanging_then(
    hanging: usize,
    answer: fn() -> Response<Vec<u8>>,
    calls: Arc<AtomicUsize>,
) -> impl Fn(Request<Vec<u8>>) -> Pending {
    move |_request| {
        if calls.fetch_add(1, Ordering::SeqCst) < hanging {
            Box::pin(std::future::pending())
        } else {
            Box::pin(std::future::ready(Ok(answer())))
        }
    }
}

#[test]
fn r9_an_attempt_timeout_inside_the_budget_is_retried_for_a_read_only_call() {
    let calls = Arc::new(AtomicUsize::new(0));
    let transport = hanging_then(1, || response(200, None, status_body()), Arc::clone(&calls));
    let options = CallOptions::default()
        .with_timeout(Duration::from_secs(5))
        .with_attempt_timeout(Duration::from_millis(150))
        .with_retry(
            RetryPolicy::default()
                .with_jitter(false)
                .with_initial_backoff(Duration::from_millis(10)),
        );
    let client = Client::with_transport(config(), transport).with_options(options);
    let started = Instant::now();
    let status = pollster::block_on(client.status(SCAN_REF)).unwrap();
    assert!(status.is_approved());
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    // One dead attempt cost its own timeout, not the call's five seconds.
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn r9_token_creation_is_not_retried_after_an_attempt_timeout() {
    let calls = Arc::new(AtomicUsize::new(0));
    let transport = hanging_then(1, || response(201, None, "{}"), Arc::clone(&calls));
    let options = CallOptions::default()
        .with_timeout(Duration::from_secs(5))
        .with_attempt_timeout(Duration::from_millis(100));
    let client = Client::with_transport(config(), transport).with_options(options);
    let request = TokenRequest::builder("customer-1").build().unwrap();
    match pollster::block_on(client.create_token(&request)).unwrap_err() {
        idenfy::Error::Transport(error) => assert!(error.is_timeout(), "{error}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[test]
fn r9_a_retry_without_a_useful_budget_returns_the_last_answer() {
    // 1.2 s for the call; a 503 asking for 1 s, then an answer that would never come in time:
    // the typed 503 comes back, not a bare timeout.
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let transport = move |_request: Request<Vec<u8>>| -> Pending {
        if counter.fetch_add(1, Ordering::SeqCst) == 0 {
            Box::pin(std::future::ready(Ok(response(
                503,
                Some("1"),
                r#"{"identifier":"INTERNAL_ERROR","message":"busy"}"#,
            ))))
        } else {
            Box::pin(std::future::pending())
        }
    };
    let client = Client::with_transport(config(), transport)
        .with_options(CallOptions::default().with_timeout(Duration::from_millis(1200)));
    let error = pollster::block_on(client.status(SCAN_REF)).unwrap_err();
    let api = error.as_api().unwrap_or_else(|| panic!("{error:?}"));
    assert_eq!(api.status(), 503);
    assert_eq!(
        api.identifier(),
        Some(&idenfy::ErrorIdentifier::InternalError)
    );
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[test]
fn r9_a_transport_stopping_at_its_attempt_limit_reports_first() {
    // A transport that honours its limit and, as an adapter whose connection was never made
    // does, reports `Connect` then — a moment after the limit, as a transport's own timer and
    // threads take (curl's, on a loaded machine): the client's timer does not beat it to it, so
    // the kind is the transport's, and the token request is sent again (R9).
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let transport = move |request: Request<Vec<u8>>| {
        let limit = request
            .extensions()
            .get::<AttemptLimits>()
            .copied()
            .unwrap()
            .timeout();
        counter.fetch_add(1, Ordering::SeqCst);
        async move {
            idenfy::default_sleep(limit + Duration::from_millis(20)).await;
            Err::<Response<Vec<u8>>, _>(TransportError::new(TransportErrorKind::Connect))
        }
    };
    let options = CallOptions::default()
        .with_timeout(Duration::from_secs(5))
        .with_attempt_timeout(Duration::from_millis(200))
        .with_retry(
            RetryPolicy::default()
                .with_jitter(false)
                .with_initial_backoff(Duration::from_millis(10)),
        );
    let client = Client::with_transport(config(), transport).with_options(options);
    let request = TokenRequest::builder("customer-1").build().unwrap();
    match pollster::block_on(client.create_token(&request)).unwrap_err() {
        idenfy::Error::Transport(error) => assert_eq!(error.kind(), TransportErrorKind::Connect),
        other => panic!("{other:?}"),
    }
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

/// A transport that says it stops each attempt at its limit itself, and does so a moment late
/// (as a transport's own timer may, on a loaded machine), reporting `Connect`.
struct SelfTimed {
    calls: Arc<AtomicUsize>,
    late_by: Duration,
}

impl idenfy::Transport for SelfTimed {
    fn enforces_attempt_timeout(&self) -> bool {
        true
    }

    fn send(
        &self,
        request: Request<Vec<u8>>,
    ) -> impl Future<Output = Result<Response<Vec<u8>>, TransportError>> {
        let limit = request
            .extensions()
            .get::<AttemptLimits>()
            .copied()
            .unwrap()
            .timeout();
        self.calls.fetch_add(1, Ordering::SeqCst);
        let late_by = self.late_by;
        async move {
            idenfy::default_sleep(limit + late_by).await;
            Err(TransportError::new(TransportErrorKind::Connect))
        }
    }
}

#[test]
fn r9_a_transport_that_enforces_its_attempt_timeout_gets_no_second_timer() {
    // 300 ms late: past the 100 ms the client waits for any other transport. The client sets no
    // timer of its own for this one, so the transport's kind (`Connect`) is what comes back, and
    // the token request is tried again (R9).
    let calls = Arc::new(AtomicUsize::new(0));
    let transport = SelfTimed {
        calls: Arc::clone(&calls),
        late_by: Duration::from_millis(300),
    };
    let options = CallOptions::default()
        .with_timeout(Duration::from_secs(5))
        .with_attempt_timeout(Duration::from_millis(200))
        .with_retry(
            RetryPolicy::default()
                .with_jitter(false)
                .with_initial_backoff(Duration::from_millis(10)),
        );
    let client = Client::with_transport(config(), transport).with_options(options);
    let request = TokenRequest::builder("customer-1").build().unwrap();
    match pollster::block_on(client.create_token(&request)).unwrap_err() {
        idenfy::Error::Transport(error) => assert_eq!(error.kind(), TransportErrorKind::Connect),
        other => panic!("{other:?}"),
    }
    assert_eq!(calls.load(Ordering::SeqCst), 3);

    // When the call's own budget has run out by the time the transport reports, the call ends
    // with the call's timeout, not another attempt.
    let calls = Arc::new(AtomicUsize::new(0));
    let transport = SelfTimed {
        calls: Arc::clone(&calls),
        late_by: Duration::from_millis(0),
    };
    let options = CallOptions::default()
        .with_timeout(Duration::from_millis(250))
        .with_attempt_timeout(Duration::from_millis(250));
    let client = Client::with_transport(config(), transport).with_options(options);
    match pollster::block_on(client.create_token(&request)).unwrap_err() {
        idenfy::Error::Transport(error) => assert!(error.is_timeout(), "{error}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}
