//! The sentinel sweep (issue 12, deliverable 7; R10): every command of `idenfy`, run as a user
//! runs it — the built binary, against the emulator on 127.0.0.1 (the commands of the further
//! endpoints, issue 14, against the conformance kit's scripted server, whose answers carry the
//! sentinels) — with sentinel values for
//! everything that must not leak, in four modes (human, `--json`, `-vv`, and `--json` with
//! `RUST_LOG=trace`), on its success path and its error paths (wrong credentials, 4xx and 5xx
//! answers whose bodies are not JSON, a broken answer, a failed connection, refused input).
//! stdout and stderr are searched:
//!
//! - never, anywhere: the API secret, the `Authorization` value (nor any `Basic ` value but
//!   `Basic [redacted]`), and any webhook key given by `--key`, `--key-file` or
//!   `IDENFY_WEBHOOK_KEY`;
//! - the API key (the user-name half of the credentials, not a secret) only in what `emulator`
//!   announces, since a client needs it;
//! - an `authToken` only on the stdout of `token` and `redirect-url`, which exist to print it,
//!   and of the commands whose answer is a token or carries one: `request-info` (the new
//!   session), `face-auth token`, `face-auth sessions` (each session's token) and `video-call
//!   start` (the call's URL); never the token `process` is given, nor one in the path of
//!   `face-auth sessions TOKEN --dry-run`;
//! - the images `process` uploads, raw or base64-encoded: never, anywhere;
//! - the `clientId` (the partner's own identifier of the person, which the library does not
//!   redact) only on the stdout of the commands that show a verification's answer or event;
//! - personal data — the names, numbers, address and date of birth given at token creation,
//!   what the emulator reads back or synthesizes for a person without them, an e-mail address in
//!   an error page — only on the stdout of `token --json` and `token --dry-run` (the answer's echo
//!   and the request of the same run), `data`, `full-status`, `video-call record`, `face-auth
//!   sessions TOKEN` and `face-auth sessions --json` (the face photo's URL), `webhook
//!   verify|parse --json` (the event) and `pdf --output -` (the report);
//! - on stderr (error messages, `-vv` and `RUST_LOG=trace` diagnostics): none of these, ever.
//!
//! The commands are read from the binary's own help, recursively: the sweep records which
//! command ran in which mode, and a command the help lists that did not run in every mode fails
//! it, so a new command cannot be forgotten. It is one test, run in order, because the emulator's
//! faults are shared by whatever runs against it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::string_slice)]

mod support;

use std::collections::BTreeSet;
use std::io::{BufRead as _, BufReader, Write as _};
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use base64::Engine as _;
use idenfy::{Config, Credentials, Endpoint as _, StatusRequest};
use idenfy_conformance::server::{Behaviour, Reply, TestServer};
use idenfy_emulator::{Emulator, Fault, Outcome};
use serde_json::Value;
use support::{Run, command, scratch_dir};

const API_KEY: &str = "swpApiKey7Qz";
const API_SECRET: &str = "swpApiSecret4Hx";
const WRONG_SECRET: &str = "swpWrongSecret2Zz";
/// The key the emulator signs webhooks with.
const KEY_SIGN: &str = "swpWhkSign3Jn";
/// An older key, first in the key file (rotation).
const KEY_OLD: &str = "swpWhkOld5Pc";
/// A key that did not sign anything.
const KEY_WRONG: &str = "swpWhkWrong8Lm";
const CLIENT_ID: &str = "swpClient91Kd";
const FIRST_NAME: &str = "Swpfirstnamex";
const LAST_NAME: &str = "Swplastnamey";
const PERSONAL_NUMBER: &str = "SWPPN55012";
const DOCUMENT_NUMBER: &str = "SWPDOC77341";
const ADDRESS: &str = "Swpaddress street 9";
const DATE_OF_BIRTH: &str = "1961-07-23";
/// Only ever in the bodies of error pages.
const EMAIL: &str = "swp.person@example.com";
/// A `scanRef` for the commands of the further endpoints.
const SCAN_REF: &str = "9b11acb2-8c27-11e9-9758-309c231b1bac";
/// The token `process` is given (never printed).
const PROCESS_TOKEN: &str = "swpProcessTok3nAb12Cd";
/// The token of a face-authentication session (printed by `face-auth sessions`).
const SESSION_TOKEN: &str = "swpSessionTok3nXy34Ef";
/// The token of a face-authentication answer.
const FACE_TOKEN: &str = "swpFaceAuthTok3nQ56Gh";
/// The token of the session a request for information opens.
const INFO_TOKEN: &str = "swpInfoTok3nRs78Ij90K";
/// The token in the URL of a video call.
const CALL_TOKEN: &str = "swpCallTok3nTu90Kl12M";
/// The surname of the demo's own person (the demo is given none of the sentinels).
const DEMO_SURNAME: &str = "PETRAITYT";

/// The four ways every command is run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Mode {
    Human,
    Json,
    /// Human output with `-vv`.
    Verbose,
    /// `--json` with `RUST_LOG=trace`: every crate's events, hyper's included.
    Trace,
}

const MODES: [Mode; 4] = [Mode::Human, Mode::Json, Mode::Verbose, Mode::Trace];

impl Mode {
    fn json(self) -> bool {
        matches!(self, Mode::Json | Mode::Trace)
    }

    fn logs(self) -> bool {
        matches!(self, Mode::Verbose | Mode::Trace)
    }
}

/// How the API credentials are given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Creds {
    None,
    /// `--api-key` and `--api-secret`.
    Flags,
    /// `IDENFY_API_KEY` and `IDENFY_API_SECRET`.
    Env,
    /// The right key with a wrong secret, as flags.
    Wrong,
}

impl Creds {
    /// Flags in one mode, the environment in the other, so that both are swept.
    fn given(mode: Mode) -> Self {
        if mode.json() {
            Creds::Env
        } else {
            Creds::Flags
        }
    }
}

/// What a run may print on stdout besides what is never secret; stderr may print none of it.
#[derive(Debug, Clone, Copy, Default)]
struct Shows {
    api_key: bool,
    auth_token: bool,
    client_id: bool,
    personal: bool,
}

const NOTHING: Shows = Shows {
    api_key: false,
    auth_token: false,
    client_id: false,
    personal: false,
};
/// A verification's answer without its personal data (`status`, a webhook's summary).
const ANSWER: Shows = Shows {
    client_id: true,
    ..NOTHING
};
/// A verification's answer with its personal data (`data`, a webhook event as JSON).
const PERSONAL: Shows = Shows {
    client_id: true,
    personal: true,
    ..NOTHING
};

/// One invocation of the binary.
struct Call<'a> {
    path: &'a [&'a str],
    args: Vec<String>,
    creds: Creds,
    stdin: Vec<u8>,
    env: Vec<(&'static str, String)>,
    base_url: Option<String>,
}

impl<'a> Call<'a> {
    fn new(path: &'a [&'a str], args: &[&str]) -> Self {
        Self {
            path,
            args: args.iter().map(|arg| (*arg).to_owned()).collect(),
            creds: Creds::None,
            stdin: Vec::new(),
            env: Vec::new(),
            base_url: None,
        }
    }

    fn creds(mut self, creds: Creds) -> Self {
        self.creds = creds;
        self
    }

    fn stdin(mut self, stdin: &[u8]) -> Self {
        self.stdin = stdin.to_vec();
        self
    }

    fn env(mut self, name: &'static str, value: &str) -> Self {
        self.env.push((name, value.to_owned()));
        self
    }

    fn base_url(mut self, base_url: &str) -> Self {
        self.base_url = Some(base_url.to_owned());
        self
    }
}

struct Sweep {
    emulator: Emulator,
    dir: PathBuf,
    /// What must never appear: the secret, the wrong secret, the Basic values, the keys.
    secrets: Vec<String>,
    /// Every `authToken` seen so far.
    tokens: Vec<String>,
    /// Every personal value given or synthesized so far.
    personal: Vec<String>,
    /// The commands run, by path, with the mode.
    ran: BTreeSet<(String, Mode)>,
}

impl Sweep {
    fn new() -> Self {
        let emulator = Emulator::builder()
            .credentials(API_KEY, API_SECRET)
            .webhook_key(KEY_SIGN)
            .start_blocking()
            .unwrap();
        let mut secrets: Vec<String> = [API_SECRET, WRONG_SECRET, KEY_SIGN, KEY_OLD, KEY_WRONG]
            .map(str::to_owned)
            .to_vec();
        for secret in [API_SECRET, WRONG_SECRET] {
            secrets.push(basic_value(secret));
        }
        Self {
            emulator,
            dir: scratch_dir("sentinels"),
            secrets,
            tokens: Vec::new(),
            personal: [
                FIRST_NAME,
                LAST_NAME,
                PERSONAL_NUMBER,
                DOCUMENT_NUMBER,
                ADDRESS,
                DATE_OF_BIRTH,
                EMAIL,
            ]
            .map(str::to_owned)
            .to_vec(),
            ran: BTreeSet::new(),
        }
    }

    /// A file in the sweep's directory with `content`; its path.
    fn file(&self, name: &str, content: &[u8]) -> String {
        let path = self.dir.join(name);
        std::fs::write(&path, content).unwrap();
        path.to_str().unwrap().to_owned()
    }

    /// The binary's command line and environment for `call` in `mode`.
    fn command(&self, mode: Mode, call: &Call<'_>) -> std::process::Command {
        let base_url = call
            .base_url
            .clone()
            .unwrap_or_else(|| self.emulator.base_url().to_owned());
        let mut args: Vec<String> = vec![
            "--base-url".into(),
            base_url,
            "--timeout".into(),
            "10".into(),
        ];
        match call.creds {
            Creds::Flags => {
                args.extend(["--api-key", API_KEY, "--api-secret", API_SECRET].map(String::from))
            }
            Creds::Wrong => {
                args.extend(["--api-key", API_KEY, "--api-secret", WRONG_SECRET].map(String::from))
            }
            Creds::None | Creds::Env => {}
        }
        match mode {
            Mode::Json | Mode::Trace => args.push("--json".into()),
            Mode::Verbose => args.push("-vv".into()),
            Mode::Human => {}
        }
        args.extend(call.path.iter().map(|part| (*part).to_owned()));
        args.extend(call.args.iter().cloned());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut command = command(&args);
        command
            .env_remove("RUST_LOG")
            .env_remove("IDENFY_WEBHOOK_KEY");
        if mode == Mode::Trace {
            command.env("RUST_LOG", "trace");
        }
        if call.creds == Creds::Env {
            command
                .env("IDENFY_API_KEY", API_KEY)
                .env("IDENFY_API_SECRET", API_SECRET);
        }
        for (name, value) in &call.env {
            command.env(name, value);
        }
        command
    }

    /// Runs `call` in `mode` to its end and records it.
    fn run(&mut self, mode: Mode, call: &Call<'_>) -> Run {
        let mut child = self
            .command(mode, call)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        if let Some(mut stdin) = child.stdin.take() {
            let _ = stdin.write_all(&call.stdin);
        }
        let output = child.wait_with_output().unwrap();
        self.ran.insert((call.path.join(" "), mode));
        Run {
            code: output.status.code().unwrap(),
            // `pdf --output -` writes bytes that are not UTF-8.
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Runs `call` in `mode`, expects `code`, and checks both streams against what the run
    /// `shows`. For a command that sends a request, `-vv` and `RUST_LOG=trace` must have logged
    /// it, so that an empty log does not pass for a clean one.
    fn sweep(&mut self, mode: Mode, call: &Call<'_>, code: i32, shows: Shows) -> Run {
        let run = self.run(mode, call);
        let what = format!("{mode:?} {} {:?}", call.path.join(" "), call.args);
        assert_eq!(
            run.code, code,
            "{what}\nstdout: {}\nstderr: {}",
            run.stdout, run.stderr
        );
        if mode.logs() && sends(call) && code != 2 {
            assert!(
                run.stderr.contains("sending"),
                "{what}: no diagnostics: {}",
                run.stderr
            );
        }
        // Help is text whatever the mode; everything else prints one JSON document with --json.
        if mode.json() && !run.stdout.is_empty() && call.path.last() != Some(&"help") {
            let _ = run.json();
        }
        self.check(&what, &run, shows);
        run
    }

    /// Searches stdout (against `shows`) and stderr (against nothing) for every sentinel.
    fn check(&self, what: &str, run: &Run, shows: Shows) {
        for (stream, text, shows) in [
            ("stdout", &run.stdout, shows),
            ("stderr", &run.stderr, NOTHING),
        ] {
            let lower = text.to_lowercase();
            for secret in &self.secrets {
                assert!(
                    !text.contains(secret.as_str()),
                    "{what}: {secret:?} on {stream}:\n{text}"
                );
            }
            for (at, _) in text.match_indices("Basic ") {
                assert!(
                    !is_basic_value(&text[at + "Basic ".len()..]),
                    "{what}: a Basic value on {stream}:\n{text}"
                );
            }
            if !shows.api_key {
                assert!(
                    !text.contains(API_KEY),
                    "{what}: the API key on {stream}:\n{text}"
                );
            }
            if !shows.auth_token {
                for token in &self.tokens {
                    assert!(
                        !text.contains(token.as_str()),
                        "{what}: an authToken on {stream}:\n{text}"
                    );
                }
            }
            if !shows.client_id {
                assert!(
                    !lower.contains(&CLIENT_ID.to_lowercase()),
                    "{what}: the clientId on {stream}:\n{text}"
                );
            }
            if !shows.personal {
                for value in &self.personal {
                    assert!(
                        !lower.contains(&value.to_lowercase()),
                        "{what}: personal data {value:?} on {stream}:\n{text}"
                    );
                }
            }
        }
    }

    /// The personal values of a `data --json` answer, added to the sentinels.
    fn learn_personal(&mut self, data: &Value) {
        for field in [
            "docFirstName",
            "docLastName",
            "docNumber",
            "docPersonalCode",
            "docDob",
            "docExpiry",
            "docDateOfIssue",
            "fullName",
            "address",
        ] {
            if let Some(value) = data[field].as_str()
                && !self
                    .personal
                    .iter()
                    .any(|known| known.eq_ignore_ascii_case(value))
            {
                self.personal.push(value.to_owned());
            }
        }
    }

    fn learn_token(&mut self, token: &str) {
        assert!(token.len() >= 20, "{token}");
        self.tokens.push(token.to_owned());
    }
}

/// Whether `call` sends a request to the API (and so must show in the diagnostics).
fn sends(call: &Call<'_>) -> bool {
    matches!(
        call.path,
        ["token"
            | "status"
            | "data"
            | "files"
            | "delete"
            | "pdf"
            | "process"
            | "identifications"
            | "request-info"
            | "full-status"]
            | ["face-auth", "status" | "token" | "sessions"]
            | ["video-call", "start" | "record"]
    ) && !call.args.iter().any(|arg| arg == "--dry-run")
        && call.creds != Creds::None
}

/// Whether `rest` (what follows `Basic `) starts with credentials in base64 rather than
/// `[redacted]` or a word (the help speaks of "Basic credentials"): a run of base64 characters
/// whose length is a multiple of 4, with a digit, `+`, `/`, `=` or a capital after its first
/// character.
fn is_basic_value(rest: &str) -> bool {
    let run: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
        .collect();
    run.len() >= 8
        && run.len().is_multiple_of(4)
        && run
            .chars()
            .skip(1)
            .any(|c| c.is_ascii_digit() || c.is_ascii_uppercase() || matches!(c, '+' | '/' | '='))
}

/// The base64 part of `Basic base64(API_KEY:secret)`, as the library builds it.
fn basic_value(secret: &str) -> String {
    let config = Config::new(Credentials::new(API_KEY, secret).unwrap());
    let request = StatusRequest::new("s-1")
        .unwrap()
        .to_request(&config)
        .unwrap();
    let value = request.headers()["authorization"].to_str().unwrap();
    value.strip_prefix("Basic ").unwrap().to_owned()
}

/// The commands of the binary, as the paths of the leaves of its command tree, read from its
/// help (`Commands:` lists, recursively).
fn commands() -> BTreeSet<String> {
    fn walk(path: &mut Vec<String>, out: &mut BTreeSet<String>) {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.extend(["--help", "--color", "never"]);
        let run = support::idenfy(&args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        let names: Vec<String> = run
            .stdout
            .lines()
            .skip_while(|line| *line != "Commands:")
            .skip(1)
            .take_while(|line| !line.is_empty())
            .filter(|line| line.starts_with("  ") && !line.starts_with("   "))
            .filter_map(|line| line.split_whitespace().next())
            .map(str::to_owned)
            .collect();
        if names.is_empty() {
            out.insert(path.join(" "));
            return;
        }
        for name in names {
            path.push(name);
            if path.last().is_some_and(|name| name == "help") {
                out.insert(path.join(" "));
            } else {
                walk(path, out);
            }
            path.pop();
        }
    }
    let mut out = BTreeSet::new();
    walk(&mut Vec::new(), &mut out);
    out
}

/// The `token` arguments with every personal sentinel.
fn token_args(extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = [
        "--client-id",
        CLIENT_ID,
        "--first-name",
        FIRST_NAME,
        "--last-name",
        LAST_NAME,
        "--personal-number",
        PERSONAL_NUMBER,
        "--document-number",
        DOCUMENT_NUMBER,
        "--address",
        ADDRESS,
        "--date-of-birth",
        DATE_OF_BIRTH,
        "--country",
        "lt",
    ]
    .map(str::to_owned)
    .to_vec();
    args.extend(extra.iter().map(|arg| (*arg).to_owned()));
    args
}

/// An error page that is not JSON, quoting the person and a secret or two the way a broken
/// proxy or framework would, with its JSON cut short.
fn error_page(token: &str) -> String {
    format!(
        "<html><p>firstName: {FIRST_NAME} mail {EMAIL}</p><pre>{{\"lastName\":\"{LAST_NAME}\",\
         'personalNumber': '{PERSONAL_NUMBER}', \"documentNumber\": \"{DOCUMENT_NUMBER}\", \
         \"authToken\":\"{token}\",\"apiSecret\":\"{API_SECRET}\",\"address\":\"{ADDRESS}\",\
         \"dateOfBirth\":\"{DATE_OF_BIRTH}"
    )
}

/// A row's value in human output (`key   value`).
fn row<'a>(stdout: &'a str, key: &str) -> &'a str {
    stdout
        .lines()
        .find_map(|line| line.strip_prefix(key).filter(|rest| rest.starts_with(' ')))
        .unwrap_or_else(|| panic!("no {key} row in {stdout}"))
        .trim()
}

#[test]
fn r10_every_command_with_sentinels_in_every_mode() {
    let mut sweep = Sweep::new();
    // The checks themselves: a Basic value is told from the help's words and from `[redacted]`.
    assert!(is_basic_value(&basic_value(API_SECRET)));
    assert!(!is_basic_value("[redacted]") && !is_basic_value("credentials)"));

    // --- token: a verification with every personal field, one per mode, and one without
    // names for what the emulator synthesizes. ---
    let mut named = Vec::new();
    for mode in MODES {
        let args = token_args(&[]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let call = Call::new(&["token"], &args).creds(Creds::given(mode));
        let run = sweep.run(mode, &call);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let (token, scan_ref) = if mode.json() {
            let answer = run.json();
            assert_eq!(answer["firstName"], FIRST_NAME.to_uppercase());
            (
                answer["authToken"].as_str().unwrap().to_owned(),
                answer["scanRef"].as_str().unwrap().to_owned(),
            )
        } else {
            (
                row(&run.stdout, "authToken").to_owned(),
                row(&run.stdout, "scanRef").to_owned(),
            )
        };
        sweep.learn_token(&token);
        // The same run, checked with its token known: human output shows no personal data.
        let shows = Shows {
            auth_token: true,
            client_id: true,
            personal: mode.json(),
            ..NOTHING
        };
        if mode.logs() {
            assert!(run.stderr.contains("sending"), "{}", run.stderr);
        }
        sweep.check(&format!("{mode:?} token"), &run, shows);
        named.push((scan_ref, token));
    }
    let run = sweep.sweep(
        Mode::Json,
        &Call::new(&["token"], &["--client-id", CLIENT_ID]).creds(Creds::Env),
        0,
        Shows {
            auth_token: true,
            client_id: true,
            ..NOTHING
        },
    );
    let unnamed = run.json()["scanRef"].as_str().unwrap().to_owned();
    sweep.learn_token(run.json()["authToken"].as_str().unwrap());
    for mode in MODES {
        // --dry-run prints the request it would send: the personal data given, no credentials.
        let args = token_args(&["--dry-run"]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = sweep.sweep(
            mode,
            &Call::new(&["token"], &args).creds(Creds::given(mode)),
            0,
            Shows {
                client_id: true,
                personal: true,
                ..NOTHING
            },
        );
        assert!(run.stdout.contains("Basic [redacted]"), "{}", run.stdout);
    }

    // The people finish; their webhooks are signed with KEY_SIGN.
    let (scan_ref, token) = named[0].clone();
    for id in [&scan_ref, &unnamed] {
        sweep.emulator.start_session(id).unwrap();
        sweep.emulator.complete(id, Outcome::approved()).unwrap();
    }
    let delivery = sweep
        .emulator
        .wait_for_deliveries_blocking(2, Duration::from_secs(10))
        .unwrap()
        .into_iter()
        .find(|delivery| delivery.scan_ref == scan_ref)
        .unwrap();
    let signature = delivery.signature().unwrap().to_owned();

    // --- data first: it shows what the emulator read back and synthesized, which every later
    // run must then not show. ---
    for mode in MODES {
        for id in [&scan_ref, &unnamed] {
            let run = sweep.sweep(
                mode,
                &Call::new(&["data"], &[id]).creds(Creds::given(mode)),
                0,
                PERSONAL,
            );
            if mode.json() {
                sweep.learn_personal(&run.json());
            } else {
                assert!(run.stdout.contains("docFirstName"), "{}", run.stdout);
            }
        }
    }
    assert!(
        sweep.personal.iter().any(|value| value == "BIRUTE"),
        "{:?}",
        sweep.personal
    );

    // --- status, files, delete, pdf ---
    for mode in MODES {
        let creds = Creds::given(mode);
        let run = sweep.sweep(
            mode,
            &Call::new(&["status"], &[&scan_ref]).creds(creds),
            0,
            ANSWER,
        );
        assert!(run.stdout.contains("APPROVED"), "{}", run.stdout);
        let run = sweep.sweep(
            mode,
            &Call::new(&["files"], &[&scan_ref]).creds(creds),
            0,
            NOTHING,
        );
        assert!(run.stdout.contains("FRONT"), "{}", run.stdout);
        sweep.sweep(
            mode,
            &Call::new(&["status"], &[&scan_ref, "--dry-run"]).creds(creds),
            0,
            NOTHING,
        );
        let report = sweep.dir.join(format!("report-{mode:?}.pdf"));
        let report = report.to_str().unwrap();
        let run = sweep.sweep(
            mode,
            &Call::new(&["pdf"], &[&scan_ref, "--output", report]).creds(creds),
            0,
            NOTHING,
        );
        assert!(run.stdout.contains("bytes"), "{}", run.stdout);
        // An existing file without --force: refused before anything is sent.
        sweep.sweep(
            mode,
            &Call::new(&["pdf"], &[&scan_ref, "--output", report]).creds(creds),
            2,
            NOTHING,
        );
        if !mode.json() {
            let run = sweep.sweep(
                mode,
                &Call::new(&["pdf"], &[&scan_ref, "--output", "-"]).creds(creds),
                0,
                PERSONAL,
            );
            assert!(run.stdout.starts_with("%PDF-"));
        }
        // Delete is refused while the token is unused (PARTNER_ERROR), and for an unknown one.
        let (unused, _) = &named[1];
        sweep.sweep(
            mode,
            &Call::new(&["delete"], &[unused]).creds(creds),
            1,
            NOTHING,
        );
        sweep.sweep(
            mode,
            &Call::new(&["delete"], &["0f1e2d3c"]).creds(creds),
            1,
            NOTHING,
        );
    }
    let ended: Vec<&String> = named[1..]
        .iter()
        .map(|(id, _)| id)
        .chain([&unnamed])
        .collect();
    for (mode, id) in MODES.into_iter().zip(ended) {
        // Each mode deletes one verification, once it has ended.
        if *id != unnamed {
            sweep.emulator.start_session(id).unwrap();
            sweep.emulator.complete(id, Outcome::denied()).unwrap();
        }
        let run = sweep.sweep(
            mode,
            &Call::new(&["delete"], &[id]).creds(Creds::given(mode)),
            0,
            NOTHING,
        );
        assert!(run.stdout.contains(id.as_str()), "{}", run.stdout);
    }

    // --- redirect-url ---
    for mode in MODES {
        let run = sweep.sweep(
            mode,
            &Call::new(&["redirect-url"], &[&token]).creds(Creds::given(mode)),
            0,
            Shows {
                auth_token: true,
                ..NOTHING
            },
        );
        assert!(run.stdout.contains(&token), "{}", run.stdout);
        sweep.sweep(
            mode,
            &Call::new(&["redirect-url"], &[&token, "--iframe"]),
            0,
            Shows {
                auth_token: true,
                ..NOTHING
            },
        );
        sweep.sweep(mode, &Call::new(&["redirect-url"], &[""]), 2, NOTHING);
        sweep.sweep(
            mode,
            &Call::new(&["redirect-url"], &["tok\u{1b}en"]),
            2,
            NOTHING,
        );
    }

    // --- webhook: the emulator's signed delivery, keys from each source ---
    let key_file = sweep.file("keys", format!("{KEY_OLD}\n{KEY_SIGN}\n").as_bytes());
    let sign_file = sweep.file("sign-key", format!("{KEY_SIGN}\n").as_bytes());
    let body_file = sweep.file("delivery.json", &delivery.body);
    for mode in MODES {
        let event = if mode.json() { PERSONAL } else { ANSWER };
        let verify: Vec<Call<'_>> = vec![
            Call::new(
                &["webhook", "verify"],
                &[
                    "--key",
                    KEY_WRONG,
                    "--key",
                    KEY_SIGN,
                    "--signature",
                    &signature,
                    &body_file,
                ],
            ),
            Call::new(
                &["webhook", "verify"],
                &["--key-file", &key_file, "--signature", &signature, "-"],
            )
            .stdin(&delivery.body),
            Call::new(
                &["webhook", "verify"],
                &["--signature", &signature, &body_file],
            )
            .env("IDENFY_WEBHOOK_KEY", KEY_SIGN),
        ];
        for call in &verify {
            let run = sweep.sweep(mode, call, 0, event);
            assert!(run.stdout.contains(&scan_ref), "{}", run.stdout);
        }
        // A key that did not sign it: refused, and nothing of the body printed.
        let run = sweep.sweep(
            mode,
            &Call::new(
                &["webhook", "verify"],
                &["--key", KEY_WRONG, "--signature", &signature, &body_file],
            ),
            1,
            NOTHING,
        );
        assert!(!run.stdout.contains(&scan_ref), "{}", run.stdout);
        sweep.sweep(
            mode,
            &Call::new(
                &["webhook", "verify"],
                &["--key", "", "--signature", &signature, &body_file],
            ),
            2,
            NOTHING,
        );

        let run = sweep.sweep(
            mode,
            &Call::new(&["webhook", "parse"], &["-"]).stdin(&delivery.body),
            0,
            event,
        );
        assert!(run.stdout.contains(&scan_ref), "{}", run.stdout);
        // A broken body with personal data: the error quotes none of it.
        let broken = format!(
            r#"{{"scanRef":"s-1","clientId":"{CLIENT_ID}","data":{{"docFirstName":"{FIRST_NAME}","docNumber":"{DOCUMENT_NUMBER}","docDob": tru"#
        );
        sweep.sweep(
            mode,
            &Call::new(&["webhook", "parse"], &[]).stdin(broken.as_bytes()),
            1,
            NOTHING,
        );
        // Values that do not fit their fields are kept, and shown only as the event is.
        let wrong_type = format!(
            r#"{{"scanRef":"s-1","clientId":"{CLIENT_ID}","data":{{"docFirstName":["{FIRST_NAME}"]}},"final":"{LAST_NAME}"}}"#
        );
        sweep.sweep(
            mode,
            &Call::new(&["webhook", "parse"], &["-"]).stdin(wrong_type.as_bytes()),
            0,
            event,
        );

        for call in [
            Call::new(&["webhook", "sign"], &["--key", KEY_SIGN, &body_file]),
            Call::new(&["webhook", "sign"], &["--key-file", &sign_file, "-"]).stdin(&delivery.body),
            Call::new(&["webhook", "sign"], &[&body_file]).env("IDENFY_WEBHOOK_KEY", KEY_SIGN),
        ] {
            let run = sweep.sweep(mode, &call, 0, NOTHING);
            assert!(run.stdout.contains(&signature), "{}", run.stdout);
        }
        // Two keys for signing, and an empty one from the environment: refused, named.
        sweep.sweep(
            mode,
            &Call::new(&["webhook", "sign"], &["--key-file", &key_file, &body_file]),
            2,
            NOTHING,
        );
        sweep.sweep(
            mode,
            &Call::new(&["webhook", "sign"], &[&body_file]).env("IDENFY_WEBHOOK_KEY", ""),
            2,
            NOTHING,
        );
    }

    // --- error paths of the API commands ---
    let page = error_page(&token);
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    for mode in MODES {
        let creds = Creds::given(mode);
        // Wrong credentials (401), for a read and for a token with personal data.
        sweep.sweep(
            mode,
            &Call::new(&["status"], &[&scan_ref]).creds(Creds::Wrong),
            1,
            NOTHING,
        );
        let args = token_args(&[]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        sweep.sweep(
            mode,
            &Call::new(&["token"], &args).creds(Creds::Wrong),
            1,
            NOTHING,
        );
        // No secret at all: refused before sending, naming the field.
        sweep.sweep(mode, &Call::new(&["status"], &[&scan_ref]), 2, NOTHING);
        // Refused input with personal data beside it.
        let args = token_args(&["--country", "EN"]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        sweep.sweep(mode, &Call::new(&["token"], &args).creds(creds), 2, NOTHING);

        // 4xx and 5xx answers whose bodies are error pages quoting the person.
        for (path, status, retried) in [
            ("/api/v2/status", 400, 1),
            ("/api/v2/data", 503, 10),
            ("/api/v2/token", 502, 10),
            ("/api/v2/files", 404, 1),
        ] {
            sweep
                .emulator
                .inject_fault(
                    Fault::status(status)
                        .with_body("text/html", page.clone())
                        .on_path(path)
                        .times(retried),
                )
                .unwrap();
            let command = path.rsplit('/').next().unwrap();
            let args = if command == "token" {
                token_args(&[])
            } else {
                vec![scan_ref.clone()]
            };
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let run = sweep.sweep(mode, &Call::new(&[command], &args).creds(creds), 1, NOTHING);
            assert!(run.stderr.contains("[redacted]"), "{}", run.stderr);
            sweep.emulator.clear_faults();
        }
        // A 2xx answer cut short inside personal data.
        let cut = format!(
            r#"{{"scanRef":"{scan_ref}","clientId":"{CLIENT_ID}","docFirstName":"{FIRST_NAME}","docNumber":"{DOCUMENT_NUMBER}","docDob":tru"#
        );
        sweep
            .emulator
            .inject_fault(
                Fault::status(200)
                    .with_body("application/json", cut)
                    .on_path("/api/v2/data"),
            )
            .unwrap();
        sweep.sweep(
            mode,
            &Call::new(&["data"], &[&scan_ref]).creds(creds),
            1,
            NOTHING,
        );
        sweep.emulator.clear_faults();
        // A connection that fails: dropped, garbage, refused.
        sweep
            .emulator
            .inject_fault(Fault::drop_connection().on_path("/api/v2/status").times(10))
            .unwrap();
        sweep.sweep(
            mode,
            &Call::new(&["status"], &[&scan_ref]).creds(creds),
            3,
            NOTHING,
        );
        sweep.emulator.clear_faults();
        sweep
            .emulator
            .inject_fault(Fault::garbage().on_path("/api/v2/files").times(10))
            .unwrap();
        sweep.sweep(
            mode,
            &Call::new(&["files"], &[&scan_ref]).creds(creds),
            3,
            NOTHING,
        );
        sweep.emulator.clear_faults();
        sweep.sweep(
            mode,
            &Call::new(&["pdf"], &[&scan_ref, "--output", "-"])
                .creds(creds)
                .base_url(&closed),
            if mode.json() { 2 } else { 3 },
            NOTHING,
        );
    }

    // --- emulator: given credentials and key, and the logs of a request it serves ---
    for mode in MODES {
        let key_flags: Vec<&str> = match mode {
            Mode::Human => vec!["--webhook-key", KEY_SIGN],
            Mode::Json => vec!["--webhook-key-file", &sign_file],
            Mode::Verbose | Mode::Trace => vec![],
        };
        emulator_run(&mut sweep, mode, &key_flags);
        sweep.sweep(
            mode,
            &Call::new(&["emulator"], &["--webhook-key", ""]).creds(Creds::given(mode)),
            2,
            NOTHING,
        );
    }

    // --- demo, completions, help ---
    for (mode, shell) in MODES.into_iter().zip(["bash", "zsh", "fish", "powershell"]) {
        let creds = Creds::given(mode);
        let run = sweep.sweep(
            mode,
            &Call::new(&["demo"], &[])
                .creds(creds)
                .env("IDENFY_WEBHOOK_KEY", KEY_SIGN),
            0,
            NOTHING,
        );
        assert!(
            !run.stderr.to_uppercase().contains(DEMO_SURNAME),
            "{}",
            run.stderr
        );
        sweep.sweep(
            mode,
            &Call::new(&["completions"], &[shell]).creds(creds),
            0,
            NOTHING,
        );
        sweep.sweep(
            mode,
            &Call::new(&["completions"], &["tcsh"]).creds(creds),
            2,
            NOTHING,
        );
        // Help names the variables that hold secrets, never their values.
        for args in [&[][..], &["token"], &["emulator"]] {
            let run = sweep.sweep(
                mode,
                &Call::new(&["help"], args).creds(Creds::Env),
                0,
                NOTHING,
            );
            assert!(run.stdout.contains("IDENFY_API_SECRET"), "{}", run.stdout);
        }
        sweep.sweep(
            mode,
            &Call::new(&["help"], &["nosuch"]).creds(Creds::Env),
            2,
            NOTHING,
        );
        let run = sweep.sweep(
            mode,
            &Call::new(&["webhook", "help"], &["verify"]).env("IDENFY_WEBHOOK_KEY", KEY_SIGN),
            0,
            NOTHING,
        );
        assert!(run.stdout.contains("--key-file"), "{}", run.stdout);
    }

    // --- the further endpoints (issue 14), against a scripted server ---
    endpoints14(&mut sweep, &token);

    // Every command the binary lists ran in every mode.
    let commands = commands();
    assert!(
        commands.contains("webhook verify") && commands.contains("token"),
        "{commands:?}"
    );
    for command in &commands {
        for mode in MODES {
            assert!(
                sweep.ran.contains(&(command.clone(), mode)),
                "`idenfy {command}` was not swept in {mode:?} mode"
            );
        }
    }
    let _ = std::fs::remove_dir_all(&sweep.dir);
}

/// The commands of the further endpoints — `process`, `identifications`, `request-info`,
/// `face-auth …`, `video-call …`, `full-status` — in every mode, against the conformance kit's
/// scripted server answering with the sentinels: their success paths, `--dry-run`, an error page
/// quoting the person, wrong credentials and refused input.
fn endpoints14(sweep: &mut Sweep, token: &str) {
    let server = TestServer::start().unwrap();
    let base = server.base_url();
    let json = |status: u16, body: String| Behaviour::Respond(Reply::json(status, body));
    let listing = "/kyc/identifications/";
    let info = format!("/kyc/identifications/{SCAN_REF}/request-information/");
    let status = format!("/identification/facial-auth/{SCAN_REF}/check-status/");
    let session = format!("/api/v2/facial-authentication-sessions/{SESSION_TOKEN}/");
    let face_photo = format!("https://files.example/{FIRST_NAME}-face.jpg");
    let session_body = format!(
        r#"{{"id":"0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0","tokenString":"{SESSION_TOKEN}","approved":true,
           "givenScanRef":"{SCAN_REF}","type":"AUTHENTICATION","authenticationMethod":"FACE_MATCHING",
           "facePhoto":"{face_photo}"}}"#
    );
    for (path, body) in [
        ("/api/v2/process", String::new()),
        (
            info.as_str(),
            format!(
                r#"{{"tokenString":"{INFO_TOKEN}","sessionUrl":"{base}/api/v2/redirect?authToken={INFO_TOKEN}"}}"#
            ),
        ),
        (status.as_str(), r#"{"type":"AUTHENTICATION"}"#.to_owned()),
        (
            "/partner/authentication-info",
            format!(
                r#"{{"authToken":"{FACE_TOKEN}","digitString":"12345678","scanRef":"{SCAN_REF}"}}"#
            ),
        ),
        (
            "/api/v2/facial-authentication-sessions/",
            format!("[{session_body}]"),
        ),
        (session.as_str(), session_body.clone()),
        (
            "/api/v2/video-call",
            format!(r#"{{"url":"https://ivs.example/call?token={CALL_TOKEN}"}}"#),
        ),
        (
            "/api/v2/video-call-record",
            format!(
                r#"{{"photos":{{"VIDEO_CALL_FACE":"{face_photo}"}},"videos":["https://files.example/{LAST_NAME}.mp4"]}}"#
            ),
        ),
        (
            "/api/v2/full-status",
            format!(
                r#"{{"face_match_result":"FACE_MATCH","client":{{"name":"{FIRST_NAME}","surname":"{LAST_NAME}",
               "personal_id_number":"{PERSONAL_NUMBER}","utility_address":"{ADDRESS}"}},
               "client_identity_document":{{"doc_document_number":"{DOCUMENT_NUMBER}","doc_date_of_birth":"{DATE_OF_BIRTH}"}},
               "attempt_count":1}}"#
            ),
        ),
        (
            listing,
            format!(
                r#"{{"count":1,"next":null,"previous":null,"results":[{{"scanRef":"{SCAN_REF}","status":"APPROVED","suspected":false}}]}}"#
            ),
        ),
    ] {
        server.set_default(path, json(200, body));
    }
    for token in [
        PROCESS_TOKEN,
        SESSION_TOKEN,
        FACE_TOKEN,
        INFO_TOKEN,
        CALL_TOKEN,
    ] {
        sweep.learn_token(token);
    }
    // The images are personal data: never printed, raw or base64-encoded.
    let image = format!("\u{fffd}{FIRST_NAME} {PERSONAL_NUMBER} {DATE_OF_BIRTH}");
    let mut front = b"\xFF\xD8\xFF\xE0".to_vec();
    front.extend_from_slice(image.as_bytes());
    sweep
        .secrets
        .push(base64::engine::general_purpose::STANDARD.encode(&front));
    let front = sweep.file("front.jpg", &front);
    let process = |extra: &[&str]| -> Vec<String> {
        let mut args: Vec<String> = [
            "--auth-token",
            PROCESS_TOKEN,
            "--country",
            "lt",
            "--front",
            &front,
        ]
        .map(str::to_owned)
        .to_vec();
        args.extend(extra.iter().map(|arg| (*arg).to_owned()));
        args
    };
    let with_tokens = Shows {
        auth_token: true,
        ..NOTHING
    };
    let personal = Shows {
        personal: true,
        ..NOTHING
    };
    let page = error_page(token);

    for mode in MODES {
        let creds = Creds::given(mode);
        // Each run: the call, its exit code, what it may show.
        let process_args = process(&[]);
        let process_dry = process(&["--dry-run"]);
        let process_refused = process(&["--document-type", "SCROLL"]);
        let runs: Vec<(Call<'_>, i32, Shows)> = vec![
            (Call::new(&["process"], &strs(&process_args)), 0, NOTHING),
            (Call::new(&["process"], &strs(&process_dry)), 0, NOTHING),
            (Call::new(&["process"], &strs(&process_refused)), 2, NOTHING),
            (
                Call::new(
                    &["identifications"],
                    &["--client-id", CLIENT_ID, "--per-page", "5"],
                ),
                0,
                NOTHING,
            ),
            (
                Call::new(
                    &["identifications"],
                    &["--client-id", CLIENT_ID, "--dry-run"],
                ),
                0,
                Shows {
                    client_id: true,
                    ..NOTHING
                },
            ),
            (
                Call::new(
                    &["identifications"],
                    &["--client-id", CLIENT_ID, "--per-page", "0"],
                ),
                2,
                NOTHING,
            ),
            (
                Call::new(&["request-info"], &[SCAN_REF, "--lifetime", "600"]),
                0,
                with_tokens,
            ),
            (
                Call::new(&["request-info"], &[SCAN_REF, "--dry-run"]),
                0,
                NOTHING,
            ),
            (Call::new(&["face-auth", "status"], &[SCAN_REF]), 0, NOTHING),
            (
                Call::new(&["face-auth", "status"], &[SCAN_REF, "--dry-run"]),
                0,
                NOTHING,
            ),
            (
                Call::new(
                    &["face-auth", "token"],
                    &[SCAN_REF, "--generate-digit-string"],
                ),
                0,
                with_tokens,
            ),
            (
                Call::new(&["face-auth", "token"], &[SCAN_REF, "--dry-run"]),
                0,
                NOTHING,
            ),
            (
                Call::new(&["face-auth", "sessions"], &[]),
                0,
                Shows {
                    auth_token: true,
                    personal: mode.json(),
                    ..NOTHING
                },
            ),
            (
                Call::new(&["face-auth", "sessions"], &[SESSION_TOKEN]),
                0,
                Shows {
                    auth_token: true,
                    personal: true,
                    ..NOTHING
                },
            ),
            (
                Call::new(&["face-auth", "sessions"], &[SESSION_TOKEN, "--dry-run"]),
                0,
                NOTHING,
            ),
            (Call::new(&["face-auth", "sessions"], &[".."]), 2, NOTHING),
            (
                Call::new(&["video-call", "start"], &[SCAN_REF, "--photos"]),
                0,
                with_tokens,
            ),
            (
                Call::new(&["video-call", "start"], &[SCAN_REF, "--dry-run"]),
                0,
                NOTHING,
            ),
            (
                Call::new(&["video-call", "record"], &[SCAN_REF]),
                0,
                personal,
            ),
            (
                Call::new(&["video-call", "record"], &[SCAN_REF, "--dry-run"]),
                0,
                NOTHING,
            ),
            (Call::new(&["full-status"], &[SCAN_REF]), 0, personal),
            (
                Call::new(&["full-status"], &[SCAN_REF, "--dry-run"]),
                0,
                NOTHING,
            ),
        ];
        for (call, code, shows) in runs {
            let call = call.creds(creds).base_url(&base);
            let run = sweep.sweep(mode, &call, code, shows);
            if code == 0 && !call.args.iter().any(|arg| arg == "--dry-run") {
                assert!(!run.stdout.trim().is_empty(), "{:?}: no output", call.path);
            }
        }
        let run = sweep.sweep(
            mode,
            &Call::new(&["process"], &strs(&process(&["--dry-run"]))),
            0,
            NOTHING,
        );
        assert!(run.stdout.contains("[redacted: JPEG"), "{}", run.stdout);

        // --all over two pages.
        for page in 1..=2 {
            let next = if page == 1 {
                format!(r#""{base}/kyc/identifications/?page=2""#)
            } else {
                "null".to_owned()
            };
            server.enqueue(
                listing,
                json(
                    200,
                    format!(
                        r#"{{"count":2,"next":{next},"results":[{{"scanRef":"swp-{page}","status":"DENIED","suspected":true}}]}}"#
                    ),
                ),
            );
        }
        let run = sweep.sweep(
            mode,
            &Call::new(&["identifications"], &["--all", "--client-id", CLIENT_ID])
                .creds(creds)
                .base_url(&base),
            0,
            NOTHING,
        );
        assert!(run.stdout.contains("swp-2"), "{}", run.stdout);

        // Error pages quoting the person, for each command that sends; then wrong credentials.
        let failing: Vec<(&str, Call<'_>)> = vec![
            (
                "/api/v2/process",
                Call::new(&["process"], &strs(&process_args)),
            ),
            (listing, Call::new(&["identifications"], &["--all"])),
            (info.as_str(), Call::new(&["request-info"], &[SCAN_REF])),
            (
                status.as_str(),
                Call::new(&["face-auth", "status"], &[SCAN_REF]),
            ),
            (
                "/partner/authentication-info",
                Call::new(&["face-auth", "token"], &[SCAN_REF]),
            ),
            (
                "/api/v2/facial-authentication-sessions/",
                Call::new(&["face-auth", "sessions"], &[]),
            ),
            (
                session.as_str(),
                Call::new(&["face-auth", "sessions"], &[SESSION_TOKEN]),
            ),
            (
                "/api/v2/video-call",
                Call::new(&["video-call", "start"], &[SCAN_REF]),
            ),
            (
                "/api/v2/video-call-record",
                Call::new(&["video-call", "record"], &[SCAN_REF]),
            ),
            (
                "/api/v2/full-status",
                Call::new(&["full-status"], &[SCAN_REF]),
            ),
        ];
        for (path, call) in failing {
            server.enqueue(
                path,
                Behaviour::Respond(
                    Reply::new(400)
                        .header("Content-Type", "text/html")
                        .body(page.clone().into_bytes()),
                ),
            );
            let run = sweep.sweep(mode, &call.creds(creds).base_url(&base), 1, NOTHING);
            assert!(run.stderr.contains("[redacted]"), "{}", run.stderr);
        }
        server.enqueue(
            "/api/v2/full-status",
            json(
                401,
                r#"{"message":"Invalid credentials","identifier":"UNAUTHORIZED"}"#.to_owned(),
            ),
        );
        sweep.sweep(
            mode,
            &Call::new(&["full-status"], &[SCAN_REF])
                .creds(Creds::Wrong)
                .base_url(&base),
            1,
            NOTHING,
        );

        // Help of the command groups.
        for (group, command) in [("face-auth", "sessions"), ("video-call", "start")] {
            let run = sweep.sweep(
                mode,
                &Call::new(&[group, "help"], &[command]).creds(Creds::Env),
                0,
                NOTHING,
            );
            assert!(run.stdout.contains("--dry-run"), "{}", run.stdout);
        }
    }
}

/// `&str`s of `args`.
fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

/// Runs `idenfy emulator` with the sentinel credentials and `key_flags` (none: the key comes
/// from `IDENFY_WEBHOOK_KEY`), reads its announcement, has it serve a token with personal data
/// and a status, stops it, and checks everything it printed.
fn emulator_run(sweep: &mut Sweep, mode: Mode, key_flags: &[&str]) {
    let mut call = Call::new(&["emulator"], key_flags).creds(Creds::given(mode));
    if key_flags.is_empty() {
        call = call.env("IDENFY_WEBHOOK_KEY", KEY_SIGN);
    }
    let mut child = sweep
        .command(mode, &call)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut announced = String::new();
    for _ in 0..if mode.json() { 1 } else { 6 } {
        stdout.read_line(&mut announced).unwrap();
    }
    let base_url = if mode.json() {
        let document: Value = serde_json::from_str(&announced).unwrap();
        assert_eq!(document["apiSecret"], "[given]", "{announced}");
        assert_eq!(document["webhookKey"], "[given]", "{announced}");
        document["baseUrl"].as_str().unwrap().to_owned()
    } else {
        assert!(
            row(&announced, "webhook key").ends_with("[given]"),
            "{announced}"
        );
        row(&announced, "base URL").to_owned()
    };

    // A client of the emulator: a token with personal data, then its status.
    let args = token_args(&[]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = sweep.run(
        mode,
        &Call::new(&["token"], &args)
            .creds(Creds::Flags)
            .base_url(&base_url),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let token_id = if mode.json() {
        let answer = run.json();
        sweep.learn_token(answer["authToken"].as_str().unwrap());
        answer["scanRef"].as_str().unwrap().to_owned()
    } else {
        sweep.learn_token(row(&run.stdout, "authToken"));
        row(&run.stdout, "scanRef").to_owned()
    };
    let shows = Shows {
        auth_token: true,
        client_id: true,
        personal: mode.json(),
        ..NOTHING
    };
    sweep.check(&format!("{mode:?} token via emulator"), &run, shows);
    let status = sweep.run(
        mode,
        &Call::new(&["status"], &[&token_id])
            .creds(Creds::Flags)
            .base_url(&base_url),
    );
    assert_eq!(status.code, 0, "{}", status.stderr);
    sweep.check(&format!("{mode:?} status via emulator"), &status, ANSWER);

    let _ = child.kill();
    let output = child.wait_with_output().unwrap();
    let mut rest = String::new();
    let _ = std::io::Read::read_to_string(&mut stdout, &mut rest);
    let run = Run {
        code: 0,
        stdout: format!(
            "{announced}{rest}{}",
            String::from_utf8_lossy(&output.stdout)
        ),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert!(run.stderr.contains("serving"), "{}", run.stderr);
    sweep.check(
        &format!("{mode:?} emulator"),
        &run,
        Shows {
            api_key: true,
            ..NOTHING
        },
    );
}

/// `field` with `value` in one of the shapes a broken or non-JSON body carries it.
fn personal_pair(shape: usize, field: &str, value: &str) -> String {
    match shape {
        0 => format!(r#""{field}": "{value}", "#),
        1 => format!("'{field}': '{value}'"),
        2 => format!(r#"\"{field}\":\"{value}\""#),
        3 => format!("{field}={value}&"),
        4 => format!("{field}: {value}\n"),
        // Cut short: the body ends inside the value.
        _ => format!(r#""{field}": "{value}"#),
    }
}

/// R10 (issue 12, output safety): a sentinel placed as the value of a personal field in an
/// error body that is not JSON — anywhere in the part that is quoted, whatever surrounds it —
/// never reaches stdout or stderr, in human output or with `--json`.
#[test]
fn r10_personal_values_in_error_bodies_never_reach_the_terminal() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config as ProptestConfig, TestRunner};

    const FIELDS: [&str; 6] = [
        "firstName",
        "docLastName",
        "docPersonalCode",
        "documentNumber",
        "address",
        "clientIp",
    ];
    let emulator = Emulator::builder()
        .credentials(API_KEY, API_SECRET)
        .start_blocking()
        .unwrap();
    let mut runner = TestRunner::new(ProptestConfig {
        cases: 24,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    let strategy = (
        "[^Z]{0,120}",
        proptest::sample::select(&FIELDS[..]),
        0usize..6,
        "[a-z0-9]{3,10}",
        proptest::sample::select(&[400u16, 403, 404, 409][..]),
        any::<bool>(),
    );
    runner
        .run(&strategy, |(prefix, field, shape, core, status, json)| {
            let value = format!("Zqx{core}");
            let body = format!("{prefix}\n{}", personal_pair(shape, field, &value));
            emulator
                .inject_fault(
                    Fault::status(status)
                        .with_body("text/plain", body.into_bytes())
                        .on_path("/api/v2/status"),
                )
                .unwrap();
            let mut args = vec![
                "--base-url",
                emulator.base_url(),
                "--api-key",
                API_KEY,
                "--api-secret",
                API_SECRET,
            ];
            if json {
                args.push("--json");
            }
            args.extend(["status", "0f1e2d3c"]);
            let run = support::idenfy(&args);
            emulator.clear_faults();
            prop_assert_eq!(run.code, 1, "{}", run.stderr);
            prop_assert!(run.stderr.contains("iDenfy answered"), "{}", run.stderr);
            prop_assert!(!run.stdout.contains("Zqx"), "{}", run.stdout);
            prop_assert!(!run.stderr.contains("Zqx"), "{}", run.stderr);
            Ok(())
        })
        .unwrap();
}
