#!/usr/bin/env bash
# Routing decisions per second through ModelSelector over the bundled catalog (release build).
#   make bench-router    (or: bash Benchmarks/router/run.sh [seconds])
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_TO_RUN=${1:-3}
swift build -c release --product router-benchmark >&2
{
  echo "# Router benchmark — $(date -u +%Y-%m-%d)"
  echo
  echo "Machine: $(nproc) cores; one thread; command: \`bash Benchmarks/router/run.sh $SECONDS_TO_RUN\`"
  echo
  echo '```'
  .build/release/router-benchmark "$SECONDS_TO_RUN"
  echo '```'
} | tee "Benchmarks/results/router-$(date -u +%Y-%m-%d).md"
