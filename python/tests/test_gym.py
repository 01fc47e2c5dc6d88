"""The Gymnasium environments: checker, determinism, rewards."""

import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

from marketsim.gym import ExecutionEnv, ExecutionVecEnv, MarketMakingEnv

WINDOW = dict(start="20s", horizon="60s", step="1s")


@pytest.fixture
def execution(quick):
    return ExecutionEnv(quick, quantity=2000, **WINDOW)


@pytest.fixture
def market_making(quick):
    return MarketMakingEnv(quick, **WINDOW)


def test_the_execution_env_passes_check_env(execution):
    check_env(execution, skip_render_check=True)


def test_the_market_making_env_passes_check_env(market_making):
    check_env(market_making, skip_render_check=True)


def _episode(env, seed, policy):
    obs, _ = env.reset(seed=seed)
    trace = [obs]
    rewards = []
    while True:
        obs, r, terminated, truncated, info = env.step(policy(obs))
        trace.append(obs)
        rewards.append(r)
        if terminated or truncated:
            return np.array(trace), np.array(rewards), info


def test_same_seed_same_episode(execution):
    policy = lambda obs: np.array([0.1 + 0.5 * obs[4] ** 2], dtype=np.float32)  # noqa: E731
    a = _episode(execution, 11, policy)
    b = _episode(execution, 11, policy)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    c = _episode(execution, 12, policy)
    assert not np.array_equal(a[0], c[0])


def test_execution_rewards_sum_to_minus_the_shortfall_and_the_order_completes(execution):
    _, rewards, info = _episode(execution, 3, lambda obs: np.array([0.2], dtype=np.float32))
    assert info["executed"] == 2000
    assert rewards.sum() == pytest.approx(-info["shortfall_bps"])


def test_market_making_same_seed_same_pnl(market_making):
    policy = lambda obs: np.array([0.0, 0.0], dtype=np.float32)  # noqa: E731
    a = _episode(market_making, 5, policy)
    b = _episode(market_making, 5, policy)
    np.testing.assert_array_equal(a[1], b[1])
    assert a[2]["inventory"] != 0 or a[2]["pnl"] != 0.0, "quotes at the touch trade"


def test_a_window_past_the_close_is_refused(quick):
    with pytest.raises(ValueError, match="does not fit"):
        ExecutionEnv(quick, start="1m", horizon="10m")


def test_the_vector_env_matches_single_envs(quick):
    vec = ExecutionVecEnv(quick, num_envs=3, quantity=2000, **WINDOW)
    obs, _ = vec.reset(seed=40)
    single = ExecutionEnv(quick, quantity=2000, **WINDOW)
    for i in range(3):
        # Day i of the batch is the core's episode with seed 40 + i.
        first = single._core.reset(40 + i)
        np.testing.assert_allclose(obs[i], np.asarray(first, dtype=np.float32))
    actions = np.full((3, 1), 0.1, dtype=np.float32)
    obs, rewards, terms, truncs, _ = vec.step(actions)
    assert obs.shape == (3, 5) and rewards.shape == (3,)
