#!/usr/bin/env bash
# Makes the distinct photos the benchmarks post, as real traffic carries them: COUNT 1600x1200 JPEGs
# of about 100 KB in DIR/photo-<n>.jpg, each a different crop, mirror and colour of the sample with a
# camera's grain. Prints their mean size in KB.
#   bash Benchmarks/photos.sh DIR COUNT
set -euo pipefail
DIR=$1
COUNT=$2
mkdir -p "$DIR"
for n in $(seq 1 "$COUNT"); do
  x=$(( (n * 37) % 100 )); y=$(( (n * 53) % 100 )); flip=$([ $((n % 2)) = 0 ] && echo ",hflip" || echo "")
  ffmpeg -v error -y -i Samples/living-room.jpg \
    -vf "crop=iw*0.8:ih*0.8:iw*0.2*$x/100:ih*0.2*$y/100,scale=1600:1200$flip,hue=h=$(( n * 360 / COUNT )):s=1.$((n % 3)),noise=alls=4" \
    -q:v 4 "$DIR/photo-$n.jpg"
done
du -cb "$DIR"/*.jpg | tail -1 | awk -v n="$COUNT" '{printf "%d\n", $1 / n / 1024}'
