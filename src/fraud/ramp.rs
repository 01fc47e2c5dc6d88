//! Build a position quietly, push the price aggressively, then profit from the move: the shape
//! shared by pump-and-dump (with a public promotion that draws uninformed buyers, then selling into
//! the spike), momentum ignition (a burst of aggressive orders to trip trend followers, then exiting
//! into their buying) and marking the close (aggressive orders in the last minutes, so the closing
//! price that values the position is higher; the position is kept).

use serde_json::json;

use super::Push;
use super::manipulator::{Begin, Playbook, Step, Tools};
use crate::agents::AgentCtx;
use crate::fraud::Typology;
use crate::types::{Nanos, OrderId, Qty, Side};

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Stage {
    Build,
    Push,
    Exit,
}

/// Names of one typology's phases and roles.
struct Names {
    build: (&'static str, &'static str),
    push: (&'static str, &'static str),
    exit: (&'static str, &'static str),
}

pub struct Ramp {
    typology: Typology,
    side: Side,
    stage: Stage,
    build_until: Nanos,
    build_qty: i64,
    pushes_left: u32,
    push_gap: Nanos,
    push_size: f64,
    exit_until: Nanos,
    passive: Option<OrderId>,
}

impl Ramp {
    pub fn new(typology: Typology) -> Self {
        Ramp {
            typology,
            side: Side::Buy,
            stage: Stage::Build,
            build_until: Nanos::ZERO,
            build_qty: 0,
            pushes_left: 0,
            push_gap: Nanos::ZERO,
            push_size: 0.0,
            exit_until: Nanos::ZERO,
            passive: None,
        }
    }

    fn names(&self) -> Names {
        match self.typology {
            Typology::PumpAndDump => Names {
                build: ("accumulate", "accumulate_buy"),
                push: ("promote", "pump_buy"),
                exit: ("dump", "dump_sell"),
            },
            Typology::MarkingTheClose => Names {
                build: ("position", "position_build"),
                push: ("mark", "marking_order"),
                exit: ("hold", "unwind"),
            },
            _ => Names {
                build: ("position", "position_build"),
                push: ("ignite", "ignition_order"),
                exit: ("exit", "exit_order"),
            },
        }
    }

    /// Keeps one passive order at the touch on `side`, re-joining when the touch has moved.
    fn rest_at_touch(
        &mut self,
        t: &mut Tools,
        ctx: &mut AgentCtx,
        side: Side,
        role: &'static str,
        median: f64,
    ) {
        let touch = super::manipulator::touch(ctx, side);
        let resting = self.passive.filter(|&id| t.is_live(id));
        let stale = resting.is_some_and(|id| {
            t.orders
                .live()
                .any(|o| o.id == id && Some(o.price) != touch)
        });
        if stale {
            t.cancel_where(ctx, |o| Some(o.id) == resting);
        }
        if resting.is_none() || stale {
            let slot = t.next_account(ctx);
            let qty = t.size(ctx, slot, median);
            self.passive = t.join(ctx, slot, role, side, qty);
        }
    }
}

impl Playbook for Ramp {
    fn begin(&mut self, t: &mut Tools, ctx: &mut AgentCtx) -> Option<Begin> {
        self.side = match self.typology {
            Typology::PumpAndDump => Side::Buy,
            _ if t.coin() => Side::Buy,
            _ => Side::Sell,
        };
        let (build, pushes, push_window) = match self.typology {
            Typology::PumpAndDump => (t.lerp(20.0, 45.0), t.lerp(10.0, 5.0), t.lerp(60.0, 180.0)),
            Typology::MarkingTheClose => {
                (t.lerp(20.0, 40.0), t.lerp(14.0, 8.0), t.lerp(300.0, 600.0))
            }
            _ => (t.lerp(4.0, 10.0), t.lerp(12.0, 6.0), t.lerp(8.0, 30.0)),
        };
        self.build_until = match self.typology {
            // The marking must land in the last minutes, whenever the build began.
            Typology::MarkingTheClose => ctx
                .market
                .session_length
                .saturating_sub(Nanos::from_secs_f64(push_window + 30.0)),
            _ => ctx.now + Nanos::from_secs_f64(build * 60.0),
        };
        self.build_qty = t.lerp(5000.0, 1500.0) as i64;
        self.pushes_left = pushes.round() as u32;
        self.push_gap = Nanos::from_secs_f64(push_window / pushes);
        self.push_size = t.lerp(700.0, 250.0);
        self.stage = Stage::Build;
        self.passive = None;
        let names = self.names();
        t.phase = names.build.0;
        Some(Begin {
            push: Push::of(self.side),
            params: json!({
                "side": self.side.as_str(),
                "build_minutes": build,
                "build_shares": self.build_qty,
                "push_orders": self.pushes_left,
                "push_window_s": push_window,
                "push_order_median": self.push_size,
            })
            .to_string(),
            victims: Vec::new(),
        })
    }

    fn step(&mut self, t: &mut Tools, ctx: &mut AgentCtx) -> Step {
        let names = self.names();
        let signed = t.position() * self.side.sign();
        match self.stage {
            Stage::Build if ctx.now < self.build_until && signed < self.build_qty => {
                let median = t.lerp(400.0, 150.0);
                self.rest_at_touch(t, ctx, self.side, names.build.1, median);
                Step::Rest(t.after(Nanos::from_secs_f64(t.lerp(15.0, 45.0))))
            }
            Stage::Build
                if self.typology == Typology::MarkingTheClose && ctx.now < self.build_until =>
            {
                // Built: wait for the last minutes.
                t.cancel_all(ctx);
                Step::Wait(self.build_until - ctx.now)
            }
            Stage::Build => {
                t.cancel_all(ctx);
                self.stage = Stage::Push;
                t.enter_phase(ctx, names.push.0);
                if self.typology == Typology::PumpAndDump {
                    let hype = t.lerp(0.6, 0.3);
                    let hype_for = Nanos::from_secs_f64(t.lerp(900.0, 600.0));
                    ctx.promote(
                        "Stock promotion: SIM is about to soar".into(),
                        hype,
                        hype_for,
                    );
                }
                Step::Wait(Nanos::from_millis(1))
            }
            Stage::Push if self.pushes_left > 0 => {
                let slot = t.next_account(ctx);
                let qty = t.size(ctx, slot, self.push_size);
                t.take(ctx, slot, names.push.1, self.side, qty);
                self.pushes_left -= 1;
                Step::Rest(t.after(self.push_gap))
            }
            Stage::Push => {
                if self.typology == Typology::MarkingTheClose {
                    // The point was the closing price: the position is carried over the close.
                    return Step::Done;
                }
                self.stage = Stage::Exit;
                t.enter_phase(ctx, names.exit.0);
                let minutes = match self.typology {
                    Typology::PumpAndDump => t.lerp(15.0, 30.0),
                    _ => t.lerp(3.0, 8.0),
                };
                self.exit_until = ctx.now + Nanos::from_secs_f64(minutes * 60.0);
                self.passive = None;
                Step::Wait(Nanos::from_millis(1))
            }
            Stage::Exit if signed > 0 && ctx.now < self.exit_until => {
                // Selling into the buyers the push attracted: passive at first, with market orders
                // mixed in as the window closes.
                let median = (signed as f64 / 4.0).max(100.0).min(t.lerp(1500.0, 400.0));
                if t.coin() {
                    let slot = t.next_account(ctx);
                    let qty = Qty(t.size(ctx, slot, median).0.min(signed as u64));
                    t.take(ctx, slot, names.exit.1, self.side.opposite(), qty);
                } else {
                    self.rest_at_touch(t, ctx, self.side.opposite(), names.exit.1, median);
                }
                Step::Rest(t.after(Nanos::from_secs_f64(t.lerp(20.0, 40.0))))
            }
            Stage::Exit => {
                t.cancel_all(ctx);
                t.flatten(ctx, names.exit.1);
                Step::Done
            }
        }
    }
}
