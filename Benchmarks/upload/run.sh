#!/usr/bin/env bash
# Upload throughput and memory: RoomReel's S3 uploader (release build) against `aws s3 cp` (awscli),
# the same 50 MB and 500 MB files to the same moto server on loopback, in the same run, alternating.
#   make bench-upload    (or: bash Benchmarks/upload/run.sh [runs-per-size])
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-3}
VENV=.build-tools/venv
test -x $VENV/bin/moto_server -a -x $VENV/bin/aws || { echo "run 'make tools' first (moto and awscli)" >&2; exit 1; }
swift build -c release --product upload-benchmark >&2

WORK=$(mktemp -d)
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
$VENV/bin/moto_server -H 127.0.0.1 -p "$PORT" >"$WORK/moto.log" 2>&1 &
MOTO=$!
trap 'kill $MOTO 2>/dev/null || true; rm -rf "$WORK"' EXIT
ENDPOINT="http://127.0.0.1:$PORT"
for _ in $(seq 1 100); do
  python3 -c "import urllib.request; urllib.request.urlopen('$ENDPOINT/moto-api/')" 2>/dev/null && break
  sleep 0.1
done
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1
AWS="$VENV/bin/aws --endpoint-url $ENDPOINT"
$AWS s3 mb s3://bench >/dev/null

now() { date +%s.%N; }
RESULTS="$WORK/results.tsv"
for size in 50 500; do
  head -c "${size}M" /dev/urandom >"$WORK/file-$size"
  for run in $(seq 1 "$RUNS"); do
    /usr/bin/time -f "%M" -o "$WORK/rss" .build/release/upload-benchmark "$ENDPOINT" bench "$WORK/file-$size" "roomreel-$size-$run" >"$WORK/ours.json"
    python3 - "$WORK/ours.json" "$(cat "$WORK/rss")" "$size" >>"$RESULTS" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(f"roomreel\t{sys.argv[3]}\t{r['seconds']}\t{r['mb_per_s']}\t{int(sys.argv[2]) // 1024}\t{r['rss_growth_kb'] // 1024}\t{r['parts']}\t{r['digest_seconds']}")
PY
    $AWS s3 rm "s3://bench/roomreel-$size-$run" --only-show-errors
    start=$(now)
    /usr/bin/time -f "%M" -o "$WORK/rss" $AWS s3 cp "$WORK/file-$size" "s3://bench/aws-$size-$run" --only-show-errors
    end=$(now)
    python3 -c "import sys; s = float(sys.argv[2]) - float(sys.argv[1]); print(f'awscli\t{sys.argv[3]}\t{s:.3f}\t{int(sys.argv[3]) / s:.1f}\t{int(sys.argv[4]) // 1024}\t-\t-\t-')" \
      "$start" "$end" "$size" "$(cat "$WORK/rss")" >>"$RESULTS"
    $AWS s3 rm "s3://bench/aws-$size-$run" --only-show-errors
  done
  rm -f "$WORK/file-$size"
done

OUT="Benchmarks/results/upload-$(date -u +%Y-%m-%d).md"
{
  echo "# Upload benchmark — $(date -u +%Y-%m-%d)"
  echo
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {print int($2/1024)}' /proc/meminfo) MB. Server: moto_server $($VENV/bin/python -c 'import moto; print(moto.__version__)') on loopback."
  echo "Command: \`bash Benchmarks/upload/run.sh $RUNS\` (or \`make bench-upload\`). Each size: $RUNS runs per tool, alternating, objects deleted between runs."
  echo "RoomReel: \`upload-benchmark\` (release), S3Uploader as storage-uploader runs it: a HEAD for the object, one PUT (≤ 16 MB) or 8 MB"
  echo "parts, 4 in flight, each hashed (SHA-256 payload hash and x-amz-checksum-sha256) and read with pread as it is sent, then the HEAD check."
  echo "The file's own SHA-256 (x-amz-meta-sha256), which storage-uploader computes while the provider's output streams in, is timed apart (digest s)."
  echo "awscli's time includes its Python start-up (about 0.3 s), which weighs on the 50 MB runs."
  echo "awscli: \`aws s3 cp\` $($VENV/bin/aws --version 2>&1 | cut -d' ' -f1) with its defaults (8 MB parts, 10 in flight)."
  echo "Peak RSS is the whole process's (GNU time %M); RSS growth is RoomReel's VmHWM at the end minus its VmRSS before the upload."
  echo
  echo "| tool | size (MB) | seconds | MB/s | peak RSS (MB) | RSS growth (MB) | parts | digest s |"
  echo "|---|---|---|---|---|---|---|---|"
  awk -F'\t' '{printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8}' "$RESULTS"
  echo
  echo "Medians:"
  echo
  echo "| tool | size (MB) | median MB/s | median peak RSS (MB) | max RSS growth (MB) |"
  echo "|---|---|---|---|---|"
  python3 - "$RESULTS" <<'PY'
import statistics, sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
for tool in ("roomreel", "awscli"):
    for size in ("50", "500"):
        mine = [r for r in rows if r[0] == tool and r[1] == size]
        growth = max(int(r[5]) for r in mine) if tool == "roomreel" else "-"
        print(f"| {tool} | {size} | {statistics.median(float(r[3]) for r in mine):.1f} | {statistics.median(int(r[4]) for r in mine)} | {growth} |")
PY
} | tee "$OUT"
