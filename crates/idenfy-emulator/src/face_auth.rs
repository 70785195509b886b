//! Face authentication of returning persons (reference §3.12): whether the person of a
//! verification can authenticate by face, tokens for it, and the sessions those tokens open,
//! which the control API finishes.

use std::collections::{BTreeMap, HashMap};

use idenfy_proto::server;
use idenfy_proto::{ErrorIdentifier, FaceAuthMethod, OverallStatus};
use serde_json::{Value, json};

use crate::EmulatorError;
use crate::kyc::unknown;
use crate::server::{Answer, error, not_found, validation_error};
use crate::shared::Shared;

/// How long a face-authentication token lives when the request gives no `lifetime` (reference
/// §3.12: 30 minutes).
pub(crate) const DEFAULT_LIFETIME_SECONDS: u32 = 1800;

/// How many face-authentication sessions are kept; past it the oldest is forgotten.
pub(crate) const MAX_SESSIONS: usize = 10_000;

/// One face-authentication session (times in Unix milliseconds on the emulator's clock).
#[derive(Debug, Clone)]
pub(crate) struct FaceAuthRecord {
    id: String,
    token: String,
    scan_ref: String,
    method: FaceAuthMethod,
    expires_ms: i64,
    /// `None` while open; the result once finished.
    approved: Option<bool>,
}

impl FaceAuthRecord {
    /// The session as iDenfy's session endpoints show it: `id`, `tokenString`, `approved`,
    /// `givenScanRef`, `type`, `authenticationMethod` and `facePhoto` (the photo taken, once
    /// finished).
    fn to_json(&self, base_url: &str) -> Value {
        json!({
            "id": self.id,
            "tokenString": self.token,
            "approved": self.approved,
            "givenScanRef": self.scan_ref,
            "type": "AUTHENTICATION",
            "authenticationMethod": self.method.as_str(),
            "facePhoto": self.approved.map(|_| photo_url(base_url, &self.id)),
        })
    }
}

/// The URL of the face photo of the session `id`.
fn photo_url(base_url: &str, id: &str) -> String {
    format!("{base_url}/__emulator/files/face-auth/{id}.png")
}

/// The face-authentication sessions kept, oldest first, with an index by token.
#[derive(Debug, Default)]
pub(crate) struct FaceAuthStore {
    sessions: BTreeMap<u64, FaceAuthRecord>,
    by_token: HashMap<String, u64>,
    by_id: HashMap<String, u64>,
    next: u64,
}

impl FaceAuthStore {
    fn insert(&mut self, record: FaceAuthRecord) {
        self.next = self.next.saturating_add(1);
        self.by_token.insert(record.token.clone(), self.next);
        self.by_id.insert(record.id.clone(), self.next);
        self.sessions.insert(self.next, record);
        while self.sessions.len() > MAX_SESSIONS {
            let Some((_, oldest)) = self.sessions.pop_first() else {
                break;
            };
            self.by_token.remove(&oldest.token);
            self.by_id.remove(&oldest.id);
        }
    }

    fn by_token(&self, token: &str) -> Option<&FaceAuthRecord> {
        self.by_token
            .get(token)
            .and_then(|seq| self.sessions.get(seq))
    }

    /// Finishes the open session of `token` as `approved`.
    pub(crate) fn finish(
        &mut self,
        token: &str,
        approved: bool,
        now: i64,
    ) -> Result<(), EmulatorError> {
        let record = self
            .by_token
            .get(token)
            .and_then(|seq| self.sessions.get_mut(seq))
            .ok_or(EmulatorError::UnknownFaceAuthSession)?;
        if record.approved.is_some() {
            return Err(EmulatorError::FaceAuthSessionClosed("finished"));
        }
        if now >= record.expires_ms {
            return Err(EmulatorError::FaceAuthSessionClosed("expired"));
        }
        record.approved = Some(approved);
        Ok(())
    }

    /// Whether the session `id` has a face photo (it was finished).
    pub(crate) fn has_photo(&self, id: &str) -> bool {
        self.by_id
            .get(id)
            .and_then(|seq| self.sessions.get(seq))
            .is_some_and(|record| record.approved.is_some())
    }
}

/// The verification `scan_ref` when it is known and not deleted, with its status.
fn status_of(shared: &Shared, scan_ref: &str) -> Option<OverallStatus> {
    shared.with_state(|state| {
        state
            .get(scan_ref)
            .filter(|session| !session.deleted)
            .map(crate::state::Session::status)
    })
}

/// `GET /identification/facial-auth/{scanRef}/check-status/?method=…`: `{"type":
/// "AUTHENTICATION"}` once the verification is approved, `{"type": "IDENTIFICATION"}` otherwise;
/// `404` for a `scanRef` unknown or deleted, `400` naming `method` for a method iDenfy does not
/// define.
pub(crate) fn check_status(shared: &Shared, scan_ref: &str, query: &str) -> Answer {
    let request = match server::read_face_auth_status(scan_ref, query) {
        Ok(request) => request,
        Err(err) => return validation_error(&err),
    };
    let scan_ref = request.scan_ref().as_str();
    match status_of(shared, scan_ref) {
        Some(OverallStatus::Approved) => Answer::json(200, &json!({"type": "AUTHENTICATION"})),
        Some(_) => Answer::json(200, &json!({"type": "IDENTIFICATION"})),
        None => unknown(scan_ref),
    }
}

/// `POST /partner/authentication-info`: the body read with `idenfy-proto`'s rules; `404` for a
/// `scanRef` unknown or deleted, `400 BAD_VALUE` unless the verification is approved (a person
/// who must be identified gets a `/api/v2/token` token instead). Opens a session and answers
/// `201 {authToken, scanRef, type, method, lifetime, digitString}`.
pub(crate) fn create_token(shared: &Shared, value: &Value) -> Answer {
    let request = match server::read_face_auth_token_request(value) {
        Ok(request) => request,
        Err(err) => return validation_error(&err),
    };
    let scan_ref = request.scan_ref().as_str();
    match status_of(shared, scan_ref) {
        Some(OverallStatus::Approved) => {}
        Some(status) => {
            return error(
                400,
                ErrorIdentifier::BadValue,
                format!(
                    "Verification '{scan_ref}' is {status}: only an approved person can \
                     authenticate by face; create an identification token (/api/v2/token)."
                ),
            );
        }
        None => return unknown(scan_ref),
    }
    let drawn = shared
        .rng
        .token_ids(request.generate_digit_string() == Some(true));
    let Ok(crate::rng::TokenIds {
        id,
        auth_token: token,
        digit_string: digits,
    }) = drawn
    else {
        return error(
            500,
            ErrorIdentifier::InternalError,
            "No random source for the token.",
        );
    };
    let lifetime = request.lifetime().unwrap_or(DEFAULT_LIFETIME_SECONDS);
    let now = shared.now_ms();
    let record = FaceAuthRecord {
        id,
        token: token.clone(),
        scan_ref: scan_ref.to_owned(),
        method: request.method().clone(),
        expires_ms: now.saturating_add(i64::from(lifetime).saturating_mul(1000)),
        approved: None,
    };
    shared.with_state(|state| state.face_auth.insert(record));
    Answer::json(
        201,
        &json!({
            "authToken": token,
            "scanRef": scan_ref,
            "type": "AUTHENTICATION",
            "method": request.method().as_str(),
            "lifetime": lifetime,
            "digitString": digits,
        }),
    )
}

/// `GET /api/v2/facial-authentication-sessions/`: every session kept, oldest first, as a JSON
/// array.
pub(crate) fn sessions(shared: &Shared) -> Answer {
    let list: Vec<Value> = shared.with_state(|state| {
        state
            .face_auth
            .sessions
            .values()
            .map(|record| record.to_json(&shared.base_url))
            .collect()
    });
    Answer::json(200, &Value::Array(list))
}

/// `GET /api/v2/facial-authentication-sessions/{tokenString}/`: one session; `404` when no
/// session has that token.
pub(crate) fn session(shared: &Shared, token: &str) -> Answer {
    let found = shared.with_state(|state| {
        state
            .face_auth
            .by_token(token)
            .map(|record| record.to_json(&shared.base_url))
    });
    match found {
        Some(json) => Answer::json(200, &json),
        None => not_found("No face-authentication session has this token."),
    }
}

/// The session of `token` as the control API answers it after a change.
pub(crate) fn session_json(shared: &Shared, token: &str) -> Option<Value> {
    shared.with_state(|state| {
        state
            .face_auth
            .by_token(token)
            .map(|record| record.to_json(&shared.base_url))
    })
}
