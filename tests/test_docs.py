"""Every command the documentation shows is run, so the documentation cannot drift from the CLI.

The fenced shell blocks (```sh, ```bash, ```shell, ```console) of README.md and docs/*.md are
extracted and their commands run in document order, in one working directory, against ONE sample
environment shared by the whole module (moto's server behind the recorded-answers proxy and the
GCP emulator, as ``baa-audit demo`` uses them): ``AWS_ENDPOINT_URL`` and ``BAA_AUDIT_GCP_ENDPOINT``
point every documented scan at them. A command passes when it exits with a documented code other
than 2 (usage or input error) and prints no traceback; a command whose comment states its exit
(``# exit 2: refused until approved``) must exit with exactly that code. ``$EDITOR FILE`` runs a
script that does what the docs ask of the person editing (see :data:`EDITOR_SCRIPT`). A block that is not marked as shell but
holds ``baa-audit`` commands is itself a failure: mark it, so it is run.

The few commands that cannot run here are listed in :data:`EXCEPTIONS`, each with its reason and
what is checked instead: parsing by the CLI itself (click resolves every option and value, exactly
as on a real run, without running it), a nox session that exists, or a package extra that exists.
"""

from __future__ import annotations

import ast
import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import click
import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_BAA = REPO.parent / "shared" / "baa"
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
SHELL_LANGS = {"sh", "bash", "shell", "console"}
FENCE = re.compile(r"^```([\w-]*)[^\n]*\n(.*?)^```", re.S | re.M)
#: exit codes a documented command may end with (README: 0 clean, 1 failures, 3 incomplete;
#: diff: 4 other changes). 2 is a usage or input error: the documentation is wrong.
DOCUMENTED_CODES = {0, 1, 3, 4}

pytestmark = [pytest.mark.e2e]


@dataclass(frozen=True)
class Command:
    doc: str  # README.md, docs/aws.md
    line: int
    text: str  # one command, continuation lines joined

    @property
    def where(self) -> str:
        return f"{self.doc}:{self.line}"


def fenced_blocks(path: Path) -> Iterator[tuple[int, str, str]]:
    """(line of the opening fence, language, body) of every fenced block."""
    text = path.read_text(encoding="utf-8")
    for match in FENCE.finditer(text):
        yield text[: match.start()].count("\n") + 1, match.group(1).lower(), match.group(2)


def commands_of(body: str) -> list[tuple[int, str]]:
    """(line offset, command) of a shell block: continuations joined, prompts and comments off."""
    out: list[tuple[int, str]] = []
    pending: list[str] = []
    start = 0
    for offset, raw in enumerate(body.splitlines(), start=1):
        line = raw.rstrip()
        if not pending:
            start = offset
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            line = line.removeprefix("$ ")
        if line.endswith("\\"):
            pending.append(line[:-1].strip())
            continue
        pending.append(line.strip())
        out.append((start, " ".join(p for p in pending if p)))
        pending = []
    return out


def documented_commands() -> list[Command]:
    found = []
    for path in DOCS:
        rel = str(path.relative_to(REPO))
        for line, lang, body in fenced_blocks(path):
            if lang in SHELL_LANGS:
                found.extend(Command(rel, line + off, text) for off, text in commands_of(body))
    return found


def unmarked_command_blocks() -> list[str]:
    """Blocks holding baa-audit commands that are not marked as shell (so would not be run)."""
    bad = []
    for path in DOCS:
        rel = str(path.relative_to(REPO))
        for line, lang, body in fenced_blocks(path):
            if lang in SHELL_LANGS:
                continue
            if any(
                row.strip().removeprefix("$ ").startswith("baa-audit ") for row in body.splitlines()
            ):
                bad.append(f"{rel}:{line} (```{lang or ''})")
    return bad


# -- what cannot run here, and what is checked instead ----------------------------------------


def _nox_session(command: str) -> None:
    """The session exists in noxfile.py (nox itself would build a virtual environment from PyPI,
    or, for ``tests``, run this very suite)."""
    words = shlex.split(command, comments=True)
    name = words[words.index("-s") + 1]
    tree = ast.parse((REPO / "noxfile.py").read_text())
    sessions = {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef)
        and any("session" in ast.unparse(d) for d in node.decorator_list)
    }
    assert name in sessions, f"noxfile.py has no session {name!r}"


def _pip_extra(command: str) -> None:
    """The extras named exist in pyproject.toml (pip would download from PyPI; the test
    environment already has every extra installed)."""
    extras = tomllib.loads((REPO / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    for spec in re.findall(r"baa-audit\[([^\]]+)\]", command):
        for extra in spec.split(","):
            assert extra.strip() in extras, f"no extra {extra!r} in pyproject.toml"


def parse_only(command: str) -> None:
    """Parse the baa-audit part of ``command`` with the CLI itself, without running it: every
    subcommand, option, choice and type is checked as on a real run."""
    from auditor.cli import cli

    # a command substitution stands for one word (a path such as runs/$(date -u +%F))
    words = shlex.split(re.sub(r"\$\([^)]*\)", "SUBSTITUTED", command), comments=True)
    while words and re.fullmatch(r"[A-Z_][A-Z0-9_]*=.*", words[0]):
        words.pop(0)  # VAR=value prefixes
    assert words and words[0] == "baa-audit", command
    cmd: click.Command = cli
    args = words[1:]
    parent: click.Context | None = None
    name = "baa-audit"
    while True:
        ctx = cmd.make_context(name, list(args), parent=parent)
        if not isinstance(cmd, click.Group):
            return
        rest = [*getattr(ctx, "_protected_args", []), *ctx.args]
        sub_name, sub, rest = cmd.resolve_command(ctx, rest)
        assert sub is not None and sub_name is not None, command
        cmd, args, parent, name = sub, rest, ctx, sub_name


@dataclass(frozen=True)
class Exception_:
    pattern: str
    reason: str
    check: Callable[[str], None]


#: Commands that cannot run in a test, why, and what is checked instead.
EXCEPTIONS: tuple[Exception_, ...] = (
    Exception_(
        r"^(pipx run )?nox -s ",
        "runs nox: a new virtual environment from PyPI, or this suite itself",
        _nox_session,
    ),
    Exception_(
        r"^pip install ", "installs from PyPI; the test environment has every extra", _pip_extra
    ),
    Exception_(
        r"^terraform ",
        "needs terraform and a cloud account; plan.json is the fixture "
        "tests/iac/fixtures/plan/aws.plan.json (what `terraform show -json` writes)",
        lambda command: None,
    ),
    Exception_(
        r"--org-role-name",
        "needs an AWS organization with a role in every member account; the sample account is "
        "standalone (tests/org runs organizations on moto)",
        parse_only,
    ),
    Exception_(
        r"--db /data/",
        "an absolute path on the reader's machine",
        parse_only,
    ),
)


def exception_for(part: str) -> Exception_ | None:
    return next((e for e in EXCEPTIONS if re.search(e.pattern, part)), None)


# -- the shared sample environment and working directory --------------------------------------


@dataclass
class DocEnv:
    cwd: Path
    env: dict[str, str]

    def run(self, command: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", "-c", command],
            cwd=self.cwd,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


def _yaml_block(doc: Path, first_line: str) -> str:
    for _, lang, body in fenced_blocks(doc):
        if lang == "yaml" and body.lstrip().startswith(first_line):
            return body
    raise AssertionError(f"{doc.name} has no yaml block starting with {first_line!r}")


#: ``$EDITOR FILE`` in the docs is a person at work; here it is this script, which does what the
#: docs ask of them: fills an attestations file with the shipped example (and its documents,
#: the one missing on purpose included), and approves a drafted profile.
EDITOR_SCRIPT = """\
import re, shutil, sys
from pathlib import Path

target = Path(sys.argv[1])
example = Path({example!r})
if target.name.endswith("attestations.yaml"):
    shutil.copy(example / "attestations.yaml", target)
    shutil.copytree(example / "evidence", target.parent / "evidence", dirs_exist_ok=True)
    (target.parent / "evidence" / "return-or-destruction-procedure.pdf").write_bytes(b"%PDF-1.4")
else:
    text = target.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^  reviewed_by: null$", "  reviewed_by: Dana Whitfield, Privacy Officer", text)
    text = re.sub(r"(?m)^  approved_on: null$", "  approved_on: 2026-12-03", text)
    target.write_text(text, encoding="utf-8")
"""


def _prepare(cwd: Path) -> None:
    """Files the documented commands name, from the documentation itself where it shows them."""
    readme = REPO / "README.md"
    (cwd / "acme.yaml").write_text(_yaml_block(readme, "id: acme"))
    (cwd / "waivers.yaml").write_text(_yaml_block(readme, "waivers:"))
    example = REPO / "docs" / "examples" / "attestations"
    shutil.copytree(example, cwd / "docs" / "examples" / "attestations")
    editor = cwd / "bin" / "editor"
    editor.parent.mkdir()
    editor.write_text(f"#!{sys.executable}\n" + EDITOR_SCRIPT.format(example=str(example)))
    editor.chmod(0o755)
    # the BAAs the drafting commands read (../shared/baa beside the repository, as in CI)
    for name in ("imepro-baa.txt", "littleclouds-baa.txt"):
        shutil.copy(SHARED_BAA / name, cwd / name)
    shutil.copy(SHARED_BAA / "imepro-baa.txt", cwd / "vendor-baa.txt")
    shutil.copytree(REPO / "tests" / "iac" / "fixtures" / "aws" / "noncompliant", cwd / "infra")
    shutil.copy(REPO / "tests" / "iac" / "fixtures" / "plan" / "aws.plan.json", cwd / "plan.json")
    shutil.copytree(REPO / "tests" / "iac" / "policies", cwd / "my-policies")


def _runs(db: Path) -> int:
    if not db.is_file():
        return 0
    with sqlite3.connect(db) as conn:
        return int(conn.execute("select count(*) from runs").fetchone()[0])


def _before(command: str, doc_env: DocEnv) -> None:
    """Results a command reads that earlier documented commands do not leave behind."""
    cwd = doc_env.cwd

    def ok(cmd: str) -> None:
        proc = doc_env.run(cmd)
        assert proc.returncode in DOCUMENTED_CODES, f"setup {cmd!r}: {proc.stderr[-1500:]}"

    if "--baseline base/result.json" in command and not (cwd / "base/result.json").exists():
        (cwd / "base").mkdir(exist_ok=True)
        shutil.copy(cwd / "iac-out" / "result.json", cwd / "base" / "result.json")
    if "runs/2026-11-23/shard-*" in command and not (cwd / "runs/2026-11-23/shard-1").exists():
        for k in (1, 2):
            ok(
                "baa-audit scan --provider gcp --gcp-scope organizations/123456789012 "
                f"--shard {k}/2 --no-history --quiet --out runs/2026-11-23/shard-{k}"
            )
    if "old/result.json new/result.json" in command and not (cwd / "old").exists():
        for name in ("old", "new"):
            (cwd / name).mkdir()
            shutil.copy(cwd / "out" / "result.json", cwd / name / "result.json")
    if "--db history.sqlite" in command and _runs(cwd / "history.sqlite") < 2:
        # the organization scan that fills history.sqlite is parse-only (see EXCEPTIONS)
        shutil.copy(cwd / "out" / "history.sqlite", cwd / "history.sqlite")
    if "--attestations attestations.yaml" in command and not (cwd / "attestations.yaml").exists():
        doc_env.run("$EDITOR attestations.yaml")  # a filled file, as the section below makes one
    if re.search(r"attest template .*--out (\S+)", command):
        # the docs start a fresh skeleton; an earlier command may have left a filled one
        target = cwd / re.search(r"--out (\S+)", command).group(1)  # type: ignore[union-attr]
        target.unlink(missing_ok=True)
    default_db = cwd / "baa-audit-out" / "history.sqlite"
    if command.startswith("baa-audit diff previous latest --profile") and _runs(default_db) < 2:
        ok("baa-audit evaluate baa-audit-out/snapshot.jsonl --out baa-audit-out --quiet")


@pytest.fixture(scope="module")
def doc_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DocEnv]:
    pytest.importorskip("moto", reason="needs the demo extra")
    from baa_audit_sample import environment

    cwd = tmp_path_factory.mktemp("docs")
    _prepare(cwd)
    home = cwd / "aws-home"  # HOME stays: checkov's managed environment lives under it
    (home / ".aws").mkdir(parents=True)
    # the profile that `AWS_PROFILE=audit` names, with the sample's (any) credentials
    (home / ".aws" / "credentials").write_text(
        "[audit]\naws_access_key_id = demo\naws_secret_access_key = demo\n"
    )
    (home / ".aws" / "config").write_text("[profile audit]\nregion = us-east-1\n")
    with environment("all", log_file=cwd / "emulator.log") as (_, options):
        env = {k: v for k, v in os.environ.items() if not k.startswith("BAA_AUDIT_")}
        env.update(
            PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
            AWS_CONFIG_FILE=str(home / ".aws" / "config"),
            AWS_SHARED_CREDENTIALS_FILE=str(home / ".aws" / "credentials"),
            BAA_AUDIT_GCP_ENDPOINT=str(options.gcp_endpoint),
            MOTO_EC2_LOAD_DEFAULT_AMIS="false",
            COLUMNS="100",
            EDITOR=str(cwd / "bin" / "editor"),
        )
        env.pop("AWS_PROFILE", None)
        yield DocEnv(cwd, env)


# -- the tests --------------------------------------------------------------------------------


def test_the_documentation_shows_commands() -> None:
    commands = documented_commands()
    docs = {c.doc for c in commands}
    assert "README.md" in docs and len(docs) >= 5
    assert sum(c.text.startswith("baa-audit ") for c in commands) >= 30


def test_every_block_of_commands_is_marked_as_shell() -> None:
    assert unmarked_command_blocks() == []


def test_every_exception_is_still_needed() -> None:
    """An exception that no documented command uses any more must go."""
    parts = [p.strip() for c in documented_commands() for p in c.text.split("&&")]
    for exception in EXCEPTIONS:
        assert any(re.search(exception.pattern, p) for p in parts), exception.pattern


def test_every_documented_command_runs(doc_env: DocEnv) -> None:
    seen: dict[str, str] = {}
    failures: list[str] = []
    ran = checked = 0
    for command in documented_commands():
        for part in (p.strip() for p in command.text.split("&&")):
            bare = " ".join(shlex.split(part, comments=True)) if "$(" not in part else part
            if bare in seen:
                continue  # the same command, already run at seen[bare]
            seen[bare] = command.where
            exception = exception_for(part)
            try:
                if exception is not None:
                    exception.check(part)
                    checked += 1
                    continue
                _before(part, doc_env)
                began = time.monotonic()
                proc = doc_env.run(part)
                print(
                    f"doc test: {time.monotonic() - began:5.1f} s  exit {proc.returncode}  {part}"
                )
                ran += 1
            except (AssertionError, click.ClickException, click.exceptions.Exit) as exc:
                failures.append(f"{command.where}: {part}\n    {type(exc).__name__}: {exc}")
                continue
            stated = re.search(r"#\s*exits? (\d)\b", part)  # "# exit 2: ..." in the docs
            if stated:
                bad_code = proc.returncode != int(stated.group(1))
            else:
                bad_code = proc.returncode not in DOCUMENTED_CODES
            if bad_code or "Traceback (most recent call last)" in proc.stderr:
                tail = "\n    ".join((proc.stderr or proc.stdout).strip().splitlines()[-6:])
                failures.append(f"{command.where}: {part}\n    exit {proc.returncode}\n    {tail}")
    print(f"doc test: {ran} commands run, {checked} checked without running")
    assert not failures, "documented commands that fail:\n" + "\n".join(failures)
    assert ran >= 25


def test_a_wrong_flag_in_the_docs_would_fail(doc_env: DocEnv) -> None:
    """The check is not vacuous: the flag docs/gcp-sources.md used to show is refused."""
    proc = doc_env.run("baa-audit scan --provider gcp --scope organizations/123456789012 --out x")
    assert proc.returncode == 2
    with pytest.raises(click.UsageError):
        parse_only("baa-audit scan --provider aws --org-role-name X --no-such-flag")
