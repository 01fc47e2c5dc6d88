//! Range checks on deserialized values, each failing with the span of the value it rejects.
//!
//! Every checked field is a `toml::Spanned<T>` (or `Option` of one when it has a default), so a
//! failed check can point at the value. A defaulted field has no position of its own; its errors
//! point at the enclosing table instead, which is where the author would add the key.

use std::ops::Range;

use toml::Spanned;

use super::error::{ScenarioError, Source};
use super::locate::join;
use super::parsed::Dur;
use crate::types::Nanos;

pub(crate) type Result<T> = std::result::Result<T, ScenarioError>;

/// A value that may have been written in the file: required keys are `Spanned<T>`, optional
/// ones `Option<Spanned<T>>`.
pub(crate) trait Given<T> {
    fn given(&self) -> Option<&Spanned<T>>;
}

impl<T> Given<T> for Spanned<T> {
    fn given(&self) -> Option<&Spanned<T>> {
        Some(self)
    }
}

impl<T> Given<T> for Option<Spanned<T>> {
    fn given(&self) -> Option<&Spanned<T>> {
        self.as_ref()
    }
}

/// One table being resolved: where it is and what its dotted path is.
pub(crate) struct Scope<'a> {
    pub src: &'a Source<'a>,
    pub path: String,
    pub span: Range<usize>,
}

impl<'a> Scope<'a> {
    pub fn new(src: &'a Source<'a>, path: impl Into<String>, span: Range<usize>) -> Self {
        Scope {
            src,
            path: path.into(),
            span,
        }
    }

    /// A nested table, falling back to this table's span when it was not written.
    pub fn child<T>(&self, key: &str, table: Option<&Spanned<T>>) -> Scope<'a> {
        Scope {
            src: self.src,
            path: join(&self.path, key),
            span: table.map_or_else(|| self.span.clone(), |t| t.span()),
        }
    }

    pub fn field(&self, key: &str) -> String {
        join(&self.path, key)
    }

    /// Where an error about `key` should point: its value if written, else this table.
    pub fn span_of<T>(&self, value: &impl Given<T>) -> Range<usize> {
        value
            .given()
            .map_or_else(|| self.span.clone(), |v| v.span())
    }

    pub fn fail<T>(
        &self,
        value: &impl Given<T>,
        key: &str,
        message: impl Into<String>,
    ) -> ScenarioError {
        self.src
            .error(self.span_of(value), self.field(key), message)
    }

    /// A finite number passing `ok`; `expected` describes the allowed range for the message.
    pub fn float(
        &self,
        value: &impl Given<f64>,
        key: &str,
        default: f64,
        expected: &str,
        ok: impl Fn(f64) -> bool,
    ) -> Result<f64> {
        let v = value.given().map_or(default, |v| *v.get_ref());
        if v.is_finite() && ok(v) {
            Ok(v)
        } else {
            Err(self.fail(value, key, format!("expected {expected}, got {v}")))
        }
    }

    pub fn positive(&self, value: &impl Given<f64>, key: &str, default: f64) -> Result<f64> {
        self.float(value, key, default, "a positive number", |v| v > 0.0)
    }

    pub fn non_negative(&self, value: &impl Given<f64>, key: &str, default: f64) -> Result<f64> {
        self.float(value, key, default, "a number >= 0", |v| v >= 0.0)
    }

    pub fn probability(&self, value: &impl Given<f64>, key: &str, default: f64) -> Result<f64> {
        self.float(value, key, default, "a probability in [0, 1]", |v| {
            (0.0..=1.0).contains(&v)
        })
    }

    pub fn above(&self, value: &impl Given<f64>, key: &str, default: f64, min: f64) -> Result<f64> {
        self.float(value, key, default, &format!("a number > {min}"), |v| {
            v > min
        })
    }

    /// Integers are read as i64 (TOML's only integer type) and narrowed here, so the message can
    /// state the allowed range instead of a Rust type name.
    pub fn int<T: TryFrom<i64>>(
        &self,
        value: &impl Given<i64>,
        key: &str,
        default: i64,
        min: i64,
        max: i64,
    ) -> Result<T> {
        let v = value.given().map_or(default, |v| *v.get_ref());
        if (min..=max).contains(&v)
            && let Ok(narrowed) = T::try_from(v)
        {
            return Ok(narrowed);
        }
        let expected = if max == i64::MAX {
            format!("an integer >= {min}")
        } else {
            format!("an integer from {min} to {max}")
        };
        Err(self.fail(value, key, format!("expected {expected}, got {v}")))
    }

    /// A share quantity given as a number (a median size): positive and at most
    /// [`MAX_SHARES`](super::limits::MAX_SHARES).
    pub fn shares_f64(&self, value: &impl Given<f64>, key: &str, default: f64) -> Result<f64> {
        let max = super::limits::MAX_SHARES as f64;
        self.float(
            value,
            key,
            default,
            &format!("a positive number of shares, at most {max:e}"),
            |v| v > 0.0 && v <= max,
        )
    }

    /// `size_sigma`, the lognormal dispersion of order sizes.
    pub fn size_sigma(&self, value: &impl Given<f64>, default: f64) -> Result<f64> {
        let max = super::limits::MAX_SIZE_SIGMA;
        self.float(
            value,
            "size_sigma",
            default,
            &format!("a number from 0 to {max}"),
            |v| (0.0..=max).contains(&v),
        )
    }

    /// A recurring interval (wake-ups, children, program slices): at least
    /// [`MIN_INTERVAL`](super::limits::MIN_INTERVAL), so a day cannot schedule unbounded work.
    pub fn interval(&self, value: &impl Given<Dur>, key: &str, default: Nanos) -> Result<Nanos> {
        let min = super::limits::MIN_INTERVAL;
        self.duration_from(value, key, default, min, "an interval of at least 1us")
    }

    /// A duration of at least `min`; `expected` describes that for the message.
    fn duration_from(
        &self,
        value: &impl Given<Dur>,
        key: &str,
        default: Nanos,
        min: Nanos,
        expected: &str,
    ) -> Result<Nanos> {
        let d = self.duration(value, default);
        if d >= min {
            return Ok(d);
        }
        let text = value.given().map_or("0s", |v| v.get_ref().text.as_str());
        Err(self.fail(value, key, format!("expected {expected}, got {text:?}")))
    }

    /// A share count: 1 to [`MAX_SHARES`](super::limits::MAX_SHARES).
    pub fn shares(&self, value: &impl Given<i64>, key: &str, default: i64) -> Result<i64> {
        self.int(value, key, default, 1, super::limits::MAX_SHARES)
    }

    pub fn duration(&self, value: &impl Given<Dur>, default: Nanos) -> Nanos {
        value.given().map_or(default, |v| v.get_ref().value)
    }

    pub fn positive_duration(
        &self,
        value: &impl Given<Dur>,
        key: &str,
        default: Nanos,
    ) -> Result<Nanos> {
        self.duration_from(
            value,
            key,
            default,
            Nanos(1),
            "a duration greater than zero",
        )
    }
}

/// `price` as a whole number of ticks, or `None` when it is off the grid (beyond a relative 1e-6,
/// which absorbs decimal-to-binary rounding such as 100.07 / 0.01) or outside 1..=2^53 ticks
/// (beyond 2^53 an f64 tick count is no longer an exact integer).
pub(crate) fn whole_ticks(price: f64, tick_size: f64) -> Option<i64> {
    let ticks = (price / tick_size).round();
    let whole = (ticks * tick_size - price).abs() <= 1e-6 * price;
    (whole && (1.0..=9_007_199_254_740_992.0).contains(&ticks)).then_some(ticks as i64)
}
