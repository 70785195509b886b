#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! What is particular to the ureq transport: a user's own agent. The behaviour it shares with
//! the other adapters is checked once for all of them, in the transport conformance suite
//! (`tests/tests/conformance.rs` of the workspace).

use idenfy_blocking::idenfy::{ErrorIdentifier, TransportErrorKind};
use idenfy_blocking::{Client, Config, Credentials, Error, UreqTransport};
use idenfy_conformance::server::{Behaviour, Reply, TestServer};

/// A user's agent with ureq's defaults (`http_status_as_error(true)`, redirects followed) still
/// hands error bodies to the parser: the transport overrides both per request.
#[test]
fn a_users_default_agent_still_returns_error_bodies() {
    let server = TestServer::start().unwrap();
    server.enqueue(
        "/api/v2/status",
        Behaviour::Respond(Reply::json(
            401,
            r#"{"identifier":"UNAUTHORIZED","message":"Invalid API key or secret"}"#,
        )),
    );
    let config = Config::builder(Credentials::new("key", "secret").unwrap())
        .base_url(server.base_url())
        .build()
        .unwrap();
    let transport = UreqTransport::from_agent(ureq::Agent::new_with_defaults());
    let error = Client::with_transport(config, transport)
        .status("3af4c9a4-1d2f-4b8e-9c61-0a2b3c4d5e6f")
        .unwrap_err();
    let Error::Api(api) = error else {
        panic!("expected an API error, got {error:?}")
    };
    assert_eq!(api.status().as_u16(), 401);
    assert_eq!(api.identifier(), Some(&ErrorIdentifier::Unauthorized));
    assert_eq!(server.count("/api/v2/status"), 1);
}

/// A port on 127.0.0.1 with nothing listening: bound, then released.
fn refused_base_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}")
}

fn token_error(transport: UreqTransport) -> Error {
    let config = Config::builder(Credentials::new("key", "secret").unwrap())
        .base_url(refused_base_url())
        .build()
        .unwrap();
    Client::with_transport(config, transport)
        .with_options(
            idenfy_blocking::CallOptions::default()
                .with_retry(idenfy_blocking::RetryPolicy::none()),
        )
        .create_token(
            &idenfy_blocking::TokenRequest::builder("customer-42")
                .build()
                .unwrap(),
        )
        .unwrap_err()
}

/// R9: `Connect` is decided by the phase, not by an error code. The adapter's own agent marks
/// every failure of connection set-up, so a refused connection is `Connect`; with a user's
/// agent the phase is unknown, and the same refusal is `Io`, never retried for a token.
#[test]
fn a_refused_connection_is_connect_only_where_the_phase_is_known() {
    let Error::Transport(own) = token_error(UreqTransport::new().unwrap()) else {
        panic!("expected a transport error")
    };
    assert_eq!(own.kind(), TransportErrorKind::Connect);
    let Error::Transport(users) =
        token_error(UreqTransport::from_agent(ureq::Agent::new_with_defaults()))
    else {
        panic!("expected a transport error")
    };
    assert_eq!(users.kind(), TransportErrorKind::Io);
}

/// The adapter's agent leaves the host name to its connector (ureq's resolver would spawn a
/// thread per request): a name is resolved when connecting, and the second call goes over the
/// pooled connection, which needs no address.
#[test]
fn a_host_name_is_resolved_once_per_connection() {
    let server = TestServer::start().unwrap();
    let status = r#"{"status":"APPROVED","scanRef":"3af4c9a4"}"#;
    for _ in 0..2 {
        server.enqueue(
            "/api/v2/status",
            Behaviour::Respond(Reply::json(200, status)),
        );
    }
    let config = Config::builder(Credentials::new("key", "secret").unwrap())
        .base_url(format!("http://localhost:{}", server.addr().port()))
        .build()
        .unwrap();
    let client = Client::with_transport(config, UreqTransport::new().unwrap());
    for _ in 0..2 {
        assert!(client.status("3af4c9a4").unwrap().is_approved());
    }
    assert_eq!(server.count("/api/v2/status"), 2);
    assert_eq!(server.connections(), 1);
}
