//! The server's side of a token request: reading it as iDenfy receives it (P3), the defaults
//! iDenfy applies to omitted fields (R2, R3), and the echo of the request that its answer
//! carries (R4, reference §3.1.3). The typed fields come from the table of the request,
//! `token_fields!` in `token.rs`.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::decode::WireEnum;
use crate::enums::{DocumentType, DummyStatus, Sex, TokenType};
use crate::error::{Rule, ValidationError};
use crate::token::{TokenRequest, TokenRequestBuilder, is_typed_field, token_fields, token_input};

/// `locale` when omitted (R2).
pub const DEFAULT_LOCALE: &str = "en";
/// `expiryTime` in seconds when omitted (R2).
pub const DEFAULT_EXPIRY_TIME: u32 = 3600;
/// `sessionLength` in seconds when omitted (R2, the seed's table; one documented example answer
/// shows 300).
pub const DEFAULT_SESSION_LENGTH: u32 = 600;
/// `successUrl` when omitted (R2).
pub const DEFAULT_SUCCESS_URL: &str = "https://ui.idenfy.com/result?status=success";
/// `errorUrl` when omitted (R2).
pub const DEFAULT_ERROR_URL: &str = "https://ui.idenfy.com/result?status=fail";
/// `unverifiedUrl` when omitted (reference §3.1.2).
pub const DEFAULT_UNVERIFIED_URL: &str = "https://ui.idenfy.com/result?status=unverified";
/// `showInstructions` when omitted (reference §3.1.2).
pub const DEFAULT_SHOW_INSTRUCTIONS: bool = true;
/// `tokenType` when omitted (reference §3.1.2).
pub const DEFAULT_TOKEN_TYPE: TokenType = TokenType::Identification;
/// `documents` when omitted: the list of iDenfy's documented answer to a request without
/// `documents` (reference §3.1.3; its parameter table names only the first two).
pub const DEFAULT_DOCUMENTS: &[DocumentType] = &[
    DocumentType::IdCard,
    DocumentType::Passport,
    DocumentType::ResidencePermit,
    DocumentType::DriverLicense,
    DocumentType::Other,
];
/// `videoCallQuestions` when omitted: none (reference §3.1.3 echoes `[]`).
pub const DEFAULT_VIDEO_CALL_QUESTIONS: &[&str] = &[];

/// `expiryTime` as the server applies it: the value sent, or [`DEFAULT_EXPIRY_TIME`].
pub fn effective_expiry_time(request: &TokenRequest) -> u32 {
    request.expiry_time().unwrap_or(DEFAULT_EXPIRY_TIME)
}

/// `sessionLength` as the server applies it: the value sent, or [`DEFAULT_SESSION_LENGTH`].
pub fn effective_session_length(request: &TokenRequest) -> u32 {
    request.session_length().unwrap_or(DEFAULT_SESSION_LENGTH)
}

/// Reads a token request as a server receives it — the JSON object of a `POST /api/v2/token`
/// body — and checks it with exactly the rules of [`TokenRequestBuilder`] (P3: one source of
/// truth; the emulator uses this).
///
/// Each typed field must have its JSON type (`expiryTime` an integer, `showInstructions` a
/// boolean, …), read as leniently as a server framework reads it: integral floats (`600.0`) and
/// numeric strings (`"600"`) for integers, `"true"`/`"false"` for booleans, `null` as absent,
/// and `clientId` as a number as iDenfy's own examples show — never looser than the JSON type,
/// and the value rules are the builder's. `personScanRef`, the legacy alias of `clientId`, is
/// read when `clientId` is absent; every other key becomes an extra field. Errors name the wire
/// field: a missing or null `clientId` is [`Rule::Required`], a value of the wrong type is
/// [`Rule::WrongType`] (the first in [`TokenRequest::FIELDS`] order), and the rest are the
/// builder's rules, in the builder's order.
///
/// ```
/// use idenfy_proto::{Rule, server};
/// let body = serde_json::json!({"clientId": "c-1", "expiryTime": 600, "theme": "dark"});
/// let request = server::read_token_request(&body)?;
/// assert_eq!(request.expiry_time(), Some(600));
/// assert_eq!(request.extra_fields()["theme"], "dark");
///
/// let bad = serde_json::json!({"clientId": "c-1", "sessionLength": 30});
/// assert_eq!(server::read_token_request(&bad).unwrap_err().field(), "sessionLength");
/// let missing = serde_json::json!({"firstName": "Ona"});
/// assert_eq!(server::read_token_request(&missing).unwrap_err().rule(), &Rule::Required);
/// # Ok::<(), idenfy_proto::ValidationError>(())
/// ```
pub fn read_token_request(body: &Value) -> Result<TokenRequest, ValidationError> {
    let Value::Object(fields) = body else {
        return Err(wrong_type("body", "a JSON object"));
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
    let mut builder = read_fields(fields, TokenRequest::builder(client_id))?;
    for (key, value) in fields {
        if !is_typed_field(key) {
            builder = builder.extra_field(key.clone(), value.clone());
        }
    }
    builder.build()
}

/// The echo of `request` in a token response, as a server writes it (R4, reference §3.1.3):
/// every field of the request with the server's defaults (the `DEFAULT_*` constants of this
/// module) applied to the omitted ones (`locale`, `expiryTime`, `sessionLength`, the result
/// URLs, `showInstructions`, `documents`, `tokenType`, `videoCallQuestions`), explicit `null`
/// for the other omitted fields — as in iDenfy's documented answer — `firstName`/`lastName`
/// upper-cased, `personScanRef` equal to `clientId`, and the extra fields verbatim.
///
/// Left out, because they are the server's to make: `message`, `authToken`, `scanRef`,
/// `digitString` (and `redirectUrl`); `generateDigitString` and `dummyStatus` are not echoed.
///
/// ```
/// use idenfy_proto::{TokenRequest, server};
/// let request = TokenRequest::builder("100000").first_name("John Tom").build()?;
/// let echo = server::response_echo(&request);
/// assert_eq!(echo["clientId"], "100000");
/// assert_eq!(echo["firstName"], "JOHN TOM");
/// assert_eq!(echo["lastName"], serde_json::Value::Null);
/// assert_eq!(echo["expiryTime"], 3600);
/// assert_eq!(echo["successUrl"], "https://ui.idenfy.com/result?status=success");
/// # Ok::<(), idenfy_proto::ValidationError>(())
/// ```
pub fn response_echo(request: &TokenRequest) -> Map<String, Value> {
    let mut echo: Map<String, Value> = request
        .extra_fields()
        .iter()
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    let client_id = Value::from(request.client_id().as_str());
    echo.insert("clientId".to_owned(), client_id.clone());
    echo.insert("personScanRef".to_owned(), client_id);
    echo_fields(request, &mut echo);
    echo
}

/// The consumer of [`token_fields!`] that writes the server's side: the reader of every typed
/// field of a received body, and the echo of every echoed one.
macro_rules! server_fields {
    (@echo value $value:expr) => { $value.map_or(Value::Null, json) };
    (@echo upper $value:expr) => { upper(server_fields!(@echo value $value)) };
    (@echo default($default:ident) $value:expr) => { $value.map_or_else(|| json($default), json) };
    ($({
        $name:ident $wire:literal $doc:tt $input:tt $checked:tt $rule:tt $get:tt
        [$($mode:ident $(($default:ident))?)?] $answer:tt
    })*) => {
        /// Sets every typed field the body carries on `builder`, in wire-field order; the first
        /// value of the wrong JSON type is the error.
        fn read_fields(
            fields: &Map<String, Value>,
            mut builder: TokenRequestBuilder,
        ) -> Result<TokenRequestBuilder, ValidationError> {
            $(
                if let Some(value) = read::<token_input!(kept $input)>(fields, $wire)? {
                    builder = builder.$name(value);
                }
            )*
            Ok(builder)
        }

        /// Writes the echo of every echoed typed field into `echo`.
        fn echo_fields(request: &TokenRequest, echo: &mut Map<String, Value>) {
            $($(
                echo.insert(
                    $wire.to_owned(),
                    server_fields!(@echo $mode $(($default))? request.$name()),
                );
            )?)*
        }
    };
}

token_fields!(server_fields);

/// A value as JSON; every value of a token request serializes.
fn json(value: impl Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// A string upper-cased, as iDenfy stores names.
fn upper(value: Value) -> Value {
    match value {
        Value::String(text) => Value::String(text.to_uppercase()),
        other => other,
    }
}

pub(super) fn wrong_type(field: &'static str, expected: &'static str) -> ValidationError {
    ValidationError::new(field, Rule::WrongType { expected })
}

/// The field `field` of the body as `T`; `null` is absent.
pub(super) fn read<T: FromBody>(
    fields: &Map<String, Value>,
    field: &'static str,
) -> Result<Option<T>, ValidationError> {
    fields
        .get(field)
        .filter(|value| !value.is_null())
        .map(|value| T::from_body(value, field))
        .transpose()
}

/// A type a setter of the builder keeps, read from a received JSON value as leniently as a
/// server framework reads it, never looser than the JSON type.
pub(super) trait FromBody: Sized {
    fn from_body(value: &Value, field: &'static str) -> Result<Self, ValidationError>;
}

impl FromBody for String {
    fn from_body(value: &Value, field: &'static str) -> Result<Self, ValidationError> {
        match value {
            Value::String(text) => Ok(text.clone()),
            _ => Err(wrong_type(field, "a string")),
        }
    }
}

/// An integer: a JSON integer, or — as a server framework reads form-like input — an integral
/// float (`600.0`) or a numeric string (`"600"`). `1.5` and `"abc"` are refused.
impl FromBody for i64 {
    fn from_body(value: &Value, field: &'static str) -> Result<Self, ValidationError> {
        let wrong = || wrong_type(field, "an integer");
        match value {
            Value::Number(number) => match number.as_i64() {
                Some(value) => Ok(value),
                // Beyond i64: an integer all the same, out of every range.
                None if number.as_u64().is_some() => Ok(i64::MAX),
                None => integral(number.as_f64()).ok_or_else(wrong),
            },
            Value::String(text) => {
                let text = text.trim();
                text.parse::<i64>()
                    .ok()
                    .or_else(|| integral(text.parse::<f64>().ok()))
                    .ok_or_else(wrong)
            }
            _ => Err(wrong()),
        }
    }
}

/// A boolean: `true`/`false`, or the strings `"true"`/`"false"`.
impl FromBody for bool {
    fn from_body(value: &Value, field: &'static str) -> Result<Self, ValidationError> {
        match value {
            Value::Bool(flag) => Ok(*flag),
            Value::String(text) if text == "true" => Ok(true),
            Value::String(text) if text == "false" => Ok(false),
            _ => Err(wrong_type(field, "a boolean")),
        }
    }
}

/// A list of strings (`videoCallQuestions`, and `documents` as document types).
impl<T: From<String>> FromBody for Vec<T> {
    fn from_body(value: &Value, field: &'static str) -> Result<Self, ValidationError> {
        let wrong = || wrong_type(field, "a list of strings");
        let Value::Array(items) = value else {
            return Err(wrong());
        };
        items
            .iter()
            .map(|item| match item {
                Value::String(text) => Ok(T::from(text.clone())),
                _ => Err(wrong()),
            })
            .collect()
    }
}

/// An enum of wire strings: any string, an unknown one kept for the builder's rule to refuse.
impl<T: WireEnum> FromBody for T {
    fn from_body(value: &Value, field: &'static str) -> Result<Self, ValidationError> {
        String::from_body(value, field).map(T::from)
    }
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

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
        assert_eq!(read_token_request(&wire).unwrap(), built);
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
            (json!({"clientId": "c", "sex": 1}), "sex"),
            (
                json!({"clientId": "c", "dummyStatus": ["APPROVED"]}),
                "dummyStatus",
            ),
        ];
        for (body, field) in cases {
            assert_eq!(
                read_token_request(&body).unwrap_err().field(),
                field,
                "{body}"
            );
        }
    }

    #[test]
    fn r2_a_wrong_type_is_reported_before_a_broken_rule_then_in_wire_order() {
        // The rule of `clientId` is broken, but the type of `sessionLength` is checked first.
        let body = json!({"clientId": "", "sessionLength": "long"});
        assert_eq!(
            read_token_request(&body).unwrap_err().field(),
            "sessionLength"
        );
        let body = json!({"clientId": "c", "dummyStatus": 1, "firstName": 2, "sex": 3});
        assert_eq!(read_token_request(&body).unwrap_err().field(), "firstName");
        let body = json!({"clientId": "c", "country": "XX", "locale": "EN"});
        assert_eq!(read_token_request(&body).unwrap_err().field(), "locale");
    }

    #[test]
    fn r4_numeric_client_id_and_nulls_are_read() {
        let request = read_token_request(&json!({"clientId": 100000, "firstName": null})).unwrap();
        assert_eq!(request.client_id().as_str(), "100000");
        assert!(request.first_name().is_none());
        let legacy = read_token_request(&json!({"personScanRef": "p-1"})).unwrap();
        assert_eq!(legacy.client_id().as_str(), "p-1");
        assert!(legacy.extra_fields().is_empty());
    }

    #[test]
    fn r4_echo_of_a_minimal_request_has_the_defaults_and_explicit_nulls() {
        let request = read_token_request(&json!({"clientId": "100000"})).unwrap();
        assert_eq!(
            Value::Object(response_echo(&request)),
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
        let echo = response_echo(&request);
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
        assert_eq!(effective_expiry_time(&request), 600);
        assert_eq!(effective_session_length(&request), 60);
    }

    #[test]
    fn r4_every_echoed_field_is_a_field_of_the_token_response() {
        // The echo and `TokenResponse` come from the same rows: nothing echoed is left to
        // `extra`, and the answer reads back the echoed values.
        let request = read_token_request(&json!({"clientId": "c-1", "firstName": "Ona"})).unwrap();
        let mut body = response_echo(&request);
        body.insert("authToken".to_owned(), json!("LEWCd6xHTW2auHrst9MEqZN8tU"));
        body.insert(
            "scanRef".to_owned(),
            json!("9b11acb2-8c27-11e9-9758-309c231b1bac"),
        );
        let answer: crate::TokenResponse = serde_json::from_value(Value::Object(body)).unwrap();
        assert!(answer.extra.is_empty(), "{:?}", answer.extra);
        assert_eq!(answer.first_name.as_ref().map(|n| n.as_str()), Some("ONA"));
        assert_eq!(answer.expiry_time, Some(3600));
    }

    #[test]
    fn p3_a_float_extra_field_reads_back_exactly() {
        // Parsed with serde_json's default float parser, this one came back one unit off in the
        // last place (fuzz/regressions/token_request/float-extra-field-one-unit-off).
        for float in [
            9.077_719_571_976_794e223,
            0.1,
            2.225_073_858_507_201e-308,
            1e300,
        ] {
            let built = TokenRequest::builder("c-1")
                .extra_field("score", json!(float))
                .build()
                .unwrap();
            let wire: Value = serde_json::from_slice(&built.to_json().unwrap()).unwrap();
            let read = read_token_request(&wire).unwrap();
            assert_eq!(read.extra_fields()["score"].as_f64(), Some(float));
            assert_eq!(read, built);
        }
    }
}
