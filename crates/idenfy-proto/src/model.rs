//! The verification result model shared by webhooks and the retrieval endpoints (reference
//! §5.4, §5.5): the `status` object and the `data` object.
//!
//! Both derive `Serialize` with iDenfy's own field names, so a parsed value can be printed back
//! as normalized JSON (`clientId` a string, integers as integers, unknown enum values as their
//! original strings).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::de;
use crate::enums::{
    AdditionalStepsStatus, AgeGroup, DocumentSex, DocumentStatus, DocumentType, FaceStatus,
    FraudTag, MismatchTag, OverallStatus, RiskLevel, SuspicionReason,
};
use crate::extra::ExtraFields;
use crate::secret::Personal;

/// The `status` object of a verification result (reference §5.4).
///
/// "Final identification status is in `overall`; final face and document status in
/// `manualDocument`, `manualFace`." The manual fields stay empty until a person reviewed the
/// verification.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct VerificationStatus {
    /// `overall`: the overall status.
    #[serde(default, deserialize_with = "de::opt_enum")]
    pub overall: Option<OverallStatus>,
    /// `suspicionReasons`: legacy reasons (2019–2021 payloads).
    #[serde(default, deserialize_with = "de::opt_list")]
    pub suspicion_reasons: Option<Vec<SuspicionReason>>,
    /// `fraudTags`.
    #[serde(default, deserialize_with = "de::opt_list")]
    pub fraud_tags: Option<Vec<FraudTag>>,
    /// `mismatchTags`.
    #[serde(default, deserialize_with = "de::opt_list")]
    pub mismatch_tags: Option<Vec<MismatchTag>>,
    /// `autoFace`: the automatic face result.
    #[serde(default, deserialize_with = "de::opt_enum")]
    pub auto_face: Option<FaceStatus>,
    /// `manualFace`: the reviewed face result.
    #[serde(default, deserialize_with = "de::opt_enum")]
    pub manual_face: Option<FaceStatus>,
    /// `autoDocument`: the automatic document result.
    #[serde(default, deserialize_with = "de::opt_enum")]
    pub auto_document: Option<DocumentStatus>,
    /// `manualDocument`: the reviewed document result.
    #[serde(default, deserialize_with = "de::opt_enum")]
    pub manual_document: Option<DocumentStatus>,
    /// `additionalSteps`: the aggregate result of additional steps.
    #[serde(default, deserialize_with = "de::opt_enum")]
    pub additional_steps: Option<AdditionalStepsStatus>,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

impl VerificationStatus {
    /// Whether a person has reviewed the verification: a manual face or document result is
    /// present (the legacy way to tell the manual callback from the automatic one).
    pub fn is_manually_reviewed(&self) -> bool {
        self.manual_face.is_some() || self.manual_document.is_some()
    }

    /// The face result that counts: the manual one when present, else the automatic one.
    pub fn face(&self) -> Option<&FaceStatus> {
        self.manual_face.as_ref().or(self.auto_face.as_ref())
    }

    /// The document result that counts: the manual one when present, else the automatic one.
    pub fn document(&self) -> Option<&DocumentStatus> {
        self.manual_document
            .as_ref()
            .or(self.auto_document.as_ref())
    }
}

/// The `data` object: what was read from the document (reference §5.5). Also the body of
/// `/api/v2/data`. Any field may be `null`; personal data is redacted in `Debug` (R10). Date
/// fields stay strings, as documented payloads hold placeholders such as `YYYY-MM-DD`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct IdentificationData {
    /// `docFirstName`: First name on the document.
    #[serde(default, deserialize_with = "de::opt_personal")]
    pub doc_first_name: Option<Personal<String>>,
    /// `docLastName`: Last name on the document.
    #[serde(default, deserialize_with = "de::opt_personal")]
    pub doc_last_name: Option<Personal<String>>,
    /// `docNumber`: Document number.
    #[serde(default, deserialize_with = "de::opt_personal")]
    pub doc_number: Option<Personal<String>>,
    /// `docPersonalCode`: Personal code on the document.
    #[serde(default, deserialize_with = "de::opt_personal")]
    pub doc_personal_code: Option<Personal<String>>,
    /// `docExpiry`: Expiry date, `YYYY-MM-DD` (placeholders occur; see [`Date::parse`](crate::Date::parse)).
    #[serde(default, deserialize_with = "de::opt_personal")]
    pub doc_expiry: Option<Personal<String>>,
    /// `docDob`: Date of birth, `YYYY-MM-DD`.
    #[serde(default, deserialize_with = "de::opt_personal")]
    pub doc_dob: Option<Personal<String>>,
    /// `docDateOfIssue`: Date of issue, `YYYY-MM-DD`.
    #[serde(default, deserialize_with = "de::opt_personal")]
    pub doc_date_of_issue: Option<Personal<String>>,
    /// `docType`: Document type.
    #[serde(default, deserialize_with = "de::opt_enum")]
    pub doc_type: Option<DocumentType>,
    /// `docSex`: Sex on the document.
    #[serde(default, deserialize_with = "de::opt_enum")]
    pub doc_sex: Option<DocumentSex>,
    /// `docNationality`: Nationality, ISO 3166-1 alpha-2.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub doc_nationality: Option<String>,
    /// `docIssuingCountry`: Issuing country, ISO 3166-1 alpha-2.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub doc_issuing_country: Option<String>,
    /// `selectedCountry`: The country the person selected.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub selected_country: Option<String>,
    /// `birthPlace`: Place of birth.
    #[serde(default, deserialize_with = "de::opt_personal")]
    pub birth_place: Option<Personal<String>>,
    /// `authority`: Issuing authority.
    #[serde(default, deserialize_with = "de::opt_personal")]
    pub authority: Option<Personal<String>>,
    /// `address`: Address on the document.
    #[serde(default, deserialize_with = "de::opt_personal")]
    pub address: Option<Personal<String>>,
    /// `docTemporaryAddress`: Temporary address on the document.
    #[serde(default, deserialize_with = "de::opt_personal")]
    pub doc_temporary_address: Option<Personal<String>>,
    /// `mothersMaidenName`: Mother's maiden name.
    #[serde(default, deserialize_with = "de::opt_personal")]
    pub mothers_maiden_name: Option<Personal<String>>,
    /// `docBirthName`: Birth name.
    #[serde(default, deserialize_with = "de::opt_personal")]
    pub doc_birth_name: Option<Personal<String>>,
    /// `docPatronymic`: Patronymic.
    #[serde(default, deserialize_with = "de::opt_personal")]
    pub doc_patronymic: Option<Personal<String>>,
    /// `driverLicenseCategory`: Driver's-licence categories.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub driver_license_category: Option<String>,
    /// `manuallyDataChanged`: Whether a reviewer changed the data.
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub manually_data_changed: Option<bool>,
    /// `fullName`: Full name.
    #[serde(default, deserialize_with = "de::opt_personal")]
    pub full_name: Option<Personal<String>>,
    /// `orgFirstName`: First name in the original language.
    #[serde(default, deserialize_with = "de::opt_personal")]
    pub org_first_name: Option<Personal<String>>,
    /// `orgLastName`: Last name in the original language.
    #[serde(default, deserialize_with = "de::opt_personal")]
    pub org_last_name: Option<Personal<String>>,
    /// `orgNationality`: Nationality in the original language.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub org_nationality: Option<String>,
    /// `orgBirthPlace`: Place of birth in the original language.
    #[serde(default, deserialize_with = "de::opt_personal")]
    pub org_birth_place: Option<Personal<String>>,
    /// `orgAuthority`: Issuing authority in the original language.
    #[serde(default, deserialize_with = "de::opt_personal")]
    pub org_authority: Option<Personal<String>>,
    /// `orgAddress`: Address in the original language.
    #[serde(default, deserialize_with = "de::opt_personal")]
    pub org_address: Option<Personal<String>>,
    /// `orgTemporaryAddress`: Temporary address in the original language.
    #[serde(default, deserialize_with = "de::opt_personal")]
    pub org_temporary_address: Option<Personal<String>>,
    /// `orgMothersMaidenName`: Mother's maiden name in the original language.
    #[serde(default, deserialize_with = "de::opt_personal")]
    pub org_mothers_maiden_name: Option<Personal<String>>,
    /// `orgPatronymic`: Patronymic in the original language.
    #[serde(default, deserialize_with = "de::opt_personal")]
    pub org_patronymic: Option<Personal<String>>,
    /// `orgBirthName`: Birth name in the original language.
    #[serde(default, deserialize_with = "de::opt_personal")]
    pub org_birth_name: Option<Personal<String>>,
    /// `ageEstimate`: Estimated age group.
    #[serde(default, deserialize_with = "de::opt_enum")]
    pub age_estimate: Option<AgeGroup>,
    /// `clientIpProxyRiskLevel`: Risk that the person's IP address is a proxy.
    #[serde(default, deserialize_with = "de::opt_enum")]
    pub client_ip_proxy_risk_level: Option<RiskLevel>,
    /// `duplicateFaces`: `scanRef`s of other verifications with the same face.
    #[serde(default, deserialize_with = "de::opt_list")]
    pub duplicate_faces: Option<Vec<String>>,
    /// `duplicateDocFaces`: `scanRef`s of other verifications with the same document face.
    #[serde(default, deserialize_with = "de::opt_list")]
    pub duplicate_doc_faces: Option<Vec<String>>,
    /// `additionalData`: Data read in additional steps (e.g. a utility bill).
    #[serde(default, deserialize_with = "de::opt_personal_value")]
    pub additional_data: Option<Personal<Value>>,
    /// `manualAddress`: Address entered by a reviewer (seen inside `data`; also top level).
    #[serde(default, deserialize_with = "de::opt_personal")]
    pub manual_address: Option<Personal<String>>,
    /// `manualAddressMatch`: Whether the reviewer's address matched.
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub manual_address_match: Option<bool>,
    /// `registryCenterCheck`: Registry-centre check result (holds names and personal codes, so
    /// `Debug` redacts it).
    #[serde(default, deserialize_with = "de::opt_personal_value")]
    pub registry_center_check: Option<Personal<Value>>,
    /// `addressVerification`: Address verification result (holds the address, so `Debug`
    /// redacts it).
    #[serde(default, deserialize_with = "de::opt_personal_value")]
    pub address_verification: Option<Personal<Value>>,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: ExtraFields,
}
