//! The fuzz targets' inputs as regression tests: every committed seed (`fuzz/seeds/TARGET/`) and
//! every crash input found by fuzzing (`fuzz/regressions/TARGET/`) replayed through the same
//! check the target runs (`fuzz/src/checks`, included here by path), decoded from its bytes as
//! libFuzzer's `fuzz_target!` decodes them. A crash once found stays fixed without a fuzzer.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs,
    unreachable_pub,
    dead_code,
    unused_imports
)]

use std::path::{Path, PathBuf};

#[path = "../../fuzz/src/checks/mod.rs"]
mod checks;

/// The fuzz crate's directory.
fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

/// The files of `dir` (none when it does not exist), sorted.
fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

/// The names of the subdirectories of `dir`.
fn subdirectories(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .map(|entry| entry.unwrap())
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn every_seed_and_crash_input_passes_its_target_check() {
    let fuzz = fuzz_dir();
    let mut failures = Vec::new();
    let mut replayed = 0;
    for (target, replay) in checks::TARGETS {
        let seeds = files(&fuzz.join("seeds").join(target));
        assert!(!seeds.is_empty(), "the target {target} has no seed");
        let regressions = files(&fuzz.join("regressions").join(target));
        for (kind, path) in seeds
            .iter()
            .map(|path| ("seed", path))
            .chain(regressions.iter().map(|path| ("crash input", path)))
        {
            let bytes = std::fs::read(path).unwrap();
            let outcome = std::panic::catch_unwind(|| replay(&bytes));
            match outcome {
                // A seed libFuzzer would skip (too short for the input type) seeds nothing, and a
                // crash input that no longer decodes to an input replays nothing: both fail.
                Ok(false) => {
                    failures.push(format!("{target}: {kind} {} is no input", path.display()));
                }
                Ok(_) => replayed += 1,
                Err(_) => failures.push(format!("{target}: {kind} {} fails", path.display())),
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    assert!(replayed >= checks::TARGETS.len());
}

#[test]
fn the_table_of_targets_is_the_fuzz_crate_s_list_of_targets() {
    let fuzz = fuzz_dir();
    let manifest = std::fs::read_to_string(fuzz.join("Cargo.toml")).unwrap();
    // The `name` of each `[[bin]]` table.
    let mut bins: Vec<String> = manifest
        .split("[[bin]]")
        .skip(1)
        .filter_map(|table| {
            table
                .lines()
                .find_map(|line| line.strip_prefix("name = \""))
                .and_then(|rest| rest.strip_suffix('"'))
                .map(str::to_owned)
        })
        .collect();
    bins.sort();
    let mut table: Vec<String> = checks::TARGETS
        .iter()
        .map(|(name, _)| (*name).to_owned())
        .collect();
    table.sort();
    assert_eq!(bins, table, "fuzz/Cargo.toml and checks::TARGETS differ");
    for name in &table {
        let source = std::fs::read_to_string(fuzz.join(format!("fuzz_targets/{name}.rs")))
            .unwrap_or_else(|err| panic!("fuzz_targets/{name}.rs: {err}"));
        assert!(
            source.contains(&format!("checks::{name}(input)")),
            "fuzz_targets/{name}.rs does not run checks::{name}"
        );
    }
    // No seeds or crash inputs for a target that does not exist.
    for dir in ["seeds", "regressions"] {
        for name in subdirectories(&fuzz.join(dir)) {
            assert!(
                table.contains(&name),
                "fuzz/{dir}/{name} belongs to no target"
            );
        }
    }
}
