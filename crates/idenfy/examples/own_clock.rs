//! A transport that brings its own clock and timer, as one must on `wasm32-unknown-unknown`
//! (R11), driven without any async runtime: CI builds this example for that target.
//!
//! Here the "network" answers from a script and time is a counter that advances only when the
//! client pauses, so the example runs anywhere (`cargo run -p idenfy --example own_clock`). A
//! browser transport would call `fetch` in `send`, wrap `setTimeout` in `sleep` and read
//! `performance.now()` in `now`.
#![allow(clippy::print_stdout)]

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use idenfy::http::{Request, Response};
use idenfy::{Client, Config, Credentials, Error, Transport, TransportError};

/// Answers from a script; time moves only when the client pauses.
struct Scripted {
    answers: RefCell<Vec<(u16, &'static str)>>,
    clock: Cell<Duration>,
}

impl Transport for Scripted {
    fn send(
        &self,
        _request: Request<Vec<u8>>,
    ) -> impl Future<Output = Result<Response<Vec<u8>>, TransportError>> {
        let (status, body) = self.answers.borrow_mut().remove(0);
        let response = Response::builder()
            .status(status)
            .header("retry-after", "1")
            .body(body.as_bytes().to_vec())
            .map_err(|error| TransportError::with_source(idenfy::TransportErrorKind::Other, error));
        std::future::ready(response)
    }

    async fn sleep(&self, duration: Duration) {
        self.clock.set(self.clock.get() + duration);
    }

    fn now(&self) -> Duration {
        self.clock.get()
    }
}

/// Polls `future` to the end with a waker that does nothing: enough for futures that never
/// wait for anything outside themselves, as here.
fn run<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
    }
}

fn main() -> Result<(), Error> {
    let transport = Scripted {
        answers: RefCell::new(vec![
            (503, r#"{"identifier":"INTERNAL_ERROR"}"#),
            (
                200,
                r#"{"status":"APPROVED","scanRef":"3af4c9a4-1d2f-4b8e-9c61-0a2b3c4d5e6f"}"#,
            ),
        ]),
        clock: Cell::new(Duration::ZERO),
    };
    let client = Client::with_transport(Config::new(Credentials::new("key", "secret")?), transport);
    let status = run(client.status("3af4c9a4-1d2f-4b8e-9c61-0a2b3c4d5e6f"))?;
    println!(
        "approved: {}, after {:?} on the transport's clock",
        status.is_approved(),
        client.transport().now()
    );
    Ok(())
}
