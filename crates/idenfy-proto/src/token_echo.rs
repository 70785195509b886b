//! The server's side of a token request: the defaults iDenfy applies to omitted fields (R2, R3)
//! and the echo of the request that its answer carries (R4, reference §3.1.3).

use serde_json::{Map, Value};

use crate::enums::{DocumentType, TokenType};
use crate::token::TokenRequest;

impl TokenRequest {
    /// `locale` when omitted (R2).
    pub const DEFAULT_LOCALE: &'static str = "en";
    /// `expiryTime` in seconds when omitted (R2).
    pub const DEFAULT_EXPIRY_TIME: u32 = 3600;
    /// `sessionLength` in seconds when omitted (R2, the seed's table; one documented example
    /// answer shows 300).
    pub const DEFAULT_SESSION_LENGTH: u32 = 600;
    /// `successUrl` when omitted (R2).
    pub const DEFAULT_SUCCESS_URL: &'static str = "https://ui.idenfy.com/result?status=success";
    /// `errorUrl` when omitted (R2).
    pub const DEFAULT_ERROR_URL: &'static str = "https://ui.idenfy.com/result?status=fail";
    /// `unverifiedUrl` when omitted (reference §3.1.2).
    pub const DEFAULT_UNVERIFIED_URL: &'static str =
        "https://ui.idenfy.com/result?status=unverified";
    /// `showInstructions` when omitted (reference §3.1.2).
    pub const DEFAULT_SHOW_INSTRUCTIONS: bool = true;
    /// `tokenType` when omitted (reference §3.1.2).
    pub const DEFAULT_TOKEN_TYPE: TokenType = TokenType::Identification;
    /// `documents` when omitted: the list of iDenfy's documented answer to a request without
    /// `documents` (reference §3.1.3; its parameter table names only the first two).
    pub const DEFAULT_DOCUMENTS: &'static [DocumentType] = &[
        DocumentType::IdCard,
        DocumentType::Passport,
        DocumentType::ResidencePermit,
        DocumentType::DriverLicense,
        DocumentType::Other,
    ];

    /// `expiryTime` as the server applies it: the value sent, or [`Self::DEFAULT_EXPIRY_TIME`].
    pub fn effective_expiry_time(&self) -> u32 {
        self.expiry_time().unwrap_or(Self::DEFAULT_EXPIRY_TIME)
    }

    /// `sessionLength` as the server applies it: the value sent, or
    /// [`Self::DEFAULT_SESSION_LENGTH`].
    pub fn effective_session_length(&self) -> u32 {
        self.session_length()
            .unwrap_or(Self::DEFAULT_SESSION_LENGTH)
    }

    /// The echo of this request in a token response, as a server writes it (R4, reference
    /// §3.1.3): every field of the request with the server's defaults applied to the omitted
    /// ones (`locale`, `expiryTime`, `sessionLength`, the result URLs, `showInstructions`,
    /// `documents`, `tokenType`, `videoCallQuestions`), explicit `null` for the other omitted
    /// fields — as in iDenfy's documented answer — `firstName`/`lastName` upper-cased,
    /// `personScanRef` equal to `clientId`, and the extra fields verbatim.
    ///
    /// Left out, because they are the server's to make: `message`, `authToken`, `scanRef`,
    /// `digitString` (and `redirectUrl`); `generateDigitString` and `dummyStatus` are not echoed.
    ///
    /// ```
    /// use idenfy_proto::TokenRequest;
    /// let request = TokenRequest::builder("100000").first_name("John Tom").build()?;
    /// let echo = request.response_echo();
    /// assert_eq!(echo["clientId"], "100000");
    /// assert_eq!(echo["firstName"], "JOHN TOM");
    /// assert_eq!(echo["lastName"], serde_json::Value::Null);
    /// assert_eq!(echo["expiryTime"], 3600);
    /// assert_eq!(echo["successUrl"], "https://ui.idenfy.com/result?status=success");
    /// # Ok::<(), idenfy_proto::ValidationError>(())
    /// ```
    pub fn response_echo(&self) -> Map<String, Value> {
        fn text(value: Option<impl ToString>) -> Value {
            value.map_or(Value::Null, |value| Value::String(value.to_string()))
        }
        fn upper(value: Option<&str>) -> Value {
            value.map_or(Value::Null, |value| Value::String(value.to_uppercase()))
        }
        fn strings<'a>(values: impl Iterator<Item = &'a str>) -> Value {
            Value::Array(values.map(|v| Value::String(v.to_owned())).collect())
        }
        let client_id = Value::String(self.client_id().as_str().to_owned());
        let documents = match self.documents() {
            Some(documents) => strings(documents.iter().map(DocumentType::as_str)),
            None => strings(Self::DEFAULT_DOCUMENTS.iter().map(DocumentType::as_str)),
        };
        let fields: [(&str, Value); 27] = [
            ("clientId", client_id.clone()),
            ("personScanRef", client_id),
            ("firstName", upper(self.first_name().map(|n| n.as_str()))),
            ("lastName", upper(self.last_name().map(|n| n.as_str()))),
            (
                "successUrl",
                text(Some(
                    self.success_url()
                        .map_or(Self::DEFAULT_SUCCESS_URL, |u| u.as_str()),
                )),
            ),
            (
                "errorUrl",
                text(Some(
                    self.error_url()
                        .map_or(Self::DEFAULT_ERROR_URL, |u| u.as_str()),
                )),
            ),
            (
                "unverifiedUrl",
                text(Some(
                    self.unverified_url()
                        .map_or(Self::DEFAULT_UNVERIFIED_URL, |u| u.as_str()),
                )),
            ),
            ("callbackUrl", text(self.callback_url().map(|u| u.as_str()))),
            (
                "locale",
                text(Some(
                    self.locale().map_or(Self::DEFAULT_LOCALE, |l| l.as_str()),
                )),
            ),
            (
                "showInstructions",
                Value::Bool(
                    self.show_instructions()
                        .unwrap_or(Self::DEFAULT_SHOW_INSTRUCTIONS),
                ),
            ),
            ("country", text(self.country())),
            ("expiryTime", Value::from(self.effective_expiry_time())),
            (
                "sessionLength",
                Value::from(self.effective_session_length()),
            ),
            ("documents", documents),
            ("dateOfBirth", text(self.date_of_birth())),
            ("dateOfExpiry", text(self.date_of_expiry())),
            ("dateOfIssue", text(self.date_of_issue())),
            ("nationality", text(self.nationality())),
            (
                "personalNumber",
                text(self.personal_number().map(|n| n.as_str())),
            ),
            (
                "documentNumber",
                text(self.document_number().map(|n| n.as_str())),
            ),
            ("sex", text(self.sex())),
            ("address", text(self.address().map(|a| a.as_str()))),
            (
                "tokenType",
                text(Some(self.token_type().unwrap_or(&Self::DEFAULT_TOKEN_TYPE))),
            ),
            (
                "videoCallQuestions",
                strings(
                    self.video_call_questions()
                        .unwrap_or_default()
                        .iter()
                        .map(String::as_str),
                ),
            ),
            ("externalRef", text(self.external_ref().map(|r| r.as_str()))),
            (
                "utilityBill",
                self.utility_bill().map_or(Value::Null, Value::Bool),
            ),
            ("questionnaire", text(self.questionnaire())),
        ];
        let mut echo: Map<String, Value> = self
            .extra_fields()
            .iter()
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        for (key, value) in fields {
            echo.insert(key.to_owned(), value);
        }
        echo
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use serde_json::json;

    use crate::{DocumentType, Sex, TokenRequest};

    #[test]
    fn r4_echo_of_a_minimal_request_has_the_defaults_and_explicit_nulls() {
        let request = TokenRequest::from_json(&json!({"clientId": "100000"})).unwrap();
        assert_eq!(
            serde_json::Value::Object(request.response_echo()),
            json!({
                "clientId": "100000", "personScanRef": "100000",
                "firstName": null, "lastName": null,
                "successUrl": "https://ui.idenfy.com/result?status=success",
                "errorUrl": "https://ui.idenfy.com/result?status=fail",
                "unverifiedUrl": "https://ui.idenfy.com/result?status=unverified",
                "callbackUrl": null, "locale": "en", "showInstructions": true,
                "country": null, "expiryTime": 3600, "sessionLength": 600,
                "documents": ["ID_CARD", "PASSPORT", "RESIDENCE_PERMIT", "DRIVER_LICENSE", "OTHER"],
                "dateOfBirth": null, "dateOfExpiry": null, "dateOfIssue": null,
                "nationality": null, "personalNumber": null, "documentNumber": null,
                "sex": null, "address": null, "tokenType": "IDENTIFICATION",
                "videoCallQuestions": [], "externalRef": null,
                "utilityBill": null, "questionnaire": null
            })
        );
    }

    #[test]
    fn r4_echo_keeps_what_was_sent_and_upper_cases_names() {
        let request = TokenRequest::builder("c-1")
            .first_name("Ona")
            .last_name("Šimkutė")
            .locale("lt")
            .expiry_time(600)
            .session_length(60)
            .country("lt")
            .document(DocumentType::Passport)
            .sex(Sex::Female)
            .date_of_birth("1990-12-20")
            .external_ref("ref")
            .generate_digit_string(true)
            .extra_field("checkAml", json!(true))
            .build()
            .unwrap();
        let echo = request.response_echo();
        assert_eq!(echo["firstName"], "ONA");
        assert_eq!(echo["lastName"], "ŠIMKUTĖ");
        assert_eq!(echo["locale"], "lt");
        assert_eq!(echo["expiryTime"], 600);
        assert_eq!(echo["sessionLength"], 60);
        assert_eq!(echo["country"], "LT");
        assert_eq!(echo["documents"], json!(["PASSPORT"]));
        assert_eq!(echo["sex"], "F");
        assert_eq!(echo["dateOfBirth"], "1990-12-20");
        assert_eq!(echo["externalRef"], "ref");
        assert_eq!(echo["checkAml"], true);
        assert!(!echo.contains_key("generateDigitString"));
        assert!(!echo.contains_key("digitString"));
        assert_eq!(request.effective_expiry_time(), 600);
        assert_eq!(request.effective_session_length(), 60);
    }
}
