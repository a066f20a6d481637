"""The project's ``gunicorn.conf.py`` (production and ``make bench``): loaded the way gunicorn loads
it, its settings are the README's (sync workers, 2 × cores + 1, the app preloaded) and its hooks
freeze the garbage collector's view of the loaded application before a worker serves."""

import gc
import os
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def load(monkeypatch, **environ):
    """A gunicorn ``Config`` with the file applied as gunicorn applies a config file: every
    top-level name that is a setting is set (and validated: a hook with the wrong number of
    arguments is refused)."""
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    cfg = Config()
    for name, value in runpy.run_path(str(CONF)).items():
        if name in cfg.settings:
            cfg.set(name, value)
    return cfg


@pytest.fixture
def unfrozen():
    """Whatever a hook freezes is given back to the collector after the test."""
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_production_settings(monkeypatch):
    cfg = load(monkeypatch)
    assert cfg.wsgi_app == "kuzbib_site.wsgi:application"
    assert cfg.address == [("127.0.0.1", 8000)]
    assert cfg.worker_class_str == "sync"
    assert cfg.workers == 2 * len(os.sched_getaffinity(0)) + 1
    assert cfg.preload_app is True


def test_web_concurrency_overrides_the_worker_count(monkeypatch):
    assert load(monkeypatch, WEB_CONCURRENCY="3").workers == 3


def test_master_freezes_the_loaded_application_before_each_fork(monkeypatch, unfrozen):
    cfg = load(monkeypatch)
    loaded = [object() for _ in range(100)]  # stands for what preload_app imported
    assert gc.get_freeze_count() == 0
    assert gc.is_tracked(loaded)
    cfg.pre_fork(server=None, worker=None)
    assert gc.get_freeze_count() >= len(loaded)


def test_a_worker_that_loaded_the_app_itself_freezes_it(monkeypatch, unfrozen):
    cfg = load(monkeypatch)
    cfg.set("preload_app", False)
    cfg.post_worker_init(SimpleNamespace(cfg=cfg))
    assert gc.get_freeze_count() > 0


def test_a_preloaded_worker_leaves_the_freeze_to_the_master(monkeypatch, unfrozen):
    cfg = load(monkeypatch)
    cfg.post_worker_init(SimpleNamespace(cfg=cfg))
    assert gc.get_freeze_count() == 0
