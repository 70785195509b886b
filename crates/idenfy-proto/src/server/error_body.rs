//! Error bodies as iDenfy writes them (R6).

use crate::enums::ErrorIdentifier;

/// An error body as iDenfy writes it (R6): `{"identifier": …, "message": …}` plus the optional
/// `documentation` and `severity`. The emulator answers with these, so that its error bodies are
/// exactly what [`ApiError::from_response`](crate::ApiError::from_response) reads.
///
/// ```
/// use idenfy_proto::{ApiError, ErrorIdentifier, http::StatusCode, server::ErrorBody};
/// let body = ErrorBody::new(ErrorIdentifier::BadValue, "Field 'country' must be valid.").to_vec();
/// let error = ApiError::from_response(StatusCode::BAD_REQUEST, &body);
/// assert_eq!(error.identifier(), Some(&ErrorIdentifier::BadValue));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ErrorBody {
    /// `identifier`.
    pub identifier: ErrorIdentifier,
    /// `message`.
    pub message: String,
    /// `documentation`, omitted when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub documentation: Option<String>,
    /// `severity`, omitted when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<String>,
}

impl ErrorBody {
    /// A body with an identifier and a message.
    pub fn new(identifier: ErrorIdentifier, message: impl Into<String>) -> Self {
        Self {
            identifier,
            message: message.into(),
            documentation: None,
            severity: None,
        }
    }

    /// The JSON bytes.
    pub fn to_vec(&self) -> Vec<u8> {
        // A struct of strings always serializes.
        serde_json::to_vec(self).unwrap_or_default()
    }
}
