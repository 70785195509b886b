//! Inputs the tool reads: a file, or stdin for `-` or no path, always with a cap, so that
//! `webhook sign --key K /dev/zero` stops with a clear error instead of filling memory.

use std::io::Read as _;
use std::path::Path;

use crate::error::CliError;

/// The largest input read: webhook bodies are a few kilobytes.
pub(crate) const MAX_INPUT_BYTES: u64 = 4 * 1024 * 1024;

/// The bytes of `input` (a file, or stdin when it is `-` or absent), at most
/// [`MAX_INPUT_BYTES`]; a larger input is refused naming it and the cap (exit 2).
pub(crate) fn read_capped(input: Option<&Path>) -> Result<Vec<u8>, CliError> {
    let path = input.filter(|path| *path != Path::new("-"));
    let mut body = Vec::new();
    let read = match path {
        Some(path) => std::fs::File::open(path)
            .and_then(|file| file.take(MAX_INPUT_BYTES + 1).read_to_end(&mut body)),
        None => std::io::stdin()
            .lock()
            .take(MAX_INPUT_BYTES + 1)
            .read_to_end(&mut body),
    };
    read.map_err(|err| CliError::read(path, err))?;
    if body.len() as u64 > MAX_INPUT_BYTES {
        return Err(CliError::read(
            path,
            std::io::Error::other(format!(
                "larger than the limit of {MAX_INPUT_BYTES} bytes ({} MiB)",
                MAX_INPUT_BYTES / (1024 * 1024)
            )),
        ));
    }
    Ok(body)
}
