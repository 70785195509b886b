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
#[derive(Clone, Default, PartialEq)]
pub struct ExtraFields(Map<String, Value>);

impl ExtraFields {
    pub(crate) fn from_map(map: impl IntoIterator<Item = (String, Value)>) -> Self {
        Self(map.into_iter().collect())
    }

    /// The fields as a JSON map.
    pub fn into_inner(self) -> Map<String, Value> {
        self.0
    }
}

impl Deref for ExtraFields {
    type Target = Map<String, Value>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl fmt::Debug for ExtraFields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

impl Serialize for ExtraFields {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for ExtraFields {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Map::deserialize(deserializer).map(Self)
    }
}
