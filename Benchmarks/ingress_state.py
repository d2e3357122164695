"""Reads api-ingress's state across its shard files (<data>/api-ingress/shard-*.sqlite).

    python3 Benchmarks/ingress_state.py DATA jobs [WORKSPACE]   jobs created (of one workspace)
    python3 Benchmarks/ingress_state.py DATA outbox             events not yet relayed
    python3 Benchmarks/ingress_state.py DATA a-job              the id of one job
"""
import glob
import sqlite3
import sys

data, what, *rest = sys.argv[1:]
shards = [sqlite3.connect(path) for path in sorted(glob.glob(f"{data}/api-ingress/shard-*.sqlite"))]
if what == "jobs":
    where, arguments = ("WHERE workspace_id = ?", rest[:1]) if rest else ("", [])
    print(sum(db.execute(f"SELECT COUNT(*) FROM jobs {where}", arguments).fetchone()[0] for db in shards))
elif what == "outbox":
    print(sum(db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0] for db in shards))
elif what == "a-job":
    print(next(row[0] for db in shards for row in db.execute("SELECT id FROM jobs LIMIT 1")))
else:
    sys.exit(f"unknown query {what}")
