"""marketsim from Python: run scenarios and get every table as a ``pyarrow.Table``, put your own
strategies into a day (:class:`Agent`), and train policies in Gymnasium environments
(:mod:`marketsim.gym`).

    >>> import marketsim
    >>> run = marketsim.run("scenarios/quick.toml", seed=3)
    >>> run.trades.num_rows, run.manifest["seed"]

The simulator itself is the Rust library; this package is a thin layer over it. Runs release the
GIL and stop on Ctrl-C (raising ``KeyboardInterrupt``, publishing nothing).
"""

import json
from pathlib import Path

import pyarrow as pa

from . import _native
from .agent import Agent
from .errors import AgentError, MarketsimError, RunError, ScenarioError

__all__ = [
    "Agent",
    "AgentError",
    "MarketsimError",
    "Run",
    "RunError",
    "ScenarioError",
    "check",
    "run",
    "sweep",
]
__version__ = _native.__version__


def _name(key):
    """``"market/orders.parquet"`` -> ``"orders"``."""
    base = key.rsplit("/", 1)[-1]
    return base[: -len(".parquet")] if base.endswith(".parquet") else base


class Run:
    """One finished run: ``manifest`` (a dict) and every table as a ``pyarrow.Table``.

    Tables are attributes named after their files (``run.orders``, ``run.trades``, ``run.book``,
    ``run.accounts``, ``run.public_events``, ``run.entity_links``, ``run.order_labels``,
    ``run.trade_labels``, ``run.episodes``, ``run.account_labels``, ``run.splits``,
    ``run.stress_windows``, ``run.fundamental``), and ``run.tables`` maps each file's path in a
    run directory (``"market/orders.parquet"``) to its table. ``dir`` is the run directory when
    the run was written with ``out=``, else None (the tables then came straight from memory
    through the Arrow C stream interface).
    """

    def __init__(self, manifest, tables, dir=None):
        self.manifest = manifest
        self._tables = tables
        self.dir = None if dir is None else Path(dir)

    @property
    def tables(self):
        return {key: self.table(key) for key in self.table_names()}

    def table_names(self):
        return sorted(self._tables)

    def table(self, name):
        """A table by file path (``"market/orders.parquet"``) or short name (``"orders"``)."""
        key = name if name in self._tables else None
        if key is None:
            matches = [k for k in self._tables if _name(k) == name]
            if not matches:
                raise KeyError(f"no table {name!r}; the run has {', '.join(map(_name, sorted(self._tables)))}")
            key = matches[0]
        value = self._tables[key]
        if not isinstance(value, pa.Table):
            if isinstance(value, Path):
                import pyarrow.parquet as pq

                value = pq.read_table(value)
            else:
                value = pa.table(value)
            self._tables[key] = value
        return value

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self.table(name)
        except KeyError as e:
            raise AttributeError(str(e)) from None

    def to_polars(self, name):
        """The table as a ``polars.DataFrame``."""
        import polars as pl

        return pl.from_arrow(self.table(name))

    def to_pandas(self, name):
        """The table as a ``pandas.DataFrame``."""
        return self.table(name).to_pandas()

    def __repr__(self):
        where = f", dir={str(self.dir)!r}" if self.dir else ""
        return (
            f"Run(scenario={self.manifest['scenario']['name']!r}, seed={self.manifest['seed']}, "
            f"tables={[_name(k) for k in self.table_names()]}{where})"
        )


def _files(dir, manifest):
    return {key: Path(dir) / key for key in manifest.get("row_counts", {})}


def check(scenario, max_events=None):
    """Validates a scenario (a path, or TOML text) without running it. Returns a summary dict;
    raises :class:`ScenarioError` pointing at the offending line."""
    return _native.check(str(scenario), max_events)


def run(scenario, seed=None, out=None, set=None, without=None, agents=None, max_events=None):
    """Runs one scenario and returns a :class:`Run`.

    ``scenario``: a path or TOML text. ``seed``: overrides the scenario's own. ``out``: when
    given, the normal run directory is written under it (``<out>/<scenario>/seed=<n>/``) and the
    tables are read from it; when None, nothing touches the disk. ``set``: overrides as in
    ``--set``, ``{"agents.noise.count": 200, "market.tick_size": 0.05}``. ``without``: event
    names or kinds (or abuse typologies) to drop, for the counterfactual day. ``agents``: Python
    strategies (:class:`Agent` instances or classes) to add, one agent each.
    """
    if isinstance(without, str):
        without = [without]
    manifest, tables, dir = _native.run(
        str(scenario),
        seed,
        None if out is None else str(out),
        None if set is None else dict(set),
        None if without is None else list(without),
        None if agents is None else list(agents),
        max_events,
    )
    manifest = json.loads(manifest)
    if dir is not None:
        return Run(manifest, _files(dir, manifest), dir)
    return Run(manifest, dict(tables))


def sweep(scenario, seeds, set=None, out=None, jobs=None, max_events=None):
    """Runs every combination of ``set`` values (``{"agents.noise.count": [100, 200]}``) for
    every seed, in parallel.

    With ``out``: the library's sweep — Hive-partitioned run directories under ``out``,
    resumable — and its report dict (``total``, ``ran``, ``skipped``, ``summary``: the sweep's
    summary Parquet file). Without: a list of ``(point, seed, Run)`` with the tables in memory.
    """
    result = _native.sweep(
        str(scenario),
        list(seeds),
        None if set is None else dict(set),
        None if out is None else str(out),
        jobs,
        max_events,
    )
    if out is not None:
        return result
    return [(point, seed, Run(json.loads(m), dict(t))) for point, seed, m, t in result]
