"""A random policy for one episode of each marketsim Gymnasium environment.

    pip install ./python gymnasium
    python examples/python/random_gym.py [scenario.toml]
"""

import sys
from pathlib import Path

import marketsim.gym

ROOT = Path(__file__).resolve().parents[2]


def episode(env, seed):
    obs, info = env.reset(seed=seed)
    env.action_space.seed(seed)
    total, steps = 0.0, 0
    while True:
        obs, reward, terminated, truncated, info = env.step(env.action_space.sample())
        total += reward
        steps += 1
        if terminated or truncated:
            return total, steps, info


def main():
    scenario = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "scenarios" / "quick.toml")
    window = dict(start="20s", horizon="90s", step="1s")
    execution = marketsim.gym.ExecutionEnv(scenario, quantity=5_000, **window)
    total, steps, info = episode(execution, seed=1)
    print(
        f"execution: {steps} steps, reward {total:.2f} "
        f"(shortfall {info['shortfall_bps']:.2f} bps, executed {info['executed']} shares)"
    )
    making = marketsim.gym.MarketMakingEnv(scenario, **window)
    total, steps, info = episode(making, seed=1)
    print(f"market making: {steps} steps, reward {total:.2f} (pnl {info['pnl']:.2f}, inventory {info['inventory']})")


if __name__ == "__main__":
    main()
