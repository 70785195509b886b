//! Where webhook keys come from (issue 12, R8, R10): `--key` (repeatable), `--key-file FILE`
//! (one key per line) and `IDENFY_WEBHOOK_KEY`, shared by `webhook verify|sign` and `emulator`.
//!
//! A key given on the command line shows in `ps` and in the shell's history; a file or the
//! environment keeps it out of both. An empty key is refused wherever it comes from (exit 2):
//! a key read from an unset variable must not verify signatures anyone can make.

use std::fmt;
use std::io::Read as _;
use std::path::Path;

use idenfy::webhook::{EmptyKeyError, WebhookKey};
use zeroize::Zeroizing;

/// The environment variable a webhook key is read from when no flag gives one.
pub(crate) const KEY_ENV: &str = "IDENFY_WEBHOOK_KEY";

/// The most a key file may hold: far more than any list of keys, far less than a mistake (a
/// device, a log file) would feed.
const KEY_FILE_CAP: u64 = 64 * 1024;

/// A webhook key that could not be had. Never holds a key (R10): only where it was looked for.
#[derive(Debug)]
pub(crate) enum KeyError {
    /// A key that is empty: `from` says where it came from (`--key`, `IDENFY_WEBHOOK_KEY`,
    /// `line 2 of FILE`).
    Empty {
        /// Where the empty key came from.
        from: String,
    },
    /// No key at all from any source.
    Missing {
        /// The flags that give one, as `--key` or `--key-file`.
        flags: &'static str,
    },
    /// A key file that cannot be read, or is over the cap.
    File {
        /// The path as given.
        path: String,
        /// Why.
        reason: String,
    },
    /// More keys than the command can use (`webhook sign`, `emulator` sign with one).
    TooMany {
        /// Where they came from.
        from: String,
        /// How many there were.
        count: usize,
    },
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyError::Empty { from } => write!(f, "{from}: {EmptyKeyError}"),
            KeyError::Missing { flags } => {
                write!(f, "no webhook key: give {flags} or set {KEY_ENV}")
            }
            KeyError::File { path, reason } => write!(f, "cannot read key file {path}: {reason}"),
            KeyError::TooMany { from, count } => write!(
                f,
                "{from} holds {count} keys; this command signs with exactly one"
            ),
        }
    }
}

/// The keys given by `flag` (repeatable), by the file of `file_flag`, or else by
/// [`KEY_ENV`]; `None` when no source gives any. Flags and file add up; the environment is
/// read only when neither is used.
pub(crate) fn gather(
    keys: &[String],
    (flag, file): (&str, Option<&Path>),
) -> Result<Option<Vec<WebhookKey>>, KeyError> {
    let mut gathered = Vec::new();
    for key in keys {
        gathered.push(WebhookKey::new(key.as_str()).map_err(|_| KeyError::Empty {
            from: flag.to_owned(),
        })?);
    }
    if let Some(path) = file {
        gathered.extend(from_file(path)?);
    }
    if keys.is_empty() && file.is_none() {
        match std::env::var_os(KEY_ENV) {
            Some(value) => {
                let value = Zeroizing::new(value.into_encoded_bytes());
                gathered.push(
                    WebhookKey::new(value.as_slice()).map_err(|_| KeyError::Empty {
                        from: format!("{KEY_ENV} (set but empty)"),
                    })?,
                );
            }
            None => return Ok(None),
        }
    }
    Ok(Some(gathered))
}

/// The one key a signing command uses: exactly one from the sources of [`gather`], or `None`
/// when none gives any.
pub(crate) fn single(
    key: Option<&String>,
    (flag, file): (&str, Option<&Path>),
) -> Result<Option<WebhookKey>, KeyError> {
    let given: Vec<String> = key.cloned().into_iter().collect();
    let Some(mut keys) = gather(&given, (flag, file))? else {
        return Ok(None);
    };
    if keys.len() > 1 {
        let from = match file {
            Some(path) if key.is_none() => path.display().to_string(),
            _ => format!("{flag} and the key file"),
        };
        return Err(KeyError::TooMany {
            from,
            count: keys.len(),
        });
    }
    Ok(keys.pop())
}

/// The keys of a key file: one per line, the file's trailing newline (`\n` or `\r\n`) trimmed,
/// each line used byte for byte but for a `\r` before its `\n`. An empty line, or an empty
/// file, is an empty key and refused.
fn from_file(path: &Path) -> Result<Vec<WebhookKey>, KeyError> {
    let shown = path.display().to_string();
    let failed = |reason: String| KeyError::File {
        path: shown.clone(),
        reason,
    };
    let file = std::fs::File::open(path).map_err(|err| failed(err.to_string()))?;
    let mut content = Zeroizing::new(Vec::new());
    file.take(KEY_FILE_CAP + 1)
        .read_to_end(&mut content)
        .map_err(|err| failed(err.to_string()))?;
    if u64::try_from(content.len()).unwrap_or(u64::MAX) > KEY_FILE_CAP {
        return Err(failed(format!(
            "larger than {} KiB, not a key file",
            KEY_FILE_CAP / 1024
        )));
    }
    let text: &[u8] = content.as_slice();
    let text = text.strip_suffix(b"\n").unwrap_or(text);
    let text = text.strip_suffix(b"\r").unwrap_or(text);
    text.split(|byte| *byte == b'\n')
        .enumerate()
        .map(|(index, line)| {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            WebhookKey::new(line).map_err(|_| KeyError::Empty {
                from: format!("line {} of key file {shown}", index + 1),
            })
        })
        .collect()
}
