//! Who traded and who earned: volume, aggression, end-of-day position and pnl per agent family,
//! and the day's VWAP — the first questions a quant asks of a day, answered from `trades.parquet`
//! and the family of each account in `labels/account_labels.parquet`.

use std::collections::BTreeMap;

use super::data::RunData;

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
/// `unlabelled`.
pub fn by_family(data: &RunData) -> Vec<FamilyDay> {
    let family_of = |account: u64| {
        data.families
            .get(&account)
            .cloned()
            .unwrap_or_else(|| "unlabelled".to_string())
    };
    let mut days: BTreeMap<String, FamilyDay> = BTreeMap::new();
    for a in &data.accounts {
        days.entry(family_of(a.id)).or_default().accounts += 1;
    }
    let mut cash: BTreeMap<String, f64> = BTreeMap::new();
    let t = &data.trades;
    for i in 0..t.len() {
        let (q, p) = (t.qty[i], t.price[i]);
        for (account, buys) in [(t.buy_account[i], true), (t.sell_account[i], false)] {
            let family = family_of(account);
            let day = days.entry(family.clone()).or_default();
            day.traded += q;
            if buys == t.buyer_initiated[i] {
                day.aggressive += q;
            }
            let signed = if buys { q as i64 } else { -(q as i64) };
            day.position += signed;
            *cash.entry(family).or_default() -= signed as f64 * p;
        }
    }
    let mark = t.price.last().copied().unwrap_or(data.info.open_price);
    days.into_iter()
        .map(|(family, mut day)| {
            day.pnl = cash.get(&family).copied().unwrap_or(0.0) + day.position as f64 * mark;
            day.family = family;
            day
        })
        .collect()
}
