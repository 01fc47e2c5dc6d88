//! Seeded random streams and the few distributions the agents draw from.
//!
//! Every consumer gets its own ChaCha8 stream keyed by the run seed and selected by (domain, id), so adding
//! an agent or a subsystem never reshuffles anybody else's draws, and runs are reproducible bit for bit.

use rand::{Rng, RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub type SimRng = ChaCha8Rng;

/// Which part of the simulation a stream belongs to. The discriminant is part of the stream id, so values
/// must never be renumbered once released (that would change every run's output).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[repr(u16)]
pub enum Domain {
    /// An agent's own decisions.
    Agent = 1,
    /// The jitter of an agent's network links.
    Latency = 2,
    /// The fundamental-value path.
    Fundamental = 3,
    /// Opaque account and participant ids.
    Ids = 4,
    /// Label noise and the benign links between honest accounts.
    Labels = 5,
    /// The bootstrap and the classifier of `facts::adversarial`: measurement, never simulation.
    Validation = 6,
    /// A trader's own habit, drawn once around its group's (`agents::noise::individual_habit`).
    Habit = 7,
    /// Which trade-watching agents a trade reaches (`engine::alerts`).
    Alert = 8,
    /// The neighbours a calibration tries (`calibrate::search`): measurement, never simulation.
    Calibration = 9,
}

/// The stream for `(seed, domain, id)`. ChaCha's 64-bit stream parameter carries domain and id; the key
/// carries the seed, spread by SplitMix64 so that nearby seeds give unrelated keys.
pub fn stream(seed: u64, domain: Domain, id: u64) -> SimRng {
    let mut key = [0u8; 32];
    let mut state = seed;
    for chunk in key.chunks_exact_mut(8) {
        chunk.copy_from_slice(&splitmix64(&mut state).to_le_bytes());
    }
    let mut rng = SimRng::from_seed(key);
    debug_assert!(id < 1 << 48, "stream id {id} overflows its 48 bits");
    rng.set_stream(((domain as u64) << 48) | id);
    rng
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Uniform on the open interval (0, 1): safe to take the logarithm of.
pub fn open01(rng: &mut impl Rng) -> f64 {
    // 53 random bits, shifted half a step off zero.
    ((rng.next_u64() >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
}

/// Exponential with the given mean: inter-arrival times of a Poisson process.
pub fn exponential(rng: &mut impl Rng, mean: f64) -> f64 {
    -mean * open01(rng).ln()
}

/// Standard normal by Box–Muller. One of the pair is discarded: simpler than caching, and the agents'
/// draw counts stay independent of call order.
pub fn normal(rng: &mut impl Rng) -> f64 {
    let u1 = open01(rng);
    let u2 = open01(rng);
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Lognormal with the given median and log-space sigma: order sizes are right-skewed in real markets.
pub fn lognormal(rng: &mut impl Rng, median: f64, sigma: f64) -> f64 {
    median * (sigma * normal(rng)).exp()
}

/// Number of failures before the first success, with the given mean (≥ 0). Geometric offsets from the
/// touch put most limit orders near it and a thinning tail further away, as in real books.
pub fn geometric(rng: &mut impl Rng, mean: f64) -> u64 {
    if mean <= 0.0 {
        return 0;
    }
    let p = 1.0 / (1.0 + mean);
    (open01(rng).ln() / (1.0 - p).ln()).floor() as u64
}

/// Pareto with tail exponent `alpha` whose median is `median`: metaorder sizes follow a power law
/// (Lillo & Farmer 2004), which is what gives order signs their long memory.
pub fn pareto_with_median(rng: &mut impl Rng, median: f64, alpha: f64) -> f64 {
    let scale = median / 2f64.powf(1.0 / alpha);
    scale * open01(rng).powf(-1.0 / alpha)
}

/// Fair coin, as a side choice.
pub fn coin(rng: &mut impl Rng) -> bool {
    rng.random::<bool>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_key_same_stream_and_different_ids_differ() {
        let a: Vec<u64> = (0..4)
            .map(|_| stream(7, Domain::Agent, 3).next_u64())
            .collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        let mut x = stream(7, Domain::Agent, 3);
        let mut y = stream(7, Domain::Agent, 4);
        let mut z = stream(7, Domain::Latency, 3);
        let mut w = stream(8, Domain::Agent, 3);
        let vx = x.next_u64();
        assert_ne!(vx, y.next_u64());
        assert_ne!(vx, z.next_u64());
        assert_ne!(vx, w.next_u64());
    }

    #[test]
    fn distributions_have_their_means() {
        let mut rng = stream(1, Domain::Agent, 0);
        let n = 200_000;
        let exp_mean = (0..n).map(|_| exponential(&mut rng, 2.0)).sum::<f64>() / n as f64;
        assert!((exp_mean - 2.0).abs() < 0.03, "{exp_mean}");
        let normals: Vec<f64> = (0..n).map(|_| normal(&mut rng)).collect();
        let m = normals.iter().sum::<f64>() / n as f64;
        let v = normals.iter().map(|x| (x - m).powi(2)).sum::<f64>() / n as f64;
        assert!(m.abs() < 0.01 && (v - 1.0).abs() < 0.02, "{m} {v}");
        let geo = (0..n).map(|_| geometric(&mut rng, 3.0) as f64).sum::<f64>() / n as f64;
        assert!((geo - 3.0).abs() < 0.05, "{geo}");
        let mut sizes: Vec<f64> = (0..n)
            .map(|_| pareto_with_median(&mut rng, 100.0, 1.5))
            .collect();
        sizes.sort_by(f64::total_cmp);
        let median = sizes[n / 2];
        assert!((median - 100.0).abs() < 2.0, "{median}");
        let mut logn: Vec<f64> = (0..n).map(|_| lognormal(&mut rng, 50.0, 0.7)).collect();
        logn.sort_by(f64::total_cmp);
        assert!((logn[n / 2] - 50.0).abs() < 1.0);
    }

    #[test]
    fn open01_never_returns_the_bounds() {
        let mut rng = stream(2, Domain::Agent, 0);
        for _ in 0..100_000 {
            let u = open01(&mut rng);
            assert!(u > 0.0 && u < 1.0);
        }
    }
}
