//! Enumerations of wire values. Every one keeps values it does not know (R7).

/// Declares a `#[non_exhaustive]` enum of string wire values with an `Unknown(String)` fallback,
/// its conversions, `Display`, and lenient serde.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, Hash, Debug)]
        #[non_exhaustive]
        $vis enum $name {
            $( $(#[$vmeta])* #[doc = concat!("`", $wire, "`")] $variant, )*
            /// A value this version of the crate does not know, kept verbatim.
            Unknown(String),
        }

        impl $name {
            /// Every value this version knows, in documentation order.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),*];

            /// The wire strings of [`Self::KNOWN`].
            pub const KNOWN_STRS: &'static [&'static str] = &[$($wire),*];

            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )*
                    $name::Unknown(value) => value,
                }
            }

            /// Whether this is one of the values this version knows.
            pub fn is_known(&self) -> bool {
                !matches!(self, $name::Unknown(_))
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $( $wire => $name::$variant, )*
                    other => $name::Unknown(other.to_owned()),
                }
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                match value.as_str() {
                    $( $wire => $name::$variant, )*
                    _ => $name::Unknown(value),
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::decode::required_string(deserializer).map(Self::from)
            }
        }

        impl crate::enums::KnownValues for $name {
            const KNOWN_STRS: &'static [&'static str] = $name::KNOWN_STRS;

            fn is_known(&self) -> bool {
                $name::is_known(self)
            }
        }

        /// A string is a value (`""` means none); a number or boolean is an unknown value in
        /// its JSON spelling; an array or object does not fit (R7).
        impl crate::decode::WireEnum for $name {}

        impl crate::decode::Lenient for $name {
            // Every scalar is a value, known or not (above).
            const MAY_REFUSE: bool = false;

            fn decode<'de, D: serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<crate::decode::Outcome<Self>, D::Error> {
                crate::decode::scalar_decode(deserializer)
            }

            fn from_any(any: crate::decode::Any<'_>) -> crate::decode::Outcome<Self> {
                crate::decode::scalar_from_any(any)
            }

            /// A code this version knows: an enum's value is no personal data.
            #[cfg(test)]
            fn sample(_samples: &mut crate::sentinels::Samples, _path: &str) -> serde_json::Value {
                serde_json::Value::from($name::KNOWN_STRS.first().copied().unwrap_or("CODE"))
            }
        }
    };
}

pub(crate) use string_enum;

/// What a request refuses of an enum: a value this version does not know (R3: only the listed
/// values of `tokenType`, `sex` and `dummyStatus` are sent).
pub(crate) trait KnownValues {
    /// The wire strings of the known values.
    const KNOWN_STRS: &'static [&'static str];

    /// Whether this is one of the known values.
    fn is_known(&self) -> bool;
}

string_enum! {
    /// The `identifier` of an API error (R6, reference §4.3).
    ///
    /// ```
    /// use idenfy_proto::ErrorIdentifier;
    /// assert_eq!(ErrorIdentifier::from("BAD_VALUE"), ErrorIdentifier::BadValue);
    /// let new = ErrorIdentifier::from("SOMETHING_NEW");
    /// assert_eq!(new.as_str(), "SOMETHING_NEW");
    /// assert!(!new.is_known());
    /// ```
    pub enum ErrorIdentifier {
        /// Unhandled error on iDenfy's side; worth retrying.
        InternalError = "INTERNAL_ERROR",
        /// A supplied value is invalid.
        BadValue = "BAD_VALUE",
        /// A required value is missing.
        MissingValue = "MISSING_VALUE",
        /// Missing or invalid API key or secret.
        Unauthorized = "UNAUTHORIZED",
        /// The body could not be decoded (not UTF-8).
        EncodingError = "ENCODING_ERROR",
        /// The body is not valid JSON.
        JsonError = "JSON_ERROR",
        /// The token is invalid, expired, already used or unknown.
        TokenNotValid = "TOKEN_NOT_VALID",
        /// The partner's contract does not allow the action.
        PartnerContractError = "PARTNER_CONTRACT_ERROR",
        /// Wrong HTTP method.
        MethodNotAllowed = "METHOD_NOT_ALLOWED",
        /// Insufficient permissions (e.g. `dummyStatus` outside the DEV environment).
        PermissionsError = "PERMISSIONS_ERROR",
        /// The hourly request limit was reached.
        TooManyRequests = "TOO_MANY_REQUESTS",
        /// The request is malformed or a field failed validation.
        ValidationError = "VALIDATION_ERROR",
        /// Undocumented in the identifier tables but real: `delete` answers it with
        /// "Token has not expired yet.".
        PartnerError = "PARTNER_ERROR",
    }
}

string_enum! {
    /// A document type (`documents` in the token request, `docType` in results; reference §7.9).
    pub enum DocumentType {
        /// Identity card.
        IdCard = "ID_CARD",
        /// Passport.
        Passport = "PASSPORT",
        /// Residence permit.
        ResidencePermit = "RESIDENCE_PERMIT",
        /// Driver's licence.
        DriverLicense = "DRIVER_LICENSE",
        /// Any other document.
        Other = "OTHER",
        /// Indian PAN card.
        PanCard = "PAN_CARD",
        /// Indian Aadhaar card.
        Aadhaar = "AADHAAR",
        /// Visa.
        Visa = "VISA",
        /// National passport.
        NationalPassport = "NATIONAL_PASSPORT",
        /// International passport (listed by go-idenfy).
        InternationalPassport = "INTERNATIONAL_PASSPORT",
        /// Provisional driver's licence.
        ProvisionalDriverLicense = "PROVISIONAL_DRIVER_LICENSE",
        /// Old identity card.
        OldIdCard = "OLD_ID_CARD",
        /// Military card.
        MilitaryCard = "MILITARY_CARD",
        /// Address card.
        AddressCard = "ADDRESS_CARD",
        /// Smart-ID.
        SmartId = "SMART_ID",
        /// CLEAR.
        Clear = "CLEAR",
        /// OneID.
        OneId = "ONE_ID",
        /// Swedish BankID.
        BankIdSe = "BANK_ID_SE",
        /// Norwegian BankID.
        BankIdNo = "BANK_ID_NO",
        /// Czech BankID.
        BankIdCz = "BANK_ID_CZ",
        /// Finnish Trust Network.
        Ftn = "FTN",
        /// Danish MitID.
        MitId = "MIT_ID",
        /// Verimi.
        Verimi = "VERIMI",
        /// Louisiana LA Wallet.
        LaWallet = "LA_WALLET",
        /// Samsung Wallet.
        SamsungWallet = "SAMSUNG_WALLET",
        /// Czech MojeID.
        MojeIdCz = "MOJE_ID_CZ",
        /// Yoti ID.
        YotiId = "YOTI_ID",
        /// Border-crossing card.
        BorderCrossing = "BORDER_CROSSING",
        /// Asylum document.
        Asylum = "ASYLUM",
        /// Photo card.
        PhotoCard = "PHOTO_CARD",
        /// Proof-of-age card.
        ProofOfAgeCard = "PROOF_OF_AGE_CARD",
        /// Travel card.
        TravelCard = "TRAVEL_CARD",
        /// Social-security card.
        SocialSecurityCard = "SOCIAL_SECURITY_CARD",
        /// Voter card.
        VoterCard = "VOTER_CARD",
        /// Diplomatic identity card.
        DiplomaticId = "DIPLOMATIC_ID",
        /// Work permit.
        WorkPermit = "WORK_PERMIT",
    }
}

string_enum! {
    /// The kind of verification session (`tokenType`, R3).
    pub enum TokenType {
        /// Document and selfie (the default).
        Identification = "IDENTIFICATION",
        /// Document only.
        Document = "DOCUMENT",
        /// Video call.
        VideoCall = "VIDEO_CALL",
        /// Video call with photos.
        VideoCallPhotos = "VIDEO_CALL_PHOTOS",
        /// Video call followed by identification.
        VideoCallIdentification = "VIDEO_CALL_IDENTIFICATION",
    }
}

string_enum! {
    /// The person's sex as given in a token request (`sex`, R3).
    pub enum Sex {
        /// Male.
        Male = "M",
        /// Female.
        Female = "F",
    }
}

string_enum! {
    /// The result of a dummy verification (`dummyStatus`, DEV environment only; R3).
    pub enum DummyStatus {
        /// Approved.
        Approved = "APPROVED",
        /// Denied.
        Denied = "DENIED",
        /// Suspected.
        Suspected = "SUSPECTED",
        /// Expired.
        Expired = "EXPIRED",
        /// Still active.
        Active = "ACTIVE",
    }
}

string_enum! {
    /// The overall status of a verification (`status.overall` in webhooks, `status` in
    /// `/api/v2/status`; reference §7.1).
    pub enum OverallStatus {
        /// The verification passed.
        Approved = "APPROVED",
        /// The verification failed.
        Denied = "DENIED",
        /// The checks passed, but fraud or mismatch tags put the result in question.
        Suspected = "SUSPECTED",
        /// A person is reviewing the verification.
        Reviewing = "REVIEWING",
        /// The token was not used yet and is still valid.
        Active = "ACTIVE",
        /// The token expired unused.
        Expired = "EXPIRED",
        /// The token expired and its data was deleted.
        ExpiredDeleted = "EXPIRED-DELETED",
        /// The data was deleted.
        Deleted = "DELETED",
        /// The verification was archived.
        Archived = "ARCHIVED",
        /// The 2018 name of a status before review.
        NotReviewed = "NOT_REVIEWED",
    }
}

impl OverallStatus {
    /// Whether the status can no longer change by itself: everything but `ACTIVE`,
    /// `REVIEWING` and the historic `NOT_REVIEWED`. Unknown statuses are not final.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            OverallStatus::Approved
                | OverallStatus::Denied
                | OverallStatus::Suspected
                | OverallStatus::Expired
                | OverallStatus::ExpiredDeleted
                | OverallStatus::Deleted
                | OverallStatus::Archived
        )
    }

    /// Whether the status is terminal with no later result to come (R8): `EXPIRED`,
    /// `EXPIRED-DELETED` and `DELETED`. A webhook carrying one is final whatever its `final`
    /// flag says.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            OverallStatus::Expired | OverallStatus::ExpiredDeleted | OverallStatus::Deleted
        )
    }

    /// Whether the person passed: only `APPROVED`. (`SUSPECTED` needs the partner's own
    /// decision; see the tags.)
    pub fn is_approved(&self) -> bool {
        matches!(self, OverallStatus::Approved)
    }
}

string_enum! {
    /// The result of the face check (`autoFace`, `manualFace`; reference §7.2).
    pub enum FaceStatus {
        /// The face matches the document.
        FaceMatch = "FACE_MATCH",
        /// The face does not match the document.
        FaceMismatch = "FACE_MISMATCH",
        /// No face was found.
        NoFaceFound = "NO_FACE_FOUND",
        /// More than one face was found.
        TooManyFaces = "TOO_MANY_FACES",
        /// The face is too blurry.
        FaceTooBlurry = "FACE_TOO_BLURRY",
        /// The face photo has glare.
        FaceGlared = "FACE_GLARED",
        /// The result is uncertain.
        FaceUncertain = "FACE_UNCERTAIN",
        /// The face was not analysed.
        FaceNotAnalysed = "FACE_NOT_ANALYSED",
        /// The face was not checked.
        FaceNotChecked = "FACE_NOT_CHECKED",
        /// The check failed.
        FaceError = "FACE_ERROR",
        /// The automatic check could not decide.
        AutoUnverifiable = "AUTO_UNVERIFIABLE",
        /// The face is fake.
        FakeFace = "FAKE_FACE",
        /// The face is suspected.
        FaceSuspected = "FACE_SUSPECTED",
        /// The face is on a blocklist.
        FaceBlacklisted = "FACE_BLACKLISTED",
    }
}

impl FaceStatus {
    /// Whether the face check passed (`FACE_MATCH`).
    pub fn is_match(&self) -> bool {
        matches!(self, FaceStatus::FaceMatch)
    }
}

string_enum! {
    /// The result of the document check (`autoDocument`, `manualDocument`; reference §7.3).
    pub enum DocumentStatus {
        /// The document is valid.
        DocValidated = "DOC_VALIDATED",
        /// The document data does not match the request.
        DocInfoMismatch = "DOC_INFO_MISMATCH",
        /// No document was found.
        DocNotFound = "DOC_NOT_FOUND",
        /// The document is not fully visible.
        DocNotFullyVisible = "DOC_NOT_FULLY_VISIBLE",
        /// The document is not supported.
        DocNotSupported = "DOC_NOT_SUPPORTED",
        /// No face was found on the document.
        DocFaceNotFound = "DOC_FACE_NOT_FOUND",
        /// The document is too blurry.
        DocTooBlurry = "DOC_TOO_BLURRY",
        /// The document has glare.
        DocGlared = "DOC_GLARED",
        /// The face on the document has glare.
        DocFaceGlared = "DOC_FACE_GLARED",
        /// The MRZ was not found.
        MrzNotFound = "MRZ_NOT_FOUND",
        /// The MRZ could not be read.
        MrzOcrReadingError = "MRZ_OCR_READING_ERROR",
        /// The MRZ is invalid.
        MrzInvalid = "MRZ_INVALID",
        /// The barcode was not found.
        BarcodeNotFound = "BARCODE_NOT_FOUND",
        /// The document has expired.
        DocExpired = "DOC_EXPIRED",
        /// The country is not supported.
        CountryNotSupported = "COUNTRY_NOT_SUPPORTED",
        /// The country does not match the selected one.
        CountryMismatch = "COUNTRY_MISMATCH",
        /// The document type does not match the selected one.
        DocTypeMismatch = "DOC_TYPE_MISMATCH",
        /// The document subtype does not match.
        DocSubtypeMismatch = "DOC_SUBTYPE_MISMATCH",
        /// The wrong side of the document was shown.
        DocSideMismatch = "DOC_SIDE_MISMATCH",
        /// The document is damaged.
        DocDamaged = "DOC_DAMAGED",
        /// The document is fake.
        DocFake = "DOC_FAKE",
        /// The personal code is invalid.
        DocPersonalCodeInvalid = "DOC_PERSONAL_CODE_INVALID",
        /// The document is not allowed.
        DocNotAllowed = "DOC_NOT_ALLOWED",
        /// The first name could not be read.
        DocNameError = "DOC_NAME_ERROR",
        /// The last name could not be read.
        DocSurnameError = "DOC_SURNAME_ERROR",
        /// The expiry date could not be read.
        DocExpiryError = "DOC_EXPIRY_ERROR",
        /// The date of birth could not be read.
        DocDobError = "DOC_DOB_ERROR",
        /// The personal number could not be read.
        DocPersonalNumberError = "DOC_PERSONAL_NUMBER_ERROR",
        /// The document number could not be read.
        DocNumberError = "DOC_NUMBER_ERROR",
        /// The date of issue could not be read.
        DocDateOfIssueError = "DOC_DATE_OF_ISSUE_ERROR",
        /// The sex could not be read.
        DocSexError = "DOC_SEX_ERROR",
        /// The nationality could not be read.
        DocNationalityError = "DOC_NATIONALITY_ERROR",
        /// The document was not analysed.
        DocNotAnalysed = "DOC_NOT_ANALYSED",
        /// The check failed.
        DocError = "DOC_ERROR",
        /// The automatic check could not decide.
        AutoUnverifiable = "AUTO_UNVERIFIABLE",
        /// A spoofed document was detected.
        DocSpoofDetected = "DOC_SPOOF_DETECTED",
        /// The eID check failed.
        EidFailed = "EID_FAILED",
        /// NFC could not start.
        NfcInitFailed = "NFC_INIT_FAILED",
        /// The NFC check failed.
        NfcFailed = "NFC_FAILED",
        /// The NFC check timed out.
        NfcTimeout = "NFC_TIMEOUT",
    }
}

impl DocumentStatus {
    /// Whether the document check passed (`DOC_VALIDATED`).
    pub fn is_valid(&self) -> bool {
        matches!(self, DocumentStatus::DocValidated)
    }
}

string_enum! {
    /// A legacy suspicion reason (`status.suspicionReasons`, 2019–2021; reference §7.4).
    pub enum SuspicionReason {
        /// The face is suspected.
        FaceSuspected = "FACE_SUSPECTED",
        /// The document was photographed from a screen.
        DocMobilePhoto = "DOC_MOBILE_PHOTO",
        /// Browser developer tools were opened.
        DevToolsOpened = "DEV_TOOLS_OPENED",
        /// The document is a printed copy.
        DocPrintSpoofed = "DOC_PRINT_SPOOFED",
        /// The photo is fake.
        FakePhoto = "FAKE_PHOTO",
        /// The AML check raised a suspicion.
        AmlSuspection = "AML_SUSPECTION",
        /// The AML check failed.
        AmlFailed = "AML_FAILED",
        /// The LID check raised a suspicion.
        LidSuspection = "LID_SUSPECTION",
        /// The LID check failed.
        LidFailed = "LID_FAILED",
        /// The automatic check could not decide.
        AutoUnverifiable = "AUTO_UNVERIFIABLE",
    }
}

string_enum! {
    /// A fraud tag (`status.fraudTags`; reference §7.5).
    pub enum FraudTag {
        /// The face is on a blocklist.
        FaceInBlacklist = "FACE_IN_BLACKLIST",
        /// The document's face is on a blocklist.
        DocFaceInBlacklist = "DOC_FACE_IN_BLACKLIST",
        /// The data is blocklisted.
        DataBlacklisted = "DATA_BLACKLISTED",
        /// The data is on a blocklist.
        DataInBlacklist = "DATA_IN_BLACKLIST",
        /// The face was seen in another verification.
        DuplicateFace = "DUPLICATE_FACE",
        /// The document's face was seen in another verification.
        DuplicateDocFace = "DUPLICATE_DOC_FACE",
        /// The personal data was seen in another verification.
        DuplicatePersonalData = "DUPLICATE_PERSONAL_DATA",
        /// A virtual camera was used.
        VirtualCamera = "VIRTUAL_CAMERA",
        /// The address could not be verified.
        AddressUnverified = "ADDRESS_UNVERIFIED",
        /// The portrait was substituted.
        PortraitSubstitution = "PORTRAIT_SUBSTITUTION",
        /// The face is suspected.
        FaceSuspected = "FACE_SUSPECTED",
        /// The face is blocklisted.
        FaceBlacklisted = "FACE_BLACKLISTED",
        /// The document's face is blocklisted.
        DocFaceBlacklisted = "DOC_FACE_BLACKLISTED",
        /// The document was photographed from a screen.
        DocMobilePhoto = "DOC_MOBILE_PHOTO",
        /// Browser developer tools were opened.
        DevToolsOpened = "DEV_TOOLS_OPENED",
        /// The document is a printed copy.
        DocPrintSpoofed = "DOC_PRINT_SPOOFED",
        /// The photo is fake.
        FakePhoto = "FAKE_PHOTO",
        /// The AML check raised a suspicion.
        AmlSuspection = "AML_SUSPECTION",
        /// The AML check failed.
        AmlFailed = "AML_FAILED",
        /// The LID check raised a suspicion.
        LidSuspection = "LID_SUSPECTION",
        /// The LID check failed.
        LidFailed = "LID_FAILED",
        /// The sanctions check raised a suspicion.
        SanctionsSuspection = "SANCTIONS_SUSPECTION",
        /// The sanctions check failed.
        SanctionsFailed = "SANCTIONS_FAILED",
        /// The criminal check raised a suspicion.
        CriminalSuspected = "CRIMINAL_SUSPECTED",
        /// The criminal check failed.
        CriminalCheckFailed = "CRIMINAL_CHECK_FAILED",
        /// The registry-centre check failed.
        RcFailed = "RC_FAILED",
        /// The driver's-licence check failed.
        DlFailed = "DL_FAILED",
        /// The automatic check could not decide.
        AutoUnverifiable = "AUTO_UNVERIFIABLE",
    }
}

string_enum! {
    /// A mismatch between the request and the document (`status.mismatchTags`; reference §7.6).
    pub enum MismatchTag {
        /// The person is under the age limit.
        UnderAge = "UNDER_AGE",
        /// The age could not be determined.
        UnknownAge = "UNKNOWN_AGE",
        /// The first name differs.
        Name = "NAME",
        /// The last name differs.
        Surname = "SURNAME",
        /// The document number differs.
        DocumentNumber = "DOCUMENT_NUMBER",
        /// The personal code differs.
        PersonalCode = "PERSONAL_CODE",
        /// The expiry date differs.
        ExpiryDate = "EXPIRY_DATE",
        /// The date of birth differs.
        DateOfBirth = "DATE_OF_BIRTH",
        /// The date of issue differs.
        DateOfIssue = "DATE_OF_ISSUE",
        /// The full name differs.
        FullName = "FULL_NAME",
        /// The nationality differs.
        Nationality = "NATIONALITY",
        /// The sex differs.
        Sex = "SEX",
        /// The document information differs.
        DocInfoMismatch = "DOC_INFO_MISMATCH",
        /// The person is over the age limit.
        OverAge = "OVER_AGE",
        /// The utility-bill address differs.
        UtilityAddress = "UTILITY_ADDRESS",
        /// The utility-bill name differs.
        UtilityName = "UTILITY_NAME",
        /// The utility bill has expired.
        ExpiredUtilityBill = "EXPIRED_UTILITY_BILL",
        /// An additional step is invalid.
        InvalidAdditionalStep = "INVALID_ADDITIONAL_STEP",
        /// An additional step was not found.
        AdditionalStepNotFound = "ADDITIONAL_STEP_NOT_FOUND",
        /// An additional step's information differs.
        AdditionalStepInformationMismatch = "ADDITIONAL_STEP_INFORMATION_MISMATCH",
        /// An additional step's information has expired.
        ExpiredAdditionalStepInformation = "EXPIRED_ADDITIONAL_STEP_INFORMATION",
        /// The registry centre's information differs.
        RegistryCenterInfoMismatch = "REGISTRY_CENTER_INFO_MISMATCH",
        /// The driver's-licence information differs.
        DriverLicenseInfoMismatch = "DRIVER_LICENSE_INFO_MISMATCH",
        /// The proof-of-address document type is not supported.
        NotSupportedPoaDocumentType = "NOT_SUPPORTED_POA_DOCUMENT_TYPE",
        /// The proof-of-address document country is not supported.
        NotSupportedPoaDocumentCountry = "NOT_SUPPORTED_POA_DOCUMENT_COUNTRY",
        /// The proof-of-address countries differ.
        PoaCountriesMismatch = "POA_COUNTRIES_MISMATCH",
        /// The proof of address is a screenshot.
        PoaScreenshotDetected = "POA_SCREENSHOT_DETECTED",
    }
}

string_enum! {
    /// The device the person used (`platform`; reference §7.8).
    pub enum Platform {
        /// A computer.
        Pc = "PC",
        /// A mobile browser.
        Mobile = "MOBILE",
        /// A tablet.
        Tablet = "TABLET",
        /// iDenfy's mobile app.
        MobileApp = "MOBILE_APP",
        /// iDenfy's mobile SDK.
        MobileSdk = "MOBILE_SDK",
        /// Anything else.
        Other = "OTHER",
    }
}

string_enum! {
    /// The estimated age group (`ageEstimate`; reference §7.10).
    pub enum AgeGroup {
        /// Under 8.
        Under8 = "UNDER_8",
        /// Under 13.
        Under13 = "UNDER_13",
        /// Over 8.
        Over8 = "OVER_8",
        /// Over 13.
        Over13 = "OVER_13",
        /// Over 16.
        Over16 = "OVER_16",
        /// Over 18.
        Over18 = "OVER_18",
        /// Over 21.
        Over21 = "OVER_21",
        /// Over 22.
        Over22 = "OVER_22",
        /// Over 25.
        Over25 = "OVER_25",
        /// Over 30.
        Over30 = "OVER_30",
    }
}

string_enum! {
    /// A risk level (`clientIpProxyRiskLevel`, `riskAssessment.riskLevel`; reference §7.11).
    pub enum RiskLevel {
        /// Very low.
        VeryLow = "VERY_LOW",
        /// Low.
        Low = "LOW",
        /// Medium.
        Medium = "MEDIUM",
        /// High.
        High = "HIGH",
        /// Very high.
        VeryHigh = "VERY_HIGH",
        /// Not checked.
        NotChecked = "NOT_CHECKED",
    }
}

string_enum! {
    /// The sex read from the document (`docSex`; reference §7.12).
    pub enum DocumentSex {
        /// Male.
        Male = "MALE",
        /// Female.
        Female = "FEMALE",
        /// Not stated on the document.
        Undefined = "UNDEFINED",
    }
}

string_enum! {
    /// The overall status of a fraud or AML service (`status.overallStatus` of AML, LID and
    /// criminal-check results; reference §7.13).
    pub enum ServiceStatus {
        /// The service raised a suspicion.
        Suspected = "SUSPECTED",
        /// The service raised no suspicion.
        NotSuspected = "NOT_SUSPECTED",
    }
}

string_enum! {
    /// The reason of an AML hit (`suspicion`; reference §7.13).
    pub enum AmlSuspicion {
        /// On a sanctions list.
        Sanction = "SANCTION",
        /// On an Interpol list.
        Interpol = "INTERPOL",
        /// A politically exposed person.
        Peps = "PEPS",
        /// Adverse media.
        AdverseMedia = "ADVERSE_MEDIA",
        /// Another reason.
        Other = "OTHER",
    }
}

string_enum! {
    /// The aggregate result of additional steps (`status.additionalSteps`; reference §7.7).
    pub enum AdditionalStepsStatus {
        /// All steps are valid.
        Valid = "VALID",
        /// A step is invalid.
        Invalid = "INVALID",
        /// A step was not found.
        NotFound = "NOT_FOUND",
    }
}

string_enum! {
    /// The value of the `Idenfy-Event-Type` webhook header (reference §5.2).
    pub enum EventType {
        /// Legacy event sent for every outcome.
        Identification = "IDENTIFICATION",
        /// The automatic checks finished.
        IdentificationAutoFinished = "IDENTIFICATION_AUTO_FINISHED",
        /// The manual review finished.
        IdentificationManualFinished = "IDENTIFICATION_MANUAL_FINISHED",
        /// The person supplied requested information again.
        IdentificationResubmitted = "IDENTIFICATION_RESUBMITTED",
        /// The verification was cancelled.
        IdentificationCancelled = "IDENTIFICATION_CANCELLED",
        /// The token or session expired before completion.
        IdentificationExpired = "IDENTIFICATION_EXPIRED",
        /// A verified document is about to expire or has expired.
        DocumentExpiration = "DOCUMENT_EXPIRATION",
        /// A video call finished.
        VideoCallFinished = "VIDEO_CALL_FINISHED",
    }
}

impl EventType {
    /// Whether the event carries an identification result (`IDENTIFICATION*`): its body is an
    /// [`IdentificationResult`](crate::webhook::IdentificationResult).
    ///
    /// ```
    /// use idenfy_proto::EventType;
    /// let names: Vec<&str> = EventType::KNOWN
    ///     .iter()
    ///     .filter(|event| event.is_identification())
    ///     .map(EventType::as_str)
    ///     .collect();
    /// assert_eq!(names.len(), 6);
    /// assert!(!EventType::DocumentExpiration.is_identification());
    /// ```
    pub fn is_identification(&self) -> bool {
        matches!(
            self,
            EventType::Identification
                | EventType::IdentificationAutoFinished
                | EventType::IdentificationManualFinished
                | EventType::IdentificationResubmitted
                | EventType::IdentificationCancelled
                | EventType::IdentificationExpired
        )
    }
}

string_enum! {
    /// How close a verified document is to its expiry (`expirationThreshold`; reference §5.8).
    pub enum ExpirationThreshold {
        /// Expires within 30 days.
        Within30Days = "DOCUMENT_EXPIRES_WITHIN_30_DAYS",
        /// Expires within 7 days.
        Within7Days = "DOCUMENT_EXPIRES_WITHIN_7_DAYS",
        /// Expires within a day.
        Within1Day = "DOCUMENT_EXPIRES_WITHIN_1_DAY",
        /// Has expired.
        Expired = "DOCUMENT_EXPIRED",
    }
}

string_enum! {
    /// The group of a fraud or AML service result (`serviceGroupType`; reference §5.7).
    pub enum ServiceGroupType {
        /// Anti-money-laundering.
        Aml = "AML",
        /// Lost and invalid documents.
        Lid = "LID",
        /// Company check.
        Company = "COMPANY",
        /// Criminal-record check.
        CriminalCheck = "CRIMINAL_CHECK",
    }
}
