"""What crossing into Python costs (a benchmark to run by hand, not a timed test).

    pip install ./python gymnasium
    python python/bench/bench.py [--repeat 3]

1. Python callbacks per second: a busy agent (a wake-up every millisecond, an order and a
   cancel each time, so reports flow back) — the run's extra wall time over the same day
   without it, divided by the callbacks it received.
2. The baseline day with one Python agent waking every 100 ms against the pure-Rust day.
3. Gym steps per second of the execution env (stepping only; resets timed apart).
"""

import argparse
import statistics
import time
from pathlib import Path

import numpy as np

import marketsim

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "baseline.toml"
QUICK = ROOT / "scenarios" / "quick.toml"


class Counting(marketsim.Agent):
    """Wakes every ``every`` seconds; with ``trade``, posts a far limit order and cancels it."""

    def __init__(self, every, trade):
        super().__init__()
        self.every, self.trade = every, trade
        self.callbacks = 0
        self.last = None

    def start(self, ctx):
        self.callbacks += 1
        ctx.wake_after(self.every)

    def on_wake(self, ctx):
        self.callbacks += 1
        q = ctx.quote
        if self.trade and q.bid is not None:
            if self.last is not None:
                ctx.cancel(self.last)
            self.last = ctx.buy(100, price=q.bid - 20)
        ctx.wake_after(self.every)

    def on_report(self, report, ctx):
        self.callbacks += 1


def timed(fn, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()
    r = args.repeat

    rust, _ = timed(lambda: marketsim.run(BASELINE, seed=1), r)
    print(f"baseline day, pure Rust (in memory): {rust:.2f} s")

    def with_agent(every, trade):
        agent = Counting(every, trade)
        marketsim.run(BASELINE, seed=1, agents=[agent])
        return agent.callbacks

    slow, callbacks = timed(lambda: with_agent(0.1, False), r)
    print(
        f"baseline day + one Python agent waking every 100 ms: {slow:.2f} s "
        f"({callbacks} callbacks): {100 * (slow / rust - 1):+.1f} %"
    )
    import tempfile

    with tempfile.TemporaryDirectory() as out:
        rust_files, _ = timed(lambda: marketsim.run(BASELINE, seed=1, out=out + "/a"), 1)
        agent = Counting(0.1, False)
        slow_files, _ = timed(lambda: marketsim.run(BASELINE, seed=1, out=out + "/b", agents=[agent]), 1)
    print(
        f"the same, writing the run directory: {rust_files:.2f} s pure Rust, {slow_files:.2f} s with "
        f"the agent: {100 * (slow_files / rust_files - 1):+.1f} %"
    )
    busy, callbacks = timed(lambda: with_agent(0.01, True), r)
    per_second = callbacks / max(busy - rust, 1e-9)
    print(
        f"busy Python agent (10 ms wakes, order + cancel each): {busy:.2f} s, {callbacks} callbacks "
        f"-> {per_second:,.0f} Python callbacks per second of extra wall time"
    )

    from marketsim.gym import ExecutionEnv

    for scenario, window in (
        (QUICK, dict(start="20s", horizon="90s", step="1s")),
        (BASELINE, dict(start="30m", horizon="60m", step="1s")),
        (BASELINE, dict(start="30m", horizon="60m", step="100ms")),
    ):
        env = ExecutionEnv(scenario, quantity=20_000, **window)
        action = np.array([0.01], dtype=np.float32)
        steps, stepping, resets = 0, 0.0, 0.0
        for seed in range(r):
            t = time.perf_counter()
            env.reset(seed=seed)
            resets += time.perf_counter() - t
            t = time.perf_counter()
            done = False
            while not done:
                _, _, term, trunc, _ = env.step(action)
                steps += 1
                done = term or trunc
            stepping += time.perf_counter() - t
        print(
            f"gym execution env on {scenario.name} (step {window['step']}): "
            f"{steps / stepping:,.0f} steps/s, reset {resets / r:.2f} s"
        )


if __name__ == "__main__":
    main()
