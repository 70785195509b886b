//! `idenfy status|data|files|delete SCANREF` and `idenfy pdf SCANREF --output FILE`: the
//! endpoints whose body is `{"scanRef": …}` (R5).
//!
//! The five commands share one shape — a `scanRef` the library validates (1 to 40 characters),
//! `--dry-run`, and the sending path of every API command — so they share one function, generic
//! over the library's request type.

use std::path::{Path, PathBuf};

use clap::Args;
use idenfy::{Config, Endpoint, PdfRequest, ValidationError};

use crate::cli::GlobalArgs;
use crate::commands::endpoint;
use crate::error::CliError;
use crate::output::Output;

/// Arguments of `status`, `data`, `files` and `delete` (and the first part of `pdf`'s).
#[derive(Args)]
pub(crate) struct ScanRefArgs {
    /// The `scanRef` of the verification (1 to 40 characters).
    #[arg(value_name = "SCANREF")]
    scan_ref: String,

    /// Build, validate and print the request without sending it; needs no credentials.
    #[arg(long)]
    dry_run: bool,
}

/// Arguments of `pdf`.
#[derive(Args)]
pub(crate) struct PdfArgs {
    /// The `scanRef` and `--dry-run`.
    #[command(flatten)]
    common: ScanRefArgs,

    /// Where to write the PDF report (required, also with --dry-run, where nothing is written).
    #[arg(long, value_name = "FILE")]
    output: PathBuf,
}

/// Builds the request for `args.scan_ref` with `new` (the library's constructor, which checks
/// the `scanRef`), then prints it with `--dry-run` or sends it and hands the answer to `present`.
pub(crate) fn run<E: Endpoint>(
    global: &GlobalArgs,
    args: &ScanRefArgs,
    new: impl FnOnce(&str) -> Result<E, ValidationError>,
    out: &Output,
    present: impl FnOnce(E::Output, &Config, &Output) -> Result<(), CliError>,
) -> Result<(), CliError> {
    let request = new(&args.scan_ref)?;
    endpoint::run(global, &request, args.dry_run, out, present)
}

impl ScanRefArgs {
    /// The `scanRef` as given.
    pub(crate) fn scan_ref(&self) -> &str {
        &self.scan_ref
    }
}

/// `pdf`: as [`run`] with [`PdfRequest`]; without `--dry-run`, checks before anything would be
/// sent that the directory `--output` names exists, so that a report is never fetched only to be
/// lost. With `--dry-run` nothing is written and the path is not looked at.
pub(crate) fn run_pdf(global: &GlobalArgs, args: &PdfArgs, out: &Output) -> Result<(), CliError> {
    let request = PdfRequest::new(&args.common.scan_ref)?;
    if !args.common.dry_run {
        check_output_directory(&args.output)?;
    }
    let output = &args.output;
    endpoint::run(global, &request, args.common.dry_run, out, |pdf, _, out| {
        std::fs::write(output, pdf.as_bytes()).map_err(|source| CliError::write(output, source))?;
        if out.is_json() {
            out.json_document(&serde_json::json!({
                "output": output.display().to_string(),
                "bytes": pdf.as_bytes().len(),
            }));
        } else {
            out.rows(&[
                ("output", output.display().to_string()),
                ("bytes", pdf.as_bytes().len().to_string()),
            ]);
        }
        Ok(())
    })
}

/// Fails, naming `path`, when the directory it would be written into does not exist.
fn check_output_directory(path: &Path) -> Result<(), CliError> {
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    if directory.is_dir() {
        Ok(())
    } else {
        Err(CliError::write(
            path,
            std::io::Error::new(std::io::ErrorKind::NotFound, "its directory does not exist"),
        ))
    }
}
