"""Python strategies inside a run: own account, labeled orders, errors, determinism."""

import hashlib

import pyarrow.compute as pc
import pytest

import marketsim
from conftest import with_python_agent
from strategies import Jittery, Twap


def _account_of(run, family="python"):
    labels = run.account_labels
    mask = pc.equal(labels["family"].cast("string"), family)
    accounts = labels.filter(mask)["account_id"].to_pylist()
    assert len(accounts) == 1
    return accounts[0]


def test_a_python_agents_orders_appear_under_its_account(quick_text):
    text = with_python_agent(quick_text, "strategies:Twap", "{ quantity = 1000, slices = 10 }")
    run = marketsim.run(text, seed=5)
    account = _account_of(run)
    orders = run.orders.filter(pc.equal(run.orders["account_id"], account))
    new = orders.filter(pc.equal(orders["event_type"].cast("string"), "NEW"))
    assert new.num_rows == 10
    assert set(new["side"].cast("string").to_pylist()) == {"SELL"}
    assert set(new["order_type"].cast("string").to_pylist()) == {"MARKET"}
    sold = pc.sum(run.trades.filter(pc.equal(run.trades["sell_account_id"], account))["qty"]).as_py()
    assert 0 < sold <= 1000
    assert account in run.accounts["account_id"].to_pylist()


def test_instances_passed_as_agents_trade_too(quick):
    seller = Twap(quantity=500, slices=5)
    run = marketsim.run(quick, seed=5, agents=[seller])
    account = _account_of(run)
    assert seller.fills > 0, "the instance itself received its fills"
    sells = run.trades.filter(pc.equal(run.trades["sell_account_id"], account))
    assert pc.sum(sells["qty"]).as_py() == seller.fills


def test_a_raising_agent_names_itself_and_the_time_and_publishes_nothing(quick_text, tmp_path):
    text = with_python_agent(quick_text, "strategies:Raises", "{ after = 3 }", name="fragile")
    with pytest.raises(marketsim.AgentError) as e:
        marketsim.run(text, seed=1, out=tmp_path)
    message = str(e.value)
    assert "fragile" in message and "strategies.Raises" in message
    assert "ValueError" in message and "my model diverged" in message
    assert "09:30:03" in message, message  # third wake-up: 3 s after the 09:30 open
    assert isinstance(e.value.__cause__, ValueError)
    assert not any(tmp_path.rglob("manifest.json")), "nothing was published"
    assert not any(p.name.startswith("seed=") for p in tmp_path.rglob("*"))


def test_a_class_that_cannot_be_imported_is_a_clear_error(quick_text):
    text = with_python_agent(quick_text, "strategies:NoSuchClass")
    with pytest.raises(marketsim.AgentError, match="cannot import strategies:NoSuchClass"):
        marketsim.run(text, seed=1)


def test_a_malformed_class_is_a_scenario_error(quick_text):
    text = with_python_agent(quick_text, "no_colon_here")
    with pytest.raises(marketsim.ScenarioError) as e:
        marketsim.check(text)
    assert e.value.field.endswith(".class")


def _digest(run_dir):
    h = {}
    for f in sorted(run_dir.rglob("*.parquet")):
        h[str(f.relative_to(run_dir))] = hashlib.sha256(f.read_bytes()).hexdigest()
    return h


def test_same_seed_same_bytes_with_a_python_agent(quick_text, tmp_path):
    text = with_python_agent(quick_text, "strategies:Jittery")
    a = marketsim.run(text, seed=8, out=tmp_path / "a")
    b = marketsim.run(text, seed=8, out=tmp_path / "b")
    assert _digest(a.dir) == _digest(b.dir)
    mine = _account_of(a)
    assert pc.sum(pc.equal(a.orders["account_id"], mine)).as_py() > 10
    c = marketsim.run(text, seed=9)
    assert not c.orders.equals(a.orders)


def test_a_python_manipulator_labels_its_own_orders(quick):
    from strategies import Spoofer

    run = marketsim.run(quick, seed=2, agents=[Spoofer()])
    labels = run.order_labels.filter(pc.equal(run.order_labels["is_abusive"], True))
    roles = set(labels["role"].cast("string").to_pylist())
    assert roles == {"spoof", "genuine"}
    assert set(labels["typology"].cast("string").to_pylist()) == {"spoofing"}
    assert run.episodes.num_rows == 1
    assert run.episodes["typology"].cast("string")[0].as_py() == "spoofing"


def test_a_team_adds_its_own_typology(quick):
    """A typology the library does not have: labeled, in the episodes and accounts tables, and in
    the manifest's prevalence report like the library's ten."""
    from strategies import Spoofer

    run = marketsim.run(quick, seed=2, agents=[Spoofer("bait_and_switch")])
    labels = run.order_labels.filter(pc.equal(run.order_labels["is_abusive"], True))
    assert set(labels["typology"].cast("string").to_pylist()) == {"bait_and_switch"}
    assert run.episodes["typology"].cast("string").to_pylist() == ["bait_and_switch"]
    abusive = run.account_labels.filter(pc.equal(run.account_labels["is_abusive"], True))
    assert abusive.num_rows == 1
    report = run.manifest["abuse"]["typologies"]["bait_and_switch"]
    assert report["episodes"] == 1 and report["orders"] == 4 and report["accounts"] == 1
    with pytest.raises(Exception, match="lowercase letters"):
        marketsim.run(quick, seed=2, agents=[Spoofer("Bait And Switch")])


def test_a_ctx_kept_after_its_callback_refuses_to_work(quick):
    kept = []

    class Keeper(marketsim.Agent):
        def start(self, ctx):
            kept.append(ctx)

    marketsim.run(quick, seed=1, agents=[Keeper()])
    with pytest.raises(RuntimeError, match="only valid inside the callback"):
        kept[0].buy(100)


def test_bad_order_arguments_raise_inside_the_agent(quick):
    class Bad(marketsim.Agent):
        def start(self, ctx):
            ctx.submit("sideways", 100)

    with pytest.raises(marketsim.AgentError, match="side must be"):
        marketsim.run(quick, seed=1, agents=[Bad()])
