"""The evidence bundle: one zip a compliance team can hand over and anyone can check later.

The zip holds the snapshot, the result, the reports and ``manifest.json``, which lists the SHA-256
and size of every other file. With a private key (ed25519, PEM), the exact bytes of the manifest
are signed into ``manifest.sig``. The zip comment records the digests of the manifest and of the
signature, so even an unsigned bundle shows a changed byte in any of its files.

:func:`verify_bundle` reports every changed, missing or added file, a bad or missing signature,
and names the file each time. The bundle is never extracted: members are streamed through
SHA-256 (bounded memory), each at most to its declared size, after the declared sizes were
checked against the zip's own size, so a zip bomb is refused before anything is inflated and a
hostile name (``../x``) can do no harm, and is reported. Not a zip, or a bomb: InputError.

Writing is deterministic: members in name order, fixed timestamps and permissions, so the same
inputs give the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import itertools
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
from auditor.core.safe_load import MANIFEST as MANIFEST_LIMITS
from auditor.core.safe_load import parse_json

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
        seal = parse_json(comment[len(_COMMENT_PREFIX) :], "(zip comment)", MANIFEST_LIMITS)
    except InputError:
        return None
    return seal if isinstance(seal, dict) else None


#: Bounds of what :func:`verify_bundle` inflates, checked before reading and while reading.
MAX_MEMBERS = 100_000
#: All members together may inflate to at most this many bytes ...
MAX_INFLATED = 64 * 1024**3
#: ... and to at most this many times the size of the zip (deflate tops out near 1,000:1; real
#: evidence compresses 5-50:1), with a floor so small bundles of small files always pass.
MAX_RATIO = 250
RATIO_FLOOR = 64 * 1024**2
#: The manifest and the signature are read into memory; every other member is streamed.
MAX_MANIFEST = 64 * 1024**2
MAX_SIGNATURE = 4096
#: result.json is read back (to check the attested documents it names) up to this size
MAX_RESULT_READ = 256 * 1024**2
RESULT_MEMBER = "result.json"
_CHUNK = 1024 * 1024


def _refuse_bomb(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse, before inflating anything, a zip that declares more than it may inflate to or
    whose members overlap (the trick of the zip bombs that share one compressed stream)."""
    if len(infos) > MAX_MEMBERS:
        raise InputError(f"refused: {len(infos):,} members (limit {MAX_MEMBERS:,})", file=path)
    size = path.stat().st_size
    declared = sum(info.file_size for info in infos)
    limit = min(MAX_INFLATED, max(RATIO_FLOOR, MAX_RATIO * size))
    if declared > limit:
        raise InputError(
            f"refused as a zip bomb: its members declare {declared:,} bytes inflated from "
            f"{size:,} (limit {limit:,}: {MAX_RATIO}x the zip, at most {MAX_INFLATED:,})",
            file=path,
        )
    ordered = sorted(infos, key=lambda info: info.header_offset)
    for first, second in itertools.pairwise(ordered):
        if first.header_offset + 30 + first.compress_size > second.header_offset:
            raise InputError(
                f"refused as a zip bomb: members {first.filename!r} and {second.filename!r} "
                "overlap in the zip",
                file=path,
            )


def _digest_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, keep: int
) -> tuple[str, int, bytes | None, str | None]:
    """SHA-256 and size of one member, streamed and never past its declared size.

    Returns (digest, size, the bytes when at most ``keep`` of them, a problem or None).
    """
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return "", 0, None, f"compressed with method {info.compress_type}, which bundles never use"
    if info.flag_bits & 0x1:
        return "", 0, None, "encrypted, which bundles never are"
    digest = hashlib.sha256()
    size = 0
    kept = bytearray() if info.file_size <= keep else None
    try:
        with archive.open(info) as handle:
            while True:
                chunk = handle.read(_CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > info.file_size:
                    return "", size, None, "inflates beyond its declared size"
                digest.update(chunk)
                if kept is not None:
                    kept += chunk
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, RuntimeError) as exc:
        # a damaged member, or one compressed or encrypted in a way we never write
        return "", size, None, f"unreadable member: {exc}"
    return digest.hexdigest(), size, (bytes(kept) if kept is not None else None), None


def verify_bundle(path: str | Path, public_key_pem: bytes | None = None) -> Verification:
    """Check every file against the manifest, and the signature when a key is given.

    A file that is not a zip, or a zip bomb (members declaring more than :data:`MAX_RATIO`
    times the zip's size, or overlapping), is an :class:`InputError`: nothing is inflated.
    Members are streamed (bounded memory), each at most to its declared size.
    """
    bundle = Path(path)
    report = Verification(bundle=str(bundle))
    public_key = load_public_key(public_key_pem) if public_key_pem is not None else None
    try:
        archive = zipfile.ZipFile(bundle)
    except (zipfile.BadZipFile, zlib.error, ValueError, EOFError) as exc:
        raise InputError(f"not a zip file ({exc})", file=bundle) from None
    except OSError as exc:
        raise InputError(f"cannot read bundle: {exc.strerror or exc}", file=bundle) from None
    with archive:
        infos = archive.infolist()
        _refuse_bomb(bundle, infos)
        names = [info.filename for info in infos]
        for name, count in sorted(Counter(names).items()):
            if count > 1:
                report.add("duplicate", name, f"{count} members share this name")
        digests: dict[str, tuple[str, int]] = {}
        small: dict[str, bytes] = {}
        last = {info.filename: info for info in infos}  # as zipfile reads a name: the last one
        for name, info in last.items():
            keep = {
                MANIFEST: MAX_MANIFEST,
                SIGNATURE: MAX_SIGNATURE,
                RESULT_MEMBER: MAX_RESULT_READ,
            }.get(name, 0)
            if name in (MANIFEST, SIGNATURE) and info.file_size > keep:
                report.add(
                    "changed", name, f"larger than a {name} can be ({info.file_size:,} bytes)"
                )
                continue
            digest, size, data, problem = _digest_member(archive, info, keep)
            if problem is not None:
                report.add("changed", name, problem)
                continue
            digests[name] = (digest, size)
            if data is not None and name in (MANIFEST, SIGNATURE, RESULT_MEMBER):
                small[name] = data
        seal = _read_seal(archive.comment)
    report.files = sorted(n for n in digests if n not in (MANIFEST, SIGNATURE))

    manifest_bytes = small.get(MANIFEST)
    if manifest_bytes is None:
        if MANIFEST not in names:
            report.add("missing", MANIFEST)
        return report
    try:
        manifest = parse_json(manifest_bytes, MANIFEST, MANIFEST_LIMITS)
        if not isinstance(manifest, dict):
            raise ValueError("not a JSON object")
        listed = manifest.get("files")
        if manifest.get("format") != BUNDLE_FORMAT or not isinstance(listed, dict):
            raise ValueError("not a baa-audit bundle manifest")
        version = manifest.get("version")
        if isinstance(version, int) and not isinstance(version, bool) and version > BUNDLE_VERSION:
            raise ValueError(
                f"bundle version {version} is newer than this tool understands ({BUNDLE_VERSION})"
            )
    except (ValueError, InputError) as exc:
        report.add("bad-manifest", MANIFEST, str(exc))
        return report

    if seal is None:
        report.add("changed", "(zip comment)", "the bundle's seal is missing or unreadable")
    else:
        if seal.get("manifest") != _sha256(manifest_bytes):
            report.add("changed", MANIFEST, "its digest differs from the bundle's seal")
        signature = small.get(SIGNATURE)
        sealed_sig = seal.get("signature")
        if signature is not None and sealed_sig != _sha256(signature):
            report.add("changed", SIGNATURE, "its digest differs from the bundle's seal")
        if signature is None and sealed_sig is not None and SIGNATURE not in names:
            report.add("missing", SIGNATURE)

    for name in sorted(listed):
        entry = listed[name]
        if name not in digests:
            if name not in names:
                report.add("missing", name)
            continue
        digest, size = digests[name]
        if not isinstance(entry, dict) or entry.get("sha256") != digest:
            report.add("changed", name, "SHA-256 differs from the manifest")
        elif entry.get("size") != size:
            report.add("changed", name, "size differs from the manifest")
    for name in sorted(digests):
        if name not in listed and name not in (MANIFEST, SIGNATURE):
            report.add("added", name, "not in the manifest")
    for name in sorted(set(names)):
        if name not in (MANIFEST, SIGNATURE) and _check_name(name):
            report.add("unsafe-name", name, str(_check_name(name)))

    _check_attested_documents(small.get(RESULT_MEMBER), digests, report)
    _check_findings_file(small.get(RESULT_MEMBER), digests, report)

    signature = small.get(SIGNATURE)
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


def _check_findings_file(
    result_json: bytes | None, digests: Mapping[str, tuple[str, int]], report: Verification
) -> None:
    """The findings file a result header names (schema 1.2) against the digest it records."""
    from auditor.core.findings_io import findings_reference

    ref = findings_reference(result_json) if result_json is not None else None
    if ref is None:
        return
    name, sha256 = ref
    if any(p.file == name for p in report.problems):
        return
    if name not in digests:
        report.add("missing", name, "result.json names it as its findings file")
    elif digests[name][0] != sha256:
        report.add("changed", name, "SHA-256 differs from the one result.json records")


def _check_attested_documents(
    result_json: bytes | None, digests: Mapping[str, tuple[str, int]], report: Verification
) -> None:
    """Attested documents against the digests result.json records (auditor/evidence/attested.py)."""
    from auditor.evidence.attested import bundle_document_problems

    reported = {p.file for p in report.problems}
    found = {name: digest for name, (digest, _size) in digests.items()}
    for kind, name, detail in bundle_document_problems(result_json, found):
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
