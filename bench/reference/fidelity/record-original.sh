#!/bin/bash
# Record the ORIGINAL side of a SMAClite comparison in chunks of seeds, round robin over (task, policy),
# so that a slow original (SMAClite's numpy RVO2) leaves balanced, usable results whenever it is stopped.
# Compare afterwards with `fidelity.mjs --recorded DIR`. A chunk already recorded is skipped.
#
#   bench/reference/fidelity/record-original.sh DIR EPISODES CHUNK TASK:POLICY ...
#   e.g. record-original.sh /tmp/orig 250 25 smaclite/MMM:random smaclite/MMM:focus-fire
#
# Chunk s (seeds s .. s+CHUNK-1) draws the random policies from numpy seed 12345 + s. The episode limit
# is the port's (from dist/, so `npm run build` first). ORIGINALS (default /tmp/ref) holds smaclite/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
dir=$1 n=$2 chunk=$3
shift 3
mkdir -p "$dir"
export PYTHONPATH="$here/stubs:${ORIGINALS:-/tmp/ref}/smaclite"
for ((s = 0; s < n; s += chunk)); do
  for spec in "$@"; do
    task=${spec%%:*} policy=${spec#*:}
    limit=$(node -e "import('$root/dist/src/envs/registry.js').then((r) => console.log(r.makeEnv('$task').getEnvInfo().episodeLimit))")
    out="$dir/${task//\//_}.$policy.$s.json"
    [ -s "$out" ] && continue
    nice -n 10 /usr/bin/python3 "$here/run_original.py" --task "$task" --policy "$policy" --episodes "$chunk" --seed0 "$s" \
      --policy-seed $((12345 + s)) --limit "$limit" > "$out.tmp" 2>> "$dir/errors.log"
    mv "$out.tmp" "$out"
  done
done
