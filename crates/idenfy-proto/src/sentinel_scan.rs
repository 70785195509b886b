//! The public type names a crate declares, read from its sources: the list a sentinel test
//! (R10) must cover, so that a new public type fails it until it is checked. Shared by
//! `idenfy-proto`'s own sentinel test and the workspace's (`tests/tests/debug_display.rs`,
//! which includes this file by path).

use std::collections::BTreeSet;
use std::path::Path;

/// The public type names declared under `src`, the source directory of the crate `krate`:
/// `pub struct|enum|type` declarations and the names of a `pub use` of one of the crate's own
/// modules (re-exports of other crates are checked where they are declared), UpperCamelCase
/// (constants and functions left out), traits left out. A `pub type Client` (each adapter's
/// alias) is named `{krate}::Client`.
pub(crate) fn public_types(krate: &str, src: &Path) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut traits = BTreeSet::new();
    let mut dirs = vec![src.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().is_none_or(|ext| ext != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let mut in_use = false;
            for line in text.lines() {
                let line = line.trim();
                for prefix in ["pub struct ", "pub enum ", "pub type ", "pub trait "] {
                    if let Some(rest) = line.strip_prefix(prefix) {
                        let name: String = rest
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .collect();
                        if prefix == "pub trait " {
                            traits.insert(name);
                        } else if prefix == "pub type " && name == "Client" {
                            names.insert(format!("{krate}::Client"));
                        } else {
                            names.insert(name);
                        }
                    }
                }
                if let Some(path) = line.strip_prefix("pub use ") {
                    let first = path.split("::").next().unwrap_or_default();
                    in_use = src.join(format!("{first}.rs")).exists() || src.join(first).is_dir();
                }
                if in_use {
                    let list = line.rsplit("::").next().unwrap_or(line);
                    for word in list.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
                        names.insert(word.to_owned());
                    }
                }
                if line.ends_with(';') {
                    in_use = false;
                }
            }
        }
    }
    names
        .into_iter()
        .filter(|name| {
            let bare = name.rsplit("::").next().unwrap_or(name);
            bare.chars().next().is_some_and(char::is_uppercase)
                && bare.chars().any(char::is_lowercase)
                && !traits.contains(bare)
        })
        .collect()
}
