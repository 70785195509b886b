//! Video calls (reference §3.10): `POST /api/v2/video-call` starts one for a verification with a
//! video-call token, the person answers the token's questions (through the control API, or the
//! call's page), and the `VIDEO_CALL_FINISHED` webhook carries the answers;
//! `POST /api/v2/video-call-record` gives the photos and the recording.

use std::sync::Arc;

use idenfy_proto::server;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::kyc::unknown;
use crate::payload::{html_escape, html_page};
use crate::server::{Answer, error, form_value, validation_error};
use crate::shared::Shared;
use crate::{EmulatorError, ops, payload};

/// One answer of a video call: the question asked (one of the token's `videoCallQuestions`, or
/// any other), what the person answered, and whether the agent judged it correct. The
/// `VIDEO_CALL_FINISHED` webhook carries them as `videoCallAnswers`.
///
/// ```
/// use idenfy_emulator::VideoCallAnswer;
/// let answer = VideoCallAnswer::new("What is your date of birth?", "1990-05-17", true);
/// assert!(answer.correct);
/// ```
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct VideoCallAnswer {
    /// The question.
    pub question: String,
    /// The person's answer (personal data: redacted in `Debug`, R10).
    pub answer: String,
    /// Whether the answer was judged correct.
    pub correct: bool,
}

impl std::fmt::Debug for VideoCallAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VideoCallAnswer")
            .field("question", &self.question)
            .field("answer", &format_args!("[redacted]"))
            .field("correct", &self.correct)
            .finish()
    }
}

impl VideoCallAnswer {
    /// An answer to `question`.
    pub fn new(question: impl Into<String>, answer: impl Into<String>, correct: bool) -> Self {
        Self {
            question: question.into(),
            answer: answer.into(),
            correct,
        }
    }
}

/// The body of `POST /__emulator/verifications/{scanRef}/video-call/finish`: `{"status": bool,
/// "answers": {question: answer or {"answer", "correct"}}}`, both optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FinishJson {
    status: Option<bool>,
    answers: Option<Map<String, Value>>,
}

impl FinishJson {
    /// The call's status (succeeded unless said otherwise) and answers, `None` for the default
    /// answers; `400` naming the answer that is neither text nor `{"answer", "correct"}`.
    pub(crate) fn into_parts(self) -> Result<(bool, Option<Vec<VideoCallAnswer>>), EmulatorError> {
        let answers = match self.answers {
            None => None,
            Some(answers) => Some(
                answers
                    .into_iter()
                    .map(|(question, value)| answer(question, value))
                    .collect::<Result<Vec<_>, _>>()?,
            ),
        };
        Ok((self.status.unwrap_or(true), answers))
    }
}

/// An answer as the control API takes it: text (judged correct), or `{"answer": text,
/// "correct": bool}` (`correct` true when absent).
fn answer(question: String, value: Value) -> Result<VideoCallAnswer, EmulatorError> {
    let invalid = || {
        EmulatorError::InvalidOutcome(format!(
            "the answer to {question:?} must be text or {{\"answer\": text, \"correct\": bool}}"
        ))
    };
    match value {
        Value::String(text) => Ok(VideoCallAnswer::new(question.clone(), text, true)),
        Value::Object(fields) => {
            let text = match fields.get("answer") {
                Some(Value::String(text)) => text.clone(),
                _ => return Err(invalid()),
            };
            let correct = match fields.get("correct") {
                None | Some(Value::Null) => true,
                Some(Value::Bool(correct)) => *correct,
                Some(_) => return Err(invalid()),
            };
            if fields.keys().any(|key| key != "answer" && key != "correct") {
                return Err(invalid());
            }
            Ok(VideoCallAnswer::new(question, text, correct))
        }
        _ => Err(invalid()),
    }
}

/// The URL of the page of the video call `id`.
pub(crate) fn call_url(base_url: &str, id: &str) -> String {
    format!("{base_url}/__emulator/video-calls/{id}")
}

/// `POST /api/v2/video-call`: the body read with `idenfy-proto`'s rules; `404` for an unknown
/// `scanRef`, `400 BAD_VALUE` for a verification without a video-call token, deleted, or whose
/// call already ended. Starts the call (or finds the one under way) and answers `200
/// {"url": …}`, the call's page.
pub(crate) fn start(shared: &Arc<Shared>, value: &Value) -> Answer {
    let request = match server::read_video_call_request(value) {
        Ok(request) => request,
        Err(err) => return validation_error(&err),
    };
    let id = match shared.rng.uuid_v4() {
        Ok(id) => id,
        Err(_) => {
            return error(
                500,
                idenfy_proto::ErrorIdentifier::InternalError,
                "No random source for the call.",
            );
        }
    };
    let scan_ref = request.scan_ref().as_str();
    shared.tick();
    let now = shared.now_ms();
    let started = shared.with_state(|state| {
        state.start_video_call(scan_ref, id, request.photos().unwrap_or(false), now)
    });
    match started {
        Ok(id) => Answer::json(200, &json!({"url": call_url(&shared.base_url, &id)})),
        Err(err) => api_error(&err),
    }
}

/// `POST /api/v2/video-call-record`: the photos and recording of the verification's video call
/// ([`payload::video_call_record_json`]).
pub(crate) fn record(shared: &Shared, scan_ref: &str) -> Answer {
    shared.with_state(|state| match state.get(scan_ref) {
        Some(session) => Answer::json(
            200,
            &payload::video_call_record_json(session, &shared.base_url),
        ),
        None => unknown(scan_ref),
    })
}

/// An error of a video-call change as the API answers it.
fn api_error(err: &EmulatorError) -> Answer {
    match err {
        EmulatorError::UnknownScanRef(scan_ref) => unknown(scan_ref),
        EmulatorError::WrongState { .. } => error(
            400,
            idenfy_proto::ErrorIdentifier::BadValue,
            format!("{err}."),
        ),
        _ => error(
            500,
            idenfy_proto::ErrorIdentifier::InternalError,
            err.to_string(),
        ),
    }
}

/// The answers a call ends with when none are given: each of the token's questions answered
/// "Answer N." and judged correct.
pub(crate) fn default_answers(questions: &[String]) -> Vec<VideoCallAnswer> {
    questions
        .iter()
        .enumerate()
        .map(|(index, question)| {
            VideoCallAnswer::new(question.clone(), format!("Answer {}.", index + 1), true)
        })
        .collect()
}

/// `GET /__emulator/video-calls/{id}`, the URL `POST /api/v2/video-call` answers: the call's
/// page, a form with the token's questions on which the person (or an agent) answers and ends
/// the call, posted to `POST /__emulator/ui/video-call`. `404` for an unknown call, `410` for
/// one that ended.
pub(crate) fn page(shared: &Shared, call_id: &str) -> Answer {
    shared.with_state(|state| {
        let Some(session) = state.by_video_call(call_id) else {
            return Answer::html(
                404,
                html_page(
                    "Unknown video call",
                    "<p>No video call has this link.</p>\n",
                ),
            );
        };
        let ended = session
            .video_call
            .as_ref()
            .is_none_or(|call| call.ended.is_some());
        if ended || session.deleted {
            return Answer::html(
                410,
                html_page(
                    "Video call ended",
                    "<p>This video call has ended.</p>\n",
                ),
            );
        }
        let questions = session.request.video_call_questions().unwrap_or_default();
        let mut fields = String::new();
        for (index, question) in questions.iter().enumerate() {
            fields.push_str(&format!(
                "<p><label>{question}<br><input name=\"answer-{index}\" value=\"Answer {number}.\"></label></p>\n",
                question = html_escape(question),
                number = index + 1,
            ));
        }
        if questions.is_empty() {
            fields.push_str("<p>The token asks no questions (<code>videoCallQuestions</code>).</p>\n");
        }
        let body = format!(
            "<p>Video call of verification <code>{scan_ref}</code>. This page stands in for \
             iDenfy's video call: answer the questions and end the call.</p>\n\
             <form method=\"post\" action=\"/__emulator/ui/video-call\">\n\
             <input type=\"hidden\" name=\"callId\" value=\"{call_id}\">\n\
             <fieldset>\n<legend>Questions</legend>\n{fields}</fieldset>\n\
             <p><button type=\"submit\" name=\"status\" value=\"succeeded\">End the call: \
             succeeded</button>\n\
             <button type=\"submit\" name=\"status\" value=\"failed\">End the call: \
             failed</button></p>\n</form>\n",
            scan_ref = html_escape(&session.scan_ref),
            call_id = html_escape(call_id),
        );
        Answer::html(200, html_page("iDenfy emulator: video call", &body))
    })
}

/// `POST /__emulator/ui/video-call`: the call page's form (`callId`, `status` = `succeeded` or
/// `failed`, `answer-N` for the token's N-th question, each judged correct). Ends the call,
/// which sends `VIDEO_CALL_FINISHED`, and answers a page saying so.
pub(crate) fn finish_from_page(shared: &Arc<Shared>, body: &[u8]) -> Answer {
    let form = String::from_utf8_lossy(body);
    let call_id = form_value(&form, "callId").unwrap_or_default();
    let status = match form_value(&form, "status").as_deref() {
        Some("succeeded") => true,
        Some("failed") => false,
        _ => {
            return Answer::html(
                400,
                html_page(
                    "Unknown call status",
                    "<p>Choose one of: succeeded, failed.</p>\n",
                ),
            );
        }
    };
    let found = shared.with_state(|state| {
        state.by_video_call(&call_id).map(|session| {
            let questions = session.request.video_call_questions().unwrap_or_default();
            let answers: Vec<VideoCallAnswer> = questions
                .iter()
                .enumerate()
                .map(|(index, question)| {
                    let text = form_value(&form, &format!("answer-{index}")).unwrap_or_default();
                    VideoCallAnswer::new(question.clone(), text, true)
                })
                .collect();
            (session.scan_ref.clone(), answers)
        })
    });
    let Some((scan_ref, answers)) = found else {
        return Answer::html(
            404,
            html_page(
                "Unknown video call",
                "<p>No video call has this link.</p>\n",
            ),
        );
    };
    match ops::finish_video_call(shared, &scan_ref, status, Some(answers)) {
        Ok(()) => Answer::html(
            200,
            html_page(
                "Video call ended",
                &format!(
                    "<p>The video call of verification <code>{}</code> ended ({}).</p>\n",
                    html_escape(&scan_ref),
                    if status { "succeeded" } else { "failed" }
                ),
            ),
        ),
        Err(_) => Answer::html(
            410,
            html_page("Video call ended", "<p>This video call has ended.</p>\n"),
        ),
    }
}
