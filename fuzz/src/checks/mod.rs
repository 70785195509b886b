//! The checks of the fuzz targets, one function per target, and the table that names them.
//!
//! Each fuzz target (`fuzz_targets/NAME.rs`) is one line: it hands libFuzzer's input to the
//! function `NAME` here. The main workspace's test `tests/tests/fuzz_regressions.rs` includes
//! this module by path and replays every committed seed (`fuzz/seeds/NAME/`) and every crash
//! input (`fuzz/regressions/NAME/`) through [`TARGETS`], which decodes the bytes exactly as
//! libFuzzer's `fuzz_target!` does ([`run`]): so a regression test checks what the target
//! checked, with no second copy of the checks.
//!
//! Inputs that start with a status are a little-endian `u16` offset from 100 (`100 + n % 500`);
//! those with a header or endpoint selector start with that byte (after the status, if any); the
//! rest is the body. See `fuzz/README.md`.

use arbitrary::{Arbitrary, Unstructured};

mod cli;
mod emulator;
mod requests;
mod responses;
mod webhooks;

pub use cli::{cli_flags, cli_keys, cli_webhook};
pub use emulator::emulator_request;
pub use requests::{
    BuilderInput, TokenFields, request_bodies, request_builders, token_body, token_request,
};
pub use responses::{
    api_error, data_response, delete_response, face_auth_response, files_response,
    full_status_response, identifications_response, pdf_response, process_response,
    request_information_response, status_response, token_response, video_call_response,
};
pub use webhooks::{WebhookInput, webhook, webhook_headers};

/// Decodes `bytes` as `fuzz_target!(|input: T| …)` of `libfuzzer-sys` 0.4 does — nothing when
/// they are fewer than `T`'s least size, else `T::arbitrary_take_rest` — and runs `check` on the
/// input. Returns whether there was an input (libFuzzer skips the bytes otherwise).
pub fn run<'a, T: Arbitrary<'a>>(bytes: &'a [u8], check: impl FnOnce(T)) -> bool {
    if bytes.len() < T::size_hint(0).0 {
        return false;
    }
    match T::arbitrary_take_rest(Unstructured::new(bytes)) {
        Ok(input) => {
            check(input);
            true
        }
        Err(_) => false,
    }
}

/// Whether plain serde_json refused a body only for nesting past its limit (it stops at the
/// 128th level): the parse functions read such a body, with the deep part of the value kept as
/// its text (R4, R7), which a `Deserialize` implementation, given serde_json's reader, cannot
/// do. serde_json has no error code to ask for, so its message is read.
pub(crate) fn beyond_serde_depth(err: &serde_json::Error) -> bool {
    err.to_string().starts_with("recursion limit exceeded")
}

/// A value the parse functions read past serde_json's nesting limit, written back, is JSON that
/// plain serde reads into the same value: the deep part became text, so nothing is left too
/// deep, and nothing else changed on the way.
pub(crate) fn reads_back_the_same<T>(value: &T)
where
    T: serde::Serialize + serde::de::DeserializeOwned,
{
    let written = serde_json::to_vec(value)
        .unwrap_or_else(|err| panic!("a value read past the limit cannot be written: {err}"));
    let again: T = serde_json::from_slice(&written)
        .unwrap_or_else(|err| panic!("a value read past the limit does not read back: {err}"));
    assert_eq!(
        serde_json::to_value(&again).ok(),
        serde_json::to_value(value).ok(),
        "a value read past the limit reads back as another"
    );
}

/// `bytes` with every ASCII letter moved 13 places and every digit 5, everything else kept:
/// the same length, whitespace, brackets and punctuation, other text. An error that names the
/// body's length and kind but never quotes it reads the same for a body and its twin, which a
/// check can assert where "the message does not contain the body" would fail on a body that
/// happens to be a piece of the message's own wording.
pub(crate) fn twin(bytes: &[u8]) -> Vec<u8> {
    bytes
        .iter()
        .map(|&byte| match byte {
            b'a'..=b'z' => b'a' + (byte - b'a' + 13) % 26,
            b'A'..=b'Z' => b'A' + (byte - b'A' + 13) % 26,
            b'0'..=b'9' => b'0' + (byte - b'0' + 5) % 10,
            other => other,
        })
        .collect()
}

/// A target's replay: its input decoded from bytes as libFuzzer does, then checked.
pub type Replay = fn(&[u8]) -> bool;

/// Every fuzz target by name, with its replay (the name of its directory under `fuzz/seeds/` and
/// `fuzz/regressions/`, and of its binary).
pub const TARGETS: &[(&str, Replay)] = &[
    ("token_response", |b| run(b, token_response)),
    ("api_error", |b| run(b, api_error)),
    ("status_response", |b| run(b, status_response)),
    ("data_response", |b| run(b, data_response)),
    ("files_response", |b| run(b, files_response)),
    ("pdf_response", |b| run(b, pdf_response)),
    ("delete_response", |b| run(b, delete_response)),
    ("identifications_response", |b| {
        run(b, identifications_response)
    }),
    ("request_information_response", |b| {
        run(b, request_information_response)
    }),
    ("process_response", |b| run(b, process_response)),
    ("face_auth_response", |b| run(b, face_auth_response)),
    ("video_call_response", |b| run(b, video_call_response)),
    ("full_status_response", |b| run(b, full_status_response)),
    ("webhook", |b| run(b, webhook)),
    ("webhook_headers", |b| run(b, webhook_headers)),
    ("token_request", |b| run(b, token_request)),
    ("token_body", |b| run(b, token_body)),
    ("request_builders", |b| run(b, request_builders)),
    ("request_bodies", |b| run(b, request_bodies)),
    ("emulator_request", |b| run(b, emulator_request)),
    ("cli_keys", |b| run(b, cli_keys)),
    ("cli_flags", |b| run(b, cli_flags)),
    ("cli_webhook", |b| run(b, cli_webhook)),
];
