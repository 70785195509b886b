//! `idenfy token --client-id ID [options]`: a verification token (`POST /api/v2/token`, R2, R3).
//!
//! Every option is one setter of [`TokenRequestBuilder`]; every rule is checked by its
//! `build()`. This module only converts flag strings to the setters' argument types.

use clap::Args;
use idenfy::{DocumentType, TokenRequest, TokenRequestBuilder};

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
    // One option, one setter: text as it is, numbers and booleans read for their wire field
    // (so that a malformed one is refused naming it), enum values by their wire string.
    macro_rules! set {
        ($($field:ident $(: $kind:ident $($wire:literal)?)?,)*) => {
            $(
                if let Some(value) = args.$field {
                    builder = builder.$field(set!(@ value $($kind $($wire)?)?));
                }
            )*
        };
        (@ $value:ident) => { $value };
        (@ $value:ident integer $wire:literal) => { convert::integer($wire, &$value)? };
        (@ $value:ident boolean $wire:literal) => { convert::boolean($wire, &$value)? };
        (@ $value:ident wire_enum) => { $value.into() };
    }
    set! {
        first_name,
        last_name,
        success_url,
        error_url,
        unverified_url,
        callback_url,
        locale,
        expiry_time: integer "expiryTime",
        session_length: integer "sessionLength",
        country,
        token_type: wire_enum,
        external_ref,
        nationality,
        date_of_birth,
        date_of_expiry,
        date_of_issue,
        sex: wire_enum,
        personal_number,
        document_number,
        address,
        show_instructions: boolean "showInstructions",
        utility_bill: boolean "utilityBill",
        questionnaire,
        dummy_status: wire_enum,
    }
    if !args.documents.is_empty() {
        builder = builder.documents(args.documents.into_iter().map(DocumentType::from));
    }
    if args.generate_digit_string {
        builder = builder.generate_digit_string(true);
    }
    if !args.video_call_questions.is_empty() {
        builder = builder.video_call_questions(args.video_call_questions);
    }
    for field in &args.fields {
        let (key, value) = convert::key_json(field)?;
        builder = builder.extra_field(key, value);
    }
    Ok(builder)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use clap::{Args as _, Command, FromArgMatches as _};

    use super::*;

    /// The flags are written by hand (their names, value names and help are the command
    /// line's own); this holds them to the table of the request: every typed field of
    /// `TokenRequest::FIELDS` has a flag, and each flag sets the field its help names first.
    #[test]
    fn every_field_of_the_request_has_a_flag_that_sets_it() {
        let command = TokenArgs::augment_args(Command::new("token"));
        let mut covered = Vec::new();
        for arg in command.get_arguments() {
            if matches!(arg.get_id().as_str(), "fields" | "dry_run") {
                continue;
            }
            let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
            let wire = help
                .strip_prefix('`')
                .and_then(|rest| rest.split('`').next())
                .unwrap_or_else(|| panic!("the help of {:?} starts with no field", arg.get_id()));
            let flag = format!("--{}", arg.get_long().unwrap());
            // An empty value: refused naming the field, or sent under it.
            let mut argv = vec!["token"];
            if flag != "--client-id" {
                argv.extend(["--client-id", "c-1"]);
            }
            argv.push(&flag);
            if arg.get_action().takes_values() {
                argv.push("");
            }
            let matches = command.clone().try_get_matches_from(&argv).unwrap();
            let args = TokenArgs::from_arg_matches(&matches).unwrap();
            match builder(args).and_then(|builder| Ok(builder.build()?)) {
                Err(err) => assert_eq!(err.field(), Some(wire), "{flag}: {err:?}"),
                Ok(request) => {
                    let body = serde_json::to_value(&request).unwrap();
                    assert!(
                        body.get(wire).is_some(),
                        "{flag} does not set {wire}: {body}"
                    );
                }
            }
            covered.push(wire.to_owned());
        }
        covered.sort_unstable();
        let mut fields: Vec<String> = TokenRequest::FIELDS
            .iter()
            .map(|f| (*f).to_owned())
            .collect();
        fields.sort_unstable();
        assert_eq!(covered, fields, "one flag per typed field of the request");
    }
}
