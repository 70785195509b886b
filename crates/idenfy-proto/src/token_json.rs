//! A token request read from JSON, as a server receives it ([`TokenRequest::from_json`]).

use serde_json::{Map, Value};

use crate::enums::{DocumentType, DummyStatus, Sex, TokenType};
use crate::error::{Rule, ValidationError};
use crate::token::{TYPED_FIELDS, TokenRequest, TokenRequestBuilder};

/// See [`TokenRequest::from_json`].
pub(crate) fn from_json(body: &Value) -> Result<TokenRequest, ValidationError> {
    let Value::Object(fields) = body else {
        return Err(ValidationError::new(
            "body",
            Rule::WrongType {
                expected: "a JSON object",
            },
        ));
    };
    // `personScanRef` is the legacy alias of `clientId`.
    let client_id = fields
        .get("clientId")
        .filter(|value| !value.is_null())
        .or_else(|| fields.get("personScanRef"));
    let client_id = match client_id {
        None | Some(Value::Null) => return Err(ValidationError::new("clientId", Rule::Required)),
        Some(Value::String(text)) => text.clone(),
        Some(Value::Number(number)) => number.to_string(),
        Some(_) => return Err(wrong_type("clientId", "a string")),
    };
    let reader = Reader(fields);
    let mut builder = TokenRequest::builder(client_id);
    macro_rules! set {
        ($($setter:ident <- $kind:ident $field:literal),* $(,)?) => {
            $( if let Some(value) = reader.$kind($field)? { builder = builder.$setter(value); } )*
        };
    }
    set! {
        first_name <- string "firstName",
        last_name <- string "lastName",
        success_url <- string "successUrl",
        error_url <- string "errorUrl",
        unverified_url <- string "unverifiedUrl",
        callback_url <- string "callbackUrl",
        locale <- string "locale",
        expiry_time <- integer "expiryTime",
        session_length <- integer "sessionLength",
        country <- string "country",
        show_instructions <- boolean "showInstructions",
        generate_digit_string <- boolean "generateDigitString",
        date_of_birth <- string "dateOfBirth",
        date_of_expiry <- string "dateOfExpiry",
        date_of_issue <- string "dateOfIssue",
        nationality <- string "nationality",
        personal_number <- string "personalNumber",
        document_number <- string "documentNumber",
        address <- string "address",
        external_ref <- string "externalRef",
        video_call_questions <- strings "videoCallQuestions",
        utility_bill <- boolean "utilityBill",
        questionnaire <- string "questionnaire",
    }
    if let Some(documents) = reader.strings("documents")? {
        builder = builder.documents(documents.into_iter().map(DocumentType::from));
    }
    if let Some(value) = reader.string("tokenType")? {
        builder = builder.token_type(TokenType::from(value));
    }
    if let Some(value) = reader.string("sex")? {
        builder = builder.sex(Sex::from(value));
    }
    if let Some(value) = reader.string("dummyStatus")? {
        builder = builder.dummy_status(DummyStatus::from(value));
    }
    builder = extras(builder, fields);
    builder.build()
}

/// Every key that is not a typed field (nor the `personScanRef` alias) becomes an extra field.
fn extras(mut builder: TokenRequestBuilder, fields: &Map<String, Value>) -> TokenRequestBuilder {
    for (key, value) in fields {
        if !TYPED_FIELDS.contains(&key.as_str()) {
            builder = builder.extra_field(key.clone(), value.clone());
        }
    }
    builder
}

fn wrong_type(field: &'static str, expected: &'static str) -> ValidationError {
    ValidationError::new(field, Rule::WrongType { expected })
}

/// The float as an integer if it is one exactly (`600.0`), within the range of `i64`.
fn integral(float: Option<f64>) -> Option<i64> {
    let float = float?;
    // 2^63 is the first float beyond i64::MAX.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    let fits = float.fract() == 0.0 && (-LIMIT..LIMIT).contains(&float);
    #[allow(clippy::cast_possible_truncation)]
    fits.then_some(float as i64)
}

/// Typed access to the fields of the body; `null` is absent.
struct Reader<'a>(&'a Map<String, Value>);

impl Reader<'_> {
    fn get(&self, field: &str) -> Option<&Value> {
        self.0.get(field).filter(|value| !value.is_null())
    }

    fn string(&self, field: &'static str) -> Result<Option<String>, ValidationError> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(_) => Err(wrong_type(field, "a string")),
        }
    }

    /// An integer: a JSON integer, or — as a server framework reads form-like input — an
    /// integral float (`600.0`) or a numeric string (`"600"`). `1.5` and `"abc"` are refused.
    fn integer(&self, field: &'static str) -> Result<Option<i64>, ValidationError> {
        let wrong = || wrong_type(field, "an integer");
        match self.get(field) {
            None => Ok(None),
            Some(Value::Number(number)) => match number.as_i64() {
                Some(value) => Ok(Some(value)),
                // Beyond i64: an integer all the same, out of every range.
                None if number.as_u64().is_some() => Ok(Some(i64::MAX)),
                None => integral(number.as_f64()).map(Some).ok_or_else(wrong),
            },
            Some(Value::String(text)) => {
                let text = text.trim();
                text.parse::<i64>()
                    .ok()
                    .or_else(|| integral(text.parse::<f64>().ok()))
                    .map(Some)
                    .ok_or_else(wrong)
            }
            Some(_) => Err(wrong()),
        }
    }

    /// A boolean: `true`/`false`, or the strings `"true"`/`"false"`.
    fn boolean(&self, field: &'static str) -> Result<Option<bool>, ValidationError> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::Bool(flag)) => Ok(Some(*flag)),
            Some(Value::String(text)) if text == "true" => Ok(Some(true)),
            Some(Value::String(text)) if text == "false" => Ok(Some(false)),
            Some(_) => Err(wrong_type(field, "a boolean")),
        }
    }

    fn strings(&self, field: &'static str) -> Result<Option<Vec<String>>, ValidationError> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| match item {
                    Value::String(text) => Ok(text.clone()),
                    _ => Err(wrong_type(field, "a list of strings")),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(_) => Err(wrong_type(field, "a list of strings")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn p3_a_built_request_reads_back_identically() {
        let built = TokenRequest::builder("customer-9")
            .first_name("Ona")
            .last_name("Šimkutė")
            .success_url("https://example.com/ok")
            .callback_url("https://example.com/hook")
            .locale("lt")
            .expiry_time(7200)
            .session_length(900)
            .country("lt")
            .document(DocumentType::Passport)
            .token_type(TokenType::Document)
            .show_instructions(false)
            .generate_digit_string(true)
            .date_of_birth("1990-01-31")
            .nationality("lt")
            .personal_number("39001310000")
            .document_number("LT1234567")
            .sex(Sex::Female)
            .address("Gedimino pr. 1, Vilnius")
            .external_ref("order-77")
            .video_call_questions(vec!["Why?".to_owned()])
            .utility_bill(true)
            .questionnaire("q-1")
            .dummy_status(DummyStatus::Approved)
            .extra_field("theme", json!("dark"))
            .build()
            .unwrap();
        let wire = serde_json::to_value(&built).unwrap();
        assert_eq!(TokenRequest::from_json(&wire).unwrap(), built);
    }

    #[test]
    fn r2_errors_name_the_wire_field() {
        let cases = [
            (json!([]), "body"),
            (json!({}), "clientId"),
            (json!({"clientId": null}), "clientId"),
            (json!({"clientId": true}), "clientId"),
            (json!({"clientId": ""}), "clientId"),
            (json!({"clientId": "c", "expiryTime": "six"}), "expiryTime"),
            (json!({"clientId": "c", "expiryTime": 1.5}), "expiryTime"),
            (json!({"clientId": "c", "expiryTime": "1.5"}), "expiryTime"),
            (
                json!({"clientId": "c", "sessionLength": 3601}),
                "sessionLength",
            ),
            (
                json!({"clientId": "c", "showInstructions": "yes"}),
                "showInstructions",
            ),
            (
                json!({"clientId": "c", "documents": "ID_CARD"}),
                "documents",
            ),
            (json!({"clientId": "c", "country": "XX"}), "country"),
            (json!({"clientId": "c", "tokenType": "SELFIE"}), "tokenType"),
        ];
        for (body, field) in cases {
            assert_eq!(
                TokenRequest::from_json(&body).unwrap_err().field(),
                field,
                "{body}"
            );
        }
    }

    #[test]
    fn r4_numeric_client_id_and_nulls_are_read() {
        let request =
            TokenRequest::from_json(&json!({"clientId": 100000, "firstName": null})).unwrap();
        assert_eq!(request.client_id().as_str(), "100000");
        assert!(request.first_name().is_none());
        let legacy = TokenRequest::from_json(&json!({"personScanRef": "p-1"})).unwrap();
        assert_eq!(legacy.client_id().as_str(), "p-1");
    }
}
