//! Spoofing and layering: large orders that are never meant to trade, placed to tilt the visible
//! book while a genuine order on the other side fills at the better price they create, then pulled.
//! Spoofing uses one order at or near the touch; layering steps several across levels and
//! cancels them in one sweep. Sides alternate each cycle — buy low via a spoofed sell side, then
//! sell high via a spoofed buy side — as in the Coscia and Sarao cases.

use serde_json::json;

use super::Push;
use super::manipulator::{Begin, Playbook, Step, Tools, touch};
use crate::agents::AgentCtx;
use crate::rng;
use crate::types::{Nanos, OrderId, OrderKind, Price, Qty, Side};

const LAYER_ROLES: [&str; 8] = [
    "layer_1", "layer_2", "layer_3", "layer_4", "layer_5", "layer_6", "layer_7", "layer_8",
];

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Stage {
    Place,
    Pull,
    Unwind,
}

pub struct Spoofing {
    /// 1: spoofing; more: layering with this many levels.
    layers: usize,
    cycles_left: u32,
    genuine_side: Side,
    genuine: Option<OrderId>,
    stage: Stage,
}

impl Spoofing {
    pub fn new(layers: usize) -> Self {
        Spoofing {
            layers: layers.clamp(1, LAYER_ROLES.len()),
            cycles_left: 0,
            genuine_side: Side::Buy,
            genuine: None,
            stage: Stage::Place,
        }
    }

    fn fake_role(&self, k: usize) -> &'static str {
        if self.layers == 1 {
            "spoof"
        } else {
            LAYER_ROLES[k]
        }
    }

    fn is_fake(role: &str) -> bool {
        role == "spoof" || role.starts_with("layer_")
    }
}

impl Playbook for Spoofing {
    fn begin(&mut self, t: &mut Tools, _ctx: &mut AgentCtx) -> Option<Begin> {
        self.cycles_left = t.lerp(8.0, 3.0).round().max(1.0) as u32;
        self.genuine_side = if t.coin() { Side::Buy } else { Side::Sell };
        self.stage = Stage::Place;
        Some(Begin {
            push: Push::None,
            params: json!({
                "cycles": self.cycles_left,
                "layers": self.layers,
                "first_genuine_side": self.genuine_side.as_str(),
            })
            .to_string(),
            victims: Vec::new(),
        })
    }

    fn step(&mut self, t: &mut Tools, ctx: &mut AgentCtx) -> Step {
        match self.stage {
            Stage::Place => {
                let fake_side = self.genuine_side.opposite();
                let (Some(_), Some(far)) = (touch(ctx, self.genuine_side), touch(ctx, fake_side))
                else {
                    return Step::Wait(Nanos::from_secs(2));
                };
                t.enter_phase(ctx, if self.layers == 1 { "spoof" } else { "layer" });
                let slot = t.next_account(ctx);
                let genuine = t.size(ctx, slot, t.lerp(300.0, 150.0));
                self.genuine = t.join(ctx, slot, "genuine", self.genuine_side, genuine);
                // With several accounts the fakes go from another one than the genuine order.
                let fake_slot = t.next_account(ctx);
                // Blatant spoofs sit at the touch, ten times the genuine size; hidden ones a tick or
                // two behind, at sizes a large honest order could have — though a hidden spoofer
                // sometimes risks the touch, where a fake can fill. Blatant layers are evenly
                // spaced; hidden ones irregularly.
                let mut behind = t.lerp(0.0, 1.5).round() as i64;
                if t.hides() && t.coin() {
                    behind = 0;
                }
                let mult = match self.layers {
                    1 => t.lerp(10.0, 3.0),
                    _ => t.lerp(6.0, 2.0),
                };
                for k in 0..self.layers {
                    let price = Price(far.0 - fake_side.sign() * behind);
                    let qty = t.size(ctx, fake_slot, genuine.0 as f64 * mult);
                    let role = self.fake_role(k);
                    t.send(
                        ctx,
                        fake_slot,
                        role,
                        fake_side,
                        OrderKind::Limit,
                        price,
                        qty,
                    );
                    behind += 1;
                    if t.hides() {
                        behind += rng::geometric(&mut t.rng, 1.0) as i64;
                    }
                }
                self.stage = Stage::Pull;
                Step::Wait(t.after(Nanos::from_secs_f64(t.lerp(2.0, 6.0))))
            }
            Stage::Pull => {
                t.enter_phase(ctx, "cancel");
                // A blatant spoofer pulls everything at once; a hidden one leaves some fakes a
                // while longer (they go at the next pull, or when the episode ends).
                let fakes: Vec<OrderId> = t
                    .orders
                    .live()
                    .filter(|o| Self::is_fake(o.role))
                    .map(|o| o.id)
                    .collect();
                let keep: Vec<OrderId> = fakes.into_iter().filter(|_| t.hides()).collect();
                t.cancel_where(ctx, |o| !keep.contains(&o.id));
                self.cycles_left -= 1;
                self.genuine_side = self.genuine_side.opposite();
                if self.cycles_left == 0 {
                    self.stage = Stage::Unwind;
                    return Step::Wait(Nanos::from_secs(1));
                }
                self.stage = Stage::Place;
                Step::Rest(t.after(Nanos::from_secs_f64(t.lerp(8.0, 45.0))))
            }
            Stage::Unwind => {
                t.enter_phase(ctx, "unwind");
                t.flatten(ctx, "unwind");
                Step::Done
            }
        }
    }

    /// The genuine order filled: the fakes have done their job and go at once. A fake was hit:
    /// they all go at once too, before more of them trade.
    fn filled(&mut self, t: &mut Tools, id: OrderId, _qty: Qty, ctx: &mut AgentCtx) {
        let genuine_done = Some(id) == self.genuine && !t.is_live(id);
        let fake_hit = t.orders.live().any(|o| o.id == id && Self::is_fake(o.role));
        if (genuine_done || fake_hit) && self.stage == Stage::Pull {
            t.cancel_where(ctx, |o| Self::is_fake(o.role));
        }
    }
}
