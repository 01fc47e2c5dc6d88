//! Simulated method of moments by a (1+λ) evolution strategy: each round draws λ neighbours of the
//! best point so far from the round's own seeded stream, simulates them in parallel (each with the
//! same seed: common random numbers, so two points differ by their parameters, not by luck), keeps
//! the best if it beats the incumbent, and widens or narrows the steps by success (the 1/5 rule's
//! spirit). λ is fixed, not the core count, so the path is the same on every machine; the core
//! count only decides how fast it is walked. The state is saved after every round, so a calibration
//! can be stopped at any time and resumed.

use serde::{Deserialize, Serialize};

use super::knobs::{KNOBS, Point};
use crate::rng::{self, Domain};

/// Neighbours simulated per round.
pub const POPULATION: usize = 4;

/// Step sizes between these bounds (1 = the knobs' standard moves).
const STEP_RANGE: (f64, f64) = (0.2, 2.0);

/// Where a calibration stands; written after each round.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct State {
    /// The real day it calibrates to, as given.
    pub target: String,
    pub seed: u64,
    pub round: u32,
    pub step: f64,
    pub start: Point,
    pub start_score: f64,
    pub best: Point,
    pub best_score: f64,
    pub history: Vec<Round>,
}

/// One round's outcome, for the report and the progress line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Round {
    pub round: u32,
    /// Scores of the neighbours, in draw order.
    pub scores: Vec<f64>,
    pub best_score: f64,
    pub step: f64,
    pub improved: bool,
}

impl State {
    pub fn new(target: String, seed: u64, start: Point, start_score: f64) -> Self {
        State {
            target,
            seed,
            round: 0,
            step: 1.0,
            best: start.clone(),
            start,
            start_score,
            best_score: start_score,
            history: Vec::new(),
        }
    }

    /// The neighbours of the next round: each knob moves with chance ½ (at least one does).
    pub fn neighbours(&self) -> Vec<Point> {
        let round = u64::from(self.round + 1);
        (0..POPULATION)
            .map(|i| {
                let mut r = rng::stream(self.seed, Domain::Calibration, round * 64 + i as u64);
                let mut z: Vec<f64> = KNOBS
                    .iter()
                    .map(|_| {
                        let g = rng::normal(&mut r);
                        if rng::coin(&mut r) { g } else { 0.0 }
                    })
                    .collect();
                if z.iter().all(|v| *v == 0.0) {
                    let n = z.len();
                    let k = ((rng::open01(&mut r) * n as f64) as usize).min(n - 1);
                    z[k] = rng::normal(&mut r);
                }
                self.best.moved(&z, self.step)
            })
            .collect()
    }

    /// Takes the round's scores (of [`State::neighbours`], in order): the best replaces the
    /// incumbent only if strictly better; ties go to the earlier neighbour.
    pub fn advance(&mut self, neighbours: Vec<Point>, scores: Vec<f64>) -> &Round {
        let best = scores
            .iter()
            .enumerate()
            .filter(|(_, s)| s.is_finite())
            .min_by(|a, b| a.1.total_cmp(b.1).then(a.0.cmp(&b.0)))
            .map(|(i, s)| (i, *s));
        let improved = best.is_some_and(|(_, s)| s < self.best_score);
        if let (true, Some((i, s))) = (improved, best) {
            self.best = neighbours[i].clone();
            self.best_score = s;
        }
        let factor = if improved { 1.25 } else { 0.9 };
        self.step = (self.step * factor).clamp(STEP_RANGE.0, STEP_RANGE.1);
        self.round += 1;
        self.history.push(Round {
            round: self.round,
            scores,
            best_score: self.best_score,
            step: self.step,
            improved,
        });
        self.history.last().expect("just pushed")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> State {
        let start = Point(KNOBS.iter().map(|k| (k.lo + k.hi) / 2.0).collect()).clamped();
        State::new("day".into(), 3, start, 10.0)
    }

    #[test]
    fn neighbours_depend_on_seed_and_round_only() {
        let a = state();
        assert_eq!(a.neighbours(), state().neighbours());
        assert_eq!(a.neighbours().len(), POPULATION);
        let mut b = state();
        b.seed = 4;
        assert_ne!(a.neighbours(), b.neighbours());
        let mut c = state();
        c.round = 1;
        assert_ne!(a.neighbours(), c.neighbours());
    }

    #[test]
    fn a_better_neighbour_is_kept_and_widens_the_steps_a_worse_round_narrows_them() {
        let mut s = state();
        let n = s.neighbours();
        s.advance(n.clone(), vec![12.0, 4.0, 4.0, f64::NAN]);
        assert_eq!((s.best_score, &s.best), (4.0, &n[1]));
        assert!(s.step > 1.0 && s.history[0].improved);
        let n = s.neighbours();
        s.advance(n, vec![5.0, 6.0, f64::INFINITY, 9.0]);
        assert_eq!(s.best_score, 4.0);
        assert!(s.step < 1.25 && !s.history[1].improved && s.round == 2);
    }
}
