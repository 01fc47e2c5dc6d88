//! Newtypes shared by every module. Integer ticks, shares and nanoseconds inside the simulator so the
//! compiler catches unit mix-ups; conversion to currency and wall-clock time happens only at output.

use std::fmt;
use std::ops::{Add, AddAssign, Sub, SubAssign};

/// Nanoseconds since the session opens. Unsigned because nothing happens before the open.
///
/// Arithmetic saturates instead of wrapping: a time that overflowed would jump back to the open and
/// reorder the whole event queue silently. Loading caps every duration at a week
/// (`scenario::duration::MAX_DURATION`), so saturation is a last line of defence, never a result.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Nanos(pub u64);

impl Nanos {
    pub const ZERO: Nanos = Nanos(0);
    pub const MAX: Nanos = Nanos(u64::MAX);

    pub const fn from_micros(us: u64) -> Self {
        Nanos(us.saturating_mul(1_000))
    }
    pub const fn from_millis(ms: u64) -> Self {
        Nanos(ms.saturating_mul(1_000_000))
    }
    pub const fn from_secs(s: u64) -> Self {
        Nanos(s.saturating_mul(1_000_000_000))
    }
    /// Rounds to the nearest nanosecond; negative or NaN inputs clamp to zero.
    pub fn from_secs_f64(s: f64) -> Self {
        if s.is_nan() || s <= 0.0 {
            Nanos(0)
        } else {
            Nanos((s * 1e9).round() as u64)
        }
    }
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 * 1e-9
    }
    pub fn saturating_sub(self, rhs: Nanos) -> Nanos {
        Nanos(self.0.saturating_sub(rhs.0))
    }
}

impl Add for Nanos {
    type Output = Nanos;
    fn add(self, rhs: Nanos) -> Nanos {
        Nanos(self.0.saturating_add(rhs.0))
    }
}
impl AddAssign for Nanos {
    fn add_assign(&mut self, rhs: Nanos) {
        self.0 = self.0.saturating_add(rhs.0);
    }
}
impl Sub for Nanos {
    type Output = Nanos;
    /// Saturates at zero: a difference of times never goes before the open.
    fn sub(self, rhs: Nanos) -> Nanos {
        Nanos(self.0.saturating_sub(rhs.0))
    }
}

impl fmt::Display for Nanos {
    /// Shown as seconds since the open, which is how people read session time.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.9}s", self.as_secs_f64())
    }
}

/// A price in integer ticks. Signed so that differences (spreads, offsets) stay in the same type.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Price(pub i64);

impl Add<i64> for Price {
    type Output = Price;
    fn add(self, rhs: i64) -> Price {
        Price(self.0 + rhs)
    }
}
impl Sub<i64> for Price {
    type Output = Price;
    fn sub(self, rhs: i64) -> Price {
        Price(self.0 - rhs)
    }
}
impl Sub for Price {
    type Output = i64;
    fn sub(self, rhs: Price) -> i64 {
        self.0 - rhs.0
    }
}

/// A quantity in shares.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Qty(pub u64);

impl Qty {
    pub const ZERO: Qty = Qty(0);
    pub fn is_zero(self) -> bool {
        self.0 == 0
    }
}
impl Add for Qty {
    type Output = Qty;
    fn add(self, rhs: Qty) -> Qty {
        Qty(self.0 + rhs.0)
    }
}
impl AddAssign for Qty {
    fn add_assign(&mut self, rhs: Qty) {
        self.0 += rhs.0;
    }
}
impl Sub for Qty {
    type Output = Qty;
    fn sub(self, rhs: Qty) -> Qty {
        Qty(self.0 - rhs.0)
    }
}
impl SubAssign for Qty {
    fn sub_assign(&mut self, rhs: Qty) {
        self.0 -= rhs.0;
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Side {
    Buy,
    Sell,
}

impl Side {
    /// The side written as [`Side::as_str`] writes it (`BUY`, `SELL`).
    pub fn parse(s: &str) -> Option<Side> {
        [Side::Buy, Side::Sell]
            .into_iter()
            .find(|x| x.as_str() == s)
    }

    pub fn opposite(self) -> Side {
        match self {
            Side::Buy => Side::Sell,
            Side::Sell => Side::Buy,
        }
    }
    /// +1 for buys, -1 for sells: the sign of the position change a fill causes.
    pub fn sign(self) -> i64 {
        match self {
            Side::Buy => 1,
            Side::Sell => -1,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Buy => "BUY",
            Side::Sell => "SELL",
        }
    }
}

/// How an order treats the book on arrival and what happens to its unfilled remainder.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum OrderKind {
    /// Matches what it can at its limit price or better, rests the remainder.
    Limit,
    /// Matches at any price, the remainder expires.
    Market,
    /// Immediate-or-cancel: a limit order whose remainder expires instead of resting.
    Ioc,
    /// Fill-or-kill: fills completely at its limit or better at once, or not at all.
    Fok,
    /// Rests only; rejected if it would take liquidity on arrival.
    PostOnly,
    /// A non-displayed order of a replayed real day: it never enters our book and is seen only
    /// when it executes (LOBSTER type 5). Agents cannot send it.
    Hidden,
}

impl OrderKind {
    /// Every kind, in the order of the `order_type` dictionary.
    pub const ALL: [OrderKind; 6] = [
        OrderKind::Limit,
        OrderKind::Market,
        OrderKind::Ioc,
        OrderKind::Fok,
        OrderKind::PostOnly,
        OrderKind::Hidden,
    ];

    /// The kind named by [`as_str`](Self::as_str).
    pub fn parse(s: &str) -> Option<OrderKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            OrderKind::Limit => "LIMIT",
            OrderKind::Market => "MARKET",
            OrderKind::Ioc => "IOC",
            OrderKind::Fok => "FOK",
            OrderKind::PostOnly => "POST_ONLY",
            OrderKind::Hidden => "HIDDEN",
        }
    }
}

/// Exchange-assigned order id: a plain sequence number, so it says nothing about who sent the order.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OrderId(pub u64);

/// An opaque trading-account id, drawn from the run's seeded stream so id ranges reveal no role.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AccountId(pub u64);

/// Index of an agent inside one run; internal only, never written to market/ output.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AgentId(pub u32);
