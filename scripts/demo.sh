#!/usr/bin/env bash
# Installs what is missing, builds, and runs hashsieve's main job on the bundled demo data:
# a hash list made from seven photographs, then a scan of an upload folder holding edits of
# those photographs (recompressed, resized, rotated, mirrored, watermarked, ...) and of three
# photographs that are not on the list.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
"$root/scripts/build.sh"
hs="$build/bin/hashsieve"
images="$root/tests/data/pdq-vectors/images"
work="$build/demo"
rm -rf "$work" && mkdir -p "$work/uploads"
db="$work/hashsieve.db"

listed="astronaut coffee chelsea rocket camera horse coins"
unlisted="retina hubble_deep_field brick"

echo "== 1. A hash list of known pictures (here: 7 sample photographs) =="
echo "hash,entry_id" > "$work/known.csv"
for name in $listed; do
  original="$images/photo-$name.png"
  [ -f "$original" ] || original="$images/photo-$name.jpg"
  # hash,quality,path -> hash,entry_id
  "$hs" hash "$original" | awk -F, -v id="demo-$name" '{ print $1 "," id }' >> "$work/known.csv"
done
"$hs" list create known --db "$db" --source "demo data"
"$hs" list import known "$work/known.csv" --db "$db"
"$hs" list stats --db "$db"

echo
echo "== 2. An upload queue: edits of listed and unlisted photographs =="
for name in $listed $unlisted; do
  for edit in q85 half rot90 mirror watermark bright blur; do
    f="$images/photo-$name-$edit.jpg"
    [ -f "$f" ] && cp "$f" "$work/uploads/"
  done
done
cp "$images"/syn-text-600x400.png "$images"/syn-shapes-400x300.png "$work/uploads/"
echo "$(ls "$work/uploads" | wc -l) files in $(basename "$work")/uploads"

echo
echo "== 3. hashsieve scan: matches (JSONL on stdout), summary on stderr =="
cd "$work"
status=0
"$hs" scan --db hashsieve.db uploads || status=$?
echo "exit status $status (0: something matched)"
[ "$status" -le 1 ]
