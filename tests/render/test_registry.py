"""Every registered format renders through the registry and the `report` command."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from auditor.cli import cli
from auditor.evidence.render import RENDERERS

MINE = {
    "html": "report.html",
    "pdf": "report.pdf",
    "sarif": "report.sarif",
    "junit": "report.junit.xml",
    "csv": "report.csv",
    "ocsf": "report.ocsf.json",
}


@pytest.mark.parametrize(("name", "filename"), sorted(MINE.items()))
def test_registered(name, filename):
    renderer = RENDERERS[name]
    assert renderer.name == name
    assert renderer.filename("report") == filename
    assert renderer.media_type


def test_report_command_writes_every_format(result, tmp_path):
    source = tmp_path / "result.json"
    source.write_bytes(RENDERERS["json"].render(result))
    formats = ",".join(name for name in MINE if name != "pdf")
    run = CliRunner().invoke(cli, ["report", str(source), "--format", formats])
    assert run.exit_code == 0, run.output
    for name, filename in MINE.items():
        if name != "pdf":
            written = tmp_path / filename
            assert written.read_bytes() == RENDERERS[name].render(result), name
