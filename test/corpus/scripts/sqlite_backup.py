#!/usr/bin/env python3
"""Nightly backup of the app's SQLite database, keeping the last N copies."""
import argparse
import logging
import sqlite3
import sys
from datetime import datetime
from pathlib import Path

log = logging.getLogger("backup")


def backup(src: Path, dest_dir: Path, keep: int = 7) -> Path:
    dest_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = dest_dir / f"{src.stem}-{stamp}.sqlite3"
    with sqlite3.connect(src) as source, sqlite3.connect(target) as dest:
        source.backup(dest, pages=1024, progress=lambda status, remaining, total: log.debug("%d/%d", total - remaining, total))
    check = sqlite3.connect(target)
    try:
        (ok,) = check.execute("PRAGMA integrity_check").fetchone()
        if ok != "ok":
            raise RuntimeError(f"integrity check failed for {target}: {ok}")
        tables = [row[0] for row in check.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        log.info("backed up %d tables to %s", len(tables), target)
    finally:
        check.close()
    for old in sorted(dest_dir.glob(f"{src.stem}-*.sqlite3"))[:-keep]:
        old.unlink()
        log.info("removed old backup %s", old.name)
    return target


def vacuum(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    cur = conn.cursor()
    cur.execute("VACUUM")
    cur.execute("ANALYZE")
    conn.close()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    parser = argparse.ArgumentParser()
    parser.add_argument("db", type=Path)
    parser.add_argument("--to", type=Path, default=Path("/var/backups/app"))
    parser.add_argument("--keep", type=int, default=7)
    parser.add_argument("--vacuum", action="store_true")
    args = parser.parse_args()
    if not args.db.exists():
        sys.exit(f"{args.db} not found")
    if args.vacuum:
        vacuum(args.db)
    print(backup(args.db, args.to, args.keep))
