//! Who traded and who earned: volume, aggression, end-of-day position and pnl per agent family,
//! and the day's VWAP — the first questions a quant asks of a day, answered from `trades.parquet`
//! and the family of each account in `labels/account_labels.parquet`.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::data::{Account, RunData, Trades};

/// One family's day.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FamilyDay {
    pub family: String,
    pub accounts: usize,
    /// Shares bought plus shares sold.
    pub traded: u64,
    /// Of `traded`, the shares where the family took liquidity.
    pub aggressive: u64,
    /// Shares held at the close (bought − sold).
    pub position: i64,
    /// Cash from trading plus the position marked at the last trade price.
    pub pnl: f64,
}

/// Volume-weighted average trade price of the day; `None` without trades.
pub fn vwap(data: &RunData) -> Option<f64> {
    let t = &data.trades;
    let volume: f64 = t.qty.iter().map(|&q| q as f64).sum();
    (volume > 0.0).then(|| {
        t.price
            .iter()
            .zip(&t.qty)
            .map(|(p, &q)| p * q as f64)
            .sum::<f64>()
            / volume
    })
}

/// Every family that traded or holds an account, in name order; accounts without a label are
/// `unlabelled`. Families are numbered once, so the pass over the trades only indexes arrays.
pub fn by_family(data: &RunData) -> Vec<FamilyDay> {
    let mark = data.trades.price.last().copied();
    days(
        &data.trades,
        &data.accounts,
        &data.families,
        mark.unwrap_or(data.info.open_price),
    )
}

/// [`by_family`] of these trades and accounts, positions marked at `mark`.
fn days(
    t: &Trades,
    accounts: &[Account],
    families: &BTreeMap<u64, String>,
    mark: f64,
) -> Vec<FamilyDay> {
    const UNLABELLED: &str = "unlabelled";
    let accounts = accounts.iter().map(|a| a.id);
    let traders = t.buy_account.iter().chain(&t.sell_account).copied();
    let names: BTreeSet<&str> = accounts
        .clone()
        .chain(traders)
        .map(|id| families.get(&id).map_or(UNLABELLED, String::as_str))
        .collect();
    let names: Vec<&str> = names.into_iter().collect();
    let position = |name: &str| names.binary_search(&name).unwrap_or(0);
    let labelled: HashMap<u64, usize> = families
        .iter()
        .map(|(&id, family)| (id, position(family)))
        .collect();
    let index_of = |id: u64| {
        labelled
            .get(&id)
            .copied()
            .unwrap_or_else(|| position(UNLABELLED))
    };
    let mut days: Vec<FamilyDay> = names
        .iter()
        .map(|name| FamilyDay {
            family: name.to_string(),
            ..FamilyDay::default()
        })
        .collect();
    for id in accounts {
        days[index_of(id)].accounts += 1;
    }
    let mut cash = vec![0.0; names.len()];
    for i in 0..t.len() {
        let (q, p) = (t.qty[i], t.price[i]);
        for (account, buys) in [(t.buy_account[i], true), (t.sell_account[i], false)] {
            let k = index_of(account);
            let day = &mut days[k];
            day.traded += q;
            if buys == t.buyer_initiated[i] {
                day.aggressive += q;
            }
            let signed = if buys { q as i64 } else { -(q as i64) };
            day.position += signed;
            cash[k] -= signed as f64 * p;
        }
    }
    for (day, cash) in days.iter_mut().zip(cash) {
        day.pnl = cash + day.position as f64 * mark;
    }
    days
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_add_up_and_unlabelled_accounts_are_named() {
        let trades = Trades {
            t: vec![1.0, 2.0],
            price: vec![10.0, 12.0],
            qty: vec![100, 50],
            buyer_initiated: vec![true, false],
            buy_account: vec![1, 3],
            sell_account: vec![2, 1],
        };
        let account = |id| Account {
            id,
            participant: id,
            market_maker: false,
        };
        let families = BTreeMap::from([(1, "noise".to_string()), (2, "value".to_string())]);
        let days = days(
            &trades,
            &[account(1), account(2), account(3)],
            &families,
            12.0,
        );
        let names: Vec<&str> = days.iter().map(|d| d.family.as_str()).collect();
        assert_eq!(names, ["noise", "unlabelled", "value"]);
        let noise = &days[0];
        assert_eq!(
            (noise.accounts, noise.traded, noise.aggressive),
            (1, 150, 150)
        );
        assert_eq!(noise.position, 50);
        // Bought 100 at 10, sold 50 at 12, 50 left marked at 12.
        assert_eq!(noise.pnl, -1000.0 + 600.0 + 600.0);
        assert_eq!(days.iter().map(|d| d.position).sum::<i64>(), 0);
        assert_eq!(days.iter().map(|d| d.traded).sum::<u64>(), 300);
        assert_eq!(days.iter().map(|d| d.accounts).sum::<usize>(), 3);
    }
}
