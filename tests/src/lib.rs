//! Cross-crate tests of idenfy-rs: the client, the adapters, the conformance kit and the
//! emulator together; the tests live in `tests/`. The protocol crate's own tests, their fixtures
//! and the shared test oracles are in `crates/idenfy-proto/tests/`, so that
//! `cargo test -p idenfy-proto` runs them without an I/O crate.

/// The README's Rust examples, compiled and run as doctests so the README cannot drift from the
/// API.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;

/// The environment of the proxy tests' child process (`parity_child`, run by
/// `tests/parity_proxy.rs`): which adapter to call with.
pub const CHILD_ADAPTER: &str = "IDENFY_PARITY_ADAPTER";
/// The child's base URL.
pub const CHILD_BASE_URL: &str = "IDENFY_PARITY_BASE_URL";
/// The child's API key.
pub const CHILD_KEY: &str = "IDENFY_PARITY_KEY";
/// The child's API secret.
pub const CHILD_SECRET: &str = "IDENFY_PARITY_SECRET";
/// The connect timeout of the child's transport, in milliseconds (the default one without).
pub const CHILD_CONNECT_TIMEOUT: &str = "IDENFY_PARITY_CONNECT_TIMEOUT_MS";

/// How a child process of a test ended: its exit status, and everything it printed (its
/// standard output, then its standard error).
#[derive(Debug)]
pub struct ChildRun {
    /// How it exited.
    pub status: std::process::ExitStatus,
    /// Its standard output followed by its standard error, decoded lossily.
    pub output: String,
}

/// Runs `command` with its standard output and error piped — both read while it runs, so a
/// chatty child cannot block on a full pipe — and waits at most `bound` for it to exit. Past
/// `bound` the child is killed and reaped, and the error says so.
pub fn run_child_bounded(
    mut command: std::process::Command,
    bound: std::time::Duration,
) -> Result<ChildRun, String> {
    use std::process::Stdio;

    fn read_all(
        mut stream: impl std::io::Read + Send + 'static,
    ) -> std::thread::JoinHandle<Vec<u8>> {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = stream.read_to_end(&mut bytes);
            bytes
        })
    }

    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| format!("the child did not start: {error}"))?;
    let stdout = child.stdout.take().map(read_all);
    let stderr = child.stderr.take().map(read_all);
    let deadline = std::time::Instant::now() + bound;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if std::time::Instant::now() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("the child did not finish within {bound:?}"));
            }
            Ok(None) => std::thread::sleep(std::time::Duration::from_millis(20)),
            Err(error) => return Err(format!("the child could not be waited for: {error}")),
        }
    };
    let mut output = Vec::new();
    for reader in [stdout, stderr].into_iter().flatten() {
        output.extend(reader.join().unwrap_or_default());
    }
    Ok(ChildRun {
        status,
        output: String::from_utf8_lossy(&output).into_owned(),
    })
}
