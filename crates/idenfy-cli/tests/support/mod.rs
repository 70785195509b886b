//! Running the `idenfy` binary as a real process, shared by the test files (each uses its own
//! subset, hence the `dead_code` allowance).
#![allow(dead_code)]

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::Value;

/// What a run of the binary left behind.
pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Run {
    /// stdout parsed as exactly one JSON document (and nothing else but whitespace).
    pub(crate) fn json(&self) -> Value {
        let mut documents = serde_json::Deserializer::from_str(&self.stdout).into_iter::<Value>();
        let document = documents
            .next()
            .unwrap_or_else(|| panic!("no JSON on stdout; stderr: {}", self.stderr))
            .unwrap_or_else(|err| panic!("stdout is not JSON ({err}): {}", self.stdout));
        assert!(
            documents.next().is_none(),
            "more than one JSON document: {}",
            self.stdout
        );
        document
    }

    /// Asserts that `secret` appears nowhere in the output.
    pub(crate) fn assert_hidden(&self, secret: &str) -> &Self {
        assert!(!self.stdout.contains(secret), "{secret:?} on stdout");
        assert!(!self.stderr.contains(secret), "{secret:?} on stderr");
        self
    }
}

/// A command for the binary with every `IDENFY_*` variable of the caller removed.
pub(crate) fn command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_idenfy"));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("IDENFY_") {
            command.env_remove(&name);
        }
    }
    command.args(args);
    command
}

/// Runs the binary with `args` and an empty stdin.
pub(crate) fn idenfy(args: &[&str]) -> Run {
    idenfy_stdin(args, b"")
}

/// Runs the binary with `args`, `input` on its stdin.
pub(crate) fn idenfy_stdin(args: &[&str], input: &[u8]) -> Run {
    let mut child = command(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    if let Some(mut stdin) = child.stdin.take() {
        // A command that does not read stdin may exit first; a broken pipe is fine then.
        let _ = stdin.write_all(input);
    }
    let output = child.wait_with_output().expect("the binary runs");
    Run {
        code: output.status.code().expect("exited normally"),
        stdout: String::from_utf8(output.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8 stderr"),
    }
}

/// A fixture of this crate's tests (`tests/fixtures/<name>`).
pub(crate) fn fixture(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures")).join(name)
}

/// The path of a fixture as a `&str` argument.
pub(crate) fn fixture_arg(name: &str) -> String {
    fixture(name).to_str().expect("UTF-8 path").to_owned()
}

/// A directory of its own under the system's temporary directory, empty.
pub(crate) fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("idenfy-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}
