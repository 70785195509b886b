//! Files the tool writes: `pdf --output FILE`.
//!
//! The report is personal data, so the file is opened *before* the request is sent (an unwritable
//! path is a usage error and nothing is sent), created with mode 0600, never opened through a
//! symbolic link and never over an existing file unless `--force` is given. `-` is stdout.

use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::error::CliError;

/// Where `pdf` writes its report, opened and checked before anything is sent.
#[derive(Debug)]
pub(crate) enum OutputFile {
    /// `--output -`: the bytes go to stdout.
    Stdout,
    /// A file, already open for writing.
    File {
        /// The path as given.
        path: PathBuf,
        /// The open file.
        file: File,
        /// Whether the file was created by this run (and is removed again if nothing is
        /// written into it).
        created: bool,
    },
}

impl OutputFile {
    /// Opens `path` for writing: `-` is stdout (refused when stdout is a terminal: a PDF is
    /// binary); a new file is created 0600; an existing one is replaced only with `force`, and
    /// only when it is a regular file (not a symbolic link, not a directory). Every refusal is a
    /// usage error naming the path (exit 2): nothing has been sent yet.
    pub(crate) fn open(path: &Path, force: bool) -> Result<Self, CliError> {
        if path == Path::new("-") {
            use std::io::IsTerminal as _;
            if std::io::stdout().is_terminal() {
                return Err(refused(
                    path,
                    "stdout is a terminal; redirect it or name a file",
                ));
            }
            return Ok(OutputFile::Stdout);
        }
        match std::fs::symlink_metadata(path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(refused(path, "it is a symbolic link"));
            }
            Ok(meta) if meta.is_dir() => return Err(refused(path, "it is a directory")),
            Ok(meta) if !meta.is_file() => return Err(refused(path, "it is not a regular file")),
            Ok(_) if !force => {
                return Err(refused(path, "the file exists; give --force to replace it"));
            }
            Ok(_) => {
                let file = open_existing(path).map_err(|source| CliError::write(path, source))?;
                return Ok(OutputFile::File {
                    path: path.to_owned(),
                    file,
                    created: false,
                });
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => return Err(CliError::write(path, err)),
        }
        let file = create_new(path).map_err(|source| CliError::write(path, source))?;
        Ok(OutputFile::File {
            path: path.to_owned(),
            file,
            created: true,
        })
    }

    /// The path as given, for messages and `--json` (`-` for stdout).
    pub(crate) fn display(&self) -> String {
        match self {
            OutputFile::Stdout => "-".to_owned(),
            OutputFile::File { path, .. } => path.display().to_string(),
        }
    }

    /// Whether the bytes go to stdout.
    pub(crate) fn is_stdout(&self) -> bool {
        matches!(self, OutputFile::Stdout)
    }

    /// Writes `bytes` as the whole content. A failure here comes after the request was sent:
    /// exit 1, and the message says so.
    pub(crate) fn write_all(self, bytes: &[u8]) -> Result<(), CliError> {
        let result = match &self {
            OutputFile::Stdout => {
                let mut stdout = std::io::stdout().lock();
                stdout.write_all(bytes).and_then(|()| stdout.flush())
            }
            OutputFile::File { file, .. } => {
                let mut file = file;
                file.set_len(0)
                    .and_then(|()| file.write_all(bytes))
                    .and_then(|()| file.sync_all())
            }
        };
        result.map_err(|source| CliError::WriteAfterSend {
            path: self.display(),
            source,
        })
    }

    /// Gives up without writing: a file this run created is removed again, an existing one is
    /// left as it was.
    pub(crate) fn abandon(self) {
        if let OutputFile::File {
            path,
            file,
            created: true,
        } = self
        {
            drop(file);
            let _ = std::fs::remove_file(path);
        }
    }
}

/// A path refused before anything was sent.
fn refused(path: &Path, reason: &str) -> CliError {
    CliError::write(path, std::io::Error::other(reason.to_owned()))
}

/// Creates a new file, 0600, failing if anything (a symbolic link included) is at `path`.
fn create_new(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    options.open(path)
}

/// Opens an existing regular file for replacing, without following a symbolic link, and makes
/// it 0600. It is truncated only when the report is written.
fn open_existing(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    let file = options.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(file)
}
