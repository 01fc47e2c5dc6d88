//! Strategies the library does not ship: the contract a user's agent implements and the registry
//! that lets a run build it.
//!
//! A user strategy is an ordinary [`Agent`]: it is started at the open, woken when it asked to be
//! ([`AgentCtx::wake_at`]), told of its own order reports, and — if [`Agent::reads_news`] — of
//! news as it reaches it. It sees what any participant sees: the top of book delayed by its
//! market-data link ([`AgentCtx::quote`]), the book's depth ([`AgentCtx::depth`]) and its own
//! reports; it acts only through [`AgentCtx::submit`], [`AgentCtx::cancel`] and
//! [`AgentCtx::modify`], whose requests cross its order-entry link like everyone else's. It gets
//! its own account (so its orders, trades and position land in the outputs under that account) and
//! its own seeded random stream ([`Spec::rng`]), keyed like every other agent's by its group and
//! rank, so adding it leaves every other agent's draws untouched. A manipulation written by the
//! user labels its orders with [`AgentCtx::begin_episode`] and [`AgentCtx::submit_labeled`].
//!
//! A scenario names such an agent by `type = "custom"` (Rust) or `type = "python"`, with a
//! `class` and an optional `params` table:
//!
//! ```toml
//! [[agents]]
//! type = "custom"
//! class = "twap_seller"
//! count = 1
//! params = { quantity = 20000, slices = 40 }
//! ```
//!
//! and the run finds its factory in the [`Registry`] of its `RunOptions`: first under the exact
//! `class`, then under the `type` (the Python package registers `"python"`, which imports any
//! `module:Class`). A strategy that meets an error it cannot handle calls [`AgentCtx::fail`]: the
//! run stops with that message, naming the agent and the simulated time, and publishes nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::{Arc, Mutex};

use super::Agent;
use crate::rng::SimRng;

/// What a factory is given to build one agent of a group.
pub struct Spec<'a> {
    /// `"custom"` or `"python"`.
    pub kind: &'static str,
    pub class: &'a str,
    /// The entry's `params` table, as JSON.
    pub params: &'a serde_json::Value,
    /// The group's name (its `name`, else its `type`).
    pub group: &'a str,
    /// The agent's rank in its group (0 … count − 1).
    pub index: u32,
    /// The agent's own random stream: draw all of its randomness from here.
    pub rng: SimRng,
}

/// Builds one agent; an `Err` explains why the spec was refused (bad `params`, unknown class).
pub type Factory = Arc<dyn Fn(Spec<'_>) -> Result<Box<dyn Agent>, String> + Send + Sync>;

/// Factories for user strategies, by class name or by type.
#[derive(Clone, Default)]
pub struct Registry {
    factories: BTreeMap<String, Factory>,
}

impl Registry {
    /// Registers `factory` under `name`: a class name (`"twap_seller"`) or a whole type
    /// (`"python"`). A later registration under the same name replaces the earlier one.
    pub fn register(
        &mut self,
        name: impl Into<String>,
        factory: impl Fn(Spec<'_>) -> Result<Box<dyn Agent>, String> + Send + Sync + 'static,
    ) {
        self.factories.insert(name.into(), Arc::new(factory));
    }

    /// [`register`](Self::register), builder style.
    pub fn with(
        mut self,
        name: impl Into<String>,
        factory: impl Fn(Spec<'_>) -> Result<Box<dyn Agent>, String> + Send + Sync + 'static,
    ) -> Self {
        self.register(name, factory);
        self
    }

    pub fn is_empty(&self) -> bool {
        self.factories.is_empty()
    }

    /// Builds the agent `spec` names.
    ///
    /// # Errors
    /// No factory under the class or the type, or the factory refused the spec.
    pub fn build(&self, spec: Spec<'_>) -> Result<Box<dyn Agent>, String> {
        let factory = self
            .factories
            .get(spec.class)
            .or_else(|| self.factories.get(spec.kind))
            .ok_or_else(|| {
                let known: Vec<&str> = self.factories.keys().map(String::as_str).collect();
                format!(
                    "agent group {:?}: no strategy is registered for {} agent class {:?} \
                     (registered: {})",
                    spec.group,
                    spec.kind,
                    spec.class,
                    if known.is_empty() {
                        "none; register one in RunOptions::agents, or run from the Python \
                         package for type = \"python\""
                            .to_string()
                    } else {
                        known.join(", ")
                    }
                )
            })?
            .clone();
        let (group, class) = (spec.group.to_owned(), spec.class.to_owned());
        factory(spec).map_err(|e| format!("agent group {group:?} (class {class:?}): {e}"))
    }
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.factories.keys()).finish()
    }
}

/// A `'static` copy of `s`, made once per distinct string: labels (roles, phases) are
/// `&'static str` so that the hot path copies no strings, and a strategy written in another
/// language only has owned ones. The set grows with distinct names, not with calls.
pub fn intern(s: &str) -> &'static str {
    static NAMES: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());
    let mut names = NAMES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(&known) = names.get(s) {
        return known;
    }
    let leaked: &'static str = Box::leak(s.to_owned().into_boxed_str());
    names.insert(leaked);
    leaked
}

/// Why a user strategy stopped the run (see [`AgentCtx::fail`](super::AgentCtx::fail)).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgentFailure {
    /// The agent's index in the simulation.
    pub agent: u32,
    pub family: &'static str,
    /// Simulated time since the open.
    pub time: crate::types::Nanos,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agents::testing::Harness;
    use crate::agents::{AgentCtx, Report};
    use crate::rng::{self, Domain};

    struct Idle;

    impl Agent for Idle {
        fn family(&self) -> &'static str {
            "custom"
        }
        fn start(&mut self, _: &mut AgentCtx) {}
        fn on_wake(&mut self, _: &mut AgentCtx) {}
        fn on_report(&mut self, _: &Report, _: &mut AgentCtx) {}
        fn position(&self) -> i64 {
            0
        }
    }

    fn spec<'a>(class: &'a str, params: &'a serde_json::Value) -> Spec<'a> {
        Spec {
            kind: "custom",
            class,
            params,
            group: "g",
            index: 0,
            rng: rng::stream(1, Domain::Agent, 0),
        }
    }

    #[test]
    fn class_names_win_over_the_type_fallback() {
        let params = serde_json::json!({});
        let reg = Registry::default()
            .with("custom", |_| Err("fallback".into()))
            .with("idle", |_| Ok(Box::new(Idle)));
        assert!(reg.build(spec("idle", &params)).is_ok());
        let err = reg.build(spec("other", &params)).err().unwrap();
        assert!(
            err.contains("fallback") && err.contains("\"other\""),
            "{err}"
        );
    }

    #[test]
    fn an_unknown_class_names_what_is_registered() {
        let params = serde_json::json!({});
        let reg = Registry::default().with("idle", |_| Ok(Box::new(Idle)));
        let err = reg.build(spec("twap", &params)).err().unwrap();
        assert!(err.contains("\"twap\"") && err.contains("idle"), "{err}");
    }

    #[test]
    fn interned_names_are_shared() {
        let a = intern(&String::from("my_role"));
        let b = intern("my_role");
        assert!(std::ptr::eq(a, b));
    }

    #[test]
    fn failing_records_the_first_message() {
        let mut h = Harness::new(100.0);
        let mut ctx = h.ctx(crate::types::Nanos(5), Default::default());
        ctx.fail("first".into());
        ctx.fail("second".into());
        assert_eq!(h.failure.as_deref(), Some("first"));
    }
}
