#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Every string enum of `idenfy-proto` (R7): known values round-trip through serde and through
//! their string conversions, the documented values of the reference (§4.3, §5.2, §5.7, §5.8, §7)
//! are all known, and any other string is kept verbatim as `Unknown` and written back unchanged.

use std::collections::HashSet;
use std::str::FromStr;

use idenfy_proto::{DocumentStatus, FaceStatus, OverallStatus};
use proptest::prelude::*;
use serde_json::{Value, json};

/// Strings that are not known values: anything at all, and strings shaped like wire values.
fn candidate_strings() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), "[A-Z][A-Z0-9_-]{0,40}", "[a-z_]{1,12}"]
}

macro_rules! enum_suite {
    ($($module:ident: $ty:ident = [$($documented:literal),* $(,)?];)*) => {$(
        mod $module {
            use super::*;
            use idenfy_proto::$ty;

            /// The values the reference documents, transcribed from it.
            const DOCUMENTED: &[&str] = &[$($documented),*];

            #[test]
            fn r7_known_values_round_trip() {
                assert!(!$ty::KNOWN.is_empty());
                for (value, wire) in $ty::KNOWN.iter().zip($ty::KNOWN_STRS) {
                    assert!(value.is_known(), "{wire}");
                    assert_eq!(value.as_str(), *wire);
                    assert_eq!(value.to_string(), *wire);
                    // serde: serialize to the wire string, deserialize back to the same value.
                    let serialized = serde_json::to_value(value).unwrap();
                    assert_eq!(serialized, Value::String((*wire).to_owned()));
                    assert_eq!(serde_json::from_value::<$ty>(serialized).unwrap(), *value);
                    let text = serde_json::to_string(value).unwrap();
                    assert_eq!(text, format!("\"{wire}\""));
                    assert_eq!(serde_json::from_str::<$ty>(&text).unwrap(), *value);
                    // Strings.
                    assert_eq!($ty::from(*wire), *value);
                    assert_eq!($ty::from((*wire).to_owned()), *value);
                    assert_eq!($ty::from_str(wire).unwrap(), *value);
                    assert_eq!(wire.parse::<$ty>().unwrap(), *value);
                }
            }

            #[test]
            fn r7_known_strs_match_known_without_duplicates() {
                assert_eq!($ty::KNOWN.len(), $ty::KNOWN_STRS.len());
                let unique: HashSet<&str> = $ty::KNOWN_STRS.iter().copied().collect();
                assert_eq!(unique.len(), $ty::KNOWN_STRS.len(), "{:?}", $ty::KNOWN_STRS);
                let strs: Vec<&str> = $ty::KNOWN.iter().map($ty::as_str).collect();
                assert_eq!(strs, $ty::KNOWN_STRS);
                for wire in $ty::KNOWN_STRS {
                    assert!(!wire.is_empty());
                    assert_eq!(wire.trim(), *wire);
                }
            }

            #[test]
            fn r7_every_documented_value_is_known() {
                let unique: HashSet<&str> = DOCUMENTED.iter().copied().collect();
                assert_eq!(unique.len(), DOCUMENTED.len(), "duplicate in the transcription");
                for wire in DOCUMENTED {
                    assert!(
                        $ty::KNOWN_STRS.contains(wire),
                        "{wire} is documented but not a known {}",
                        stringify!($ty)
                    );
                    assert!($ty::from(*wire).is_known());
                }
            }

            #[test]
            fn r7_near_misses_are_unknown_and_kept() {
                for wire in $ty::KNOWN_STRS {
                    let lower = wire.to_lowercase();
                    let mut misses = vec![format!(" {wire}"), format!("{wire} "), format!("{wire}_")];
                    if lower != *wire {
                        misses.push(lower);
                    }
                    for miss in misses {
                        let value = $ty::from(miss.as_str());
                        assert_eq!(value, $ty::Unknown(miss.clone()));
                        assert_eq!(value.as_str(), miss);
                    }
                }
            }

            #[test]
            fn r7_non_string_json() {
                // Numbers and booleans are read as their spelling; null and structures are errors.
                assert_eq!(
                    serde_json::from_value::<$ty>(json!(7)).unwrap(),
                    $ty::Unknown("7".to_owned())
                );
                assert_eq!(
                    serde_json::from_value::<$ty>(json!(true)).unwrap(),
                    $ty::Unknown("true".to_owned())
                );
                for bad in [json!(null), json!([]), json!({})] {
                    assert!(serde_json::from_value::<$ty>(bad).is_err());
                }
            }

            proptest! {
                #[test]
                fn r7_any_other_string_is_unknown_and_written_back_verbatim(
                    text in candidate_strings()
                ) {
                    prop_assume!(!$ty::KNOWN_STRS.contains(&text.as_str()));
                    let value = $ty::from(text.as_str());
                    prop_assert_eq!(&value, &$ty::Unknown(text.clone()));
                    prop_assert!(!value.is_known());
                    prop_assert_eq!(value.as_str(), text.as_str());
                    prop_assert_eq!(value.to_string(), text.clone());
                    prop_assert_eq!(&$ty::from(text.clone()), &value);
                    let serialized = serde_json::to_value(&value).unwrap();
                    prop_assert_eq!(&serialized, &Value::String(text.clone()));
                    prop_assert_eq!(serde_json::from_value::<$ty>(serialized).unwrap(), value);
                }
            }
        }
    )*};
}

enum_suite! {
    // §4.3, plus PARTNER_ERROR (undocumented in the tables, returned by delete).
    error_identifier: ErrorIdentifier = [
        "INTERNAL_ERROR", "BAD_VALUE", "MISSING_VALUE", "UNAUTHORIZED", "ENCODING_ERROR",
        "JSON_ERROR", "TOKEN_NOT_VALID", "PARTNER_CONTRACT_ERROR", "METHOD_NOT_ALLOWED",
        "PERMISSIONS_ERROR", "TOO_MANY_REQUESTS", "VALIDATION_ERROR", "PARTNER_ERROR",
    ];
    // §7.9, with go-idenfy's INTERNATIONAL_PASSPORT.
    document_type: DocumentType = [
        "ID_CARD", "PASSPORT", "RESIDENCE_PERMIT", "DRIVER_LICENSE", "OTHER", "PAN_CARD",
        "AADHAAR", "VISA", "NATIONAL_PASSPORT", "PROVISIONAL_DRIVER_LICENSE", "OLD_ID_CARD",
        "MILITARY_CARD", "ADDRESS_CARD", "SMART_ID", "CLEAR", "ONE_ID", "BANK_ID_SE",
        "BANK_ID_NO", "BANK_ID_CZ", "FTN", "MIT_ID", "VERIMI", "LA_WALLET", "SAMSUNG_WALLET",
        "MOJE_ID_CZ", "YOTI_ID", "BORDER_CROSSING", "ASYLUM", "PHOTO_CARD", "PROOF_OF_AGE_CARD",
        "TRAVEL_CARD", "SOCIAL_SECURITY_CARD", "VOTER_CARD", "DIPLOMATIC_ID", "WORK_PERMIT",
        "INTERNATIONAL_PASSPORT",
    ];
    // R3, §7.14.
    token_type: TokenType = [
        "IDENTIFICATION", "DOCUMENT", "VIDEO_CALL", "VIDEO_CALL_PHOTOS",
        "VIDEO_CALL_IDENTIFICATION",
    ];
    // §7.12, request side.
    sex: Sex = ["M", "F"];
    // R3, §7.1 (dummy results).
    dummy_status: DummyStatus = ["APPROVED", "DENIED", "SUSPECTED", "EXPIRED", "ACTIVE"];
    // §7.1, with the historic NOT_REVIEWED.
    overall_status: OverallStatus = [
        "APPROVED", "DENIED", "SUSPECTED", "REVIEWING", "ACTIVE", "EXPIRED", "EXPIRED-DELETED",
        "DELETED", "ARCHIVED", "NOT_REVIEWED",
    ];
    // §7.2.
    face_status: FaceStatus = [
        "FACE_MATCH", "FACE_MISMATCH", "NO_FACE_FOUND", "TOO_MANY_FACES", "FACE_TOO_BLURRY",
        "FACE_GLARED", "FACE_UNCERTAIN", "FACE_NOT_ANALYSED", "FACE_NOT_CHECKED", "FACE_ERROR",
        "AUTO_UNVERIFIABLE", "FAKE_FACE", "FACE_SUSPECTED", "FACE_BLACKLISTED",
    ];
    // §7.3.
    document_status: DocumentStatus = [
        "DOC_VALIDATED", "DOC_INFO_MISMATCH", "DOC_NOT_FOUND", "DOC_NOT_FULLY_VISIBLE",
        "DOC_NOT_SUPPORTED", "DOC_FACE_NOT_FOUND", "DOC_TOO_BLURRY", "DOC_GLARED",
        "DOC_FACE_GLARED", "MRZ_NOT_FOUND", "MRZ_OCR_READING_ERROR", "MRZ_INVALID",
        "BARCODE_NOT_FOUND", "DOC_EXPIRED", "COUNTRY_NOT_SUPPORTED", "COUNTRY_MISMATCH",
        "DOC_TYPE_MISMATCH", "DOC_SUBTYPE_MISMATCH", "DOC_SIDE_MISMATCH", "DOC_DAMAGED",
        "DOC_FAKE", "DOC_PERSONAL_CODE_INVALID", "DOC_NOT_ALLOWED", "DOC_NAME_ERROR",
        "DOC_SURNAME_ERROR", "DOC_EXPIRY_ERROR", "DOC_DOB_ERROR", "DOC_PERSONAL_NUMBER_ERROR",
        "DOC_NUMBER_ERROR", "DOC_DATE_OF_ISSUE_ERROR", "DOC_SEX_ERROR", "DOC_NATIONALITY_ERROR",
        "DOC_NOT_ANALYSED", "DOC_ERROR", "AUTO_UNVERIFIABLE", "DOC_SPOOF_DETECTED", "EID_FAILED",
        "NFC_INIT_FAILED", "NFC_FAILED", "NFC_TIMEOUT",
    ];
    // §7.4.
    suspicion_reason: SuspicionReason = [
        "FACE_SUSPECTED", "DOC_MOBILE_PHOTO", "DEV_TOOLS_OPENED", "DOC_PRINT_SPOOFED",
        "FAKE_PHOTO", "AML_SUSPECTION", "AML_FAILED", "LID_SUSPECTION", "LID_FAILED",
        "AUTO_UNVERIFIABLE",
    ];
    // §7.5.
    fraud_tag: FraudTag = [
        "FACE_IN_BLACKLIST", "DOC_FACE_IN_BLACKLIST", "DATA_BLACKLISTED", "DATA_IN_BLACKLIST",
        "DUPLICATE_FACE", "DUPLICATE_DOC_FACE", "DUPLICATE_PERSONAL_DATA", "VIRTUAL_CAMERA",
        "ADDRESS_UNVERIFIED", "PORTRAIT_SUBSTITUTION", "FACE_SUSPECTED", "FACE_BLACKLISTED",
        "DOC_FACE_BLACKLISTED", "DOC_MOBILE_PHOTO", "DEV_TOOLS_OPENED", "DOC_PRINT_SPOOFED",
        "FAKE_PHOTO", "AML_SUSPECTION", "AML_FAILED", "LID_SUSPECTION", "LID_FAILED",
        "SANCTIONS_SUSPECTION", "SANCTIONS_FAILED", "CRIMINAL_SUSPECTED", "CRIMINAL_CHECK_FAILED",
        "RC_FAILED", "DL_FAILED", "AUTO_UNVERIFIABLE",
    ];
    // §7.6.
    mismatch_tag: MismatchTag = [
        "UNDER_AGE", "UNKNOWN_AGE", "NAME", "SURNAME", "DOCUMENT_NUMBER", "PERSONAL_CODE",
        "EXPIRY_DATE", "DATE_OF_BIRTH", "DATE_OF_ISSUE", "FULL_NAME", "NATIONALITY", "SEX",
        "DOC_INFO_MISMATCH", "OVER_AGE", "UTILITY_ADDRESS", "UTILITY_NAME", "EXPIRED_UTILITY_BILL",
        "INVALID_ADDITIONAL_STEP", "ADDITIONAL_STEP_NOT_FOUND",
        "ADDITIONAL_STEP_INFORMATION_MISMATCH", "EXPIRED_ADDITIONAL_STEP_INFORMATION",
        "REGISTRY_CENTER_INFO_MISMATCH", "DRIVER_LICENSE_INFO_MISMATCH",
        "NOT_SUPPORTED_POA_DOCUMENT_TYPE", "NOT_SUPPORTED_POA_DOCUMENT_COUNTRY",
        "POA_COUNTRIES_MISMATCH", "POA_SCREENSHOT_DETECTED",
    ];
    // §7.8.
    platform: Platform = ["PC", "MOBILE", "TABLET", "MOBILE_APP", "MOBILE_SDK", "OTHER"];
    // §7.10.
    age_group: AgeGroup = [
        "UNDER_13", "UNDER_8", "OVER_8", "OVER_13", "OVER_16", "OVER_18", "OVER_21", "OVER_22",
        "OVER_25", "OVER_30",
    ];
    // §7.11.
    risk_level: RiskLevel = ["VERY_LOW", "LOW", "MEDIUM", "HIGH", "VERY_HIGH", "NOT_CHECKED"];
    // §7.12, result side.
    document_sex: DocumentSex = ["MALE", "FEMALE", "UNDEFINED"];
    // §7.13.
    service_status: ServiceStatus = ["SUSPECTED", "NOT_SUSPECTED"];
    // §7.13.
    aml_suspicion: AmlSuspicion = ["SANCTION", "INTERPOL", "PEPS", "ADVERSE_MEDIA", "OTHER"];
    // §7.7, the `status.additionalSteps` aggregate.
    additional_steps_status: AdditionalStepsStatus = ["VALID", "INVALID", "NOT_FOUND"];
    // §5.2.
    event_type: EventType = [
        "IDENTIFICATION", "IDENTIFICATION_AUTO_FINISHED", "IDENTIFICATION_MANUAL_FINISHED",
        "IDENTIFICATION_RESUBMITTED", "IDENTIFICATION_CANCELLED", "IDENTIFICATION_EXPIRED",
        "DOCUMENT_EXPIRATION", "VIDEO_CALL_FINISHED",
    ];
    // §5.8.
    expiration_threshold: ExpirationThreshold = [
        "DOCUMENT_EXPIRES_WITHIN_30_DAYS", "DOCUMENT_EXPIRES_WITHIN_7_DAYS",
        "DOCUMENT_EXPIRES_WITHIN_1_DAY", "DOCUMENT_EXPIRED",
    ];
    // §5.7.
    service_group_type: ServiceGroupType = ["AML", "LID", "COMPANY", "CRIMINAL_CHECK"];
}

#[test]
fn r7_overall_status_is_final() {
    for wire in [
        "APPROVED",
        "DENIED",
        "SUSPECTED",
        "EXPIRED",
        "EXPIRED-DELETED",
        "DELETED",
        "ARCHIVED",
    ] {
        assert!(OverallStatus::from(wire).is_final(), "{wire}");
    }
    for wire in [
        "ACTIVE",
        "REVIEWING",
        "NOT_REVIEWED",
        "ON_HOLD",
        "approved",
        "EXPIRED_DELETED",
        "",
    ] {
        assert!(!OverallStatus::from(wire).is_final(), "{wire}");
    }
}

#[test]
fn r7_overall_status_is_approved_only_for_approved() {
    for status in OverallStatus::KNOWN {
        assert_eq!(
            status.is_approved(),
            *status == OverallStatus::Approved,
            "{status}"
        );
    }
    assert!(!OverallStatus::from("approved").is_approved());
    assert!(!OverallStatus::from("APPROVED_LATER").is_approved());
}

#[test]
fn r7_face_and_document_pass_helpers() {
    for status in FaceStatus::KNOWN {
        assert_eq!(
            status.is_match(),
            status.as_str() == "FACE_MATCH",
            "{status}"
        );
    }
    assert!(!FaceStatus::from("FACE_MATCH_PARTIAL").is_match());
    for status in DocumentStatus::KNOWN {
        assert_eq!(
            status.is_valid(),
            status.as_str() == "DOC_VALIDATED",
            "{status}"
        );
    }
    assert!(!DocumentStatus::from("DOC_VALIDATED_LATER").is_valid());
}
