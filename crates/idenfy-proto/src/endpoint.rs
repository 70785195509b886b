//! The shape every API operation shares.

use http::{Request, Response};

use crate::config::Config;
use crate::error::{ApiError, Error};

/// Whether an operation may be sent again after it may have reached the server (R9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryClass {
    /// Reading only: safe to retry on 429, 5xx gateway errors and connection failures.
    ReadOnly,
    /// Costs credits or changes state with no idempotency key (token creation, deletion): may
    /// be retried only when the connection was never established.
    NotIdempotent,
}

/// One API operation: a value that builds its HTTP request and parses the response, with no
/// I/O (the sans-IO contract).
///
/// Implementations exist for every endpoint of the crate; the `idenfy` client drives any of
/// them with its generic `send`. Building and parsing are pure functions of their inputs.
pub trait Endpoint {
    /// What a successful response decodes to.
    type Output;

    /// A short name for logs and metrics (`token`, `status`, …).
    fn name(&self) -> &'static str;

    /// Whether a retry is safe once the request may have reached the server (R9).
    fn retry_class(&self) -> RetryClass;

    /// The HTTP request, ready to be sent.
    fn to_request(&self, config: &Config) -> Result<Request<Vec<u8>>, Error>;

    /// Decodes the response: a 2xx into [`Self::Output`], anything else into [`ApiError`].
    fn parse(&self, response: Response<&[u8]>) -> Result<Self::Output, Error>;

    /// [`Endpoint::parse`] of a response whose body the caller owns and gives away: an endpoint
    /// whose output is the body itself (the PDF report) keeps it without a copy. The default
    /// borrows and calls [`Endpoint::parse`]; the `idenfy` client calls this one.
    fn parse_owned(&self, response: Response<Vec<u8>>) -> Result<Self::Output, Error> {
        let (parts, body) = response.into_parts();
        self.parse(Response::from_parts(parts, body.as_slice()))
    }
}

/// The body of a 2xx response, or the [`ApiError`] any other status stands for (R4, R6).
pub(crate) fn success_body<'a>(response: &Response<&'a [u8]>) -> Result<&'a [u8], ApiError> {
    let body: &'a [u8] = response.body();
    if response.status().is_success() {
        Ok(body)
    } else {
        Err(ApiError::from_response(response.status(), body))
    }
}
