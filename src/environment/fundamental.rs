//! The fundamental value: an Ornstein–Uhlenbeck process with Poisson jumps, as in ABIDES's
//! "sparse mean-reverting with megashocks" oracle, plus permanent news jumps.
//!
//! The whole path is drawn up front on a fixed grid from its own stream. That keeps it independent of
//! when (and how often) agents look at it: adding an agent cannot change the value path, and a
//! counterfactual run sees the same path. 23,400 points for a day at one-second steps is a few hundred KB.

use super::ActivityProfile;
use crate::rng::{self, Domain};
use crate::scenario::Fundamental;
use crate::types::Nanos;

#[derive(Clone, Debug)]
pub struct FundamentalPath {
    step: Nanos,
    values: Vec<f64>,
    news: Vec<NewsJump>,
    /// No reader learns of any news later than this after it breaks: bounds the news
    /// [`value_seen`](Self::value_seen) has to look at, so its cost does not grow with the day's
    /// news count.
    longest_delay: Nanos,
}

/// A permanent change of the fundamental at a time: both the value and the level it reverts to move,
/// because news changes what the company is worth, not just today's price.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct NewsJump {
    pub at: Nanos,
    /// Fractional change, e.g. -0.05 for a 5 % drop.
    pub jump: f64,
}

/// The scheduled shocks that shape the path.
#[derive(Clone, Debug, Default)]
pub struct Shocks {
    /// In time order.
    pub news: Vec<NewsJump>,
    /// (start, end, multiplier): windows in which the diffusion is scaled (volatility regimes).
    pub volatility: Vec<(Nanos, Nanos, f64)>,
    /// The session's intraday activity. Information arrives with activity: the diffusion's variance
    /// and the jump rate follow it (the value runs in activity time, as in Clark's 1973 subordinated
    /// process), so a busy open is also a volatile one, while the day's total variance is unchanged.
    pub activity: ActivityProfile,
}

impl FundamentalPath {
    /// `floor` keeps the value positive (one tick) whatever the draws. The same normal draws are used
    /// whatever the shocks, so a run without an event follows the same path up to the event.
    pub fn generate(
        params: &Fundamental,
        session_length: Nanos,
        shocks: &Shocks,
        seed: u64,
        floor: f64,
    ) -> Self {
        let rng = &mut rng::stream(seed, Domain::Fundamental, 0);
        // News may move the value 100x (`scenario::limits::MAX_NEWS_FACTOR`); this leaves room for
        // the diffusion on top, and stops a value at infinity whatever the parameters.
        let ceiling = params.mean * 1e4;
        let step = Nanos(params.step.0.max(1));
        let n = (session_length.0 / step.0) as usize + 1;
        let dt = step.as_secs_f64();
        let session_secs = session_length.as_secs_f64().max(dt);
        let kappa = std::f64::consts::LN_2 / params.half_life.as_secs_f64().max(1e-9);
        let decay = (-kappa * dt).exp();
        let mut mean = params.mean;
        // Volatility is quoted per sqrt(session) as a fraction of the mean.
        let sigma = params.volatility * params.mean / session_secs.sqrt();
        let diffusion = sigma * ((1.0 - (-2.0 * kappa * dt).exp()) / (2.0 * kappa)).sqrt();
        let jump_rate = -params.jumps_per_day / session_secs * dt;
        let regime = |t: Nanos| -> f64 {
            shocks
                .volatility
                .iter()
                .filter(|w| w.0 <= t && t < w.1)
                .map(|w| w.2)
                .product::<f64>()
                // Overlapping regimes multiply; past 1000x the value would leave any price range.
                .min(1_000.0)
        };

        let mut pending = shocks.news.iter().peekable();
        let mut values = Vec::with_capacity(n);
        let mut x = params.mean;
        for k in 0..n {
            let t = Nanos(k as u64 * step.0);
            if k > 0 {
                let busy = shocks.activity.rate_at(t);
                x = mean
                    + (x - mean) * decay
                    + diffusion * busy.sqrt() * regime(t) * rng::normal(rng);
                // Drawn whenever jumps are on, even where the activity is zero, so that the stream
                // does not depend on the profile.
                let jump_prob = 1.0 - (jump_rate * busy).exp();
                if jump_rate < 0.0 && rng::open01(rng) < jump_prob {
                    x *= 1.0 + params.jump_size * rng::normal(rng);
                }
            }
            while let Some(n) = pending.next_if(|n| n.at <= t) {
                x *= 1.0 + n.jump;
                mean *= 1.0 + n.jump;
            }
            // Bounded on both sides, so no combination of shocks can reach zero or infinity.
            x = x.clamp(floor, ceiling);
            values.push(x);
        }
        FundamentalPath {
            step,
            values,
            news: shocks.news.clone(),
            longest_delay: crate::scenario::duration_limit(),
        }
    }

    /// Declares that no reader's news delay exceeds `d` (the default is the longest duration a
    /// scenario can give, which is always true and saves nothing).
    pub fn with_longest_delay(mut self, d: Nanos) -> Self {
        self.longest_delay = d;
        self
    }

    /// The value as seen by someone who learns of news `i` only `delays[i]` after it breaks: inside
    /// that lag the jump is taken back out. Missing delays count as zero.
    pub fn value_seen(&self, t: Nanos, delays: &[Nanos]) -> f64 {
        let mut v = self.value_at(t);
        // News is in time order: only what broke in (t - longest_delay, t] can still be unheard.
        let end = self.news.partition_point(|n| n.at <= t);
        let start = self.news[..end].partition_point(|n| n.at + self.longest_delay <= t);
        for (n, d) in self.news[start..end].iter().zip(delays.iter().skip(start)) {
            if t < n.at + *d {
                v /= 1.0 + n.jump;
            }
        }
        v
    }

    /// The value (in currency) in force at `t`: piecewise constant between grid points.
    pub fn value_at(&self, t: Nanos) -> f64 {
        let k = ((t.0 / self.step.0) as usize).min(self.values.len() - 1);
        self.values[k]
    }

    pub fn step(&self) -> Nanos {
        self.step
    }

    pub fn values(&self) -> &[f64] {
        &self.values
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> Fundamental {
        Fundamental {
            mean: 100.0,
            half_life: Nanos::from_secs(600),
            volatility: 0.02,
            jumps_per_day: 0.0,
            jump_size: 0.0,
            step: Nanos::from_secs(1),
        }
    }

    #[test]
    fn same_seed_same_path_and_reverts_to_mean() {
        let day = Nanos::from_secs(23_400);
        let a = FundamentalPath::generate(&params(), day, &Shocks::default(), 5, 0.01);
        let b = FundamentalPath::generate(&params(), day, &Shocks::default(), 5, 0.01);
        assert_eq!(a.values(), b.values());
        assert_eq!(a.values().len(), 23_401);
        let avg = a.values().iter().sum::<f64>() / a.values().len() as f64;
        assert!(
            (avg - 100.0).abs() < 1.0,
            "mean-reverting path drifted to {avg}"
        );
        let c = FundamentalPath::generate(&params(), day, &Shocks::default(), 6, 0.01);
        assert_ne!(a.values(), c.values());
    }

    #[test]
    fn volatility_scales_the_wiggle() {
        let day = Nanos::from_secs(23_400);
        let calm = FundamentalPath::generate(
            &Fundamental {
                volatility: 0.001,
                ..params()
            },
            day,
            &Shocks::default(),
            1,
            0.01,
        );
        let wild = FundamentalPath::generate(
            &Fundamental {
                volatility: 0.05,
                ..params()
            },
            day,
            &Shocks::default(),
            1,
            0.01,
        );
        let spread = |p: &FundamentalPath| {
            let v = p.values();
            v.iter().cloned().fold(f64::MIN, f64::max) - v.iter().cloned().fold(f64::MAX, f64::min)
        };
        assert!(spread(&wild) > 10.0 * spread(&calm));
    }

    #[test]
    fn news_moves_value_and_level_permanently() {
        let day = Nanos::from_secs(3_600);
        let p = Fundamental {
            volatility: 0.0,
            ..params()
        };
        let news = vec![NewsJump {
            at: Nanos::from_secs(1_800),
            jump: 0.05,
        }];
        let path = FundamentalPath::generate(
            &p,
            day,
            &Shocks {
                news,
                ..Shocks::default()
            },
            1,
            0.01,
        );
        assert_eq!(path.value_at(Nanos::from_secs(1_799)), 100.0);
        assert!((path.value_at(Nanos::from_secs(1_800)) - 105.0).abs() < 1e-9);
        assert!(
            (path.value_at(Nanos::from_secs(3_600)) - 105.0).abs() < 1e-9,
            "news must not revert"
        );
        // Someone who learns of it 60 s late still sees the old value for that minute.
        let late = [Nanos::from_secs(60)];
        assert!((path.value_seen(Nanos::from_secs(1_830), &late) - 100.0).abs() < 1e-9);
        assert!((path.value_seen(Nanos::from_secs(1_860), &late) - 105.0).abs() < 1e-9);
    }

    #[test]
    fn a_volatility_regime_scales_the_path_only_inside_its_window_and_keeps_the_draws() {
        let day = Nanos::from_secs(3_600);
        let calm = FundamentalPath::generate(&params(), day, &Shocks::default(), 3, 0.01);
        let window = (Nanos::from_secs(1_200), Nanos::from_secs(2_400), 5.0);
        let storm = Shocks {
            volatility: vec![window],
            ..Shocks::default()
        };
        let stormy = FundamentalPath::generate(&params(), day, &storm, 3, 0.01);
        assert_eq!(
            calm.values()[..1_200],
            stormy.values()[..1_200],
            "identical before the window"
        );
        let moves = |p: &FundamentalPath, a: usize, b: usize| -> f64 {
            p.values()[a..b]
                .windows(2)
                .map(|w| (w[1] - w[0]).abs())
                .sum()
        };
        let ratio = moves(&stormy, 1_200, 2_400) / moves(&calm, 1_200, 2_400);
        assert!((ratio - 5.0).abs() < 0.5, "{ratio}");
    }

    /// The value runs in activity time: under the U-shape the first half hour moves far more than
    /// the half hour around midday, and a flat profile changes nothing.
    #[test]
    fn activity_makes_the_open_more_volatile_than_midday() {
        let day = Nanos::from_secs(23_400);
        let flat = Shocks::default();
        let busy_ends = Shocks {
            activity: ActivityProfile::new(&super::super::activity::named("u_shape").unwrap(), day),
            ..Shocks::default()
        };
        let plain = FundamentalPath::generate(&params(), day, &flat, 9, 0.01);
        let same = FundamentalPath::generate(
            &params(),
            day,
            &Shocks {
                activity: ActivityProfile::flat(),
                ..Shocks::default()
            },
            9,
            0.01,
        );
        assert_eq!(plain.values(), same.values());
        let u = FundamentalPath::generate(&params(), day, &busy_ends, 9, 0.01);
        let variance = |p: &FundamentalPath, from: usize| {
            let v = &p.values()[from..from + 1_800];
            v.windows(2).map(|w| (w[1] - w[0]).powi(2)).sum::<f64>()
        };
        let (open, midday) = (variance(&u, 0), variance(&u, 10_800));
        assert!(open > 2.5 * midday, "{open} vs {midday}");
    }
}
