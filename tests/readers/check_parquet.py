"""Reads every Parquet file of one run with pyarrow, polars and DuckDB and checks names and types.

Usage: python3 tests/readers/check_parquet.py RUN_DIR
The Rust tests prove what we write; this proves that the tools our users actually use read it with
no casting. Exits non-zero with a message on the first mismatch.
"""
import json
import pathlib
import sys

import duckdb

DB = duckdb.connect()


def sql(query):
    return DB.execute(query).fetchall()
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

TS = pa.timestamp("ns", tz="UTC")
DICT = pa.dictionary(pa.int32(), pa.string())
U64, I64, F64 = pa.uint64(), pa.int64(), pa.float64()

EXPECTED = {
    "orders": [
        ("event_id", U64), ("timestamp", TS), ("order_id", U64), ("account_id", U64),
        ("event_type", DICT), ("side", DICT), ("order_type", DICT), ("price", F64),
        ("price_ticks", I64), ("qty", U64), ("remaining_qty", U64), ("trade_id", U64),
        ("fill_price", F64), ("fill_price_ticks", I64), ("reject_reason", DICT),
    ],
    "trades": [
        ("trade_id", U64), ("event_id", U64), ("timestamp", TS), ("price", F64), ("price_ticks", I64),
        ("qty", U64), ("aggressor_side", DICT), ("buy_order_id", U64), ("sell_order_id", U64),
        ("buy_account_id", U64), ("sell_account_id", U64),
    ],
    "accounts": [("account_id", U64), ("participant_id", U64), ("account_type", DICT)],
    "public_events": [("timestamp", TS), ("event", DICT), ("detail", pa.string())],
    "entity_links": [("account_id", U64), ("linked_account_id", U64), ("relation", DICT)],
}

BOOL, U32 = pa.bool_(), pa.uint32()

LABELS = {
    "fundamental": [("timestamp", TS), ("value", F64)],
    "order_labels": [
        ("event_id", U64), ("timestamp", TS), ("order_id", U64), ("is_abusive", BOOL), ("typology", DICT),
        ("episode_id", U32), ("role", DICT), ("phase", DICT), ("observed_is_abusive", BOOL),
        ("observed_at", TS),
    ],
    "trade_labels": [
        ("trade_id", U64), ("timestamp", TS), ("is_abusive", BOOL), ("typology", DICT), ("episode_id", U32),
        ("buy_episode_id", U32), ("sell_episode_id", U32), ("buy_typology", DICT), ("sell_typology", DICT),
        ("buy_role", DICT), ("sell_role", DICT),
        ("same_beneficial_owner", BOOL),
    ],
    "episodes": [
        ("episode_id", U32), ("typology", DICT), ("accounts", pa.list_(U64)),
        ("victim_accounts", pa.list_(U64)), ("start", TS), ("end", TS), ("phases", pa.string()),
        ("impact_bps", F64), ("pnl", F64), ("orders", U64), ("order_events", U64), ("cancels", U64),
        ("trades", U64), ("volume", U64), ("difficulty", F64), ("parameters", pa.string()),
        ("split", DICT), ("observed_missed", BOOL), ("observed_late", BOOL),
    ],
    "account_labels": [
        ("account_id", U64), ("family", DICT), ("role", DICT), ("is_abusive", BOOL),
        ("episode_ids", pa.list_(U32)),
    ],
    "splits": [("split", DICT), ("start", TS), ("end", TS), ("episodes", U64)],
    "stress_windows": [
        ("name", pa.string()), ("kind", DICT), ("start", TS), ("end", TS), ("parameters", pa.string()),
    ],
}


# Only on hybrid days (a scenario with [replay]): which order each real message became.
REPLAY = [
    ("line", U32), ("timestamp", TS), ("lobster_type", DICT), ("lobster_order_id", U64),
    ("order_id", U64), ("taker_order_id", U64), ("event_id", U64), ("outcome", DICT),
    ("corrections", U32),
]


def book_columns(levels):
    cols = [("event_id", U64), ("timestamp", TS)]
    for side in ("bid", "ask"):
        for k in range(1, levels + 1):
            cols += [(f"{side}_price_{k}", F64), (f"{side}_qty_{k}", U64)]
    return cols


def fail(msg):
    print(f"check_parquet: FAIL: {msg}")
    sys.exit(1)


def main(run_dir):
    run = pathlib.Path(run_dir)
    manifest = json.loads((run / "manifest.json").read_text())
    levels = None
    for line in manifest["scenario"]["text"].splitlines():
        if line.strip().startswith("depth_levels"):
            levels = int(line.split("=")[1].split("#")[0])
    expected = dict(EXPECTED)
    expected["book"] = book_columns(levels or 10)
    checked = 0
    labels = dict(LABELS)
    if manifest.get("replay"):
        labels["replay"] = REPLAY
    files = [("market", n, c) for n, c in expected.items()] + [("labels", n, c) for n, c in labels.items()]
    for folder, name, columns in files:
        path = run / folder / f"{name}.parquet"
        if not path.exists():
            fail(f"{path} missing")
        table = pq.read_table(path)
        got = [(f.name, f.type) for f in table.schema]
        if got != columns:
            for (gn, gt), (en, et) in zip(got, columns):
                if (gn, gt) != (en, et):
                    fail(f"{path}: column {gn}: {gt}, expected {en}: {et}")
            fail(f"{path}: {len(got)} columns, expected {len(columns)}")
        rows = manifest["row_counts"][f"{folder}/{name}.parquet"]
        if rows != table.num_rows:
            fail(f"{path}: {table.num_rows} rows, manifest says {rows}")
        df = pl.read_parquet(path)
        if df.height != table.num_rows:
            fail(f"polars read {df.height} rows of {path}, pyarrow {table.num_rows}")
        n = sql(f"select count(*) from read_parquet('{path}')")[0][0]
        if n != table.num_rows:
            fail(f"duckdb read {n} rows of {path}, pyarrow {table.num_rows}")
        checked += 1
        print(f"ok {name}: {table.num_rows} rows, {len(columns)} columns (pyarrow, polars, duckdb)")

    # Prices in currency must equal ticks x tick size, to the tick's precision.
    tick = manifest["market"]["tick_size"]
    bad = sql(
        f"select count(*) from read_parquet('{run / 'market' / 'trades.parquet'}') "
        f"where abs(price - price_ticks * {tick}) > {tick} / 1000"
    )[0][0]
    if bad:
        fail(f"{bad} trades whose price disagrees with price_ticks")
    ts = sql(f"select min(timestamp)::varchar, max(timestamp)::varchar from read_parquet('{run / 'market' / 'orders.parquet'}')")[0]
    print(f"ok orders span {ts[0]} .. {ts[1]}")
    for row in sql(f"select kind, start::varchar, parameters from read_parquet('{run / 'labels' / 'stress_windows.parquet'}')"):
        json.loads(row[2])
        print(f"ok stress window {row[0]} from {row[1]}: {row[2]}")
    # Labels join one-to-one with the market files they describe.
    o, l = run / "market" / "orders.parquet", run / "labels" / "order_labels.parquet"
    unmatched = sql(
        f"select count(*) from read_parquet('{o}') o full join read_parquet('{l}') l using (event_id) "
        f"where o.event_id is null or l.event_id is null"
    )[0][0]
    if unmatched:
        fail(f"{unmatched} order events without a label row or label rows without an event")
    for typology, n in sql(
        f"select typology::varchar, count(*) from read_parquet('{l}') where is_abusive group by 1 order by 1"
    ):
        print(f"ok {typology}: {n} labeled order events")
    print(f"{checked} passed, 0 failed")


if __name__ == "__main__":
    main(sys.argv[1])
