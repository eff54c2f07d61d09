"""baa-audit: check live cloud configuration against the safeguards a BAA promises.

The public surface is deliberately small; everything else lives in modules whose names say what
they hold (see docs/architecture.md).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("baa-audit")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
