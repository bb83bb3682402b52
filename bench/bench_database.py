"""Each bench owns its data (issue 12): a PostgreSQL database of its own name, dropped and created fresh, then
migrated by the bench, and fixed keys of its own, so that no bench ever meets rows another sealed under other keys.

The database is `claimbridge_bench_<bench>` on the local server unless `BENCH_<BENCH>_DATABASE_URL` (or the
bench's `--database`) names another; only a database whose name contains "bench" is ever dropped.
"""

from __future__ import annotations

import base64
import hashlib
import os
from urllib.parse import urlsplit, urlunsplit


def database_url(bench: str) -> str:
    """The bench's own database: BENCH_<BENCH>_DATABASE_URL, or claimbridge_bench_<bench> on the local server."""
    return os.environ.get(
        f"BENCH_{bench.upper()}_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/claimbridge_bench_{bench}"
    )


def keys(bench: str) -> dict[str, str]:
    """The bench's fixed keys (its data is thrown away after each run): Django's secret and the Fernet key that seals
    personal data, both derived from the bench's name, so two benches never share one."""
    seed = hashlib.sha256(f"claimbridge bench {bench}: throwaway data only".encode()).digest()
    return {
        "SECRET_KEY": f"bench-{bench}-only-{seed.hex()}",
        "FIELD_ENCRYPTION_KEYS": base64.urlsafe_b64encode(seed).decode(),
    }


def recreate(url: str) -> None:
    """Drop the bench's database (closing its connections) and create it empty; the bench migrates it."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(f"refusing to drop the database {name!r}: a bench's database has 'bench' in its name")
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
