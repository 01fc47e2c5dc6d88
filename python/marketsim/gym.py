"""Gymnasium environments on any scenario, the stress days included.

:class:`ExecutionEnv` — optimal execution. Sell (or buy) ``quantity`` shares between ``start``
and ``start + horizon``; every ``step`` of simulated time the policy says what fraction of the
quantity still to do to send now as a market order (the rest is sent at the last step).

* ``action_space``: ``Box(0, 1, (1,))`` — that fraction.
* ``observation_space``: ``Box((5,))``: [0] fraction of the quantity still to do, in [0, 1];
  [1] fraction of the time left, in [0, 1]; [2] mid against the arrival price in percent, in
  [-100, 100]; [3] spread in ticks, in [0, 1000]; [4] touch imbalance (bid - ask)/(bid + ask),
  in [-1, 1].
* reward: each step's fills against the arrival price (the mid at ``start``) in basis points of
  the order's arrival value, positive when selling above (buying below) it; the episode's sum is
  minus the implementation shortfall. Shares left undone at the deadline cost
  ``unfilled_penalty_bps`` (per fraction of the order). ``info["shortfall_bps"]`` so far.

:class:`MarketMakingEnv` — market making. Every step, quote one bid and one ask of
``quote_size`` shares around the mid (a quote whose price is unchanged keeps its queue place).

* ``action_space``: ``Box(0, max_offset_ticks, (2,))`` — bid and ask distance from the mid in
  ticks.
* ``observation_space``: ``Box((5,))``: [0] inventory / ``max_inventory`` in [-1, 1]; [1]
  spread in ticks, in [0, 1000]; [2] touch imbalance in [-1, 1]; [3] the mid's change over the
  last step in ticks, in [-100, 100]; [4] fraction of the time left, in [0, 1].
* reward: change of pnl (cash plus inventory at the mid, currency) minus
  ``inventory_penalty * inventory**2``. ``info["pnl"]``, ``info["inventory"]``.

Both: the policy's seat has its own account and the scenario's latency links; the rest of the
market is the scenario's day with the episode's seed. ``reset(seed=s)`` gives the same episode
for the same ``s`` (and the same actions); without a seed, the next seed comes from the
environment's own generator (seeded by the first ``reset(seed=...)``). ``terminated`` at the
deadline (or when the order is done), ``truncated`` if the session ends first.
Durations are strings as in scenario files ("90s", "10m").

:class:`ExecutionVecEnv` steps many independent execution days at once across cores.
"""

import numpy as np

try:
    import gymnasium as gym
    from gymnasium import spaces
except ImportError as e:  # pragma: no cover - import-time guidance
    raise ImportError("marketsim.gym needs gymnasium: pip install gymnasium") from e

from . import _native

__all__ = ["ExecutionEnv", "MarketMakingEnv", "ExecutionVecEnv"]

_EXEC_LOW = np.array([0.0, 0.0, -100.0, 0.0, -1.0], dtype=np.float32)
_EXEC_HIGH = np.array([1.0, 1.0, 100.0, 1000.0, 1.0], dtype=np.float32)
_MM_LOW = np.array([-1.0, 0.0, -1.0, -100.0, 0.0], dtype=np.float32)
_MM_HIGH = np.array([1.0, 1000.0, 1.0, 100.0, 1.0], dtype=np.float32)


def _obs(values, low, high):
    # Clipped again in float32 so rounding never leaves the documented box.
    return np.clip(np.asarray(values, dtype=np.float32), low, high)


def _seed_from(rng):
    return int(rng.integers(0, 2**63 - 1))


class ExecutionEnv(gym.Env):
    """Optimal execution against the arrival price (see the module's documentation)."""

    metadata = {"render_modes": []}

    def __init__(
        self,
        scenario,
        quantity=10_000,
        side="sell",
        start="10m",
        horizon="30m",
        step="10s",
        unfilled_penalty_bps=100.0,
    ):
        self._core = _native.ExecutionCore(
            str(scenario), side, int(quantity), start, horizon, step, float(unfilled_penalty_bps)
        )
        self.action_space = spaces.Box(0.0, 1.0, shape=(1,), dtype=np.float32)
        self.observation_space = spaces.Box(_EXEC_LOW, _EXEC_HIGH, dtype=np.float32)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        obs = self._core.reset(_seed_from(self.np_random))
        return _obs(obs, _EXEC_LOW, _EXEC_HIGH), self._info()

    def step(self, action):
        a = float(np.asarray(action, dtype=np.float64).reshape(-1)[0])
        obs, reward, terminated, truncated = self._core.step(a)
        return _obs(obs, _EXEC_LOW, _EXEC_HIGH), float(reward), terminated, truncated, self._info()

    def _info(self):
        return {
            "shortfall_bps": self._core.shortfall_bps,
            "arrival_price": self._core.arrival_price,
            "executed": self._core.executed,
        }


class MarketMakingEnv(gym.Env):
    """Market making: pnl minus an inventory penalty (see the module's documentation)."""

    metadata = {"render_modes": []}

    def __init__(
        self,
        scenario,
        start="10m",
        horizon="30m",
        step="5s",
        quote_size=100,
        max_offset_ticks=20.0,
        max_inventory=5_000,
        inventory_penalty=1e-5,
    ):
        self._core = _native.MarketMakingCore(
            str(scenario),
            start,
            horizon,
            step,
            int(quote_size),
            float(max_offset_ticks),
            int(max_inventory),
            float(inventory_penalty),
        )
        self.action_space = spaces.Box(0.0, float(max_offset_ticks), shape=(2,), dtype=np.float32)
        self.observation_space = spaces.Box(_MM_LOW, _MM_HIGH, dtype=np.float32)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        obs = self._core.reset(_seed_from(self.np_random))
        return _obs(obs, _MM_LOW, _MM_HIGH), self._info()

    def step(self, action):
        a = np.asarray(action, dtype=np.float64).reshape(-1)
        obs, reward, terminated, truncated = self._core.step(float(a[0]), float(a[1]))
        return _obs(obs, _MM_LOW, _MM_HIGH), float(reward), terminated, truncated, self._info()

    def _info(self):
        return {"pnl": self._core.pnl, "inventory": self._core.inventory}


class ExecutionVecEnv:
    """``num_envs`` independent execution days stepped together, across cores, without the GIL.

    Follows the Gymnasium vector conventions: ``reset(seed=s)`` seeds the days ``s, s+1, ...``;
    ``step(actions)`` takes an array of shape ``(num_envs, 1)`` and returns batched
    ``(obs, rewards, terminations, truncations, infos)``; a finished day is reset automatically
    (its next observation is the new day's first), with the finished day's last observation in
    ``infos["final_observation"]``.
    """

    def __init__(self, scenario, num_envs=4, **kwargs):
        self._single = ExecutionEnv(scenario, **kwargs)
        self._batch = _native.ExecutionBatch(self._single._core)
        self.num_envs = int(num_envs)
        self.single_action_space = self._single.action_space
        self.single_observation_space = self._single.observation_space
        self._rng = np.random.default_rng()

    def reset(self, *, seed=None, options=None):
        if seed is not None:
            self._rng = np.random.default_rng(seed)
            seeds = [int(seed) + i for i in range(self.num_envs)]
        else:
            seeds = [_seed_from(self._rng) for _ in range(self.num_envs)]
        obs = self._batch.reset(seeds)
        return _obs(obs, _EXEC_LOW, _EXEC_HIGH), {}

    def step(self, actions):
        a = np.asarray(actions, dtype=np.float64).reshape(self.num_envs, -1)[:, 0]
        out = self._batch.step(a.tolist())
        obs = [o for o, _, _, _ in out]
        rewards = np.array([r for _, r, _, _ in out], dtype=np.float64)
        terms = np.array([t for _, _, t, _ in out], dtype=bool)
        truncs = np.array([u for _, _, _, u in out], dtype=bool)
        final = [None] * self.num_envs
        for i in np.flatnonzero(terms | truncs):
            final[i] = _obs(obs[i], _EXEC_LOW, _EXEC_HIGH)
            obs[i] = self._batch.reset_one(int(i), _seed_from(self._rng))
        infos = {"final_observation": final}
        return _obs(obs, _EXEC_LOW, _EXEC_HIGH), rewards, terms, truncs, infos
