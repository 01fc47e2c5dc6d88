//! Market abuse with exact ground truth. Manipulators are agents like any other — they act only
//! through the exchange — but every order they send carries a label fixed when it is created
//! (typology, episode, role, phase), which `Labeling` carries to every event and trade of that
//! order. Labels are written to `labels/` only; `market/` holds nothing that gives them away.
//!
//! `manipulator` runs episodes; one playbook per family of typologies says what an episode does:
//! `spoofing` (spoofing, layering), `matched` (wash trading, painting the tape), `quote_stuffing`,
//! `ramp` (pump-and-dump, momentum ignition, marking the close) and `ahead` (front running,
//! insider trading). `lookalike` holds the honest traders whose surface features resemble abuse.

pub mod ahead;
pub mod cover;
mod labeling;
mod ledger;
pub mod lookalike;
pub mod manipulator;
pub mod matched;
pub mod quote_stuffing;
pub mod ramp;
pub mod split;
pub mod spoofing;
mod typology;

pub use labeling::Labeling;
pub use ledger::{Episode, EpisodeId, Label, LabelNoise, Ledger, Outcome, Promotion, Push};
pub use typology::Typology;
