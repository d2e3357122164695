#!/usr/bin/env bash
# Local renderer benchmark: wall time and peak memory of `roomreel render` for three jobs, each beside
# two bare ffmpeg floors with the same encoder settings:
#  - still floor: the same number of frames of the same size from the same photo, all identical
#    (the floor the issue names; x264 codes repeated frames almost for free);
#  - motion floor: encoding the very frames roomreel produced, fed raw (what any renderer making this
#    motion pays for the encode alone; the gap to it is the renderer's own work).
#
#   make bench-render            (or: bash Benchmarks/render/run.sh [runs])
#
# Prints a Markdown table and writes it to Benchmarks/results/render-<date>.md.
set -euo pipefail
cd "$(dirname "$0")/../.."

RUNS=${1:-5}
BIN=${ROOMREEL_BIN:-.build/release/roomreel}
PHOTO=Samples/living-room.jpg
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

if [ -z "${ROOMREEL_BIN:-}" ]; then
  swift build -c release --product roomreel >&2
fi
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt install time)" >&2; exit 1; }

# Six distinct photos for the reel: the sample with shifted hues.
for i in 0 1 2 3 4 5; do
  ffmpeg -v error -y -i "$PHOTO" -vf "hue=h=$((i * 60))" "$WORK/reel$i.jpg"
done

# Runs "$@" RUNS times; prints "median_seconds peak_kib".
measure() {
  local times=() peak=0
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" >/dev/null 2>"$WORK/err" || { cat "$WORK/err" >&2; exit 1; }
    read -r seconds kib < "$WORK/time"
    times+=("$seconds")
    (( kib > peak )) && peak=$kib
  done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  echo "$median $peak"
}

# floor W H FRAMES: the same photo, scaled once, repeated FRAMES times, encoded as roomreel encodes.
floor() {
  ffmpeg -hide_banner -nostdin -y -loglevel error -i "$PHOTO" \
    -vf "scale=$1:$2,setsar=1,format=yuv420p,loop=loop=$(($3 - 1)):size=1:start=0" -frames:v "$3" -r 30 \
    -c:v libx264 -preset superfast -crf 21 -pix_fmt yuv420p -movflags +faststart -an "$WORK/floor.mp4"
}

# motion_floor W H: encodes the raw frames in $WORK/frames.yuv as roomreel encodes.
motion_floor() {
  ffmpeg -hide_banner -nostdin -y -loglevel error -f rawvideo -pix_fmt yuv420p -s "$1x$2" -r 30 -i "$WORK/frames.yuv" \
    -c:v libx264 -preset superfast -crf 21 -pix_fmt yuv420p -movflags +faststart -an "$WORK/motion.mp4"
}

row() {
  local name=$1 w=$2 h=$3 frames=$4 output=$5; shift 5
  read -r rt rm < <(measure "$@")
  read -r ft fm < <(measure bash -c "floor $w $h $frames")
  ffmpeg -v error -y -i "$output" -f rawvideo -pix_fmt yuv420p "$WORK/frames.yuv"
  read -r mt mm < <(measure bash -c "motion_floor $w $h")
  rm -f "$WORK/frames.yuv"
  local still_ratio motion_ratio
  still_ratio=$(awk -v a="$rt" -v b="$ft" 'BEGIN { printf "%.2f", a / b }')
  motion_ratio=$(awk -v a="$rt" -v b="$mt" 'BEGIN { printf "%.2f", a / b }')
  echo "| $name | ${w}×${h}, $frames frames | $rt s | $((rm / 1024)) MiB | $ft s (${still_ratio}×) | $mt s (${motion_ratio}×) |"
}
export -f floor motion_floor
export PHOTO WORK

{
  echo "# Local renderer benchmark — $(date -u +%Y-%m-%d)"
  echo
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo); $(ffmpeg -version | head -1 | cut -d' ' -f1-3); median of $RUNS runs; peak RSS includes ffmpeg."
  echo "Command: \`bash Benchmarks/render/run.sh $RUNS\`"
  echo
  echo "| job | output | roomreel render | peak memory | still floor (render ÷ floor) | motion floor (render ÷ floor) |"
  echo "|---|---|---|---|---|---|"
  row "5 s zoom_in, 16:9" 1280 720 150 "$WORK/a.mp4" \
    "$BIN" render --motion zoom_in --resolution 720p --duration 5 -o "$WORK/a.mp4" "$PHOTO"
  row "5 s combining_motions, 16:9" 1920 1080 150 "$WORK/b.mp4" \
    "$BIN" render --motion combining_motions --resolution 1080p --duration 5 -o "$WORK/b.mp4" "$PHOTO"
  row "6-image social reel, 9:16" 720 1280 180 "$WORK/c.mp4" \
    "$BIN" render --type social_reel --duration 6 -o "$WORK/c.mp4" "$WORK"/reel{0,1,2,3,4,5}.jpg
} | tee "Benchmarks/results/render-$(date -u +%Y-%m-%d).md"
