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

        /// Uploads the document and face images of a session for direct processing
        /// (`POST /api/v2/process`, R12, R14); the result comes by webhook.
        ///
        /// The images were checked when the request was built (format, size, `FRONT` present,
        /// the whole body at most 20 MB); the base64 body is made once per attempt, straight
        /// from the borrowed images. A `2xx` that carries an error (the document was not
        /// detected) is an [`Error::Api`](crate::Error::Api). Never sent twice once it may have
        /// reached iDenfy: the token is spent (R9).
        pub $($async)? fn process(&self, request: &idenfy_proto::ProcessRequest<'_>) -> Result<(), crate::Error> {
            self.send(request)$($await)*
        }

        /// Reads one page of the listing of identifications (`GET /kyc/identifications/`,
        /// R12). To walk every page, use `identifications` (or `identification_pages`), which
        /// follow the `next` links (R13).
        pub $($async)? fn identification_page(&self, request: &idenfy_proto::IdentificationsRequest) -> Result<idenfy_proto::IdentificationPage, crate::Error> {
            self.send(request)$($await)*
        }

        /// Asks the person of a finished verification for more information, reopening it
        /// (`POST /kyc/identifications/{scanRef}/request-information/`, R12); answers with the
        /// new session. Not retried once it may have reached iDenfy (R9).
        pub $($async)? fn request_information(&self, request: &idenfy_proto::RequestInformationRequest) -> Result<idenfy_proto::RequestInformationResponse, crate::Error> {
            self.send(request)$($await)*
        }

        /// Whether the person of the verification `scan_ref` can authenticate by face
        /// (`GET /identification/facial-auth/{scanRef}/check-status/?method=FACE_MATCHING`,
        /// R12). A `scan_ref` iDenfy does not know is a 404 [`Error::Api`](crate::Error::Api).
        ///
        /// `scan_ref` must be 1 to 40 characters long and not `.` or `..`; otherwise the call
        /// fails with [`Error::Validation`](crate::Error::Validation) and nothing is sent. For
        /// another method, send a [`FaceAuthStatusRequest`](idenfy_proto::FaceAuthStatusRequest).
        pub $($async)? fn face_auth_status(&self, scan_ref: impl AsRef<str>) -> Result<idenfy_proto::FaceAuthStatus, crate::Error> {
            self.send(&idenfy_proto::FaceAuthStatusRequest::new(scan_ref)?)$($await)*
        }

        /// Creates a face-authentication token for a returning person
        /// (`POST /partner/authentication-info`, R12). Each token costs a credit, so it is not
        /// retried once it may have reached iDenfy (R9).
        pub $($async)? fn face_auth_token(&self, request: &idenfy_proto::FaceAuthTokenRequest) -> Result<idenfy_proto::FaceAuthTokenResponse, crate::Error> {
            self.send(request)$($await)*
        }

        /// Lists the face-authentication sessions
        /// (`GET /api/v2/facial-authentication-sessions/`, R12).
        pub $($async)? fn face_auth_sessions(&self) -> Result<idenfy_proto::FaceAuthSessions, crate::Error> {
            self.send(&idenfy_proto::FaceAuthSessionsRequest::new())$($await)*
        }

        /// Reads the face-authentication session of `token_string`
        /// (`GET /api/v2/facial-authentication-sessions/{tokenString}/`, R12).
        ///
        /// `token_string` must be 1 to 40 characters long and not `.` or `..`; otherwise the
        /// call fails with [`Error::Validation`](crate::Error::Validation) (never showing it)
        /// and nothing is sent.
        pub $($async)? fn face_auth_session(&self, token_string: impl Into<String>) -> Result<idenfy_proto::FaceAuthSession, crate::Error> {
            self.send(&idenfy_proto::FaceAuthSessionRequest::new(token_string)?)$($await)*
        }

        /// Starts a video call for a verification whose token is of a video-call type
        /// (`POST /api/v2/video-call`, R12); answers with the call's URL. Not retried once it
        /// may have reached iDenfy (R9).
        pub $($async)? fn video_call(&self, request: &idenfy_proto::VideoCallRequest) -> Result<idenfy_proto::VideoCallResponse, crate::Error> {
            self.send(request)$($await)*
        }

        /// Reads the photos and videos recorded in the video call of the verification
        /// `scan_ref` (`POST /api/v2/video-call-record`, R12).
        ///
        /// `scan_ref` must be 1 to 40 characters long; otherwise the call fails with
        /// [`Error::Validation`](crate::Error::Validation) and nothing is sent.
        pub $($async)? fn video_call_record(&self, scan_ref: impl AsRef<str>) -> Result<idenfy_proto::VideoCallRecord, crate::Error> {
            self.send(&idenfy_proto::VideoCallRecordRequest::new(scan_ref)?)$($await)*
        }

        /// Reads the legacy full status of the verification `scan_ref`
        /// (`POST /api/v2/full-status`, R12), for accounts that still use it.
        ///
        /// `scan_ref` must be 1 to 40 characters long; otherwise the call fails with
        /// [`Error::Validation`](crate::Error::Validation) and nothing is sent.
        pub $($async)? fn full_status(&self, scan_ref: impl AsRef<str>) -> Result<idenfy_proto::FullStatus, crate::Error> {
            self.send(&idenfy_proto::FullStatusRequest::new(scan_ref)?)$($await)*
        }
    };
}
