//! `POST /api/v2/token`: creating a verification session (R2, R3, R4).

use std::collections::BTreeMap;
use std::fmt;

use http::{Request, Response};
use serde::Serialize;
use serde_json::Value;

use crate::config::Config;
use crate::decode::{self, Hooks, model};
use crate::endpoint::{Endpoint, RetryClass, success_body};
use crate::enums::{DocumentType, DummyStatus, Sex, TokenType};
use crate::error::{Error, InternalError, Rule, ValidationError};
use crate::extra::ExtraFields;
use crate::secret::{AuthToken, Personal};
use crate::types::{
    Address, ClientId, CountryCode, Date, DocumentNumber, ExternalRef, Locale, PersonName,
    PersonalNumber, ScanRef, WebUrl, check_length, check_range,
};

/// The path of the token endpoint.
const PATH: &str = "/api/v2/token";

/// The wire names of the typed fields, which an extra field may not repeat (R3), plus the legacy
/// alias `personScanRef` of `clientId`.
pub(crate) const TYPED_FIELDS: &[&str] = &[
    "clientId",
    "firstName",
    "lastName",
    "successUrl",
    "errorUrl",
    "unverifiedUrl",
    "callbackUrl",
    "locale",
    "expiryTime",
    "sessionLength",
    "country",
    "documents",
    "tokenType",
    "showInstructions",
    "generateDigitString",
    "dateOfBirth",
    "dateOfExpiry",
    "dateOfIssue",
    "nationality",
    "personalNumber",
    "documentNumber",
    "sex",
    "address",
    "externalRef",
    "videoCallQuestions",
    "utilityBill",
    "questionnaire",
    "dummyStatus",
    "personScanRef",
];

/// Bounds of `expiryTime` in seconds (R2: more than 0; at most 30 days).
pub(crate) const EXPIRY_TIME: (i64, i64) = (1, 2_592_000);
/// Bounds of `sessionLength` in seconds (R2: 60 to 3600 inclusive).
pub(crate) const SESSION_LENGTH: (i64, i64) = (60, 3600);

/// A validated request for a verification token (`POST /api/v2/token`).
///
/// Built with [`TokenRequest::builder`]; a `TokenRequest` that exists has passed every rule of
/// R2 and R3. Fields left unset are not serialized, so iDenfy applies its own defaults. `Debug`
/// redacts personal data (R10).
///
/// ```
/// use idenfy_proto::{DocumentType, TokenRequest};
/// let request = TokenRequest::builder("customer-42")
///     .country("lt")
///     .document(DocumentType::IdCard)
///     .expiry_time(86_400)
///     .build()?;
/// assert_eq!(
///     serde_json::to_value(&request)?,
///     serde_json::json!({"clientId": "customer-42", "country": "LT",
///                        "documents": ["ID_CARD"], "expiryTime": 86400})
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenRequest {
    client_id: ClientId,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_name: Option<PersonName>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_name: Option<PersonName>,
    #[serde(skip_serializing_if = "Option::is_none")]
    success_url: Option<WebUrl>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error_url: Option<WebUrl>,
    #[serde(skip_serializing_if = "Option::is_none")]
    unverified_url: Option<WebUrl>,
    #[serde(skip_serializing_if = "Option::is_none")]
    callback_url: Option<WebUrl>,
    #[serde(skip_serializing_if = "Option::is_none")]
    locale: Option<Locale>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expiry_time: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    session_length: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    country: Option<CountryCode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    documents: Option<Vec<DocumentType>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    token_type: Option<TokenType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    show_instructions: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    generate_digit_string: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_of_birth: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_of_expiry: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_of_issue: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    nationality: Option<Personal<CountryCode>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    personal_number: Option<PersonalNumber>,
    #[serde(skip_serializing_if = "Option::is_none")]
    document_number: Option<DocumentNumber>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sex: Option<Sex>,
    #[serde(skip_serializing_if = "Option::is_none")]
    address: Option<Address>,
    #[serde(skip_serializing_if = "Option::is_none")]
    external_ref: Option<ExternalRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    video_call_questions: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    utility_bill: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    questionnaire: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dummy_status: Option<DummyStatus>,
    #[serde(flatten)]
    extra: ExtraFields,
}

impl TokenRequest {
    /// Starts a request for the person the partner knows as `client_id` (`clientId`, 1 to 100
    /// characters).
    pub fn builder(client_id: impl Into<String>) -> TokenRequestBuilder {
        TokenRequestBuilder {
            client_id: client_id.into(),
            ..TokenRequestBuilder::default()
        }
    }

    /// `clientId`.
    pub fn client_id(&self) -> &ClientId {
        &self.client_id
    }
    /// `firstName`.
    pub fn first_name(&self) -> Option<&PersonName> {
        self.first_name.as_ref()
    }
    /// `lastName`.
    pub fn last_name(&self) -> Option<&PersonName> {
        self.last_name.as_ref()
    }
    /// `successUrl`.
    pub fn success_url(&self) -> Option<&WebUrl> {
        self.success_url.as_ref()
    }
    /// `errorUrl`.
    pub fn error_url(&self) -> Option<&WebUrl> {
        self.error_url.as_ref()
    }
    /// `unverifiedUrl`.
    pub fn unverified_url(&self) -> Option<&WebUrl> {
        self.unverified_url.as_ref()
    }
    /// `callbackUrl`.
    pub fn callback_url(&self) -> Option<&WebUrl> {
        self.callback_url.as_ref()
    }
    /// `locale`.
    pub fn locale(&self) -> Option<&Locale> {
        self.locale.as_ref()
    }
    /// `expiryTime`, in seconds.
    pub fn expiry_time(&self) -> Option<u32> {
        self.expiry_time
    }
    /// `sessionLength`, in seconds.
    pub fn session_length(&self) -> Option<u32> {
        self.session_length
    }
    /// `country`.
    pub fn country(&self) -> Option<CountryCode> {
        self.country
    }
    /// `documents`.
    pub fn documents(&self) -> Option<&[DocumentType]> {
        self.documents.as_deref()
    }
    /// `tokenType`.
    pub fn token_type(&self) -> Option<&TokenType> {
        self.token_type.as_ref()
    }
    /// `showInstructions`.
    pub fn show_instructions(&self) -> Option<bool> {
        self.show_instructions
    }
    /// `generateDigitString`.
    pub fn generate_digit_string(&self) -> Option<bool> {
        self.generate_digit_string
    }
    /// `dateOfBirth`.
    pub fn date_of_birth(&self) -> Option<Date> {
        self.date_of_birth
    }
    /// `dateOfExpiry`.
    pub fn date_of_expiry(&self) -> Option<Date> {
        self.date_of_expiry
    }
    /// `dateOfIssue`.
    pub fn date_of_issue(&self) -> Option<Date> {
        self.date_of_issue
    }
    /// `nationality`.
    pub fn nationality(&self) -> Option<CountryCode> {
        self.nationality.as_ref().map(|code| *code.expose())
    }
    /// `personalNumber`.
    pub fn personal_number(&self) -> Option<&PersonalNumber> {
        self.personal_number.as_ref()
    }
    /// `documentNumber`.
    pub fn document_number(&self) -> Option<&DocumentNumber> {
        self.document_number.as_ref()
    }
    /// `sex`.
    pub fn sex(&self) -> Option<&Sex> {
        self.sex.as_ref()
    }
    /// `address`.
    pub fn address(&self) -> Option<&Address> {
        self.address.as_ref()
    }
    /// `externalRef`.
    pub fn external_ref(&self) -> Option<&ExternalRef> {
        self.external_ref.as_ref()
    }
    /// `videoCallQuestions`.
    pub fn video_call_questions(&self) -> Option<&[String]> {
        self.video_call_questions.as_deref()
    }
    /// `utilityBill`.
    pub fn utility_bill(&self) -> Option<bool> {
        self.utility_bill
    }
    /// `questionnaire`.
    pub fn questionnaire(&self) -> Option<&str> {
        self.questionnaire.as_deref()
    }
    /// `dummyStatus`.
    pub fn dummy_status(&self) -> Option<&DummyStatus> {
        self.dummy_status.as_ref()
    }
    /// The extra fields, sent as they are.
    pub fn extra_fields(&self) -> &ExtraFields {
        &self.extra
    }

    /// Reads a token request as a server receives it — the JSON object of a `POST
    /// /api/v2/token` body — and checks it with exactly the rules of [`TokenRequestBuilder`]
    /// (P3: one source of truth; the emulator uses this).
    ///
    /// Each typed field must have its JSON type (`expiryTime` an integer, `showInstructions` a
    /// boolean, …), read as leniently as a server framework reads it: integral floats (`600.0`)
    /// and numeric strings (`"600"`) for integers, `"true"`/`"false"` for booleans, `null` as
    /// absent, and `clientId` as a number as iDenfy's own examples show — never looser than
    /// the JSON type, and the value rules are the builder's. Every other key becomes an extra
    /// field. Errors name the wire field: a missing or
    /// null `clientId` is [`Rule::Required`], a value of the wrong type is
    /// [`Rule::WrongType`], and the rest are the builder's rules.
    ///
    /// ```
    /// use idenfy_proto::{Rule, TokenRequest};
    /// let body = serde_json::json!({"clientId": "c-1", "expiryTime": 600, "theme": "dark"});
    /// let request = TokenRequest::from_json(&body)?;
    /// assert_eq!(request.expiry_time(), Some(600));
    /// assert_eq!(request.extra_fields()["theme"], "dark");
    ///
    /// let bad = serde_json::json!({"clientId": "c-1", "sessionLength": 30});
    /// assert_eq!(TokenRequest::from_json(&bad).unwrap_err().field(), "sessionLength");
    /// let missing = serde_json::json!({"firstName": "Ona"});
    /// assert_eq!(TokenRequest::from_json(&missing).unwrap_err().rule(), &Rule::Required);
    /// # Ok::<(), idenfy_proto::ValidationError>(())
    /// ```
    pub fn from_json(body: &Value) -> Result<TokenRequest, ValidationError> {
        crate::token_json::from_json(body)
    }

    /// The JSON body as sent.
    pub fn to_json(&self) -> Result<Vec<u8>, Error> {
        // Every key is a string and every value serializes, so this does not fail; were it to,
        // it would be a bug of this crate, not a refused value.
        serde_json::to_vec(self)
            .map_err(|error| InternalError::new("the request body", error).into())
    }
}

impl Endpoint for TokenRequest {
    type Output = TokenResponse;

    fn name(&self) -> &'static str {
        "token"
    }

    fn retry_class(&self) -> RetryClass {
        RetryClass::NotIdempotent
    }

    fn to_request(&self, config: &Config) -> Result<Request<Vec<u8>>, Error> {
        config.post_json(PATH, self.to_json()?)
    }

    fn parse(&self, response: Response<&[u8]>) -> Result<TokenResponse, Error> {
        let body = success_body(&response)?;
        Ok(decode::from_slice::<TokenResponseDraft>(body)?)
    }
}

/// Collects the fields of a [`TokenRequest`]; [`TokenRequestBuilder::build`] checks them all.
///
/// Setters take plain values so that every check happens in one place, `build()`, whose error
/// names the wire field and the rule. Calling a setter twice keeps the last value.
#[derive(Clone, Default)]
#[must_use = "a builder does nothing until `build()` is called"]
pub struct TokenRequestBuilder {
    client_id: String,
    first_name: Option<String>,
    last_name: Option<String>,
    success_url: Option<String>,
    error_url: Option<String>,
    unverified_url: Option<String>,
    callback_url: Option<String>,
    locale: Option<String>,
    expiry_time: Option<i64>,
    session_length: Option<i64>,
    country: Option<String>,
    documents: Option<Vec<DocumentType>>,
    token_type: Option<TokenType>,
    show_instructions: Option<bool>,
    generate_digit_string: Option<bool>,
    date_of_birth: Option<String>,
    date_of_expiry: Option<String>,
    date_of_issue: Option<String>,
    nationality: Option<String>,
    personal_number: Option<String>,
    document_number: Option<String>,
    sex: Option<Sex>,
    address: Option<String>,
    external_ref: Option<String>,
    video_call_questions: Option<Vec<String>>,
    utility_bill: Option<bool>,
    questionnaire: Option<String>,
    dummy_status: Option<DummyStatus>,
    extra: BTreeMap<String, Value>,
}

impl fmt::Debug for TokenRequestBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The builder holds unchecked personal data: show only what identifies the request.
        f.debug_struct("TokenRequestBuilder")
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

impl TokenRequestBuilder {
    /// `firstName`: 1 to 100 characters, no digits, none of ``~!@#$%^*()_+={}[]\|:;",<>/?``.
    pub fn first_name(mut self, value: impl Into<String>) -> Self {
        self.first_name = Some(value.into());
        self
    }
    /// `lastName`: as [`Self::first_name`].
    pub fn last_name(mut self, value: impl Into<String>) -> Self {
        self.last_name = Some(value.into());
        self
    }
    /// `successUrl`: 5 to 2048 characters, an absolute http(s) URL. Not for iframe sessions.
    pub fn success_url(mut self, value: impl Into<String>) -> Self {
        self.success_url = Some(value.into());
        self
    }
    /// `errorUrl`: as [`Self::success_url`].
    pub fn error_url(mut self, value: impl Into<String>) -> Self {
        self.error_url = Some(value.into());
        self
    }
    /// `unverifiedUrl`: as [`Self::success_url`].
    pub fn unverified_url(mut self, value: impl Into<String>) -> Self {
        self.unverified_url = Some(value.into());
        self
    }
    /// `callbackUrl`, the webhook receiver of this session: as [`Self::success_url`], and
    /// `https` unless the host is a loopback address.
    pub fn callback_url(mut self, value: impl Into<String>) -> Self {
        self.callback_url = Some(value.into());
        self
    }
    /// `locale`: a language tag such as `en`, `lt` or `pt-BR` (see [`Locale`]).
    pub fn locale(mut self, value: impl Into<String>) -> Self {
        self.locale = Some(value.into());
        self
    }
    /// `expiryTime`: how long the token stays valid before first use, 1 to 2 592 000 seconds.
    pub fn expiry_time(mut self, seconds: i64) -> Self {
        self.expiry_time = Some(seconds);
        self
    }
    /// `sessionLength`: how long the person has once inside the UI, 60 to 3600 seconds.
    pub fn session_length(mut self, seconds: i64) -> Self {
        self.session_length = Some(seconds);
        self
    }
    /// `country`: an ISO 3166-1 alpha-2 code, any case (sent upper-case).
    pub fn country(mut self, value: impl Into<String>) -> Self {
        self.country = Some(value.into());
        self
    }
    /// Adds one accepted document type to `documents`.
    pub fn document(mut self, value: DocumentType) -> Self {
        self.documents.get_or_insert_with(Vec::new).push(value);
        self
    }
    /// `documents`: the accepted document types (replaces any set before).
    pub fn documents(mut self, values: impl IntoIterator<Item = DocumentType>) -> Self {
        self.documents = Some(values.into_iter().collect());
        self
    }
    /// `tokenType`: one of the known [`TokenType`]s.
    pub fn token_type(mut self, value: TokenType) -> Self {
        self.token_type = Some(value);
        self
    }
    /// `showInstructions`.
    pub fn show_instructions(mut self, value: bool) -> Self {
        self.show_instructions = Some(value);
        self
    }
    /// `generateDigitString`: ask for an 8-digit code for iDenfy's mobile app.
    pub fn generate_digit_string(mut self, value: bool) -> Self {
        self.generate_digit_string = Some(value);
        self
    }
    /// `dateOfBirth`: a calendar date `YYYY-MM-DD` (a [`Date`] or a string).
    pub fn date_of_birth(mut self, value: impl ToString) -> Self {
        self.date_of_birth = Some(value.to_string());
        self
    }
    /// `dateOfExpiry`: as [`Self::date_of_birth`].
    pub fn date_of_expiry(mut self, value: impl ToString) -> Self {
        self.date_of_expiry = Some(value.to_string());
        self
    }
    /// `dateOfIssue`: as [`Self::date_of_birth`].
    pub fn date_of_issue(mut self, value: impl ToString) -> Self {
        self.date_of_issue = Some(value.to_string());
        self
    }
    /// `nationality`: an ISO 3166-1 alpha-2 code, any case (sent upper-case).
    pub fn nationality(mut self, value: impl Into<String>) -> Self {
        self.nationality = Some(value.into());
        self
    }
    /// `personalNumber`: 1 to 50 characters.
    pub fn personal_number(mut self, value: impl Into<String>) -> Self {
        self.personal_number = Some(value.into());
        self
    }
    /// `documentNumber`: 1 to 50 characters.
    pub fn document_number(mut self, value: impl Into<String>) -> Self {
        self.document_number = Some(value.into());
        self
    }
    /// `sex`: `M` or `F`.
    pub fn sex(mut self, value: Sex) -> Self {
        self.sex = Some(value);
        self
    }
    /// `address`: at most 255 characters.
    pub fn address(mut self, value: impl Into<String>) -> Self {
        self.address = Some(value.into());
        self
    }
    /// `externalRef`: the partner's own reference, at most 40 characters.
    pub fn external_ref(mut self, value: impl Into<String>) -> Self {
        self.external_ref = Some(value.into());
        self
    }
    /// `videoCallQuestions`: questions asked during a video call.
    pub fn video_call_questions(mut self, values: impl IntoIterator<Item = String>) -> Self {
        self.video_call_questions = Some(values.into_iter().collect());
        self
    }
    /// `utilityBill`: ask for a utility bill.
    pub fn utility_bill(mut self, value: bool) -> Self {
        self.utility_bill = Some(value);
        self
    }
    /// `questionnaire`: the key of a questionnaire configured in the dashboard.
    pub fn questionnaire(mut self, value: impl Into<String>) -> Self {
        self.questionnaire = Some(value.into());
        self
    }
    /// `dummyStatus`: in iDenfy's DEV environment, create an already finished verification with
    /// this result.
    pub fn dummy_status(mut self, value: DummyStatus) -> Self {
        self.dummy_status = Some(value);
        self
    }
    /// Any other field of the current API, sent verbatim. A key naming one of the typed fields
    /// above is refused by [`Self::build`] (R3).
    pub fn extra_field(mut self, key: impl Into<String>, value: Value) -> Self {
        self.extra.insert(key.into(), value);
        self
    }

    /// Checks every field against R2 and R3 and builds the request. The first failure, in
    /// wire-field order, is returned, naming the field and the rule.
    pub fn build(self) -> Result<TokenRequest, ValidationError> {
        let client_id = ClientId::for_field("clientId", self.client_id)?;
        let first_name = self
            .first_name
            .map(|v| PersonName::for_field("firstName", v))
            .transpose()?;
        let last_name = self
            .last_name
            .map(|v| PersonName::for_field("lastName", v))
            .transpose()?;
        let success_url = self
            .success_url
            .map(|v| WebUrl::for_field("successUrl", v))
            .transpose()?;
        let error_url = self
            .error_url
            .map(|v| WebUrl::for_field("errorUrl", v))
            .transpose()?;
        let unverified_url = self
            .unverified_url
            .map(|v| WebUrl::for_field("unverifiedUrl", v))
            .transpose()?;
        let callback_url = self
            .callback_url
            .map(|v| WebUrl::callback("callbackUrl", v))
            .transpose()?;
        let locale = self
            .locale
            .map(|v| Locale::for_field("locale", v))
            .transpose()?;
        let expiry_time = self
            .expiry_time
            .map(|v| seconds("expiryTime", v, EXPIRY_TIME))
            .transpose()?;
        let session_length = self
            .session_length
            .map(|v| seconds("sessionLength", v, SESSION_LENGTH))
            .transpose()?;
        let country = self
            .country
            .map(|v| CountryCode::for_field("country", &v))
            .transpose()?;
        if let Some(documents) = &self.documents {
            for document in documents {
                check_length("documents", document.as_str(), 1, 100)?;
            }
        }
        if let Some(token_type) = &self.token_type {
            known("tokenType", token_type.is_known(), TokenType::KNOWN_STRS)?;
        }
        let date_of_birth = self
            .date_of_birth
            .map(|v| Date::for_field("dateOfBirth", &v))
            .transpose()?;
        let date_of_expiry = self
            .date_of_expiry
            .map(|v| Date::for_field("dateOfExpiry", &v))
            .transpose()?;
        let date_of_issue = self
            .date_of_issue
            .map(|v| Date::for_field("dateOfIssue", &v))
            .transpose()?;
        let nationality = self
            .nationality
            .map(|v| CountryCode::for_field("nationality", &v).map(Personal::new))
            .transpose()?;
        let personal_number = self
            .personal_number
            .map(|v| PersonalNumber::for_field("personalNumber", v))
            .transpose()?;
        let document_number = self
            .document_number
            .map(|v| DocumentNumber::for_field("documentNumber", v))
            .transpose()?;
        if let Some(sex) = &self.sex {
            known("sex", sex.is_known(), Sex::KNOWN_STRS)?;
        }
        let address = self
            .address
            .map(|v| Address::for_field("address", v))
            .transpose()?;
        let external_ref = self
            .external_ref
            .map(|v| ExternalRef::for_field("externalRef", v))
            .transpose()?;
        if let Some(dummy_status) = &self.dummy_status {
            known(
                "dummyStatus",
                dummy_status.is_known(),
                DummyStatus::KNOWN_STRS,
            )?;
        }
        for key in self.extra.keys() {
            if TYPED_FIELDS.contains(&key.as_str()) {
                return Err(ValidationError::new(
                    key.clone(),
                    Rule::CollidesWithTypedField,
                ));
            }
            if key.is_empty() {
                return Err(ValidationError::new("extra field", Rule::Required));
            }
        }

        Ok(TokenRequest {
            client_id,
            first_name,
            last_name,
            success_url,
            error_url,
            unverified_url,
            callback_url,
            locale,
            expiry_time,
            session_length,
            country,
            documents: self.documents,
            token_type: self.token_type,
            show_instructions: self.show_instructions,
            generate_digit_string: self.generate_digit_string,
            date_of_birth,
            date_of_expiry,
            date_of_issue,
            nationality,
            personal_number,
            document_number,
            sex: self.sex,
            address,
            external_ref,
            video_call_questions: self.video_call_questions,
            utility_bill: self.utility_bill,
            questionnaire: self.questionnaire,
            dummy_status: self.dummy_status,
            extra: ExtraFields::from_map(self.extra),
        })
    }
}

fn seconds(
    field: &'static str,
    value: i64,
    (min, max): (i64, i64),
) -> Result<u32, ValidationError> {
    check_range(field, value, min, max)?;
    u32::try_from(value).map_err(|_| {
        ValidationError::new(
            field,
            Rule::Range {
                min,
                max,
                actual: value,
            },
        )
    })
}

fn known(
    field: &'static str,
    is_known: bool,
    allowed: &'static [&'static str],
) -> Result<(), ValidationError> {
    if is_known {
        Ok(())
    } else {
        Err(ValidationError::new(field, Rule::OneOf { allowed }))
    }
}

model! {
    /// The answer to a token request (R4): the `authToken` and `scanRef` of the new session and
    /// the echo of the request with the server's defaults filled in.
    ///
    /// Only `authToken` and `scanRef` are required; every echoed field is optional and read
    /// leniently, field by field (R4, R7): `clientId` may be a number, integers may be floats or
    /// strings, `null` is accepted everywhere, and an echoed value that does not fit its field
    /// (`"showInstructions": "yes"`) leaves that field `None` and is kept raw in
    /// [`TokenResponse::extra`] — so a `2xx` answer that carries `authToken` and `scanRef` always
    /// yields them: the token exists and was paid for. Should one of the two be missing, the
    /// [`DecodeError`](crate::DecodeError) names it and carries the other
    /// ([`DecodeError::scan_ref`](crate::DecodeError::scan_ref),
    /// [`DecodeError::auth_token`](crate::DecodeError::auth_token)). Fields this version does not
    /// model are kept in [`TokenResponse::extra`] too. `Debug` redacts the token and personal data (R10); `Serialize`
    /// writes every field back with iDenfy's names (the token included: serializing is asking for
    /// it).
    #[derive(Debug, Clone)]
    #[non_exhaustive]
    pub struct TokenResponse / TokenResponseDraft (nulls = true) {
        /// The token that starts the person's session (redirect URL, iframe or SDK).
        req auth_token: AuthToken = "authToken",
        /// The identifier of the verification, used by every later call.
        req scan_ref: ScanRef = "scanRef",
        /// The partner's identifier of the person, as a string even when sent as a number.
        opt client_id: String = "clientId",
        /// An informational message such as "Token created successfully".
        opt message: String = "message",
        /// The legacy alias of `clientId`.
        opt person_scan_ref: String = "personScanRef",
        /// A direct URL of the hosted flow, in newer responses. It carries the `authToken`, so
        /// `Debug` redacts it like the token itself (R10).
        opt redirect_url: Personal<String> = "redirectUrl",
        /// The 8-digit code for iDenfy's mobile app, when `generateDigitString` was set.
        opt digit_string: Personal<String> = "digitString",
        /// `firstName` as stored (upper-cased by iDenfy).
        opt first_name: Personal<String> = "firstName",
        /// `lastName` as stored (upper-cased by iDenfy).
        opt last_name: Personal<String> = "lastName",
        /// `successUrl`.
        opt success_url: String = "successUrl",
        /// `errorUrl`.
        opt error_url: String = "errorUrl",
        /// `unverifiedUrl`.
        opt unverified_url: String = "unverifiedUrl",
        /// `callbackUrl`.
        opt callback_url: String = "callbackUrl",
        /// `locale`.
        opt locale: String = "locale",
        /// `showInstructions`.
        opt show_instructions: bool = "showInstructions",
        /// `country`, as echoed (iDenfy echoes the case it was given).
        opt country: String = "country",
        /// `expiryTime`, in seconds.
        opt expiry_time: i64 = "expiryTime",
        /// `sessionLength`, in seconds.
        opt session_length: i64 = "sessionLength",
        /// `documents`.
        opt documents: Vec<DocumentType> = "documents",
        /// `dateOfBirth`, as a string (placeholders such as `YYYY-MM-DD` occur; see [`Date::parse`]).
        opt date_of_birth: Personal<String> = "dateOfBirth",
        /// `dateOfExpiry`, as a string.
        opt date_of_expiry: Personal<String> = "dateOfExpiry",
        /// `dateOfIssue`, as a string.
        opt date_of_issue: Personal<String> = "dateOfIssue",
        /// `nationality`.
        opt nationality: Personal<String> = "nationality",
        /// `personalNumber`.
        opt personal_number: Personal<String> = "personalNumber",
        /// `documentNumber`.
        opt document_number: Personal<String> = "documentNumber",
        /// `sex`.
        opt sex: Sex = "sex",
        /// `address`.
        opt address: Personal<String> = "address",
        /// `tokenType`.
        opt token_type: TokenType = "tokenType",
        /// `videoCallQuestions`.
        opt video_call_questions: Vec<String> = "videoCallQuestions",
        /// `externalRef`.
        opt external_ref: String = "externalRef",
        /// `utilityBill`.
        opt utility_bill: bool = "utilityBill",
        /// `questionnaire`.
        opt questionnaire: String = "questionnaire",
    }
}

impl Hooks for TokenResponseDraft {}
