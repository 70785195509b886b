//! The bodies of webhook deliveries (reference §5.3–§5.8, §3.10).
//!
//! Every field is optional and read with the lenient helpers of R7; fields outside the model land
//! in `extra`. `Serialize` writes iDenfy's own field names (`scanRef`, `final`, `AML`, …), omits
//! absent top-level fields, writes `clientId` as a string, timestamps as integers and unknown enum
//! values as the strings that arrived.

use std::collections::BTreeMap;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use crate::de;
use crate::enums::{ExpirationThreshold, Platform, ServiceGroupType, ServiceStatus};
use crate::extra::ExtraFields;
use crate::model::{IdentificationData, VerificationStatus};
use crate::secret::{AuthToken, Personal};

/// The body of an identification webhook (`IdentificationWebhook`, reference §5.3): the result of
/// a verification, sent for every `IDENTIFICATION*` event.
///
/// `Debug` redacts personal data (names, document data, file URLs, IP address and location, AML
/// hits and the newer verification objects; R10); `clientId` and `scanRef` stay visible.
///
/// [`webhook::parse`](crate::webhook::parse) reads the legacy shapes of the AML and LID blocks
/// (lowercase `aml`/`lid` single objects, the 2018 `{"suspected": …, "results": …}` object) into
/// [`Self::aml`] and [`Self::lid`]; deserializing this type directly with serde does not.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct IdentificationResult {
    /// `clientId`: the partner's identifier of the person, a string even when sent as a number.
    #[serde(
        default,
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub client_id: Option<String>,
    /// `scanRef`: iDenfy's identifier of the verification.
    #[serde(
        default,
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub scan_ref: Option<String>,
    /// `externalRef`: the partner's reference given with the token.
    #[serde(
        default,
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub external_ref: Option<String>,
    /// `companyId`: the KYB company this verification belongs to.
    #[serde(
        default,
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub company_id: Option<String>,
    /// `beneficiaryId`: the KYB beneficiary this verification belongs to.
    #[serde(
        default,
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub beneficiary_id: Option<String>,
    /// `platform`: the device the person used.
    #[serde(
        default,
        deserialize_with = "de::opt_enum",
        skip_serializing_if = "Option::is_none"
    )]
    pub platform: Option<Platform>,
    /// `startTime`: when the person started, in Unix seconds (a float in some 2019 payloads,
    /// truncated here).
    #[serde(
        default,
        deserialize_with = "de::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub start_time: Option<i64>,
    /// `finishTime`: when the automatic decision was made, in Unix seconds.
    #[serde(
        default,
        deserialize_with = "de::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub finish_time: Option<i64>,
    /// `clientIp`: the person's IP address.
    #[serde(
        default,
        deserialize_with = "de::opt_personal",
        skip_serializing_if = "Option::is_none"
    )]
    pub client_ip: Option<Personal<String>>,
    /// `clientIpCountry`: the country of that address, ISO 3166-1 alpha-2.
    #[serde(
        default,
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub client_ip_country: Option<String>,
    /// `clientLocation`: the person's location, e.g. `Kaunas, Lithuania`.
    #[serde(
        default,
        deserialize_with = "de::opt_personal",
        skip_serializing_if = "Option::is_none"
    )]
    pub client_location: Option<Personal<String>>,
    /// `gdcMatch`: whether the global data consortium check matched.
    #[serde(
        default,
        deserialize_with = "de::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub gdc_match: Option<bool>,
    /// `final`: whether this is the result to act on (R8). Absent in payloads before about
    /// 2023; see [`Self::is_final`].
    #[serde(
        rename = "final",
        default,
        deserialize_with = "de::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub final_: Option<bool>,
    /// `status`: the verification status (empty when the payload has none).
    #[serde(default, deserialize_with = "null_as_default")]
    pub status: VerificationStatus,
    /// `data`: what was read from the document (empty when the payload has none).
    #[serde(default, deserialize_with = "null_as_default")]
    pub data: IdentificationData,
    /// `fileUrls`: step name (`FRONT`, `BACK`, `FACE`, `FRONT_VIDEO`, …) → pre-signed URL of the
    /// photo or video, valid for about an hour. The URLs are personal data.
    #[serde(
        default,
        deserialize_with = "opt_personal_string_map",
        skip_serializing_if = "Option::is_none"
    )]
    pub file_urls: Option<BTreeMap<String, Option<Personal<String>>>>,
    /// `additionalStepPdfUrls`: additional step → URL of its PDF.
    #[serde(
        default,
        deserialize_with = "opt_personal_string_map",
        skip_serializing_if = "Option::is_none"
    )]
    pub additional_step_pdf_urls: Option<BTreeMap<String, Option<Personal<String>>>>,
    /// `AML`: anti-money-laundering results (also read from the legacy lowercase `aml` object).
    #[serde(
        rename = "AML",
        default,
        deserialize_with = "de::opt_list",
        skip_serializing_if = "Option::is_none"
    )]
    pub aml: Option<Vec<ServiceResult>>,
    /// `LID`: lost-and-invalid-document results (also read from the legacy lowercase `lid`
    /// object).
    #[serde(
        rename = "LID",
        default,
        deserialize_with = "de::opt_list",
        skip_serializing_if = "Option::is_none"
    )]
    pub lid: Option<Vec<ServiceResult>>,
    /// `CRIMINAL_CHECK`: criminal-record check results.
    #[serde(
        rename = "CRIMINAL_CHECK",
        default,
        deserialize_with = "de::opt_list",
        skip_serializing_if = "Option::is_none"
    )]
    pub criminal_check: Option<Vec<ServiceResult>>,
    /// `amlCheck`: the AML v3 result. It names the persons found, so it is personal data.
    #[serde(
        default,
        deserialize_with = "de::opt_personal_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub aml_check: Option<Personal<Value>>,
    /// `manualAddress`: an address entered by a reviewer (top level in the schema; some payloads
    /// put it inside `data`, see [`IdentificationData::manual_address`]).
    #[serde(
        default,
        deserialize_with = "de::opt_personal",
        skip_serializing_if = "Option::is_none"
    )]
    pub manual_address: Option<Personal<String>>,
    /// `manualAddressMatch`: whether that address matched.
    #[serde(
        default,
        deserialize_with = "de::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub manual_address_match: Option<bool>,
    /// `registryCenterCheck`: the registry-centre check (Hungary, Lithuania, US variants).
    #[serde(
        default,
        deserialize_with = "de::opt_personal_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub registry_center_check: Option<Personal<Value>>,
    /// `addressVerification`: `{address, country, status, accuracy, quality}`.
    #[serde(
        default,
        deserialize_with = "de::opt_personal_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub address_verification: Option<Personal<Value>>,
    /// `questionnaireAnswers`: the answers to a questionnaire.
    #[serde(
        default,
        deserialize_with = "de::opt_personal_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub questionnaire_answers: Option<Personal<Value>>,
    /// `riskAssessment`: `{riskScore, riskLevel}`.
    #[serde(
        default,
        deserialize_with = "de::opt_personal_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub risk_assessment: Option<Personal<Value>>,
    /// `bankVerification`: bank accounts and balances.
    #[serde(
        default,
        deserialize_with = "de::opt_personal_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub bank_verification: Option<Personal<Value>>,
    /// `emailVerification`: `{email, emailVerified}`.
    #[serde(
        default,
        deserialize_with = "de::opt_personal_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub email_verification: Option<Personal<Value>>,
    /// `phoneVerification`: `{phone, phoneVerified}`.
    #[serde(
        default,
        deserialize_with = "de::opt_personal_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub phone_verification: Option<Personal<Value>>,
    /// `driverLicenseCheck`: the driver's-licence check with its `*Match` flags.
    #[serde(
        default,
        deserialize_with = "de::opt_personal_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub driver_license_check: Option<Personal<Value>>,
    /// `bankCardVerification`: the bank-card check.
    #[serde(
        default,
        deserialize_with = "de::opt_personal_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub bank_card_verification: Option<Personal<Value>>,
    /// `additionalSteps`: additional step → what was done with it (`UPLOAD`, `COMPARE`,
    /// `EXTRACT`) or `null`. Not to be confused with `status.additionalSteps`, the aggregate
    /// result.
    #[serde(
        default,
        deserialize_with = "opt_string_map",
        skip_serializing_if = "Option::is_none"
    )]
    pub additional_steps: Option<BTreeMap<String, Option<String>>>,
    /// Fields this version does not model (and a legacy `aml`/`lid` that arrived next to `AML`/
    /// `LID`).
    #[serde(flatten)]
    pub extra: ExtraFields,
}

impl IdentificationResult {
    /// Whether this is the result a partner may act on (R8): `final` when the payload has it;
    /// for legacy payloads without `final`, whether a person has reviewed the verification (a
    /// non-empty `manualDocument` or `manualFace`).
    ///
    /// ```
    /// use idenfy_proto::webhook::{self, WebhookEvent};
    /// let legacy = br#"{"scanRef":"s-1","status":{"overall":"APPROVED","manualFace":"FACE_MATCH"}}"#;
    /// assert!(webhook::parse(legacy, None)?.is_final());
    /// let auto = br#"{"scanRef":"s-1","final":false,"status":{"manualFace":"FACE_MATCH"}}"#;
    /// assert!(!webhook::parse(auto, None)?.is_final());
    /// # Ok::<(), idenfy_proto::DecodeError>(())
    /// ```
    pub fn is_final(&self) -> bool {
        self.final_
            .unwrap_or_else(|| self.status.is_manually_reviewed())
    }
}

/// One fraud or AML service result: an item of `AML`, `LID` or `CRIMINAL_CHECK` (reference
/// §5.7). The legacy 2018 object `{"suspected": …, "results": …}` is read as a result with those
/// two fields in [`Self::extra`]; [`Self::suspected`] understands both shapes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ServiceResult {
    /// `status`: what the service did and found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ServiceResultStatus>,
    /// `serviceName`: e.g. `PilotApiAmlV2`, `IrdInvalidPapers`, `AML_NAMES_CHECK`.
    #[serde(
        default,
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub service_name: Option<String>,
    /// `serviceGroupType`: `AML`, `LID`, `COMPANY` or `CRIMINAL_CHECK`.
    #[serde(
        default,
        deserialize_with = "de::opt_enum",
        skip_serializing_if = "Option::is_none"
    )]
    pub service_group_type: Option<ServiceGroupType>,
    /// `uid`: the identifier of this check (unique within one verification only).
    #[serde(
        default,
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub uid: Option<String>,
    /// `errorMessage`: why the service failed, if it did.
    #[serde(
        default,
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub error_message: Option<String>,
    /// `data`: the hits (names, dates of birth, document numbers, articles…); personal data.
    #[serde(default, deserialize_with = "personal_list")]
    pub data: Vec<Personal<Value>>,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

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

/// The `status` object of a [`ServiceResult`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ServiceResultStatus {
    /// `serviceSuspected`: the service raised a suspicion.
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub service_suspected: Option<bool>,
    /// `serviceUsed`: the service was run.
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub service_used: Option<bool>,
    /// `serviceFound`: the service is available for this person.
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub service_found: Option<bool>,
    /// `checkSuccessful`: the check completed.
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub check_successful: Option<bool>,
    /// `overallStatus`: `SUSPECTED` or `NOT_SUSPECTED`.
    #[serde(default, deserialize_with = "de::opt_enum")]
    pub overall_status: Option<ServiceStatus>,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

/// The body of a `DOCUMENT_EXPIRATION` webhook (reference §5.8): a verified document is about
/// to expire or has expired.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DocumentExpiration {
    /// `scanRef`: the verification that read the document.
    #[serde(
        default,
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub scan_ref: Option<String>,
    /// `clientId`: the partner's identifier of the person.
    #[serde(
        default,
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub client_id: Option<String>,
    /// `expirationThreshold`: how close the expiry is.
    #[serde(
        default,
        deserialize_with = "de::opt_enum",
        skip_serializing_if = "Option::is_none"
    )]
    pub expiration_threshold: Option<ExpirationThreshold>,
    /// `documentExpiration`: the document's expiry date, as sent (see
    /// [`Date::parse`](crate::Date::parse)).
    #[serde(
        default,
        deserialize_with = "de::opt_personal",
        skip_serializing_if = "Option::is_none"
    )]
    pub document_expiration: Option<Personal<String>>,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

/// The body of a video-call webhook (`VIDEO_CALL_FINISHED`, reference §3.10).
///
/// `Debug` redacts the `authToken` and the answers (R10).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct VideoCallResult {
    /// `videoCallAnswers`: question → the person's answer (a bare string is read as the
    /// answer).
    #[serde(
        default,
        deserialize_with = "opt_answers",
        skip_serializing_if = "Option::is_none"
    )]
    pub video_call_answers: Option<BTreeMap<String, VideoCallAnswer>>,
    /// `date`: when the call took place, as sent (e.g. `2020-08-14 12:48:08.085275+00:00`).
    #[serde(
        default,
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub date: Option<String>,
    /// `status`: whether the call succeeded.
    #[serde(
        default,
        deserialize_with = "de::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub status: Option<bool>,
    /// `scanRef`: the verification the call belongs to.
    #[serde(
        default,
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub scan_ref: Option<String>,
    /// `authToken`: the token of the session (a secret, redacted in `Debug`).
    #[serde(
        default,
        deserialize_with = "opt_auth_token",
        skip_serializing_if = "Option::is_none"
    )]
    pub auth_token: Option<AuthToken>,
    /// `clientId`: the partner's identifier of the person.
    #[serde(
        default,
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub client_id: Option<String>,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

/// One answer of a video call.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct VideoCallAnswer {
    /// `answer`: what the person said (personal data).
    #[serde(default, deserialize_with = "de::opt_personal")]
    pub answer: Option<Personal<String>>,
    /// `correct`: whether the answer was judged correct.
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub correct: Option<bool>,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

/// Rewrites the legacy shapes of the AML and LID blocks (R7) into the current ones, in place:
/// when `AML` (`LID`) is absent or `null` and a lowercase `aml` (`lid`) object or array is
/// present, it moves to `AML` (`LID`) as a list. When both spellings are present the uppercase
/// one wins and the lowercase one stays where it is, ending up in `extra`.
pub(crate) fn normalize_legacy(map: &mut Map<String, Value>) {
    for (current, legacy) in [("AML", "aml"), ("LID", "lid")] {
        if map.get(current).is_some_and(|value| !value.is_null()) {
            continue;
        }
        if !matches!(map.get(legacy), Some(Value::Object(_) | Value::Array(_))) {
            continue;
        }
        let list = match map.remove(legacy) {
            Some(Value::Array(items)) => Value::Array(items),
            Some(object @ Value::Object(_)) => Value::Array(vec![object]),
            _ => continue,
        };
        map.insert(current.to_owned(), list);
    }
}

/// A value that may be `null`, read as its default then.
fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// An optional JSON object; an empty array counts as an empty object.
fn string_map<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Map<String, Value>>, D::Error> {
    match Option::<Value>::deserialize(deserializer)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(map)) => Ok(Some(map)),
        Some(Value::Array(items)) if items.is_empty() => Ok(Some(Map::new())),
        Some(_) => Err(D::Error::custom("expected an object")),
    }
}

/// A map of personal strings, such as `fileUrls`.
type PersonalStringMap = BTreeMap<String, Option<Personal<String>>>;

/// An optional object whose values are personal strings (file URLs).
fn opt_personal_string_map<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<PersonalStringMap>, D::Error> {
    Ok(string_map(deserializer)?.map(|map| {
        map.into_iter()
            .map(|(key, value)| (key, de::value_to_string(value).map(Personal::new)))
            .collect()
    }))
}

/// An optional object whose values are strings.
fn opt_string_map<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<BTreeMap<String, Option<String>>>, D::Error> {
    Ok(string_map(deserializer)?.map(|map| {
        map.into_iter()
            .map(|(key, value)| (key, de::value_to_string(value)))
            .collect()
    }))
}

/// A list of personal JSON values; `null` or absent is empty, a single value a list of one.
fn personal_list<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<Personal<Value>>, D::Error> {
    Ok(match Option::<Value>::deserialize(deserializer)? {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items.into_iter().map(Personal::new).collect(),
        Some(single) => vec![Personal::new(single)],
    })
}

/// The optional `videoCallAnswers` object; an answer that is not an object is read as the text
/// of the answer, and an empty array as no answers.
fn opt_answers<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<BTreeMap<String, VideoCallAnswer>>, D::Error> {
    let Some(map) = string_map(deserializer)? else {
        return Ok(None);
    };
    map.into_iter()
        .map(|(question, value)| {
            let answer = match value {
                object @ Value::Object(_) => {
                    serde_json::from_value(object).map_err(D::Error::custom)?
                }
                other => VideoCallAnswer {
                    answer: de::value_to_string(other).map(Personal::new),
                    ..VideoCallAnswer::default()
                },
            };
            Ok((question, answer))
        })
        .collect::<Result<_, _>>()
        .map(Some)
}

/// An optional `authToken`; `null` and the empty string are `None`.
fn opt_auth_token<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<AuthToken>, D::Error> {
    Ok(de::opt_string(deserializer)?
        .filter(|token| !token.is_empty())
        .map(AuthToken::new))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use serde_json::json;

    fn normalized(value: Value) -> Value {
        let Value::Object(mut map) = value else {
            return value;
        };
        normalize_legacy(&mut map);
        Value::Object(map)
    }

    #[test]
    fn r7_legacy_aml_lid_shapes() {
        assert_eq!(
            normalized(json!({"aml": {"uid": "a"}, "lid": [{"uid": "l"}]})),
            json!({"AML": [{"uid": "a"}], "LID": [{"uid": "l"}]})
        );
        assert_eq!(
            normalized(json!({"AML": [{"uid": "A"}], "aml": {"uid": "a"}})),
            json!({"AML": [{"uid": "A"}], "aml": {"uid": "a"}})
        );
        assert_eq!(
            normalized(json!({"AML": null, "aml": {"uid": "a"}})),
            json!({"AML": [{"uid": "a"}]})
        );
        assert_eq!(
            normalized(json!({"aml": null, "lid": "text"})),
            json!({"aml": null, "lid": "text"})
        );
    }
}
