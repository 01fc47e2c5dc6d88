//! Trading ahead of information others do not have: front running (a broker-linked account buys
//! before a large client order it knows is coming, and sells into the client's impact) and insider
//! trading (linked accounts build a position before a scheduled announcement whose content they
//! know, and unwind once it is public). What the manipulator knows is given at construction: the
//! time and side of each event it will trade ahead of.

use serde_json::json;

use super::Push;
use super::manipulator::{Begin, Playbook, Step, Tools};
use crate::agents::AgentCtx;
use crate::types::{AccountId, Nanos, Qty, Side};

/// Something the manipulator knows in advance.
#[derive(Clone, Debug, PartialEq)]
pub struct Tip {
    pub at: Nanos,
    /// The side that will profit: the client's side, or buy before good news.
    pub side: Side,
    /// Whose order is front-run, if anyone's.
    pub victim: Option<AccountId>,
    /// How long the information's effect lasts (the client program's duration, a news reaction).
    pub lasts: Nanos,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Stage {
    Build,
    Wait,
    Unwind,
}

pub struct Ahead {
    front_running: bool,
    tips: Vec<Tip>,
    tip: usize,
    stage: Stage,
    chunks_left: u32,
    chunk: f64,
    chunk_gap: Nanos,
    unwind_at: Nanos,
    unwind_until: Nanos,
}

impl Ahead {
    pub fn new(front_running: bool, tips: Vec<Tip>) -> Self {
        Ahead {
            front_running,
            tips,
            tip: 0,
            stage: Stage::Build,
            chunks_left: 0,
            chunk: 0.0,
            chunk_gap: Nanos::ZERO,
            unwind_at: Nanos::ZERO,
            unwind_until: Nanos::ZERO,
        }
    }

    fn roles(&self) -> (&'static str, &'static str) {
        if self.front_running {
            ("front_run_entry", "front_run_exit")
        } else {
            ("insider_build", "insider_unwind")
        }
    }
}

impl Playbook for Ahead {
    fn begin(&mut self, t: &mut Tools, ctx: &mut AgentCtx) -> Option<Begin> {
        self.tip = t.candidate;
        let tip = self.tips.get(self.tip)?.clone();
        if ctx.now >= tip.at {
            return None;
        }
        let lead = tip.at - ctx.now;
        self.chunks_left = t.lerp(4.0, 10.0).round() as u32;
        let total = if self.front_running {
            t.lerp(4000.0, 1200.0)
        } else {
            t.lerp(6000.0, 2000.0)
        };
        self.chunk = total / self.chunks_left as f64;
        self.chunk_gap = Nanos(lead.0 / (self.chunks_left as u64 + 1));
        let hold = Nanos::from_secs_f64(t.lerp(60.0, 300.0));
        self.unwind_at = tip.at + tip.lasts + hold;
        self.unwind_until = self.unwind_at + Nanos::from_secs_f64(t.lerp(180.0, 600.0));
        self.stage = Stage::Build;
        t.phase = "build";
        Some(Begin {
            push: Push::of(tip.side),
            params: json!({
                "side": tip.side.as_str(),
                "event_at_ns": tip.at.0,
                "lead_s": lead.0 as f64 / 1e9,
                "shares": total.round(),
                "chunks": self.chunks_left,
            })
            .to_string(),
            victims: tip.victim.into_iter().collect(),
        })
    }

    fn step(&mut self, t: &mut Tools, ctx: &mut AgentCtx) -> Step {
        let tip = self.tips[self.tip].clone();
        let (entry, exit) = self.roles();
        match self.stage {
            Stage::Build if self.chunks_left > 0 => {
                let slot = t.next_account(ctx);
                let qty = t.size(ctx, slot, self.chunk);
                // Front runners need to be in before the client; insiders can afford patience.
                let patient = !self.front_running && t.coin();
                if !patient || t.join(ctx, slot, entry, tip.side, qty).is_none() {
                    t.take(ctx, slot, entry, tip.side, qty);
                }
                self.chunks_left -= 1;
                Step::Wait(self.chunk_gap)
            }
            Stage::Build => {
                t.cancel_all(ctx);
                self.stage = Stage::Wait;
                t.enter_phase(ctx, "hold");
                Step::Wait(self.unwind_at.saturating_sub(ctx.now).max(Nanos(1)))
            }
            Stage::Wait => {
                self.stage = Stage::Unwind;
                t.enter_phase(ctx, "unwind");
                Step::Wait(Nanos(1))
            }
            Stage::Unwind => {
                t.cancel_all(ctx);
                let left = t.position() * tip.side.sign();
                if left <= 0 {
                    return Step::Done;
                }
                if ctx.now >= self.unwind_until {
                    t.flatten(ctx, exit);
                    return Step::Done;
                }
                let slot = t.next_account(ctx);
                let qty = Qty(t.size(ctx, slot, self.chunk).0.min(left as u64));
                if t.join(ctx, slot, exit, tip.side.opposite(), qty).is_none() {
                    t.take(ctx, slot, exit, tip.side.opposite(), qty);
                }
                Step::Rest(t.after(Nanos::from_secs(30)))
            }
        }
    }
}
