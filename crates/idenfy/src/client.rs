//! The asynchronous client.

use std::fmt;

use idenfy_proto::http::Response;
use idenfy_proto::{
    AuthToken, Config, DataRequest, DataResponse, DeleteRequest, Endpoint, FileUrls, FilesRequest,
    Pdf, PdfRequest, StatusRequest, StatusResponse, TokenRequest, TokenResponse,
};

use crate::error::Error;
use crate::transport::Transport;

/// The iDenfy client: a [`Config`] and a [`Transport`].
///
/// Each call builds the request with [`idenfy_proto`], hands it to the transport, and parses
/// what comes back. The client holds no other state, so it can be shared freely (wrap it in an
/// `Arc` to share it across tasks).
pub struct Client<T> {
    config: Config,
    transport: T,
}

impl<T> Client<T> {
    /// A client sending with `transport` as configured by `config`.
    pub fn new(config: Config, transport: T) -> Self {
        Self { config, transport }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The transport.
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// The URL that starts the person's verification in iDenfy's hosted UI (R5).
    pub fn redirect_url(&self, auth_token: &AuthToken) -> String {
        self.config.redirect_url(auth_token)
    }
}

impl<T: Transport> Client<T> {
    /// Sends any [`Endpoint`] and parses its answer.
    pub async fn send<E: Endpoint>(&self, endpoint: &E) -> Result<E::Output, Error> {
        let request = endpoint.to_request(&self.config)?;
        let response = self.transport.send(request).await?;
        let (parts, body) = response.into_parts();
        let response = Response::from_parts(parts, body.as_slice());
        Ok(endpoint.parse(response)?)
    }

    /// Creates a verification token (`POST /api/v2/token`).
    pub async fn create_token(&self, request: &TokenRequest) -> Result<TokenResponse, Error> {
        self.send(request).await
    }

    /// Reads the status of the verification `scan_ref` (`POST /api/v2/status`, R5).
    ///
    /// `scan_ref` must be 1 to 40 characters long; otherwise the call fails with
    /// [`Error::Validation`] and nothing is sent. iDenfy discourages polling this endpoint:
    /// prefer webhooks.
    pub async fn status(&self, scan_ref: impl AsRef<str>) -> Result<StatusResponse, Error> {
        self.send(&StatusRequest::new(scan_ref)?).await
    }

    /// Reads the data read from the document of the verification `scan_ref`
    /// (`POST /api/v2/data`, R5).
    ///
    /// `scan_ref` must be 1 to 40 characters long; otherwise the call fails with
    /// [`Error::Validation`] and nothing is sent.
    pub async fn data(&self, scan_ref: impl AsRef<str>) -> Result<DataResponse, Error> {
        self.send(&DataRequest::new(scan_ref)?).await
    }

    /// Reads the URLs of the photos and videos of the verification `scan_ref`
    /// (`POST /api/v2/files`, R5). The URLs expire after about an hour.
    ///
    /// `scan_ref` must be 1 to 40 characters long; otherwise the call fails with
    /// [`Error::Validation`] and nothing is sent.
    pub async fn files(&self, scan_ref: impl AsRef<str>) -> Result<FileUrls, Error> {
        self.send(&FilesRequest::new(scan_ref)?).await
    }

    /// Deletes the data of the verification `scan_ref` (`POST /api/v2/delete`, R5).
    ///
    /// iDenfy refuses while the verification's token has not expired (an [`Error::Api`] with
    /// the identifier `PARTNER_ERROR`). `scan_ref` must be 1 to 40 characters long; otherwise
    /// the call fails with [`Error::Validation`] and nothing is sent.
    pub async fn delete(&self, scan_ref: impl AsRef<str>) -> Result<(), Error> {
        self.send(&DeleteRequest::new(scan_ref)?).await
    }

    /// Downloads the PDF report of the verification `scan_ref`
    /// (`POST /api/v2/generate-pdf`, R5).
    ///
    /// A success answer that is not a PDF is an [`Error::Decode`] of kind
    /// [`DecodeErrorKind::MediaType`](idenfy_proto::DecodeErrorKind::MediaType). `scan_ref`
    /// must be 1 to 40 characters long; otherwise the call fails with [`Error::Validation`] and
    /// nothing is sent.
    pub async fn pdf(&self, scan_ref: impl AsRef<str>) -> Result<Pdf, Error> {
        self.send(&PdfRequest::new(scan_ref)?).await
    }
}

impl<T> fmt::Debug for Client<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}
