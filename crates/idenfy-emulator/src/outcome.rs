//! The result a simulated person (or the test) gives a verification.

use std::time::Duration;

use idenfy_proto::{DocumentStatus, FaceStatus, FraudTag, MismatchTag, OverallStatus};
use serde::Deserialize;

use crate::EmulatorError;

/// How a verification ends: the overall status, the automatic (and, after a review, the manual)
/// face and document results, the fraud and mismatch tags, and whether a person reviews it.
///
/// Start from a preset and adjust it:
///
/// ```
/// use idenfy_emulator::Outcome;
/// use idenfy_proto::{FraudTag, OverallStatus};
///
/// let outcome = Outcome::suspected()
///     .fraud_tags([FraudTag::DocMobilePhoto])
///     .manual_review(true)
///     .reviewed_as(OverallStatus::Approved);
/// # let _ = outcome;
/// ```
///
/// Without a manual review, one `IDENTIFICATION_AUTO_FINISHED` webhook with `final: true`
/// carries the result. With one, that webhook has `final: false` and carries the automatic
/// (preliminary) result; after [`Outcome::review_after`] (immediately by default) an
/// `IDENTIFICATION_MANUAL_FINISHED` webhook with `final: true` carries the reviewed one. While a
/// review is pending, `/api/v2/status` answers `REVIEWING`.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub(crate) auto_overall: OverallStatus,
    pub(crate) overall: OverallStatus,
    pub(crate) auto_face: FaceStatus,
    pub(crate) auto_document: DocumentStatus,
    pub(crate) manual_face: Option<FaceStatus>,
    pub(crate) manual_document: Option<DocumentStatus>,
    pub(crate) fraud_tags: Vec<FraudTag>,
    pub(crate) mismatch_tags: Vec<MismatchTag>,
    pub(crate) manual_review: bool,
    pub(crate) review_after: Duration,
}

impl Outcome {
    /// `APPROVED`: face `FACE_MATCH`, document `DOC_VALIDATED`, no tags.
    pub fn approved() -> Self {
        Self::preset(
            OverallStatus::Approved,
            FaceStatus::FaceMatch,
            DocumentStatus::DocValidated,
            Vec::new(),
        )
    }

    /// `DENIED`: face `FACE_MISMATCH`, document `DOC_VALIDATED`, no tags.
    pub fn denied() -> Self {
        Self::preset(
            OverallStatus::Denied,
            FaceStatus::FaceMismatch,
            DocumentStatus::DocValidated,
            Vec::new(),
        )
    }

    /// `SUSPECTED`: face `FACE_MATCH`, document `DOC_VALIDATED`, fraud tag `DOC_MOBILE_PHOTO`
    /// (iDenfy never reports `SUSPECTED` without a tag).
    pub fn suspected() -> Self {
        Self::preset(
            OverallStatus::Suspected,
            FaceStatus::FaceMatch,
            DocumentStatus::DocValidated,
            vec![FraudTag::DocMobilePhoto],
        )
    }

    /// The preset for `overall` (`APPROVED`, `DENIED` or `SUSPECTED`); any other status is
    /// refused, since only those end a verification that a person went through (expiry comes
    /// from the clock).
    pub fn for_status(overall: &OverallStatus) -> Result<Self, EmulatorError> {
        match overall {
            OverallStatus::Approved => Ok(Self::approved()),
            OverallStatus::Denied => Ok(Self::denied()),
            OverallStatus::Suspected => Ok(Self::suspected()),
            other => Err(EmulatorError::InvalidOutcome(format!(
                "a verification can be completed as APPROVED, DENIED or SUSPECTED, not {other}"
            ))),
        }
    }

    fn preset(
        overall: OverallStatus,
        face: FaceStatus,
        document: DocumentStatus,
        fraud_tags: Vec<FraudTag>,
    ) -> Self {
        Self {
            auto_overall: overall.clone(),
            overall,
            auto_face: face,
            auto_document: document,
            manual_face: None,
            manual_document: None,
            fraud_tags,
            mismatch_tags: Vec::new(),
            manual_review: false,
            review_after: Duration::ZERO,
        }
    }

    /// The automatic face result (`autoFace`).
    #[must_use]
    pub fn auto_face(mut self, status: FaceStatus) -> Self {
        self.auto_face = status;
        self
    }

    /// The automatic document result (`autoDocument`).
    #[must_use]
    pub fn auto_document(mut self, status: DocumentStatus) -> Self {
        self.auto_document = status;
        self
    }

    /// The reviewed face result (`manualFace`), used when a manual review follows; the automatic
    /// one by default.
    #[must_use]
    pub fn manual_face(mut self, status: FaceStatus) -> Self {
        self.manual_face = Some(status);
        self
    }

    /// The reviewed document result (`manualDocument`), used when a manual review follows; the
    /// automatic one by default.
    #[must_use]
    pub fn manual_document(mut self, status: DocumentStatus) -> Self {
        self.manual_document = Some(status);
        self
    }

    /// `fraudTags` (replacing the preset's).
    #[must_use]
    pub fn fraud_tags(mut self, tags: impl IntoIterator<Item = FraudTag>) -> Self {
        self.fraud_tags = tags.into_iter().collect();
        self
    }

    /// `mismatchTags` (replacing the preset's).
    #[must_use]
    pub fn mismatch_tags(mut self, tags: impl IntoIterator<Item = MismatchTag>) -> Self {
        self.mismatch_tags = tags.into_iter().collect();
        self
    }

    /// Whether a person reviews the verification after the automatic checks (two webhooks instead
    /// of one).
    #[must_use]
    pub fn manual_review(mut self, review: bool) -> Self {
        self.manual_review = review;
        self
    }

    /// The overall status the reviewer decides on, which may differ from the automatic one (the
    /// preset's status); implies [`Self::manual_review`].
    #[must_use]
    pub fn reviewed_as(mut self, overall: OverallStatus) -> Self {
        self.overall = overall;
        self.manual_review = true;
        self
    }

    /// How long (on the emulator's clock) the review takes; zero by default, so both webhooks
    /// are sent at once. During the review `/api/v2/status` answers `REVIEWING`.
    #[must_use]
    pub fn review_after(mut self, delay: Duration) -> Self {
        self.review_after = delay;
        self
    }

    /// The final overall status.
    pub fn overall(&self) -> &OverallStatus {
        &self.overall
    }

    /// Whether a manual review follows the automatic checks.
    pub fn has_manual_review(&self) -> bool {
        self.manual_review
    }

    /// The reviewed face result: the one set, else the automatic one.
    pub(crate) fn final_face(&self) -> &FaceStatus {
        self.manual_face.as_ref().unwrap_or(&self.auto_face)
    }

    /// The reviewed document result: the one set, else the automatic one.
    pub(crate) fn final_document(&self) -> &DocumentStatus {
        self.manual_document.as_ref().unwrap_or(&self.auto_document)
    }
}

impl Default for Outcome {
    /// [`Outcome::approved`].
    fn default() -> Self {
        Self::approved()
    }
}

/// The JSON form of an [`Outcome`] in the control API. Every field is optional; the preset of
/// `overall` (default `APPROVED`) fills the rest.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct OutcomeJson {
    overall: Option<String>,
    auto_overall: Option<String>,
    auto_face: Option<String>,
    auto_document: Option<String>,
    manual_face: Option<String>,
    manual_document: Option<String>,
    fraud_tags: Option<Vec<String>>,
    mismatch_tags: Option<Vec<String>>,
    manual_review: Option<bool>,
    review_after_seconds: Option<u64>,
}

impl OutcomeJson {
    /// The outcome this describes. With `autoOverall` different from `overall`, the automatic
    /// checks say one thing and the reviewer another (a manual review is implied).
    pub(crate) fn into_outcome(self) -> Result<Outcome, EmulatorError> {
        let auto_status = self.auto_overall.as_deref().map(OverallStatus::from);
        let final_status = self.overall.as_deref().map(OverallStatus::from);
        let preset_status = auto_status
            .clone()
            .or_else(|| final_status.clone())
            .unwrap_or(OverallStatus::Approved);
        let mut outcome = Outcome::for_status(&preset_status)?;
        if let Some(status) = final_status.filter(|status| *status != outcome.auto_overall) {
            Outcome::for_status(&status)?;
            outcome = outcome.reviewed_as(status);
        }
        if let Some(review) = self.manual_review {
            outcome.manual_review = review || outcome.overall != outcome.auto_overall;
        }
        if let Some(status) = self.auto_face {
            outcome.auto_face = FaceStatus::from(status);
        }
        if let Some(status) = self.auto_document {
            outcome.auto_document = DocumentStatus::from(status);
        }
        outcome.manual_face = self.manual_face.map(FaceStatus::from);
        outcome.manual_document = self.manual_document.map(DocumentStatus::from);
        if let Some(tags) = self.fraud_tags {
            outcome.fraud_tags = tags.into_iter().map(FraudTag::from).collect();
        }
        if let Some(tags) = self.mismatch_tags {
            outcome.mismatch_tags = tags.into_iter().map(MismatchTag::from).collect();
        }
        if let Some(seconds) = self.review_after_seconds {
            outcome.review_after = Duration::from_secs(seconds);
        }
        Ok(outcome)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn parse(json: &str) -> Result<Outcome, EmulatorError> {
        serde_json::from_str::<OutcomeJson>(json)
            .unwrap()
            .into_outcome()
    }

    #[test]
    fn json_presets_and_overrides() {
        assert_eq!(parse("{}").unwrap(), Outcome::approved());
        assert_eq!(parse(r#"{"overall":"DENIED"}"#).unwrap(), Outcome::denied());
        let reviewed = parse(r#"{"autoOverall":"SUSPECTED","overall":"APPROVED"}"#).unwrap();
        assert_eq!(reviewed.auto_overall, OverallStatus::Suspected);
        assert_eq!(reviewed.overall, OverallStatus::Approved);
        assert!(reviewed.manual_review);
        let tagged = parse(
            r#"{"overall":"SUSPECTED","fraudTags":[],"mismatchTags":["NAME"],"manualReview":true,"reviewAfterSeconds":60}"#,
        )
        .unwrap();
        assert!(tagged.fraud_tags.is_empty());
        assert_eq!(tagged.mismatch_tags, vec![MismatchTag::Name]);
        assert!(tagged.manual_review);
        assert_eq!(tagged.review_after, Duration::from_secs(60));
        assert!(parse(r#"{"overall":"EXPIRED"}"#).is_err());
    }
}
