//! `idenfy identifications [--client-id ID] [--per-page N] [--page N] [--all]`: the listing of
//! identifications (`GET /kyc/identifications/`, R12, R13).
//!
//! Without `--all`, one page: a table of its identifications (with `--json`, the page as iDenfy
//! sent it: `count`, `next`, `previous`, `results`). With `--all`, every page from the first one
//! asked for, following each page's `next` link with the client's `Stream`
//! ([`idenfy::Client::identifications`]), which follows a link only on the configured base URL
//! and ends after its first error. Human output streams one row per identification as the pages
//! arrive; `--json` prints one JSON array of every identification once the listing is complete —
//! one document, as the contract wants, rather than NDJSON. If the listing fails after some
//! identifications were listed, the error names how many came before it and, with `--json`,
//! carries them in `results` beside `error`, so that nothing fetched is lost; a listing that fails
//! on its first page reports the failure as any other command does.

use std::future::poll_fn;
use std::pin::Pin;

use clap::Args;
use idenfy::{IdentificationsRequest, Stream as _};

use crate::cli::GlobalArgs;
use crate::commands::{endpoint, present};
use crate::context::{self, CredentialSource};
use crate::convert;
use crate::error::CliError;
use crate::output::Output;

/// Arguments of `identifications`. No `Debug`: the `clientId` identifies a person.
#[derive(Args)]
pub(crate) struct IdentificationsArgs {
    /// `clientId`: only the identifications of this person (1 to 100 characters).
    #[arg(long, value_name = "ID")]
    client_id: Option<String>,

    /// `perPage`: how many identifications a page holds, at least 1 (iDenfy may cap it).
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    per_page: Option<String>,

    /// `page`: the page to read, from 1 (default: the first); with --all, the page the listing
    /// starts at (to resume one that failed).
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    page: Option<String>,

    /// Read every page, following each page's `next` link; --json then prints one JSON array of
    /// every identification.
    #[arg(long)]
    all: bool,

    /// Build, validate and print the request (with --all, the first page's) without sending it;
    /// needs no credentials.
    #[arg(long)]
    dry_run: bool,
}

/// Builds and validates the first request; with `--dry-run` prints it, otherwise reads one page
/// or, with `--all`, every page.
pub(crate) fn run(
    global: &GlobalArgs,
    args: IdentificationsArgs,
    out: &Output,
) -> Result<(), CliError> {
    let mut builder = IdentificationsRequest::builder();
    if let Some(client_id) = args.client_id {
        builder = builder.client_id(client_id);
    }
    if let Some(page) = &args.page {
        builder = builder.page(convert::unsigned("page", page)?);
    }
    if let Some(per_page) = &args.per_page {
        builder = builder.per_page(convert::unsigned("perPage", per_page)?);
    }
    let request = builder.build()?;
    if !args.all || args.dry_run {
        return endpoint::run(
            global,
            &request,
            args.dry_run,
            out,
            present::identification_page,
        );
    }
    all(global, request, out)
}

/// `--all`: every identification from the page `first` asks for on, one row each as it arrives
/// (human), or one JSON array at the end (`--json`).
fn all(global: &GlobalArgs, first: IdentificationsRequest, out: &Output) -> Result<(), CliError> {
    let config = context::config(global, CredentialSource::Required)?;
    let (runtime, client) = endpoint::connect(global, config)?;
    let mut listing = client.identifications(first);
    let mut fetched: usize = 0;
    let mut results = Vec::new();
    let outcome = runtime.block_on(async {
        loop {
            match poll_fn(|cx| Pin::new(&mut listing).poll_next(cx)).await {
                None => return Ok(()),
                Some(Err(error)) => {
                    return Err(CliError::from(error).with_host(&global.base_url));
                }
                Some(Ok(identification)) => {
                    if out.is_json() {
                        results.push(present::identification_value(&identification)?);
                    } else {
                        if fetched == 0 {
                            present::identifications_header(out);
                        }
                        present::identification_row(&identification, out);
                    }
                    fetched = fetched.saturating_add(1);
                }
            }
        }
    });
    match outcome {
        Ok(()) if out.is_json() => {
            out.json_document(&serde_json::Value::Array(results));
            Ok(())
        }
        Ok(()) => {
            if fetched == 0 {
                out.line("no identifications");
            }
            Ok(())
        }
        // Nothing listed yet: the failure as any other command reports it.
        Err(error) if fetched == 0 => Err(error),
        Err(error) => Err(CliError::Listing {
            error: Box::new(error),
            fetched,
            results: out.is_json().then_some(results),
        }),
    }
}
