//! The repository's README shows the extractor with the example of this crate's README, which is
//! compiled as a doctest (`cargo test -p idenfy-axum --doc`). The repository's copy is fenced as
//! `rs` (highlighted as Rust, not a doctest: the README's doctests belong to `idenfy-tests`,
//! which does not depend on axum), so this test keeps the two the same.
#![allow(clippy::expect_used, clippy::panic)]

use std::path::Path;

/// The code of the first fenced block opened by `fence` after `after` in `text`.
fn block_after<'a>(text: &'a str, after: &str, fence: &str) -> &'a str {
    let (_, rest) = text
        .split_once(after)
        .unwrap_or_else(|| panic!("{after:?} not found"));
    let (_, rest) = rest
        .split_once(fence)
        .unwrap_or_else(|| panic!("no {fence:?} block after {after:?}"));
    let (code, _) = rest
        .split_once("\n```\n")
        .unwrap_or_else(|| panic!("the {fence:?} block after {after:?} is not closed"));
    code
}

#[test]
fn the_repositorys_readme_shows_this_crates_compiled_example() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let ours = std::fs::read_to_string(crate_dir.join("README.md")).expect("the crate's README");
    let repository = std::fs::read_to_string(crate_dir.join("../../README.md"))
        .expect("the repository's README, two directories up");

    let compiled = block_after(&ours, "# idenfy-axum", "```rust\n");
    let shown = block_after(&repository, "### Webhooks in axum", "```rs\n");
    assert!(compiled.contains("IdenfyWebhook(event): IdenfyWebhook"));
    assert_eq!(shown, compiled);
}
