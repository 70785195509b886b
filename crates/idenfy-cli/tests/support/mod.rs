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

/// A request the [`Canned`] server received.
pub(crate) struct Received {
    /// The request line, e.g. `POST /api/v2/token HTTP/1.1`.
    pub(crate) line: String,
    /// The headers, names lower-cased.
    pub(crate) headers: Vec<(String, String)>,
    /// The body.
    pub(crate) body: Vec<u8>,
}

impl Received {
    /// The first value of header `name` (lower case).
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// A loopback HTTP/1.1 server answering a fixed list of responses in order, one connection per
/// request (`Connection: close`), and recording what it received. Its thread ends after the
/// last response.
pub(crate) struct Canned {
    status: u16,
    headers: Vec<(&'static str, &'static str)>,
    body: Vec<u8>,
}

/// A running [`Canned`] server.
pub(crate) struct CannedServer {
    pub(crate) base_url: String,
    received: std::sync::Arc<std::sync::Mutex<Vec<Received>>>,
}

impl CannedServer {
    /// What was received so far.
    pub(crate) fn requests(&self) -> std::sync::MutexGuard<'_, Vec<Received>> {
        self.received.lock().unwrap()
    }
}

impl Canned {
    /// A response.
    pub(crate) fn new(
        status: u16,
        headers: Vec<(&'static str, &'static str)>,
        body: Vec<u8>,
    ) -> Self {
        Self {
            status,
            headers,
            body,
        }
    }

    /// A JSON response.
    pub(crate) fn json(status: u16, body: &str) -> Self {
        Self::new(
            status,
            vec![("Content-Type", "application/json")],
            body.as_bytes().to_vec(),
        )
    }

    /// Serves `responses`, one per connection, in order.
    pub(crate) fn serve(responses: Vec<Canned>) -> CannedServer {
        use std::io::{BufRead as _, BufReader, Read as _};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let received = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let record = std::sync::Arc::clone(&received);
        std::thread::spawn(move || {
            for response in responses {
                let Ok((stream, _)) = listener.accept() else {
                    return;
                };
                stream
                    .set_read_timeout(Some(std::time::Duration::from_secs(10)))
                    .unwrap();
                let mut reader = BufReader::new(stream);
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    continue;
                }
                let mut headers = Vec::new();
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).is_err() || header.trim().is_empty() {
                        break;
                    }
                    if let Some((name, value)) = header.trim_end().split_once(':') {
                        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
                    }
                }
                let length = headers
                    .iter()
                    .find(|(name, _)| name == "content-length")
                    .and_then(|(_, value)| value.parse::<usize>().ok())
                    .unwrap_or(0);
                let mut body = vec![0; length];
                let _ = reader.read_exact(&mut body);
                record.lock().unwrap().push(Received {
                    line: line.trim_end().to_owned(),
                    headers,
                    body,
                });
                let mut stream = reader.into_inner();
                let mut head = format!(
                    "HTTP/1.1 {} X\r\nContent-Length: {}\r\nConnection: close\r\n",
                    response.status,
                    response.body.len()
                );
                for (name, value) in &response.headers {
                    head.push_str(&format!("{name}: {value}\r\n"));
                }
                head.push_str("\r\n");
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&response.body);
                let _ = stream.flush();
            }
        });
        CannedServer { base_url, received }
    }
}
