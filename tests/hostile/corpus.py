"""The hostile corpus: broken and malicious variants of every kind of file the tool reads.

Each generator returns ``{case name: file bytes}``. Every case plants :data:`PLANTED` (an AWS
access key id by shape) somewhere an error message might quote it, so the suite can prove no
output ever shows it. The files are made here, small, when the tests run.
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
from pathlib import Path

from tests.hostile.inputs import PLAN, PLANTED, resnapshot, snapshot_lines

#: Nesting far beyond any limit (and beyond the interpreter's recursion limit).
DEEP = 100_000
#: Nesting beyond the input layer's limit (64) but within the JSON parser's.
MODERATE = 200


def _deep_json(levels: int) -> str:
    return "[" * levels + json.dumps(PLANTED) + "]" * levels


def billion_laughs() -> bytes:
    lines = [f'a: &a ["{PLANTED}", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 9) + "]")
    return ("\n".join(lines) + "\n").encode()


def json_document_cases() -> dict[str, bytes]:
    """Breakage common to every JSON file (results, plans)."""
    return {
        "empty": b"",
        "not-utf8": b'{"schema_version": "1.0", "note": "\xff\xfe' + PLANTED.encode() + b'"}',
        "utf16": json.dumps({"schema_version": "1.0", "note": PLANTED}).encode("utf-16"),
        "nul-bytes": b"\x00" * 64 + PLANTED.encode(),
        "truncated": b'{"schema_version": "1.0", "findings": [{"policy_id": "' + PLANTED.encode(),
        "deep": _deep_json(DEEP).encode(),
        "deep-moderate": ('{"schema_version": "1.0", "x": ' + _deep_json(MODERATE) + "}").encode(),
        "duplicate-key": (
            '{"schema_version": "1.0", "' + PLANTED + '": 1, "' + PLANTED + '": 2}'
        ).encode(),
        "nan": ('{"schema_version": "1.0", "x": NaN, "k": "' + PLANTED + '"}').encode(),
        "huge-number": ('{"schema_version": "1.0", "x": 1e400, "k": "' + PLANTED + '"}').encode(),
        "huge-int": ('{"schema_version": "1.0", "x": ' + "9" * 5000 + "}").encode(),
        "wrong-type": json.dumps([PLANTED]).encode(),
    }


def result_cases(good: Path) -> dict[str, bytes]:
    """Variants of a good result.json."""
    data = json.loads(good.read_bytes())
    cases = json_document_cases()

    def variant(**changes: object) -> bytes:
        return json.dumps({**data, **changes}).encode()

    summary = dict(data["summary"])
    summary["FAIL"] = 0
    cases["tampered-summary"] = variant(summary=summary)
    promises = [dict(p) for p in data["promises"]]
    failing = next(p for p in promises if p["verdict"] == "FAIL")
    failing["verdict"] = "PASS"
    cases["tampered-promise-verdict"] = variant(promises=promises)
    cases["future-schema"] = variant(schema_version="99.0")
    cases["bad-schema-version"] = variant(schema_version=f"v{PLANTED}")
    safeguards = [dict(s) for s in data["safeguards"]]
    safeguards[0]["promised"] = "yes"
    cases["yes-for-boolean"] = variant(safeguards=safeguards)
    cases["string-for-int"] = variant(summary={k: str(v) for k, v in data["summary"].items()})
    cases["unknown-key"] = variant(**{PLANTED: "x"})
    cases["bad-date"] = variant(started_at="2027-02-30T00:00:00+00:00")
    cases["long-string"] = variant(tool_version="x" * (5 * 1024 * 1024))
    return cases


def snapshot_cases(good: Path) -> dict[str, bytes]:
    """Variants of a good snapshot, each with a footer digest that matches (only the planted
    fault is wrong)."""
    records = snapshot_lines(good)
    header, *body, footer = records
    resource = next(i for i, r in enumerate(body) if r.get("kind") == "resource")
    tmp = good.parent / ".variant.jsonl"

    def with_resource(data_changes: dict[str, object] | None = None, **line: object) -> bytes:
        changed = [dict(r) for r in body]
        record = dict(changed[resource])
        if data_changes is not None:
            record["data"] = {**record["data"], **data_changes}
        record.update(line)
        changed[resource] = record
        return resnapshot([header, *changed, footer], tmp).read_bytes()

    def with_raw(raw: bytes) -> bytes:
        lines = [(json.dumps(r, separators=(",", ":")) + "\n").encode() for r in records]
        lines.insert(1 + resource, raw)
        return resnapshot(lines, tmp).read_bytes()

    good_bytes = good.read_bytes()
    cases = {
        "empty": b"",
        "not-utf8": with_raw(
            b'{"kind":"resource","type":"aws.ec2.volume","data":{"id":"\xff'
            + PLANTED.encode()
            + b'"}}\n'
        ),
        "utf16": good_bytes.decode().encode("utf-16"),
        "nul-bytes": b"\x00" * 64,
        "not-a-snapshot": json.dumps({"kind": "resource", "id": PLANTED}).encode() + b"\n",
        "no-footer": b"".join(good_bytes.splitlines(keepends=True)[:-1]),
        "edited-after-sealing": good_bytes.replace(b"vol-2", b"vol-9"),
        "future-format": resnapshot(
            [{**header, "format_version": 99}, *body, footer], tmp
        ).read_bytes(),
        "deep": with_raw(
            (
                '{"kind":"resource","type":"aws.ec2.volume","data":' + _deep_json(DEEP) + "}\n"
            ).encode()
        ),
        "deep-moderate": with_resource({"tags": json.loads(_deep_json(MODERATE))}),
        "duplicate-key": with_raw(
            b'{"kind":"resource","type":"aws.ec2.volume","data":{"id":"'
            + PLANTED.encode()
            + b'","account":"111111111111","encrypted":true,"encrypted":false}}\n'
        ),
        "yes-for-boolean": with_resource({"encrypted": "yes", "name": PLANTED}),
        "int-for-boolean": with_resource({"encrypted": 1, "name": PLANTED}),
        "string-for-int": resnapshot(
            [
                header,
                *[{**r, "count": "2"} if r.get("kind") == "coverage" else r for r in body],
                footer,
            ],
            tmp,
        ).read_bytes(),
        "nan": with_raw(
            b'{"kind":"resource","type":"aws.ec2.volume","data":{"id":"x","account":"1","encrypted":NaN}}\n'
        ),
        "huge-int": with_raw(
            b'{"kind":"coverage","provider":"aws","account":"1","resource_type":"aws.ec2.volume","count":'
            + b"9" * 5000
            + b"}\n"
        ),
        "unknown-type": with_resource(type=PLANTED),
        "unknown-field": with_resource({PLANTED: True}),
        "bad-date": resnapshot(
            [{**header, "collected_at": "2027-02-30T00:00:00Z"}, *body, footer], tmp
        ).read_bytes(),
        "not-an-object": with_raw(json.dumps([PLANTED]).encode() + b"\n"),
        "long-line": with_raw(
            b'{"kind":"resource","type":"aws.ec2.volume","data":{"id":"'
            + b"x" * (17 * 1024 * 1024)
            + b'"}}\n'
        ),
    }
    tmp.unlink(missing_ok=True)
    return cases


def yaml_cases() -> dict[str, bytes]:
    """Breakage common to every YAML file (profiles, waivers, policies, cases)."""
    return {
        "not-utf8": f"id: x\ntitle: {PLANTED}\n".encode() + b"note: \xff\xfe\n",
        "utf16": f"id: x\ntitle: {PLANTED}\n".encode("utf-16"),
        "billion-laughs": billion_laughs(),
        "deep": ("x: " + "[" * DEEP + "]" * DEEP + f"\ny: {PLANTED}\n").encode(),
        "deep-moderate": ("x: " + "[" * MODERATE + "]" * MODERATE + "\n").encode(),
        "recursive-alias": b"a: &a [*a]\n",
        "duplicate-key": f"id: x\nid: {PLANTED}\n".encode(),
        "python-tag": f"id: !!python/object/apply:os.system ['echo {PLANTED}']\n".encode(),
        "binary-tag": b"id: !!binary aGVsbG8=\n",
        "set-tag": f"id: !!set {{{PLANTED}}}\n".encode(),
        "raw-escape": f"id: x\ntitle: \x1b]0;{PLANTED}\x07\n".encode(),
        "huge-int": ("id: " + "9" * 5000 + "\n").encode(),
        "infinite": b"id: .inf\n",
        "huge-file": b"id: x\n" + b"# " + b"x" * (9 * 1024 * 1024) + b"\n",
        "long-scalar": b"id: " + b"x" * (2 * 1024 * 1024) + b"\n",
        "not-a-mapping": f"- {PLANTED}\n".encode(),
        "unterminated": f'id: "{PLANTED}\n'.encode(),
    }


def profile_cases() -> dict[str, bytes]:
    base = "id: acme\ntitle: ACME\nbaa: {name: ACME BAA}\npromises:\n"
    promise = "  - id: keys\n    clause: CMK\n    safeguards: [encryption-at-rest]\n"
    return {
        **yaml_cases(),
        "empty": b"",
        "yes-for-boolean": (
            base + promise + "    parameters: {customer_managed_keys: yes}\n"
        ).encode(),
        "string-for-int": (
            base
            + promise.replace("encryption-at-rest", "audit-logging")
            + '    parameters: {audit_log_retention_days: "365"}\n'
        ).encode(),
        "unknown-safeguard": (base + promise.replace("encryption-at-rest", PLANTED)).encode(),
        "bad-date-type": (base + promise + "    parameters: {phi_tag_key: 2027-02-30}\n").encode(),
    }


def waiver_cases() -> dict[str, bytes]:
    def waiver(**fields: str) -> bytes:
        entry = {
            "id": "W-1",
            "policy": "AWS-EBS-002",
            "resource": "arn:aws:ec2:*:volume/vol-2",
            "reason": f"planted {PLANTED}",
            "approver": "ciso@example.com",
            "expires": "2099-01-31",
            **fields,
        }
        body = "".join(f"    {k}: {v}\n" for k, v in entry.items() if v != "-")
        return ("waivers:\n  - " + body[4:]).encode()

    return {
        **yaml_cases(),
        "impossible-date": waiver(expires="2027-02-30"),
        "wildcard-without-scope": waiver(policy='"*"', resource='"*"'),
        "resource-wildcard-by-default": waiver(resource="-"),
        "unknown-policy": waiver(policy=PLANTED),
        "yes-for-scope": waiver(policy='"*"', scope="yes"),
        "missing-approver": waiver(approver="-"),
        "duplicate-ids": waiver() + waiver()[len("waivers:\n") :],
        "not-a-list": b"waivers: {id: W-1}\n",
    }


def policy_cases() -> dict[str, bytes]:
    """A policy file of one's own (``--policies DIR``)."""
    return {
        name: data
        for name, data in yaml_cases().items()
        if name not in ("huge-file",)  # the loader reads every policy: one big file is enough below
    } | {"yes-for-boolean": b"id: ACME-X-001\nmanual_only: yes\n"}


def plan_cases() -> dict[str, bytes]:
    cases = json_document_cases()
    cases["not-a-plan"] = json.dumps({"resources": [PLANTED]}).encode()
    cases["future-format"] = json.dumps({**PLAN, "format_version": "9.0"}).encode()
    return cases


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _lying_sizes(data: bytes, size: int) -> bytes:
    """``data`` (a one-member zip) with the member's declared size set to ``size``."""
    raw = bytearray(data)
    central = raw.rfind(b"PK\x01\x02")
    struct.pack_into("<I", raw, central + 24, size)
    struct.pack_into("<I", raw, 22, size)  # the local header, at offset 0
    return bytes(raw)


def _overlapping(data: bytes, copies: int) -> bytes:
    """``data`` (a one-member zip) with ``copies`` more central-directory entries pointing at
    the same compressed stream: the trick of the non-recursive zip bombs."""
    raw = bytearray(data)
    eocd = raw.rfind(b"PK\x05\x06")
    cd_size, cd_offset = struct.unpack_from("<II", raw, eocd + 12)
    entry = bytes(raw[cd_offset : cd_offset + cd_size])
    name_len = struct.unpack_from("<H", entry, 28)[0]
    extra = []
    for i in range(copies):
        name = f"copy{i:04d}.json".encode()
        copy = bytearray(entry[:46]) + name + entry[46 + name_len :]
        struct.pack_into("<H", copy, 28, len(name))
        extra.append(bytes(copy))
    directory = entry + b"".join(extra)
    tail = bytearray(raw[eocd:])
    struct.pack_into("<HH", tail, 8, 1 + copies, 1 + copies)
    struct.pack_into("<I", tail, 12, len(directory))
    return bytes(raw[:cd_offset]) + directory + bytes(tail)


def bundle_cases() -> dict[str, bytes]:
    from auditor.evidence.bundle import build_manifest

    manifest = build_manifest({}, tool_version="0")
    zeros = _zip({"manifest.json": manifest, "result.json": b"\0" * (1 << 20)})
    one = _zip({"result.json": b"\0" * (1 << 20)})
    return {
        "empty": b"",
        "not-a-zip": f"PK but not a zip {PLANTED}".encode(),
        "truncated": zeros[: len(zeros) // 2],
        "declares-4-gb": _lying_sizes(one, 0xFFFF_FFF0),
        "overlapping-members": _overlapping(one, 10),
        "ratio-bomb": _lying_sizes(one, 300 * 1024 * 1024),
    }


def export_cases() -> dict[str, bytes]:
    return {
        "not-utf8": b'{"name": "\xff' + PLANTED.encode() + b'"}\n',
        "duplicate-key": ('{"name": "a", "name": "' + PLANTED + '"}\n').encode(),
        "deep": (_deep_json(DEEP) + "\n").encode(),
        "nan": b'{"name": NaN}\n',
    }


__all__ = [
    "billion_laughs",
    "bundle_cases",
    "export_cases",
    "json_document_cases",
    "plan_cases",
    "policy_cases",
    "profile_cases",
    "result_cases",
    "snapshot_cases",
    "waiver_cases",
    "yaml_cases",
]
