#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Test code indexes known lists: a bad index is a failed test.
#![allow(clippy::indexing_slicing)]
//! R10 by sentinels for every public type of the crates above the protocol: `idenfy`, the three
//! adapters, the emulator, the axum extractor and the conformance kit. Each type is built with
//! sentinel secrets (API secret, webhook key, `authToken`, signatures, proxy credentials) and
//! sentinel personal data (names, dates, document and personal numbers, an address, an e-mail,
//! a phone number, an IP address, image bytes) wherever it can hold them, and its `{:?}`,
//! `{:#?}` and, where it has one, `Display` (picked by the compiler: a type that gains a
//! `Display` is searched through it too) are searched for every sentinel.
//!
//! How a new type is caught: `r10_every_public_type` reads the sources of these crates and
//! collects every `pub struct`, `pub enum` and `pub type` and every name of a local `pub use`
//! list; it fails naming any that no check below covered. Re-exports of `idenfy_proto` are
//! covered where they are declared, by `idenfy-proto`'s own sentinel test
//! (`crates/idenfy-proto/src/sentinels.rs`), which also builds every decoded model from a body
//! generated from the model's field list, so a new field gets a sentinel of its own.

use std::collections::BTreeSet;
use std::fmt::{Debug, Display};
use std::path::Path;
use std::time::Duration;

use idenfy::{Config, Credentials, TokenRequest};
use idenfy_emulator::Emulator;

#[path = "../../crates/idenfy-proto/src/sentinel_scan.rs"]
mod sentinel_scan;

const API_KEY: &str = "partner-key-1";
const API_SECRET: &str = "ZqApiSecretValueZq";
const WEBHOOK_KEY: &str = "ZqWebhookKeyValueZq";
const PROXY_PASSWORD: &str = "ZqProxyPasswordZq";

/// Personal values; none may show.
const PERSONAL: &[&str] = &[
    "Zqbirute",
    "Zqbasanaviciene",
    "1979-03-14",
    "PA8842117",
    "47903140077",
    "Zqlaisves al 53",
    "birute.zq@example.lt",
    "+37061234567",
    "203.0.113.77",
    "ZqImageBytes",
];

/// The checked type names, and what leaked.
#[derive(Default)]
struct Covered {
    names: BTreeSet<String>,
    secrets: Vec<String>,
    leaks: Vec<String>,
}

impl Covered {
    fn check(&mut self, name: &str, texts: &[String]) {
        self.names.insert(name.to_owned());
        for text in texts {
            // A body printed as a list of bytes is read back as text.
            let lower = format!("{text}\n{}", byte_lists(text)).to_lowercase();
            for secret in self
                .secrets
                .iter()
                .map(String::as_str)
                .chain(PERSONAL.iter().copied())
            {
                if lower.contains(&secret.to_lowercase()) {
                    self.leaks.push(format!("{name} shows {secret}: {text}"));
                }
            }
        }
    }
}

/// The text of every list of numbers in `text` (`[123, 34, …]`, the `Debug` of a `Vec<u8>`,
/// also spread over lines by `{:#?}`) read as bytes.
fn byte_lists(text: &str) -> String {
    let mut out = String::new();
    for list in text.split('[').skip(1) {
        let inner = list.split(']').next().unwrap_or_default();
        let bytes: Option<Vec<u8>> = inner
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(|item| item.parse().ok())
            .collect();
        if let Some(bytes) = bytes.filter(|bytes| bytes.len() >= 8) {
            out.push_str(&String::from_utf8_lossy(&bytes));
            out.push('\n');
        }
    }
    out
}

/// `{:?}` and `{:#?}`, and `Display` where the type has one (autoref specialization).
struct Probe<'a, T>(&'a T);

trait ViaDisplay {
    fn texts(&self) -> Vec<String>;
}

impl<T: Debug + Display> ViaDisplay for &Probe<'_, T> {
    fn texts(&self) -> Vec<String> {
        vec![
            format!("{:?}", self.0),
            format!("{:#?}", self.0),
            self.0.to_string(),
        ]
    }
}

trait ViaDebug {
    fn texts(&self) -> Vec<String>;
}

impl<T: Debug> ViaDebug for Probe<'_, T> {
    fn texts(&self) -> Vec<String> {
        vec![format!("{:?}", self.0), format!("{:#?}", self.0)]
    }
}

macro_rules! check {
    ($covered:expr, $name:expr, $value:expr) => {{
        let value = $value;
        $covered.check($name, &(&&Probe(&value)).texts());
    }};
}

fn token_request() -> TokenRequest {
    TokenRequest::builder("client-1")
        .first_name(PERSONAL[0])
        .last_name(PERSONAL[1])
        .date_of_birth(PERSONAL[2])
        .document_number(PERSONAL[3])
        .personal_number(PERSONAL[4])
        .address(PERSONAL[5])
        .build()
        .unwrap()
}

fn config(base_url: &str) -> Config {
    Config::builder(Credentials::new(API_KEY, API_SECRET).unwrap())
        .base_url(base_url)
        .allow_insecure_http(true)
        .build()
        .unwrap()
}

/// A transport that records the `Debug` of the limits it is given.
#[derive(Debug, Clone)]
struct Recording(std::sync::Arc<std::sync::Mutex<Vec<idenfy::AttemptLimits>>>);

impl idenfy::BlockingTransport for Recording {
    fn send(
        &self,
        request: idenfy::idenfy_proto::http::Request<Vec<u8>>,
    ) -> Result<idenfy::idenfy_proto::http::Response<Vec<u8>>, idenfy::TransportError> {
        if let Some(limits) = request.extensions().get::<idenfy::AttemptLimits>() {
            self.0.lock().unwrap().push(*limits);
        }
        Err(idenfy::TransportError::new(
            idenfy::TransportErrorKind::Connect,
        ))
    }
}

#[test]
#[allow(clippy::too_many_lines)]
fn r10_every_public_type() {
    let mut covered = Covered::default();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();

    // The emulator, with a sentinel secret and webhook key, and a receiver of its webhooks.
    let receiver = idenfy_conformance::server::TestServer::start().unwrap();
    let emulator = Emulator::builder()
        .api_key(API_KEY)
        .api_secret(API_SECRET)
        .webhook_key(WEBHOOK_KEY)
        .webhook_url(format!("{}/webhook", receiver.base_url()))
        .allow_any_callback_host(true)
        .start_blocking()
        .unwrap();
    let signature_of = |body: &[u8]| {
        idenfy::idenfy_proto::server::sign_webhook(
            &idenfy::idenfy_proto::webhook::WebhookKey::new(WEBHOOK_KEY).unwrap(),
            body,
        )
    };

    // The clients over each adapter: a token with personal data, completed, its webhook.
    let blocking = idenfy_blocking::Client::with_transport(
        config(emulator.base_url()),
        idenfy_blocking::UreqTransport::new().unwrap(),
    );
    let token = blocking.create_token(&token_request()).unwrap();
    covered.secrets = vec![
        API_SECRET.to_owned(),
        WEBHOOK_KEY.to_owned(),
        PROXY_PASSWORD.to_owned(),
        token.auth_token.expose_secret().to_owned(),
    ];
    check!(covered, "idenfy-blocking::Client", &blocking);
    check!(
        covered,
        "UreqTransport",
        idenfy_blocking::UreqTransport::new().unwrap()
    );
    check!(
        covered,
        "BlockingClient",
        idenfy::BlockingClient::with_transport(
            config(emulator.base_url()),
            Recording(Default::default())
        )
    );
    let hyper = idenfy_hyper::Client::with_transport(
        config(emulator.base_url()),
        idenfy_hyper::HyperTransport::new().unwrap(),
    );
    runtime
        .block_on(hyper.status(token.scan_ref.as_str()))
        .unwrap();
    check!(covered, "idenfy-hyper::Client", &hyper);
    check!(covered, "Client", &hyper);
    check!(
        covered,
        "HyperTransport",
        idenfy_hyper::HyperTransport::new().unwrap()
    );
    let proxy_url = format!("http://user:{PROXY_PASSWORD}@127.0.0.1:9");
    let proxies = || {
        idenfy_hyper::ProxyMatcher::builder()
            .http(proxy_url.clone())
            .https(proxy_url.clone())
            .build()
    };
    let builder = idenfy_hyper::HyperTransport::builder().proxies(proxies());
    check!(covered, "HyperTransportBuilder", builder.clone());
    check!(covered, "HyperTransport", builder.build().unwrap());
    check!(covered, "ProxyMatcher", proxies());
    let connector = idenfy_hyper::ProxyConnector::new(
        hyper_util::client::legacy::connect::HttpConnector::new(),
        Some(std::sync::Arc::new(proxies())),
    );
    check!(covered, "ProxyConnector", connector.clone());
    let tls = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(rustls::RootCertStore::empty())
    .with_no_client_auth();
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(tls)
        .https_or_http()
        .enable_http1()
        .wrap_connector(connector.clone());
    let default: idenfy_hyper::DefaultConnector =
        idenfy_hyper::TimeoutConnector::new(https, Duration::from_secs(5));
    check!(covered, "DefaultConnector", default);
    let timeout = idenfy_hyper::TimeoutConnector::new(connector, Duration::from_secs(5));
    check!(covered, "TimeoutConnector", timeout.clone());
    // A connection made through the proxy connector (to a local listener, no proxy for it).
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let mut plain = idenfy_hyper::ProxyConnector::new(
        hyper_util::client::legacy::connect::HttpConnector::new(),
        None,
    );
    let uri: hyper::Uri = format!("http://{}/", listener.local_addr().unwrap())
        .parse()
        .unwrap();
    let connection = runtime
        .block_on(tower_service::Service::call(&mut plain, uri))
        .unwrap();
    check!(covered, "ProxyConnection", connection);
    let isahc = idenfy_isahc::Client::with_transport(
        config(emulator.base_url()),
        idenfy_isahc::IsahcTransport::new().unwrap(),
    );
    runtime
        .block_on(isahc.status(token.scan_ref.as_str()))
        .unwrap();
    check!(covered, "idenfy-isahc::Client", &isahc);
    check!(
        covered,
        "IsahcTransport",
        idenfy_isahc::IsahcTransport::new().unwrap()
    );
    check!(covered, "CallOptions", idenfy::CallOptions::default());
    let recording = Recording(Default::default());
    let client =
        idenfy::BlockingClient::with_transport(config("http://127.0.0.1:9"), recording.clone());
    let _ = client.status("scan-ref-1");
    check!(
        covered,
        "AttemptLimits",
        recording.0.lock().unwrap().first().copied().unwrap()
    );

    // The emulator's own types, holding the verification and its webhook.
    emulator
        .complete(
            token.scan_ref.as_str(),
            idenfy_emulator::Outcome::approved(),
        )
        .unwrap();
    let deliveries = emulator
        .wait_for_deliveries_blocking(1, Duration::from_secs(10))
        .unwrap();
    let delivery = deliveries.first().unwrap().clone();
    covered
        .secrets
        .push(delivery.signature().unwrap().to_owned());
    covered.secrets.push(signature_of(b"{}"));
    check!(covered, "Delivery", delivery.clone());
    check!(covered, "DeliveryOutcome", delivery.outcome.clone());
    check!(covered, "Emulator", &emulator);
    check!(
        covered,
        "EmulatorBuilder",
        Emulator::builder()
            .api_secret(API_SECRET)
            .webhook_key(WEBHOOK_KEY)
    );
    check!(
        covered,
        "Verification",
        emulator.verification(token.scan_ref.as_str()).unwrap()
    );
    check!(
        covered,
        "Page",
        emulator
            .verifications_page(&idenfy_emulator::VerificationQuery::new())
            .unwrap()
    );
    check!(
        covered,
        "Page",
        emulator
            .deliveries_page(&idenfy_emulator::DeliveryQuery::new())
            .unwrap()
    );
    check!(
        covered,
        "VerificationQuery",
        idenfy_emulator::VerificationQuery::new().client_id("client-1")
    );
    check!(
        covered,
        "DeliveryQuery",
        idenfy_emulator::DeliveryQuery::new().scan_ref(token.scan_ref.as_str())
    );
    check!(covered, "Outcome", idenfy_emulator::Outcome::approved());
    check!(covered, "ProcessSettings", emulator.process_settings());
    check!(
        covered,
        "VideoCallAnswer",
        idenfy_emulator::VideoCallAnswer::new("Your name?", PERSONAL[0], true)
    );
    let information = emulator
        .request_information(token.scan_ref.as_str(), Duration::from_secs(3600))
        .unwrap();
    covered
        .secrets
        .push(information.token_string.expose_secret().to_owned());
    check!(covered, "InformationRequest", information);
    let fault = idenfy_emulator::Fault::status(500)
        .with_body(
            "application/json",
            format!(r#"{{"firstName":"{}"}}"#, PERSONAL[0]),
        )
        .on_path("/api/v2/status");
    let random = idenfy_emulator::RandomFaults::new(0.05, 7).fault(fault.clone());
    check!(covered, "RandomFaults", random);
    check!(covered, "RandomFaultTally", emulator.random_fault_tally());
    // The emulator answering in memory, and its answer to a token request with personal data
    // (the answer echoes it, with the new token).
    let in_memory = Emulator::builder()
        .api_secret(API_SECRET)
        .webhook_key(WEBHOOK_KEY)
        .in_memory(runtime.handle().clone())
        .unwrap();
    check!(covered, "InMemory", &in_memory);
    let request = idenfy::idenfy_proto::Endpoint::to_request(&token_request(), &in_memory.config())
        .unwrap()
        .map(bytes::Bytes::from);
    let answer = runtime.block_on(in_memory.handle("127.0.0.1:9".parse().unwrap(), request));
    assert_eq!(answer.response.status(), 201);
    let body = String::from_utf8_lossy(answer.response.body()).into_owned();
    assert!(
        PERSONAL.iter().any(|value| body.contains(value)),
        "the answer echoes the person: {body}"
    );
    check!(covered, "InMemoryAnswer", answer);
    check!(covered, "FaultKind", fault.kind().clone());
    check!(covered, "PathMatch", fault.path().clone());
    check!(covered, "Fault", fault);
    check!(
        covered,
        "EmulatorError",
        emulator
            .complete("no-such-scan-ref", idenfy_emulator::Outcome::approved())
            .unwrap_err()
    );

    // The conformance kit: what its server recorded (the emulator's signed webhook, with the
    // person's data), what it answers, and a report.
    let recorded = receiver.requests();
    let request = recorded.first().unwrap().clone();
    assert!(String::from_utf8_lossy(&request.body).contains(token.scan_ref.as_str()));
    check!(covered, "RecordedRequest", request);
    check!(covered, "TestServer", &receiver);
    let token_body = format!(
        r#"{{"authToken":"{}","scanRef":"s-1","firstName":"{}"}}"#,
        API_SECRET, PERSONAL[0]
    );
    let reply = idenfy_conformance::server::Reply::json(201, token_body.clone())
        .header("set-cookie", format!("session={API_SECRET}"));
    check!(covered, "Reply", reply.clone());
    check!(
        covered,
        "Behaviour",
        idenfy_conformance::server::Behaviour::Respond(reply)
    );
    check!(covered, "StreamOutcome", {
        let server = idenfy_conformance::server::TestServer::start().unwrap();
        server.enqueue(
            "/pdf",
            idenfy_conformance::server::Behaviour::Oversized(1 << 20),
        );
        let _ = ureq::get(format!("{}/pdf", server.base_url())).call();
        server
            .wait_for_streams(1, Duration::from_secs(10))
            .first()
            .copied()
            .unwrap()
    });
    let report = idenfy_conformance::Kit::new()
        .only("r6_unauthorized_with_and_without_body")
        .run_blocking(|| Recording(Default::default()));
    check!(covered, "Kit", idenfy_conformance::Kit::new().filter("r9_"));
    check!(covered, "Report", report.clone());
    let case = report.cases().first().unwrap().clone();
    check!(covered, "CaseReport", case.clone());
    check!(covered, "Failure", case.failure().unwrap().clone());

    // The axum extractor: keys, a verified body that is no webhook, each rejection.
    let keys = idenfy_axum::WebhookKeys::new([idenfy::idenfy_proto::webhook::WebhookKey::new(
        WEBHOOK_KEY,
    )
    .unwrap()])
    .unwrap();
    check!(covered, "WebhookKeys", keys.clone());
    check!(
        covered,
        "NoKeysError",
        idenfy_axum::WebhookKeys::new([]).unwrap_err()
    );
    let body = delivery.body.clone();
    let mut rejections = Vec::new();
    for (body, signature) in [
        (body.clone(), signature_of(&body)),
        (body.clone(), signature_of(b"other")),
        (
            format!("{{\"firstName\":\"{}\"", PERSONAL[0]).into_bytes(),
            String::new(),
        ),
    ] {
        let signature = if signature.is_empty() {
            signature_of(&body)
        } else {
            signature
        };
        let request = idenfy::idenfy_proto::http::Request::post("/webhook")
            .header("Idenfy-Signature", signature)
            .body(axum_core::body::Body::from(body))
            .unwrap();
        let extracted = runtime.block_on(
            <idenfy_axum::IdenfyWebhook as axum_core::extract::FromRequest<
                idenfy_axum::WebhookKeys,
            >>::from_request(request, &keys),
        );
        match extracted {
            Ok(webhook) => check!(covered, "IdenfyWebhook", webhook),
            Err(rejection) => {
                if let Some(verified) = rejection.verified_body() {
                    check!(covered, "VerifiedBody", verified.clone());
                }
                rejections.push(rejection);
            }
        }
    }
    for rejection in rejections {
        check!(covered, "WebhookRejection", rejection);
    }

    assert!(
        covered.leaks.is_empty(),
        "leaks:\n{}",
        covered.leaks.join("\n")
    );

    // Every public type of these crates is among the checked ones.
    let declared = public_types();
    let missing: Vec<&String> = declared
        .iter()
        .filter(|name| !covered.names.contains(*name))
        .collect();
    assert!(
        missing.is_empty(),
        "public types without a sentinel check: {missing:?}"
    );
    assert!(declared.len() >= 35, "{}: {declared:?}", declared.len());
}

/// The crates whose public types this file checks.
const CRATES: &[&str] = &[
    "idenfy",
    "idenfy-hyper",
    "idenfy-isahc",
    "idenfy-blocking",
    "idenfy-emulator",
    "idenfy-axum",
    "idenfy-conformance",
];

/// The public type names declared in those crates (see `sentinel_scan::public_types`).
fn public_types() -> BTreeSet<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates");
    CRATES
        .iter()
        .flat_map(|krate| sentinel_scan::public_types(krate, &root.join(krate).join("src")))
        .collect()
}
