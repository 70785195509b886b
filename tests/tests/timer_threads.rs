//! The async client's default timer ([`idenfy::default_sleep`], futures-timer; used by closure transports and by
//! `idenfy-isahc`) costs no OS thread per call: every call races its attempt against a sleep of
//! the whole remaining call timeout (30 s by default), and all those sleeps share one timer
//! thread, which forgets a sleep as soon as its call is over.
//!
//! The count of the process's threads is read from `/proc/self/status`, hence Linux only. This
//! file holds a single test so that no other test of the same binary starts or ends threads
//! while it counts.
#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use idenfy::http::{Request, Response};
use idenfy::{CallOptions, Client, Config, Credentials, TransportError};
use idenfy_conformance::server::{Behaviour, Reply, TestServer};

const SCAN_REF: &str = "5d2c8f1e-0b7a-4c3d-9e6f-1a2b3c4d5e6f";
const STATUS_BODY: &str =
    r#"{"status":"APPROVED","scanRef":"5d2c8f1e-0b7a-4c3d-9e6f-1a2b3c4d5e6f"}"#;

/// The `Threads:` line of `/proc/self/status`: the number of threads of this process.
fn threads() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|line| line.strip_prefix("Threads:"))
        .expect("a Threads: line")
        .trim()
        .parse()
        .unwrap()
}

/// Pending on its first poll (waking itself at once), ready on the second: an answer that
/// needs one round through the executor, as any real I/O does. The client therefore polls its
/// timeout sleep once per call, which is what used to start a thread; a transport answering on
/// the first poll would never reach the sleep.
#[derive(Default)]
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

#[test]
fn the_default_timer_does_not_start_a_thread_per_call() {
    // A closure transport answering after one yield, with the default 30 s call timeout.
    let before = threads();
    let transport = |_request: Request<Vec<u8>>| async {
        YieldOnce::default().await;
        Ok::<_, TransportError>(
            Response::builder()
                .status(200)
                .body(STATUS_BODY.as_bytes().to_vec())
                .unwrap(),
        )
    };
    let client = Client::with_transport(
        Config::new(Credentials::new("key", "secret").unwrap()),
        transport,
    );
    for _ in 0..500 {
        let status = pollster::block_on(client.status(SCAN_REF)).unwrap();
        assert!(status.is_approved());
    }
    let after = threads();
    // At most the shared timer thread (started by the first call, if no test before did).
    assert!(
        after <= before + 2,
        "500 calls through a closure transport: {before} threads before, {after} after"
    );

    // idenfy-isahc, which keeps the default `Transport::sleep`, against a local server: the
    // first call starts isahc's agent thread and the server's connection thread, the next 200
    // reuse both.
    let server = TestServer::start().unwrap();
    server.set_default(
        "/api/v2/status",
        Behaviour::Respond(Reply::json(200, STATUS_BODY)),
    );
    let config = Config::builder(Credentials::new("key", "secret").unwrap())
        .base_url(server.base_url())
        .build()
        .unwrap();
    let client =
        idenfy_isahc::Client::with_transport(config, idenfy_isahc::IsahcTransport::new().unwrap())
            .with_options(CallOptions::default().with_timeout(Duration::from_secs(30)));
    pollster::block_on(client.status(SCAN_REF)).unwrap();
    let before = threads();
    for _ in 0..200 {
        let status = pollster::block_on(client.status(SCAN_REF)).unwrap();
        assert!(status.is_approved());
    }
    let after = threads();
    assert!(
        after <= before + 2,
        "200 calls over idenfy-isahc: {before} threads before, {after} after"
    );
}
