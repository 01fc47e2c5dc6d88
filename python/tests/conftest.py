import os
from pathlib import Path

import pytest

#: The repository's root: the library scenarios live in its scenarios/ folder.
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def quick():
    return str(ROOT / "scenarios" / "quick.toml")


@pytest.fixture
def quick_text(quick):
    return Path(quick).read_text()


def with_python_agent(text, cls, params="{}", name="mine"):
    return (
        text
        + f'\n[[agents]]\ntype = "python"\nname = "{name}"\nclass = "{cls}"\ncount = 1\nparams = {params}\n'
    )
