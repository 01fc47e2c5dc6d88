"""marketsim.run / check / sweep: tables over the C data interface, the same as the files."""

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import marketsim
from conftest import with_python_agent


def _decoded(table):
    """The table's values with dictionary columns decoded: Parquet readers rebuild dictionaries
    (and chunks) their own way, so the content is what must match."""
    columns = []
    for col in table.columns:
        if pa.types.is_dictionary(col.type):
            col = col.cast(col.type.value_type)
        columns.append(col)
    return pa.table(columns, names=table.column_names).combine_chunks()


def _without_run_specifics(manifest):
    m = dict(manifest)
    for key in ("files", "wall_seconds"):
        m.pop(key, None)
    return m


def test_in_memory_tables_equal_the_parquet_files_of_the_same_run(quick, tmp_path):
    mem = marketsim.run(quick, seed=3)
    disk = marketsim.run(quick, seed=3, out=tmp_path)
    assert mem.dir is None and disk.dir == tmp_path / "quick" / "seed=3"
    assert sorted(mem.table_names()) == sorted(disk.manifest["row_counts"])
    for key in mem.table_names():
        from_file = pq.read_table(disk.dir / key)
        from_memory = mem.table(key)
        assert from_memory.schema.equals(from_file.schema), key
        assert _decoded(from_memory).equals(_decoded(from_file)), key
        assert from_memory.num_rows == disk.manifest["row_counts"][key]
    assert _without_run_specifics(mem.manifest) == _without_run_specifics(disk.manifest)
    assert mem.manifest["files"] is None and disk.manifest["files"]


def test_tables_are_arrow_polars_and_pandas(quick):
    run = marketsim.run(quick, seed=1)
    assert isinstance(run.trades, pa.Table) and run.trades.num_rows > 0
    assert run.to_polars("trades").height == run.trades.num_rows
    assert len(run.to_pandas("orders")) == run.orders.num_rows
    assert run.table("market/orders.parquet") is run.orders


def test_a_scenario_can_be_toml_text(quick_text):
    run = marketsim.run(quick_text, seed=2)
    assert run.manifest["scenario"]["name"] == "quick"
    assert run.manifest["seed"] == 2


def test_set_overrides_values_like_the_cli(quick):
    run = marketsim.run(quick, seed=2, set={"agents.noise.count": 10})
    groups = run.to_polars("account_labels")["family"].value_counts()
    noise = groups.filter(groups["family"] == "noise")["count"][0]
    assert noise == 10


def test_without_drops_an_event_and_renames_the_day(quick_text):
    text = quick_text + '\n[[events]]\nkind = "news"\nname = "shock"\nat = "09:31:00"\njump = -0.05\n'
    with_news = marketsim.run(text, seed=4)
    without = marketsim.run(text, seed=4, without=["shock"])
    assert without.manifest["scenario"]["name"] == "quick-without-shock"
    assert with_news.public_events.num_rows == 1 and without.public_events.num_rows == 0
    # Same day up to the event: the first orders agree.
    n = 200
    assert with_news.orders.slice(0, n).equals(without.orders.slice(0, n))


def test_scenario_errors_carry_file_line_column_and_field(quick_text):
    bad = quick_text.replace('wake_interval = "2s"', 'wake_interval = "-2s"', 1)
    with pytest.raises(marketsim.ScenarioError) as e:
        marketsim.check(bad)
    err = e.value
    assert err.field == "agents[0].wake_interval"
    assert err.line == bad.splitlines().index('wake_interval = "-2s"') + 1
    assert err.column > 0 and err.file == "<string>"


def test_a_missing_file_is_a_scenario_error():
    with pytest.raises(marketsim.ScenarioError) as e:
        marketsim.run("no/such/scenario.toml")
    assert "no/such/scenario.toml" in e.value.file


def test_an_unknown_without_name_is_refused(quick):
    with pytest.raises(ValueError, match="no event or abuse typology"):
        marketsim.run(quick, without=["not_an_event"])


def test_sweep_in_memory_runs_every_point_and_seed(quick):
    runs = marketsim.sweep(quick, seeds=[1, 2], set={"agents.noise.count": [20, 40]})
    assert [(p["agents.noise.count"], s) for p, s, _ in runs] == [
        ("20", 1), ("20", 2), ("40", 1), ("40", 2)
    ]
    single = marketsim.run(quick, seed=2, set={"agents.noise.count": 40})
    assert runs[3][2].orders.equals(single.orders)


def test_sweep_to_disk_writes_partitioned_runs(quick, tmp_path):
    report = marketsim.sweep(quick, seeds=[1], set={"agents.noise.count": [20, 40]}, out=tmp_path)
    assert report["ran"] == 2
    assert (tmp_path / "quick" / "agents_noise_count=20" / "seed=1" / "manifest.json").exists()


def test_sweep_refuses_python_agents_clearly(quick_text):
    text = with_python_agent(quick_text, "strategies:Twap")
    with pytest.raises(ValueError, match="cannot host Python agents"):
        marketsim.sweep(text, seeds=[1])


def test_a_hybrid_day_runs_from_python_with_its_replay_table():
    """The real AMZN day replayed (scenarios/replay_amzn.toml reads ../shared beside the project):
    in memory, the book is the real one after every message and each message has its row."""
    from conftest import ROOT

    scenario = ROOT / "scenarios" / "replay_amzn.toml"
    run = marketsim.run(str(scenario))
    assert run.manifest["replay"]["adjustments"]["rows_diverged"] == 0
    table = run.tables["labels/replay.parquet"]
    assert table.num_rows == run.manifest["replay"]["adjustments"]["messages"] == 57515
    kinds = set(run.tables["market/orders.parquet"].column("order_type").to_pylist())
    assert "HIDDEN" in kinds
