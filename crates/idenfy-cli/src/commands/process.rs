//! `idenfy process --auth-token TOKEN --country CC --front FILE [--back FILE] [--face FILE] …`:
//! direct processing (`POST /api/v2/process`, R12, R14) — the partner uploads the images of a
//! session itself and iDenfy processes them at once; the result comes by webhook.
//!
//! Every image is read by the library ([`idenfy::ProcessRequestBuilder::image_from_reader`]), which
//! stops reading past its limit ([`idenfy::MAX_IMAGE_BYTES`], larger than the 4 MiB cap of the
//! tool's other inputs), and every rule — format by signature, size per image, `FRONT` present,
//! the whole body at most [`idenfy::MAX_PROCESS_BODY_BYTES`] — is checked by its `build()`,
//! before anything is sent. A `--dry-run` shows the request with the `authToken` redacted and each
//! image as its format and size: the images are personal data and megabytes of base64.

use std::path::{Path, PathBuf};

use clap::Args;
use idenfy::{
    AuthToken, DocumentType, ImageFormat, ImageStep, MAX_IMAGE_BYTES, MAX_PROCESS_BODY_BYTES,
    ProcessRequest,
};
use serde_json::json;

use crate::cli::GlobalArgs;
use crate::commands::endpoint;
use crate::convert::{InputError, InputRule};
use crate::dry_run::{Members, REDACTED, Shown};
use crate::error::CliError;
use crate::output::Output;

/// Arguments of `process`. No `Debug`: the token is a secret and the images personal data (R10).
#[derive(Args)]
pub(crate) struct ProcessArgs {
    /// `authToken`: the token of the session (from `idenfy token`), 10 to 40 visible ASCII
    /// characters. Visible in `ps`: prefer IDENFY_AUTH_TOKEN. Never printed.
    #[arg(
        long,
        value_name = "TOKEN",
        env = "IDENFY_AUTH_TOKEN",
        hide_env_values = true
    )]
    auth_token: String,

    /// `country`: ISO 3166-1 alpha-2 code of the document's country, any case.
    #[arg(long, value_name = "CODE")]
    country: String,

    /// `documentType`: ID_CARD, PASSPORT, RESIDENCE_PERMIT, DRIVER_LICENSE, …; detected from the
    /// front image when left out.
    #[arg(long, value_name = "TYPE")]
    document_type: Option<String>,

    /// `skipAnalysis`: skip iDenfy's validation of the photos (for valid photos in which the
    /// document is not detected).
    #[arg(long)]
    skip_analysis: bool,

    /// `images.FRONT`: the front of the document, a JPEG or PNG file (required).
    #[arg(long, value_name = "FILE")]
    front: Option<PathBuf>,

    /// `images.BACK`: the back of the document, a JPEG or PNG file.
    #[arg(long, value_name = "FILE")]
    back: Option<PathBuf>,

    /// `images.FACE`: the person's face (a selfie), a JPEG or PNG file.
    #[arg(long, value_name = "FILE")]
    face: Option<PathBuf>,

    /// `images.PASSPORT_COVER`: the cover of a passport, a JPEG or PNG file.
    #[arg(long, value_name = "FILE")]
    passport_cover: Option<PathBuf>,

    /// `images.UTILITY_BILL`: a utility bill (an additional step), a JPEG, PNG or PDF file.
    #[arg(long, value_name = "FILE")]
    utility_bill: Option<PathBuf>,

    /// `images.SECOND_UTILITY_BILL`: a second utility bill, a JPEG, PNG or PDF file.
    #[arg(long, value_name = "FILE")]
    second_utility_bill: Option<PathBuf>,

    /// `images.STEP`: the image of any step, a custom additional step included, written
    /// STEP=FILE (e.g. `PROOF_OF_INCOME=income.pdf`); repeatable. A later image of the same
    /// step replaces an earlier one.
    #[arg(long = "image", value_name = "STEP=FILE")]
    images: Vec<String>,

    /// Build, validate and print the request without sending it (the authToken redacted, each
    /// image shown as its format and size); needs no credentials.
    #[arg(long)]
    dry_run: bool,
}

/// The note at the end of `idenfy process --help`, with the library's limits.
pub(crate) fn after_help() -> String {
    format!(
        "Each image is read up to the library's limit of {MAX_IMAGE_BYTES} bytes (a base64 text \
         of 6 MB) and checked before anything is sent: JPEG or PNG by its signature (PDF too for \
         a utility bill or another additional step), FRONT present, the whole request at most \
         {MAX_PROCESS_BODY_BYTES} bytes. iDenfy deactivates the token and processes the images \
         at once; the result comes by webhook. A 200 answer that carries an error (the document \
         was not found in a photo) is an error (exit 1). Sends the request with the credentials \
         of --api-key/--api-secret (or IDENFY_API_KEY and IDENFY_API_SECRET). Exit codes: 0 \
         submitted, 1 iDenfy answered with an error, 2 invalid input or an unreadable file \
         (nothing sent), 3 transport failure. With --dry-run the request is built, validated \
         and printed; no credentials or network needed."
    )
}

/// Reads the images, builds and validates the request; with `--dry-run` prints it (redacted),
/// otherwise sends it and prints the steps submitted.
pub(crate) fn run(global: &GlobalArgs, args: ProcessArgs, out: &Output) -> Result<(), CliError> {
    // The library refuses a token that is empty or holds a control character, naming
    // `authToken`; its length and characters are checked by `build()`.
    let token = AuthToken::parse(args.auth_token)?;
    let mut builder = ProcessRequest::builder(&token, args.country);
    if let Some(document_type) = args.document_type {
        builder = builder.document_type(DocumentType::from(document_type));
    }
    if args.skip_analysis {
        builder = builder.skip_analysis(true);
    }
    let named = [
        (ImageStep::Front, args.front),
        (ImageStep::Back, args.back),
        (ImageStep::Face, args.face),
        (ImageStep::PassportCover, args.passport_cover),
        (ImageStep::UtilityBill, args.utility_bill),
        (ImageStep::SecondUtilityBill, args.second_utility_bill),
    ];
    let mut images: Vec<(ImageStep, PathBuf)> = named
        .into_iter()
        .filter_map(|(step, path)| path.map(|path| (step, path)))
        .collect();
    for image in &args.images {
        let (step, path) = step_file(image)?;
        images.push((step, path));
    }
    for (step, path) in images {
        if path.as_os_str().is_empty() {
            let field = format!("images.{}", step.as_str());
            return Err(InputError::new(field, InputRule::NoFile).into());
        }
        let file = std::fs::File::open(&path).map_err(|err| CliError::read(Some(&path), err))?;
        builder = builder
            .image_from_reader(step, file)
            .map_err(|err| CliError::read(Some(&path), err))?;
    }
    let request = builder.build()?;
    endpoint::run_shown(
        global,
        &request,
        args.dry_run,
        out,
        |shown| redact(&request, shown),
        |(), _, out| {
            submitted(&request, out);
            Ok(())
        },
    )
}

/// `STEP=FILE` of `--image`: the step by its wire name (a custom step is the library's
/// [`ImageStep::Unknown`], whose name `build()` checks) and the path.
fn step_file(value: &str) -> Result<(ImageStep, PathBuf), CliError> {
    let Some((step, path)) = value.split_once('=') else {
        return Err(InputError::new("image", InputRule::NotKeyValue).into());
    };
    Ok((ImageStep::from(step.to_owned()), Path::new(path).to_owned()))
}

/// The dry run's view of the request: the `authToken` redacted, each image replaced by its
/// format and size. The rest of the body is shown as built, in its order.
fn redact<'r>(request: &ProcessRequest<'_>, shown: Shown<'r>) -> Shown<'r> {
    let Some(mut body) = Members::parse(shown.request_body()) else {
        // Never expected (the library writes a JSON object); nothing of it is shown then.
        return shown.with_body(Vec::new());
    };
    body.replace_with_string("authToken", REDACTED);
    let images = Described(
        request
            .steps()
            .map(|step| {
                let bytes = request.image(step).unwrap_or_default();
                let format =
                    ImageFormat::sniff(bytes).map_or("unknown format", |format| format.as_str());
                (
                    step.as_str(),
                    format!("[redacted: {format}, {} bytes]", bytes.len()),
                )
            })
            .collect(),
    );
    if let Ok(images) = serde_json::value::to_raw_value(&images) {
        body.replace("images", &images);
    }
    shown.with_body(body.to_vec())
}

/// The images of a dry run as a JSON object, step to description, in the request's order.
struct Described<'s>(Vec<(&'s str, String)>);

impl serde::Serialize for Described<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(step, text)| (step, text)))
    }
}

/// `process`: the steps submitted. The answer has no body; the result comes by webhook.
fn submitted(request: &ProcessRequest<'_>, out: &Output) {
    let steps: Vec<&str> = request.steps().map(ImageStep::as_str).collect();
    if out.is_json() {
        out.json_document(&json!({ "submitted": true, "images": steps }));
    } else {
        out.rows(&[("submitted", steps.join(", "))]);
        out.status("iDenfy is processing the images; the result comes by webhook");
    }
}
