//! `idenfy request-info SCANREF [options]`: asks the person of a finished verification for more
//! information and reopens it (`POST /kyc/identifications/{scanRef}/request-information/`, R12).
//!
//! Every option is one setter of [`RequestInformationRequestBuilder`]; every rule is checked by
//! its `build()`. The answer is the new session: its `tokenString` and the URL to send the
//! person to.

use clap::Args;
use idenfy::{RequestInformationRequest, RequestInformationRequestBuilder};

use crate::cli::GlobalArgs;
use crate::commands::{endpoint, present};
use crate::convert;
use crate::error::CliError;
use crate::output::Output;

/// Arguments of `request-info`, one per request field.
#[derive(Args)]
pub(crate) struct RequestInfoArgs {
    /// The `scanRef` of the finished verification (1 to 40 characters).
    #[arg(value_name = "SCANREF")]
    scan_ref: String,

    /// `lifetime`: seconds the new session stays open (0 to 2592000; iDenfy's default is 86400).
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    lifetime: Option<String>,

    /// `questionnaire`: the key of a questionnaire for the person to fill in.
    #[arg(long, value_name = "KEY")]
    questionnaire: Option<String>,

    /// `riskAssessmentProfile`: the UUID of a risk-assessment profile.
    #[arg(long, value_name = "UUID")]
    risk_assessment_profile: Option<String>,

    /// `additionalStepUploadRequired`: true or false, whether the additional steps must be
    /// uploaded.
    #[arg(long, value_name = "BOOL")]
    additional_step_upload_required: Option<String>,

    /// `bankCardVerification`: true or false, whether to ask for a bank card.
    #[arg(long, value_name = "BOOL")]
    bank_card_verification: Option<String>,

    /// `bankCardExpectedLastFour`: the last four characters of the card expected.
    #[arg(long, value_name = "DIGITS")]
    bank_card_expected_last_four: Option<String>,

    /// Build, validate and print the request without sending it; needs no credentials.
    #[arg(long)]
    dry_run: bool,
}

/// Builds and validates the request; with `--dry-run` prints it, otherwise sends it and prints
/// the new session.
pub(crate) fn run(
    global: &GlobalArgs,
    args: RequestInfoArgs,
    out: &Output,
) -> Result<(), CliError> {
    let dry_run = args.dry_run;
    let request = builder(args)?.build()?;
    endpoint::run(global, &request, dry_run, out, present::request_information)
}

/// The builder with every given option set, numbers and booleans read for their wire field.
fn builder(args: RequestInfoArgs) -> Result<RequestInformationRequestBuilder, CliError> {
    let mut builder = RequestInformationRequest::builder(args.scan_ref);
    if let Some(lifetime) = args.lifetime {
        builder = builder.lifetime(convert::integer("lifetime", &lifetime)?);
    }
    if let Some(questionnaire) = args.questionnaire {
        builder = builder.questionnaire(questionnaire);
    }
    if let Some(profile) = args.risk_assessment_profile {
        builder = builder.risk_assessment_profile(profile);
    }
    if let Some(required) = args.additional_step_upload_required {
        builder = builder.additional_step_upload_required(convert::boolean(
            "additionalStepUploadRequired",
            &required,
        )?);
    }
    if let Some(verification) = args.bank_card_verification {
        builder = builder
            .bank_card_verification(convert::boolean("bankCardVerification", &verification)?);
    }
    if let Some(digits) = args.bank_card_expected_last_four {
        builder = builder.bank_card_expected_last_four(digits);
    }
    Ok(builder)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use clap::{Args as _, Command, FromArgMatches as _};

    use super::*;

    /// Every field of `RequestInformationRequest::FIELDS` has a flag, and each flag sets the
    /// field its help names first (as `token`'s flags do).
    #[test]
    fn every_field_of_the_request_has_a_flag_that_sets_it() {
        let command = RequestInfoArgs::augment_args(Command::new("request-info"));
        let mut covered = Vec::new();
        for arg in command.get_arguments() {
            if matches!(arg.get_id().as_str(), "scan_ref" | "dry_run") {
                continue;
            }
            let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
            let wire = help
                .strip_prefix('`')
                .and_then(|rest| rest.split('`').next())
                .unwrap_or_else(|| panic!("the help of {:?} starts with no field", arg.get_id()));
            let flag = format!("--{}", arg.get_long().unwrap());
            // A value of the wrong shape is refused naming the field; one of the right shape
            // is sent under it.
            for value in [
                "",
                "1",
                "true",
                "abcd",
                "9b11acb2-8c27-11e9-9758-309c231b1bac",
            ] {
                let argv = vec!["request-info", "scan-1", flag.as_str(), value];
                let matches = command.clone().try_get_matches_from(&argv).unwrap();
                let args = RequestInfoArgs::from_arg_matches(&matches).unwrap();
                match builder(args).and_then(|builder| Ok(builder.build()?)) {
                    Err(err) => assert_eq!(err.field(), Some(wire), "{flag} {value}: {err:?}"),
                    Ok(request) => {
                        let body: serde_json::Value =
                            serde_json::from_slice(&request.to_json().unwrap()).unwrap();
                        assert!(
                            body.get(wire).is_some(),
                            "{flag} {value} does not set {wire}: {body}"
                        );
                        covered.push(wire.to_owned());
                    }
                }
            }
        }
        covered.sort_unstable();
        covered.dedup();
        let mut fields: Vec<String> = RequestInformationRequest::FIELDS
            .iter()
            .map(|f| (*f).to_owned())
            .collect();
        fields.sort_unstable();
        assert_eq!(covered, fields, "one flag per field of the request");
    }
}
