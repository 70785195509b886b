//! `POST /api/v2/token`: creating a verification session (R2, R3, R4).
//!
//! The request's typed fields are declared once, in [`token_fields!`]: one row per field. From
//! that table come the [`TokenRequest`] struct and its `Serialize`, its getters,
//! [`TokenRequest::FIELDS`], the [`TokenRequestBuilder`]'s fields and setters, the checks of
//! `build()` in wire-field order, the echoed fields of [`TokenResponse`] (here), and the
//! server-side reader and echo ([`crate::server`]).

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
    PersonalNumber, ScanRef, WebUrl,
};

/// The typed fields of the token request (R2, R3), declared once; `clientId`, the one required
/// field, is the argument of [`TokenRequest::builder`] and not a row.
///
/// `token_fields!(then)` reads the rows once and calls the macro `then` with each row's columns
/// in groups of their own, `{ name "wire" [docs] [INPUT] [Checked] [RULE] [Getter] [MODE]
/// [Answer, note] }`, so that a consumer matches the columns it uses and skips the others as
/// single token trees. The consumers are `token_request!` (below: the request, its builder and
/// [`TokenResponse`]) and `server_fields!` (`server/token.rs`: the reader of a received body
/// and the echo). A row, in the order the fields are serialized and checked:
///
/// ```text
/// /// The setter's documentation.
/// rust_name "wireName": INPUT => Checked, rule RULE, get Getter,
///     echo MODE as Answer[, "note for the TokenResponse field"];   // or: not echoed;
/// ```
///
/// - `INPUT`, what the setter takes and the builder keeps until `build()`: `text`
///   (`impl Into<String>`), `display` (`impl ToString`, kept as a `String`), `value(T)` (a
///   `T`), or `list(T)` (`impl IntoIterator<Item = T>`, kept as a `Vec<T>`). The server-side
///   reader reads the kept type from JSON (`crate::server`'s `FromBody`).
/// - `Checked`, the type the request holds, made by `RULE(wire_name, kept) -> Result<Checked,
///   ValidationError>`: a newtype's `for_field`, or a function of [`rules`].
/// - `Getter`, what the getter returns (`Option<Getter>`), borrowed from `Checked` through
///   [`View`].
/// - `MODE`, how iDenfy echoes the field in its answer (reference §3.1.3): `value` (as sent, or
///   `null`), `upper` (upper-cased, or `null`) or `default(CONST)` (as sent, or the constant of
///   [`crate::server`] that the server applies); `Answer` is the type of the field in
///   [`TokenResponse`]. `not echoed` fields are neither echoed nor in the answer.
macro_rules! token_fields {
    ($then:ident) => {
        token_fields! { @rows $then
            /// `firstName`: 1 to 100 characters, no digits, none of
            /// ``~!@#$%^*()_+={}[]\|:;",<>/?``.
            first_name "firstName": text => PersonName, rule PersonName::for_field,
                get &PersonName, echo upper as Personal<String>, "as stored (upper-cased by iDenfy)";
            /// `lastName`: as [`Self::first_name`].
            last_name "lastName": text => PersonName, rule PersonName::for_field,
                get &PersonName, echo upper as Personal<String>, "as stored (upper-cased by iDenfy)";
            /// `successUrl`: 5 to 2048 characters, an absolute http(s) URL. Not for iframe sessions.
            success_url "successUrl": text => WebUrl, rule WebUrl::for_field,
                get &WebUrl, echo default(DEFAULT_SUCCESS_URL) as String;
            /// `errorUrl`: as [`Self::success_url`].
            error_url "errorUrl": text => WebUrl, rule WebUrl::for_field,
                get &WebUrl, echo default(DEFAULT_ERROR_URL) as String;
            /// `unverifiedUrl`: as [`Self::success_url`].
            unverified_url "unverifiedUrl": text => WebUrl, rule WebUrl::for_field,
                get &WebUrl, echo default(DEFAULT_UNVERIFIED_URL) as String;
            /// `callbackUrl`, the webhook receiver of this session: as [`Self::success_url`], and
            /// `https` unless the host is a loopback address.
            callback_url "callbackUrl": text => WebUrl, rule WebUrl::callback,
                get &WebUrl, echo value as String;
            /// `locale`: a language tag such as `en`, `lt` or `pt-BR` (see [`Locale`]).
            locale "locale": text => Locale, rule Locale::for_field,
                get &Locale, echo default(DEFAULT_LOCALE) as String;
            /// `expiryTime`: how long the token stays valid before first use, 1 to 2 592 000
            /// seconds.
            expiry_time "expiryTime": value(i64) => u32, rule rules::expiry_time,
                get u32, echo default(DEFAULT_EXPIRY_TIME) as i64, "in seconds";
            /// `sessionLength`: how long the person has once inside the UI, 60 to 3600 seconds.
            session_length "sessionLength": value(i64) => u32, rule rules::session_length,
                get u32, echo default(DEFAULT_SESSION_LENGTH) as i64, "in seconds";
            /// `country`: an ISO 3166-1 alpha-2 code, any case (sent upper-case).
            country "country": text => CountryCode, rule rules::country,
                get CountryCode, echo value as String, "as echoed (iDenfy echoes the case it was given)";
            /// `documents`: the accepted document types (the setter replaces any set before;
            /// [`TokenRequestBuilder::document`] adds one).
            documents "documents": list(DocumentType) => Vec<DocumentType>, rule rules::documents,
                get &[DocumentType], echo default(DEFAULT_DOCUMENTS) as Vec<DocumentType>;
            /// `tokenType`: one of the known [`TokenType`]s.
            token_type "tokenType": value(TokenType) => TokenType, rule rules::known,
                get &TokenType, echo default(DEFAULT_TOKEN_TYPE) as TokenType;
            /// `showInstructions`.
            show_instructions "showInstructions": value(bool) => bool, rule rules::any,
                get bool, echo default(DEFAULT_SHOW_INSTRUCTIONS) as bool;
            /// `generateDigitString`: ask for an 8-digit code for iDenfy's mobile app.
            generate_digit_string "generateDigitString": value(bool) => bool, rule rules::any,
                get bool, not echoed;
            /// `dateOfBirth`: a calendar date `YYYY-MM-DD` (a [`Date`] or a string).
            date_of_birth "dateOfBirth": display => Date, rule rules::date,
                get Date, echo value as Personal<String>,
                "as a string (placeholders such as `YYYY-MM-DD` occur; see [`Date::parse`])";
            /// `dateOfExpiry`: as [`Self::date_of_birth`].
            date_of_expiry "dateOfExpiry": display => Date, rule rules::date,
                get Date, echo value as Personal<String>, "as a string";
            /// `dateOfIssue`: as [`Self::date_of_birth`].
            date_of_issue "dateOfIssue": display => Date, rule rules::date,
                get Date, echo value as Personal<String>, "as a string";
            /// `nationality`: an ISO 3166-1 alpha-2 code, any case (sent upper-case).
            nationality "nationality": text => Personal<CountryCode>, rule rules::nationality,
                get CountryCode, echo value as Personal<String>;
            /// `personalNumber`: 1 to 50 characters.
            personal_number "personalNumber": text => PersonalNumber, rule PersonalNumber::for_field,
                get &PersonalNumber, echo value as Personal<String>;
            /// `documentNumber`: 1 to 50 characters.
            document_number "documentNumber": text => DocumentNumber, rule DocumentNumber::for_field,
                get &DocumentNumber, echo value as Personal<String>;
            /// `sex`: `M` or `F`.
            sex "sex": value(Sex) => Sex, rule rules::known,
                get &Sex, echo value as Sex;
            /// `address`: at most 255 characters.
            address "address": text => Address, rule Address::for_field,
                get &Address, echo value as Personal<String>;
            /// `externalRef`: the partner's own reference, at most 40 characters.
            external_ref "externalRef": text => ExternalRef, rule ExternalRef::for_field,
                get &ExternalRef, echo value as String;
            /// `videoCallQuestions`: questions asked during a video call.
            video_call_questions "videoCallQuestions": list(String) => Vec<String>, rule rules::any,
                get &[String], echo default(DEFAULT_VIDEO_CALL_QUESTIONS) as Vec<String>;
            /// `utilityBill`: ask for a utility bill.
            utility_bill "utilityBill": value(bool) => bool, rule rules::any,
                get bool, echo value as bool;
            /// `questionnaire`: the key of a questionnaire configured in the dashboard.
            questionnaire "questionnaire": text => String, rule rules::any,
                get &str, echo value as String;
            /// `dummyStatus`: in iDenfy's DEV environment, create an already finished
            /// verification with this result.
            dummy_status "dummyStatus": value(DummyStatus) => DummyStatus, rule rules::known,
                get &DummyStatus, not echoed;
        }
    };
    // Reads the rows once and hands them to `$then` with each column in a group of its own, so
    // that a consumer names the columns it uses and skips the others as single token trees.
    (@rows $then:ident $(
        $(#[doc = $doc:literal])*
        $name:ident $wire:literal : $input:ident $(($item:ty))? => $checked:ty,
            rule $rule:path, get $get:ty,
            $(not echoed)?
            $(echo $mode:ident $(($default:ident))? as $answer:ty $(, $note:literal)?)?;
    )*) => {
        $then! { $({
            $name $wire [$($doc)*] [$input $(($item))?] [$checked] [$rule] [$get]
            [$($mode $(($default))?)?] [$($answer $(, $note)?)?]
        })* }
    };
}
pub(crate) use token_fields;

/// What a setter of an `INPUT` kind of [`token_fields!`] takes (`arg`), what the builder keeps
/// (`kept`), and how the one becomes the other (`keep`).
macro_rules! token_input {
    (arg [text]) => { impl Into<String> };
    (arg [display]) => { impl ToString };
    (arg [value($t:ty)]) => { $t };
    (arg [list($t:ty)]) => { impl IntoIterator<Item = $t> };
    (kept [text]) => { String };
    (kept [display]) => { String };
    (kept [value($t:ty)]) => { $t };
    (kept [list($t:ty)]) => { Vec<$t> };
    (keep [text] $v:ident) => { $v.into() };
    (keep [display] $v:ident) => { $v.to_string() };
    (keep [value($t:ty)] $v:ident) => { $v };
    (keep [list($t:ty)] $v:ident) => { $v.into_iter().collect() };
}
pub(crate) use token_input;

/// The path of the token endpoint.
const PATH: &str = "/api/v2/token";

/// The legacy alias of `clientId` (`personScanRef`): no extra field may use it either.
const CLIENT_ID_ALIAS: &str = "personScanRef";

/// Whether `key` is the wire name of a typed field, or the legacy alias of `clientId`: such a
/// key is refused as an extra field (R3), and a received body's reader does not keep it as one.
pub(crate) fn is_typed_field(key: &str) -> bool {
    key == CLIENT_ID_ALIAS || TokenRequest::FIELDS.contains(&key)
}

/// The consumer of [`token_fields!`] that writes the client's side: [`TokenRequest`],
/// [`TokenRequestBuilder`] and [`TokenResponse`].
macro_rules! token_request {
    ($({
        $name:ident $wire:literal [$($doc:literal)*] $input:tt [$checked:ty] [$rule:path]
        [$get:ty] [$($mode:ident $(($default:ident))?)?] [$($answer:ty $(, $note:literal)?)?]
    })*) => {
        /// A validated request for a verification token (`POST /api/v2/token`).
        ///
        /// Built with [`TokenRequest::builder`]; a `TokenRequest` that exists has passed every
        /// rule of R2 and R3. Fields left unset are not serialized, so iDenfy applies its own
        /// defaults. `Debug` redacts personal data (R10).
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
        pub struct TokenRequest {
            #[serde(rename = "clientId")]
            client_id: ClientId,
            $(
                #[serde(rename = $wire, skip_serializing_if = "Option::is_none")]
                $name: Option<$checked>,
            )*
            #[serde(flatten)]
            extra: ExtraFields,
        }

        impl TokenRequest {
            /// The wire names of the typed fields, in the order they are serialized and checked:
            /// `clientId` first. An extra field may use none of them, nor `personScanRef`, the
            /// legacy alias of `clientId` (R3).
            pub const FIELDS: &'static [&'static str] = &["clientId", $($wire),*];

            /// How many levels of arrays and objects an extra field's value may nest (R3): far
            /// more than any field of the API has, and well inside what serde_json reads (it
            /// stops at the 128th level), so that the request and its echo are read as JSON,
            /// here and in the emulator. A deeper value is refused by
            /// [`TokenRequestBuilder::build`].
            pub const EXTRA_FIELD_MAX_DEPTH: usize = 32;

            /// `clientId`.
            pub fn client_id(&self) -> &ClientId {
                &self.client_id
            }

            $(
                #[doc = concat!(
                    "`", $wire, "`, as set by [`TokenRequestBuilder::", stringify!($name), "`]."
                )]
                pub fn $name(&self) -> Option<$get> {
                    self.$name.as_ref().map(View::view)
                }
            )*
        }

        /// Collects the fields of a [`TokenRequest`]; [`TokenRequestBuilder::build`] checks
        /// them all.
        ///
        /// Setters take plain values so that every check happens in one place, `build()`,
        /// whose error names the wire field and the rule. Calling a setter twice keeps the last
        /// value.
        #[derive(Clone, Default)]
        #[must_use = "a builder does nothing until `build()` is called"]
        pub struct TokenRequestBuilder {
            client_id: String,
            $( $name: Option<token_input!(kept $input)>, )*
            extra: BTreeMap<String, Value>,
        }

        impl TokenRequestBuilder {
            $(
                $(#[doc = $doc])*
                pub fn $name(mut self, value: token_input!(arg $input)) -> Self {
                    self.$name = Some(token_input!(keep $input value));
                    self
                }
            )*

            /// Checks every field against R2 and R3 and builds the request. The first failure,
            /// in wire-field order ([`TokenRequest::FIELDS`], then the extra fields), is
            /// returned, naming the field and the rule.
            pub fn build(self) -> Result<TokenRequest, ValidationError> {
                let client_id = ClientId::for_field("clientId", self.client_id)?;
                $( let $name = self.$name.map(|value| $rule($wire, value)).transpose()?; )*
                for (key, value) in &self.extra {
                    if is_typed_field(key) {
                        return Err(ValidationError::new(
                            key.clone(),
                            Rule::CollidesWithTypedField,
                        ));
                    }
                    if key.is_empty() {
                        return Err(ValidationError::new("extra field", Rule::Required));
                    }
                    let max = TokenRequest::EXTRA_FIELD_MAX_DEPTH;
                    if crate::depth::deeper_than(value, max) {
                        return Err(ValidationError::new(key.clone(), Rule::TooDeep { max }));
                    }
                }
                Ok(TokenRequest {
                    client_id,
                    $( $name, )*
                    extra: ExtraFields::from_map(self.extra),
                })
            }
        }

        model! {
            /// The answer to a token request (R4): the `authToken` and `scanRef` of the new
            /// session and the echo of the request with the server's defaults filled in.
            ///
            /// Only `authToken` and `scanRef` are required; every echoed field is optional and
            /// read leniently, field by field (R4, R7): `clientId` may be a number, integers may
            /// be floats or strings, `null` is accepted everywhere, and an echoed value that
            /// does not fit its field (`"showInstructions": "yes"`) leaves that field `None` and
            /// is kept raw in [`TokenResponse::extra`] — so a `2xx` answer that carries
            /// `authToken` and `scanRef` always yields them: the token exists and was paid for.
            /// Should one of the two be missing, the [`DecodeError`](crate::DecodeError) names
            /// it and carries the other ([`DecodeError::scan_ref`](crate::DecodeError::scan_ref),
            /// [`DecodeError::auth_token`](crate::DecodeError::auth_token)). Fields this version
            /// does not model are kept in [`TokenResponse::extra`] too. `Debug` redacts the
            /// token and personal data (R10); `Serialize` writes every field back with iDenfy's
            /// names (the token included: serializing is asking for it).
            #[derive(Debug, Clone)]
            #[non_exhaustive]
            pub struct TokenResponse / TokenResponseDraft (nulls = true) {
                /// The token that starts the person's session (redirect URL, iframe or SDK).
                req auth_token: AuthToken = "authToken",
                /// The identifier of the verification, used by every later call.
                req scan_ref: ScanRef = "scanRef",
                /// The partner's identifier of the person, as a string even when sent as a
                /// number.
                opt client_id: String = "clientId",
                /// An informational message such as "Token created successfully".
                opt message: String = "message",
                /// The legacy alias of `clientId`.
                opt person_scan_ref: String = "personScanRef",
                /// A direct URL of the hosted flow, in newer responses. It carries the
                /// `authToken`, so `Debug` redacts it like the token itself (R10).
                opt redirect_url: Personal<String> = "redirectUrl",
                /// The 8-digit code for iDenfy's mobile app, when `generateDigitString` was
                /// set.
                opt digit_string: Personal<String> = "digitString",
                $($(
                    #[doc = concat!("`", $wire, "`", $(", ", $note,)? ".")]
                    $(#[doc = concat!(
                        "When the request left it out, iDenfy echoes its default, [`",
                        stringify!($default), "`](crate::server::", stringify!($default), ")."
                    )])?
                    opt $name: $answer = $wire,
                )?)*
            }
        }
    };
}

token_fields!(token_request);

impl TokenRequest {
    /// Starts a request for the person the partner knows as `client_id` (`clientId`, 1 to 100
    /// characters).
    pub fn builder(client_id: impl Into<String>) -> TokenRequestBuilder {
        TokenRequestBuilder {
            client_id: client_id.into(),
            ..TokenRequestBuilder::default()
        }
    }

    /// The extra fields, sent as they are.
    pub fn extra_fields(&self) -> &ExtraFields {
        &self.extra
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

impl fmt::Debug for TokenRequestBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The builder holds unchecked personal data: show only what identifies the request.
        f.debug_struct("TokenRequestBuilder")
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

impl TokenRequestBuilder {
    /// Adds one accepted document type to `documents`.
    pub fn document(mut self, value: DocumentType) -> Self {
        self.documents.get_or_insert_with(Vec::new).push(value);
        self
    }

    /// Any other field of the current API, sent verbatim. A key naming one of the typed fields
    /// ([`TokenRequest::FIELDS`]) or `personScanRef`, and a value nesting arrays and objects
    /// more than [`TokenRequest::EXTRA_FIELD_MAX_DEPTH`] levels deep, are refused by
    /// [`Self::build`] (R3).
    pub fn extra_field(mut self, key: impl Into<String>, value: Value) -> Self {
        self.extra.insert(key.into(), value);
        self
    }
}

impl Hooks for TokenResponseDraft {}

/// How a getter of [`TokenRequest`] lends a checked value: the value itself for the small
/// `Copy` ones, a reference, a slice for a list, `&str` for a `String`, the code inside a
/// [`Personal`] country code. The getter's return type, written in [`token_fields!`], chooses.
trait View<'a, Out> {
    fn view(&'a self) -> Out;
}

impl<'a, T> View<'a, &'a T> for T {
    fn view(&'a self) -> &'a T {
        self
    }
}

impl<T: Copy> View<'_, T> for T {
    fn view(&self) -> T {
        *self
    }
}

impl<'a, T> View<'a, &'a [T]> for Vec<T> {
    fn view(&'a self) -> &'a [T] {
        self
    }
}

impl<'a> View<'a, &'a str> for String {
    fn view(&'a self) -> &'a str {
        self
    }
}

impl<T: Copy> View<'_, T> for Personal<T> {
    fn view(&self) -> T {
        *self.expose()
    }
}

/// The rules of the fields whose checked type has no `for_field` of the same shape: each takes
/// the wire name and the kept value and returns the checked value (R2, R3).
pub(crate) mod rules {
    use super::{CountryCode, Date, DocumentType, Personal, Rule, ValidationError};
    use crate::enums::KnownValues;
    use crate::types::{check_length, check_range};

    /// Bounds of `expiryTime` in seconds (R2: more than 0; at most 30 days).
    const EXPIRY_TIME: (i64, i64) = (1, 2_592_000);
    /// Bounds of `sessionLength` in seconds (R2: 60 to 3600 inclusive).
    const SESSION_LENGTH: (i64, i64) = (60, 3600);

    /// `expiryTime`: 1 to 2 592 000 seconds.
    pub(super) fn expiry_time(field: &'static str, value: i64) -> Result<u32, ValidationError> {
        seconds(field, value, EXPIRY_TIME)
    }

    /// `sessionLength`: 60 to 3600 seconds.
    pub(super) fn session_length(field: &'static str, value: i64) -> Result<u32, ValidationError> {
        seconds(field, value, SESSION_LENGTH)
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

    /// An officially assigned ISO 3166-1 alpha-2 code, any case.
    pub(super) fn country(
        field: &'static str,
        value: String,
    ) -> Result<CountryCode, ValidationError> {
        CountryCode::for_field(field, &value)
    }

    /// A country code that is personal data (`nationality`).
    pub(super) fn nationality(
        field: &'static str,
        value: String,
    ) -> Result<Personal<CountryCode>, ValidationError> {
        country(field, value).map(Personal::new)
    }

    /// A calendar date written `YYYY-MM-DD`.
    pub(super) fn date(field: &'static str, value: String) -> Result<Date, ValidationError> {
        Date::for_field(field, &value)
    }

    /// Document types, unknown ones included (R3), each 1 to 100 characters.
    pub(super) fn documents(
        field: &'static str,
        values: Vec<DocumentType>,
    ) -> Result<Vec<DocumentType>, ValidationError> {
        for value in &values {
            check_length(field, value.as_str(), 1, 100)?;
        }
        Ok(values)
    }

    /// A value of an enum this version knows: `Unknown(_)` is refused (R3).
    pub(crate) fn known<T: KnownValues>(
        field: &'static str,
        value: T,
    ) -> Result<T, ValidationError> {
        if value.is_known() {
            Ok(value)
        } else {
            Err(ValidationError::new(
                field,
                Rule::OneOf {
                    allowed: T::KNOWN_STRS,
                },
            ))
        }
    }

    /// Any value: the field has no rule of its own.
    pub(super) fn any<T>(_field: &'static str, value: T) -> Result<T, ValidationError> {
        Ok(value)
    }
}
