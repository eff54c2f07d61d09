"""The PostgreSQL data-plane collector: tenant isolation (row-level security) from the catalog.

``run.collect_postgres`` is registered in :mod:`auditor.collect`; it needs the ``postgres`` extra
(psycopg 3). See docs/postgres.md for what it reads and the exact statements it sends.
"""
