"""bundle and verify: the tamper-evident evidence bundle on the command line."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import click

from auditor.cli.common import F, echo_err, echo_out, file_option, handle_errors
from auditor.cli.pipeline import RESULT_FILE, load_result
from auditor.core.errors import InputError
from auditor.core.result import RunResult
from auditor.core.safe_load import secret_in_file
from auditor.evidence.bundle import (
    files_from_directory,
    load_private_key,
    load_public_key,
    verify_bundle,
    write_bundle,
)
from auditor.evidence.history import HISTORY_FILENAME

BUNDLE_FILE = "evidence-bundle.zip"
EXIT_VERIFY_FAILED = 1
#: verify without --key: the files match the manifest, but the signer was not checked
EXIT_INTEGRITY_ONLY = 4


def _is_history(name: str) -> bool:
    """The history database (and SQLite's side files): every past run, not this run's evidence."""
    base = name.rsplit("/", 1)[-1]
    return base == HISTORY_FILENAME or base.startswith(f"{HISTORY_FILENAME}-")


#: A PEM key is a few hundred bytes; anything much larger is not one.
MAX_KEY_BYTES = 64 * 1024


def _read_key(path: Path | None, what: str) -> bytes | None:
    if path is None:
        return None
    if not path.is_file():
        raise InputError(f"{what} not found", file=path)
    with path.open("rb") as handle:
        data = handle.read(MAX_KEY_BYTES + 1)
    if len(data) > MAX_KEY_BYTES:
        raise InputError(f"{what} too large to be a PEM key", file=path)
    return data


def _checked_key(path: Path | None, what: str, load: Callable[[bytes], object]) -> bytes | None:
    """:func:`_read_key`, and the key must load (``load``): its problem names the file."""
    key = _read_key(path, what)
    if key is not None:
        try:
            load(key)
        except InputError as exc:
            raise InputError(str(exc), file=path) from None
    return key


def sign_key_option(fn: F) -> F:
    return file_option(
        "--sign-key",
        metavar="PRIVATE_KEY",
        help="Sign the bundle's manifest with this ed25519 private key (PEM, unencrypted).",
    )(fn)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def check_bundle_options(bundle_path: Path | None, sign_key: Path | None) -> None:
    """Fail before any work when the bundle options cannot succeed."""
    if sign_key is not None and bundle_path is None:
        raise InputError("--sign-key needs --bundle FILE")
    _checked_key(sign_key, "signing key", load_private_key)


def check_no_secrets(files: dict[str, bytes], base: Path) -> None:
    """Refuse to bundle a file that holds a secret the redactor knows (a snapshot or report
    written by an older version, or by hand): a bundle travels, and is kept for years."""
    for name, data in sorted(files.items()):
        where = secret_in_file(name, data)
        if where is not None:
            raise InputError(
                f"holds a secret the redactor knows ({where}); a bundle never carries one: "
                "collect again, or evaluate and report again, to write redacted files",
                file=base / name,
            )


def bundle_files(
    result: RunResult, files: dict[str, bytes], target: Path, sign_key: Path | None
) -> Path:
    """Write ``files`` as a bundle at ``target``, stamped with the result's version and time.

    The callers first refuse files holding a secret (:func:`check_no_secrets`).
    """
    _check_documents(result, files, target)
    key = _read_key(sign_key, "signing key")
    try:
        return write_bundle(
            target,
            files,
            tool_version=result.tool_version,
            created_at=result.finished_at,
            private_key_pem=key,
        )
    except InputError as exc:
        raise InputError(str(exc), file=sign_key) from None


def _check_documents(result: RunResult, files: dict[str, bytes], target: Path) -> None:
    """Refuse a bundle that would not carry the attested documents its result names."""
    from auditor.core.errors import Problem, ValidationFailed
    from auditor.evidence.attested import digests_of, document_problems, expected_documents

    expected = expected_documents(
        result.model_dump(mode="json", include={"inputs", "attestations"})
    )
    problems = [
        Problem(str(target), None, f"cannot bundle: {kind} {name} ({detail})")
        for kind, name, detail in document_problems(expected, digests_of(files))
    ]
    if problems:
        raise ValidationFailed(problems)


def bundle_outputs(
    result: RunResult, out: Path, written: Sequence[Path], target: Path, sign_key: Path | None
) -> Path:
    """The bundle of what a scan just wrote into ``out`` (snapshot, result, reports)."""
    files = {
        p.resolve().relative_to(out.resolve()).as_posix(): p.read_bytes()
        for p in written
        if p.resolve() != target.resolve()
    }
    check_no_secrets(files, out)
    return bundle_files(result, files, target, sign_key)


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@file_option(
    "--out",
    help=f"Bundle to write (default: DIRECTORY/{BUNDLE_FILE}).",
)
@file_option(
    "--include",
    "extra",
    multiple=True,
    help="Also bundle this file under inputs/ (the waivers, a custom profile); repeatable.",
)
@sign_key_option
@handle_errors
def bundle(
    directory: Path, out: Path | None, extra: tuple[Path, ...], sign_key: Path | None
) -> None:
    """Bundle a run's output directory into one tamper-evident zip.

    The zip holds every file of DIRECTORY (the snapshot, result.json, the reports; not the
    history database, which holds every past run) and a manifest.json with the SHA-256 of each;
    with --sign-key, manifest.sig holds its ed25519 signature. Check it later with
    `baa-audit verify`.

    \b
    Example:
      openssl genpkey -algorithm ed25519 -out signing.pem
      openssl pkey -in signing.pem -pubout -out signing.pub
      baa-audit bundle out/ --sign-key signing.pem --out evidence.zip --include waivers.yaml
    """
    if not directory.is_dir():
        raise InputError("directory not found", file=directory)
    result = load_result(directory / RESULT_FILE)
    target = out or directory / BUNDLE_FILE
    files = {
        name: data
        for name, data in files_from_directory(directory).items()
        if not name.rsplit("/", 1)[-1].startswith(".")
        and name.rsplit("/", 1)[-1] != BUNDLE_FILE  # an earlier bundle of this directory
        and not _is_history(name)
        and (directory / name).resolve() != target.resolve()
    }
    for item in extra:
        if not item.is_file():
            raise InputError("file to include not found", file=item)
        name = f"inputs/{item.name}"
        if name in files:
            raise InputError(f"two files would be bundled as {name}", file=item)
        files[name] = item.read_bytes()
    check_no_secrets(files, directory)
    path = bundle_files(result, files, target, sign_key)
    signed = "signed" if sign_key else "unsigned"
    echo_err(f"baa-audit: wrote {path} ({len(files)} files, {signed})")


@click.command()
@click.argument("bundle_path", metavar="BUNDLE", type=click.Path(dir_okay=False, path_type=Path))
@file_option(
    "--key",
    metavar="PUBLIC_KEY",
    help="ed25519 public key (PEM): the bundle must carry a valid signature by it.",
)
@handle_errors
def verify(bundle_path: Path, key: Path | None) -> None:
    """Check an evidence bundle: every file against the manifest, and the signature.

    \b
    Exit codes:
      0  verified: every file matches, and the signature is valid for --key
      1  NOT verified: a changed, missing or added file, or a bad or (with --key) missing
         signature; each is named
      2  BUNDLE or the key cannot be read: not a zip, a zip bomb (refused before anything is
         inflated), a missing file
      4  integrity only: every file matches the manifest, but without --key nothing proves
         who made the bundle (the signer was not checked)
    """
    if not bundle_path.is_file():
        raise InputError("bundle not found", file=bundle_path)
    public = _checked_key(key, "public key", load_public_key)
    report = verify_bundle(bundle_path, public_key_pem=public)
    for problem in report.problems:
        echo_err(f"baa-audit: verify: {problem}")
    if not report.ok:
        echo_err(
            f"baa-audit: {bundle_path}: NOT VERIFIED ({_plural(len(report.problems), 'problem')})"
        )
        sys.exit(EXIT_VERIFY_FAILED)
    if report.signature_checked:
        echo_out(
            f"baa-audit: {bundle_path}: verified, {len(report.files)} files, "
            f"signature valid for {key}",
            one_line=True,
        )
        return
    how = "signed, but" if report.signed else "not signed, and"
    echo_out(
        f"baa-audit: {bundle_path}: integrity only, signer not checked: {len(report.files)} "
        f"files match the manifest ({how} no --key was given, so nothing proves who made it)",
        one_line=True,
    )
    sys.exit(EXIT_INTEGRITY_ONLY)


__all__ = [
    "BUNDLE_FILE",
    "EXIT_INTEGRITY_ONLY",
    "EXIT_VERIFY_FAILED",
    "bundle",
    "bundle_files",
    "bundle_outputs",
    "check_bundle_options",
    "sign_key_option",
    "verify",
]
