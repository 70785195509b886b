//! The child process of `tests/parity_proxy.rs`: creates a token at `IDENFY_PARITY_BASE_URL`
//! with one adapter's default transport, which reads the proxy variables the parent test set
//! (the variables are process-wide, and setting them needs `unsafe`, which the workspace
//! forbids, so each case runs in a process of its own), and prints the outcome for the parent.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout
)]

use std::time::Duration;

use idenfy::{
    BlockingClient, CallOptions, Client, Config, Credentials, Error, RetryPolicy, TokenRequest,
};
use idenfy_tests::{CHILD_ADAPTER, CHILD_BASE_URL, CHILD_CONNECT_TIMEOUT, CHILD_KEY, CHILD_SECRET};

fn main() {
    let adapter = std::env::var(CHILD_ADAPTER).unwrap();
    let variable = |name| std::env::var(name).unwrap();
    let config =
        Config::builder(Credentials::new(variable(CHILD_KEY), variable(CHILD_SECRET)).unwrap())
            .base_url(variable(CHILD_BASE_URL))
            .build()
            .unwrap();
    let options = CallOptions::default()
        .with_timeout(Duration::from_secs(10))
        .with_retry(RetryPolicy::none());
    let connect_timeout = std::env::var(CHILD_CONNECT_TIMEOUT)
        .map_or(idenfy_hyper::DEFAULT_CONNECT_TIMEOUT, |millis| {
            Duration::from_millis(millis.parse().unwrap())
        });
    let request = TokenRequest::builder("customer-42").build().unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let hyper = idenfy_hyper::HyperTransport::builder().connect_timeout(connect_timeout);
    let result = match adapter.as_str() {
        "hyper" => {
            let client = Client::with_transport(config, hyper.build().unwrap());
            runtime.block_on(client.with_options(options).create_token(&request))
        }
        // hyper's builder, told to ignore the environment.
        "hyper-no-proxies" => {
            let client = Client::with_transport(config, hyper.no_proxies().build().unwrap());
            runtime.block_on(client.with_options(options).create_token(&request))
        }
        "isahc" => {
            let transport = idenfy_isahc::IsahcTransport::with_connect_timeout(connect_timeout);
            let client = Client::with_transport(config, transport.unwrap());
            runtime.block_on(client.with_options(options).create_token(&request))
        }
        "blocking" => {
            let transport = idenfy_blocking::UreqTransport::with_connect_timeout(connect_timeout);
            BlockingClient::with_transport(config, transport)
                .with_options(options)
                .create_token(&request)
        }
        other => panic!("unknown adapter {other}"),
    };
    runtime.shutdown_background();
    match result {
        Ok(_) => println!("parity-outcome: ok"),
        Err(error) => {
            let kind = match &error {
                Error::Transport(transport) => format!("{:?}", transport.kind()),
                _ => "not a transport error".to_owned(),
            };
            println!("parity-outcome: {kind}");
            // Everything the error can show, for the parent to search for credentials.
            println!("parity-error: {error} / {error:?}");
            let mut source = std::error::Error::source(&error);
            while let Some(cause) = source {
                println!("parity-error: {cause} / {cause:?}");
                source = cause.source();
            }
        }
    }
}
