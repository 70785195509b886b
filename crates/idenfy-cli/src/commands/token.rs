//! `idenfy token --client-id ID [options]`: a verification token (`POST /api/v2/token`, R2, R3).
//!
//! Every option is one setter of [`TokenRequestBuilder`]; every rule is checked by its
//! `build()`. This module only converts flag strings to the setters' argument types.

use clap::Args;
use idenfy::{DocumentType, DummyStatus, Sex, TokenRequest, TokenRequestBuilder, TokenType};

use crate::cli::GlobalArgs;
use crate::commands::endpoint;
use crate::convert;
use crate::error::CliError;
use crate::output::Output;

/// Arguments of `token`, one per request field. No `Debug`: they are personal data (R10).
#[derive(Args)]
pub(crate) struct TokenArgs {
    /// `clientId`: the partner's identifier of the person (1 to 100 characters).
    #[arg(long, value_name = "ID")]
    client_id: String,

    /// `firstName` (1 to 100 characters, no digits or special characters).
    #[arg(long, value_name = "NAME")]
    first_name: Option<String>,

    /// `lastName` (as --first-name).
    #[arg(long, value_name = "NAME")]
    last_name: Option<String>,

    /// `successUrl`: where the person lands after a successful verification.
    #[arg(long, value_name = "URL")]
    success_url: Option<String>,

    /// `errorUrl`: where the person lands after a failed verification.
    #[arg(long, value_name = "URL")]
    error_url: Option<String>,

    /// `unverifiedUrl`: where the person lands when the verification is not finished.
    #[arg(long, value_name = "URL")]
    unverified_url: Option<String>,

    /// `callbackUrl`: the webhook receiver of this session (https, or http on loopback).
    #[arg(long, value_name = "URL")]
    callback_url: Option<String>,

    /// `locale`: the UI language (a language tag such as en, lt, ru or pt-BR).
    #[arg(long, value_name = "LOCALE")]
    locale: Option<String>,

    /// `expiryTime`: seconds the token stays valid before first use (1 to 2592000).
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    expiry_time: Option<String>,

    /// `sessionLength`: seconds the person has once inside the UI (60 to 3600).
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    session_length: Option<String>,

    /// `country`: ISO 3166-1 alpha-2 code of the document's country, any case.
    #[arg(long, value_name = "CODE")]
    country: Option<String>,

    /// `documents`: an accepted document type (ID_CARD, PASSPORT, …); repeatable.
    #[arg(long = "document", value_name = "TYPE")]
    documents: Vec<String>,

    /// `tokenType`: IDENTIFICATION, DOCUMENT, VIDEO_CALL, VIDEO_CALL_PHOTOS or
    /// VIDEO_CALL_IDENTIFICATION.
    #[arg(long, value_name = "TYPE")]
    token_type: Option<String>,

    /// `externalRef`: the partner's own reference (at most 40 characters).
    #[arg(long, value_name = "REF")]
    external_ref: Option<String>,

    /// `nationality`: ISO 3166-1 alpha-2 code, any case.
    #[arg(long, value_name = "CODE")]
    nationality: Option<String>,

    /// `dateOfBirth`: YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    date_of_birth: Option<String>,

    /// `dateOfExpiry` of the document: YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    date_of_expiry: Option<String>,

    /// `dateOfIssue` of the document: YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    date_of_issue: Option<String>,

    /// `sex`: M or F.
    #[arg(long, value_name = "SEX")]
    sex: Option<String>,

    /// `personalNumber` (1 to 50 characters).
    #[arg(long, value_name = "NUMBER")]
    personal_number: Option<String>,

    /// `documentNumber` (1 to 50 characters).
    #[arg(long, value_name = "NUMBER")]
    document_number: Option<String>,

    /// `address` (at most 255 characters).
    #[arg(long, value_name = "ADDRESS")]
    address: Option<String>,

    /// `showInstructions`: true or false.
    #[arg(long, value_name = "BOOL")]
    show_instructions: Option<String>,

    /// `generateDigitString`: ask for an 8-digit code for iDenfy's mobile app.
    #[arg(long)]
    generate_digit_string: bool,

    /// `utilityBill`: true or false.
    #[arg(long, value_name = "BOOL")]
    utility_bill: Option<String>,

    /// `questionnaire`: the key of a questionnaire configured in the dashboard.
    #[arg(long, value_name = "KEY")]
    questionnaire: Option<String>,

    /// `videoCallQuestions`: a question asked during a video call; repeatable.
    #[arg(long = "video-call-question", value_name = "QUESTION")]
    video_call_questions: Vec<String>,

    /// `dummyStatus` (DEV environment only): APPROVED, DENIED, SUSPECTED, EXPIRED or ACTIVE.
    #[arg(long, value_name = "STATUS")]
    dummy_status: Option<String>,

    /// An extra request field sent verbatim, the value written as JSON (e.g. `foo=1`,
    /// `bar="text"`); repeatable. A typed field's name is refused.
    #[arg(long = "field", value_name = "KEY=JSON")]
    fields: Vec<String>,

    /// Build, validate and print the request without sending it; needs no credentials.
    #[arg(long)]
    dry_run: bool,
}

/// Builds and validates the request; with `--dry-run` prints it, otherwise sends it and prints
/// the token, the `scanRef` and the redirect URL.
pub(crate) fn run(global: &GlobalArgs, args: TokenArgs, out: &Output) -> Result<(), CliError> {
    let dry_run = args.dry_run;
    let request = builder(args)?.build()?;
    endpoint::run(
        global,
        &request,
        dry_run,
        out,
        crate::commands::present::token,
    )
}

/// The builder with every given option set, converting flag strings to the setters' types.
fn builder(args: TokenArgs) -> Result<TokenRequestBuilder, CliError> {
    let mut builder = TokenRequest::builder(args.client_id);
    if let Some(value) = args.first_name {
        builder = builder.first_name(value);
    }
    if let Some(value) = args.last_name {
        builder = builder.last_name(value);
    }
    if let Some(value) = args.success_url {
        builder = builder.success_url(value);
    }
    if let Some(value) = args.error_url {
        builder = builder.error_url(value);
    }
    if let Some(value) = args.unverified_url {
        builder = builder.unverified_url(value);
    }
    if let Some(value) = args.callback_url {
        builder = builder.callback_url(value);
    }
    if let Some(value) = args.locale {
        builder = builder.locale(value);
    }
    if let Some(value) = args.expiry_time {
        builder = builder.expiry_time(convert::integer("expiryTime", &value)?);
    }
    if let Some(value) = args.session_length {
        builder = builder.session_length(convert::integer("sessionLength", &value)?);
    }
    if let Some(value) = args.country {
        builder = builder.country(value);
    }
    if !args.documents.is_empty() {
        builder = builder.documents(args.documents.into_iter().map(DocumentType::from));
    }
    if let Some(value) = args.token_type {
        builder = builder.token_type(TokenType::from(value));
    }
    if let Some(value) = args.external_ref {
        builder = builder.external_ref(value);
    }
    if let Some(value) = args.nationality {
        builder = builder.nationality(value);
    }
    if let Some(value) = args.date_of_birth {
        builder = builder.date_of_birth(value);
    }
    if let Some(value) = args.date_of_expiry {
        builder = builder.date_of_expiry(value);
    }
    if let Some(value) = args.date_of_issue {
        builder = builder.date_of_issue(value);
    }
    if let Some(value) = args.sex {
        builder = builder.sex(Sex::from(value));
    }
    if let Some(value) = args.personal_number {
        builder = builder.personal_number(value);
    }
    if let Some(value) = args.document_number {
        builder = builder.document_number(value);
    }
    if let Some(value) = args.address {
        builder = builder.address(value);
    }
    if let Some(value) = args.show_instructions {
        builder = builder.show_instructions(convert::boolean("showInstructions", &value)?);
    }
    if args.generate_digit_string {
        builder = builder.generate_digit_string(true);
    }
    if let Some(value) = args.utility_bill {
        builder = builder.utility_bill(convert::boolean("utilityBill", &value)?);
    }
    if let Some(value) = args.questionnaire {
        builder = builder.questionnaire(value);
    }
    if !args.video_call_questions.is_empty() {
        builder = builder.video_call_questions(args.video_call_questions);
    }
    if let Some(value) = args.dummy_status {
        builder = builder.dummy_status(DummyStatus::from(value));
    }
    for field in &args.fields {
        let (key, value) = convert::key_json(field)?;
        builder = builder.extra_field(key, value);
    }
    Ok(builder)
}
