//! A faithful, stateful emulator of the iDenfy identity-verification API, for tests and local
//! development: no account, no network, no credits.
//!
//! [`Emulator::start`] serves the API on `127.0.0.1` with a port of its own; point any iDenfy
//! client at [`Emulator::base_url`] with [`Emulator::credentials`] (or take
//! [`Emulator::config`] for the `idenfy` client). It creates tokens with the same validation as
//! the client (`idenfy-proto`'s [`server::read_token_request`](idenfy_proto::server::read_token_request)),
//! answers with iDenfy's error bodies, applies iDenfy's defaults, keeps each verification's
//! state, lets a person (or your test) finish it, and delivers signed webhooks.
//!
//! ```
//! use std::time::Duration;
//! use idenfy_emulator::{Emulator, Outcome};
//! use idenfy_hyper::{Client, HyperTransport, TokenRequest};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let emulator = Emulator::start().await?;
//! let client = Client::with_transport(emulator.config(), HyperTransport::new()?);
//!
//! let token = client.create_token(&TokenRequest::builder("customer-42").build()?).await?;
//! assert_eq!(token.scan_ref.as_str().len(), 36);
//!
//! // The person finishes the verification (or open the redirect URL in a browser and click).
//! emulator.complete(token.scan_ref.as_str(), Outcome::approved())?;
//! assert!(client.status(token.scan_ref.as_str()).await?.is_approved());
//!
//! // The webhook, signed with the emulator's key (no webhook URL is set here, so it was
//! // recorded but not sent).
//! let deliveries = emulator.wait_for_deliveries(1, Duration::from_secs(5)).await?;
//! let event = deliveries[0].verify_and_parse(&[emulator.webhook_key()])?;
//! assert!(event.is_final());
//! # Ok(())
//! # }
//! ```
//!
//! Synchronous tests use [`Emulator::start_blocking`], which runs the server on a runtime thread
//! of its own:
//!
//! ```
//! let emulator = idenfy_emulator::Emulator::start_blocking()?;
//! let client = idenfy_blocking::Client::with_transport(
//!     emulator.config(),
//!     idenfy_blocking::UreqTransport::new()?,
//! );
//! let token = client.create_token(&idenfy_blocking::TokenRequest::builder("c-1").build()?)?;
//! assert!(client.status(token.scan_ref.as_str())?.status.is_some());
//! drop(emulator); // stops the server and joins its thread
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # The API it serves
//!
//! | endpoint | behaviour |
//! |---|---|
//! | `POST /api/v2/token` | validates exactly as the client does (`400 MISSING_VALUE`/`BAD_VALUE` naming the field, `JSON_ERROR`, `ENCODING_ERROR`); answers `201` with `message`, a 26-character alphanumeric `authToken`, a UUID `scanRef`, `digitString` (8 digits with `generateDigitString`, else `null`), `redirectUrl`, and the echo of every field with the defaults applied and explicit `null`s; names upper-cased. `dummyStatus` creates an already finished (or expired) verification, answers "Dummy token and verification created successfully" and sends its webhook; `ACTIVE` leaves it active. Fields iDenfy does not define are stored and echoed, at most [`MAX_EXTRA_FIELD_BYTES`] (4 KiB) of them as one JSON object: more is `400 BAD_VALUE` |
//! | `POST /api/v2/status` | `status`, `autoDocument`, `autoFace`, `manualDocument`, `manualFace` (`""` until known; manual ones until a review), `fraudTags`, `mismatchTags`, `scanRef`, `clientId` |
//! | `POST /api/v2/data` | the `data` object of the webhook with `scanRef` and `clientId`, synthesized from the token request (names, dates, numbers, country); all `null` before the checks ran and after deletion |
//! | `POST /api/v2/files` | `{"FRONT", "BACK", "FACE"}` → URLs of one-pixel PNGs served by the emulator, or `null` before the checks ran, after deletion, or for a step not taken (no `BACK` for passports, no `FACE` for `DOCUMENT` tokens) |
//! | `POST /api/v2/delete` | `400 PARTNER_ERROR` "Token has not expired yet." (with `documentation` and `severity`) until the token expired or the verification finished; then `200` with an empty body, and the status becomes `DELETED` (`EXPIRED-DELETED` if it had expired) |
//! | `POST /api/v2/generate-pdf` | a one-page PDF report (`application/pdf`) once the checks ran; `400 BAD_VALUE` before |
//! | `GET /api/v2/redirect?authToken=…` | an HTML page with a form to finish the verification (approved, denied, suspected, or approved after a manual review) and one to cancel it (the person gives up: on to `unverifiedUrl`); opening it starts the session (`sessionLength`). Unknown tokens get a `404` page, expired, cancelled or used ones a `410` page |
//! | `POST /api/v2/process` | [direct processing](#direct-processing): the upload read with the client's rules (`server::read_process_request`: JPEG or PNG by signature, each image at most [`MAX_IMAGE_BYTES`](idenfy_proto::MAX_IMAGE_BYTES), `FRONT` present, a body of at most [`MAX_PROCESS_BODY_BYTES`](idenfy_proto::MAX_PROCESS_BODY_BYTES), `413` past it, unread when `Content-Length` says so); `400 TOKEN_NOT_VALID` unless `authToken` is the token of an active verification; `400 MISSING_VALUE` "No image provided for step 'BACK'" (or `'FACE'`) for a step the document or token needs; then `200` with no body, the verification finished with the [`ProcessSettings`]' outcome and its webhooks sent — or the documented `200` with an error body when the settings say the document is not detected |
//! | `GET /kyc/identifications/?clientId=&page=&perPage=` | one page of the verifications kept, oldest first, filtered by `clientId`: `{count, next, previous, results: [{scanRef, status, suspected}]}` (`suspected`: a `SUSPECTED` result or fraud tags), `next`/`previous` absolute URLs on the base URL, as a Django REST framework listing writes them (parameters sorted, `page` left out of the first page's link); `perPage` [`DEFAULT_PER_PAGE`] by default, at most [`MAX_PER_PAGE`]; `400` naming a parameter the client's rules refuse, `404` "Invalid page." past the last page. `GET` only |
//! | `POST /kyc/identifications/{scanRef}/request-information/` | the body read with the client's rules (`lifetime`, `questionnaire`, …); a finished verification becomes active again with a new token, as [`Emulator::request_information`] does (`lifetime` 86 400 s by default); answers `200 {sessionUrl, tokenString}`; the re-submission (the redirect page, direct processing with the new token, or [`Emulator::complete`]) sends `IDENTIFICATION_RESUBMITTED`. `400 BAD_VALUE` unless finished |
//! | `POST /api/v2/full-status` | the legacy snake_case full status (§3.5): the automatic and (after a review) manual face and document results, `client` (what the token request said), `client_identity_document` (what `data` shows, the MRZ reading the same, `manual_*` after a review), `attempt_count` (1 once the checks ran), `suspection_reasons` `[]`, `start_time`/`finish_time`/`review_time` as `YYYY-MM-DD HH:MM:SS` (UTC); `""` for every value not there (before the checks, after deletion), `manual_utility_address_match` `null` as documented |
//! | `GET /identification/facial-auth/{scanRef}/check-status/?method=FACE_MATCHING` | [face authentication](#face-authentication): `{"type": "AUTHENTICATION"}` once the verification is approved, `{"type": "IDENTIFICATION"}` otherwise; `404` for a `scanRef` unknown or deleted, `400` naming `method` for a method iDenfy does not define. `GET` only |
//! | `POST /partner/authentication-info` | a face-authentication token for an approved verification: `201 {authToken, scanRef, type, method, lifetime, digitString}` (26 alphanumeric characters; 8 digits with `generateDigitString`; `lifetime` 1 800 s by default), opening a session; `400` naming `type` unless `AUTHENTICATION`, `400 BAD_VALUE` unless approved, `404` unknown or deleted |
//! | `GET /api/v2/facial-authentication-sessions/` | every face-authentication session kept (the latest 10 000), oldest first, as a JSON array of `{id, tokenString, approved, givenScanRef, type, authenticationMethod, facePhoto}`; `approved` is `null` until the session is finished through the control API, `facePhoto` the URL of a photo the emulator serves once it is. `GET` only |
//! | `GET /api/v2/facial-authentication-sessions/{tokenString}/` | one of them; `404` for a token of none |
//! | `POST /api/v2/video-call` | [video calls](#video-calls): for a verification whose token is of a video-call type (`400 BAD_VALUE` otherwise, or when deleted or its call already ended), starts a call (`photos` for a photo call; a `VIDEO_CALL_PHOTOS` token always takes photos) or finds the one under way; answers `200 {"url": …}`, the call's page |
//! | `POST /api/v2/video-call-record` | `{"photos": {"VIDEO_CALL_BACK", "VIDEO_CALL_FACE", "VIDEO_CALL_FRONT": URL or null}, "videos": [URL]}` once the call ended (photos for a photo call only), URLs served by the emulator like the `fileUrls`; `null`s and no video before and after deletion |
//!
//! Every endpoint but the redirect checks HTTP Basic credentials first (`401 UNAUTHORIZED`),
//! then the request limit (`429 TOO_MANY_REQUESTS`; 10 000 per hour by default, on the
//! emulator's clock), then the method (`405 METHOD_NOT_ALLOWED` with `Allow`). Paths are matched
//! exactly as documented (R12: the newer resource paths end with a slash, the classic ones do
//! not); a parameter in a path is percent-decoded. Unknown paths answer `404` with the
//! identifier `NOT_FOUND`, and so does an unknown `scanRef` (or one forgotten under the
//! [retention limit](#limits-memory-and-scale)). Each request body of the further endpoints is
//! read by `idenfy-proto`'s server reader for it (`idenfy_proto::server::read_*`), with the
//! builder's own rules: the emulator accepts what the client sends and refuses what the client
//! would refuse, naming the field (`400 MISSING_VALUE` or `BAD_VALUE`). Fields an endpoint does
//! not define are ignored, as iDenfy's newer endpoints ignore them.
//!
//! ## Direct processing
//!
//! An upload finishes the verification of its token as the redirect page would: with the
//! outcome of the emulator's [`ProcessSettings`] (approved by default; set with
//! [`Emulator::set_process_settings`] or `PUT /__emulator/process-settings`), sending
//! `IDENTIFICATION_AUTO_FINISHED` (or `IDENTIFICATION_RESUBMITTED` after a request for more
//! information), a review included if the outcome has one. The token is spent. What the upload
//! said becomes the verification's: its `documentType` (else the first document the token
//! allows, the emulator's "detection") and `country` show in `data`, and `files` lists the
//! steps uploaded. The images themselves are not kept (the photos served are the emulator's
//! one-pixel PNG). The steps needed follow the document: `BACK` unless it is a passport, `FACE`
//! unless the token is a `DOCUMENT` token.
//!
//! iDenfy documents that "a 200 OK with an error message may indicate the document was not
//! detected". With [`ProcessSettings::document_not_detected`], every upload without
//! `skipAnalysis: true` gets that answer — `200` with `{"identifier": "BAD_VALUE", "message":
//! "The document was not detected …", "documentation", "severity"}` — and nothing happens: the
//! verification stays active and its token unspent, so the same upload with `skipAnalysis`
//! (which skips the photo validation) is then processed.
//!
//! ## Face authentication
//!
//! A person can authenticate by face once their identification is approved. A token from
//! `POST /partner/authentication-info` opens a session that stays open (`approved: null`) until
//! the control API (`POST /__emulator/face-auth/{tokenString}/complete`, `{"approved": bool}`) or
//! [`Emulator::complete_face_auth`] finishes it, within its `lifetime` on the emulator's clock.
//! The emulator sends no webhook for it: iDenfy's face-authentication webhook has no documented
//! body.
//!
//! ## Video calls
//!
//! `POST /api/v2/video-call` answers the URL of the call's page
//! (`/__emulator/video-calls/{callId}`), which shows the token's `videoCallQuestions` with a
//! form on which the person (or you, standing in for the agent) answers and ends the call,
//! succeeded or failed. The control API (`POST
//! /__emulator/verifications/{scanRef}/video-call/finish`) and [`Emulator::finish_video_call`]
//! end it too, with answers given or each question answered and judged correct. Ending it
//! records the answers and sends `VIDEO_CALL_FINISHED` through the verification's ordered queue,
//! signed: `{videoCallAnswers: {question: {answer, correct}}, date ("YYYY-MM-DD
//! HH:MM:SS.ffffff+00:00"), status, scanRef, authToken, clientId}` (§3.10; in quirks mode with
//! the quirks of a notice). The recording is then served: a one-pixel PNG per photo and an MP4
//! of no frames. A call does not change the verification's status: finish the verification as
//! any other.
//!
//! # Verifications, the clock and webhooks
//!
//! A verification is `ACTIVE` until it is finished — through the redirect page, the control
//! API or [`Emulator::complete`] — is cancelled (see
//! [below](#cancellation-resubmission-and-document-expiry)), or expires: an unused token after
//! its `expiryTime`, a started session after its `sessionLength`, measured on the emulator's
//! clock, which runs with real time and jumps forward with [`Emulator::advance_clock`]. The
//! clock counts milliseconds:
//! a token expires exactly `expiryTime` seconds after it was made, to the millisecond (asking
//! for its status a moment earlier says `ACTIVE`). It saturates instead of overflowing and stops
//! at the end of year 9999, however far it is advanced; a deadline past that end (a token made
//! there, a review due after it) never comes. Expiry makes the status `EXPIRED` and
//! sends `IDENTIFICATION_EXPIRED`; any request about the verification applies it at once, and a
//! sweeper applies the others every second.
//!
//! Finishing sends `IDENTIFICATION_AUTO_FINISHED` with `final: true`; with a manual review
//! ([`Outcome::manual_review`]) that webhook has `final: false` and carries the automatic result,
//! and `IDENTIFICATION_MANUAL_FINISHED` with `final: true` follows (at once, or after
//! [`Outcome::review_after`] on the clock; the status is `REVIEWING` meanwhile).
//!
//! ## Cancellation, resubmission and document expiry
//!
//! The other events of the reference's table (§5.2), each sent through the verification's
//! ordered queue, signed, recorded, and in [quirks mode](#quirks-mode) quirky where a quirk
//! applies:
//!
//! - **`IDENTIFICATION_CANCELLED`**: [`Emulator::cancel`] (or the redirect page's cancel form)
//!   ends an active verification — the person or the system gave up — with `final: true`.
//!   iDenfy's overall statuses (§7.1) have no `CANCELLED`, and R8 counts a cancellation with the
//!   terminal statuses that have no later result, so the status becomes **`EXPIRED`**, the one
//!   iDenfy gives a verification that ended without a result: `/api/v2/status` says `EXPIRED`,
//!   deletion makes it `EXPIRED-DELETED`, and the webhook is shaped as an expiry's (no data,
//!   files or checks; no `startTime` and a `null` `clientIp` if it was never opened) with
//!   `status.overall` `EXPIRED`. The verification lists show it as `EXPIRED`; its webhook tells
//!   the two apart.
//! - **`IDENTIFICATION_RESUBMITTED`**: [`Emulator::request_information`] is the state change of
//!   iDenfy's request-information (§3.11): a finished verification becomes `ACTIVE` again with a
//!   new token (`{sessionUrl, tokenString}`), which expires `lifetime` later unless the person
//!   opens it (then `sessionLength` applies; default [`DEFAULT_INFORMATION_LIFETIME`], at most
//!   [`MAX_INFORMATION_LIFETIME`]); the old token is forgotten. Until the person finishes again,
//!   the verification reads as a fresh one (`ACTIVE`, no result, data or files). Finishing again
//!   sends `IDENTIFICATION_RESUBMITTED` in place of `IDENTIFICATION_AUTO_FINISHED` — `final:
//!   true`, or `false` followed by `IDENTIFICATION_MANUAL_FINISHED` with a review. A
//!   resubmission's `finishTime` is at least a second (its unit) after the result it replaces,
//!   so its de-duplication key (R8) differs even from a same-status result of the same second.
//!   A new token left unused expires as any (`IDENTIFICATION_EXPIRED`; the status becomes
//!   `EXPIRED`), and cancelling it cancels the verification.
//! - **`DOCUMENT_EXPIRATION`**: [`Emulator::document_expiration`] sends the notice of §5.8,
//!   `{scanRef, clientId, expirationThreshold, documentExpiration}`, for a verification whose
//!   document was read (finished or in review, not deleted), `documentExpiration` being the
//!   document's expiry date as `data.docExpiry` shows it. It is final; each threshold has a key
//!   of its own (R8). The emulator does not send it by itself as the clock nears the date:
//!   iDenfy's monitoring is a feature an account opts into, and a test triggers the notice it
//!   wants.
//!
//! ## Failed callbacks and resends
//!
//! Each delivery attempt has an `id` ([`Delivery::id`]) that is never reused. When a webhook's
//! last attempt fails (the retry included, or a `callbackUrl` the emulator may not reach), the
//! verification is flagged: [`Verification::callback_failed`], `callbackFailed` in the control
//! API, as iDenfy flags an identification "callback failed" (§5.1). A later delivery of any
//! webhook of the verification, or a resend, that succeeds clears the flag; a skipped one (no
//! URL) changes nothing. [`Emulator::resend_delivery`] sends the webhook of one attempt again
//! and [`Emulator::resend_failed`] every webhook of a verification none of whose kept attempts
//! succeeded — as the dashboard's "Resend failed webhook" does, the same bytes, signed alike
//! (the de-duplication key is the first delivery's), queued behind the verification's pending
//! webhooks, retried once, each attempt recorded with [`Delivery::resend_of`]. A resend goes to
//! the token's `callbackUrl` when the original went there, else to the emulator's webhook URL
//! as it is then.
//!
//! Webhooks go to the token's `callbackUrl`, else to the emulator's webhook URL
//! ([`EmulatorBuilder::webhook_url`]); with neither, nothing is sent and the delivery is recorded
//! as [`DeliveryOutcome::Skipped`], body and signature included. They are `POST`ed over `http`
//! or `https` (see [https receivers](#https-receivers)) with `Content-Type: application/json`,
//! `Idenfy-Signature` (HMAC-SHA256 hex of the exact body, made by `idenfy-proto`'s signer with
//! [`Emulator::webhook_key`]) and `Idenfy-Event-Type`, header names in title case on the wire,
//! as the deliveries log records them. A token's `callbackUrl` is delivered to
//! only on a loopback host or one the emulator was told to allow (see
//! [callback hosts](#callback-hosts)). A non-2xx answer or a failure is retried
//! once after 0.5 s. Deliveries run in background tasks (at most 64 at once) and never hold up
//! an API answer; every attempt is recorded ([`Emulator::deliveries`],
//! [`Emulator::wait_for_deliveries`]). The webhooks of one verification leave strictly in the
//! order of its events, retries included: a later event (say the `IDENTIFICATION_MANUAL_FINISHED`
//! of a review the clock finished) waits until the earlier one was delivered or its retry gave
//! up. Each verification has its own queue, so one that waits for a retry holds up no other.
//!
//! ## https receivers
//!
//! An `https` webhook URL is delivered to with rustls, its crypto provider chosen by the crate's
//! features (`aws-lc-rs`, the default, or `ring`) and passed explicitly, never rustls' process
//! default. The receiver's certificate is checked against Mozilla's roots (`webpki-roots`, the
//! default) or the platform's verifier (`platform-verifier`); against the CA certificates of a
//! PEM file instead with [`EmulatorBuilder::webhook_ca_file`] (`idenfy emulator
//! --webhook-ca-file`), for a receiver with a certificate of a local CA; or not at all with
//! [`EmulatorBuilder::danger_accept_invalid_webhook_certs`] (`--webhook-insecure`, which the
//! command warns about). A failed check is a failed attempt, its reason recorded
//! (`invalid peer certificate: UnknownIssuer`).
//!
//! ## Callback hosts
//!
//! R3 lets a `callbackUrl` use plain `http` only on a loopback host (`localhost`,
//! `127.0.0.0/8`, `::1`), and the emulator sends nothing off the machine unless told to. By
//! default it therefore accepts a token's `callbackUrl` as the client library does and delivers
//! to it only on a loopback host: an `https` callback on another host is accepted (iDenfy
//! accepts it) but each of its webhooks is recorded as failed, `not sent: …`, without a
//! connection. [`EmulatorBuilder::allow_callback_hosts`] (`--allow-callback-host HOST`,
//! repeatable) names more hosts — docker-compose services, say — to which a `callbackUrl` may
//! then point, plain `http` included (`http://app:8080/hook`), and which are delivered to;
//! [`EmulatorBuilder::allow_any_callback_host`] (`--allow-any-callback-host`) allows every
//! host. A host is matched as the URL parser writes it (lower case, IPv6 in brackets), on any
//! port. The emulator's own webhook URL is the operator's choice and is delivered to whatever
//! its host.
//!
//! # Quirks mode
//!
//! iDenfy's real payloads are not as tidy as its schema, and a client that parses only tidy JSON
//! breaks in production. With [`EmulatorBuilder::quirks`] (`idenfy emulator --quirks`, `idenfy
//! demo --quirks`) the emulator's answers and webhooks carry the quirks that iDenfy's published
//! payloads show, each reproduced from its pattern (none copied). Every quirk changes a shape,
//! never a value: a client that reads leniently, as R7 asks, reads a quirky payload exactly as
//! the plain one (the project's conformance suite runs against both).
//!
//! | quirk | in | as in |
//! |---|---|---|
//! | `clientId` as a JSON number when it is a plain decimal number (`100042`, not `"100042"`; `"0042"` stays a string) | the token answer, `status`, `data`, webhooks | the 2018 token answer; the 2021 `data` table types it `Int` |
//! | `selectedCountry` twice in the same object (a duplicate key; the same value) | webhooks' `data`, the `data` answer | the 2021 webhook examples |
//! | `startTime` and `finishTime` as floats with microseconds (`1700000000.324056`), the same whole seconds | webhooks | the April 2019 webhook example |
//! | `aml` and `lid` in lower case, one service result as a single object rather than a list | webhooks | the 2019–2021 webhook examples |
//! | a top-level `additionalSteps` map (`{}`: no additional step) beside the string-or-null `status.additionalSteps` | webhooks | the current schema, where one name has both shapes |
//! | pretty-printed with two-space indentation and a trailing newline, the signature covering it | webhooks | the go-idenfy test body, whose signature covers its final LF |
//!
//! A `DOCUMENT_EXPIRATION` notice, which has none of an identification result's fields, carries
//! the quirks that apply to it: the numeric `clientId` and the pretty-printing.
//!
//! The webhook text is written by hand (a duplicate key cannot live in a `serde_json::Value`)
//! and signed over those exact bytes; [`Delivery::body`] holds them. Nothing else changes: the
//! same events, statuses and values, the same control API.
//!
//! # The control API
//!
//! Under `/__emulator`, JSON in and out, no authentication (the emulator listens on loopback;
//! see [Connections and safety](#connections-and-safety) for what keeps web pages out).
//! Errors use iDenfy's error body (`identifier`, `message`). Every route has a Rust twin on
//! [`Emulator`].
//!
//! | method and path | body | does |
//! |---|---|---|
//! | `GET /__emulator` | | the emulator's version, base URL and routes |
//! | `GET /__emulator/health` | | `{"status": "ok"}` |
//! | `GET /__emulator/verifications?page=&perPage=&status=&clientId=&scanRef=` | | one [page](#paged-lists) of the verifications kept, oldest first, each `scanRef`, `authToken`, `clientId`, `status`, `createdAt`, `startedAt`, `finishedAt`, `expiresAt` (Unix seconds or `null`), `callbackUrl`, `redirectUrl`, `callbackFailed` (see [failed callbacks](#failed-callbacks-and-resends)); filtered by status, `clientId` or `scanRef` |
//! | `GET /__emulator/verifications/{scanRef}` | | one of them (`404` if unknown) |
//! | `POST /__emulator/verifications/{scanRef}/start` | | the person opens the session, as the redirect page does (`409` unless active) |
//! | `POST /__emulator/verifications/{scanRef}/complete` | outcome (optional) | finishes it: `{"overall": "APPROVED"\|"DENIED"\|"SUSPECTED", "autoOverall", "autoFace", "autoDocument", "manualFace", "manualDocument", "fraudTags": [], "mismatchTags": [], "manualReview": bool, "reviewAfterSeconds": n}`, every field optional (an empty body approves); answers the verification (`409` unless active) |
//! | `POST /__emulator/verifications/{scanRef}/cancel` | | cancels it (`IDENTIFICATION_CANCELLED`; status `EXPIRED`); answers the verification (`409` unless active) |
//! | `POST /__emulator/verifications/{scanRef}/request-information` | `{"lifetime": seconds}` (optional; 0 to 2 592 000, default 86 400) | makes a finished verification active again with a new token; answers `{"sessionUrl", "tokenString"}` as iDenfy's request-information (`409` unless finished, `400` naming `lifetime`) |
//! | `POST /__emulator/verifications/{scanRef}/document-expiration` | `{"threshold": "DOCUMENT_EXPIRES_WITHIN_30_DAYS"\|"…_7_DAYS"\|"…_1_DAY"\|"DOCUMENT_EXPIRED"}` | sends `DOCUMENT_EXPIRATION`; answers the verification (`409` without a document read, `400` naming `threshold`) |
//! | `GET /__emulator/clock` | | `{"now": unix seconds, "nowMs": unix milliseconds, "offsetSeconds": n, "offsetMs": n}` (`offsetSeconds` rounded down) |
//! | `POST /__emulator/clock/advance` | `{"seconds": n}`, `{"milliseconds": n}` or both (added) | moves the clock forward and applies expiries and reviews at once (a chunk at a time: other requests are served meanwhile); answers the clock. The clock stops at 9999-12-31T23:59:59.999Z, and a step past it is refused (`400` naming the field and the largest step allowed) |
//! | `GET /__emulator/webhooks?page=&perPage=&scanRef=&eventType=` | | one [page](#paged-lists) of the delivery attempts kept, in the order they ended, each `id`, `scanRef`, `eventType`, `final`, `url`, `attempt`, `resendOf` (the `id` resent, or `null`), `headers`, `body` (the exact text sent), `status` (the receiver's), `error`, `skipped`, `timestamp`, `timestampMs`; filtered by `scanRef` or event type |
//! | `DELETE /__emulator/webhooks` | | forgets them (`204`; ids go on counting) |
//! | `POST /__emulator/webhooks/resend` | `{"scanRef": "…"}` | resends every webhook of the verification that was never delivered; `202` `{"resent": [ids]}` (empty when none failed; `404` when nothing of it is kept) |
//! | `POST /__emulator/webhooks/{id}/resend` | | resends the webhook of that attempt, whatever its outcome; `202` `{"resent": [id]}` (`404` when not kept) |
//! | `GET`/`PUT /__emulator/webhook-url` | `{"url": "http://…"\|null}` | the default webhook URL |
//! | `GET /__emulator/faults` | | the faults still pending |
//! | `POST /__emulator/faults` | fault | adds one (`201`): `{"kind": "status"\|"delay"\|"drop"\|"truncate"\|"garbage"\|"lose"\|"stallBody", "path" or "prefix", "times": n, "status": 503, "body": "…" or JSON, "contentType", "retryAfter": seconds, "delayMs": n, "stallMs": n}`; `400` for a fault that could never apply or that HTTP cannot carry (see [`Fault`]) |
//! | `DELETE /__emulator/faults` | | removes them all (`204`) |
//! | `GET`/`PUT`/`DELETE /__emulator/faults/random` | `{"rate": 0.05, "seed": 1, "faults": [fault, …]}` | [random faults](RandomFaults): `PUT` sets them (with a fresh generator and tally), `DELETE` stops them (`204`); `GET` and `PUT` answer the settings with `requests` (seen) and `injected` (per fault), or `null` when none are set; `400` for a rate outside 0 to 1, no faults, or a fault as `POST /__emulator/faults` refuses it |
//! | `GET /__emulator/files/{scanRef}/{STEP}.png` | | the photo behind a `fileUrls` URL, or a `VIDEO_CALL_*` photo of a video call |
//! | `GET /__emulator/files/{scanRef}/VIDEO_CALL.mp4` | | the recording of an ended video call |
//! | `GET /__emulator/files/face-auth/{id}.png` | | the face photo of a finished face-authentication session |
//! | `POST /__emulator/ui/finish` | form: `authToken`, `outcome` | the redirect page's form; answers `303` to `successUrl` (approved) or `errorUrl` |
//! | `GET`/`PUT /__emulator/process-settings` | `{"outcome": outcome (as for complete), "documentNotDetected": bool}`, both optional | what direct-processing uploads do ([`ProcessSettings`]); answers `{"overall", "manualReview", "documentNotDetected"}` (`400` for an outcome that cannot finish a verification) |
//! | `POST /__emulator/face-auth/{tokenString}/complete` | `{"approved": bool}` (optional; `true`) | finishes the face-authentication session; answers it as the session endpoints show it (`404` unknown, `409` finished or expired) |
//! | `POST /__emulator/verifications/{scanRef}/video-call/finish` | `{"status": bool, "answers": {question: text or {"answer", "correct"}}}`, both optional | ends the video call under way, sends `VIDEO_CALL_FINISHED`; answers the verification (`409` without a call under way, `400` for an answer of another shape) |
//! | `GET /__emulator/video-calls/{callId}` | | the call's page, the URL `POST /api/v2/video-call` answers (`404` unknown, `410` ended) |
//! | `POST /__emulator/ui/video-call` | form: `callId`, `status` (`succeeded`/`failed`), `answer-N` | the call page's form: ends the call, each answer judged correct |
//!
//! # Faults
//!
//! [`Emulator::inject_fault`] (or `POST /__emulator/faults`) makes the next requests to a path
//! fail: answer a status and body, wait before answering, drop the connection, cut the body
//! short (`Content-Length` larger than what is sent, then close), stall half-way through the
//! body, lose the answer after processing the request, or answer bytes that are not HTTP; a
//! status fault can carry `Retry-After`. Faults apply before authentication and never to the
//! control API. See [`Fault`].
//!
//! For chaos runs, [`RandomFaults`] ([`EmulatorBuilder::random_faults`],
//! [`Emulator::set_random_faults`]) hits a share of the requests with faults drawn from a list,
//! from a seeded generator, and counts what it did ([`Emulator::random_fault_tally`]);
//! `crates/idenfy-bench`'s `chaos` program drives the three adapters through it.
//!
//! # Status and webhook fields before a review
//!
//! `manualDocument` and `manualFace` hold the reviewed (final) result, and nothing until a
//! person reviewed the verification. Each place writes that "nothing" as the reference does:
//! `/api/v2/status` as `""` (reference §3.2: "string | empty"; likewise `autoDocument` and
//! `autoFace` before the checks ran), a webhook as `null` (§5.4: "string | null; null before
//! review"), so a receiver can tell an automatic callback from a reviewed one. An
//! `IDENTIFICATION_EXPIRED` webhook of a token that was never opened has no `startTime` and a
//! `null` `clientIp`: no session started, and no person's address is known.
//!
//! # Connections and safety
//!
//! The emulator is meant to be left running and shared, so it bounds what a connection may
//! hold (each bound set on [`EmulatorBuilder`] and by `idenfy emulator` flags):
//!
//! | bound | default | what happens past it |
//! |---|---|---|
//! | [`idle_timeout`](EmulatorBuilder::idle_timeout): time without a request in progress, from the connection's opening to its first request and between requests | 60 s | the connection is closed (gracefully: an HTTP/2 client gets `GOAWAY`), whatever it sent meanwhile that made no request: nothing, part of an HTTP/2 preface, a head byte by byte; an answer the client has not read by then is cut off a second later |
//! | [`header_read_timeout`](EmulatorBuilder::header_read_timeout): HTTP/1.1, time to send a request's head once the emulator waits for it; HTTP/2, the keep-alive ping interval and the time to answer a ping | 30 s | the connection is closed (so an unused HTTP/1.1 keep-alive connection lasts this long) |
//! | [`body_read_timeout`](EmulatorBuilder::body_read_timeout): time to send a request's whole body (at most 1 MiB), from the moment the emulator reads it | 30 s | `408` with an iDenfy error body (`BAD_VALUE`) and `Connection: close` |
//! | [`max_connections`](EmulatorBuilder::max_connections): connections served at once | 512 | a further connection is accepted, answered at once `503 Service Unavailable` (`INTERNAL_ERROR`, `Retry-After: 1`, `Connection: close`, in HTTP/1.1 whatever it sent) and closed; past 64 such refusals under way, closed without an answer |
//!
//! Below the cap every connection is served, so `/__emulator/health` answers while idle
//! sockets are open; at the cap it is refused like any request. The default cap stays under
//! the usual limit of 1024 open files, leaving room for webhook deliveries.
//!
//! The control API has no authentication, so it keeps web pages out: a browser on the same
//! machine can reach a loopback port.
//!
//! - A control request whose `Origin` is not the emulator's own is refused `403`
//!   (`PERMISSIONS_ERROR`). Its own origin is its base URL, or the `Host` the request was sent
//!   to when that is `localhost` or an IP address (a page the emulator served itself); a DNS
//!   name is not trusted, since a hostile page can re-bind one to the emulator's address.
//!   Requests without `Origin` (test code, `curl`) pass: a browser sends it with every
//!   cross-origin `POST`.
//! - A control request that changes state (`POST`, `PUT`, `DELETE`) must be JSON: one with
//!   another `Content-Type` (`text/plain` and forms, which a foreign page can send without
//!   asking), or with a body and no `Content-Type`, is refused `415` before it is read. One with
//!   neither a body nor a `Content-Type` passes.
//! - The two forms, `POST /__emulator/ui/finish` (the redirect page's) and
//!   `POST /__emulator/ui/video-call` (the video call page's), are not JSON; they must come from
//!   the emulator's own origin by their `Origin`, or by their `Referer` when they have no
//!   `Origin`.
//! - A control request that arrives over loopback addressed (`Host`) to a DNS name other than
//!   `localhost` is refused `403`: that is a page that re-bound its own name to `127.0.0.1` (DNS
//!   rebinding), whose same-origin `GET`s carry no `Origin` and could otherwise read every
//!   verification. Requests from other machines (a docker-compose service name) are not
//!   concerned; the API endpoints ask for credentials anyway.
//!
//! Listening on another address than loopback ([`EmulatorBuilder::listen`]) lets other
//! machines drive the emulator and read every verification; `idenfy emulator` warns on stderr.
//! # Paged lists
//!
//! The two lists answer one page, as iDenfy's own paged lists do:
//! `{"count": n, "next": URL or null, "previous": URL or null, "results": [...]}`, where `count`
//! is how many items the filters select on all pages and `next`/`previous` are the full URLs of
//! the neighbouring pages (with the same filters). `page` counts from 1; `perPage` is
//! [`DEFAULT_PER_PAGE`] (50) when not given, at most [`MAX_PER_PAGE`] (200). A page past the end
//! has no results. An unknown or repeated parameter, a page or size out of range, or a status
//! or event type iDenfy does not define is `400 BAD_VALUE` naming it. The Rust twins are
//! [`Emulator::verifications_page`] ([`VerificationQuery`]) and [`Emulator::deliveries_page`]
//! ([`DeliveryQuery`]); [`Emulator::verifications`] and [`Emulator::deliveries`] still copy
//! everything kept.
//!
//! # Limits, memory and scale
//!
//! The emulator can be left running and shared:
//!
//! - **Finished verifications** — finished, expired or deleted — are kept up to
//!   [`EmulatorBuilder::finished_retention`] ([`DEFAULT_FINISHED_RETENTION`], 10 000; `idenfy
//!   emulator --keep-finished N`). Past it the one that finished first is forgotten: its
//!   `scanRef` answers `404 NOT_FOUND` everywhere, as an unknown one does, and its redirect link
//!   the "unknown link" page. Webhooks it had queued are still sent. Active and reviewing
//!   verifications are never forgotten; with the default request limit (10 000 per hour) and
//!   `expiryTime` (one hour), about 10 000 are active at most.
//! - **Delivery attempts** are kept up to [`EmulatorBuilder::delivery_retention`]
//!   ([`DEFAULT_DELIVERY_RETENTION`], 5 000; `--keep-deliveries N`, 0 keeps none); the oldest is
//!   dropped. [`Emulator::wait_for_deliveries`] counts every attempt since the start (or the last
//!   clear), kept or not.
//! - **Extra token fields** take at most [`MAX_EXTRA_FIELD_BYTES`] per token.
//! - **Face-authentication sessions** are kept up to 10 000, the oldest forgotten first.
//! - **Uploads** for direct processing are read up to the client's limit (20 MB) and dropped
//!   once processed: only the steps, document type and country are kept.
//! - **Answers** are bounded: lists are paged.
//!
//! No request waits for work proportional to the number of verifications. They are indexed by
//! `scanRef`, `authToken`, `clientId` and status; what the clock will change (expiries, reviews)
//! sits in a queue ordered by deadline, so applying the clock pops only what is due, 256
//! verifications per hold of the lock, which is released in between; a request about one
//! verification brings that one up to date itself rather than waiting for the rest. A webhook's
//! body is written and signed outside the lock, from a copy of the verification taken when the
//! event happened.
//!
//! Measured with `cargo run --release -p idenfy-bench --bin emulator_scale` (the emulator and 8
//! clients in one process on a 2-core machine, AMD EPYC, shared with other builds; one run of
//! three, the others within a factor of two): 100 000 verifications created over loopback
//! (half with a 60 s `expiryTime`), then `POST /api/v2/status` on random ones with 8 concurrent
//! clients (the project's hyper client, one connection each), at rest and while one
//! `POST /__emulator/clock/advance` expires 50 000 tokens at once.
//!
//! | measure | value |
//! |---|---|
//! | creating 100 000 tokens | 5.3 s (18 700 per second) |
//! | `status` at rest, 20 000 calls: p50 / p99 | 0.32 ms / 0.80 ms |
//! | the advance expiring 50 000 tokens | 0.68 s |
//! | `status` during that advance, 2 506 calls: p50 / p99 / max | 1.9 ms / 8.3 ms / 22 ms |
//! | one page of 200 `EXPIRED` verifications, with 60 000 kept | 0.27 ms |
//! | resident memory (VmRSS) of the process at 100 000 verifications | 214 MiB (3 MiB before: about 2.1 KiB per verification) |
//! | peak (VmHWM), after the expiry, 50 000 active + 10 000 expired kept | 238 MiB |
//!
//! # Concurrency and shutdown
//!
//! The state sits behind one mutex that is never held across an `.await` nor for more than a
//! bounded step; the clock is read without it; the emulator serves many clients at once. Dropping the [`Emulator`] stops it: the listener closes, open
//! connections get two seconds to finish, background tasks (deliveries, the clock's sweeper) are
//! aborted, and the blocking variant's runtime thread is joined. [`Emulator::shutdown`] does the
//! same and waits for it from async code.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod callback;
mod control;
mod delivery;
mod face_auth;
mod fault;
mod in_memory;
mod kyc;
mod outcome;
mod page;
mod payload;
mod process;
mod quirks;
mod rng;
mod server;
mod shared;
mod state;
mod video_call;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use idenfy_proto::webhook::WebhookKey;
use idenfy_proto::{
    ApiSecret, AuthToken, Config, Credentials, ExpirationThreshold, OverallStatus, ValidationError,
    WebUrl,
};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::runtime::Handle;
use zeroize::Zeroizing;

pub use delivery::{Delivery, DeliveryOutcome};
pub use fault::{Fault, FaultKind, MAX_STALL, PathMatch, RandomFaultTally, RandomFaults};
pub use in_memory::{InMemory, InMemoryAnswer};
pub use outcome::Outcome;
pub use page::{DEFAULT_PER_PAGE, DeliveryQuery, MAX_PER_PAGE, Page, VerificationQuery};
pub use process::ProcessSettings;
pub use video_call::VideoCallAnswer;

use shared::{Settings, Shared};

/// Locks a mutex, recovering the data if a panicking thread poisoned it (the state stays
/// consistent: every change is made under the lock in one step).
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The default request limit: iDenfy's documented default of 10 000 requests per hour.
pub const DEFAULT_REQUESTS_PER_HOUR: u32 = 10_000;

/// How long the emulator waits for a webhook receiver by default (iDenfy: 10 s).
pub const DEFAULT_WEBHOOK_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a client may take to send a request's head by default (HTTP/1.1); see
/// [`EmulatorBuilder::header_read_timeout`].
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a connection may go without a request in progress by default; see
/// [`EmulatorBuilder::idle_timeout`].
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// How long a client may take to send a request's body by default; see
/// [`EmulatorBuilder::body_read_timeout`].
pub const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// How many connections the emulator serves at once by default (half of the usual limit of
/// 1024 open files); see [`EmulatorBuilder::max_connections`].
pub const DEFAULT_MAX_CONNECTIONS: usize = 512;
/// How many finished, expired or deleted verifications are kept by default
/// ([`EmulatorBuilder::finished_retention`]).
pub const DEFAULT_FINISHED_RETENTION: usize = 10_000;

/// How many delivery attempts are kept by default ([`EmulatorBuilder::delivery_retention`]).
pub const DEFAULT_DELIVERY_RETENTION: usize = 5_000;

/// The largest retention limit a builder accepts (for verifications and for deliveries).
pub const MAX_RETENTION: usize = 100_000_000;

/// How long the token of a request for more information lives by default, unopened
/// ([`Emulator::request_information`]; reference §3.11: 86 400 s).
pub const DEFAULT_INFORMATION_LIFETIME: Duration = Duration::from_secs(86_400);

/// The longest lifetime a request for more information may give its token (reference §3.11:
/// 2 592 000 s, 30 days).
pub const MAX_INFORMATION_LIFETIME: Duration = Duration::from_secs(2_592_000);

/// The most bytes a token's extra fields — the fields iDenfy does not define, which the emulator
/// stores and echoes — may take, written as one JSON object. A larger request is refused with
/// `400 BAD_VALUE`.
pub const MAX_EXTRA_FIELD_BYTES: usize = 4096;

/// Why the emulator could not do what was asked.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EmulatorError {
    /// The listener could not be bound, or the runtime thread could not be started.
    #[error("the emulator could not start: {0}")]
    Io(#[from] std::io::Error),
    /// [`Emulator::start`] was called outside a Tokio runtime.
    #[error("Emulator::start needs a Tokio runtime (use Emulator::start_blocking without one)")]
    NoRuntime,
    /// A setting of the builder was refused (credentials, webhook URL); names the field.
    #[error("invalid emulator setting: {0}")]
    Config(#[from] ValidationError),
    /// The webhook signing key given to the builder is empty (R8).
    #[error("invalid emulator setting: {0}")]
    WebhookKey(#[from] idenfy_proto::webhook::EmptyKeyError),
    /// Another setting of the builder could not be used: an allowed callback host that is not
    /// a host, a webhook CA file that cannot be read or holds no certificate.
    #[error("invalid emulator setting {setting}: {reason}")]
    InvalidSetting {
        /// The setting: `allowCallbackHost`, `webhookCaFile`, `webhookTls`.
        setting: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// No verification has this `scanRef`.
    #[error("no verification with scanRef {0:?}")]
    UnknownScanRef(String),
    /// The verification is not in a state that allows the change (it is no longer active).
    #[error("verification {scan_ref} is {status}, not ACTIVE")]
    Conflict {
        /// The verification.
        scan_ref: String,
        /// Its status.
        status: OverallStatus,
    },
    /// The verification is not in the state the change needs (a request for more information
    /// on one that is not finished, a document-expiration notice for one whose document was
    /// not read).
    #[error("verification {scan_ref} is {status}: {needs}")]
    WrongState {
        /// The verification.
        scan_ref: String,
        /// Its status.
        status: OverallStatus,
        /// What the change needs.
        needs: &'static str,
    },
    /// No delivery attempt with this `id` is kept (never recorded, or dropped under the
    /// retention limit or by [`Emulator::clear_deliveries`]).
    #[error("no delivery attempt with id {0} is kept")]
    UnknownDelivery(u64),
    /// No face-authentication session has this token (never made, or forgotten: the latest
    /// 10 000 are kept).
    #[error("no face-authentication session with this token")]
    UnknownFaceAuthSession,
    /// The face-authentication session is no longer open: it was finished, or it expired.
    #[error("the face-authentication session is {0}, not open")]
    FaceAuthSessionClosed(&'static str),
    /// A value given to the change is out of its range or not one it knows; names the field.
    #[error("invalid argument: {0}")]
    InvalidArgument(ValidationError),
    /// An outcome that cannot finish a verification.
    #[error("invalid outcome: {0}")]
    InvalidOutcome(String),
    /// A fault description that makes no sense.
    #[error("invalid fault: {0}")]
    InvalidFault(String),
    /// A list query that makes no sense (a page of 0, a page size out of range); names the
    /// field.
    #[error("invalid list query: {0}")]
    InvalidQuery(ValidationError),
    /// The deliveries waited for did not happen in time.
    #[error("timed out after {timeout:?} waiting for webhook deliveries ({seen} recorded)")]
    Timeout {
        /// How long was waited.
        timeout: Duration,
        /// How many deliveries had been recorded.
        seen: usize,
    },
    /// The emulator's server thread ended before it could report its address.
    #[error("the emulator's server thread stopped")]
    Stopped,
}

/// A verification as the emulator sees it. `Debug` redacts the token, including the one in the
/// `redirect_url` (R10).
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub struct Verification {
    /// `scanRef`.
    pub scan_ref: String,
    /// `authToken` (redacted in `Debug`).
    pub auth_token: AuthToken,
    /// `clientId`.
    pub client_id: String,
    /// The status `/api/v2/status` reports.
    pub status: OverallStatus,
    /// When the token was created (emulator clock).
    pub created_at: SystemTime,
    /// When the person opened the session, if they did.
    pub started_at: Option<SystemTime>,
    /// When the checks finished or the verification expired.
    pub finished_at: Option<SystemTime>,
    /// When the token (or the started session) expires, while active.
    pub expires_at: Option<SystemTime>,
    /// The token's `callbackUrl`.
    pub callback_url: Option<String>,
    /// The URL of the hosted-flow page.
    pub redirect_url: String,
    /// Whether its callback failed: the latest delivery of one of its webhooks failed on every
    /// attempt (the retry included), as iDenfy flags an identification "callback failed".
    /// Cleared when a later delivery of its webhooks, or a resend, is delivered.
    pub callback_failed: bool,
}

impl std::fmt::Debug for Verification {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verification")
            .field("scan_ref", &self.scan_ref)
            .field("auth_token", &self.auth_token)
            .field("client_id", &self.client_id)
            .field("status", &self.status)
            .field("created_at", &self.created_at)
            .field("started_at", &self.started_at)
            .field("finished_at", &self.finished_at)
            .field("expires_at", &self.expires_at)
            .field("callback_url", &self.callback_url)
            .field("redirect_url", &token_redacted(&self.redirect_url))
            .field("callback_failed", &self.callback_failed)
            .finish()
    }
}

/// A hosted-flow URL with the value of its `authToken` parameter redacted.
fn token_redacted(url: &str) -> String {
    const PARAMETER: &str = "authToken=";
    match url.find(PARAMETER) {
        Some(at) => {
            let value = at + PARAMETER.len();
            let end = url
                .get(value..)
                .and_then(|rest| rest.find('&'))
                .map_or(url.len(), |offset| value + offset);
            format!(
                "{}[redacted]{}",
                url.get(..value).unwrap_or_default(),
                url.get(end..).unwrap_or_default()
            )
        }
        None => url.to_owned(),
    }
}

/// What a request for more information answers ([`Emulator::request_information`];
/// reference §3.11): where the person resubmits, and the new token. `Debug` redacts the token,
/// including the one in the `session_url` (R10).
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InformationRequest {
    /// `sessionUrl`: the hosted-flow page of the new token (the verification's new
    /// `redirectUrl`).
    pub session_url: String,
    /// `tokenString`: the new token (redacted in `Debug`); the old one no longer works.
    pub token_string: AuthToken,
}

impl std::fmt::Debug for InformationRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InformationRequest")
            .field("session_url", &token_redacted(&self.session_url))
            .field("token_string", &self.token_string)
            .finish()
    }
}

impl InformationRequest {
    /// The answer as the control API shows it: `{sessionUrl, tokenString}`.
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "sessionUrl": self.session_url,
            "tokenString": self.token_string.expose_secret(),
        })
    }
}

fn unix_seconds(time: SystemTime) -> i64 {
    match time.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
        Err(before) => -i64::try_from(before.duration().as_secs()).unwrap_or(i64::MAX),
    }
}

impl Verification {
    /// The verification as the control API shows it.
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "scanRef": self.scan_ref,
            "authToken": self.auth_token.expose_secret(),
            "clientId": self.client_id,
            "status": self.status.as_str(),
            "createdAt": unix_seconds(self.created_at),
            "startedAt": self.started_at.map(unix_seconds),
            "finishedAt": self.finished_at.map(unix_seconds),
            "expiresAt": self.expires_at.map(unix_seconds),
            "callbackUrl": self.callback_url,
            "redirectUrl": self.redirect_url,
            "callbackFailed": self.callback_failed,
        })
    }
}

/// The operations shared by the control API and the [`Emulator`] methods.
pub(crate) mod ops {
    use std::net::SocketAddr;
    use std::sync::Arc;

    use std::time::Duration;

    use idenfy_proto::{ExpirationThreshold, Rule, ValidationError};

    use crate::delivery::{Delivery, Job};
    use crate::page::{self, DeliveryQuery, Page, VerificationQuery};
    use crate::shared::Shared;
    use crate::{
        EmulatorError, InformationRequest, MAX_INFORMATION_LIFETIME, Outcome, Verification,
    };

    /// Every verification, oldest first, read a page at a time (the lock is released between
    /// pages).
    pub(crate) fn verifications(shared: &Shared) -> Vec<Verification> {
        shared.settle_all();
        let mut list = Vec::new();
        let mut last = 0;
        loop {
            let batch = shared.with_state(|state| {
                state
                    .after(last, page::MAX_PER_PAGE)
                    .into_iter()
                    .map(|(seq, session)| (seq, session.info(&shared.base_url)))
                    .collect::<Vec<_>>()
            });
            let Some((seq, _)) = batch.last() else {
                return list;
            };
            last = *seq;
            list.extend(batch.into_iter().map(|(_, verification)| verification));
        }
    }

    /// One page of the verifications `query` selects, once the clock's changes are applied.
    pub(crate) fn verifications_page(
        shared: &Shared,
        query: &VerificationQuery,
    ) -> Result<Page<Verification>, EmulatorError> {
        query.check().map_err(EmulatorError::InvalidQuery)?;
        shared.settle_all();
        let filter = query.filter();
        let offset = page::offset(query.page, query.per_page);
        let (count, results) = shared.with_state(|state| {
            let (count, sessions) = state.list(&filter, offset, query.per_page);
            let results = sessions
                .into_iter()
                .map(|session| session.info(&shared.base_url))
                .collect();
            (count, results)
        });
        Ok(Page {
            count,
            page: query.page,
            per_page: query.per_page,
            results,
        })
    }

    /// One page of the delivery attempts kept that `query` selects.
    pub(crate) fn deliveries_page(
        shared: &Shared,
        query: &DeliveryQuery,
    ) -> Result<Page<Delivery>, EmulatorError> {
        query.check().map_err(EmulatorError::InvalidQuery)?;
        let offset = page::offset(query.page, query.per_page);
        let (count, results) = shared
            .deliveries
            .page(&query.filter(), offset, query.per_page);
        Ok(Page {
            count,
            page: query.page,
            per_page: query.per_page,
            results,
        })
    }

    pub(crate) fn verification(shared: &Shared, scan_ref: &str) -> Option<Verification> {
        shared.with_state(|state| state.get(scan_ref).map(|s| s.info(&shared.base_url)))
    }

    pub(crate) fn start_session(
        shared: &Arc<Shared>,
        scan_ref: &str,
        remote: Option<SocketAddr>,
    ) -> Result<(), EmulatorError> {
        shared.tick();
        let now = shared.now_ms();
        shared.with_state(|state| {
            state.start(scan_ref, now, remote.map(|addr| addr.ip().to_string()))
        })
    }

    pub(crate) fn complete(
        shared: &Arc<Shared>,
        scan_ref: &str,
        outcome: Outcome,
        remote: Option<SocketAddr>,
    ) -> Result<(), EmulatorError> {
        shared.tick();
        let now = shared.now_ms();
        let ip = remote.map(|addr| addr.ip().to_string());
        shared.with_state(|state| state.complete(scan_ref, outcome, now, ip))
    }

    pub(crate) fn cancel(shared: &Arc<Shared>, scan_ref: &str) -> Result<(), EmulatorError> {
        shared.tick();
        let now = shared.now_ms();
        shared.with_state(|state| state.cancel(scan_ref, now))
    }

    /// Asks for more information about the finished verification `scan_ref`: it is active
    /// again with a new token that lives `lifetime` unopened (at most
    /// [`MAX_INFORMATION_LIFETIME`]). What `POST /__emulator/verifications/{scanRef}/request-information`
    /// does, and what iDenfy's `/kyc/identifications/{scanRef}/request-information/` does.
    pub(crate) fn request_information(
        shared: &Arc<Shared>,
        scan_ref: &str,
        lifetime: Duration,
    ) -> Result<InformationRequest, EmulatorError> {
        if lifetime > MAX_INFORMATION_LIFETIME {
            return Err(EmulatorError::InvalidArgument(lifetime_out_of_range(
                i64::try_from(lifetime.as_secs()).unwrap_or(i64::MAX),
            )));
        }
        let auth_token = shared.rng.alphanumeric(26).map_err(|err| {
            EmulatorError::Io(std::io::Error::other(format!(
                "the operating system's random source failed: {err}"
            )))
        })?;
        let lifetime_ms = i64::try_from(lifetime.as_millis()).unwrap_or(i64::MAX);
        shared.tick();
        let now = shared.now_ms();
        shared.with_state(|state| {
            state.request_information(scan_ref, auth_token.clone(), lifetime_ms, now)
        })?;
        Ok(InformationRequest {
            session_url: crate::payload::redirect_url(&shared.base_url, &auth_token),
            token_string: idenfy_proto::AuthToken::new(auth_token),
        })
    }

    /// The error for a request-information `lifetime` of `seconds`: 0 to
    /// [`MAX_INFORMATION_LIFETIME`].
    pub(crate) fn lifetime_out_of_range(seconds: i64) -> ValidationError {
        ValidationError::new(
            "lifetime",
            Rule::Range {
                min: 0,
                max: i64::try_from(MAX_INFORMATION_LIFETIME.as_secs()).unwrap_or(i64::MAX),
                actual: seconds,
            },
        )
    }

    pub(crate) fn document_expiration(
        shared: &Arc<Shared>,
        scan_ref: &str,
        threshold: ExpirationThreshold,
    ) -> Result<(), EmulatorError> {
        if !threshold.is_known() {
            return Err(EmulatorError::InvalidArgument(ValidationError::new(
                "threshold",
                Rule::OneOf {
                    allowed: ExpirationThreshold::KNOWN_STRS,
                },
            )));
        }
        shared.tick();
        let now = shared.now_ms();
        shared.with_state(|state| state.document_expiration(scan_ref, threshold, now))
    }

    /// Finishes the open face-authentication session of `token` as `approved` (or not).
    pub(crate) fn complete_face_auth(
        shared: &Arc<Shared>,
        token: &str,
        approved: bool,
    ) -> Result<(), EmulatorError> {
        shared.tick();
        let now = shared.now_ms();
        shared.with_state(|state| state.face_auth.finish(token, approved, now))
    }

    /// Ends the video call under way of `scan_ref` and sends `VIDEO_CALL_FINISHED`; without
    /// `answers`, each of the token's questions is answered and judged correct.
    pub(crate) fn finish_video_call(
        shared: &Arc<Shared>,
        scan_ref: &str,
        status: bool,
        answers: Option<Vec<crate::VideoCallAnswer>>,
    ) -> Result<(), EmulatorError> {
        shared.tick();
        let now = shared.now_ms();
        shared.with_state(|state| state.end_video_call(scan_ref, status, answers, now))
    }

    /// Queues the webhook of the delivery attempt `id` to be sent again, byte for byte: to the
    /// token's `callbackUrl` when it went there, else to the emulator's webhook URL as it is
    /// now.
    pub(crate) fn resend_delivery(shared: &Shared, id: u64) -> Result<(), EmulatorError> {
        let delivery = shared
            .deliveries
            .get(id)
            .ok_or(EmulatorError::UnknownDelivery(id))?;
        resend(shared, delivery);
        Ok(())
    }

    /// Queues every webhook of `scan_ref` that was never delivered to be sent again; the ids of
    /// the attempts resent, in event order. [`EmulatorError::UnknownScanRef`] when neither the
    /// verification nor an attempt of it is kept.
    pub(crate) fn resend_failed(
        shared: &Shared,
        scan_ref: &str,
    ) -> Result<Vec<u64>, EmulatorError> {
        let known = shared.with_state(|state| state.get(scan_ref).is_some());
        let failed = match shared.deliveries.failed(scan_ref) {
            Some(failed) => failed,
            None if known => Vec::new(),
            None => return Err(EmulatorError::UnknownScanRef(scan_ref.to_owned())),
        };
        let ids = failed.iter().map(|delivery| delivery.id).collect();
        for delivery in failed {
            resend(shared, delivery);
        }
        Ok(ids)
    }

    fn resend(shared: &Shared, delivery: Delivery) {
        let url = if delivery.from_callback {
            delivery.url.clone()
        } else {
            shared.with_state(|state| state.webhook_url.clone())
        };
        shared.enqueue_resend(Job::resend(delivery, url));
    }

    /// Moves the clock forward by `ms` (saturating) and applies what that brings, a chunk of
    /// verifications at a time.
    pub(crate) fn advance_clock(shared: &Shared, ms: u64) {
        shared.advance_ms(ms);
        shared.settle_all();
    }

    /// [`advance_clock`] from async code: yields to other tasks between chunks.
    pub(crate) async fn advance_clock_async(shared: &Shared, ms: u64) {
        shared.advance_ms(ms);
        shared.settle_all_async().await;
    }

    pub(crate) fn set_webhook_url(
        shared: &Shared,
        url: Option<String>,
    ) -> Result<(), EmulatorError> {
        let url = url.map(crate::checked_webhook_url).transpose()?;
        shared.with_state(|state| state.webhook_url = url);
        Ok(())
    }
}

/// Configures an [`Emulator`] before it starts.
///
/// ```
/// use idenfy_emulator::Emulator;
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), idenfy_emulator::EmulatorError> {
/// let emulator = Emulator::builder()
///     .credentials("test-key", "test-secret")
///     .webhook_key("test-signing-key")
///     .requests_per_hour(Some(100))
///     .start()
///     .await?;
/// assert_eq!(emulator.api_key(), "test-key");
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
#[must_use = "a builder does nothing until `start()` or `start_blocking()` is called"]
pub struct EmulatorBuilder {
    api_key: Option<String>,
    /// Wiped when the builder is dropped, like the webhook key.
    api_secret: Option<Zeroizing<String>>,
    webhook_url: Option<String>,
    webhook_key: Option<Zeroizing<Vec<u8>>>,
    requests_per_hour: Option<u32>,
    webhook_timeout: Duration,
    listen: SocketAddr,
    connections: server::ConnectionLimits,
    quirks: bool,
    webhook_ca_file: Option<PathBuf>,
    accept_invalid_webhook_certs: bool,
    callback_hosts: Vec<String>,
    any_callback_host: bool,
    finished_retention: usize,
    delivery_retention: usize,
    random_faults: Option<RandomFaults>,
}

impl std::fmt::Debug for EmulatorBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The secret and the webhook key are never printed.
        f.debug_struct("EmulatorBuilder")
            .field("api_key", &self.api_key)
            .field("webhook_url", &self.webhook_url)
            .field("requests_per_hour", &self.requests_per_hour)
            .field("webhook_timeout", &self.webhook_timeout)
            .field("listen", &self.listen)
            .field("connections", &self.connections)
            .field("quirks", &self.quirks)
            .field("webhook_ca_file", &self.webhook_ca_file)
            .field(
                "accept_invalid_webhook_certs",
                &self.accept_invalid_webhook_certs,
            )
            .field("callback_hosts", &self.callback_hosts)
            .field("any_callback_host", &self.any_callback_host)
            .field("finished_retention", &self.finished_retention)
            .field("delivery_retention", &self.delivery_retention)
            .field("random_faults", &self.random_faults)
            .finish_non_exhaustive()
    }
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        Self {
            api_key: None,
            api_secret: None,
            webhook_url: None,
            webhook_key: None,
            requests_per_hour: Some(DEFAULT_REQUESTS_PER_HOUR),
            webhook_timeout: DEFAULT_WEBHOOK_TIMEOUT,
            listen: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
            connections: server::ConnectionLimits::default(),
            quirks: false,
            webhook_ca_file: None,
            accept_invalid_webhook_certs: false,
            callback_hosts: Vec::new(),
            any_callback_host: false,
            finished_retention: DEFAULT_FINISHED_RETENTION,
            delivery_retention: DEFAULT_DELIVERY_RETENTION,
            random_faults: None,
        }
    }
}

impl EmulatorBuilder {
    /// The API key and secret clients must present (HTTP Basic); generated when not set.
    pub fn credentials(
        mut self,
        api_key: impl Into<String>,
        api_secret: impl Into<String>,
    ) -> Self {
        self.api_key = Some(api_key.into());
        self.api_secret = Some(Zeroizing::new(api_secret.into()));
        self
    }

    /// The API key alone (the secret stays as set, or generated).
    pub fn api_key(mut self, api_key: impl Into<String>) -> Self {
        self.api_key = Some(api_key.into());
        self
    }

    /// The API secret alone (the key stays as set, or generated).
    pub fn api_secret(mut self, api_secret: impl Into<String>) -> Self {
        self.api_secret = Some(Zeroizing::new(api_secret.into()));
        self
    }

    /// Where webhooks go when the token has no `callbackUrl` (the dashboard's webhook URL);
    /// none by default.
    pub fn webhook_url(mut self, url: impl Into<String>) -> Self {
        self.webhook_url = Some(url.into());
        self
    }

    /// The key that signs webhooks; generated (from the OS random source) when not set. An
    /// empty key is refused when the emulator starts ([`EmulatorError::WebhookKey`]).
    pub fn webhook_key(mut self, key: impl Into<Vec<u8>>) -> Self {
        self.webhook_key = Some(Zeroizing::new(key.into()));
        self
    }

    /// The request limit per hour of the emulator's clock (`None`: unlimited); 10 000 by
    /// default, as iDenfy documents.
    pub fn requests_per_hour(mut self, limit: Option<u32>) -> Self {
        self.requests_per_hour = limit;
        self
    }

    /// How long a webhook receiver may take to answer; 10 s by default.
    pub fn webhook_timeout(mut self, timeout: Duration) -> Self {
        self.webhook_timeout = timeout;
        self
    }

    /// The address to listen on; `127.0.0.1:0` (a free port) by default. The control API has
    /// no authentication: an address other than loopback lets other machines drive the
    /// emulator (see "Connections and safety" in the crate docs).
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    /// HTTP/1.1: how long a client may take to send a request's head, from the moment the
    /// emulator waits for it (the connection's protocol is known, or the previous answer was
    /// sent); the connection is closed past it. HTTP/2: a connection silent this long is pinged,
    /// and closed when the ping is not answered within as long. 30 s by default
    /// ([`DEFAULT_HEADER_READ_TIMEOUT`]); 1 ms to one day.
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.connections.header_read_timeout = timeout;
        self
    }

    /// How long a connection may go without a request in progress — from its opening to its
    /// first request, and between requests — before it is closed, whatever it sends meanwhile
    /// that makes no request (nothing, part of an HTTP/2 preface, a head byte by byte). 60 s by
    /// default ([`DEFAULT_IDLE_TIMEOUT`]); 1 ms to one day.
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.connections.idle_timeout = timeout;
        self
    }

    /// How long a client may take to send a request's whole body, from the moment the emulator
    /// starts reading it; past it the request is answered `408` and the connection closed. 30 s
    /// by default ([`DEFAULT_BODY_READ_TIMEOUT`]); 1 ms to one day.
    pub fn body_read_timeout(mut self, timeout: Duration) -> Self {
        self.connections.body_read_timeout = timeout;
        self
    }

    /// How many connections are served at once; a connection past the cap is answered `503`
    /// with `Connection: close` and closed. 512 by default ([`DEFAULT_MAX_CONNECTIONS`]); 1 to
    /// 1 000 000.
    pub fn max_connections(mut self, max: usize) -> Self {
        self.connections.max_connections = max;
        self
    }

    /// Quirks mode: the token answer, `status`, `data` and webhooks carry the quirks of
    /// iDenfy's real payloads — a numeric `clientId`, a duplicate key, float timestamps,
    /// lower-case single-object `aml`/`lid`, `additionalSteps` as a map, a signed trailing
    /// newline (see [the list](crate#quirks-mode)) — so that a client's lenient parsing is tested.
    /// Off by default.
    pub fn quirks(mut self, on: bool) -> Self {
        self.quirks = on;
        self
    }

    /// The CA certificates (a PEM file, one or more) that an `https` webhook receiver's
    /// certificate must chain to, in place of the default roots (Mozilla's, or the platform's
    /// with the `platform-verifier` feature). The file is read when the emulator starts; one that
    /// cannot be read or holds no certificate is refused ([`EmulatorError::InvalidSetting`]).
    pub fn webhook_ca_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.webhook_ca_file = Some(path.into());
        self
    }

    /// **Turns certificate checks off** for `https` webhook receivers: any certificate, for any
    /// name, is accepted (for a receiver with a self-signed certificate you cannot hand over as
    /// a CA file). While on, [`EmulatorBuilder::webhook_ca_file`] is not used (nor read). Off by
    /// default.
    pub fn danger_accept_invalid_webhook_certs(mut self, on: bool) -> Self {
        self.accept_invalid_webhook_certs = on;
        self
    }

    /// Hosts besides loopback ones (`localhost`, `127.0.0.0/8`, `::1`) that a token's
    /// `callbackUrl` may name: the emulator then accepts plain `http` to them (R3 alone refuses
    /// it off loopback: `http://app:8080/hook` in docker-compose) and delivers there. Names or IP
    /// addresses (IPv6 with or without brackets), no scheme, port or path; matched without
    /// regard to case, any port. Adds to the hosts given before; a value that is not a host is
    /// refused when the emulator starts ([`EmulatorError::InvalidSetting`]). See
    /// [callback hosts](crate#callback-hosts).
    pub fn allow_callback_hosts<I, S>(mut self, hosts: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.callback_hosts
            .extend(hosts.into_iter().map(Into::into));
        self
    }

    /// Lets a token's `callbackUrl` name any host (plain `http` included), and delivers there.
    /// Off by default: only loopback hosts and those of
    /// [`EmulatorBuilder::allow_callback_hosts`].
    pub fn allow_any_callback_host(mut self, on: bool) -> Self {
        self.any_callback_host = on;
        self
    }

    /// How many finished, expired or deleted verifications to keep, 1 to [`MAX_RETENTION`]
    /// ([`DEFAULT_FINISHED_RETENTION`] by default). Past it, the verification that finished
    /// first is forgotten: its `scanRef` and `authToken` then answer like unknown ones (`404`).
    /// Active and reviewing verifications are never forgotten. Checked when the emulator starts
    /// ([`EmulatorError::Config`] naming `finishedRetention`).
    pub fn finished_retention(mut self, limit: usize) -> Self {
        self.finished_retention = limit;
        self
    }

    /// How many delivery attempts to keep, 0 to [`MAX_RETENTION`]
    /// ([`DEFAULT_DELIVERY_RETENTION`] by default); past it the oldest attempt is dropped.
    /// Waiting for deliveries ([`Emulator::wait_for_deliveries`]) counts every attempt, kept or
    /// not. Checked when the emulator starts ([`EmulatorError::Config`] naming
    /// `deliveryRetention`).
    pub fn delivery_retention(mut self, limit: usize) -> Self {
        self.delivery_retention = limit;
        self
    }

    /// Faults drawn at random from the start (see [`RandomFaults`]); none by default. Checked
    /// when the emulator starts ([`EmulatorError::InvalidFault`]).
    pub fn random_faults(mut self, faults: RandomFaults) -> Self {
        self.random_faults = Some(faults);
        self
    }

    /// Starts the emulator on the current Tokio runtime (which needs its I/O and time drivers,
    /// as `#[tokio::main]` and `#[tokio::test]` set up).
    pub async fn start(self) -> Result<Emulator, EmulatorError> {
        let runtime = Handle::try_current().map_err(|_| EmulatorError::NoRuntime)?;
        let limits = self.connections.checked()?;
        let (shared, listener, identity) = self.bind(runtime.clone()).await?;
        let server = runtime.spawn(server::run(Arc::clone(&shared), listener, limits));
        Ok(Emulator {
            shared,
            identity,
            server: Some(Server::Task(server)),
        })
    }

    /// Starts the emulator on a runtime of its own, in a thread of its own, for code without a
    /// Tokio runtime. Dropping the [`Emulator`] stops the server and joins the thread.
    pub fn start_blocking(self) -> Result<Emulator, EmulatorError> {
        let limits = self.connections.checked()?;
        let (report, reported) = std::sync::mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("idenfy-emulator".to_owned())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .thread_name("idenfy-emulator-worker")
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(err) => {
                        let _ = report.send(Err(EmulatorError::Io(err)));
                        return;
                    }
                };
                let handle = runtime.handle().clone();
                runtime.block_on(async move {
                    match self.bind(handle).await {
                        Ok((shared, listener, identity)) => {
                            let _ = report.send(Ok((Arc::clone(&shared), identity)));
                            server::run(shared, listener, limits).await;
                        }
                        Err(err) => {
                            let _ = report.send(Err(err));
                        }
                    }
                });
                runtime.shutdown_timeout(Duration::from_secs(1));
            })?;
        match reported.recv() {
            Ok(Ok((shared, identity))) => Ok(Emulator {
                shared,
                identity,
                server: Some(Server::Thread(thread)),
            }),
            Ok(Err(err)) => {
                let _ = thread.join();
                Err(err)
            }
            Err(_) => {
                let _ = thread.join();
                Err(EmulatorError::Stopped)
            }
        }
    }

    /// Checks the settings, binds the listener and builds the shared core.
    async fn bind(
        self,
        runtime: Handle,
    ) -> Result<(Arc<Shared>, TcpListener, Identity), EmulatorError> {
        let prepared = self.prepare()?;
        let listener = TcpListener::bind(prepared.listen).await?;
        let addr = listener.local_addr()?;
        let (shared, identity) = prepared.assemble(addr, runtime)?;
        Ok((shared, listener, identity))
    }

    /// Checks the settings and makes what the shared core needs, but the address.
    fn prepare(self) -> Result<Prepared, EmulatorError> {
        // Whatever is not given is generated from the OS random source; a failure of that source
        // stops the start rather than falling back to guessable credentials.
        let rng = rng::Rng::new();
        let random = |err: getrandom::Error| {
            EmulatorError::Io(std::io::Error::other(format!(
                "the operating system's random source failed: {err}"
            )))
        };
        let api_key = match self.api_key {
            Some(key) => key,
            None => format!("emulator-{}", rng.alphanumeric(12).map_err(random)?),
        };
        let api_secret = ApiSecret::new(match self.api_secret {
            Some(secret) => secret.as_str().to_owned(),
            None => rng.alphanumeric(32).map_err(random)?,
        });
        let webhook_key = match self.webhook_key {
            Some(key) => WebhookKey::new(key.as_slice())?,
            None => WebhookKey::new(rng.alphanumeric(32).map_err(random)?)?,
        };
        let credentials = Credentials::new(api_key.as_str(), api_secret.expose_secret())?;
        let webhook_url = self.webhook_url.map(checked_webhook_url).transpose()?;
        let callback_hosts =
            callback::CallbackHosts::new(&self.callback_hosts, self.any_callback_host)?;
        let webhook_tls = match (self.accept_invalid_webhook_certs, self.webhook_ca_file) {
            (true, _) => delivery::WebhookTls::Insecure,
            (false, Some(path)) => delivery::WebhookTls::CaFile(path),
            (false, None) => delivery::WebhookTls::Roots,
        };
        let webhook_client = delivery::webhook_client(&webhook_tls)?;
        let finished_retention =
            checked_retention("finishedRetention", self.finished_retention, 1)?;
        let delivery_retention =
            checked_retention("deliveryRetention", self.delivery_retention, 0)?;
        if let Some(random) = &self.random_faults {
            random.check()?;
        }
        let settings = Settings {
            api_key,
            api_secret,
            webhook_key,
            webhook_url,
            requests_per_hour: self.requests_per_hour,
            webhook_timeout: self.webhook_timeout,
            quirks: self.quirks,
            callback_hosts,
            webhook_client,
            limits: state::Limits { finished_retention },
            delivery_retention,
        };
        Ok(Prepared {
            settings,
            credentials,
            rng,
            random_faults: self.random_faults,
            listen: self.listen,
            limits: self.connections,
        })
    }
}

/// Checked settings, waiting for the address the emulator answers on.
struct Prepared {
    settings: Settings,
    credentials: Credentials,
    rng: rng::Rng,
    random_faults: Option<RandomFaults>,
    listen: SocketAddr,
    limits: server::ConnectionLimits,
}

impl Prepared {
    /// The shared core of an emulator reached at `addr`, its tasks on `runtime`.
    fn assemble(
        self,
        addr: SocketAddr,
        runtime: Handle,
    ) -> Result<(Arc<Shared>, Identity), EmulatorError> {
        let Prepared {
            settings,
            credentials,
            rng,
            random_faults,
            ..
        } = self;
        let base_url = format!("http://{}", reachable(addr));
        let config = Config::builder(credentials.clone())
            .base_url(base_url.as_str())
            .allow_insecure_http(true)
            .build()?;
        let shared =
            Arc::new_cyclic(|me| Shared::new(settings, base_url, runtime, rng, me.clone()));
        if let Some(random) = random_faults {
            shared.with_state(|state| {
                state.random_faults = Some(fault::RandomFaultState::new(random));
            });
        }
        let identity = Identity {
            addr,
            credentials,
            config,
        };
        Ok((shared, identity))
    }
}

/// Checks a webhook URL (an absolute `http(s)` URL); errors name the field `webhookUrl`.
fn checked_webhook_url(url: String) -> Result<String, ValidationError> {
    WebUrl::new(url)
        .map(|url| url.as_str().to_owned())
        .map_err(|err| ValidationError::new("webhookUrl", err.rule().clone()))
}

/// Checks a retention limit: `min` to [`MAX_RETENTION`]; errors name `field`.
fn checked_retention(
    field: &'static str,
    limit: usize,
    min: usize,
) -> Result<usize, ValidationError> {
    if (min..=MAX_RETENTION).contains(&limit) {
        return Ok(limit);
    }
    let as_i64 = |value: usize| i64::try_from(value).unwrap_or(i64::MAX);
    Err(ValidationError::new(
        field,
        idenfy_proto::Rule::Range {
            min: as_i64(min),
            max: as_i64(MAX_RETENTION),
            actual: as_i64(limit),
        },
    ))
}

/// The address clients reach a listener on: the loopback address for an unspecified one
/// (`0.0.0.0`, `::`).
fn reachable(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), addr.port())
        }
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), addr.port())
        }
        _ => addr,
    }
}

/// Who the emulator is to its clients.
#[derive(Clone)]
struct Identity {
    addr: SocketAddr,
    credentials: Credentials,
    config: Config,
}

/// Where the server runs.
enum Server {
    /// A task on the caller's runtime ([`Emulator::start`]).
    Task(tokio::task::JoinHandle<()>),
    /// A thread with a runtime of its own ([`Emulator::start_blocking`]).
    Thread(std::thread::JoinHandle<()>),
}

/// A running emulator of the iDenfy API. See the [crate documentation](crate).
///
/// Dropping it stops the server (and, for [`Emulator::start_blocking`], joins its thread).
pub struct Emulator {
    shared: Arc<Shared>,
    identity: Identity,
    server: Option<Server>,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("base_url", &self.shared.base_url)
            .field("credentials", &self.identity.credentials)
            .finish_non_exhaustive()
    }
}

impl Emulator {
    /// A builder, to choose credentials, the webhook URL and key, limits and the address.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// Starts an emulator with the defaults on the current Tokio runtime: `127.0.0.1`, a free
    /// port, generated credentials and webhook key, no webhook URL.
    pub async fn start() -> Result<Self, EmulatorError> {
        Self::builder().start().await
    }

    /// Starts an emulator with the defaults on a runtime thread of its own (for synchronous
    /// code).
    pub fn start_blocking() -> Result<Self, EmulatorError> {
        Self::builder().start_blocking()
    }

    /// Stops the server and waits until it stopped: the listener is closed, open connections
    /// had up to two seconds to finish, and background tasks ended.
    pub async fn shutdown(mut self) {
        self.shared.shutdown.send_replace(true);
        match self.server.take() {
            Some(Server::Task(task)) => {
                let _ = task.await;
            }
            Some(Server::Thread(thread)) => {
                let _ = tokio::task::spawn_blocking(move || thread.join()).await;
            }
            None => {}
        }
    }

    /// Whether quirks mode is on ([`EmulatorBuilder::quirks`]).
    pub fn quirks(&self) -> bool {
        self.shared.quirks
    }

    /// The base URL: `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.identity.addr
    }

    /// The base URL of the control API: `http://127.0.0.1:<port>/__emulator`.
    pub fn control_url(&self) -> String {
        format!("{}{}", self.shared.base_url, server::CONTROL_PREFIX)
    }

    /// The API key clients must present.
    pub fn api_key(&self) -> &str {
        &self.shared.api_key
    }

    /// The API secret clients must present.
    pub fn api_secret(&self) -> &str {
        self.shared.api_secret.expose_secret()
    }

    /// The API key and secret.
    pub fn credentials(&self) -> Credentials {
        self.identity.credentials.clone()
    }

    /// The key the emulator signs webhooks with.
    pub fn webhook_key(&self) -> WebhookKey {
        self.shared.webhook_key.clone()
    }

    /// A client configuration for this emulator: its base URL and credentials.
    pub fn config(&self) -> Config {
        self.identity.config.clone()
    }

    /// The URL of the hosted-flow page for `auth_token`.
    pub fn redirect_url(&self, auth_token: &str) -> String {
        let encoded: String = server::percent_encode(auth_token);
        payload::redirect_url(&self.shared.base_url, &encoded)
    }

    /// Every verification kept, oldest first. Copies them all: with many verifications, prefer
    /// [`Emulator::verifications_page`].
    pub fn verifications(&self) -> Vec<Verification> {
        ops::verifications(&self.shared)
    }

    /// One page of the verifications `query` selects (by status, `clientId`, `scanRef`), oldest
    /// first, with how many it selects in all; what `GET /__emulator/verifications` answers.
    /// [`EmulatorError::InvalidQuery`] for a page of 0 or a page size out of range.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), idenfy_emulator::EmulatorError> {
    /// use idenfy_emulator::{Emulator, VerificationQuery};
    /// use idenfy_proto::OverallStatus;
    /// let emulator = Emulator::start().await?;
    /// let active = emulator.verifications_page(&VerificationQuery::new().status(OverallStatus::Active))?;
    /// assert_eq!(active.count, 0);
    /// assert!(!active.has_next());
    /// # Ok(())
    /// # }
    /// ```
    pub fn verifications_page(
        &self,
        query: &VerificationQuery,
    ) -> Result<Page<Verification>, EmulatorError> {
        ops::verifications_page(&self.shared, query)
    }

    /// The verification `scan_ref`, if there is one.
    pub fn verification(&self, scan_ref: &str) -> Option<Verification> {
        ops::verification(&self.shared, scan_ref)
    }

    /// The person opens the session, as opening the redirect URL does: its `sessionLength`
    /// starts. Fails for an unknown or no longer active verification.
    pub fn start_session(&self, scan_ref: &str) -> Result<(), EmulatorError> {
        ops::start_session(&self.shared, scan_ref, None)
    }

    /// Finishes the active verification `scan_ref` with `outcome` and sends its webhooks (in the
    /// background). Fails for an unknown or no longer active verification.
    pub fn complete(&self, scan_ref: &str, outcome: Outcome) -> Result<(), EmulatorError> {
        ops::complete(&self.shared, scan_ref, outcome, None)
    }

    /// Cancels the active verification `scan_ref` — the person or the system gave up — and
    /// sends `IDENTIFICATION_CANCELLED` (final). Its status becomes `EXPIRED`, iDenfy's status
    /// for a verification that ended without a result (the reference has no `CANCELLED`
    /// status). Fails for an unknown or no longer active verification.
    pub fn cancel(&self, scan_ref: &str) -> Result<(), EmulatorError> {
        ops::cancel(&self.shared, scan_ref)
    }

    /// Asks the person for more information about the finished verification `scan_ref`
    /// (iDenfy's request-information, reference §3.11): it becomes `ACTIVE` again with a new
    /// token, which expires `lifetime` later unless opened (then its `sessionLength` applies);
    /// the old token stops working. When the person finishes again, the webhook is
    /// `IDENTIFICATION_RESUBMITTED` (`final` unless a manual review follows, which then sends
    /// `IDENTIFICATION_MANUAL_FINISHED`). [`DEFAULT_INFORMATION_LIFETIME`] is iDenfy's default;
    /// more than [`MAX_INFORMATION_LIFETIME`] is [`EmulatorError::InvalidArgument`]. Fails with
    /// [`EmulatorError::WrongState`] unless the verification is finished (not in review, not
    /// expired or cancelled, not deleted).
    pub fn request_information(
        &self,
        scan_ref: &str,
        lifetime: Duration,
    ) -> Result<InformationRequest, EmulatorError> {
        ops::request_information(&self.shared, scan_ref, lifetime)
    }

    /// Sends a `DOCUMENT_EXPIRATION` webhook for `scan_ref` at `threshold`, with the expiry date
    /// of the document the verification read (its `data.docExpiry`). Fails with
    /// [`EmulatorError::WrongState`] unless the checks ran and nothing was deleted, and with
    /// [`EmulatorError::InvalidArgument`] for a threshold iDenfy does not define.
    pub fn document_expiration(
        &self,
        scan_ref: &str,
        threshold: ExpirationThreshold,
    ) -> Result<(), EmulatorError> {
        ops::document_expiration(&self.shared, scan_ref, threshold)
    }

    /// Sends the webhook of the delivery attempt `id` ([`Delivery::id`]) again, byte for byte
    /// and signed alike, as iDenfy's dashboard resends a failed webhook: queued behind the
    /// verification's webhooks not sent yet, retried once like any delivery, each attempt
    /// recorded with [`Delivery::resend_of`]. It goes to the token's `callbackUrl` when the
    /// original went there, else to the emulator's webhook URL as it is now (so a webhook
    /// skipped for want of a URL can be sent once one is set). [`EmulatorError::UnknownDelivery`]
    /// when that attempt is not kept.
    pub fn resend_delivery(&self, id: u64) -> Result<(), EmulatorError> {
        ops::resend_delivery(&self.shared, id)
    }

    /// Sends again, as [`Emulator::resend_delivery`] does, every webhook of `scan_ref` that was
    /// never delivered: each webhook (event and body) among the attempts kept none of whose
    /// attempts succeeded and whose latest one failed (not skipped). Returns the ids of the
    /// attempts resent, in event order; none when nothing failed.
    /// [`EmulatorError::UnknownScanRef`] when neither the verification nor an attempt of it is
    /// kept.
    pub fn resend_failed(&self, scan_ref: &str) -> Result<Vec<u64>, EmulatorError> {
        ops::resend_failed(&self.shared, scan_ref)
    }

    /// What direct-processing uploads (`POST /api/v2/process`) do now.
    pub fn process_settings(&self) -> ProcessSettings {
        self.shared.with_state(|state| state.process.clone())
    }

    /// Sets what direct-processing uploads do from now on: the outcome they finish their
    /// verification with, and whether the document is "not detected" (the documented `200`
    /// with an error body). See [`ProcessSettings`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), idenfy_emulator::EmulatorError> {
    /// use idenfy_emulator::{Emulator, Outcome, ProcessSettings};
    /// let emulator = Emulator::start().await?;
    /// emulator.set_process_settings(ProcessSettings::new().outcome(Outcome::denied()));
    /// assert!(!emulator.process_settings().finishing_outcome().overall().is_approved());
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_process_settings(&self, settings: ProcessSettings) {
        self.shared.with_state(|state| state.process = settings);
    }

    /// Finishes the open face-authentication session of `token_string` (from
    /// `POST /partner/authentication-info`): `approved` becomes `true` or `false` in the
    /// session endpoints, and `facePhoto` the URL of the photo taken.
    /// [`EmulatorError::UnknownFaceAuthSession`] when no session has this token,
    /// [`EmulatorError::FaceAuthSessionClosed`] when it is finished or expired.
    pub fn complete_face_auth(
        &self,
        token_string: &str,
        approved: bool,
    ) -> Result<(), EmulatorError> {
        ops::complete_face_auth(&self.shared, token_string, approved)
    }

    /// Ends the video call under way of `scan_ref` (started with `POST /api/v2/video-call`):
    /// the call succeeded (`status`) or not, with `answers` — or, with `None`, each of the
    /// token's `videoCallQuestions` answered and judged correct — and sends the
    /// `VIDEO_CALL_FINISHED` webhook. Its photos (a photo call) and recording are then served.
    /// [`EmulatorError::WrongState`] when no call is under way.
    pub fn finish_video_call(
        &self,
        scan_ref: &str,
        status: bool,
        answers: Option<Vec<VideoCallAnswer>>,
    ) -> Result<(), EmulatorError> {
        ops::finish_video_call(&self.shared, scan_ref, status, answers)
    }

    /// The emulator's clock (to the millisecond).
    pub fn now(&self) -> SystemTime {
        self.shared.now_precise()
    }

    /// Moves the emulator's clock forward by `by` (to the millisecond) and applies what that
    /// brings at once: expired tokens and sessions, finished reviews, and their webhooks. The
    /// clock stops at 9999-12-31T23:59:59.999Z: a longer step takes it there.
    pub fn advance_clock(&self, by: Duration) -> SystemTime {
        ops::advance_clock(
            &self.shared,
            u64::try_from(by.as_millis()).unwrap_or(u64::MAX),
        );
        self.now()
    }

    /// The default webhook URL (used when a token has no `callbackUrl`).
    pub fn webhook_url(&self) -> Option<String> {
        self.shared.with_state(|state| state.webhook_url.clone())
    }

    /// Sets or clears the default webhook URL; it must be an absolute `http(s)` URL.
    pub fn set_webhook_url(&self, url: Option<&str>) -> Result<(), EmulatorError> {
        ops::set_webhook_url(&self.shared, url.map(str::to_owned))
    }

    /// Every delivery attempt kept (the latest [`EmulatorBuilder::delivery_retention`]), in
    /// the order they ended.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.shared.deliveries.snapshot()
    }

    /// One page of the delivery attempts kept that `query` selects (by `scanRef`, event type),
    /// in the order they ended; what `GET /__emulator/webhooks` answers.
    /// [`EmulatorError::InvalidQuery`] for a page of 0 or a page size out of range.
    pub fn deliveries_page(&self, query: &DeliveryQuery) -> Result<Page<Delivery>, EmulatorError> {
        ops::deliveries_page(&self.shared, query)
    }

    /// Forgets the recorded deliveries.
    pub fn clear_deliveries(&self) {
        self.shared.deliveries.clear();
    }

    /// Waits until at least `count` delivery attempts were recorded since the start or the
    /// last [`Emulator::clear_deliveries`] (retries and skipped deliveries count, and so do
    /// attempts no longer kept), and returns those kept; [`EmulatorError::Timeout`] after
    /// `timeout`.
    pub async fn wait_for_deliveries(
        &self,
        count: usize,
        timeout: Duration,
    ) -> Result<Vec<Delivery>, EmulatorError> {
        self.shared.deliveries.wait_for_count(count, timeout).await
    }

    /// Waits until `done` holds for the recorded deliveries, and returns them.
    pub async fn wait_until(
        &self,
        done: impl FnMut(&[Delivery]) -> bool,
        timeout: Duration,
    ) -> Result<Vec<Delivery>, EmulatorError> {
        self.shared.deliveries.wait_until(done, timeout).await
    }

    /// [`Emulator::wait_for_deliveries`] for synchronous code; blocks the thread. Do not call
    /// it from a task of the runtime the emulator runs on, with a single-threaded runtime.
    pub fn wait_for_deliveries_blocking(
        &self,
        count: usize,
        timeout: Duration,
    ) -> Result<Vec<Delivery>, EmulatorError> {
        self.shared
            .deliveries
            .wait_for_count_blocking(count, timeout)
    }

    /// [`Emulator::wait_until`] for synchronous code; blocks the thread.
    pub fn wait_until_blocking(
        &self,
        done: impl FnMut(&[Delivery]) -> bool,
        timeout: Duration,
    ) -> Result<Vec<Delivery>, EmulatorError> {
        self.shared.deliveries.wait_until_blocking(done, timeout)
    }

    /// Adds a fault for the next matching requests (see [`Fault`]). A fault that could never
    /// apply or that HTTP cannot carry is refused ([`EmulatorError::InvalidFault`]): `times` of
    /// 0, a path in the control API, a status below 200, a body on a `204`.
    pub fn inject_fault(&self, fault: Fault) -> Result<(), EmulatorError> {
        fault.check()?;
        self.shared.with_state(|state| state.faults.push(fault));
        Ok(())
    }

    /// The faults not used up yet.
    pub fn faults(&self) -> Vec<Fault> {
        self.shared.with_state(|state| state.faults.clone())
    }

    /// Removes every pending fault.
    pub fn clear_faults(&self) {
        self.shared.with_state(|state| state.faults.clear());
    }

    /// Sets (or, with `None`, stops) the faults drawn at random (see [`RandomFaults`]), with a
    /// fresh generator and tally. Settings that make no sense are refused
    /// ([`EmulatorError::InvalidFault`]): a rate outside 0 to 1, no faults, a fault
    /// [`Emulator::inject_fault`] would refuse.
    pub fn set_random_faults(&self, faults: Option<RandomFaults>) -> Result<(), EmulatorError> {
        if let Some(random) = &faults {
            random.check()?;
        }
        let random = faults.map(fault::RandomFaultState::new);
        self.shared.with_state(|state| state.random_faults = random);
        Ok(())
    }

    /// What the random faults did since they were set: the requests they saw and how many each
    /// fault hit (empty when none are set).
    pub fn random_fault_tally(&self) -> RandomFaultTally {
        self.shared.with_state(|state| {
            state
                .random_faults
                .as_ref()
                .map(fault::RandomFaultState::tally)
                .unwrap_or_default()
        })
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.shared.shutdown.send_replace(true);
        if let Some(Server::Thread(thread)) = self.server.take() {
            let _ = thread.join();
        }
    }
}
