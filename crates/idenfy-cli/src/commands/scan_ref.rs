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
use crate::files::OutputFile;
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

    /// Where to write the PDF report, or `-` for stdout (required, also with --dry-run, where
    /// nothing is written). A new file is created 0600; a symbolic link is refused; an existing
    /// file only with --force. Checked before anything is sent.
    #[arg(long, value_name = "FILE")]
    output: PathBuf,

    /// Replace an existing --output file (never a symbolic link or a directory).
    #[arg(long)]
    force: bool,
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

/// `pdf`: as [`run`] with [`PdfRequest`]. Without `--dry-run`, the output is opened before
/// anything is sent ([`OutputFile::open`]: 0600, no symbolic link, no existing file without
/// `--force`), so that a report is never fetched only to be lost; a file created for a request
/// that then fails is removed again. With `--dry-run` nothing is written and the path is not
/// looked at.
pub(crate) fn run_pdf(global: &GlobalArgs, args: &PdfArgs, out: &Output) -> Result<(), CliError> {
    let request = PdfRequest::new(&args.common.scan_ref)?;
    if args.common.dry_run {
        return endpoint::run(global, &request, true, out, |_, _, _| Ok(()));
    }
    if out.is_json() && args.output == Path::new("-") {
        return Err(CliError::Usage(
            "--output - writes the PDF to stdout, which --json keeps for one JSON document; \
             name a file"
                .to_owned(),
        ));
    }
    let mut target = Some(OutputFile::open(&args.output, args.force)?);
    let result = endpoint::run(global, &request, false, out, |pdf, _, out| {
        let Some(target) = target.take() else {
            return Ok(());
        };
        let output = target.display();
        let to_stdout = target.is_stdout();
        target.write_all(pdf.as_bytes())?;
        if out.is_json() {
            out.json_document(&serde_json::json!({
                "output": output,
                "bytes": pdf.as_bytes().len(),
            }));
        } else if !to_stdout {
            out.rows(&[
                ("output", output),
                ("bytes", pdf.as_bytes().len().to_string()),
            ]);
        }
        Ok(())
    });
    if let Some(target) = target {
        target.abandon();
    }
    result
}
