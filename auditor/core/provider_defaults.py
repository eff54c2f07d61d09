"""Provider defaults as data: ``policies/data/provider_defaults.yaml``.

One table of what a provider applies when a configuration leaves a setting unset (engine
parameter defaults by family, Cloud SQL settings, default encryption at rest), each with the
documentation URL it was read from. The live collectors, the Terraform mappers and the policies
read it through this module, so the three agree; a value marked ``verified: false`` is never
applied (the setting stays unknown).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from auditor.core.errors import InputError
from auditor.core.resources import policies_dir
from auditor.core.yamlio import plain, read_yaml_input

DEFAULTS_FILE = "data/provider_defaults.yaml"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DocumentedDefault(_Model):
    value: str
    source: str
    verified: bool
    note: str | None = None

    def cite(self, what: str = "") -> str:
        """``value (what, source)`` for evidence and messages."""
        lead = f"{what}, " if what else ""
        return f"{self.value} ({lead}{self.source})"


class VersionRange(_Model):
    gte: str | None = None
    lt: str | None = None

    def holds(self, version: str | None) -> bool:
        have = version_tuple(version)
        if have is None:
            return self.gte is None and self.lt is None
        if self.gte is not None and have < (version_tuple(self.gte) or ()):
            return False
        return not (self.lt is not None and have >= (version_tuple(self.lt) or ()))


class ParameterDefault(DocumentedDefault):
    engines: tuple[str, ...]
    parameter: str
    versions: VersionRange = Field(default_factory=VersionRange)


class SettingDefault(DocumentedDefault):
    setting: str


class _Section(_Model):
    description: str


class EncryptionSection(_Section):
    defaults: dict[str, DocumentedDefault]


class RdsSection(_Section):
    defaults: tuple[ParameterDefault, ...]


class CloudSqlSection(_Section):
    defaults: tuple[SettingDefault, ...]


class ProviderDefaults(_Model):
    encryption_at_rest: EncryptionSection
    rds_parameters: RdsSection
    cloudsql_flags: CloudSqlSection

    def encryption(self, resource_type: str) -> DocumentedDefault | None:
        found = self.encryption_at_rest.defaults.get(resource_type)
        return found if found is not None and found.verified else None

    def rds_parameter(
        self, engine: str | None, engine_version: str | None, parameter: str
    ) -> ParameterDefault | None:
        """The documented default of ``parameter`` for an engine and version, verified only."""
        for entry in self.rds_parameters.defaults:
            if (
                entry.parameter == parameter
                and (engine or "").lower() in entry.engines
                and entry.versions.holds(engine_version)
            ):
                return entry if entry.verified else None
        return None

    def cloudsql(self, setting: str) -> SettingDefault | None:
        for entry in self.cloudsql_flags.defaults:
            if entry.setting == setting and entry.verified:
                return entry
        return None


_NUMBERS = re.compile(r"^\D*?(\d+(?:\.\d+)*)")


def version_tuple(version: str | None) -> tuple[int, ...] | None:
    """``(16, 3)`` for ``"16.3"``, ``(8, 0, 35)`` for ``"8.0.35"``; the leading numbers only."""
    if not version:
        return None
    found = _NUMBERS.match(str(version))
    if found is None:
        return None
    numbers = [int(n) for n in found.group(1).split(".")]
    while len(numbers) > 1 and numbers[-1] == 0:
        numbers.pop()
    return tuple(numbers)


def family_of(engine: str | None, engine_version: str | None) -> str | None:
    """The parameter group family of an engine version: ``postgres16``, ``mysql8.0``,
    ``aurora-postgresql15``, ``mariadb10.11`` (PostgreSQL 10+ families carry the major version
    only; MySQL and MariaDB families carry major.minor)."""
    if not engine or not engine_version:
        return None
    parts = str(engine_version).split(".")
    if not parts[0].isdigit():
        return None
    engine = engine.lower()
    if engine in ("postgres", "aurora-postgresql") and int(parts[0]) >= 10:
        return f"{engine}{parts[0]}"
    if len(parts) > 1 and parts[1].isdigit():
        return f"{engine}{parts[0]}.{parts[1]}"
    return None


def version_of_family(engine: str | None, family: str | None) -> str | None:
    """``"16"`` for engine ``postgres`` and family ``postgres16``; None when they do not agree."""
    if not engine or not family or not family.lower().startswith(engine.lower()):
        return None
    rest = family[len(engine) :]
    return rest if version_tuple(rest) is not None else None


def documented_parameter(
    engine: str | None, engine_version: str | None, family: str | None, parameter: str
) -> ParameterDefault | None:
    """The verified documented default of an RDS/Aurora ``parameter`` for this engine and version
    (the version taken from the parameter group family when the engine version is not known)."""
    version = engine_version or version_of_family(engine, family)
    return load_provider_defaults().rds_parameter(engine, version, parameter)


def documented_source(entry: DocumentedDefault, family: str | None) -> str:
    """How ``sources`` records a value taken from the table: ``provider-default (postgres16
    family, <url>)``. The live path uses it when the engine defaults could not be read, the
    Terraform path always (offline, only the table knows the engine defaults)."""
    what = f"{family} family" if family else "engine default"
    return f"provider-default ({what}, {entry.source})"


@functools.lru_cache(maxsize=4)
def load_provider_defaults(path: str | None = None) -> ProviderDefaults:
    """The shipped table (read once)."""
    file = Path(path) if path else policies_dir() / DEFAULTS_FILE
    node = plain(read_yaml_input(file, "provider defaults"))
    try:
        return ProviderDefaults.model_validate(node)
    except ValidationError as exc:
        raise InputError(
            f"malformed provider defaults: {exc.errors()[0]['msg']}", file=file
        ) from None


__all__ = [
    "DEFAULTS_FILE",
    "DocumentedDefault",
    "ParameterDefault",
    "ProviderDefaults",
    "SettingDefault",
    "documented_parameter",
    "documented_source",
    "family_of",
    "load_provider_defaults",
    "version_of_family",
    "version_tuple",
]
