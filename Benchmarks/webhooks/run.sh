#!/usr/bin/env bash
# Verified Replicate webhooks handled per second by provider-bridge, and the time from a webhook's
# receipt to its video.generated published, acknowledged by Kafka (release build, wrk on loopback, the
# embedded librdkafka mock cluster; everything shares the machine's cores).
#   make bench-webhooks    (or: bash Benchmarks/webhooks/run.sh [rounds] [seconds] [connections])
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-3}
SECONDS_PER_ROUND=${2:-10}
CONNECTIONS=${3:-32}
command -v wrk >/dev/null || { echo "wrk is needed (make bench-webhooks installs it)" >&2; exit 1; }
swift build -c release --product webhook-benchmark >&2

OUT=Benchmarks/results/webhooks-$(date +%Y-%m-%d).md
{
  echo "# provider-bridge: verified webhooks per second"
  echo
  echo "Command: \`bash Benchmarks/webhooks/run.sh $ROUNDS $SECONDS_PER_ROUND $CONNECTIONS\` ($(date -u +%Y-%m-%dT%H:%MZ))."
  echo "Machine: $(nproc) cores; release build; wrk $(wrk -v 2>&1 | head -1 | awk '{print $2}') with 2 threads and $CONNECTIONS connections, ${SECONDS_PER_ROUND} s per round;"
  echo "bridge, embedded Kafka mock cluster (as in \`roomreel dev\`: one broker, three partitions a topic) and wrk all"
  echo "on the same cores."
  echo
  echo "Each round seeds 80,000 submitted Replicate jobs and replays one webhook per job, each signed the"
  echo "Standard Webhooks way (HMAC-SHA256 over id.timestamp.body, verified in constant time before anything"
  echo "is read). A recorded webhook ends its job: receipt (dedupe by webhook-id), state change and two events"
  echo "(video.generated, provider.outcome) in one group-committed SQLite transaction (synchronous=FULL), then"
  echo "the outbox relay publishes them. The recorded rate is over the bridge's own window, first recorded webhook's"
  echo "arrival to last (wrk loads its replay file before it sends; the wall clock around wrk counts that too, and"
  echo "is shown on the next line). The latency column is the bridge's publish-delay histogram as \`/metrics\` serves"
  echo "it (\`roomreel_outbox_publish_delay_seconds\`, service provider-bridge, topic video.generated): from the"
  echo "webhook's arrival (its events carry that time) to the cluster's acknowledgement of the relay's batch"
  echo "holding its video.generated, so it includes the wait for the group commit, the fsync and the relay. The"
  echo "buckets are 1 ms apart up to 25 ms: each percentile is given as the bucket bound it falls under."
  echo "Target: ≥ 5,000 verified webhooks/s, p99 ≤ 20 ms."
  for round in $(seq 1 "$ROUNDS"); do
    echo
    echo "## Round $round"
    echo
    .build/release/webhook-benchmark 80000 "$SECONDS_PER_ROUND" "$CONNECTIONS" Benchmarks/webhooks/replay.lua
  done
} | tee "$OUT"
echo "wrote $OUT" >&2
