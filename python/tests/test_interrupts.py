"""Runs release the GIL and stop on Ctrl-C, publishing nothing."""

import signal
import subprocess
import sys
import threading
import time

import marketsim
from conftest import ROOT

BASELINE = str(ROOT / "scenarios" / "baseline.toml")


def test_a_run_releases_the_gil():
    done = threading.Event()
    worker = threading.Thread(target=lambda: (marketsim.run(BASELINE, seed=1), done.set()))
    ticks = 0
    worker.start()
    time.sleep(0.05)
    while not done.is_set():
        ticks += 1
        time.sleep(0.001)
    worker.join()
    # With the GIL held for the whole run this loop would not have advanced until it ended.
    assert ticks > 20


def test_ctrl_c_stops_a_run_and_publishes_nothing(tmp_path):
    code = (
        "import sys, marketsim\n"
        "print('go', flush=True)\n"
        f"marketsim.run({BASELINE!r}, seed=1, out={str(tmp_path)!r})\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert child.stdout.readline().strip() == "go"
    time.sleep(0.3)
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=60)
    assert child.returncode != 0
    assert "KeyboardInterrupt" in err, err
    assert not any(tmp_path.rglob("manifest.json"))
