//! Values written as strings (durations, clock times, dates, offsets) parsed during
//! deserialization.
//!
//! Parsing inside `Deserialize` means a malformed string fails with the toml deserializer's span
//! of the value, exactly like a type error, with no extra bookkeeping. The original text is kept
//! so later validation messages can quote what the author wrote.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};

use super::{clock, duration};
use crate::types::Nanos;

/// One string syntax: how to parse it and how to describe it in errors.
pub(crate) trait Syntax {
    type Value;
    const EXPECTING: &'static str;
    /// TOML has native local dates and times; accepting them where they mean the same thing saves
    /// authors from a baffling "invalid type: map" when they forget the quotes.
    const ACCEPTS_TOML_DATETIME: bool;
    fn parse(text: &str) -> Result<Self::Value, String>;
}

pub(crate) struct Text<S: Syntax> {
    pub value: S::Value,
    pub text: String,
}

pub(crate) struct DurationSyntax;
pub(crate) struct ClockSyntax;
pub(crate) struct DateSyntax;
pub(crate) struct OffsetSyntax;

pub(crate) type Dur = Text<DurationSyntax>;
pub(crate) type Clock = Text<ClockSyntax>;
pub(crate) type Date = Text<DateSyntax>;
pub(crate) type Offset = Text<OffsetSyntax>;

impl Syntax for DurationSyntax {
    type Value = Nanos;
    const EXPECTING: &'static str = duration::EXPECTING;
    const ACCEPTS_TOML_DATETIME: bool = false;
    fn parse(text: &str) -> Result<Nanos, String> {
        duration::parse_duration(text)
    }
}

impl Syntax for ClockSyntax {
    type Value = Nanos;
    const EXPECTING: &'static str = clock::CLOCK_EXPECTING;
    const ACCEPTS_TOML_DATETIME: bool = true;
    fn parse(text: &str) -> Result<Nanos, String> {
        clock::parse_clock(text)
    }
}

impl Syntax for DateSyntax {
    type Value = (i32, u32, u32);
    const EXPECTING: &'static str = clock::DATE_EXPECTING;
    const ACCEPTS_TOML_DATETIME: bool = true;
    fn parse(text: &str) -> Result<(i32, u32, u32), String> {
        clock::parse_date(text)
    }
}

impl Syntax for OffsetSyntax {
    type Value = i32;
    const EXPECTING: &'static str = clock::OFFSET_EXPECTING;
    const ACCEPTS_TOML_DATETIME: bool = false;
    fn parse(text: &str) -> Result<i32, String> {
        clock::parse_utc_offset(text)
    }
}

impl<S: Syntax> Text<S> {
    fn from_text<E: de::Error>(text: &str) -> Result<Self, E> {
        match S::parse(text) {
            Ok(value) => Ok(Text {
                value,
                text: text.to_owned(),
            }),
            Err(reason) => Err(E::custom(format!(
                "expected {}, got {text:?} ({reason})",
                S::EXPECTING
            ))),
        }
    }
}

impl<'de, S: Syntax> Deserialize<'de> for Text<S> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TextVisitor::<S>(PhantomData))
    }
}

struct TextVisitor<S>(PhantomData<S>);

impl<'de, S: Syntax> Visitor<'de> for TextVisitor<S> {
    type Value = Text<S>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} in quotes", S::EXPECTING)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Text<S>, E> {
        Text::from_text(v)
    }

    /// The toml deserializer presents native date/time values as a one-entry map.
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Text<S>, A::Error> {
        let datetime =
            toml::value::Datetime::deserialize(de::value::MapAccessDeserializer::new(map))
                .map_err(|_| {
                    de::Error::custom(format!("expected {} in quotes, got a table", S::EXPECTING))
                })?;
        if S::ACCEPTS_TOML_DATETIME && datetime.offset.is_none() {
            Text::from_text(&datetime.to_string())
        } else {
            Err(de::Error::custom(format!(
                "expected {} in quotes, got the TOML date/time {datetime}",
                S::EXPECTING
            )))
        }
    }
}
