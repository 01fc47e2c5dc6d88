//! How much work a scenario asks for, projected before anything runs, so `check` and `run` refuse a
//! day that would take hours (or never finish) with the same message, instead of starting it.
//!
//! The projection counts engine events from the scenario's own rates: each wake-up of an agent
//! costs the wake plus its requests and their reports. It is an estimate (how many orders an agent
//! actually sends depends on the market), so `run` also stops at the budget while running; the
//! projection is what lets `check` refuse the obvious cases up front.

use super::ScenarioError;
use super::model::{EventKind, Scenario};
use super::params::AgentParams;

/// Engine events per request sent: its arrival and, on average, a couple of reports back.
const EVENTS_PER_REQUEST: f64 = 3.0;

/// One contributor to the projection.
#[derive(Clone, Debug, PartialEq)]
pub struct Work {
    /// The scenario field that sets this work, e.g. `agents[2].wake_interval`.
    pub field: String,
    pub events: f64,
}

/// The projected engine events of a whole day, by contributor, largest first.
pub fn projected(s: &Scenario) -> Vec<Work> {
    let length = s.session.length.0 as f64;
    let day = 86_400e9_f64.min(length.max(1.0));
    let mut work: Vec<Work> = s
        .agents
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let n = f64::from(g.count);
            let per = |interval: u64, requests: f64| {
                n * length / interval.max(1) as f64 * (1.0 + requests * EVENTS_PER_REQUEST)
            };
            let (key, events) = match &g.params {
                AgentParams::Noise(p) => ("wake_interval", per(p.wake_interval.0, 1.0)),
                AgentParams::Value(p) => ("wake_interval", per(p.wake_interval.0, 1.0)),
                AgentParams::Momentum(p) => ("wake_interval", per(p.wake_interval.0, 1.0)),
                // A burst of n requotes on average per idle wake, each a cancel and a new order.
                AgentParams::FastProvider(p) => (
                    "wake_interval",
                    per(p.wake_interval.0, 2.0) / (1.0 - p.burst_continue),
                ),
                AgentParams::MarketMaker(p) => (
                    "wake_interval",
                    per(p.wake_interval.0, 4.0 * p.levels as f64),
                ),
                // A user strategy's pace is unknown before it runs; the run's event budget still
                // stops it if it floods the exchange.
                AgentParams::User(_) => ("class", 0.0),
                AgentParams::Execution(p) => {
                    let children = p.duration_median.0 as f64 / p.child_interval.0.max(1) as f64;
                    let metaorders = p.metaorders_per_day * length / day;
                    (
                        "child_interval",
                        n * metaorders * children * (1.0 + EVENTS_PER_REQUEST),
                    )
                }
            };
            Work {
                field: format!("agents[{i}].{key}"),
                events,
            }
        })
        .collect();
    let agents: f64 = s.agents.iter().map(|g| f64::from(g.count)).sum();
    for (i, e) in s.events.iter().enumerate() {
        // Every agent that reads news is woken by each headline, and reacts.
        if let EventKind::News { .. } = e.kind {
            work.push(Work {
                field: format!("events[{i}]"),
                events: agents * (1.0 + EVENTS_PER_REQUEST),
            });
        }
        if let EventKind::FlashCrash {
            duration, interval, ..
        } = &e.kind
        {
            work.push(Work {
                field: format!("events[{i}].interval"),
                events: duration.0 as f64 / interval.0.max(1) as f64 * (1.0 + EVENTS_PER_REQUEST),
            });
        }
    }
    work.sort_by(|a, b| b.events.total_cmp(&a.events));
    work
}

/// Fails when the projection exceeds `max_events`, naming the largest contributor.
pub fn check(s: &Scenario, max_events: u64) -> Result<(), ScenarioError> {
    let work = projected(s);
    let total: f64 = work.iter().map(|w| w.events).sum();
    if total <= max_events as f64 {
        return Ok(());
    }
    let top = &work[0];
    Err(ScenarioError {
        file: s.source_path.clone(),
        line: 0,
        column: 0,
        field: top.field.clone(),
        message: format!(
            "the day projects about {total:.2e} engine events ({:.0} % from this value), over the budget of \
             {max_events} (--max-events); make the interval longer, the group smaller, or raise --max-events",
            100.0 * top.events / total
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn the_baseline_fits_and_a_nanosecond_wake_does_not() {
        let text = std::fs::read_to_string("scenarios/baseline.toml").unwrap();
        let s = super::super::parse(&text, Path::new("baseline.toml")).unwrap();
        let total: f64 = projected(&s).iter().map(|w| w.events).sum();
        // The day has ~1 M engine events; the projection is an over-estimate of the same order.
        assert!((5e5..2e7).contains(&total), "{total}");
        assert!(check(&s, 100_000_000).is_ok());
        let e = check(&s, 1_000).unwrap_err();
        assert!(e.message.contains("--max-events"), "{e}");
        assert!(e.field.starts_with("agents["), "{e}");
    }
}
