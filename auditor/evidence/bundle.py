"""The evidence bundle: one zip a compliance team can hand over and anyone can check later.

The zip holds the snapshot, the result, the reports and ``manifest.json``, which lists the SHA-256
and size of every other file. With a private key (ed25519, PEM), the exact bytes of the manifest
are signed into ``manifest.sig``. The zip comment records the digests of the manifest and of the
signature, so even an unsigned bundle shows a changed byte in any of its files.

:func:`verify_bundle` reports every changed, missing or added file, a bad or missing signature,
and names the file each time. The bundle is never extracted: members are read in memory, so a
hostile name (``../x``) can do no harm, and is reported.

Writing is deterministic: members in name order, fixed timestamps and permissions, so the same
inputs give the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
import zlib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from auditor.core.errors import BaaAuditError, InputError

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
BUNDLE_FORMAT = "baa-audit-evidence-bundle"
BUNDLE_VERSION = 1
_COMMENT_PREFIX = b"baa-audit-bundle "
#: Zip cannot store times before 1980; members get this fixed time so bundles are reproducible.
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)

ProblemKind = Literal[
    "changed", "missing", "added", "duplicate", "unsafe-name", "bad-signature",
    "missing-signature", "bad-manifest", "unreadable",
]  # fmt: skip


class BundleError(BaaAuditError):
    """A bundle could not be written (bad key, clashing names)."""


@dataclass(frozen=True)
class BundleProblem:
    kind: ProblemKind
    file: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.kind}: {self.file}" + (f" ({self.detail})" if self.detail else "")


@dataclass
class Verification:
    bundle: str
    problems: list[BundleProblem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    signed: bool = False
    signature_checked: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, kind: ProblemKind, file: str, detail: str = "") -> None:
        self.problems.append(BundleProblem(kind, file, detail))


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _check_name(name: str) -> str | None:
    """Why ``name`` is not a safe member name, or None."""
    path = PurePosixPath(name)
    if not name or name.endswith("/"):
        return "empty or a directory"
    if path.is_absolute() or "\\" in name or ".." in path.parts or ":" in path.parts[0]:
        return "absolute path or one that climbs out"
    if name in (MANIFEST, SIGNATURE):
        return "reserved for the bundle itself"
    return None


def build_manifest(
    files: Mapping[str, bytes], *, tool_version: str, created_at: datetime | None = None
) -> bytes:
    """The manifest's exact bytes: canonical JSON, keys sorted, one trailing newline."""
    manifest: dict[str, Any] = {
        "format": BUNDLE_FORMAT,
        "version": BUNDLE_VERSION,
        "tool_version": tool_version,
        "algorithm": "sha256",
        "files": {
            name: {"sha256": _sha256(data), "size": len(data)}
            for name, data in sorted(files.items())
        },
    }
    if created_at is not None:
        manifest["created_at"] = created_at.isoformat()
    return (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8")


def load_private_key(pem: bytes) -> Any:
    """An ed25519 private key from PEM (PKCS#8, unencrypted)."""
    serialization, ed25519 = _crypto()
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as exc:
        raise InputError(f"not an unencrypted PEM private key: {exc}") from exc
    if not isinstance(key, ed25519.Ed25519PrivateKey):
        raise InputError("the signing key must be ed25519 (openssl genpkey -algorithm ed25519)")
    return key


def load_public_key(pem: bytes) -> Any:
    """An ed25519 public key from PEM (SubjectPublicKeyInfo)."""
    serialization, ed25519 = _crypto()
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError) as exc:
        raise InputError(f"not a PEM public key: {exc}") from exc
    if not isinstance(key, ed25519.Ed25519PublicKey):
        raise InputError("the verifying key must be an ed25519 public key")
    return key


def _crypto() -> tuple[Any, Any]:
    try:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ed25519
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise BaaAuditError(
            "signing bundles needs cryptography: pip install 'baa-audit[reports]'"
        ) from exc
    return serialization, ed25519


def _member(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_ZIP_EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info.create_system = 3  # unix, so the permissions above mean what they say
    return info


def bundle_bytes(
    files: Mapping[str, bytes],
    *,
    tool_version: str,
    created_at: datetime | None = None,
    private_key_pem: bytes | None = None,
) -> bytes:
    """The bundle as bytes: ``files`` plus the manifest and, with a key, its signature."""
    for name in files:
        why = _check_name(name)
        if why:
            raise BundleError(f"cannot bundle {name!r}: {why}")
    manifest = build_manifest(files, tool_version=tool_version, created_at=created_at)
    signature = None
    if private_key_pem is not None:
        signature = load_private_key(private_key_pem).sign(manifest)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(_member(MANIFEST), manifest)
        if signature is not None:
            archive.writestr(_member(SIGNATURE), signature)
        for name in sorted(files):
            archive.writestr(_member(name), files[name])
        seal = {"manifest": _sha256(manifest)}
        if signature is not None:
            seal["signature"] = _sha256(signature)
        archive.comment = _COMMENT_PREFIX + json.dumps(seal, sort_keys=True).encode()
    return buffer.getvalue()


def write_bundle(
    path: str | Path,
    files: Mapping[str, bytes],
    *,
    tool_version: str,
    created_at: datetime | None = None,
    private_key_pem: bytes | None = None,
) -> Path:
    """Write the bundle atomically to ``path``."""
    from auditor.core.fileio import write_bytes_atomic

    data = bundle_bytes(
        files, tool_version=tool_version, created_at=created_at, private_key_pem=private_key_pem
    )
    write_bytes_atomic(path, data)
    return Path(path)


def files_from_directory(
    directory: str | Path, *, exclude: tuple[str, ...] = ()
) -> dict[str, bytes]:
    """Every regular file under ``directory`` keyed by its relative POSIX path."""
    root = Path(directory)
    files: dict[str, bytes] = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            name = path.relative_to(root).as_posix()
            if name not in exclude:
                files[name] = path.read_bytes()
    return files


def _read_seal(comment: bytes) -> dict[str, str] | None:
    if not comment.startswith(_COMMENT_PREFIX):
        return None
    try:
        seal = json.loads(comment[len(_COMMENT_PREFIX) :])
    except ValueError:
        return None
    return seal if isinstance(seal, dict) else None


def verify_bundle(path: str | Path, public_key_pem: bytes | None = None) -> Verification:
    """Check every file against the manifest, and the signature when a key is given."""
    report = Verification(bundle=str(path))
    public_key = load_public_key(public_key_pem) if public_key_pem is not None else None
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        report.add("unreadable", str(path), str(exc))
        return report
    with archive:
        names = [info.filename for info in archive.infolist()]
        for name, count in sorted(Counter(names).items()):
            if count > 1:
                report.add("duplicate", name, f"{count} members share this name")
        contents: dict[str, bytes] = {}
        for name in dict.fromkeys(names):
            try:
                contents[name] = archive.read(name)
            except (
                zipfile.BadZipFile,
                zlib.error,
                OSError,
                ValueError,
                EOFError,
                RuntimeError,
            ) as exc:
                # a damaged member, or one compressed or encrypted in a way we never write
                report.add("changed", name, f"unreadable member: {exc}")
        seal = _read_seal(archive.comment)
    report.files = sorted(n for n in contents if n not in (MANIFEST, SIGNATURE))

    manifest_bytes = contents.get(MANIFEST)
    if manifest_bytes is None:
        if MANIFEST not in names:
            report.add("missing", MANIFEST)
        return report
    try:
        manifest = json.loads(manifest_bytes)
        listed: dict[str, dict[str, Any]] = manifest["files"]
        if manifest.get("format") != BUNDLE_FORMAT or not isinstance(listed, dict):
            raise ValueError("not a baa-audit bundle manifest")
    except (ValueError, KeyError, TypeError) as exc:
        report.add("bad-manifest", MANIFEST, str(exc))
        return report

    if seal is None:
        report.add("changed", "(zip comment)", "the bundle's seal is missing or unreadable")
    else:
        if seal.get("manifest") != _sha256(manifest_bytes):
            report.add("changed", MANIFEST, "its digest differs from the bundle's seal")
        signature = contents.get(SIGNATURE)
        sealed_sig = seal.get("signature")
        if signature is not None and sealed_sig != _sha256(signature):
            report.add("changed", SIGNATURE, "its digest differs from the bundle's seal")
        if signature is None and sealed_sig is not None and SIGNATURE not in names:
            report.add("missing", SIGNATURE)

    for name in sorted(listed):
        entry = listed[name]
        if name not in contents:
            if name not in names:
                report.add("missing", name)
            continue
        data = contents[name]
        if not isinstance(entry, dict) or entry.get("sha256") != _sha256(data):
            report.add("changed", name, "SHA-256 differs from the manifest")
        elif entry.get("size") != len(data):
            report.add("changed", name, "size differs from the manifest")
    for name in sorted(contents):
        if name not in listed and name not in (MANIFEST, SIGNATURE):
            report.add("added", name, "not in the manifest")
    for name in sorted(set(names)):
        if name not in (MANIFEST, SIGNATURE) and _check_name(name):
            report.add("unsafe-name", name, str(_check_name(name)))

    _check_attested_documents(contents, report)

    signature = contents.get(SIGNATURE)
    report.signed = signature is not None
    if public_key is not None:
        if signature is None:
            if not any(p.file == SIGNATURE for p in report.problems):
                report.add("missing-signature", SIGNATURE, "a key was given but nothing is signed")
        else:
            from cryptography.exceptions import InvalidSignature

            try:
                public_key.verify(signature, manifest_bytes)
                report.signature_checked = True
            except InvalidSignature:
                report.add("bad-signature", SIGNATURE, "does not match manifest.json and this key")
    return report


def _check_attested_documents(contents: Mapping[str, bytes], report: Verification) -> None:
    """Attested documents against the digests result.json records (auditor/evidence/attested.py)."""
    from auditor.evidence.attested import bundle_document_problems

    reported = {p.file for p in report.problems}
    for kind, name, detail in bundle_document_problems(contents):
        if name not in reported:
            report.add("missing" if kind == "missing" else "changed", name, detail)


__all__ = [
    "MANIFEST",
    "SIGNATURE",
    "BundleError",
    "BundleProblem",
    "Verification",
    "build_manifest",
    "bundle_bytes",
    "files_from_directory",
    "load_private_key",
    "load_public_key",
    "verify_bundle",
    "write_bundle",
]
