//! The behaviour parameters a calibration searches, with their bounds, and the scenario file a
//! point of that space stands for. What the real day states directly (session, price, tick,
//! activity profile, sizes) is written as read; the agents' behaviour is the point.

use super::day::RealDay;

/// How a knob moves: multiplicatively (rates, times, depths), additively (probabilities) or in
/// whole steps (ticks, counts).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Scale {
    Log,
    Linear,
    Int,
}

#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Knob {
    pub name: &'static str,
    pub lo: f64,
    pub hi: f64,
    pub scale: Scale,
    /// What it sets, for the scenario's comments and the report.
    pub what: &'static str,
}

const fn knob(name: &'static str, lo: f64, hi: f64, scale: Scale, what: &'static str) -> Knob {
    Knob {
        name,
        lo,
        hi,
        scale,
        what,
    }
}

/// The searched parameters, in the order a [`Point`] holds them.
pub const KNOBS: [Knob; 24] = [
    knob(
        "noise_wake_s",
        10.0,
        3_000.0,
        Scale::Log,
        "noise traders' mean seconds between actions",
    ),
    knob(
        "noise_p_market",
        0.02,
        0.6,
        Scale::Linear,
        "noise traders' share of market orders",
    ),
    knob(
        "noise_p_cancel",
        0.02,
        0.7,
        Scale::Linear,
        "noise traders' share of cancels",
    ),
    knob(
        "noise_offset_ticks",
        0.5,
        500.0,
        Scale::Log,
        "mean depth of noise limit orders behind the touch",
    ),
    knob(
        "run_tail",
        1.05,
        4.0,
        Scale::Linear,
        "tail exponent of taking runs",
    ),
    knob(
        "run_gap_ms",
        0.1,
        5_000.0,
        Scale::Log,
        "mean gap between a taking run's orders, ms",
    ),
    knob(
        "take_touch",
        0.0,
        1.0,
        Scale::Linear,
        "chance a market order takes the whole touch",
    ),
    knob(
        "follow",
        0.0,
        0.95,
        Scale::Linear,
        "chance a taker follows the last trade's side",
    ),
    knob(
        "maker_half_spread",
        1.0,
        60.0,
        Scale::Int,
        "market makers' half spread, ticks",
    ),
    knob(
        "maker_size_x",
        0.1,
        20.0,
        Scale::Log,
        "market makers' shares per level, in median order sizes",
    ),
    knob(
        "maker_touch_x",
        0.1,
        20.0,
        Scale::Log,
        "market makers' shares at their best level, in median order sizes",
    ),
    knob(
        "value_wake_s",
        5.0,
        3_600.0,
        Scale::Log,
        "fundamentalists' mean seconds between looks",
    ),
    knob(
        "value_slice_ms",
        0.1,
        5_000.0,
        Scale::Log,
        "mean gap between the touch-sized slices of a fundamentalist's trade, ms",
    ),
    knob(
        "child_s",
        0.2,
        300.0,
        Scale::Log,
        "seconds between an execution algorithm's children",
    ),
    knob(
        "fast_count",
        0.0,
        60.0,
        Scale::Int,
        "fast liquidity providers",
    ),
    knob(
        "fast_wake_s",
        0.2,
        300.0,
        Scale::Log,
        "providers' mean seconds between bursts",
    ),
    knob(
        "burst_continue",
        0.0,
        0.95,
        Scale::Linear,
        "chance a provider's burst goes on",
    ),
    knob(
        "burst_gap_ms",
        0.05,
        10_000.0,
        Scale::Log,
        "median gap between a burst's requotes, ms",
    ),
    knob(
        "burst_gap_sigma",
        0.2,
        4.0,
        Scale::Linear,
        "lognormal sigma of that gap",
    ),
    knob(
        "p_improve",
        0.0,
        1.0,
        Scale::Linear,
        "chance a provider quotes inside the spread",
    ),
    knob(
        "min_spread",
        1.0,
        80.0,
        Scale::Int,
        "narrowest spread providers improve, ticks",
    ),
    knob(
        "p_react",
        0.0,
        1.0,
        Scale::Linear,
        "chance a provider requotes when a trade prints",
    ),
    knob(
        "p_chase",
        0.0,
        1.0,
        Scale::Linear,
        "chance such a requote quotes behind the trade, inside the spread",
    ),
    knob(
        "fast_size_x",
        0.1,
        10.0,
        Scale::Log,
        "providers' median quote, in median order sizes",
    ),
];

/// Values of [`KNOBS`], in natural units, inside their bounds.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Point(pub Vec<f64>);

impl Point {
    /// A first guess from what the real day shows; the search starts here.
    pub fn guess(day: &RealDay) -> Self {
        let spread = day.spread_ticks;
        // Noise traders post about 40 % of the touch's new orders, providers the rest.
        let noise_limit_share = 0.55;
        let noise_wake = 1000.0 * noise_limit_share / (0.4 * day.new_per_second).max(1e-3);
        let fast_wake = 10.0 * 4.0 / (0.6 * day.new_per_second).max(1e-3);
        let values = vec![
            noise_wake,
            0.15,
            0.3,
            3.0 * spread,
            1.8,
            20.0,
            day.take_touch,
            0.3,
            (spread / 2.0).round(),
            3.0,
            1.0,
            60.0,
            5.0,
            2.0,
            10.0,
            fast_wake,
            0.75,
            100.0,
            2.0,
            0.6,
            (spread * 0.6).round(),
            0.2,
            0.5,
            1.0,
        ];
        Point(values).clamped()
    }

    pub fn get(&self, name: &str) -> f64 {
        let k = KNOBS
            .iter()
            .position(|k| k.name == name)
            .unwrap_or_else(|| panic!("no knob {name}"));
        self.0[k]
    }

    /// Each value inside its bounds, whole where the knob is.
    pub fn clamped(mut self) -> Self {
        for (v, k) in self.0.iter_mut().zip(&KNOBS) {
            *v = v.clamp(k.lo, k.hi);
            if k.scale == Scale::Int {
                *v = v.round();
            }
        }
        self
    }

    /// A step of `z[i]` standard moves of knob `i`, `size` scaling every move.
    pub fn moved(&self, z: &[f64], size: f64) -> Self {
        let values = self
            .0
            .iter()
            .zip(&KNOBS)
            .zip(z)
            .map(|((&v, k), &z)| match k.scale {
                _ if z == 0.0 => v,
                Scale::Log => (v.max(k.lo).ln() + 0.4 * size * z).exp(),
                Scale::Linear => v + 0.12 * size * z * (k.hi - k.lo),
                Scale::Int => v + (0.15 * size * z * (k.hi - k.lo).min(20.0)).round(),
            })
            .collect();
        Point(values).clamped()
    }
}

/// US exchange time on `date` (`YYYY-MM-DD`): daylight saving from the second Sunday of March to
/// the first Sunday of November.
fn new_york_offset(date: &str) -> &'static str {
    let parts: Vec<i64> = date.split('-').filter_map(|p| p.parse().ok()).collect();
    let [y, m, d] = parts[..] else {
        return "-05:00";
    };
    // Day of the week by Sakamoto's method, 0 = Sunday.
    let weekday = |y: i64, m: i64, d: i64| {
        let t = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
        let y = if m < 3 { y - 1 } else { y };
        (y + y / 4 - y / 100 + y / 400 + t[(m - 1) as usize] + d).rem_euclid(7)
    };
    let first_sunday = |m| 1 + (7 - weekday(y, m, 1)) % 7;
    let starts = first_sunday(3) + 7;
    let ends = first_sunday(11);
    let summer = (m > 3 && m < 11) || (m == 3 && d >= starts) || (m == 11 && d < ends);
    if summer { "-04:00" } else { "-05:00" }
}

fn clock(s: i64) -> String {
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

/// Shares in whole lots of one share, at least one.
fn shares(x: f64) -> u64 {
    x.round().max(1.0) as u64
}

/// The scenario file for `point` on `day`. `header` is written as the file's opening comment.
pub fn render(day: &RealDay, point: &Point, name: &str, seed: u64, header: &str) -> String {
    let p = |n| point.get(n);
    let tick = day.tick_size;
    let price = ((day.price / tick).round().max(1.0)) * tick;
    let decimals = (-tick.log10()).ceil().max(0.0) as usize;
    let (mut p_market, mut p_cancel) = (p("noise_p_market"), p("noise_p_cancel"));
    if p_market + p_cancel > 0.9 {
        let f = 0.9 / (p_market + p_cancel);
        (p_market, p_cancel) = (p_market * f, p_cancel * f);
    }
    let half = p("maker_half_spread") as i64;
    let size = day.size_median;
    let activity: Vec<String> = day.activity.iter().map(|a| format!("{a}")).collect();
    let comment: String = header.lines().map(|l| format!("# {l}\n")).collect();
    format!(
        r#"{comment}
[scenario]
name = "{name}"
description = "{symbol} {date} as calibrated by marketsim calibrate"
seed = {seed}

[session]
date = "{date}"
open = "{open}"
close = "{close}"
utc_offset = "{offset}"
activity = [{activity}]     # messages per slice of the day over the day's mean, as measured

[market]
symbol = "{symbol}"
tick_size = {tick}
lot_size = 1
initial_price = {price:.decimals$}      # the day's median mid
round_lot_share = {round_lots}        # share of orders in whole hundreds, as measured

[fundamental]
half_life = "2h"
volatility = {vol:.4}         # the day's own volatility, per sqrt(session)
jumps_per_day = 40.0
jump_size = 0.0015
step = "1s"

[latency]
order_entry = {{ base = "200us", jitter = "100us" }}
market_data = {{ base = "100us", jitter = "50us" }}

[output]
depth_levels = 10
batch_rows = 65536
compression = "zstd"

[[agents]]
type = "noise"
count = 1000
wake_interval = "{noise_wake}ms"
p_market = {p_market:.3}
p_cancel = {p_cancel:.3}
limit_offset_ticks = {offset_ticks:.2}
size_median = {size}
size_sigma = {sigma:.2}
max_resting = 1
market_run_tail = {tail:.3}
market_run_gap = "{run_gap}us"
p_take_touch = {take:.3}
p_follow = {follow:.3}

[[agents]]
type = "value"
count = 100
wake_interval = "{value_wake}ms"
observation_noise = 0.0005
threshold = 0.0002
p_aggressive = 0.8
size_median = {value_size}
size_sigma = 0.5
max_position = {value_position}
slice_gap = "{value_slice}us"

[[agents]]
type = "momentum"
count = 25
wake_interval = "30s"
fast = "1m"
slow = "10m"
threshold = 0.0008
size_median = {size}
size_sigma = 0.5
max_position = {momentum_position}

[[agents]]
type = "market_maker"
count = 2
wake_interval = "1s"
levels = 5
level_spacing_ticks = {spacing}
half_spread_ticks = {half}
size = {maker_size}
touch_size = {maker_touch}
max_inventory = {maker_inventory}
skew_ticks = {skew}.0
vol_window = "5m"
vol_widen = 1.0
fade_ticks = {spacing}
fade_time = "2s"
fade_imbalance = 0.4
latency = {{ order_entry = {{ base = "20us", jitter = "5us" }}, market_data = {{ base = "10us", jitter = "5us" }} }}

[[agents]]
type = "execution"
count = 5
metaorders_per_day = 3.0
size_median = {meta_size}
size_alpha = 1.5
duration_median = "60m"
child_interval = "{child}ms"
style = "twap"
limit_slippage_ticks = {spacing}
max_participation = 0.2

[[agents]]
type = "fast_provider"
count = {fast_count}
wake_interval = "{fast_wake}ms"
burst_continue = {burst_continue:.3}
burst_gap = "{burst_gap}us"
burst_gap_sigma = {gap_sigma:.2}
size_median = {fast_size}
size_sigma = {sigma:.2}
p_improve = {p_improve:.3}
min_spread_ticks = {min_spread}
p_react = {p_react:.3}
p_chase = {p_chase:.3}
max_inventory = {fast_inventory}
latency = {{ order_entry = {{ base = "20us", jitter = "5us" }}, market_data = {{ base = "300us", jitter = "2ms" }} }}
"#,
        symbol = day.symbol,
        date = day.date,
        open = clock(day.open_s),
        close = clock(day.close_s),
        offset = new_york_offset(&day.date),
        activity = activity.join(", "),
        round_lots = day.round_lot_share,
        vol = day.daily_volatility,
        noise_wake = (p("noise_wake_s") * 1e3).round() as u64,
        offset_ticks = p("noise_offset_ticks"),
        sigma = day.size_sigma,
        tail = p("run_tail"),
        take = p("take_touch"),
        follow = p("follow"),
        run_gap = (p("run_gap_ms") * 1e3).round().max(1.0) as u64,
        value_size = shares(2.0 * size),
        value_position = shares(30.0 * size),
        momentum_position = shares(15.0 * size),
        spacing = (half / 2).max(1),
        maker_size = shares(p("maker_size_x") * size),
        maker_touch = shares(p("maker_touch_x") * size),
        fast_size = shares(p("fast_size_x") * size),
        value_wake = (p("value_wake_s") * 1e3).round() as u64,
        value_slice = (p("value_slice_ms") * 1e3).round().max(1.0) as u64,
        gap_sigma = p("burst_gap_sigma"),
        child = (p("child_s") * 1e3).round() as u64,
        maker_inventory = shares(100.0 * size),
        skew = 3 * half,
        meta_size = shares(200.0 * size),
        fast_count = p("fast_count") as u64,
        fast_wake = (p("fast_wake_s") * 1e3).round() as u64,
        burst_continue = p("burst_continue"),
        burst_gap = (p("burst_gap_ms") * 1e3).round().max(1.0) as u64,
        p_improve = p("p_improve"),
        min_spread = p("min_spread") as i64,
        p_react = p("p_react"),
        p_chase = p("p_chase"),
        fast_inventory = shares(10.0 * size),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_york_keeps_summer_time_from_the_second_sunday_of_march_to_the_first_of_november() {
        assert_eq!(new_york_offset("2012-06-21"), "-04:00");
        assert_eq!(new_york_offset("2012-03-10"), "-05:00");
        assert_eq!(new_york_offset("2012-03-11"), "-04:00");
        assert_eq!(new_york_offset("2012-11-03"), "-04:00");
        assert_eq!(new_york_offset("2012-11-04"), "-05:00");
        assert_eq!(new_york_offset("2024-01-02"), "-05:00");
    }

    #[test]
    fn moves_stay_inside_the_bounds_and_whole_knobs_stay_whole() {
        let start = Point(KNOBS.iter().map(|k| (k.lo + k.hi) / 2.0).collect()).clamped();
        for z in [-50.0, 50.0] {
            let moved = start.moved(&[z; KNOBS.len()], 1.0);
            for (v, k) in moved.0.iter().zip(&KNOBS) {
                assert!((k.lo..=k.hi).contains(v), "{} = {v}", k.name);
                if k.scale == Scale::Int {
                    assert_eq!(v.fract(), 0.0);
                }
            }
        }
        assert_eq!(start.moved(&[0.0; KNOBS.len()], 1.0), start);
    }
}
