//! `idenfy demo` as a real process, in each outcome: exit code and the key lines of every step
//! (issue: the project's main job on the embedded emulator).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use support::idenfy;

/// Whether some line of `text` is `key`, spaces, `value`.
fn has_row(text: &str, key: &str, value: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim_start();
        line.strip_prefix(key)
            .is_some_and(|rest| rest.starts_with(' ') && rest.trim() == value)
    })
}

#[test]
fn demo_approved_walks_every_step() {
    let run = idenfy(&["demo"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let steps: Vec<&str> = run
        .stdout
        .lines()
        .filter_map(|line| line.split_once(". "))
        .filter(|(number, _)| number.trim().parse::<u32>().is_ok())
        .map(|(_, step)| step.trim())
        .collect();
    assert_eq!(
        steps,
        [
            "emulator", "token", "user", "webhook", "status", "data", "clock", "delete", "status"
        ],
        "{}",
        run.stdout
    );
    for (key, value) in [
        ("signature", "verified"),
        ("event", "IDENTIFICATION_AUTO_FINISHED"),
        ("final", "true"),
        ("overall", "APPROVED"),
        ("status", "APPROVED"),
        ("face", "FACE_MATCH"),
        ("document", "DOC_VALIDATED"),
        ("docFirstName", "ONA"),
    ] {
        assert!(
            has_row(&run.stdout, key, value),
            "missing {key} {value} in\n{}",
            run.stdout
        );
    }
    for expected in [
        "the verification's data was deleted",
        "      DELETED",
        "done: the whole lifecycle ran against the embedded emulator (approved)",
    ] {
        assert!(
            run.stdout.contains(expected),
            "missing {expected:?} in\n{}",
            run.stdout
        );
    }
    // The token is shown by its first characters only.
    let token_line = run
        .stdout
        .lines()
        .find(|line| line.trim_start().starts_with("authToken"))
        .unwrap();
    let shown = token_line.split_whitespace().nth(1).unwrap();
    assert!(
        shown.ends_with('…') && shown.chars().count() == 7,
        "{token_line}"
    );
}

#[test]
fn demo_denied_and_suspected_show_their_results_and_tags() {
    let run = idenfy(&["demo", "--outcome", "denied"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(has_row(&run.stdout, "overall", "DENIED"), "{}", run.stdout);
    assert!(
        has_row(&run.stdout, "face", "FACE_MISMATCH"),
        "{}",
        run.stdout
    );

    let run = idenfy(&["demo", "--outcome", "suspected"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        has_row(&run.stdout, "overall", "SUSPECTED"),
        "{}",
        run.stdout
    );
    assert!(
        has_row(&run.stdout, "status", "SUSPECTED"),
        "{}",
        run.stdout
    );
    assert!(
        has_row(&run.stdout, "fraudTags", "DOC_MOBILE_PHOTO"),
        "{}",
        run.stdout
    );
    assert!(
        has_row(&run.stdout, "mismatchTags", "NAME, DATE_OF_BIRTH"),
        "{}",
        run.stdout
    );
}

#[test]
fn demo_json_is_one_document_with_every_step() {
    let run = idenfy(&["--json", "demo", "--outcome", "suspected"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let document = run.json();
    assert_eq!(document["ok"], true);
    assert_eq!(document["outcome"], "suspected");
    let steps = document["steps"].as_array().unwrap();
    let names: Vec<&str> = steps
        .iter()
        .map(|step| step["step"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "emulator", "token", "user", "webhook", "status", "data", "clock", "delete", "status"
        ]
    );
    assert_eq!(steps[3]["signature"], "verified");
    assert_eq!(steps[3]["overall"], "SUSPECTED");
    assert_eq!(
        steps[3]["fraudTags"],
        serde_json::json!(["DOC_MOBILE_PHOTO"])
    );
    assert_eq!(steps[8]["status"], "DELETED");
}

#[test]
fn demo_refuses_an_unknown_outcome() {
    let run = idenfy(&["demo", "--outcome", "maybe"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("maybe"), "{}", run.stderr);
}

/// `--quirks`: the emulator answers in the shapes of iDenfy's real payloads (numeric clientId,
/// duplicate keys, float timestamps, legacy aml/lid, …) and the walk comes out the same.
#[test]
fn demo_with_quirks_walks_every_step_alike() {
    for outcome in ["approved", "suspected"] {
        let run = idenfy(&["--json", "demo", "--quirks", "--outcome", outcome]);
        assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
        let quirky = run.json();
        let run = idenfy(&["--json", "demo", "--outcome", outcome]);
        assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
        let plain = run.json();
        assert_eq!(quirky["ok"], true);
        assert_eq!(quirky["steps"][0]["quirks"], true);
        assert_eq!(plain["steps"][0]["quirks"], false);
        // Every step but the identifiers of the run reads the same.
        let comparable = |document: &serde_json::Value| -> Vec<serde_json::Value> {
            let mut steps = document["steps"].as_array().unwrap().clone();
            for step in &mut steps {
                let step = step.as_object_mut().unwrap();
                for varying in [
                    "baseUrl",
                    "webhookReceiver",
                    "quirks",
                    "scanRef",
                    "authToken",
                ] {
                    step.remove(varying);
                }
                step.remove("redirectUrl");
            }
            steps
        };
        assert_eq!(comparable(&quirky), comparable(&plain), "{outcome}");
    }

    let run = idenfy(&["demo", "--quirks"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("(quirks mode)"), "{}", run.stdout);
    assert!(
        has_row(&run.stdout, "signature", "verified"),
        "{}",
        run.stdout
    );
}
