//! Direct processing (`POST /api/v2/process`, reference §3.8): an upload of the document and
//! face images, read and checked with `idenfy-proto`'s rules, that finishes the verification of
//! its token — or, when the emulator is told the document is not detected, the documented `200`
//! that carries an error body.

use idenfy_proto::server::{self, ErrorBody};
use idenfy_proto::{ErrorIdentifier, ImageStep, TokenType};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::EmulatorError;
use crate::outcome::{Outcome, OutcomeJson};
use crate::payload;
use crate::server::{Answer, DOCUMENTATION_URL, validation_error};
use crate::shared::Shared;
use crate::state::Processed;

/// What the emulator does with a direct-processing upload (`POST /api/v2/process`) that passes
/// the checks: the outcome it finishes the verification with, and whether the document is "not
/// detected". Set with [`Emulator::set_process_settings`](crate::Emulator::set_process_settings)
/// or `PUT /__emulator/process-settings`.
///
/// ```
/// use idenfy_emulator::{Outcome, ProcessSettings};
/// let settings = ProcessSettings::new().outcome(Outcome::denied());
/// assert!(!settings.is_document_not_detected());
/// let not_detected = ProcessSettings::new().document_not_detected(true);
/// assert!(not_detected.is_document_not_detected());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ProcessSettings {
    outcome: Outcome,
    document_not_detected: bool,
}

impl Default for ProcessSettings {
    fn default() -> Self {
        Self::new()
    }
}

impl ProcessSettings {
    /// The defaults: an upload finishes its verification as approved
    /// ([`Outcome::approved`]).
    pub fn new() -> Self {
        Self {
            outcome: Outcome::approved(),
            document_not_detected: false,
        }
    }

    /// The outcome an upload finishes its verification with (webhooks, review and all, as
    /// [`Emulator::complete`](crate::Emulator::complete)).
    #[must_use]
    pub fn outcome(mut self, outcome: Outcome) -> Self {
        self.outcome = outcome;
        self
    }

    /// Whether the document is "not detected" in the uploads: iDenfy documents that "a 200 OK
    /// with an error message may indicate the document was not detected". Then an upload is
    /// answered `200` with an error body (`BAD_VALUE`, "The document was not detected …") and
    /// its verification stays active, its token unspent — unless the upload says
    /// `skipAnalysis: true`, which skips the photo validation: it is processed.
    #[must_use]
    pub fn document_not_detected(mut self, on: bool) -> Self {
        self.document_not_detected = on;
        self
    }

    /// The outcome uploads finish with.
    pub fn finishing_outcome(&self) -> &Outcome {
        &self.outcome
    }

    /// Whether the document is "not detected" in uploads without `skipAnalysis`.
    pub fn is_document_not_detected(&self) -> bool {
        self.document_not_detected
    }

    /// The settings as the control API shows them.
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "overall": self.outcome.overall().as_str(),
            "manualReview": self.outcome.manual_review,
            "documentNotDetected": self.document_not_detected,
        })
    }
}

/// The body of `PUT /__emulator/process-settings`: `{"outcome": {…}, "documentNotDetected":
/// bool}`, both optional (an approval, detected).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct ProcessSettingsJson {
    outcome: Option<OutcomeJson>,
    document_not_detected: Option<bool>,
}

impl ProcessSettingsJson {
    pub(crate) fn into_settings(self) -> Result<ProcessSettings, EmulatorError> {
        let outcome = match self.outcome {
            Some(outcome) => outcome.into_outcome()?,
            None => Outcome::approved(),
        };
        Ok(ProcessSettings {
            outcome,
            document_not_detected: self.document_not_detected.unwrap_or(false),
        })
    }
}

/// An error body with the documentation link and severity, as iDenfy's direct-processing errors
/// have them (reference §3.8).
fn process_error(identifier: ErrorIdentifier, message: String) -> ErrorBody {
    let mut body = ErrorBody::new(identifier, message);
    body.documentation = Some(DOCUMENTATION_URL.to_owned());
    body.severity = Some("NOT_SEVERE".to_owned());
    body
}

/// `POST /api/v2/process`: the upload checked as the client checks it (`400 MISSING_VALUE` or
/// `BAD_VALUE` naming the field), then its token (`400 TOKEN_NOT_VALID` unless it is the token of
/// an active verification), then the steps the token's document needs (`400 MISSING_VALUE` "No
/// image provided for step 'BACK'"); then either the documented `200` with an error body (the
/// document "not detected"), or the verification finishes with the settings' outcome, its
/// webhooks are sent, and the answer is `200` with no body.
pub(crate) fn process(shared: &Shared, value: &Value) -> Answer {
    let request = match server::read_process_request(value) {
        Ok(request) => request,
        Err(err) => return validation_error(&err),
    };
    let token = request.auth_token().expose_secret();
    let now = shared.now_ms();
    shared.with_state(|state| {
        let settings = state.process.clone();
        let Some(session) = state
            .by_token(token)
            .filter(|session| session.expires_ms().is_some() && !session.deleted)
        else {
            return Answer::error(
                400,
                &process_error(
                    ErrorIdentifier::TokenNotValid,
                    "The token is not valid: it does not exist, has expired or was already used."
                        .to_owned(),
                ),
            );
        };
        let document_type = request
            .document_type()
            .cloned()
            .unwrap_or_else(|| payload::first_document(session));
        let needs_face = !matches!(session.request.token_type(), Some(TokenType::Document));
        let needed = [
            (ImageStep::Back, payload::has_back(&document_type)),
            (ImageStep::Face, needs_face),
        ];
        if let Some((missing, _)) = needed
            .iter()
            .find(|(step, needed)| *needed && request.image(step).is_none())
        {
            return Answer::error(
                400,
                &process_error(
                    ErrorIdentifier::MissingValue,
                    format!("No image provided for step '{missing}'"),
                ),
            );
        }
        if settings.document_not_detected && request.skip_analysis() != Some(true) {
            // The documented 200 that carries an error: nothing is processed.
            return Answer::error(
                200,
                &process_error(
                    ErrorIdentifier::BadValue,
                    "The document was not detected in the image of step 'FRONT'. Upload a \
                     clearer photo, or set skipAnalysis for a valid photo in which the document \
                     is not detected."
                        .to_owned(),
                ),
            );
        }
        let scan_ref = session.scan_ref.clone();
        let processed = Processed {
            steps: request
                .steps()
                .map(|step| step.as_str().to_owned())
                .collect(),
            document_type,
            country: request.country(),
        };
        match state.finish_upload(&scan_ref, processed, settings.outcome, now) {
            Ok(()) => Answer::empty(200),
            Err(err) => Answer::error(
                400,
                &process_error(ErrorIdentifier::TokenNotValid, err.to_string()),
            ),
        }
    })
}
