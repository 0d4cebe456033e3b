"""HR's tools: the JSON Schema for editors, the flow diagram, the preview."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from ruamel.yaml import YAML

from bot.app.cli import main
from bot.app.commands.dialogs import schema_json
from bot.dialog.script import bundled_script_path

DIALOGS = bundled_script_path().parent
SCRIPTS = [bundled_script_path("pop", lang) for lang in ("nl", "en")]


def test_the_committed_schema_is_the_generated_one() -> None:
    assert (DIALOGS / "schema.json").read_text(encoding="utf-8") == schema_json(), (
        "dialogs/schema.json is stale: run 'popbot dialogs schema'"
    )


def test_popbot_dialogs_schema_writes_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "schema.json"
    assert main(["dialogs", "schema", "-o", str(out)]) == 0
    schema = json.loads(out.read_text(encoding="utf-8"))
    assert "$schema" not in schema  # editors' YAML language server prefers it absent
    assert "steps" in schema["properties"]


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.name)
def test_every_script_points_editors_at_the_schema_and_passes_it(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=schema.json"
    schema = json.loads((DIALOGS / "schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(YAML(typ="safe").load(text), schema)  # what the editor checks while typing


def test_the_schema_flags_a_typo_as_an_editor_would() -> None:
    schema = json.loads((DIALOGS / "schema.json").read_text(encoding="utf-8"))
    data = YAML(typ="safe").load(SCRIPTS[0].read_text(encoding="utf-8"))
    data["steps"][0]["questions"][0]["kindd"] = "text"
    with pytest.raises(jsonschema.ValidationError, match="kindd"):
        jsonschema.validate(data, schema)


def test_the_mermaid_diagram_shows_steps_as_groups_and_conditions_on_arrows(tmp_path: Path) -> None:
    out = tmp_path / "flow.mmd"
    assert main(["dialogs", "graph", str(SCRIPTS[0]), "-o", str(out)]) == 0
    mmd = out.read_text(encoding="utf-8")
    assert mmd.splitlines()[3] == "stateDiagram-v2"
    assert 'state "2. Waar sta ik nu?" as waar_sta_ik' in mmd
    assert "state waar_sta_ik {" in mmd
    assert "meedoen__route --> waar_sta_ik__goed_in: route = volledig" in mmd
    assert "meedoen__route --> waar_naartoe__plezier: next" in mmd


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is installed by .ci/run")
@pytest.mark.parametrize("suffix", ["svg", "png"])
def test_the_picture_is_drawn(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"flow.{suffix}"
    assert main(["dialogs", "graph", str(SCRIPTS[0]), "-o", str(out)]) == 0
    data = out.read_bytes()
    if suffix == "svg":
        svg = data.decode("utf-8")
        assert "<svg" in svg and "Waar sta ik nu?" in svg and "route = volledig" in svg
    else:
        assert data.startswith(b"\x89PNG")


def test_an_unknown_picture_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dialogs", "graph", str(SCRIPTS[0]), "-o", str(tmp_path / "flow.gif")]) == 1
    assert "unknown diagram format '.gif'" in capsys.readouterr().err


def test_preview_runs_a_script_without_touching_real_data(tmp_path: Path) -> None:
    draft = tmp_path / "pop.nl.yaml"
    draft.write_text(
        SCRIPTS[0]
        .read_text(encoding="utf-8")
        .replace("Waar krijg je energie van?", "Waar word jij blij van?"),
        encoding="utf-8",
    )
    real = tmp_path / "data"
    env = {**os.environ, "POPBOT_DATA_DIR": str(real), "PYTHONIOENCODING": "utf-8"}
    run = subprocess.run(
        [sys.executable, "-m", "bot.app.cli", "dialogs", "preview", str(draft)],
        input="1\nPlannen\nPuzzelen\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert "Waar word jij blij van?" in run.stdout
    assert not real.exists()


def test_the_readme_shows_the_current_flow(tmp_path: Path) -> None:
    out = tmp_path / "flow.md"
    assert main(["dialogs", "graph", str(SCRIPTS[0]), "-o", str(out)]) == 0
    readme = (Path(__file__).parent.parent.parent / "README.md").read_text(encoding="utf-8")
    start, end = readme.index("<!-- flow:start -->\n"), readme.index("<!-- flow:end -->")
    assert readme[start + len("<!-- flow:start -->\n") : end] == out.read_text(encoding="utf-8"), (
        "README's diagram is stale: regenerate it with popbot dialogs graph dialogs/pop.nl.yaml -o flow.md"
    )


def test_titles_and_texts_cannot_break_the_diagram(tmp_path: Path) -> None:
    """A step title or question with quotes, brackets or a line break is a label, not syntax."""
    text = (
        SCRIPTS[0]
        .read_text(encoding="utf-8")
        .replace("title: Waar sta ik nu?", 'title: "Waar \\"sta\\" ik]: nu; {#1} |x| <b>\\n--> hier?"', 1)
    )
    script = tmp_path / "pop.nl.yaml"
    script.write_text(text, encoding="utf-8")
    out = tmp_path / "flow.mmd"
    assert main(["dialogs", "graph", str(script), "-o", str(out)]) == 0
    line = next(x for x in out.read_text(encoding="utf-8").splitlines() if x.endswith(" as waar_sta_ik"))
    label = line.strip().removeprefix('state "').removesuffix('" as waar_sta_ik')
    assert label.startswith("2. Waar 'sta' ik") and not any(c in label for c in '"[]{};:#|<>\n')
