//! The verification result model shared by webhooks and the retrieval endpoints (reference
//! §5.4, §5.5): the `status` object and the `data` object.
//!
//! Both serialize with iDenfy's own field names, so a parsed value can be printed back as
//! normalized JSON (`clientId` a string, integers as integers, unknown enum values as their
//! original strings). Both are declared with the decoding engine's `model!` (see
//! `crate::decode`): read field by field, leniently (R7).

use serde_json::Value;

use crate::decode::{Hooks, model};
use crate::enums::{
    AdditionalStepsStatus, AgeGroup, DocumentSex, DocumentStatus, DocumentType, FaceStatus,
    FraudTag, MismatchTag, OverallStatus, RiskLevel, SuspicionReason,
};
use crate::secret::Personal;

model! {
    /// The `status` object of a verification result (reference §5.4).
    ///
    /// "Final identification status is in `overall`; final face and document status in
    /// `manualDocument`, `manualFace`." The manual fields stay empty until a person reviewed the
    /// verification.
    #[derive(Debug, Clone, Default, PartialEq)]
    #[non_exhaustive]
    pub struct VerificationStatus / VerificationStatusDraft (nulls = true) {
        /// `overall`: the overall status.
        opt overall: OverallStatus = "overall",
        /// `suspicionReasons`: legacy reasons (2019–2021 payloads).
        opt suspicion_reasons: Vec<SuspicionReason> = "suspicionReasons",
        /// `fraudTags`.
        opt fraud_tags: Vec<FraudTag> = "fraudTags",
        /// `mismatchTags`.
        opt mismatch_tags: Vec<MismatchTag> = "mismatchTags",
        /// `autoFace`: the automatic face result.
        opt auto_face: FaceStatus = "autoFace",
        /// `manualFace`: the reviewed face result.
        opt manual_face: FaceStatus = "manualFace",
        /// `autoDocument`: the automatic document result.
        opt auto_document: DocumentStatus = "autoDocument",
        /// `manualDocument`: the reviewed document result.
        opt manual_document: DocumentStatus = "manualDocument",
        /// `additionalSteps`: the aggregate result of additional steps.
        opt additional_steps: AdditionalStepsStatus = "additionalSteps",
    }
}

impl Hooks for VerificationStatusDraft {}

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

model! {
    /// The `data` object: what was read from the document (reference §5.5). Also the body of
    /// `/api/v2/data`. Any field may be `null`; personal data is redacted in `Debug` (R10). Date
    /// fields stay strings, as documented payloads hold placeholders such as `YYYY-MM-DD`.
    #[derive(Debug, Clone, Default, PartialEq)]
    #[non_exhaustive]
    pub struct IdentificationData / IdentificationDataDraft (nulls = true) {
        /// `docFirstName`: First name on the document.
        opt doc_first_name: Personal<String> = "docFirstName",
        /// `docLastName`: Last name on the document.
        opt doc_last_name: Personal<String> = "docLastName",
        /// `docNumber`: Document number.
        opt doc_number: Personal<String> = "docNumber",
        /// `docPersonalCode`: Personal code on the document.
        opt doc_personal_code: Personal<String> = "docPersonalCode",
        /// `docExpiry`: Expiry date, `YYYY-MM-DD` (placeholders occur; see [`Date::parse`](crate::Date::parse)).
        opt doc_expiry: Personal<String> = "docExpiry",
        /// `docDob`: Date of birth, `YYYY-MM-DD`.
        opt doc_dob: Personal<String> = "docDob",
        /// `docDateOfIssue`: Date of issue, `YYYY-MM-DD`.
        opt doc_date_of_issue: Personal<String> = "docDateOfIssue",
        /// `docType`: Document type.
        opt doc_type: DocumentType = "docType",
        /// `docSex`: Sex on the document.
        opt doc_sex: DocumentSex = "docSex",
        /// `docNationality`: Nationality, ISO 3166-1 alpha-2 (personal data, R10: redacted in
        /// `Debug`).
        opt doc_nationality: Personal<String> = "docNationality",
        /// `docIssuingCountry`: Issuing country, ISO 3166-1 alpha-2.
        opt doc_issuing_country: String = "docIssuingCountry",
        /// `selectedCountry`: The country the person selected.
        opt selected_country: String = "selectedCountry",
        /// `birthPlace`: Place of birth.
        opt birth_place: Personal<String> = "birthPlace",
        /// `authority`: Issuing authority.
        opt authority: Personal<String> = "authority",
        /// `address`: Address on the document.
        opt address: Personal<String> = "address",
        /// `docTemporaryAddress`: Temporary address on the document.
        opt doc_temporary_address: Personal<String> = "docTemporaryAddress",
        /// `mothersMaidenName`: Mother's maiden name.
        opt mothers_maiden_name: Personal<String> = "mothersMaidenName",
        /// `docBirthName`: Birth name.
        opt doc_birth_name: Personal<String> = "docBirthName",
        /// `docPatronymic`: Patronymic.
        opt doc_patronymic: Personal<String> = "docPatronymic",
        /// `driverLicenseCategory`: Driver's-licence categories.
        opt driver_license_category: String = "driverLicenseCategory",
        /// `manuallyDataChanged`: Whether a reviewer changed the data.
        opt manually_data_changed: bool = "manuallyDataChanged",
        /// `fullName`: Full name.
        opt full_name: Personal<String> = "fullName",
        /// `orgFirstName`: First name in the original language.
        opt org_first_name: Personal<String> = "orgFirstName",
        /// `orgLastName`: Last name in the original language.
        opt org_last_name: Personal<String> = "orgLastName",
        /// `orgNationality`: Nationality in the original language (personal data, R10).
        opt org_nationality: Personal<String> = "orgNationality",
        /// `orgBirthPlace`: Place of birth in the original language.
        opt org_birth_place: Personal<String> = "orgBirthPlace",
        /// `orgAuthority`: Issuing authority in the original language.
        opt org_authority: Personal<String> = "orgAuthority",
        /// `orgAddress`: Address in the original language.
        opt org_address: Personal<String> = "orgAddress",
        /// `orgTemporaryAddress`: Temporary address in the original language.
        opt org_temporary_address: Personal<String> = "orgTemporaryAddress",
        /// `orgMothersMaidenName`: Mother's maiden name in the original language.
        opt org_mothers_maiden_name: Personal<String> = "orgMothersMaidenName",
        /// `orgPatronymic`: Patronymic in the original language.
        opt org_patronymic: Personal<String> = "orgPatronymic",
        /// `orgBirthName`: Birth name in the original language.
        opt org_birth_name: Personal<String> = "orgBirthName",
        /// `ageEstimate`: Estimated age group.
        opt age_estimate: AgeGroup = "ageEstimate",
        /// `clientIpProxyRiskLevel`: Risk that the person's IP address is a proxy.
        opt client_ip_proxy_risk_level: RiskLevel = "clientIpProxyRiskLevel",
        /// `duplicateFaces`: `scanRef`s of other verifications with the same face.
        opt duplicate_faces: Vec<String> = "duplicateFaces",
        /// `duplicateDocFaces`: `scanRef`s of other verifications with the same document face.
        opt duplicate_doc_faces: Vec<String> = "duplicateDocFaces",
        /// `additionalData`: Data read in additional steps (e.g. a utility bill).
        opt additional_data: Personal<Value> = "additionalData",
        /// `manualAddress`: Address entered by a reviewer (seen inside `data`; also top level).
        opt manual_address: Personal<String> = "manualAddress",
        /// `manualAddressMatch`: Whether the reviewer's address matched.
        opt manual_address_match: bool = "manualAddressMatch",
        /// `registryCenterCheck`: Registry-centre check result (holds names and personal codes, so
        /// `Debug` redacts it).
        opt registry_center_check: Personal<Value> = "registryCenterCheck",
        /// `addressVerification`: Address verification result (holds the address, so `Debug`
        /// redacts it).
        opt address_verification: Personal<Value> = "addressVerification",
    }
}

impl Hooks for IdentificationDataDraft {}
