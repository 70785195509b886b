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
                crate::de::required_string(deserializer).map(Self::from)
            }
        }
    };
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
