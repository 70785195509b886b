//! Fields outside the typed model, kept verbatim.

use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// JSON fields outside the typed model: extra request fields sent verbatim (R3), or response
/// fields this version does not model (kept rather than lost).
///
/// Dereferences to a [`serde_json::Map`]. `Debug` shows the keys only, since the values may be
/// personal data (R10).
///
/// In a decoded result, an entry is either a field this version does not model or — a
/// *fallback* — the value of a modelled field that did not fit its type (R7: a string where a
/// boolean is expected, an object where a string is expected, …). The typed field is then
/// `None` and the value is kept here under its own key; [`ExtraFields::fallbacks`] names those
/// keys, so that a caller can log which fields iDenfy sent in an unexpected shape.
///
/// ```
/// use idenfy_proto::webhook::IdentificationResult;
/// let result: IdentificationResult = serde_json::from_str(
///     r#"{"scanRef":"s-1","gdcMatch":"perhaps","note":"new"}"#,
/// )?;
/// assert_eq!(result.gdc_match, None);
/// assert_eq!(result.extra["gdcMatch"], "perhaps");
/// assert_eq!(result.extra.fallbacks().collect::<Vec<_>>(), ["gdcMatch"]);
/// assert!(!result.extra.is_fallback("note"));
/// assert_eq!(result.fallbacks(), ["gdcMatch"]);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct ExtraFields {
    map: Map<String, Value>,
    fallbacks: Vec<&'static str>,
}

/// Equal when the fields are, and the same of them are fallbacks (in any order).
impl PartialEq for ExtraFields {
    fn eq(&self, other: &Self) -> bool {
        self.map == other.map
            && self.fallbacks.len() == other.fallbacks.len()
            && self
                .fallbacks
                .iter()
                .all(|name| other.fallbacks.contains(name))
    }
}

impl ExtraFields {
    pub(crate) fn from_map(map: impl IntoIterator<Item = (String, Value)>) -> Self {
        Self {
            map: map.into_iter().collect(),
            fallbacks: Vec::new(),
        }
    }

    /// The fields as a JSON map.
    pub fn into_inner(self) -> Map<String, Value> {
        self.map
    }

    /// The keys whose values are here because they did not fit their typed field (R7).
    pub fn fallbacks(&self) -> impl Iterator<Item = &str> + '_ {
        self.fallbacks.iter().copied()
    }

    /// Whether `key` is here because its value did not fit its typed field.
    pub fn is_fallback(&self, key: &str) -> bool {
        self.fallbacks.contains(&key)
    }

    /// Keeps `value`, which did not fit the field `wire`.
    pub(crate) fn set_fallback(&mut self, wire: &'static str, value: Value) {
        self.map.insert(wire.to_owned(), value);
        if !self.fallbacks.contains(&wire) {
            self.fallbacks.push(wire);
        }
    }

    /// The field `wire` fitted after all (a later duplicate key): drop an earlier fallback.
    pub(crate) fn clear_fallback(&mut self, wire: &'static str) {
        if let Some(at) = self.fallbacks.iter().position(|name| *name == wire) {
            self.fallbacks.remove(at);
            self.map.remove(wire);
        }
    }

    /// Drops a field this version does not model (a repeated key read another way).
    pub(crate) fn remove_unknown(&mut self, key: &str) {
        if !self.is_fallback(key) {
            self.map.remove(key);
        }
    }

    /// Takes every field this version does not model out (fallbacks stay).
    pub(crate) fn take_unknown(&mut self) -> Map<String, Value> {
        let map = std::mem::take(&mut self.map);
        let (fallbacks, unknown) = map
            .into_iter()
            .partition(|(key, _)| self.fallbacks.contains(&key.as_str()));
        self.map = fallbacks;
        unknown
    }

    /// Keeps a field this version does not model.
    pub(crate) fn insert_unknown(&mut self, key: String, value: Value) {
        self.map.insert(key, value);
    }
}

impl Deref for ExtraFields {
    type Target = Map<String, Value>;

    fn deref(&self) -> &Self::Target {
        &self.map
    }
}

impl fmt::Debug for ExtraFields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.map.keys()).finish()
    }
}

impl Serialize for ExtraFields {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.map.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for ExtraFields {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Map::deserialize(deserializer).map(|map| Self {
            map,
            fallbacks: Vec::new(),
        })
    }
}
