"""``python -m auditor.cli``: the same as the ``baa-audit`` console script."""

from auditor.cli import main

main()
