"""docs/limits.md documents every limit: its table is exactly the one graph/store/limits.py makes
from SETTINGS, every setting is read somewhere, and the README links the page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graph.errors import DataLoadError
from graph.store.limits import SETTINGS, markdown_table, setting

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "limits.md"


def test_the_page_holds_the_generated_table():
    text = PAGE.read_text(encoding="utf-8")
    m = re.search(r"<!-- limits-table:[^>]*-->\n(.*?)<!-- /limits-table -->", text, re.S)
    assert m, "docs/limits.md lost its limits-table markers"
    assert m.group(1) == markdown_table(), (
        "docs/limits.md is out of date: paste graph.store.limits.markdown_table() between the "
        "markers")


def test_every_setting_is_used_by_the_code():
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "graph").rglob("*.py")
                        if p.name != "limits.py")
    for key in SETTINGS:
        assert re.search(rf"""["']{key}["']""", sources), f"setting {key} is never read"


def test_every_causemap_variable_in_the_code_is_documented():
    sources = "\n".join(p.read_text(encoding="utf-8") for folder in ("graph", "app")
                        for p in (ROOT / folder).rglob("*.py"))
    documented = PAGE.read_text(encoding="utf-8")
    limitish = re.compile(
        r"CAUSEMAP_(?:\w*(?:SECONDS|MB|BYTES|ROWS|TRIPLES|WORKERS|QUERIES|RERUNS|FILES|UPLOADS))\b")
    for name in set(limitish.findall(sources)):
        assert name in documented, f"{name} is not in docs/limits.md"


def test_the_readme_links_the_page():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(docs/limits.md)" in readme


@pytest.mark.parametrize("key", sorted(SETTINGS))
def test_each_setting_reads_the_environment_and_refuses_nonsense(monkeypatch, key):
    s = SETTINGS[key]
    monkeypatch.setenv(s.env, str(int(s.high) if s.whole else s.high))
    assert setting(key) == s.high
    for bad in ("lots", "nan", "inf", str(s.high * 10 + 1), "-1e9"):
        monkeypatch.setenv(s.env, bad)
        with pytest.raises(DataLoadError, match=rf"^{s.env} must be a "):
            setting(key)
    monkeypatch.delenv(s.env)
    assert setting(key) == s.default


def test_the_upload_limits_are_documented_with_their_defaults():
    from app.uploads import SETTINGS as UPLOADS

    documented = PAGE.read_text(encoding="utf-8")
    for env, default, low, high, _ in UPLOADS.values():
        assert f"| `{env}` | {default:,} | {low:,}–{high:,} |" in documented, env


def test_the_per_tab_limits_are_documented_with_their_defaults(monkeypatch):
    from app.rerun_pace import RERUNS_ENV, RerunPace
    from app.session_queries import CONCURRENT_ENV, SECONDS_ENV, SessionQuota

    for env in (CONCURRENT_ENV, SECONDS_ENV, RERUNS_ENV):
        monkeypatch.delenv(env, raising=False)  # the defaults (conftest raises the pace)
    documented = PAGE.read_text(encoding="utf-8")
    quota = SessionQuota()
    for env, default in ((CONCURRENT_ENV, quota.concurrent), (SECONDS_ENV, quota.seconds_per_minute),
                         (RERUNS_ENV, RerunPace().reruns)):
        assert f"| `{env}` | {default:,} |" in documented, env
