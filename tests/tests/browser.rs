#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Test code indexes known outputs: a bad bound is a failed test.
#![allow(clippy::indexing_slicing)]
//! The emulator's redirect page in a real browser (issue 13, item 7): headless Chromium, driven
//! through chromedriver over W3C WebDriver (`thirtyfour`), opens the redirect URL of a token made
//! with `idenfy-hyper`, picks an outcome on the page and submits the form, as a person would.
//! Then the signed webhook reaches a receiver on loopback, `status` reports the outcome, and the
//! browser has been sent on to the token's `errorUrl`.
//!
//! Everything listens on `127.0.0.1`: the emulator, the receiver (which also serves the partner's
//! `successUrl` and `errorUrl` pages) and chromedriver, which this test starts on a port of the
//! system's choosing and kills when it ends. Chromium runs headless with its profile and its
//! temporary files in a fresh directory, removed afterwards. Every wait is bounded.
//!
//! The browser and its driver come from the system (Debian's `chromium` and `chromium-driver`,
//! which `.ci/run` installs). Without them the test fails under CI (`CI` set) and is skipped,
//! with a note on stderr, elsewhere.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use idenfy::{EventType, OverallStatus, TokenRequest};
use idenfy_conformance::server::{Behaviour, Reply, TestServer};
use idenfy_emulator::Emulator;
use idenfy_hyper::{Client, HyperTransport};
use idenfy_proto::webhook::{self, WebhookEvent, WebhookKey};
use thirtyfour::WebDriverRunError;
use thirtyfour::prelude::*;

/// The names the driver and the browser go by on `PATH` (Debian's first).
const DRIVERS: &[&str] = &["chromedriver"];
const BROWSERS: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

/// How long chromedriver may take to say it listens, and then to report itself ready.
const DRIVER_START: Duration = Duration::from_secs(20);
/// The bound on each WebDriver command (a page load included) and on each wait below.
const STEP: Duration = Duration::from_secs(30);
/// The pause between two looks at something that is expected to change.
const POLL: Duration = Duration::from_millis(25);

const CLIENT_ID: &str = "browser-person";
const WEBHOOK_PATH: &str = "/webhook";
const SUCCESS_PATH: &str = "/partner/verified";
const ERROR_PATH: &str = "/partner/not-verified";
const ERROR_TITLE: &str = "Partner: not verified";

/// The title of the emulator's redirect page, and the outcomes it offers in order.
const PAGE_TITLE: &str = "iDenfy emulator: identity verification";
const PAGE_OUTCOMES: &[&str] = &["approved", "denied", "suspected", "review"];

// ---------------------------------------------------------------------------------------------
// The programs, chromedriver's process and the browser's files.

/// The first of `names` found as a file in a directory of `PATH`.
fn on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |name| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// chromedriver and the browser, or `None` (with a note on stderr) when either is missing. In
/// CI (`CI` set) a missing program fails the test instead: the browser test may not be skipped
/// there.
fn programs() -> Option<(PathBuf, PathBuf)> {
    let driver = on_path(DRIVERS);
    let browser = on_path(BROWSERS);
    if let (Some(driver), Some(browser)) = (&driver, &browser) {
        return Some((driver.clone(), browser.clone()));
    }
    let missing: Vec<&str> = [
        (driver.is_none(), "chromedriver"),
        (browser.is_none(), "chromium"),
    ]
    .into_iter()
    .filter_map(|(missing, name)| missing.then_some(name))
    .collect();
    assert!(
        std::env::var_os("CI").is_none(),
        "{} not found on PATH; CI must run the browser test (apt-get install chromium \
         chromium-driver)",
        missing.join(" and ")
    );
    #[allow(clippy::print_stderr, reason = "the note that a test was skipped")]
    {
        eprintln!(
            "note: {} not found on PATH; the browser test is skipped (Debian: apt-get install \
             chromium chromium-driver)",
            missing.join(" and ")
        );
    }
    None
}

/// A chromedriver process listening on `127.0.0.1`, killed (and waited for) on drop.
struct ChromeDriver {
    child: Child,
    url: String,
}

impl ChromeDriver {
    /// Starts `program` on a port of the system's choosing (`--port=0`), with `TMPDIR` set to
    /// `tmp` (the browser inherits it), reads the port from the line it prints once it listens,
    /// then waits until `GET /status` reports it ready.
    async fn start(program: &Path, tmp: &Path) -> Self {
        let mut command = Command::new(program);
        // A process group of its own, which the browser it starts joins (see `Drop`).
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut child = command
            .arg("--port=0")
            .env("TMPDIR", tmp)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|err| panic!("starting {}: {err}", program.display()));
        let stdout = child.stdout.take().unwrap();
        let (port_tx, port_rx) = mpsc::channel();
        // Reads stdout to its end, so that the pipe never fills up; ends when chromedriver
        // exits (its stdout closes).
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(port) = line
                    .strip_prefix("ChromeDriver was started successfully on port ")
                    .and_then(|rest| rest.trim_end_matches('.').parse::<u16>().ok())
                {
                    let _ = port_tx.send(port);
                }
            }
        });
        let mut driver = Self {
            child,
            url: String::new(),
        };
        let port = match port_rx.recv_timeout(DRIVER_START) {
            Ok(port) => port,
            Err(err) => panic!(
                "chromedriver did not say which port it listens on ({err}); exit status: {:?}",
                driver.child.try_wait()
            ),
        };
        driver.url = format!("http://127.0.0.1:{port}");
        driver.wait_until_ready().await;
        driver
    }

    /// Polls `GET /status` until `value.ready` is `true`, for at most [`DRIVER_START`].
    async fn wait_until_ready(&mut self) {
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap();
        let status_url = format!("{}/status", self.url);
        let deadline = Instant::now() + DRIVER_START;
        let mut last = String::from("no answer yet");
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("chromedriver exited before it was ready: {status}");
            }
            match http.get(&status_url).send().await {
                Ok(answer) => match answer.json::<serde_json::Value>().await {
                    Ok(body) if body["value"]["ready"] == true => return,
                    Ok(body) => last = body.to_string(),
                    Err(err) => last = err.to_string(),
                },
                Err(err) => last = err.to_string(),
            }
            tokio::time::sleep(POLL).await;
        }
        panic!("chromedriver was not ready within {DRIVER_START:?}: {last}");
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        // A browser outlives a driver killed in the middle of a session (the test quits the
        // session first, but that may have failed): end the whole group, then the driver.
        #[cfg(unix)]
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        // An error means it has already exited.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fresh directory under the system's temporary directory, removed (with its contents) on
/// drop: the browser's profile (`profile/`) and temporary files (`tmp/`).
struct TempDir(PathBuf);

impl TempDir {
    fn new(prefix: &str) -> Self {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let path = std::env::temp_dir().join(format!("{prefix}-{}-{nanos}", std::process::id()));
        std::fs::create_dir(&path).unwrap_or_else(|err| panic!("creating {path:?}: {err}"));
        let dir = Self(path);
        std::fs::create_dir(dir.tmp()).unwrap();
        dir
    }

    /// The browser's profile (`--user-data-dir`), which it creates.
    fn profile(&self) -> PathBuf {
        self.0.join("profile")
    }

    /// The `TMPDIR` of the driver and the browser, where Chromium leaves a directory per run
    /// when it is killed.
    fn tmp(&self) -> PathBuf {
        self.0.join("tmp")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Headless Chromium through `driver`, with its profile in `files`. Each WebDriver command is
/// bounded by [`STEP`], a page load included.
async fn open_browser(driver: &ChromeDriver, browser: &Path, files: &TempDir) -> WebDriver {
    let mut caps = DesiredCapabilities::chrome();
    caps.set_binary(browser.to_str().unwrap()).unwrap();
    for arg in [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--no-default-browser-check",
        // Loopback only: no proxy from the environment, nothing fetched in the background.
        "--no-proxy-server",
        "--disable-background-networking",
        "--disable-extensions",
    ] {
        caps.add_arg(arg).unwrap();
    }
    caps.add_arg(&format!("--user-data-dir={}", files.profile().display()))
        .unwrap();
    // Straight to chromedriver on loopback, whatever proxy the environment names.
    let http = reqwest::Client::builder()
        .no_proxy()
        .timeout(STEP)
        .build()
        .unwrap();
    let session = WebDriver::builder(driver.url.as_str(), caps)
        .request_timeout(STEP)
        .client(http)
        .await
        .unwrap_or_else(|err| panic!("starting {} through chromedriver: {err}", browser.display()));
    session.set_page_load_timeout(STEP).await.unwrap();
    session
}

// ---------------------------------------------------------------------------------------------
// Waiting.

/// Waits (at most [`STEP`]) until the browser shows the page at `url` titled `title`, and
/// returns the last URL and title seen.
async fn wait_for_page(
    driver: &WebDriver,
    url: &str,
    title: &str,
) -> WebDriverResult<(String, String)> {
    let deadline = Instant::now() + STEP;
    loop {
        let seen = (
            driver.current_url().await?.to_string(),
            driver.title().await?,
        );
        if (seen.0 == url && seen.1 == title) || Instant::now() >= deadline {
            return Ok(seen);
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Waits (at most [`STEP`]) until `receiver` has had `n` requests for `path`.
async fn wait_for_requests(receiver: &TestServer, path: &str, n: usize) -> usize {
    let deadline = Instant::now() + STEP;
    loop {
        let count = receiver.count(path);
        if count >= n || Instant::now() >= deadline {
            return count;
        }
        tokio::time::sleep(POLL).await;
    }
}

fn html(title: &str) -> Behaviour {
    Behaviour::Respond(
        Reply::new(200)
            .header("Content-Type", "text/html; charset=utf-8")
            .body(format!(
                "<!DOCTYPE html>\n<html lang=\"en\"><head><title>{title}</title></head>\
                 <body><h1>{title}</h1></body></html>\n"
            )),
    )
}

// ---------------------------------------------------------------------------------------------
// The test.

/// A person opens the redirect URL in Chromium, chooses "Denied" (not the page's default) and
/// submits: the receiver gets one signed, final `IDENTIFICATION_AUTO_FINISHED` webhook saying
/// `DENIED`, `status` says `DENIED`, the browser ends on the token's `errorUrl`, and the link
/// no longer opens the form.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_finishes_the_verification_on_the_redirect_page_in_chromium() {
    let Some((driver_program, browser_program)) = programs() else {
        return;
    };

    // The partner: a webhook receiver that also serves the pages the person is sent on to.
    let receiver = TestServer::start().unwrap();
    receiver.set_default(WEBHOOK_PATH, Behaviour::Respond(Reply::new(200)));
    receiver.set_default(SUCCESS_PATH, html("Partner: verified"));
    receiver.set_default(ERROR_PATH, html(ERROR_TITLE));
    let webhook_url = format!("{}{WEBHOOK_PATH}", receiver.base_url());
    let success_url = format!("{}{SUCCESS_PATH}", receiver.base_url());
    let error_url = format!("{}{ERROR_PATH}", receiver.base_url());

    let emulator = Emulator::builder()
        .webhook_url(webhook_url.as_str())
        .start()
        .await
        .unwrap();
    let client = Client::with_transport(emulator.config(), HyperTransport::new().unwrap());
    let request = TokenRequest::builder(CLIENT_ID)
        .success_url(success_url.as_str())
        .error_url(error_url.as_str())
        .build()
        .unwrap();
    let token = client.create_token(&request).await.unwrap();
    let scan_ref = token.scan_ref.as_str().to_owned();
    let redirect_url = token
        .redirect_url
        .as_deref()
        .expect("the emulator answers a redirectUrl")
        .clone();
    assert_eq!(redirect_url, client.redirect_url(&token.auth_token));
    assert_eq!(
        client.status(&scan_ref).await.unwrap().status,
        Some(OverallStatus::Active)
    );

    let files = TempDir::new("idenfy-browser");
    let chromedriver = ChromeDriver::start(&driver_program, &files.tmp()).await;
    let session = open_browser(&chromedriver, &browser_program, &files).await;

    // Quits the browser whatever happens inside (a failed assertion included), then goes on.
    let (emulator, receiver) = (&emulator, &receiver);
    let (scan_ref, error_url) = (scan_ref.as_str(), error_url.as_str());
    let outcome = session
        .run_and_quit(|browser| async move {
            // The page: its title, a form posting to the emulator, the four outcomes with the
            // first one chosen.
            browser.goto(redirect_url.as_str()).await?;
            assert_eq!(browser.title().await?, PAGE_TITLE);
            assert_eq!(browser.find(By::Tag("h1")).await?.text().await?, PAGE_TITLE);
            assert!(
                browser
                    .find(By::Tag("main"))
                    .await?
                    .text()
                    .await?
                    .contains(scan_ref),
                "the page names the verification"
            );
            let form = browser.find(By::Tag("form")).await?;
            assert_eq!(form.attr("method").await?.as_deref(), Some("post"));
            assert_eq!(
                form.prop("action").await?,
                Some(format!("{}/__emulator/ui/finish", emulator.base_url()))
            );
            let radios = form
                .find_all(By::Css("input[type=radio][name=outcome]"))
                .await?;
            let mut values = Vec::new();
            for radio in &radios {
                values.push(radio.value().await?.unwrap_or_default());
            }
            assert_eq!(values, PAGE_OUTCOMES);
            assert!(radios[0].is_selected().await?, "approved is the default");
            let verification = emulator.verification(scan_ref).unwrap();
            assert!(
                verification.started_at.is_some(),
                "opening the page starts the session"
            );

            // The person clicks the label "Denied", then the button.
            browser
                .find(By::XPath("//label[normalize-space()='Denied']"))
                .await?
                .click()
                .await?;
            assert!(radios[1].is_selected().await?, "the label chose denied");
            assert!(!radios[0].is_selected().await?);
            form.find(By::Css("button[type=submit]"))
                .await?
                .click()
                .await?;

            // The emulator sends the browser on to the errorUrl (303), which the partner serves.
            let landed = wait_for_page(&browser, error_url, ERROR_TITLE).await?;
            assert_eq!(
                landed,
                (error_url.to_owned(), ERROR_TITLE.to_owned()),
                "the browser ends on the errorUrl's page"
            );
            assert_eq!(receiver.count(SUCCESS_PATH), 0);

            // The link is used up: opening it again shows why, not the form.
            browser.goto(redirect_url.as_str()).await?;
            assert_eq!(browser.title().await?, "Verification link no longer valid");
            assert!(
                browser.find_all(By::Tag("form")).await?.is_empty(),
                "no form on a used link"
            );
            Ok::<(), WebDriverError>(())
        })
        .await;
    match outcome {
        Ok(()) => {}
        Err(WebDriverRunError::Body(err)) => panic!("driving the browser: {err}"),
        Err(err) => panic!("quitting the browser: {err}"),
    }
    drop(chromedriver);
    drop(files);

    // The browser's request for the errorUrl page came from Chromium itself.
    let page = receiver
        .requests()
        .into_iter()
        .find(|request| request.path() == ERROR_PATH)
        .unwrap();
    assert_eq!(page.method, "GET");
    assert!(
        page.header("user-agent")
            .is_some_and(|agent| agent.contains("Chrome/")),
        "{:?}",
        page.header("user-agent")
    );

    // The webhook: one delivery, signed with the emulator's key, final, DENIED.
    assert_eq!(wait_for_requests(receiver, WEBHOOK_PATH, 1).await, 1);
    let hooks: Vec<_> = receiver
        .requests()
        .into_iter()
        .filter(|request| request.path() == WEBHOOK_PATH)
        .collect();
    assert_eq!(hooks.len(), 1, "{hooks:#?}");
    let hook = &hooks[0];
    assert_eq!(hook.method, "POST");
    assert_eq!(hook.header("content-type"), Some("application/json"));
    let event = webhook::verify_and_parse(
        &hook.body,
        hook.header("idenfy-signature"),
        hook.header("idenfy-event-type"),
        &[emulator.webhook_key()],
    )
    .unwrap();
    assert!(
        webhook::verify_and_parse(
            &hook.body,
            hook.header("idenfy-signature"),
            hook.header("idenfy-event-type"),
            &[WebhookKey::new("not-the-emulator's-key").unwrap()],
        )
        .is_err(),
        "the signature is the emulator key's"
    );
    assert!(event.is_final());
    assert_eq!(
        event.event_type(),
        Some(&EventType::IdentificationAutoFinished)
    );
    assert_eq!(event.scan_ref(), Some(scan_ref));
    assert_eq!(event.client_id(), Some(CLIENT_ID));
    let WebhookEvent::Identification { result, .. } = &event else {
        panic!("not an identification result: {event:?}");
    };
    assert_eq!(result.status.overall, Some(OverallStatus::Denied));

    // `status` agrees.
    let status = client.status(scan_ref).await.unwrap();
    assert_eq!(status.status, Some(OverallStatus::Denied));
    assert_eq!(status.scan_ref.as_deref(), Some(scan_ref));
}
