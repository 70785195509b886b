//! The decoding engine (R4, R7): one streaming, field-level lenient decoder for every response
//! and webhook type of the crate.
//!
//! # How it works
//!
//! A model type is declared once with [`model!`]: the struct, its field list (wire name, Rust
//! name, type, and whether it is required), and from that one list come the struct itself, its
//! `Serialize`, its `Deserialize`, and a *draft* — the same fields, all optional, that the
//! decoder fills in while it reads the JSON object key by key, straight from the deserializer
//! (no `serde_json::Value` of the whole document first).
//!
//! Every field type implements [`Lenient`]: given any deserializer it returns an [`Outcome`] —
//! the value fits ([`Outcome::Fit`]), means "no value" ([`Outcome::Absent`]: `null`, or `""` for
//! an enum), or does not fit ([`Outcome::Raw`], the value as received). A value that does not fit
//! leaves its field empty and lands in the result's [`ExtraFields`] under its own key, marked as
//! a fallback; the other fields are not affected. A field's decoder never fails: only the
//! underlying JSON syntax, a top level that is not an object, or a missing required field make a
//! decode fail. Duplicate keys overwrite what an earlier occurrence stored, so the last one wins.
//!
//! Lists and maps are buffered as a tree of borrowed values ([`Any`]), checked, and then
//! converted by moving the items, so that a list that does not fit can be kept raw with nothing
//! lost; a list of objects converts each one with the same engine. A body that is valid UTF-8 is
//! read with serde_json's `str` reader, and nested objects decode straight into their field's
//! slot, so that no large value is moved through the deserializer's layers.
//!
//! # Where a new field goes
//!
//! Add one line to the type's [`model!`] declaration (doc comment, `opt`/`must`/`req`/`dflt`,
//! Rust name, type, wire name). If its type is new, give the type a [`Lenient`] impl here (or,
//! for an enum of wire strings, declare it with `string_enum!`, which does that).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::ser::SerializeMap;
use serde_json::{Map, Number, Value};

use crate::error::{DecodeError, DecodeErrorKind};
use crate::extra::ExtraFields;
use crate::secret::{AuthToken, Personal};
use crate::types::ScanRef;

/// What became of one field's JSON value.
pub(crate) enum Outcome<T> {
    /// The value fits the field (possibly after one of R7's conversions).
    Fit(T),
    /// `null`, or a value that means "nothing" for this field (`""` for an enum).
    Absent,
    /// The value does not fit; it is kept as received.
    Raw(Value),
}

/// A field type the engine decodes leniently (R7).
///
/// A type says once, in [`Lenient::from_any`], what it makes of each kind of JSON value;
/// [`Lenient::decode`] reads the value from a deserializer (streaming, where a type can do
/// better than building the value first) and gives the same answer.
pub(crate) trait Lenient: Sized {
    /// Reads one JSON value. Fails only when the deserializer itself fails (bad JSON).
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Outcome<Self>, D::Error> {
        Ok(Self::from_any(Any::read(deserializer)?))
    }

    /// The same for a value already read (moved, not copied).
    fn from_any(any: Any<'_>) -> Outcome<Self>;

    /// Reads one JSON value into its field's slot, as [`store`] does with
    /// [`Lenient::decode`]'s outcome (large types override it to decode in place).
    fn decode_into<'de, D: Deserializer<'de>>(
        deserializer: D,
        slot: &mut Option<Self>,
        wire: &'static str,
        extra: &mut ExtraFields,
    ) -> Result<(), D::Error> {
        store(slot, Self::decode(deserializer)?, wire, extra);
        Ok(())
    }

    /// Whether an item of a list (or a value of a map) fits this type, judged from its shape:
    /// for such an item [`Lenient::from_any`] never returns [`Outcome::Raw`], unless the type
    /// [may refuse](Lenient::MAY_REFUSE) an item of the right shape.
    fn accepts(any: &Any<'_>) -> bool {
        !any.is_compound()
    }

    /// Whether [`Lenient::from_any`] can return [`Outcome::Raw`] for a value [`Lenient::accepts`]
    /// (an integer given `"abc"`, a model with required fields given an object without one): a
    /// list of such items keeps a copy of its items, so that one refused item leaves the whole
    /// list raw rather than lost. `true` unless a type shows it never refuses, so that a new
    /// type is safe by default.
    const MAY_REFUSE: bool = true;

    /// Whether every value fits (or is `null`): a list of such items is read item by item
    /// with nothing buffered, since no item can make it fall back.
    const ACCEPTS_ALL: bool = false;

    /// Appends the JSON paths of nested values that fell back, `path` being this value's own.
    fn collect_fallbacks(&self, _path: &str, _out: &mut Vec<String>) {}

    /// Puts a required field that did decode into `into`, so that an error can carry it.
    fn recover(&self, _wire: &str, _into: &mut Recovered) {}

    /// Whether the value counts as present for a required field (an empty string does not).
    fn is_present(&self) -> bool {
        true
    }

    /// Whether a value of this type is personal data: [`Personal`], or a list or map of it.
    const PERSONAL: bool = false;

    /// Adds the wire names of the personal fields of this type and of the model types nested
    /// in it (R10): the one list of what the library knows to be personal, read by
    /// [`crate::error`] to scrub quoted bodies.
    fn personal_fields(_out: &mut BTreeSet<&'static str>) {}

    /// A JSON value of this type in which every string and number is a sentinel of `samples`
    /// (the redaction test, `crate::sentinels`): a model writes every field it declares, so a
    /// field added later gets a sentinel without the test naming it.
    #[cfg(test)]
    fn sample(samples: &mut crate::sentinels::Samples, path: &str) -> Value {
        samples.text(path)
    }
}

/// The required fields that did decode when another one was missing (R4: a token that was
/// created must reach the caller even when the rest of the answer is unusable).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Recovered {
    pub(crate) scan_ref: Option<ScanRef>,
    pub(crate) auth_token: Option<AuthToken>,
}

/// Required fields that were missing from a decoded object.
#[derive(Debug, Default)]
pub(crate) struct Missing {
    pub(crate) fields: Vec<&'static str>,
    pub(crate) recovered: Recovered,
}

impl Missing {
    pub(crate) fn field(name: &'static str) -> Self {
        Self {
            fields: vec![name],
            recovered: Recovered::default(),
        }
    }

    /// The first missing field's wire name.
    pub(crate) fn first(&self) -> &'static str {
        self.fields.first().copied().unwrap_or("")
    }
}

impl fmt::Display for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.fields.as_slice() {
            [one] => write!(f, "missing required field `{one}`"),
            many => {
                f.write_str("missing required fields")?;
                for (at, field) in many.iter().enumerate() {
                    let separator = if at == 0 { " " } else { ", " };
                    write!(f, "{separator}`{field}`")?;
                }
                Ok(())
            }
        }
    }
}

/// A JSON value as read: strings borrowed from the input where it allows, objects as their
/// entries in order (a repeated key appears twice; whoever reads the entries lets the last one
/// win). Building one allocates only the lists of items and entries, so a buffered list or map
/// costs far less than a `serde_json::Value`, and converting it into a model moves its parts.
#[derive(Clone)]
pub(crate) enum Any<'de> {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(Cow<'de, str>),
    Array(Vec<Any<'de>>),
    Object(Vec<(Cow<'de, str>, Any<'de>)>),
}

impl<'de> Any<'de> {
    pub(crate) fn read<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match deserializer.deserialize_any(ShapeVisitor(Entries))? {
            Shape::Scalar(any) => Ok(any),
            Shape::Map(entries) => Ok(Any::Object(entries)),
        }
    }

    /// The value as a `serde_json::Value` (of a repeated key, the last value wins).
    pub(crate) fn into_value(self) -> Value {
        match self {
            Any::Null => Value::Null,
            Any::Bool(flag) => Value::Bool(flag),
            Any::Int(number) => Value::Number(number.into()),
            Any::UInt(number) => Value::Number(number.into()),
            Any::Float(number) => Number::from_f64(number).map_or(Value::Null, Value::Number),
            Any::Str(text) => Value::String(text.into_owned()),
            Any::Array(items) => Value::Array(items.into_iter().map(Any::into_value).collect()),
            Any::Object(entries) => Value::Object(
                entries
                    .into_iter()
                    .map(|(key, value)| (key.into_owned(), value.into_value()))
                    .collect(),
            ),
        }
    }

    /// A parsed value, moved.
    pub(crate) fn from_value(value: Value) -> Any<'static> {
        match value {
            Value::Null => Any::Null,
            Value::Bool(flag) => Any::Bool(flag),
            Value::Number(number) => match (number.as_i64(), number.as_u64()) {
                (Some(int), _) => Any::Int(int),
                (None, Some(uint)) => Any::UInt(uint),
                (None, None) => number.as_f64().map_or(Any::Null, Any::Float),
            },
            Value::String(text) => Any::Str(Cow::Owned(text)),
            Value::Array(items) => Any::Array(items.into_iter().map(Any::from_value).collect()),
            Value::Object(map) => Any::Object(
                map.into_iter()
                    .map(|(key, value)| (Cow::Owned(key), Any::from_value(value)))
                    .collect(),
            ),
        }
    }

    /// Whether this is an array or an object.
    pub(crate) fn is_compound(&self) -> bool {
        matches!(self, Any::Array(_) | Any::Object(_))
    }

    /// The JSON spelling of a number or boolean, a string as it is; `None` for `null`; the
    /// value itself back for an array or object.
    fn scalar_text(self) -> Result<Option<Cow<'de, str>>, Self> {
        Ok(match self {
            Any::Null => None,
            Any::Str(text) => Some(text),
            Any::Bool(flag) => Some(Cow::Borrowed(if flag { "true" } else { "false" })),
            Any::Int(number) => Some(Cow::Owned(number.to_string())),
            Any::UInt(number) => Some(Cow::Owned(number.to_string())),
            Any::Float(number) => Some(Cow::Owned(
                Number::from_f64(number).map_or_else(String::new, |number| number.to_string()),
            )),
            compound @ (Any::Array(_) | Any::Object(_)) => return Err(compound),
        })
    }
}

/// What a map becomes when [`ShapeVisitor`] meets one.
pub(crate) trait MapHandler<'de> {
    type Out;
    fn map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Out, A::Error>;
}

/// Maps become their entries, values as [`Any`].
pub(crate) struct Entries;

impl<'de> MapHandler<'de> for Entries {
    type Out = Vec<(Cow<'de, str>, Any<'de>)>;

    fn map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Out, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(8).min(64));
        while let Some(key) = map.next_key_seed(KeySeed)? {
            entries.push((key, map.next_value_seed(AnySeed)?));
        }
        Ok(entries)
    }
}

/// The `visit_*` methods of a visitor for every value that is neither an array nor an object:
/// the value as an [`Any`] (strings borrowed where the input allows), passed to `$wrap`.
macro_rules! visit_scalars_as_any {
    ($wrap:expr) => {
        fn visit_bool<E: de::Error>(self, value: bool) -> Result<Self::Value, E> {
            Ok($wrap(Any::Bool(value)))
        }

        fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
            Ok($wrap(Any::Int(value)))
        }

        fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
            Ok($wrap(match i64::try_from(value) {
                Ok(value) => Any::Int(value),
                Err(_) => Any::UInt(value),
            }))
        }

        fn visit_f64<E: de::Error>(self, value: f64) -> Result<Self::Value, E> {
            Ok($wrap(Any::Float(value)))
        }

        fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
            Ok($wrap(Any::Str(Cow::Owned(value.to_owned()))))
        }

        fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Self::Value, E> {
            Ok($wrap(Any::Str(Cow::Borrowed(value))))
        }

        fn visit_string<E: de::Error>(self, value: String) -> Result<Self::Value, E> {
            Ok($wrap(Any::Str(Cow::Owned(value))))
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok($wrap(Any::Null))
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok($wrap(Any::Null))
        }

        fn visit_some<D: Deserializer<'de>>(
            self,
            deserializer: D,
        ) -> Result<Self::Value, D::Error> {
            deserializer.deserialize_any(self)
        }
    };
}

/// A JSON value by shape: a scalar or array as [`Any`], or a map handled by `M`.
pub(crate) enum Shape<'de, M> {
    Scalar(Any<'de>),
    Map(M),
}

pub(crate) struct ShapeVisitor<M>(pub(crate) M);

impl<'de, M: MapHandler<'de>> Visitor<'de> for ShapeVisitor<M> {
    type Value = Shape<'de, M::Out>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    visit_scalars_as_any!(Shape::Scalar);

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(AnySeed)? {
            items.push(item);
        }
        Ok(Shape::Scalar(Any::Array(items)))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        Ok(Shape::Map(self.0.map(map)?))
    }
}

/// Reads one value as an [`Any`].
pub(crate) struct AnySeed;

impl<'de> DeserializeSeed<'de> for AnySeed {
    type Value = Any<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        Any::read(deserializer)
    }
}

/// Reads an object key, borrowed from the input where possible.
pub(crate) struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(value.to_owned()))
    }

    fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(value))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(value))
    }
}

/// Where a field's value is read from: the next value of a map being read, or a value already
/// parsed (for the lower-priority shapes a type resolves at the end, such as lifted objects).
pub(crate) trait Source<'de> {
    type Error: de::Error;
    /// The value, decoded as a `T`.
    fn field<T: Lenient>(&mut self) -> Result<Outcome<T>, Self::Error>;
    /// The value as received.
    fn raw(&mut self) -> Result<Value, Self::Error>;

    /// The value, decoded as a `T` and stored in its field's slot (see [`store`]).
    fn store<T: Lenient>(
        &mut self,
        slot: &mut Option<T>,
        wire: &'static str,
        extra: &mut ExtraFields,
    ) -> Result<(), Self::Error> {
        let outcome = self.field::<T>()?;
        store(slot, outcome, wire, extra);
        Ok(())
    }
}

/// The next value of a map.
pub(crate) struct MapSource<'a, A>(pub(crate) &'a mut A);

struct FieldSeed<T>(PhantomData<T>);

impl<'de, T: Lenient> DeserializeSeed<'de> for FieldSeed<T> {
    type Value = Outcome<T>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        T::decode(deserializer)
    }
}

impl<'de, A: MapAccess<'de>> Source<'de> for MapSource<'_, A> {
    type Error = A::Error;

    fn field<T: Lenient>(&mut self) -> Result<Outcome<T>, A::Error> {
        self.0.next_value_seed(FieldSeed(PhantomData))
    }

    fn store<T: Lenient>(
        &mut self,
        slot: &mut Option<T>,
        wire: &'static str,
        extra: &mut ExtraFields,
    ) -> Result<(), A::Error> {
        self.0.next_value_seed(StoreSeed { slot, wire, extra })
    }

    fn raw(&mut self) -> Result<Value, A::Error> {
        self.0.next_value()
    }
}

/// A value already parsed, read by reference (so that nothing is lost if it does not fit).
pub(crate) struct ValueSource<'v>(pub(crate) &'v Value);

impl<'v> Source<'v> for ValueSource<'v> {
    type Error = serde_json::Error;

    fn field<T: Lenient>(&mut self) -> Result<Outcome<T>, serde_json::Error> {
        T::decode(self.0)
    }

    fn raw(&mut self) -> Result<Value, serde_json::Error> {
        Ok(self.0.clone())
    }
}

/// Decodes a value into its field's slot.
struct StoreSeed<'a, T> {
    slot: &'a mut Option<T>,
    wire: &'static str,
    extra: &'a mut ExtraFields,
}

impl<'de, T: Lenient> DeserializeSeed<'de> for StoreSeed<'_, T> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        T::decode_into(deserializer, self.slot, self.wire, self.extra)
    }
}

/// A value already read, moved into its field.
pub(crate) struct AnySource<'a>(Option<Any<'a>>);

impl<'de> Source<'de> for AnySource<'_> {
    type Error = serde_json::Error;

    fn field<T: Lenient>(&mut self) -> Result<Outcome<T>, serde_json::Error> {
        Ok(T::from_any(self.0.take().unwrap_or(Any::Null)))
    }

    fn raw(&mut self) -> Result<Value, serde_json::Error> {
        Ok(self.0.take().map_or(Value::Null, Any::into_value))
    }
}

/// A model value from an object already read, its entries moved into the draft (for objects
/// inside a list or map that was buffered). A type with required fields keeps a copy of the
/// object, so that a missing field leaves the object raw rather than lost.
pub(crate) fn model_from_any<T: Draft>(any: Any<'_>) -> Outcome<T::Output> {
    let entries = match any {
        Any::Object(entries) => entries,
        Any::Null => return Outcome::Absent,
        other => return Outcome::Raw(other.into_value()),
    };
    let copy = T::HAS_REQUIRED.then(|| entries.clone());
    let mut draft = T::default();
    for (key, value) in entries {
        let mut source = AnySource(Some(value));
        // Reading an `Any` never fails.
        let handled = matches!(draft.hook(&key, &mut source), Ok(true))
            || matches!(draft.entry(&key, &mut source), Ok(true));
        if !handled && let Some(value) = source.0.take() {
            draft
                .extra_mut()
                .insert_unknown(key.into_owned(), value.into_value());
        }
    }
    match draft.finish() {
        Ok(value) => Outcome::Fit(value),
        Err(_) => Outcome::Raw(Any::Object(copy.unwrap_or_default()).into_value()),
    }
}

/// Stores a field's outcome: a fit sets the field; a value that does not fit empties it and is
/// kept in `extra` as a fallback; `null` empties it. A later duplicate key overwrites whatever an
/// earlier one stored.
pub(crate) fn store<T>(
    slot: &mut Option<T>,
    outcome: Outcome<T>,
    wire: &'static str,
    extra: &mut ExtraFields,
) {
    match outcome {
        Outcome::Fit(value) => {
            *slot = Some(value);
            extra.clear_fallback(wire);
        }
        Outcome::Absent => {
            *slot = None;
            extra.clear_fallback(wire);
        }
        Outcome::Raw(value) => {
            *slot = None;
            extra.set_fallback(wire, value);
        }
    }
}

/// The decoding state of one model type: every field optional, filled key by key.
pub(crate) trait Draft: Default {
    /// The model type it becomes.
    type Output;

    /// Whether the type has required fields (so that [`Draft::finish`] can fail).
    const HAS_REQUIRED: bool = false;

    /// Decodes the value of `key` into its field; `false` when `key` is not one of them.
    fn entry<'de, S: Source<'de>>(&mut self, key: &str, source: &mut S) -> Result<bool, S::Error>;

    /// Whether `key` already holds something (a field, a fallback or an unknown field).
    fn has(&self, key: &str) -> bool;

    /// The unknown fields and fallbacks.
    fn extra_mut(&mut self) -> &mut ExtraFields;

    /// A key the type reads in its own way (an alias, an object to lift); `false` leaves it to
    /// [`Draft::entry`].
    fn hook<'de, S: Source<'de>>(&mut self, _key: &str, _source: &mut S) -> Result<bool, S::Error> {
        Ok(false)
    }

    /// The model value, or the required fields that are missing.
    fn finish(self) -> Result<Self::Output, Missing>;
}

/// Reads the entries of a JSON object into a draft, in place.
pub(crate) fn decode_map<'de, T: Draft, A: MapAccess<'de>>(
    draft: &mut T,
    mut map: A,
) -> Result<(), A::Error> {
    while let Some(key) = map.next_key_seed(KeySeed)? {
        let mut source = MapSource(&mut map);
        if draft.hook(&key, &mut source)? || draft.entry(&key, &mut source)? {
            continue;
        }
        let value = source.raw()?;
        draft.extra_mut().insert_unknown(key.into_owned(), value);
    }
    Ok(())
}

/// Reads the entries of `object`, found under `container`, into `draft` at a lower priority
/// (the object is a nested copy of fields, such as a webhook-shaped `status` object in a
/// `/status` answer): a key the draft already holds keeps its top-level value, and the inner
/// one is kept in `extra` under `container.key`, so that nothing the server sent is lost.
pub(crate) fn lift<T: Draft>(draft: &mut T, container: &str, object: Map<String, Value>) {
    for (key, value) in object {
        if draft.has(&key) {
            draft
                .extra_mut()
                .insert_unknown(format!("{container}.{key}"), value);
            continue;
        }
        let mut source = ValueSource(&value);
        match draft.entry(&key, &mut source) {
            Ok(true) => {}
            // Reading a parsed value cannot fail; if it did, the value is still kept.
            Ok(false) | Err(_) => draft.extra_mut().insert_unknown(key, value),
        }
    }
}

/// Maps are read into the draft `T` that the handler points to.
pub(crate) struct DraftInto<'a, T>(pub(crate) &'a mut T);

impl<'de, T: Draft> MapHandler<'de> for DraftInto<'_, T> {
    type Out = ();

    fn map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        decode_map(self.0, map)
    }
}

/// Decodes a nested model value (a field whose type is a model type).
pub(crate) fn decode_nested<'de, T: Draft, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Outcome<T::Output>, D::Error> {
    let mut draft = T::default();
    match deserializer.deserialize_any(ShapeVisitor(DraftInto(&mut draft)))? {
        Shape::Map(()) => draft.finish().map(Outcome::Fit).map_err(de::Error::custom),
        Shape::Scalar(Any::Null) => Ok(Outcome::Absent),
        Shape::Scalar(other) => Ok(Outcome::Raw(other.into_value())),
    }
}

/// Decodes a nested model value straight into its field's slot (no moves of the large value
/// through the layers of the deserializer): what [`store`] would do with [`decode_nested`]'s
/// outcome.
pub(crate) fn decode_nested_into<'de, T: Draft, D: Deserializer<'de>>(
    deserializer: D,
    slot: &mut Option<T::Output>,
    wire: &'static str,
    extra: &mut ExtraFields,
) -> Result<(), D::Error> {
    let mut draft = T::default();
    match deserializer.deserialize_any(ShapeVisitor(DraftInto(&mut draft)))? {
        Shape::Map(()) => {
            *slot = Some(draft.finish().map_err(de::Error::custom)?);
            extra.clear_fallback(wire);
        }
        Shape::Scalar(Any::Null) => store(slot, Outcome::Absent, wire, extra),
        Shape::Scalar(other) => store(slot, Outcome::Raw(other.into_value()), wire, extra),
    }
    Ok(())
}

/// Decodes a top-level model value with any deserializer (the public `Deserialize` impls).
pub(crate) fn deserialize_top<'de, T: Draft, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<T::Output, D::Error> {
    let mut draft = T::default();
    match read_top(&mut draft, deserializer)? {
        None => draft.finish().map_err(de::Error::custom),
        Some(kind) => Err(de::Error::custom(format_args!(
            "expected a JSON object, found {kind}"
        ))),
    }
}

/// Reads a top-level object into `draft`; `Some(kind)` when the top level is no object.
fn read_top<'de, T: Draft, D: Deserializer<'de>>(
    draft: &mut T,
    deserializer: D,
) -> Result<Option<&'static str>, D::Error> {
    Ok(
        match deserializer.deserialize_any(ShapeVisitor(DraftInto(draft)))? {
            Shape::Map(()) => None,
            Shape::Scalar(any) => Some(kind_of(&any)),
        },
    )
}

fn kind_of(any: &Any<'_>) -> &'static str {
    match any {
        Any::Null => "null",
        Any::Bool(_) => "a boolean",
        Any::Int(_) | Any::UInt(_) | Any::Float(_) => "a number",
        Any::Str(_) => "a string",
        Any::Array(_) => "an array",
        Any::Object(_) => "an object",
    }
}

/// Decodes a body into the model type of draft `T`: the parse functions' entry point.
pub(crate) fn from_slice<T: Draft>(body: &[u8]) -> Result<T::Output, DecodeError> {
    let mut draft = T::default();
    read_body(&mut draft, body)?;
    draft
        .finish()
        .map_err(|missing| DecodeError::missing(&missing))
}

/// Reads a body into `draft` (the required fields not checked yet).
pub(crate) fn read_body<T: Draft>(draft: &mut T, body: &[u8]) -> Result<(), DecodeError> {
    check_not_empty(body)?;
    // A body that is valid UTF-8 as a whole (every JSON body is) is read as a `str`: checking it
    // once is cheaper than serde_json checking each string of it. Any other body is read as
    // bytes, so that its error is the one serde_json reports, with its position.
    let top = match std::str::from_utf8(body) {
        // One value nested deeper than serde_json reads must not cost the whole body: read it
        // again with that value's deep part as text (crate::depth), from a fresh draft. Should
        // that fail too, the first error stands.
        Ok(text) => read_whole(draft, serde_json::Deserializer::from_str(text)).or_else(|err| {
            match crate::depth::cut_deep(text) {
                Some(cut) => {
                    *draft = T::default();
                    read_whole(draft, serde_json::Deserializer::from_str(&cut)).map_err(|_| err)
                }
                None => Err(err),
            }
        }),
        Err(_) => read_whole(draft, serde_json::Deserializer::from_slice(body)),
    }
    .map_err(|err| json_error(body, &err))?;
    match top {
        None => Ok(()),
        Some(kind) => Err(not_an_object(kind)),
    }
}

/// Parses a body as a plain JSON value (for bodies no model describes), with the errors of
/// [`from_slice`].
pub(crate) fn value_from_slice(body: &[u8]) -> Result<Value, DecodeError> {
    check_not_empty(body)?;
    match std::str::from_utf8(body) {
        // As in `read_body`: a too-deep value keeps its deep part as text.
        Ok(text) => serde_json::from_str(text).or_else(|err| match crate::depth::cut_deep(text) {
            Some(cut) => serde_json::from_str(&cut).map_err(|_| err),
            None => Err(err),
        }),
        Err(_) => serde_json::from_slice(body),
    }
    .map_err(|err| json_error(body, &err))
}

/// Reads the whole input of `deserializer` (text or bytes) into `draft`, nothing but whitespace
/// after the value: the kind of a top level that is not an object.
fn read_whole<'de, T: Draft, R: serde_json::de::Read<'de>>(
    draft: &mut T,
    mut deserializer: serde_json::Deserializer<R>,
) -> Result<Option<&'static str>, serde_json::Error> {
    read_top(draft, &mut deserializer).and_then(|top| deserializer.end().map(|()| top))
}

pub(crate) fn check_not_empty(body: &[u8]) -> Result<(), DecodeError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(DecodeError::new(
            DecodeErrorKind::Empty,
            None,
            "the body is empty",
        ));
    }
    Ok(())
}

pub(crate) fn not_an_object(kind: &str) -> DecodeError {
    DecodeError::new(
        DecodeErrorKind::Data,
        Some(".".to_owned()),
        &format!("expected a JSON object, found {kind}"),
    )
}

/// A `DecodeError` for a serde_json failure, with the JSON path of where it happened.
pub(crate) fn json_error(body: &[u8], err: &serde_json::Error) -> DecodeError {
    let kind = if err.is_data() {
        DecodeErrorKind::Data
    } else {
        DecodeErrorKind::Syntax
    };
    let path = path_at(body, err.line(), err.column());
    DecodeError::new(kind, Some(path), &err.to_string())
}

/// The JSON path (`AML[2].status`, `.` for the top level) of the container being read at
/// `line`:`column` (1-based, as serde_json reports them) of `body`.
///
/// Computed only on the error path, by scanning the bytes before the position, so that the
/// successful path pays nothing for it.
pub(crate) fn path_at(body: &[u8], line: usize, column: usize) -> String {
    enum Frame {
        Object {
            key: Option<String>,
            expecting_key: bool,
        },
        Array {
            index: usize,
        },
    }
    // The byte offset of the position.
    let mut offset = 0;
    let mut current_line = 1;
    for (at, byte) in body.iter().enumerate() {
        if current_line == line {
            offset = at.saturating_add(column.saturating_sub(1));
            break;
        }
        if *byte == b'\n' {
            current_line += 1;
        }
        offset = at.saturating_add(1);
    }
    let prefix = body.get(..offset.min(body.len())).unwrap_or(body);

    let mut stack: Vec<Frame> = Vec::new();
    let mut bytes = prefix.iter().enumerate();
    while let Some((at, byte)) = bytes.next() {
        match byte {
            b'"' => {
                let start = at.saturating_add(1);
                let mut end = prefix.len();
                let mut escaped = false;
                for (inner, byte) in bytes.by_ref() {
                    match byte {
                        _ if escaped => escaped = false,
                        b'\\' => escaped = true,
                        b'"' => {
                            end = inner;
                            break;
                        }
                        _ => {}
                    }
                }
                if let Some(Frame::Object {
                    key,
                    expecting_key: expecting @ true,
                }) = stack.last_mut()
                {
                    let raw = prefix.get(start..end).unwrap_or_default();
                    *key = Some(String::from_utf8_lossy(raw).into_owned());
                    *expecting = false;
                }
            }
            b'{' => stack.push(Frame::Object {
                key: None,
                expecting_key: true,
            }),
            b'[' => stack.push(Frame::Array { index: 0 }),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object { key, expecting_key }) => {
                    *key = None;
                    *expecting_key = true;
                }
                Some(Frame::Array { index }) => *index = index.saturating_add(1),
                None => {}
            },
            _ => {}
        }
    }
    let mut path = String::new();
    for frame in &stack {
        match frame {
            Frame::Object { key: Some(key), .. } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Object { key: None, .. } => {}
            Frame::Array { index } => {
                path.push('[');
                path.push_str(&index.to_string());
                path.push(']');
            }
        }
    }
    if path.is_empty() {
        path.push('.');
    }
    path
}

/// `prefix.name`, or `name` at the top.
pub(crate) fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}.{name}")
    }
}

// ---------------------------------------------------------------------------------------------
// Field types.

/// A field type read from one JSON scalar: what it makes of each kind of value, written once
/// and used both when reading from a deserializer (by [`ScalarVisitor`], with no intermediate
/// value) and when converting a value already read ([`Lenient::from_any`]). An array or object
/// never fits a scalar.
pub(crate) trait Scalar: Sized {
    /// Whether a scalar value can fail to fit (as [`Lenient::MAY_REFUSE`]).
    const MAY_REFUSE: bool = true;
    fn from_bool(value: bool) -> Outcome<Self>;
    fn from_i64(value: i64) -> Outcome<Self>;
    fn from_u64(value: u64) -> Outcome<Self> {
        match i64::try_from(value) {
            Ok(value) => Self::from_i64(value),
            Err(_) => Outcome::Raw(Value::Number(value.into())),
        }
    }
    fn from_f64(value: f64) -> Outcome<Self>;
    fn from_str(value: &str) -> Outcome<Self>;
    fn from_string(value: String) -> Outcome<Self> {
        Self::from_str(&value)
    }
}

/// Reads one value straight into a [`Scalar`].
pub(crate) struct ScalarVisitor<T>(PhantomData<T>);

impl<'de, T: Scalar> Visitor<'de> for ScalarVisitor<T> {
    type Value = Outcome<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Self::Value, E> {
        Ok(T::from_bool(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
        Ok(T::from_i64(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
        Ok(T::from_u64(value))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Self::Value, E> {
        Ok(T::from_f64(value))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        Ok(T::from_str(value))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Self::Value, E> {
        Ok(T::from_string(value))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Outcome::Absent)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Outcome::Absent)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        let Shape::Scalar(array) = ShapeVisitor(Entries).visit_seq(seq)? else {
            return Ok(Outcome::Absent);
        };
        Ok(Outcome::Raw(array.into_value()))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        Ok(Outcome::Raw(Any::Object(Entries.map(map)?).into_value()))
    }
}

/// [`Lenient`] for [`Scalar`] types.
macro_rules! scalar_lenient {
    ($($type:ty),* $(,)?) => {$(
        impl Lenient for $type {
            const MAY_REFUSE: bool = <$type as Scalar>::MAY_REFUSE;

            fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Outcome<Self>, D::Error> {
                deserializer.deserialize_any(ScalarVisitor::<Self>(PhantomData))
            }

            fn from_any(any: Any<'_>) -> Outcome<Self> {
                scalar_from_any(any)
            }

            fn recover(&self, wire: &str, into: &mut Recovered) {
                Recover::recover(self, wire, into);
            }

            fn is_present(&self) -> bool {
                Recover::is_present(self)
            }

            #[cfg(test)]
            fn sample(samples: &mut crate::sentinels::Samples, path: &str) -> Value {
                <$type as crate::sentinels::ScalarSample>::sample(samples, path)
            }
        }
    )*};
}

/// Reads one value as a [`Scalar`].
pub(crate) fn scalar_decode<'de, T: Scalar, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Outcome<T>, D::Error> {
    deserializer.deserialize_any(ScalarVisitor::<T>(PhantomData))
}

/// A value already read, as a [`Scalar`].
pub(crate) fn scalar_from_any<T: Scalar>(any: Any<'_>) -> Outcome<T> {
    match any {
        Any::Null => Outcome::Absent,
        Any::Bool(value) => T::from_bool(value),
        Any::Int(value) => T::from_i64(value),
        Any::UInt(value) => T::from_u64(value),
        Any::Float(value) => T::from_f64(value),
        Any::Str(Cow::Borrowed(value)) => T::from_str(value),
        Any::Str(Cow::Owned(value)) => T::from_string(value),
        compound @ (Any::Array(_) | Any::Object(_)) => Outcome::Raw(compound.into_value()),
    }
}

/// What a required field of this type carries into an error, and whether it counts as there.
trait Recover {
    fn recover(&self, _wire: &str, _into: &mut Recovered) {}
    fn is_present(&self) -> bool {
        true
    }
}

/// The JSON spelling of a float (as serde_json writes it).
fn float_text(value: f64) -> String {
    Number::from_f64(value).map_or_else(String::new, |number| number.to_string())
}

/// Strings: numbers and booleans in their JSON spelling (R7).
impl Scalar for String {
    const MAY_REFUSE: bool = false;

    fn from_bool(value: bool) -> Outcome<Self> {
        Outcome::Fit(if value { "true" } else { "false" }.to_owned())
    }

    fn from_i64(value: i64) -> Outcome<Self> {
        Outcome::Fit(value.to_string())
    }

    fn from_u64(value: u64) -> Outcome<Self> {
        Outcome::Fit(value.to_string())
    }

    fn from_f64(value: f64) -> Outcome<Self> {
        Outcome::Fit(float_text(value))
    }

    fn from_str(value: &str) -> Outcome<Self> {
        Outcome::Fit(value.to_owned())
    }

    fn from_string(value: String) -> Outcome<Self> {
        Outcome::Fit(value)
    }
}

impl Recover for String {
    fn recover(&self, wire: &str, into: &mut Recovered) {
        if wire == "scanRef" && !self.is_empty() {
            into.scan_ref = Some(ScanRef::from_response(self.clone()));
        }
    }

    fn is_present(&self) -> bool {
        !self.is_empty()
    }
}

/// Integers: floats truncated, numeric strings read, `""` none (R7).
impl Scalar for i64 {
    fn from_bool(value: bool) -> Outcome<Self> {
        Outcome::Raw(Value::Bool(value))
    }

    fn from_i64(value: i64) -> Outcome<Self> {
        Outcome::Fit(value)
    }

    fn from_f64(value: f64) -> Outcome<Self> {
        match float_to_i64(value) {
            Some(number) => Outcome::Fit(number),
            None => Outcome::Raw(Any::Float(value).into_value()),
        }
    }

    fn from_str(value: &str) -> Outcome<Self> {
        from_text(value, parse_i64)
    }

    fn from_string(value: String) -> Outcome<Self> {
        from_owned_text(value, parse_i64)
    }
}

impl Recover for i64 {}

/// Booleans: `"true"`/`"false"` in any case, `0` and `1`, `""` none (R7).
impl Scalar for bool {
    fn from_bool(value: bool) -> Outcome<Self> {
        Outcome::Fit(value)
    }

    fn from_i64(value: i64) -> Outcome<Self> {
        match value {
            0 => Outcome::Fit(false),
            1 => Outcome::Fit(true),
            other => Outcome::Raw(Value::Number(other.into())),
        }
    }

    fn from_f64(value: f64) -> Outcome<Self> {
        Outcome::Raw(Any::Float(value).into_value())
    }

    fn from_str(value: &str) -> Outcome<Self> {
        from_text(value, parse_bool)
    }

    fn from_string(value: String) -> Outcome<Self> {
        from_owned_text(value, parse_bool)
    }
}

impl Recover for bool {}

/// `true`/`false` in any case.
fn parse_bool(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// A scalar read from text: blank text is none, `read` takes the trimmed rest, and text it
/// refuses is kept as it came.
fn from_text<T>(value: &str, read: impl FnOnce(&str) -> Option<T>) -> Outcome<T> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Outcome::Absent;
    }
    match read(trimmed) {
        Some(read) => Outcome::Fit(read),
        None => Outcome::Raw(Value::String(value.to_owned())),
    }
}

/// [`from_text`] for owned text: text that is refused is kept without a copy.
fn from_owned_text<T>(value: String, read: impl FnOnce(&str) -> Option<T>) -> Outcome<T> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Outcome::Absent;
    }
    match read(trimmed) {
        Some(read) => Outcome::Fit(read),
        None => Outcome::Raw(Value::String(value)),
    }
}

/// An integer from its decimal spelling, or from a float's (truncated toward zero).
pub(crate) fn parse_i64(text: &str) -> Option<i64> {
    text.parse::<i64>()
        .ok()
        .or_else(|| text.parse::<f64>().ok().and_then(float_to_i64))
}

/// A float truncated toward zero, if it is finite and in range.
pub(crate) fn float_to_i64(float: f64) -> Option<i64> {
    // i64::MAX is not exactly representable; 2^63 is the first value out of range.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    (float.is_finite() && float > -LIMIT - 1.0 && float < LIMIT).then(|| {
        #[allow(clippy::cast_possible_truncation)]
        let truncated = float.trunc() as i64;
        truncated
    })
}

/// Strings that must not be empty (`authToken`, `scanRef`): as [`String`], with `""` none.
macro_rules! non_empty_scalar {
    ($type:ty, $wire:literal, $slot:ident) => {
        impl Scalar for $type {
            fn from_bool(value: bool) -> Outcome<Self> {
                non_empty(String::from_bool(value)).map(<$type>::from_text)
            }

            fn from_i64(value: i64) -> Outcome<Self> {
                non_empty(String::from_i64(value)).map(<$type>::from_text)
            }

            fn from_u64(value: u64) -> Outcome<Self> {
                non_empty(String::from_u64(value)).map(<$type>::from_text)
            }

            fn from_f64(value: f64) -> Outcome<Self> {
                non_empty(String::from_f64(value)).map(<$type>::from_text)
            }

            fn from_str(value: &str) -> Outcome<Self> {
                non_empty(String::from_str(value)).map(<$type>::from_text)
            }

            fn from_string(value: String) -> Outcome<Self> {
                non_empty(String::from_string(value)).map(<$type>::from_text)
            }
        }

        impl Recover for $type {
            fn recover(&self, wire: &str, into: &mut Recovered) {
                if wire == $wire {
                    into.$slot = Some(self.clone());
                }
            }
        }
    };
}

non_empty_scalar!(AuthToken, "authToken", auth_token);
non_empty_scalar!(ScanRef, "scanRef", scan_ref);
scalar_lenient!(String, i64, bool, AuthToken, ScanRef);

/// A string read from the API, wrapped.
trait FromText {
    fn from_text(text: String) -> Self;
}

impl FromText for AuthToken {
    fn from_text(text: String) -> Self {
        AuthToken::new(text)
    }
}

impl FromText for ScanRef {
    fn from_text(text: String) -> Self {
        ScanRef::from_response(text)
    }
}

/// An enum of wire strings (R7): a string is a value (`""` means none), a number or boolean an
/// unknown value in its JSON spelling; an array or object does not fit.
pub(crate) trait WireEnum: for<'a> From<&'a str> + From<String> {}

impl<T: WireEnum> Scalar for T {
    fn from_bool(value: bool) -> Outcome<Self> {
        Outcome::Fit(T::from(if value { "true" } else { "false" }))
    }

    fn from_i64(value: i64) -> Outcome<Self> {
        Outcome::Fit(T::from(value.to_string()))
    }

    fn from_u64(value: u64) -> Outcome<Self> {
        Outcome::Fit(T::from(value.to_string()))
    }

    fn from_f64(value: f64) -> Outcome<Self> {
        Outcome::Fit(T::from(float_text(value)))
    }

    fn from_str(value: &str) -> Outcome<Self> {
        if value.is_empty() {
            Outcome::Absent
        } else {
            Outcome::Fit(T::from(value))
        }
    }

    fn from_string(value: String) -> Outcome<Self> {
        if value.is_empty() {
            Outcome::Absent
        } else {
            Outcome::Fit(T::from(value))
        }
    }
}

impl Lenient for Value {
    const ACCEPTS_ALL: bool = true;

    const MAY_REFUSE: bool = false;

    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Outcome<Self>, D::Error> {
        Ok(match serde::Deserialize::deserialize(deserializer)? {
            Value::Null => Outcome::Absent,
            value => Outcome::Fit(value),
        })
    }

    fn from_any(any: Any<'_>) -> Outcome<Self> {
        match any {
            Any::Null => Outcome::Absent,
            other => Outcome::Fit(other.into_value()),
        }
    }

    fn accepts(_any: &Any<'_>) -> bool {
        true
    }

    #[cfg(test)]
    fn sample(samples: &mut crate::sentinels::Samples, path: &str) -> Value {
        samples.free_form(path)
    }
}

impl<T: Lenient> Lenient for Personal<T> {
    const ACCEPTS_ALL: bool = T::ACCEPTS_ALL;

    const MAY_REFUSE: bool = T::MAY_REFUSE;

    const PERSONAL: bool = true;

    fn personal_fields(out: &mut BTreeSet<&'static str>) {
        T::personal_fields(out);
    }

    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Outcome<Self>, D::Error> {
        Ok(T::decode(deserializer)?.map(Personal::new))
    }

    fn from_any(any: Any<'_>) -> Outcome<Self> {
        T::from_any(any).map(Personal::new)
    }

    fn accepts(any: &Any<'_>) -> bool {
        T::accepts(any)
    }

    fn collect_fallbacks(&self, path: &str, out: &mut Vec<String>) {
        self.expose().collect_fallbacks(path, out);
    }

    #[cfg(test)]
    fn sample(samples: &mut crate::sentinels::Samples, path: &str) -> Value {
        T::sample(samples, path)
    }
}

impl<T> Outcome<T> {
    /// The fitting value, converted.
    pub(crate) fn map<U>(self, f: impl FnOnce(T) -> U) -> Outcome<U> {
        match self {
            Outcome::Fit(value) => Outcome::Fit(f(value)),
            Outcome::Absent => Outcome::Absent,
            Outcome::Raw(value) => Outcome::Raw(value),
        }
    }
}

/// A string that must be there: a string, or a number or boolean in its JSON spelling (for the
/// `Deserialize` impls of single values).
pub(crate) fn required_string<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<String, D::Error> {
    match Any::read(deserializer)?.scalar_text() {
        Ok(Some(text)) => Ok(text.into_owned()),
        Ok(None) => Err(de::Error::custom("expected a string, found null")),
        Err(compound) => Err(de::Error::custom(format_args!(
            "expected a string, found {}",
            kind_of(&compound)
        ))),
    }
}

/// A non-empty string; `""` reads as absent.
fn non_empty(outcome: Outcome<String>) -> Outcome<String> {
    match outcome {
        Outcome::Fit(text) if text.is_empty() => Outcome::Absent,
        other => other,
    }
}

/// Reads a list of items that always fit, item by item.
struct StreamList<T>(PhantomData<T>);

impl<'de, T: Lenient> Visitor<'de> for StreamList<T> {
    type Value = Outcome<Vec<T>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    visit_scalars_as_any!(list_from_single);

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut list = Vec::new();
        while let Some(item) = seq.next_element_seed(FieldSeed::<T>(PhantomData))? {
            // Nothing but `null` (skipped) can fail to fit.
            if let Outcome::Fit(item) = item {
                list.push(item);
            }
        }
        Ok(Outcome::Fit(list))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        Ok(list_from_single(Any::Object(Entries.map(map)?)))
    }
}

/// A list: a JSON array whose items all fit `T` (`null` items are skipped), or a single value
/// that fits `T`, read as a list of one. An array with an item that does not fit is kept raw.
impl<T: Lenient> Lenient for Vec<T> {
    const PERSONAL: bool = T::PERSONAL;

    fn personal_fields(out: &mut BTreeSet<&'static str>) {
        T::personal_fields(out);
    }

    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Outcome<Self>, D::Error> {
        if T::ACCEPTS_ALL {
            deserializer.deserialize_any(StreamList::<T>(PhantomData))
        } else {
            Ok(Self::from_any(Any::read(deserializer)?))
        }
    }

    fn from_any(any: Any<'_>) -> Outcome<Self> {
        match any {
            Any::Array(items) => list_from_items(items),
            single => list_from_single(single),
        }
    }

    fn accepts(any: &Any<'_>) -> bool {
        !matches!(any, Any::Object(_))
    }

    fn collect_fallbacks(&self, path: &str, out: &mut Vec<String>) {
        for (index, item) in self.iter().enumerate() {
            item.collect_fallbacks(&format!("{path}[{index}]"), out);
        }
    }

    #[cfg(test)]
    fn sample(samples: &mut crate::sentinels::Samples, path: &str) -> Value {
        Value::Array(vec![T::sample(samples, &format!("{path}[0]"))])
    }
}

fn list_from_items<T: Lenient>(items: Vec<Any<'_>>) -> Outcome<Vec<T>> {
    if !items
        .iter()
        .all(|item| matches!(item, Any::Null) || T::accepts(item))
    {
        return Outcome::Raw(Any::Array(items).into_value());
    }
    // Only a type that may refuse an item of the right shape pays for a copy: for the others
    // every item fits or is `null` (which a list leaves out).
    let copy = T::MAY_REFUSE.then(|| items.clone());
    let mut list = Vec::with_capacity(items.len());
    for item in items {
        match T::from_any(item) {
            Outcome::Fit(item) => list.push(item),
            Outcome::Absent => {}
            Outcome::Raw(refused) => {
                // Never lose what iDenfy said: the list as received, not the items that fitted.
                return Outcome::Raw(copy.map_or_else(
                    || Value::Array(vec![refused]),
                    |items| Any::Array(items).into_value(),
                ));
            }
        }
    }
    Outcome::Fit(list)
}

fn list_from_single<T: Lenient>(single: Any<'_>) -> Outcome<Vec<T>> {
    match single {
        Any::Null => Outcome::Absent,
        single if T::accepts(&single) => T::from_any(single).map(|item| vec![item]),
        other => Outcome::Raw(other.into_value()),
    }
}

/// A value of a map ([`BTreeMap`] field): what it accepts and what it makes of a value.
pub(crate) trait MapValue: Sized {
    /// Whether the value is personal data (as [`Lenient::PERSONAL`]).
    const PERSONAL: bool = false;
    /// The personal fields nested in the value (as [`Lenient::personal_fields`]).
    fn personal_fields(_out: &mut BTreeSet<&'static str>) {}
    fn accepts(any: &Any<'_>) -> bool;
    fn from_any(any: Any<'_>) -> Self;
    fn collect_fallbacks(&self, _path: &str, _out: &mut Vec<String>) {}
    /// A sample value (as [`Lenient::sample`]).
    #[cfg(test)]
    fn sample(samples: &mut crate::sentinels::Samples, path: &str) -> Value {
        samples.text(path)
    }
}

/// A string, a number or boolean in its JSON spelling, or `null` (`fileUrls`, `additionalSteps`).
impl<T: From<String> + Lenient> MapValue for Option<T> {
    const PERSONAL: bool = T::PERSONAL;

    fn personal_fields(out: &mut BTreeSet<&'static str>) {
        T::personal_fields(out);
    }

    fn accepts(any: &Any<'_>) -> bool {
        !any.is_compound()
    }

    fn from_any(any: Any<'_>) -> Self {
        match any.scalar_text() {
            Ok(Some(text)) => Some(T::from(text.into_owned())),
            Ok(None) | Err(_) => None,
        }
    }

    #[cfg(test)]
    fn sample(samples: &mut crate::sentinels::Samples, path: &str) -> Value {
        T::sample(samples, path)
    }
}

/// A JSON object read as a map; an empty array counts as an empty object. A map with a value
/// that does not fit is kept raw. A repeated key keeps its last value.
impl<V: MapValue> Lenient for BTreeMap<String, V> {
    const PERSONAL: bool = V::PERSONAL;

    fn personal_fields(out: &mut BTreeSet<&'static str>) {
        V::personal_fields(out);
    }

    fn from_any(any: Any<'_>) -> Outcome<Self> {
        match any {
            Any::Null => Outcome::Absent,
            Any::Array(items) if items.is_empty() => Outcome::Fit(BTreeMap::new()),
            Any::Object(entries) => map_from_entries(entries),
            other => Outcome::Raw(other.into_value()),
        }
    }

    fn accepts(any: &Any<'_>) -> bool {
        matches!(any, Any::Object(_))
    }

    fn collect_fallbacks(&self, path: &str, out: &mut Vec<String>) {
        for (key, value) in self {
            value.collect_fallbacks(&join(path, key), out);
        }
    }

    #[cfg(test)]
    fn sample(samples: &mut crate::sentinels::Samples, path: &str) -> Value {
        let key = samples.key();
        let value = V::sample(samples, &format!("{path}[{key}]"));
        Value::Object([(key, value)].into_iter().collect())
    }
}

fn map_from_entries<V: MapValue>(
    entries: Vec<(Cow<'_, str>, Any<'_>)>,
) -> Outcome<BTreeMap<String, V>> {
    if !entries.iter().all(|(_, value)| V::accepts(value)) {
        return Outcome::Raw(Any::Object(entries).into_value());
    }
    Outcome::Fit(
        entries
            .into_iter()
            .map(|(key, value)| (key.into_owned(), V::from_any(value)))
            .collect(),
    )
}

/// Skips a value.
pub(crate) fn skip<'de, S: Source<'de>>(source: &mut S) -> Result<(), S::Error> {
    source.field::<Ignored>().map(|_| ())
}

/// A value read and thrown away.
struct Ignored;

impl Lenient for Ignored {
    const MAY_REFUSE: bool = false;

    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Outcome<Self>, D::Error> {
        deserializer.deserialize_ignored_any(IgnoredAny)?;
        Ok(Outcome::Absent)
    }

    fn from_any(_any: Any<'_>) -> Outcome<Self> {
        Outcome::Absent
    }
}

/// Whether a value is a JSON object (read and thrown away).
pub(crate) struct IsObject(pub(crate) bool);

impl Lenient for IsObject {
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Outcome<Self>, D::Error> {
        struct Probe;
        impl<'de> Visitor<'de> for Probe {
            type Value = bool;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<bool, E> {
                Ok(false)
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<bool, E> {
                Ok(false)
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<bool, E> {
                Ok(false)
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<bool, E> {
                Ok(false)
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<bool, E> {
                Ok(false)
            }
            fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
                Ok(false)
            }
            fn visit_none<E: de::Error>(self) -> Result<bool, E> {
                Ok(false)
            }
            fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
                deserializer.deserialize_any(self)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(false)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(true)
            }
        }
        Ok(Outcome::Fit(IsObject(deserializer.deserialize_any(Probe)?)))
    }

    fn from_any(any: Any<'_>) -> Outcome<Self> {
        Outcome::Fit(IsObject(matches!(any, Any::Object(_))))
    }
}

/// Writes `value` as a map entry, for the generated `Serialize` impls.
pub(crate) fn entry<M: SerializeMap, T: serde::Serialize + ?Sized>(
    map: &mut M,
    key: &str,
    value: &T,
) -> Result<(), M::Error> {
    map.serialize_entry(key, value)
}

/// Declares a model type from one list of fields: the struct, its draft (the decoding state),
/// `Serialize`, `Deserialize` and [`Lenient`] (so it can be nested), and `fallbacks()`.
///
/// Each field is `kind name: Type = "wireName"`, where the kind is
///
/// * `opt` — optional: the field is `Option<Type>`;
/// * `must` — optional in the type (`Option<Type>`) but required in every body (R7: `scanRef`);
///   a body without it fails with an error naming it;
/// * `req` — required: the field is `Type`;
/// * `dflt` — the field is `Type`, its default when absent or `null`.
///
/// `nulls = true` serializes an absent optional field as `null` (the shape of iDenfy's answers);
/// `false` leaves it out (webhooks).
macro_rules! model {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident / $draft:ident (nulls = $nulls:literal) {
            $(
                $(#[$fmeta:meta])*
                $kind:ident $field:ident : $ty:ty = $wire:literal,
            )*
        }
    ) => {
        $(#[$meta])*
        $vis struct $name {
            $( $(#[$fmeta])* $vis $field: $crate::decode::model!(@ty $kind $ty), )*
            /// Fields this version does not model, and values that did not fit their field
            /// (R7; [`ExtraFields::fallbacks`](crate::ExtraFields::fallbacks) names those).
            $vis extra: $crate::extra::ExtraFields,
        }

        #[doc = concat!("The decoding state of [`", stringify!($name), "`].")]
        #[derive(Default)]
        pub(crate) struct $draft {
            $( pub(crate) $field: Option<$ty>, )*
            pub(crate) extra: $crate::extra::ExtraFields,
            #[allow(dead_code)]
            pub(crate) pending: Vec<(&'static str, serde_json::Value)>,
        }

        impl $crate::decode::Draft for $draft {
            type Output = $name;

            const HAS_REQUIRED: bool = false $( || $crate::decode::model!(@required $kind) )*;

            fn entry<'de, S: $crate::decode::Source<'de>>(
                &mut self,
                key: &str,
                source: &mut S,
            ) -> Result<bool, S::Error> {
                match key {
                    $(
                        $wire => source.store::<$ty>(&mut self.$field, $wire, &mut self.extra)?,
                    )*
                    _ => return Ok(false),
                }
                Ok(true)
            }

            fn has(&self, key: &str) -> bool {
                match key {
                    $( $wire => self.$field.is_some() || self.extra.contains_key(key), )*
                    _ => self.extra.contains_key(key),
                }
            }

            fn extra_mut(&mut self) -> &mut $crate::extra::ExtraFields {
                &mut self.extra
            }

            fn hook<'de, S: $crate::decode::Source<'de>>(
                &mut self,
                key: &str,
                source: &mut S,
            ) -> Result<bool, S::Error> {
                $crate::decode::Hooks::hook(self, key, source)
            }

            fn finish(self) -> Result<$name, $crate::decode::Missing> {
                let mut draft = self;
                $crate::decode::Hooks::resolve(&mut draft);
                #[allow(unused_mut)]
                let mut missing = $crate::decode::Missing::default();
                $( $crate::decode::model!(@check $kind draft missing $field $wire); )*
                if !missing.fields.is_empty() {
                    $( $crate::decode::model!(@recover $kind draft missing $field $wire); )*
                    return Err(missing);
                }
                Ok($name {
                    $( $field: $crate::decode::model!(@take $kind draft $field $wire), )*
                    extra: draft.extra,
                })
            }
        }

        impl $name {
            /// The JSON paths of the values that did not fit their field and were kept raw
            /// instead (R7), this object's and its nested objects' (`status.overall`,
            /// `AML[0].status.serviceSuspected`); names only, never values. Empty when every
            /// value fitted.
            #[allow(dead_code)]
            $vis fn fallbacks(&self) -> Vec<String> {
                let mut out = Vec::new();
                $crate::decode::Lenient::collect_fallbacks(self, "", &mut out);
                out
            }

            /// Writes the fields as entries of a map being serialized (for types that flatten
            /// this one).
            #[allow(dead_code)]
            pub(crate) fn serialize_entries<M: serde::ser::SerializeMap>(
                &self,
                map: &mut M,
            ) -> Result<(), M::Error> {
                let this = self;
                $( $crate::decode::model!(@ser $kind this map $field $wire $nulls); )*
                for (key, value) in this.extra.iter() {
                    $crate::decode::entry(map, key, value)?;
                }
                Ok(())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap as _;
                let mut map = serializer.serialize_map(None)?;
                self.serialize_entries(&mut map)?;
                map.end()
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::decode::deserialize_top::<$draft, D>(deserializer)
            }
        }

        impl $crate::decode::Lenient for $name {
            fn decode<'de, D: serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<$crate::decode::Outcome<Self>, D::Error> {
                $crate::decode::decode_nested::<$draft, D>(deserializer)
            }

            fn decode_into<'de, D: serde::Deserializer<'de>>(
                deserializer: D,
                slot: &mut Option<Self>,
                wire: &'static str,
                extra: &mut $crate::extra::ExtraFields,
            ) -> Result<(), D::Error> {
                $crate::decode::decode_nested_into::<$draft, D>(deserializer, slot, wire, extra)
            }

            fn from_any(any: $crate::decode::Any<'_>) -> $crate::decode::Outcome<Self> {
                $crate::decode::model_from_any::<$draft>(any)
            }

            fn accepts(any: &$crate::decode::Any<'_>) -> bool {
                matches!(any, $crate::decode::Any::Object(_))
            }

            const MAY_REFUSE: bool = <$draft as $crate::decode::Draft>::HAS_REQUIRED;

            fn collect_fallbacks(&self, path: &str, out: &mut Vec<String>) {
                for name in self.extra.fallbacks() {
                    out.push($crate::decode::join(path, name));
                }
                $( $crate::decode::model!(@nested $kind self $field $wire path out); )*
            }

            fn personal_fields(out: &mut std::collections::BTreeSet<&'static str>) {
                $(
                    if <$ty as $crate::decode::Lenient>::PERSONAL {
                        out.insert($wire);
                    }
                    <$ty as $crate::decode::Lenient>::personal_fields(out);
                )*
            }

            #[cfg(test)]
            fn sample(
                samples: &mut $crate::sentinels::Samples,
                path: &str,
            ) -> serde_json::Value {
                let mut object = serde_json::Map::new();
                $(
                    object.insert(
                        $wire.to_owned(),
                        <$ty as $crate::decode::Lenient>::sample(
                            samples,
                            &$crate::decode::join(path, $wire),
                        ),
                    );
                )*
                samples.unmodeled(path, &mut object);
                serde_json::Value::Object(object)
            }
        }
    };

    (@required req) => { true };
    (@required must) => { true };
    (@required $other:ident) => { false };

    (@ty opt $ty:ty) => { Option<$ty> };
    (@ty must $ty:ty) => { Option<$ty> };
    (@ty req $ty:ty) => { $ty };
    (@ty dflt $ty:ty) => { $ty };

    (@check req $d:ident $m:ident $f:ident $w:literal) => {
        if $d.$f.is_none() { $m.fields.push($w); }
    };
    (@check must $d:ident $m:ident $f:ident $w:literal) => {
        if !$d.$f.as_ref().is_some_and($crate::decode::Lenient::is_present) {
            $m.fields.push($w);
        }
    };
    (@check $other:ident $d:ident $m:ident $f:ident $w:literal) => {};

    (@recover req $d:ident $m:ident $f:ident $w:literal) => {
        if let Some(value) = &$d.$f {
            $crate::decode::Lenient::recover(value, $w, &mut $m.recovered);
        }
    };
    (@recover must $d:ident $m:ident $f:ident $w:literal) => {
        if let Some(value) = &$d.$f {
            $crate::decode::Lenient::recover(value, $w, &mut $m.recovered);
        }
    };
    (@recover $other:ident $d:ident $m:ident $f:ident $w:literal) => {};

    (@take req $d:ident $f:ident $w:literal) => {
        match $d.$f {
            Some(value) => value,
            None => return Err($crate::decode::Missing::field($w)),
        }
    };
    (@take dflt $d:ident $f:ident $w:literal) => { $d.$f.unwrap_or_default() };
    (@take $other:ident $d:ident $f:ident $w:literal) => { $d.$f };

    (@ser req $t:ident $m:ident $f:ident $w:literal $nulls:literal) => {
        $crate::decode::entry($m, $w, &$t.$f)?;
    };
    (@ser dflt $t:ident $m:ident $f:ident $w:literal $nulls:literal) => {
        // A value that fell back is written from `extra`, as it came, instead of the default.
        if !$t.extra.is_fallback($w) {
            $crate::decode::entry($m, $w, &$t.$f)?;
        }
    };
    (@ser $other:ident $t:ident $m:ident $f:ident $w:literal $nulls:literal) => {
        match &$t.$f {
            Some(value) => $crate::decode::entry($m, $w, value)?,
            None if $nulls && !$t.extra.contains_key($w) => $crate::decode::entry($m, $w, &())?,
            None => {}
        }
    };

    (@nested req $t:ident $f:ident $w:literal $p:ident $o:ident) => {
        $crate::decode::Lenient::collect_fallbacks(&$t.$f, &$crate::decode::join($p, $w), $o);
    };
    (@nested dflt $t:ident $f:ident $w:literal $p:ident $o:ident) => {
        $crate::decode::Lenient::collect_fallbacks(&$t.$f, &$crate::decode::join($p, $w), $o);
    };
    (@nested $other:ident $t:ident $f:ident $w:literal $p:ident $o:ident) => {
        if let Some(value) = &$t.$f {
            $crate::decode::Lenient::collect_fallbacks(value, &$crate::decode::join($p, $w), $o);
        }
    };
}

pub(crate) use model;

/// The keys a model type reads in its own way, and what it resolves once every key was read.
/// Most types have none: `impl Hooks for TheirDraft {}`.
pub(crate) trait Hooks {
    /// A key read in the type's own way; `false` leaves it to the generated decoder.
    fn hook<'de, S: Source<'de>>(&mut self, _key: &str, _source: &mut S) -> Result<bool, S::Error> {
        Ok(false)
    }

    /// Resolves what the hooks set aside (aliases, lifted objects) before the value is built.
    fn resolve(&mut self) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list<T: Lenient>(json: &str) -> Outcome<Vec<T>> {
        Vec::<T>::decode(&mut serde_json::Deserializer::from_str(json)).unwrap()
    }

    #[test]
    fn r7_a_list_with_an_item_of_the_right_shape_that_does_not_fit_is_kept_whole() {
        // Every item is a scalar, as an integer list's items must be, but one is not a number:
        // the list is kept as received, not shortened to the items that fitted.
        match list::<i64>(r#"[1, "abc", 3]"#) {
            Outcome::Raw(raw) => assert_eq!(raw, serde_json::json!([1, "abc", 3])),
            _ => panic!("the list must be kept raw"),
        }
        // Objects, as a model's items must be, but the second lacks a required field.
        let body = r#"[{"authToken": "t1", "scanRef": "s1"}, {"authToken": "t2"},
            {"authToken": "t3", "scanRef": "s3"}]"#;
        match list::<crate::TokenResponse>(body) {
            Outcome::Raw(raw) => {
                assert_eq!(raw, serde_json::from_str::<Value>(body).unwrap());
            }
            _ => panic!("the list must be kept raw"),
        }
        // `null` items say nothing and are left out; every other item fits.
        match list::<i64>(r#"[1, null, "3"]"#) {
            Outcome::Fit(items) => assert_eq!(items, [1, 3]),
            _ => panic!("the list fits"),
        }
        match list::<crate::TokenResponse>(r#"[{"authToken": "t1", "scanRef": "s1"}, null]"#) {
            Outcome::Fit(items) => assert_eq!(items.len(), 1),
            _ => panic!("the list fits"),
        }
    }

    #[test]
    fn r7_types_that_never_refuse_an_item_of_the_right_shape_say_so() {
        // A type that claims it never refuses skips the copy a list keeps: check the claim on
        // every scalar kind.
        let scalars = [
            "true",
            "-1",
            "18446744073709551615",
            "1.5e300",
            "\"\"",
            "\"x\"",
        ];
        for json in scalars {
            let any = Any::read(&mut serde_json::Deserializer::from_str(json)).unwrap();
            const { assert!(!<String as Lenient>::MAY_REFUSE) };
            assert!(String::accepts(&any));
            assert!(
                !matches!(String::from_any(any.clone()), Outcome::Raw(_)),
                "{json}"
            );
            const { assert!(!<crate::SuspicionReason as Lenient>::MAY_REFUSE) };
            assert!(!matches!(
                crate::SuspicionReason::from_any(any.clone()),
                Outcome::Raw(_)
            ));
            const { assert!(!Value::MAY_REFUSE) };
            assert!(!matches!(Value::from_any(any), Outcome::Raw(_)));
        }
        const { assert!(<i64 as Lenient>::MAY_REFUSE && <bool as Lenient>::MAY_REFUSE) };
        const { assert!(crate::TokenResponse::MAY_REFUSE) };
    }

    #[test]
    fn r7_integers_from_floats_and_strings() {
        let read = |json: &str| match i64::decode(&mut serde_json::Deserializer::from_str(json)) {
            Ok(Outcome::Fit(number)) => Some(number),
            _ => None,
        };
        assert_eq!(read("1554726960"), Some(1_554_726_960));
        assert_eq!(read("1554726960.324056"), Some(1_554_726_960));
        assert_eq!(read("\"3600\""), Some(3600));
        assert_eq!(read("\" 3600.9 \""), Some(3600));
        assert_eq!(read("-1.5"), Some(-1));
        assert_eq!(read("1e300"), None);
        assert_eq!(read("\"abc\""), None);
        assert_eq!(read("true"), None);
    }

    #[test]
    fn r7_error_paths_name_keys_and_list_indices() {
        let cases: [(&str, &str); 5] = [
            (r#"{"a": tru}"#, "a"),
            (
                r#"{"AML": [{"uid": "x"}, {"uid": "y"}, {"status": {"serviceSuspected": tx}}]}"#,
                "AML[2].status.serviceSuspected",
            ),
            ("[1, 2, x]", "[2]"),
            ("{\"a\": {\"b\": 1,\n \"c\": [\"\\\"q\", nope]}}", "a.c[1]"),
            ("nope", "."),
        ];
        for (json, expected) in cases {
            let err = serde_json::from_str::<Value>(json).unwrap_err();
            assert_eq!(
                path_at(json.as_bytes(), err.line(), err.column()),
                expected,
                "{json}"
            );
        }
    }
}
