//! Clearing: which agent owns an account, and every account's position and cash.

use super::account_index::AccountIndex;
use crate::types::{AccountId, AgentId, Price, Qty};

/// An account's holdings. Cash is in tick-shares (price ticks × shares) so that it stays exact.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct Holding {
    pub position: i64,
    pub cash_ticks: i64,
}

/// Accounts by their opaque id (see [`AccountIndex`]), and holdings by agent.
#[derive(Clone, Debug, Default)]
pub struct Accounts {
    by_id: AccountIndex<AgentId>,
    holdings: Vec<Holding>,
}

impl Accounts {
    /// `owners[i]` is the account of agent `i`; ids must be unique.
    pub fn new(owners: &[AccountId]) -> Self {
        let by_id = AccountIndex::from_pairs(
            owners
                .iter()
                .enumerate()
                .map(|(i, a)| (a.0, AgentId(i as u32))),
        );
        Accounts {
            by_id,
            holdings: vec![Holding::default(); owners.len()],
        }
    }

    /// Adds a further account of `agent` (a manipulator's nominee accounts): it settles into the
    /// agent's holding.
    pub fn add_account(&mut self, account: AccountId, agent: AgentId) {
        self.by_id.insert(account.0, agent);
    }

    pub fn agent_of(&self, account: AccountId) -> Option<AgentId> {
        self.by_id.get(account.0)
    }

    /// Books one execution against both sides.
    pub fn settle(&mut self, buyer: AgentId, seller: AgentId, price: Price, qty: Qty) {
        let value = price.0 * qty.0 as i64;
        let b = &mut self.holdings[buyer.0 as usize];
        b.position += qty.0 as i64;
        b.cash_ticks -= value;
        let s = &mut self.holdings[seller.0 as usize];
        s.position -= qty.0 as i64;
        s.cash_ticks += value;
    }

    pub fn holding(&self, agent: AgentId) -> Holding {
        self.holdings[agent.0 as usize]
    }

    pub fn holdings(&self) -> &[Holding] {
        &self.holdings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settles_both_sides_and_conserves() {
        let mut acc = Accounts::new(&[AccountId(900), AccountId(5), AccountId(77)]);
        assert_eq!(acc.agent_of(AccountId(5)), Some(AgentId(1)));
        assert_eq!(acc.agent_of(AccountId(6)), None);
        acc.settle(AgentId(0), AgentId(2), Price(100), Qty(10));
        acc.settle(AgentId(0), AgentId(1), Price(101), Qty(4));
        assert_eq!(
            acc.holding(AgentId(0)),
            Holding {
                position: 14,
                cash_ticks: -1000 - 404
            }
        );
        assert_eq!(acc.holdings().iter().map(|h| h.position).sum::<i64>(), 0);
        assert_eq!(acc.holdings().iter().map(|h| h.cash_ticks).sum::<i64>(), 0);
    }
}
