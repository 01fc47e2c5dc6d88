//! Your own strategy in Rust: a TWAP seller put into a library scenario.
//!
//! The agent implements the public [`Agent`] contract, is registered under a class name in a
//! [`Registry`], and the scenario names it with `type = "custom"`. It trades through its own
//! account over the same latency links as everyone else, so its orders and fills appear in the
//! run's output like any agent's.
//!
//! cargo run --release --example custom_agent -- [scenario.toml] [seed]

use std::path::{Path, PathBuf};

use marketsim::agents::custom::{Registry, Spec};
use marketsim::agents::{Agent, AgentCtx, OpenOrders, Report};
use marketsim::types::{Nanos, OrderKind, Price, Side};

/// Sells `quantity` shares in `slices` equal market orders spread evenly over `duration`,
/// starting `start` after the open: the textbook benchmark every execution desk compares with.
pub struct TwapSeller {
    quantity: u64,
    slices: u64,
    start: Nanos,
    gap: Nanos,
    sent: u64,
    orders: OpenOrders,
}

impl TwapSeller {
    /// Reads `quantity` (shares), `slices`, `start_s` and `duration_s` (seconds) from the
    /// scenario's `params`.
    pub fn from_spec(spec: Spec<'_>) -> Result<Box<dyn Agent>, String> {
        let get = |key: &str, default: f64| -> Result<f64, String> {
            match spec.params.get(key) {
                None => Ok(default),
                Some(v) => v
                    .as_f64()
                    .filter(|x| x.is_finite() && *x >= 0.0)
                    .ok_or_else(|| {
                        format!("params.{key}: expected a non-negative number, got {v}")
                    }),
            }
        };
        let slices = get("slices", 30.0)?.max(1.0) as u64;
        let duration = Nanos::from_secs(get("duration_s", 60.0)? as u64);
        Ok(Box::new(TwapSeller {
            quantity: get("quantity", 3_000.0)? as u64,
            slices,
            start: Nanos::from_secs(get("start_s", 0.0)? as u64),
            gap: Nanos(duration.0 / slices),
            sent: 0,
            orders: OpenOrders::default(),
        }))
    }
}

impl Agent for TwapSeller {
    fn family(&self) -> &'static str {
        "custom"
    }

    fn start(&mut self, ctx: &mut AgentCtx) {
        ctx.wake_at(self.start);
    }

    fn on_wake(&mut self, ctx: &mut AgentCtx) {
        if self.sent >= self.quantity {
            return;
        }
        let slice = (self.quantity / self.slices).max(1);
        let qty = ctx.market.lots(slice.min(self.quantity - self.sent) as f64);
        self.sent += qty.0;
        self.orders
            .submit(ctx, Side::Sell, OrderKind::Market, Price(0), qty);
        ctx.wake_after(self.gap);
    }

    fn on_report(&mut self, report: &Report, _ctx: &mut AgentCtx) {
        self.orders.apply(report);
    }

    fn position(&self) -> i64 {
        self.orders.position()
    }
}

/// The registry a run needs to build this strategy.
pub fn registry() -> Registry {
    Registry::default().with("twap_seller", TwapSeller::from_spec)
}

/// The scenario at `path` with one TWAP seller added.
pub fn with_seller(path: &Path, params: &str) -> marketsim::scenario::Scenario {
    let text = marketsim::scenario::read_text(path).unwrap_or_else(|e| panic!("{e}"));
    let text = format!(
        "{text}\n[[agents]]\ntype = \"custom\"\nname = \"my_twap\"\nclass = \"twap_seller\"\ncount = 1\nparams = {params}\n"
    );
    marketsim::scenario::parse(&text, path).unwrap_or_else(|e| panic!("{e}"))
}

#[allow(dead_code)]
fn main() {
    let mut args = std::env::args().skip(1);
    let path = PathBuf::from(args.next().unwrap_or_else(|| "scenarios/quick.toml".into()));
    let scenario = with_seller(&path, "{ quantity = 3000, slices = 30, duration_s = 60 }");
    let seed = args
        .next()
        .map_or(scenario.seed, |s| s.parse().expect("seed"));
    let mut sim = marketsim::engine::try_build(&scenario, seed, &registry())
        .unwrap_or_else(|e| panic!("{e}"));
    sim.run(&mut marketsim::exchange::recorder::NullRecorder);
    let seat = sim
        .seats()
        .iter()
        .position(|s| s.family == "custom")
        .expect("the seller has a seat");
    let holding = sim
        .exchange()
        .accounts()
        .holding(marketsim::types::AgentId(seat as u32));
    let tick = scenario.market.tick_size;
    let sold = -holding.position;
    let arrival = scenario.market.initial_price;
    let average = holding.cash_ticks as f64 * tick / sold.max(1) as f64;
    println!(
        "sold {sold} shares at {average:.4} on average against {arrival:.2} at the open: \
         shortfall {:.1} bps",
        (arrival - average) / arrival * 1e4
    );
}
