"""How does my execution algorithm fare in a flash crash?

Runs scenarios/flash_crash.toml with a user-written TWAP seller working an order across the
crash window, then the same day without the crash (same seed: every other trader draws the same
numbers), and prints the seller's implementation shortfall against its arrival price in both.

    pip install ./python
    python examples/python/twap_vs_crash.py [--seed 42] [--quantity 60000]
"""

import argparse
from pathlib import Path

import marketsim

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "flash_crash.toml"


class TwapSeller(marketsim.Agent):
    """Sells ``quantity`` shares in equal market orders every ``every`` seconds from ``start``
    (seconds after the open) for ``duration`` seconds; records the arrival price (the delayed
    mid at its first wake-up) and its own fills."""

    name = "twap_seller"

    def __init__(self, quantity, start, duration, every=10.0):
        super().__init__()
        self.quantity = quantity
        self.start_at = start
        self.every = every
        self.slices = max(1, int(duration // every))
        self.sent = 0
        self.arrival = None
        self.filled = 0
        self.proceeds_ticks = 0
        self.tick = None

    def start(self, ctx):
        ctx.wake_at(self.start_at)

    def on_wake(self, ctx):
        if self.arrival is None:
            self.arrival = ctx.quote.mid
            self.tick = ctx.tick_size
        if self.sent >= self.quantity:
            return
        q = min(self.quantity - self.sent, max(1, self.quantity // self.slices))
        q -= q % ctx.lot_size
        if q > 0:
            ctx.sell(q)
            self.sent += q
        ctx.wake_after(self.every)

    def on_report(self, report, ctx):
        if report.kind == "fill":
            self.filled += report.quantity
            self.proceeds_ticks += report.price * report.quantity

    def shortfall_bps(self):
        """(arrival − average sale price) / arrival, in basis points; unfilled shares count at
        nothing better than the arrival price (a shortfall of zero for them)."""
        average = self.proceeds_ticks / max(self.filled, 1)
        return (self.arrival - average) / self.arrival * 1e4


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--quantity", type=int, default=60_000)
    args = p.parse_args()

    info = marketsim.check(SCENARIO)
    crash = [name for name, kind in info["events"] if kind == "flash_crash"]
    # The crash starts at 14:45 (5 h 15 m after the 09:30 open): work the order from 14:40 for
    # 30 minutes, across the whole sell program and the rebound.
    start, duration = 5 * 3600 + 10 * 60, 30 * 60
    results = {}
    for label, without in (("with the crash", None), ("without the crash", crash)):
        seller = TwapSeller(args.quantity, start, duration)
        run = marketsim.run(SCENARIO, seed=args.seed, without=without, agents=[seller])
        results[label] = seller
        print(
            f"{label:>18}: sold {seller.filled:>6} of {seller.quantity} shares, "
            f"arrival {seller.arrival * seller.tick:.2f}, "
            f"average {seller.proceeds_ticks / max(seller.filled, 1) * seller.tick:.2f}, "
            f"shortfall {seller.shortfall_bps():7.1f} bps   ({run.trades.num_rows} trades in the day)"
        )
    extra = results["with the crash"].shortfall_bps() - results["without the crash"].shortfall_bps()
    print(f"the crash cost the TWAP seller {extra:.1f} bps of implementation shortfall")


if __name__ == "__main__":
    main()
