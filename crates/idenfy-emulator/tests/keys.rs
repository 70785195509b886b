#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Keys and secrets of the emulator (issue 12, R8, R10): empty ones refused at start, generated
//! ones long, alphanumeric and different every time (OS random source).

use idenfy_emulator::{Emulator, EmulatorError};

#[test]
fn empty_keys_and_secrets_are_refused_at_start() {
    let err = Emulator::builder()
        .webhook_key("")
        .start_blocking()
        .unwrap_err();
    assert!(matches!(err, EmulatorError::WebhookKey(_)), "{err:?}");
    assert!(err.to_string().contains("empty"), "{err}");

    let err = Emulator::builder()
        .api_secret("")
        .start_blocking()
        .unwrap_err();
    match err {
        EmulatorError::Config(err) => assert_eq!(err.field(), "apiSecret"),
        other => panic!("expected a refused apiSecret, got {other:?}"),
    }
    let err = Emulator::builder()
        .api_key("")
        .start_blocking()
        .unwrap_err();
    match err {
        EmulatorError::Config(err) => assert_eq!(err.field(), "apiKey"),
        other => panic!("expected a refused apiKey, got {other:?}"),
    }
}

#[test]
fn generated_credentials_differ_between_emulators() {
    let one = Emulator::builder().start_blocking().unwrap();
    let two = Emulator::builder().start_blocking().unwrap();
    for emulator in [&one, &two] {
        assert_eq!(emulator.api_secret().len(), 32);
        assert!(
            emulator
                .api_secret()
                .bytes()
                .all(|b| b.is_ascii_alphanumeric())
        );
        assert_eq!(emulator.webhook_key().expose_secret().len(), 32);
    }
    assert_ne!(one.api_secret(), two.api_secret());
    assert_ne!(one.api_key(), two.api_key());
    assert_ne!(
        one.webhook_key().expose_secret(),
        two.webhook_key().expose_secret()
    );
}
