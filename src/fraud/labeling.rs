//! Carries each order's label from its creation to the rows the exchange writes: every event of a
//! labeled order and every trade touching one gets the episode, and episodes accumulate what they
//! did. Sits between the exchange and the run's recorder, so the exchange itself never sees labels.

use super::Ledger;
use crate::exchange::recorder::MarketRecorder;
use crate::output::records::{
    BookRecord, OrderEventRecord, OrderEventType, OrderLabelRecord, TradeLabelRecord, TradeRecord,
    Truth,
};
use crate::types::{Price, Side};

pub struct Labeling<'a, R> {
    pub inner: &'a mut R,
    pub ledger: &'a mut Ledger,
}

impl<R: MarketRecorder> Labeling<'_, R> {
    fn truth(&self, label: Option<super::Label>) -> Option<Truth> {
        let label = label?;
        Some((self.ledger.episode(label.episode)?.typology, label))
    }
}

impl<R: MarketRecorder> MarketRecorder for Labeling<'_, R> {
    fn order_event(&mut self, r: &OrderEventRecord) {
        self.inner.order_event(r);
        let label = self.ledger.label_of(r.order_id);
        if let Some(l) = label
            && let Some(e) = self.ledger.episode_mut(l.episode)
        {
            let o = &mut e.outcome;
            o.events += 1;
            match r.event_type {
                OrderEventType::New => o.orders += 1,
                OrderEventType::Cancel => o.cancels += 1,
                OrderEventType::Fill => {
                    let px = r.fill_price.unwrap_or(Price(0)).0;
                    let q = r.qty.0 as i64;
                    let sign = match r.side {
                        Side::Buy => 1,
                        Side::Sell => -1,
                    };
                    o.position += sign * q;
                    o.cash_ticks -= sign * q * px;
                    o.volume += r.qty.0;
                }
                _ => {}
            }
        }
        let (observed, known_at) = self.ledger.observe(r.order_id, label, r.time);
        let row = OrderLabelRecord {
            event_id: r.event_id,
            time: r.time,
            order_id: r.order_id,
            truth: self.truth(label),
            observed,
            known_at,
        };
        self.inner.order_label(&row);
    }

    fn trade(&mut self, r: &TradeRecord) {
        self.inner.trade(r);
        let buy = self.truth(self.ledger.label_of(r.buy_order_id));
        let sell = self.truth(self.ledger.label_of(r.sell_order_id));
        // A wash trade is one trade for its episode, not two.
        let episodes = [buy.map(|t| t.1.episode), sell.map(|t| t.1.episode)];
        for (i, ep) in episodes.iter().enumerate() {
            if let Some(ep) = ep
                && (i == 0 || episodes[0] != Some(*ep))
                && let Some(e) = self.ledger.episode_mut(*ep)
            {
                e.outcome.trades += 1;
            }
        }
        let row = TradeLabelRecord {
            trade_id: r.trade_id,
            time: r.time,
            buy,
            sell,
            same_owner: self.ledger.same_owner(r.buy_account_id, r.sell_account_id),
        };
        self.inner.trade_label(&row);
    }

    fn book(&mut self, r: &BookRecord<'_>) {
        self.inner.book(r);
        if let (Some((b, _)), Some((a, _))) = (r.bids.first(), r.asks.first()) {
            self.ledger.observe_mid((b.0 + a.0) as f64 / 2.0);
        }
    }

    fn failed(&self) -> bool {
        self.inner.failed()
    }
}
