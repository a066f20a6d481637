"""The demo's content, kept as TOML tables beside this module so that the loaders around it hold
only what they do with it: ``read("events")`` is ``events.toml``, parsed once."""

import functools
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent


@functools.cache
def read(name):
    """The table ``name``.toml as a dict (shared: do not change it)."""
    return tomllib.loads((HERE / f"{name}.toml").read_text(encoding="utf-8"))
