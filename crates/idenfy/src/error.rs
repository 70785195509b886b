//! The client's error type.

use idenfy_proto::{ApiError, DecodeError, ValidationError};

use crate::transport::TransportError;

/// Any failure of a client call. Each kind is distinct (R6): nothing was sent
/// ([`Error::Validation`]), the API said no ([`Error::Api`]), the answer could not be read
/// ([`Error::Decode`]), or the bytes did not make it ([`Error::Transport`]).
///
/// No variant's `Display` or `Debug` contains the API secret, a webhook key or the
/// `Authorization` header.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A value was refused before anything was sent.
    #[error(transparent)]
    Validation(#[from] ValidationError),
    /// The API answered with an error status.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The API answered with a success status, but the body could not be decoded.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// The request or its response could not be carried.
    #[error(transparent)]
    Transport(#[from] TransportError),
}

impl From<idenfy_proto::Error> for Error {
    fn from(error: idenfy_proto::Error) -> Self {
        match error {
            idenfy_proto::Error::Validation(error) => Error::Validation(error),
            idenfy_proto::Error::Api(error) => Error::Api(error),
            idenfy_proto::Error::Decode(error) => Error::Decode(error),
            // `idenfy_proto::Error` is non-exhaustive; a future kind is reported as a decoding
            // failure of the response rather than lost.
            other => Error::Decode(idenfy_proto::DecodeError::other(&other.to_string())),
        }
    }
}

impl Error {
    /// The API error, if the server answered with one.
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(error) => Some(error),
            _ => None,
        }
    }
}
