//! `POST /api/v2/full-status`: the legacy full status of a verification, in snake_case
//! (reference §3.5; R12), for accounts that still use it.

use http::Response;

use crate::decode::{self, model};
use crate::endpoint::{RetryClass, success_body};
use crate::enums::{DocumentStatus, DocumentType, FaceStatus, SuspicionReason};
use crate::error::Error;
use crate::retrieval::scan_ref_request;
use crate::secret::Personal;

scan_ref_request! {
    /// Asks for the legacy full status of a verification (`POST /api/v2/full-status`,
    /// reference §3.5, R12); answers with a [`FullStatus`].
    ///
    /// Read-only, so it may be retried (R9).
    ///
    /// ```
    /// use idenfy_proto::{Endpoint, FaceStatus, FullStatusRequest};
    /// let request = FullStatusRequest::new("9b11acb2-8c27-11e9-9758-309c231b1bac")?;
    /// let body = br#"{"face_match_result":"FACE_MATCH","manual_face_match_result":"",
    ///     "client":{"name":"","surname":"Smith"},"attempt_count":2}"#;
    /// let response = http::Response::builder().status(200).body(&body[..])?;
    /// let status = request.parse(response)?;
    /// assert_eq!(status.face_match_result, Some(FaceStatus::FaceMatch));
    /// assert_eq!(status.manual_face_match_result, None); // "" reads as absent
    /// let client = status.client.as_ref().expect("a client object");
    /// assert_eq!(client.name, None);
    /// assert_eq!(client.surname.as_deref().map(String::as_str), Some("Smith"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    FullStatusRequest {
        path: "/api/v2/full-status",
        name: "full-status",
        retry: RetryClass::ReadOnly,
        output: FullStatus,
        parse: parse_full_status,
    }
}

fn parse_full_status(response: Response<&[u8]>) -> Result<FullStatus, Error> {
    let body = success_body(&response)?;
    Ok(decode::from_slice::<FullStatusDraft>(body)?)
}

/// A value that the legacy shape may write as `""` for "none".
trait MaybeBlank {
    fn is_blank(&self) -> bool {
        false
    }
}

impl MaybeBlank for String {
    fn is_blank(&self) -> bool {
        self.is_empty()
    }
}

impl MaybeBlank for Personal<String> {
    fn is_blank(&self) -> bool {
        self.is_empty()
    }
}

impl MaybeBlank for bool {}
impl MaybeBlank for i64 {}
impl MaybeBlank for FaceStatus {}
impl MaybeBlank for DocumentStatus {}
impl MaybeBlank for DocumentType {}
impl MaybeBlank for Vec<SuspicionReason> {}
impl MaybeBlank for FullStatusClient {}
impl MaybeBlank for FullStatusDocument {}

/// Empties a field whose value is `""`.
fn unblank<T: MaybeBlank>(slot: &mut Option<T>) {
    if slot.as_ref().is_some_and(MaybeBlank::is_blank) {
        *slot = None;
    }
}

/// A model type of the legacy shape: [`model!`] with every field optional, and `""` read as
/// absent for every string field (the legacy shape writes `""` where it means `null`).
macro_rules! legacy_model {
    (
        $(#[$meta:meta])*
        pub struct $name:ident / $draft:ident {
            $( $(#[$fmeta:meta])* $field:ident : $ty:ty = $wire:literal, )*
        }
    ) => {
        model! {
            $(#[$meta])*
            pub struct $name / $draft (nulls = true) {
                $( $(#[$fmeta])* opt $field: $ty = $wire, )*
            }
        }

        impl decode::Hooks for $draft {
            fn resolve(&mut self) {
                $( unblank(&mut self.$field); )*
            }
        }
    };
}

legacy_model! {
    /// The legacy full status of a verification (`POST /api/v2/full-status`, reference §3.5):
    /// the automatic and manual face and document results, what the partner gave about the
    /// person (`client`), what was read from the document (`client_identity_document`), the
    /// number of attempts, the suspicion reasons and the times.
    ///
    /// Read leniently (R7), with the legacy shape's quirks: nothing is required (its documented
    /// answer has no `scanRef`), and `""`, which it writes for "none", reads as absent (and is
    /// written back as `null`). Dates and times stay strings (`"2020-06-26 09:54:32"`).
    /// Personal data is redacted in `Debug` (R10).
    #[derive(Debug, Clone, Default, PartialEq)]
    #[non_exhaustive]
    pub struct FullStatus / FullStatusDraft {
        /// `face_match_result`: the automatic face result.
        face_match_result: FaceStatus = "face_match_result",
        /// `document_validity`: the automatic document result.
        document_validity: DocumentStatus = "document_validity",
        /// `manual_face_match_result`: the reviewed face result.
        manual_face_match_result: FaceStatus = "manual_face_match_result",
        /// `manual_document_validity`: the reviewed document result.
        manual_document_validity: DocumentStatus = "manual_document_validity",
        /// `client`: what the partner gave about the person.
        client: FullStatusClient = "client",
        /// `client_identity_document`: what was read from the document.
        client_identity_document: FullStatusDocument = "client_identity_document",
        /// `attempt_count`: how many attempts the person made.
        attempt_count: i64 = "attempt_count",
        /// `suspection_reasons` (sic): the legacy suspicion reasons.
        suspection_reasons: Vec<SuspicionReason> = "suspection_reasons",
        /// `start_time`: when the verification started, as sent.
        start_time: String = "start_time",
        /// `finish_time`: when it finished, as sent.
        finish_time: String = "finish_time",
        /// `review_time`: when it was reviewed, as sent.
        review_time: String = "review_time",
    }
}

legacy_model! {
    /// The `client` object of the legacy full status: what the partner gave about the person.
    #[derive(Debug, Clone, Default, PartialEq)]
    #[non_exhaustive]
    pub struct FullStatusClient / FullStatusClientDraft {
        /// `name`.
        name: Personal<String> = "name",
        /// `surname`.
        surname: Personal<String> = "surname",
        /// `date_of_birth`.
        date_of_birth: Personal<String> = "date_of_birth",
        /// `personal_id_number`.
        personal_id_number: Personal<String> = "personal_id_number",
        /// `document_number`.
        document_number: Personal<String> = "document_number",
        /// `document_type`.
        document_type: DocumentType = "document_type",
        /// `expiry_date`.
        expiry_date: Personal<String> = "expiry_date",
        /// `nationality`.
        nationality: Personal<String> = "nationality",
        /// `date_of_issue`.
        date_of_issue: Personal<String> = "date_of_issue",
        /// `sex`: `M` or `F`, as sent.
        sex: String = "sex",
        /// `country`.
        country: String = "country",
        /// `default_country`.
        default_country: String = "default_country",
        /// `utility_address`.
        utility_address: Personal<String> = "utility_address",
    }
}

legacy_model! {
    /// The `client_identity_document` object of the legacy full status: what was read from the
    /// document (`doc_*`), from its machine-readable zone (`mrz_*`) and what a reviewer entered
    /// (`manual_*`). The sex fields are strings as sent (the documented example writes `M`
    /// where the table says `MALE`); the MRZ document type and subtype are one-letter codes.
    #[derive(Debug, Clone, Default, PartialEq)]
    #[non_exhaustive]
    pub struct FullStatusDocument / FullStatusDocumentDraft {
        /// `doc_name`.
        doc_name: Personal<String> = "doc_name",
        /// `doc_surname`.
        doc_surname: Personal<String> = "doc_surname",
        /// `doc_date_of_birth`.
        doc_date_of_birth: Personal<String> = "doc_date_of_birth",
        /// `doc_expiry_date`.
        doc_expiry_date: Personal<String> = "doc_expiry_date",
        /// `doc_personal_code`.
        doc_personal_code: Personal<String> = "doc_personal_code",
        /// `doc_document_number`.
        doc_document_number: Personal<String> = "doc_document_number",
        /// `doc_sex`.
        doc_sex: String = "doc_sex",
        /// `doc_nationality`.
        doc_nationality: Personal<String> = "doc_nationality",
        /// `doc_date_of_issue`.
        doc_date_of_issue: Personal<String> = "doc_date_of_issue",
        /// `doc_license_categories`.
        doc_license_categories: String = "doc_license_categories",
        /// `doc_document_type`.
        doc_document_type: DocumentType = "doc_document_type",
        /// `doc_country`.
        doc_country: String = "doc_country",
        /// `mrz_name`.
        mrz_name: Personal<String> = "mrz_name",
        /// `mrz_surname`.
        mrz_surname: Personal<String> = "mrz_surname",
        /// `mrz_date_of_birth`.
        mrz_date_of_birth: Personal<String> = "mrz_date_of_birth",
        /// `mrz_expiry_date`.
        mrz_expiry_date: Personal<String> = "mrz_expiry_date",
        /// `mrz_personal_code`.
        mrz_personal_code: Personal<String> = "mrz_personal_code",
        /// `mrz_document_number`.
        mrz_document_number: Personal<String> = "mrz_document_number",
        /// `mrz_sex`.
        mrz_sex: String = "mrz_sex",
        /// `mrz_nationality`.
        mrz_nationality: Personal<String> = "mrz_nationality",
        /// `mrz_country`.
        mrz_country: String = "mrz_country",
        /// `mrz_document_type`: a one-letter MRZ code.
        mrz_document_type: String = "mrz_document_type",
        /// `mrz_document_subtype`: a one-letter MRZ code.
        mrz_document_subtype: String = "mrz_document_subtype",
        /// `mrz_optional_data`.
        mrz_optional_data: Personal<String> = "mrz_optional_data",
        /// `mrz_string`: the whole machine-readable zone.
        mrz_string: Personal<String> = "mrz_string",
        /// `mrz_date_of_issue`.
        mrz_date_of_issue: Personal<String> = "mrz_date_of_issue",
        /// `manual_name`.
        manual_name: Personal<String> = "manual_name",
        /// `manual_surname`.
        manual_surname: Personal<String> = "manual_surname",
        /// `manual_date_of_birth`.
        manual_date_of_birth: Personal<String> = "manual_date_of_birth",
        /// `manual_expiry_date`.
        manual_expiry_date: Personal<String> = "manual_expiry_date",
        /// `manual_personal_code`.
        manual_personal_code: Personal<String> = "manual_personal_code",
        /// `manual_document_number`.
        manual_document_number: Personal<String> = "manual_document_number",
        /// `manual_sex`.
        manual_sex: String = "manual_sex",
        /// `manual_nationality`.
        manual_nationality: Personal<String> = "manual_nationality",
        /// `manual_document_type`.
        manual_document_type: DocumentType = "manual_document_type",
        /// `manual_date_of_issue`.
        manual_date_of_issue: Personal<String> = "manual_date_of_issue",
        /// `manual_country`.
        manual_country: String = "manual_country",
        /// `document_type`.
        document_type: DocumentType = "document_type",
        /// `manual_utility_address`.
        manual_utility_address: Personal<String> = "manual_utility_address",
        /// `manual_utility_address_match`.
        manual_utility_address_match: bool = "manual_utility_address_match",
    }
}

impl FullStatus {
    /// The face result that counts: the manual one when present, else the automatic one.
    pub fn face(&self) -> Option<&FaceStatus> {
        self.manual_face_match_result
            .as_ref()
            .or(self.face_match_result.as_ref())
    }

    /// The document result that counts: the manual one when present, else the automatic one.
    pub fn document(&self) -> Option<&DocumentStatus> {
        self.manual_document_validity
            .as_ref()
            .or(self.document_validity.as_ref())
    }
}
