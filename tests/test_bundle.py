"""The evidence bundle: every changed, missing or added file is found and named."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from auditor.core.errors import InputError
from auditor.evidence.bundle import (
    MANIFEST,
    SIGNATURE,
    BundleError,
    bundle_bytes,
    files_from_directory,
    verify_bundle,
    write_bundle,
)

FILES = {
    "snapshot.jsonl": b'{"kind": "header"}\n{"kind": "resource", "id": "b1"}\n',
    "result.json": b'{"schema_version": "1.0", "findings": []}\n',
    "reports/report.html": b"<!DOCTYPE html><title>r</title><p>report</p>\n",
    "reports/report.sarif": b'{"version": "2.1.0"}\n',
}
WHEN = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _keypair() -> tuple[bytes, bytes]:
    key = ed25519.Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public


@pytest.fixture(scope="module")
def keys() -> tuple[bytes, bytes]:
    return _keypair()


def _write(tmp_path, data: bytes, name: str = "bundle.zip"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _rewrite(bundle: bytes, *, change=None, drop=None, add=None) -> bytes:
    """A copy of ``bundle`` with one member's byte flipped, one member dropped or one added."""
    source = zipfile.ZipFile(io.BytesIO(bundle))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == drop:
                continue
            if info.filename == change:
                data = bytes([data[0] ^ 0x01]) + data[1:]
            target.writestr(info, data)
        if add:
            target.writestr(add, b"extra\n")
        target.comment = source.comment
    return out.getvalue()


def _signed(keys) -> bytes:
    return bundle_bytes(FILES, tool_version="0.1.0", created_at=WHEN, private_key_pem=keys[0])


def _unsigned() -> bytes:
    return bundle_bytes(FILES, tool_version="0.1.0", created_at=WHEN)


def test_a_valid_unsigned_bundle_verifies(tmp_path):
    report = verify_bundle(_write(tmp_path, _unsigned()))
    assert report.ok, report.problems
    assert report.files == sorted(FILES)
    assert not report.signed


def test_a_valid_signed_bundle_verifies_with_its_key(tmp_path, keys):
    report = verify_bundle(_write(tmp_path, _signed(keys)), public_key_pem=keys[1])
    assert report.ok, report.problems
    assert report.signed and report.signature_checked


def test_writing_is_deterministic_and_atomic(tmp_path):
    assert _unsigned() == _unsigned()
    path = write_bundle(tmp_path / "out" / "b.zip", FILES, tool_version="0.1.0", created_at=WHEN)
    assert path.read_bytes() == _unsigned()
    assert sorted(p.name for p in path.parent.iterdir()) == ["b.zip"]


def test_manifest_lists_every_file_with_its_digest():
    import hashlib
    import json

    archive = zipfile.ZipFile(io.BytesIO(_unsigned()))
    manifest = json.loads(archive.read(MANIFEST))
    assert set(manifest["files"]) == set(FILES)
    for name, data in FILES.items():
        assert manifest["files"][name]["sha256"] == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("member", [*sorted(FILES), MANIFEST, SIGNATURE])
@pytest.mark.parametrize("with_key", [True, False])
def test_one_changed_byte_in_any_file_fails_and_names_it(tmp_path, keys, member, with_key):
    path = _write(tmp_path, _rewrite(_signed(keys), change=member))
    report = verify_bundle(path, public_key_pem=keys[1] if with_key else None)
    assert not report.ok
    assert member in {p.file for p in report.problems}, report.problems


@pytest.mark.parametrize("member", sorted(FILES))
def test_one_changed_byte_in_an_unsigned_bundle_fails_and_names_it(tmp_path, member):
    report = verify_bundle(_write(tmp_path, _rewrite(_unsigned(), change=member)))
    assert [(p.kind, p.file) for p in report.problems] == [("changed", member)]


@pytest.mark.parametrize("member", [*sorted(FILES), MANIFEST, SIGNATURE])
def test_a_removed_file_fails_and_is_named(tmp_path, keys, member):
    report = verify_bundle(_write(tmp_path, _rewrite(_signed(keys), drop=member)))
    assert not report.ok
    assert any(p.kind == "missing" and p.file == member for p in report.problems), report.problems


@pytest.mark.parametrize("name", ["extra.txt", "reports/late.html"])
def test_an_added_file_fails_and_is_named(tmp_path, keys, name):
    report = verify_bundle(_write(tmp_path, _rewrite(_signed(keys), add=name)), keys[1])
    assert [(p.kind, p.file) for p in report.problems] == [("added", name)]


def test_a_signature_from_another_key_is_bad(tmp_path, keys):
    _, other_public = _keypair()
    report = verify_bundle(_write(tmp_path, _signed(keys)), public_key_pem=other_public)
    assert [(p.kind, p.file) for p in report.problems] == [("bad-signature", SIGNATURE)]


def test_an_unsigned_bundle_fails_when_a_key_is_given(tmp_path, keys):
    report = verify_bundle(_write(tmp_path, _unsigned()), public_key_pem=keys[1])
    assert [(p.kind, p.file) for p in report.problems] == [("missing-signature", SIGNATURE)]


def test_a_re_signed_forgery_fails_against_the_real_key(tmp_path, keys):
    forged_files = dict(FILES) | {"result.json": b'{"findings": "all PASS"}\n'}
    forger_private, _ = _keypair()
    forged = bundle_bytes(forged_files, tool_version="0.1.0", private_key_pem=forger_private)
    report = verify_bundle(_write(tmp_path, forged), public_key_pem=keys[1])
    assert [(p.kind, p.file) for p in report.problems] == [("bad-signature", SIGNATURE)]


def test_a_duplicate_member_is_reported(tmp_path):
    data = _unsigned()
    buffer = io.BytesIO(data)
    with pytest.warns(UserWarning), zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("result.json", b"{}")
    report = verify_bundle(_write(tmp_path, buffer.getvalue()))
    assert any(p.kind == "duplicate" and p.file == "result.json" for p in report.problems)


def test_not_a_zip_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="not a zip file"):
        verify_bundle(_write(tmp_path, b"not a zip at all"))


@pytest.mark.parametrize("name", ["../escape", "/etc/passwd", MANIFEST, "a\\b", ""])
def test_unsafe_names_are_refused(name):
    with pytest.raises(BundleError):
        bundle_bytes({name: b"x"}, tool_version="0.1.0")


def test_bad_keys_are_input_errors(tmp_path, keys):
    with pytest.raises(InputError):
        bundle_bytes(FILES, tool_version="0.1.0", private_key_pem=b"-----BEGIN nonsense")
    with pytest.raises(InputError):
        verify_bundle(_write(tmp_path, _unsigned()), public_key_pem=keys[0])  # private, not public


def test_files_from_directory(tmp_path):
    (tmp_path / "reports").mkdir()
    (tmp_path / "result.json").write_bytes(b"{}")
    (tmp_path / "reports" / "r.html").write_bytes(b"<p>")
    assert files_from_directory(tmp_path) == {"reports/r.html": b"<p>", "result.json": b"{}"}


@pytest.mark.parametrize("member", [*sorted(FILES), MANIFEST, SIGNATURE])
def test_a_flipped_byte_in_the_raw_zip_data_is_named(tmp_path, keys, member):
    data = bytearray(_signed(keys))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(member)
    name_len = int.from_bytes(data[info.header_offset + 26 : info.header_offset + 28], "little")
    extra_len = int.from_bytes(data[info.header_offset + 28 : info.header_offset + 30], "little")
    start = info.header_offset + 30 + name_len + extra_len
    data[start + info.compress_size // 2] ^= 0x20
    report = verify_bundle(_write(tmp_path, bytes(data)), public_key_pem=keys[1])
    assert member in {p.file for p in report.problems}, report.problems


# --- the command line -------------------------------------------------------------------------


@pytest.fixture
def run_dir(tmp_path):
    from auditor.evidence.render import RENDERERS
    from tests.render.report_sample import build_result

    result = build_result()
    out = tmp_path / "out"
    out.mkdir()
    (out / "result.json").write_bytes(RENDERERS["json"].render(result))
    (out / "snapshot.jsonl").write_bytes(FILES["snapshot.jsonl"])
    for name in ("html", "sarif", "csv"):
        (out / RENDERERS[name].filename("report")).write_bytes(RENDERERS[name].render(result))
    return out


def _cli(*args: str):
    from click.testing import CliRunner

    from auditor.cli import cli

    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_cli_bundle_then_verify_signed(run_dir, tmp_path, keys):
    (tmp_path / "k.pem").write_bytes(keys[0])
    (tmp_path / "k.pub").write_bytes(keys[1])
    bundle = tmp_path / "evidence.zip"
    made = _cli("bundle", str(run_dir), "--out", str(bundle), "--sign-key", str(tmp_path / "k.pem"))
    assert made.exit_code == 0, made.output
    names = set(zipfile.ZipFile(bundle).namelist())
    assert {"result.json", "snapshot.jsonl", "report.html", MANIFEST, SIGNATURE} <= names
    checked = _cli("verify", str(bundle), "--key", str(tmp_path / "k.pub"))
    assert checked.exit_code == 0, checked.output
    assert "verified" in checked.output and "signature valid" in checked.output


def test_cli_verify_fails_naming_the_file(run_dir, tmp_path):
    made = _cli("bundle", str(run_dir))
    assert made.exit_code == 0, made.output
    again = _cli("bundle", str(run_dir))  # an earlier bundle is not bundled into the next
    assert again.exit_code == 0, again.output
    bundle = run_dir / "evidence-bundle.zip"
    assert "evidence-bundle.zip" not in zipfile.ZipFile(bundle).namelist()
    bundle.write_bytes(_rewrite(bundle.read_bytes(), change="report.sarif"))
    checked = _cli("verify", str(bundle))
    assert checked.exit_code == 1
    assert "changed: report.sarif" in checked.output


def test_cli_verify_with_a_key_fails_on_an_unsigned_bundle(run_dir, tmp_path, keys):
    (tmp_path / "k.pub").write_bytes(keys[1])
    assert _cli("bundle", str(run_dir)).exit_code == 0
    checked = _cli("verify", str(run_dir / "evidence-bundle.zip"), "--key", str(tmp_path / "k.pub"))
    assert checked.exit_code == 1
    assert "missing-signature: manifest.sig" in checked.output


def test_cli_bundle_includes_input_files(run_dir, tmp_path):
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text("waivers: []\n")
    bundle = tmp_path / "b.zip"
    made = _cli("bundle", str(run_dir), "--out", str(bundle), "--include", str(waivers))
    assert made.exit_code == 0, made.output
    assert zipfile.ZipFile(bundle).read("inputs/waivers.yaml") == b"waivers: []\n"
    assert verify_bundle(bundle).ok
    missing = _cli("bundle", str(run_dir), "--include", str(tmp_path / "nope.yaml"))
    assert missing.exit_code == 2


def test_cli_input_errors_exit_2(run_dir, tmp_path):
    assert _cli("verify", str(tmp_path / "nope.zip")).exit_code == 2
    assert _cli("bundle", str(tmp_path / "missing-dir")).exit_code == 2
    (tmp_path / "bad.pem").write_text("not a key")
    bad = _cli("bundle", str(run_dir), "--sign-key", str(tmp_path / "bad.pem"))
    assert bad.exit_code == 2
    assert "bad.pem" in bad.output


def test_cli_bundle_leaves_the_history_database_out(run_dir, tmp_path):
    from auditor.cli.pipeline import load_result
    from auditor.evidence.history import History

    with History(run_dir / "history.sqlite") as store:
        store.record(load_result(run_dir / "result.json"))
    (run_dir / "history.sqlite-journal").write_bytes(b"")
    made = _cli("bundle", str(run_dir))
    assert made.exit_code == 0, made.output
    names = set(zipfile.ZipFile(run_dir / "evidence-bundle.zip").namelist())
    assert "result.json" in names
    assert not {n for n in names if n.startswith("history.sqlite")}
