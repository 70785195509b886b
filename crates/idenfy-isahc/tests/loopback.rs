#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Smoke tests of the isahc transport over real loopback sockets: a success, an API error body,
//! a refused connection, the body cap, the attempt timeout, and a TLS attempt.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use idenfy_isahc::{
    CallOptions, Client, Config, Credentials, Error, ErrorIdentifier, IsahcTransport, RetryPolicy,
    TransportErrorKind,
};
use pollster::block_on;

const SCAN_REF: &str = "3af4c9a4-1d2f-4b8e-9c61-0a2b3c4d5e6f";

fn client(base_url: String) -> Client {
    let config = Config::builder(Credentials::new("key", "secret").unwrap())
        .base_url(base_url)
        .build()
        .unwrap();
    Client::with_transport(config, IsahcTransport::new().unwrap())
        .with_options(CallOptions::default().retry(RetryPolicy::none()))
}

fn response(status: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Reads one request (head and `Content-Length` body) and returns its head.
fn read_request(stream: &mut TcpStream) -> String {
    let mut bytes = Vec::new();
    let mut chunk = [0; 4096];
    loop {
        let n = stream.read(&mut chunk).unwrap();
        assert!(n > 0, "the client closed before sending a request");
        bytes.extend_from_slice(&chunk[..n]);
        let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8(bytes[..end].to_vec()).unwrap();
        let length = head
            .lines()
            .find_map(|line| {
                let (name, value) = line.split_once(':')?;
                name.eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse::<usize>().unwrap())
            })
            .unwrap_or(0);
        while bytes.len() < end + 4 + length {
            let n = stream.read(&mut chunk).unwrap();
            assert!(n > 0, "the client closed mid-body");
            bytes.extend_from_slice(&chunk[..n]);
        }
        return head;
    }
}

/// A one-request HTTP/1.1 server on 127.0.0.1 answering `answer`; joins to the request's head.
fn serve_once(answer: Vec<u8>) -> (SocketAddr, JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let head = read_request(&mut stream);
        stream.write_all(&answer).unwrap();
        head
    });
    (addr, server)
}

#[test]
fn a_200_answer_round_trips() {
    let (addr, server) = serve_once(response(
        "200 OK",
        &format!(r#"{{"status":"APPROVED","scanRef":"{SCAN_REF}"}}"#),
    ));
    let status = block_on(client(format!("http://{addr}")).status(SCAN_REF)).unwrap();
    assert!(status.is_approved());
    let head = server.join().unwrap();
    assert!(
        head.starts_with("POST /api/v2/status HTTP/1.1\r\n"),
        "{head}"
    );
    assert!(
        head.to_ascii_lowercase()
            .contains("\r\nauthorization: basic ")
    );
}

#[test]
fn a_400_error_body_reaches_the_parser() {
    let (addr, server) = serve_once(response(
        "400 Bad Request",
        r#"{"identifier":"BAD_VALUE","message":"scanRef is invalid"}"#,
    ));
    let error = block_on(client(format!("http://{addr}")).status(SCAN_REF)).unwrap_err();
    let Error::Api(api) = error else {
        panic!("expected an API error, got {error:?}")
    };
    assert_eq!(api.status().as_u16(), 400);
    assert_eq!(api.identifier(), Some(&ErrorIdentifier::BadValue));
    server.join().unwrap();
}

#[test]
fn a_refused_connection_is_a_connect_error() {
    let addr = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let error = block_on(client(format!("http://{addr}")).status(SCAN_REF)).unwrap_err();
    let Error::Transport(transport) = error else {
        panic!("expected a transport error, got {error:?}")
    };
    assert_eq!(transport.kind(), TransportErrorKind::Connect);
}

#[test]
fn a_body_over_the_cap_is_refused() {
    let body = format!(r#"{{"status":"APPROVED","scanRef":"{SCAN_REF}"}}"#);
    let (addr, server) = serve_once(response("200 OK", &body));
    let client = client(format!("http://{addr}"));
    let client = client.with_options(
        CallOptions::default()
            .retry(RetryPolicy::none())
            .max_response_bytes(body.len() - 1),
    );
    let error = block_on(client.status(SCAN_REF)).unwrap_err();
    let Error::Transport(transport) = error else {
        panic!("expected a transport error, got {error:?}")
    };
    assert_eq!(transport.kind(), TransportErrorKind::BodyTooLarge);
    server.join().unwrap();
}

#[test]
fn a_silent_server_times_out() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        read_request(&mut stream);
        // Say nothing until the client hangs up.
        let _ = stream.read(&mut [0; 16]);
    });
    let client = client(format!("http://{addr}")).with_options(
        CallOptions::default()
            .retry(RetryPolicy::none())
            .timeout(Duration::from_millis(300)),
    );
    let error = block_on(client.status(SCAN_REF)).unwrap_err();
    let Error::Transport(transport) = error else {
        panic!("expected a transport error, got {error:?}")
    };
    assert_eq!(transport.kind(), TransportErrorKind::Timeout);
    server.join().unwrap();
}

/// curl's rustls backend picks its crypto provider itself: a failed handshake is reported, not
/// a panic.
#[test]
fn a_failed_tls_handshake_is_a_connect_error() {
    // A plain HTTP server: it reads the ClientHello and answers in clear text.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let _ = stream.read(&mut [0; 4096]);
        let _ = stream.write_all(&response("400 Bad Request", ""));
    });
    let error = block_on(client(format!("https://{addr}")).status(SCAN_REF)).unwrap_err();
    let Error::Transport(transport) = error else {
        panic!("expected a transport error, got {error:?}")
    };
    assert_eq!(transport.kind(), TransportErrorKind::Connect);
    server.join().unwrap();
}
