"""The README is tested: its two commands are the ones CI runs, every CLI command is documented,
its console example is real output, and its Python snippet runs (pytest --doctest-glob)."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from graph.cli import app
from graph.store import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
CI = (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def command_after(marker: str) -> str:
    lines = README.splitlines()
    i = lines.index(marker)
    assert lines[i + 1].startswith("```"), f"a code block must follow {marker}"
    return lines[i + 2].strip()


def test_readme_opens_with_the_two_commands():
    first_blocks = re.findall(r"```bash\n(.+?)\n```", README)[:2]
    assert first_blocks == [command_after("<!-- setup-and-start -->"),
                            command_after("<!-- run-tests -->")]
    assert command_after("<!-- setup-and-start -->").endswith("&& .venv/bin/causemap app")


def test_ci_runs_the_readme_commands():
    # .ci/run reads both commands out of the README by these markers, so they cannot drift.
    assert "<!-- setup-and-start -->" in CI and "<!-- run-tests -->" in CI
    assert "playwright install" not in CI


def test_every_cli_command_is_documented():
    import typer.main
    names = typer.main.get_command(app).list_commands(None)
    assert names, "no commands registered"
    for name in names:
        assert f"`causemap {name}" in README, f"README does not document `causemap {name}`"


def console_examples() -> list[tuple[str, str]]:
    """(command, expected output) pairs from the README's ```console blocks."""
    examples = []
    for block in re.findall(r"```console\n(.+?)```", README, flags=re.S):
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, output = chunk.partition("\n")
            examples.append((command.strip(), output.strip()))
    return examples


@pytest.mark.parametrize("command,expected", console_examples(), ids=lambda x: x[:40])
def test_console_example_is_real_output(command, expected):
    args = shlex.split(command)
    assert args[0] == ".venv/bin/causemap"
    exe = str(Path(sys.executable).parent / "causemap")
    out = subprocess.run([exe, *args[1:]], capture_output=True, text=True, cwd=ROOT,
                         timeout=120).stdout
    assert out.strip() == expected
