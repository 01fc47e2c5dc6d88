//! Trading halts. While halted the exchange *rejects* new orders and modifications with
//! `TRADING_HALTED` and accepts cancels (as US exchanges do during a pause), so the book that was
//! resting stays intact and participants can only reduce risk. Trading resumes continuously on the
//! intact book; agents see the halt flag in market data and hold off until it clears.
//!
//! Halts nest: a scheduled halt and a price-band pause may overlap, and trading resumes only when
//! every reason has cleared.

#[derive(Clone, Debug, Default)]
pub struct HaltState {
    reasons: u32,
}

impl HaltState {
    pub fn halted(&self) -> bool {
        self.reasons > 0
    }

    /// Adds a reason to be halted; true when this starts a halt.
    pub fn halt(&mut self) -> bool {
        self.reasons += 1;
        self.reasons == 1
    }

    /// Clears one reason; true when trading resumes.
    pub fn resume(&mut self) -> bool {
        self.reasons = self.reasons.saturating_sub(1);
        self.reasons == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_halts_resume_when_all_have_cleared() {
        let mut h = HaltState::default();
        assert!(h.halt());
        assert!(!h.halt());
        assert!(!h.resume());
        assert!(h.halted());
        assert!(h.resume());
        assert!(!h.halted());
    }
}
