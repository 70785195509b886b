//! The bodies of webhook deliveries (reference §5.3–§5.8, §3.10).
//!
//! Every field is read leniently, field by field (R7): a value that does not fit its field is
//! kept raw in `extra` and the rest still decodes; fields outside the model land in `extra` too.
//! `Serialize` writes iDenfy's own field names (`scanRef`, `final`, `AML`, …), omits absent
//! top-level fields, writes `clientId` as a string, timestamps as integers and unknown enum values
//! as the strings that arrived.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::decode::{Any, Hooks, Lenient, MapValue, Outcome, Source, model};
use crate::enums::{ExpirationThreshold, OverallStatus, Platform, ServiceGroupType, ServiceStatus};
use crate::model::{IdentificationData, VerificationStatus};
use crate::secret::{AuthToken, Personal};

model! {
    /// The body of an identification webhook (`IdentificationWebhook`, reference §5.3): the result of
    /// a verification, sent for every `IDENTIFICATION*` event.
    ///
    /// `Debug` redacts personal data (names, document data, file URLs, IP address and location, AML
    /// hits and the newer verification objects; R10); `clientId` and `scanRef` stay visible.
    ///
    /// The legacy shapes of the AML and LID blocks (lowercase `aml`/`lid` single objects, the 2018
    /// `{"suspected": …, "results": …}` object) are read into [`Self::aml`] and [`Self::lid`], by
    /// [`webhook::parse_unverified`](crate::webhook::parse_unverified) and by this type's `Deserialize` alike. A body
    /// without `scanRef` is refused (R7).
    #[derive(Debug, Clone, Default, PartialEq)]
    #[non_exhaustive]
    pub struct IdentificationResult / IdentificationResultDraft (nulls = false) {
        /// `clientId`: the partner's identifier of the person, a string even when sent as a number.
        opt client_id: String = "clientId",
        /// `scanRef`: iDenfy's identifier of the verification.
        must scan_ref: String = "scanRef",
        /// `externalRef`: the partner's reference given with the token.
        opt external_ref: String = "externalRef",
        /// `companyId`: the KYB company this verification belongs to.
        opt company_id: String = "companyId",
        /// `beneficiaryId`: the KYB beneficiary this verification belongs to.
        opt beneficiary_id: String = "beneficiaryId",
        /// `platform`: the device the person used.
        opt platform: Platform = "platform",
        /// `startTime`: when the person started, in Unix seconds (a float in some 2019 payloads,
        /// truncated here).
        opt start_time: i64 = "startTime",
        /// `finishTime`: when the automatic decision was made, in Unix seconds.
        opt finish_time: i64 = "finishTime",
        /// `clientIp`: the person's IP address.
        opt client_ip: Personal<String> = "clientIp",
        /// `clientIpCountry`: the country of that address, ISO 3166-1 alpha-2.
        opt client_ip_country: String = "clientIpCountry",
        /// `clientLocation`: the person's location, e.g. `Kaunas, Lithuania`.
        opt client_location: Personal<String> = "clientLocation",
        /// `gdcMatch`: whether the global data consortium check matched.
        opt gdc_match: bool = "gdcMatch",
        /// `final`: whether this is the result to act on (R8). Absent in payloads before about
        /// 2023; see [`Self::is_final`].
        opt final_: bool = "final",
        /// `status`: the verification status (empty when the payload has none).
        dflt status: VerificationStatus = "status",
        /// `data`: what was read from the document (empty when the payload has none).
        dflt data: IdentificationData = "data",
        /// `fileUrls`: step name (`FRONT`, `BACK`, `FACE`, `FRONT_VIDEO`, …) → pre-signed URL of the
        /// photo or video, valid for about an hour. The URLs are personal data.
        opt file_urls: BTreeMap<String, Option<Personal<String>>> = "fileUrls",
        /// `additionalStepPdfUrls`: additional step → URL of its PDF.
        opt additional_step_pdf_urls: BTreeMap<String, Option<Personal<String>>> = "additionalStepPdfUrls",
        /// `AML`: anti-money-laundering results (also read from the legacy lowercase `aml` object).
        opt aml: Vec<ServiceResult> = "AML",
        /// `LID`: lost-and-invalid-document results (also read from the legacy lowercase `lid`
        /// object).
        opt lid: Vec<ServiceResult> = "LID",
        /// `CRIMINAL_CHECK`: criminal-record check results.
        opt criminal_check: Vec<ServiceResult> = "CRIMINAL_CHECK",
        /// `amlCheck`: the AML v3 result. It names the persons found, so it is personal data.
        opt aml_check: Personal<Value> = "amlCheck",
        /// `manualAddress`: an address entered by a reviewer (top level in the schema; some payloads
        /// put it inside `data`, see [`IdentificationData::manual_address`]).
        opt manual_address: Personal<String> = "manualAddress",
        /// `manualAddressMatch`: whether that address matched.
        opt manual_address_match: bool = "manualAddressMatch",
        /// `registryCenterCheck`: the registry-centre check (Hungary, Lithuania, US variants).
        opt registry_center_check: Personal<Value> = "registryCenterCheck",
        /// `addressVerification`: `{address, country, status, accuracy, quality}`.
        opt address_verification: Personal<Value> = "addressVerification",
        /// `questionnaireAnswers`: the answers to a questionnaire.
        opt questionnaire_answers: Personal<Value> = "questionnaireAnswers",
        /// `riskAssessment`: `{riskScore, riskLevel}`.
        opt risk_assessment: Personal<Value> = "riskAssessment",
        /// `bankVerification`: bank accounts and balances.
        opt bank_verification: Personal<Value> = "bankVerification",
        /// `emailVerification`: `{email, emailVerified}`.
        opt email_verification: Personal<Value> = "emailVerification",
        /// `phoneVerification`: `{phone, phoneVerified}`.
        opt phone_verification: Personal<Value> = "phoneVerification",
        /// `driverLicenseCheck`: the driver's-licence check with its `*Match` flags.
        opt driver_license_check: Personal<Value> = "driverLicenseCheck",
        /// `bankCardVerification`: the bank-card check.
        opt bank_card_verification: Personal<Value> = "bankCardVerification",
        /// `additionalSteps`: additional step → what was done with it (`UPLOAD`, `COMPARE`,
        /// `EXTRACT`) or `null`. Not to be confused with `status.additionalSteps`, the aggregate
        /// result.
        opt additional_steps: BTreeMap<String, Option<String>> = "additionalSteps",
    }
}

/// The legacy spellings of `AML` and `LID` (R7): lowercase, a single object or a list.
const LEGACY_LISTS: [(&str, &str); 2] = [("aml", "AML"), ("lid", "LID")];

impl Hooks for IdentificationResultDraft {
    fn hook<'de, S: Source<'de>>(&mut self, key: &str, source: &mut S) -> Result<bool, S::Error> {
        let Some((legacy, _)) = LEGACY_LISTS.iter().find(|(legacy, _)| *legacy == key) else {
            return Ok(false);
        };
        // A repeated key replaces what an earlier one left.
        self.pending.retain(|(name, _)| name != legacy);
        let value = source.raw()?;
        if matches!(value, Value::Object(_) | Value::Array(_)) {
            self.extra.remove_unknown(legacy);
            self.pending.push((legacy, value));
        } else {
            self.extra.insert_unknown((*legacy).to_owned(), value);
        }
        Ok(true)
    }

    /// A legacy `aml`/`lid` becomes `AML`/`LID` when that is absent or `null`; otherwise it
    /// stays in `extra` under its own key.
    fn resolve(&mut self) {
        for (legacy, value) in std::mem::take(&mut self.pending) {
            let (slot, current) = if legacy == "aml" {
                (&mut self.aml, "AML")
            } else {
                (&mut self.lid, "LID")
            };
            if slot.is_none()
                && !self.extra.contains_key(current)
                && let Outcome::Fit(list) =
                    Vec::<ServiceResult>::from_any(Any::from_value(value.clone()))
            {
                *slot = Some(list);
                continue;
            }
            self.extra.insert_unknown(legacy.to_owned(), value);
        }
    }
}

impl IdentificationResult {
    /// Whether this is the result a partner may act on (R8): always when the overall status is
    /// terminal with no later result to come (`EXPIRED`, `EXPIRED-DELETED`, `DELETED`, see
    /// [`OverallStatus::is_terminal`]); otherwise `final` when the payload has it; for legacy
    /// payloads without `final`, whether a person has reviewed the verification (a non-empty
    /// `manualDocument` or `manualFace`).
    ///
    /// ```
    /// use idenfy_proto::webhook::{self, WebhookEvent};
    /// let legacy = br#"{"scanRef":"s-1","status":{"overall":"APPROVED","manualFace":"FACE_MATCH"}}"#;
    /// assert!(webhook::parse_unverified(legacy, None)?.is_final());
    /// let auto = br#"{"scanRef":"s-1","final":false,"status":{"manualFace":"FACE_MATCH"}}"#;
    /// assert!(!webhook::parse_unverified(auto, None)?.is_final());
    /// let expired = br#"{"scanRef":"s-1","final":false,"status":{"overall":"EXPIRED"}}"#;
    /// assert!(webhook::parse_unverified(expired, None)?.is_final());
    /// # Ok::<(), idenfy_proto::DecodeError>(())
    /// ```
    pub fn is_final(&self) -> bool {
        self.status
            .overall
            .as_ref()
            .is_some_and(OverallStatus::is_terminal)
            || self
                .final_
                .unwrap_or_else(|| self.status.is_manually_reviewed())
    }
}

model! {
    /// One fraud or AML service result: an item of `AML`, `LID` or `CRIMINAL_CHECK` (reference
    /// §5.7). The legacy 2018 object `{"suspected": …, "results": …}` is read as a result with those
    /// two fields in [`Self::extra`]; [`Self::suspected`] understands both shapes.
    #[derive(Debug, Clone, Default, PartialEq)]
    #[non_exhaustive]
    pub struct ServiceResult / ServiceResultDraft (nulls = false) {
        /// `status`: what the service did and found.
        opt status: ServiceResultStatus = "status",
        /// `serviceName`: e.g. `PilotApiAmlV2`, `IrdInvalidPapers`, `AML_NAMES_CHECK`.
        opt service_name: String = "serviceName",
        /// `serviceGroupType`: `AML`, `LID`, `COMPANY` or `CRIMINAL_CHECK`.
        opt service_group_type: ServiceGroupType = "serviceGroupType",
        /// `uid`: the identifier of this check (unique within one verification only).
        opt uid: String = "uid",
        /// `errorMessage`: why the service failed, if it did.
        opt error_message: String = "errorMessage",
        /// `data`: the hits (names, dates of birth, document numbers, articles…); personal data.
        dflt data: Vec<Personal<Value>> = "data",
    }
}

impl Hooks for ServiceResultDraft {}

impl ServiceResult {
    /// Whether the service raised a suspicion: `status.serviceSuspected`, else
    /// `status.overallStatus`, else the legacy 2018 `suspected` flag.
    pub fn suspected(&self) -> Option<bool> {
        let status = self.status.as_ref();
        status
            .and_then(|status| status.service_suspected)
            .or_else(|| {
                status
                    .and_then(|status| status.overall_status.as_ref())
                    .and_then(|overall| match overall {
                        ServiceStatus::Suspected => Some(true),
                        ServiceStatus::NotSuspected => Some(false),
                        _ => None,
                    })
            })
            .or_else(|| self.extra.get("suspected").and_then(Value::as_bool))
    }
}

model! {
    /// The `status` object of a [`ServiceResult`].
    #[derive(Debug, Clone, Default, PartialEq)]
    #[non_exhaustive]
    pub struct ServiceResultStatus / ServiceResultStatusDraft (nulls = false) {
        /// `serviceSuspected`: the service raised a suspicion.
        opt service_suspected: bool = "serviceSuspected",
        /// `serviceUsed`: the service was run.
        opt service_used: bool = "serviceUsed",
        /// `serviceFound`: the service is available for this person.
        opt service_found: bool = "serviceFound",
        /// `checkSuccessful`: the check completed.
        opt check_successful: bool = "checkSuccessful",
        /// `overallStatus`: `SUSPECTED` or `NOT_SUSPECTED`.
        opt overall_status: ServiceStatus = "overallStatus",
    }
}

impl Hooks for ServiceResultStatusDraft {}

model! {
    /// The body of a `DOCUMENT_EXPIRATION` webhook (reference §5.8): a verified document is about
    /// to expire or has expired.
    #[derive(Debug, Clone, Default, PartialEq)]
    #[non_exhaustive]
    pub struct DocumentExpiration / DocumentExpirationDraft (nulls = false) {
        /// `scanRef`: the verification that read the document.
        must scan_ref: String = "scanRef",
        /// `clientId`: the partner's identifier of the person.
        opt client_id: String = "clientId",
        /// `expirationThreshold`: how close the expiry is.
        opt expiration_threshold: ExpirationThreshold = "expirationThreshold",
        /// `documentExpiration`: the document's expiry date, as sent (see
        /// [`Date::parse`](crate::Date::parse)).
        opt document_expiration: Personal<String> = "documentExpiration",
    }
}

impl Hooks for DocumentExpirationDraft {}

model! {
    /// The body of a video-call webhook (`VIDEO_CALL_FINISHED`, reference §3.10).
    ///
    /// `Debug` redacts the `authToken` and the answers (R10).
    #[derive(Debug, Clone, Default, PartialEq)]
    #[non_exhaustive]
    pub struct VideoCallResult / VideoCallResultDraft (nulls = false) {
        /// `videoCallAnswers`: question → the person's answer (a bare string is read as the
        /// answer).
        opt video_call_answers: BTreeMap<String, VideoCallAnswer> = "videoCallAnswers",
        /// `date`: when the call took place, as sent (e.g. `2020-08-14 12:48:08.085275+00:00`).
        opt date: String = "date",
        /// `status`: whether the call succeeded.
        opt status: bool = "status",
        /// `scanRef`: the verification the call belongs to.
        must scan_ref: String = "scanRef",
        /// `authToken`: the token of the session (a secret, redacted in `Debug`).
        opt auth_token: AuthToken = "authToken",
        /// `clientId`: the partner's identifier of the person.
        opt client_id: String = "clientId",
    }
}

impl Hooks for VideoCallResultDraft {}

model! {
    /// One answer of a video call.
    #[derive(Debug, Clone, Default, PartialEq)]
    #[non_exhaustive]
    pub struct VideoCallAnswer / VideoCallAnswerDraft (nulls = false) {
        /// `answer`: what the person said (personal data).
        opt answer: Personal<String> = "answer",
        /// `correct`: whether the answer was judged correct.
        opt correct: bool = "correct",
    }
}

impl Hooks for VideoCallAnswerDraft {}

/// An answer of `videoCallAnswers`: an object, or a bare value read as the text of the answer.
impl MapValue for VideoCallAnswer {
    fn accepts(any: &Any<'_>) -> bool {
        !matches!(any, Any::Array(_))
    }

    fn from_any(any: Any<'_>) -> Self {
        match any {
            object @ Any::Object(_) => match <Self as Lenient>::from_any(object) {
                Outcome::Fit(answer) => answer,
                _ => VideoCallAnswer::default(),
            },
            other => VideoCallAnswer {
                answer: match String::from_any(other) {
                    Outcome::Fit(text) => Some(Personal::new(text)),
                    _ => None,
                },
                ..VideoCallAnswer::default()
            },
        }
    }

    fn collect_fallbacks(&self, path: &str, out: &mut Vec<String>) {
        Lenient::collect_fallbacks(self, path, out);
    }

    #[cfg(test)]
    fn sample(samples: &mut crate::sentinels::Samples, path: &str) -> serde_json::Value {
        <Self as Lenient>::sample(samples, path)
    }
}
