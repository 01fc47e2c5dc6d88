//! The session clock on the x axis. Charts are drawn in seconds since the open; labels show the
//! session's local time of day (what the scenario file says: `at = "14:45:00"`), placed on round
//! local times so a reader can line events up with the scenario without arithmetic.

use crate::output::RunManifest;

/// Candidate spacings of labelled ticks, in seconds: round numbers on a clock face.
const STEPS: [i64; 18] = [
    1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200,
];

#[derive(Copy, Clone, Debug)]
pub struct SessionClock {
    /// Local seconds since midnight at the open.
    open_local: i64,
    /// Session length in seconds.
    length: f64,
}

impl SessionClock {
    pub fn new(info: &RunManifest) -> Self {
        SessionClock {
            open_local: info.local_open_secs(),
            length: info.length_secs().max(1e-9),
        }
    }

    pub fn length(&self) -> f64 {
        self.length
    }

    /// The smallest round step that gives at most `max_labels` labels across the session.
    pub fn step(&self, max_labels: usize) -> i64 {
        let max = max_labels.max(2) as f64;
        STEPS
            .iter()
            .copied()
            .find(|&s| self.length / s as f64 <= max)
            .unwrap_or(86_400)
    }

    /// Session seconds of every local time that is a multiple of `step`, within the session.
    pub fn ticks(&self, step: i64) -> Vec<f64> {
        let first = (self.open_local + step - 1).div_euclid(step) * step - self.open_local;
        let mut out = Vec::new();
        let mut t = first;
        while (t as f64) <= self.length + 1e-9 {
            out.push(t as f64);
            t += step;
        }
        out
    }

    /// `HH:MM` local time of session second `x`, or `HH:MM:SS` when ticks are finer than a minute.
    pub fn label(&self, x: f64, step: i64) -> String {
        let secs = (self.open_local + x.round() as i64).rem_euclid(86_400);
        let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
        if step % 60 == 0 {
            format!("{h:02}:{m:02}")
        } else {
            format!("{h:02}:{m:02}:{s:02}")
        }
    }

    /// `HH:MM`, or `HH:MM:SS` when `x` is not on a whole local minute: opens and closes.
    pub fn short(&self, x: f64) -> String {
        let on_minute = (self.open_local + x.round() as i64).rem_euclid(60) == 0;
        self.label(x, if on_minute { 60 } else { 1 })
    }

    /// `HH:MM:SS` local time of session second `x`, for tables.
    pub fn clock(&self, x: f64) -> String {
        self.label(x, 1)
    }
}

/// A duration in seconds for people: `45s`, `10m`, `1h30m`, `2m05s`.
pub fn format_duration(secs: f64) -> String {
    let total = secs.round().max(0.0) as i64;
    let (h, m, s) = (total / 3600, total % 3600 / 60, total % 60);
    match (h, m, s) {
        (0, 0, s) => format!("{s}s"),
        (0, m, 0) => format!("{m}m"),
        (0, m, s) => format!("{m}m{s:02}s"),
        (h, 0, 0) => format!("{h}h"),
        (h, m, 0) => format!("{h}h{m:02}m"),
        (h, m, s) => format!("{h}h{m:02}m{s:02}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clock(open_local: i64, length: f64) -> SessionClock {
        SessionClock { open_local, length }
    }

    #[test]
    fn a_trading_day_gets_half_hour_labels_on_the_half_hour() {
        let c = clock(34_200, 23_400.0);
        let step = c.step(14);
        assert_eq!(step, 1800);
        let ticks = c.ticks(step);
        assert_eq!(ticks.first(), Some(&0.0));
        assert_eq!(ticks.len(), 14);
        assert_eq!(c.label(ticks[1], step), "10:00");
        assert_eq!(c.label(23_400.0, step), "16:00");
    }

    #[test]
    fn short_sessions_show_seconds_and_align_to_the_clock() {
        let c = clock(34_200 + 7, 120.0);
        let step = c.step(14);
        assert_eq!(step, 10);
        let ticks = c.ticks(step);
        assert_eq!(ticks[0], 3.0);
        assert_eq!(c.label(ticks[0], step), "09:30:10");
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(format_duration(20.0), "20s");
        assert_eq!(format_duration(600.0), "10m");
        assert_eq!(format_duration(125.0), "2m05s");
        assert_eq!(format_duration(23_400.0), "6h30m");
    }
}
