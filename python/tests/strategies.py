"""Strategies the tests put into scenarios (importable as ``strategies:Class``)."""

import marketsim


class Twap(marketsim.Agent):
    """Sells ``quantity`` in ``slices`` market orders, one every ``every`` seconds."""

    def __init__(self, quantity=1000, slices=10, every=2.0, start=5.0):
        super().__init__()
        self.left = quantity
        self.slice = max(1, quantity // slices)
        self.every = every
        self.start_at = start
        self.fills = 0

    def start(self, ctx):
        ctx.wake_at(self.start_at)

    def on_wake(self, ctx):
        if self.left <= 0:
            return
        q = min(self.slice, self.left)
        ctx.sell(q)
        self.left -= q
        ctx.wake_after(self.every)

    def on_report(self, report, ctx):
        if report.kind == "fill":
            self.fills += report.quantity


class Jittery(marketsim.Agent):
    """Random limit orders around the delayed mid, drawn from the agent's own stream."""

    def start(self, ctx):
        ctx.wake_after(self.rng.uniform(0.1, 1.0))

    def on_wake(self, ctx):
        mid = ctx.quote.mid
        if mid is not None:
            side = "buy" if self.rng.random() < 0.5 else "sell"
            offset = self.rng.randint(0, 3)
            price = int(mid) - offset if side == "buy" else int(mid) + 1 + offset
            ctx.submit(side, 100 * self.rng.randint(1, 5), price=price)
            if len(ctx.open_orders()) > 3:
                ctx.cancel(ctx.open_orders()[0][0])
        ctx.wake_after(self.rng.expovariate(1.0))


class Raises(marketsim.Agent):
    """Fails on its third wake-up."""

    def __init__(self, after=3):
        super().__init__()
        self.wakes = 0
        self.after = after

    def start(self, ctx):
        ctx.wake_after(1.0)

    def on_wake(self, ctx):
        self.wakes += 1
        if self.wakes >= self.after:
            raise ValueError("my model diverged")
        ctx.wake_after(1.0)


class Spoofer(marketsim.Agent):
    """A user-written manipulation that labels its own orders (with a library typology or one
    of its own)."""

    def __init__(self, typology="spoofing"):
        super().__init__()
        self.typology = typology

    def start(self, ctx):
        ctx.wake_at(10.0)

    def on_wake(self, ctx):
        ep = ctx.begin_episode(self.typology, push="up", difficulty=0.3)
        ctx.phase(ep, "bait")
        bid = ctx.quote.bid or 10000
        for k in range(3):
            ctx.submit_labeled(ep, "spoof", "buy", 500, price=bid - k, phase="bait")
        ctx.submit_labeled(ep, "genuine", "sell", 100, price=bid + 2, phase="bait")
        ctx.end_episode(ep)
