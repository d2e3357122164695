#!/usr/bin/env bash
# Ledger benchmark: debits per second through billing's real code path vs a bare SQLite loop.
#   make bench-ledger    (or: bash Benchmarks/ledger/run.sh [events])
set -euo pipefail
cd "$(dirname "$0")/../.."
EVENTS=${1:-20000}
swift build -c release --product ledger-benchmark >&2
{
  echo "# Ledger benchmark — $(date -u +%Y-%m-%d)"
  echo
  echo "Machine: $(nproc) cores; SQLite $(sqlite3 --version 2>/dev/null | cut -d' ' -f1 || echo '(system)'), WAL, synchronous=FULL;"
  echo "filesystem of \$TMPDIR: $(df -T "${TMPDIR:-/tmp}" | awk 'NR==2 {print $2}'); command: \`bash Benchmarks/ledger/run.sh $EVENTS\`"
  echo
  .build/release/ledger-benchmark "$EVENTS"
} | tee "Benchmarks/results/ledger-$(date -u +%Y-%m-%d).md"
