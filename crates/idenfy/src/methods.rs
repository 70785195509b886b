//! The endpoint methods, written once for [`Client`](crate::Client) (`async`) and
//! [`BlockingClient`](crate::BlockingClient).

/// Expands to one method per endpoint over the client's `send`; `endpoint_methods!(async,
/// .await)` for the async client and `endpoint_methods!(,)` for the blocking one.
macro_rules! endpoint_methods {
    ($($async:ident)?, $($await:tt)*) => {
    /// Creates a verification token (`POST /api/v2/token`).
        pub $($async)? fn create_token(&self, request: &idenfy_proto::TokenRequest) -> Result<idenfy_proto::TokenResponse, crate::Error> {
            self.send(request)$($await)*
        }

        /// Reads the status of the verification `scan_ref` (`POST /api/v2/status`, R5).
        ///
        /// `scan_ref` must be 1 to 40 characters long; otherwise the call fails with
        /// [`Error::Validation`] and nothing is sent. iDenfy discourages polling this endpoint:
        /// prefer webhooks.
        pub $($async)? fn status(&self, scan_ref: impl AsRef<str>) -> Result<idenfy_proto::StatusResponse, crate::Error> {
            self.send(&idenfy_proto::StatusRequest::new(scan_ref)?)$($await)*
        }

        /// Reads the data read from the document of the verification `scan_ref`
        /// (`POST /api/v2/data`, R5).
        ///
        /// `scan_ref` must be 1 to 40 characters long; otherwise the call fails with
        /// [`Error::Validation`] and nothing is sent.
        pub $($async)? fn data(&self, scan_ref: impl AsRef<str>) -> Result<idenfy_proto::DataResponse, crate::Error> {
            self.send(&idenfy_proto::DataRequest::new(scan_ref)?)$($await)*
        }

        /// Reads the URLs of the photos and videos of the verification `scan_ref`
        /// (`POST /api/v2/files`, R5). The URLs expire after about an hour.
        ///
        /// `scan_ref` must be 1 to 40 characters long; otherwise the call fails with
        /// [`Error::Validation`] and nothing is sent.
        pub $($async)? fn files(&self, scan_ref: impl AsRef<str>) -> Result<idenfy_proto::FileUrls, crate::Error> {
            self.send(&idenfy_proto::FilesRequest::new(scan_ref)?)$($await)*
        }

        /// Deletes the data of the verification `scan_ref` (`POST /api/v2/delete`, R5).
        ///
        /// iDenfy refuses while the verification's token has not expired (an [`Error::Api`] with
        /// the identifier `PARTNER_ERROR`). `scan_ref` must be 1 to 40 characters long; otherwise
        /// the call fails with [`Error::Validation`] and nothing is sent.
        pub $($async)? fn delete(&self, scan_ref: impl AsRef<str>) -> Result<(), crate::Error> {
            self.send(&idenfy_proto::DeleteRequest::new(scan_ref)?)$($await)*
        }

        /// Downloads the PDF report of the verification `scan_ref`
        /// (`POST /api/v2/generate-pdf`, R5).
        ///
        /// A success answer that is not a PDF is an [`Error::Decode`] of kind
        /// [`DecodeErrorKind::MediaType`](idenfy_proto::DecodeErrorKind::MediaType). `scan_ref`
        /// must be 1 to 40 characters long; otherwise the call fails with [`Error::Validation`] and
        /// nothing is sent.
        pub $($async)? fn pdf(&self, scan_ref: impl AsRef<str>) -> Result<idenfy_proto::Pdf, crate::Error> {
            self.send(&idenfy_proto::PdfRequest::new(scan_ref)?)$($await)*
        }
    };
}
