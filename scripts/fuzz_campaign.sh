#!/usr/bin/env bash
# A long fuzzing campaign (README "Fuzzing"): every property of tests/test_fuzz.py in its own
# pytest process with the `campaign` hypothesis profile (new random examples, no deadline,
# failures kept in .hypothesis/ and replayed first next time), niced.  A stopped campaign keeps
# the figures of the properties it finished.
#
#   scripts/fuzz_campaign.sh [EXAMPLES_PER_PROPERTY [LOG_DIR]]     (defaults: 2500, fuzz-log)
#
# LOG_DIR/<property>.out has hypothesis's statistics (examples run, failing examples with the
# shrunk input and its reproduction blob); LOG_DIR/summary one line per property: exit code,
# wall and CPU seconds, and hypothesis's counts.  Exit code 1 in a line means a property failed: turn its
# shrunk example into a test in tests/test_fuzz_regressions.py and fix it where it belongs.
set -uo pipefail
cd "$(dirname "$0")/.."
examples=${1:-2500}
log=${2:-fuzz-log}
mkdir -p "$log"
export LAMBDALINT_FUZZ=campaign LAMBDALINT_FUZZ_EXAMPLES=$examples
echo "campaign: $examples examples per property, started $(date -u +%FT%TZ)" > "$log/summary"
for test in $(python3 -m pytest -q --collect-only -p no:cacheprovider tests/test_fuzz.py | grep '::'); do
  name=${test##*::}
  TIMEFORMAT="wall=%0Rs cpu=%0Us+%0Ss"
  timing=$( { time nice -n 10 python3 -m pytest -q -p no:cacheprovider --hypothesis-show-statistics "$test" \
              > "$log/$name.out" 2>&1 ; } 2>&1 )
  code=$?
  stats=$(python3 - "$log/$name.out" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
runs = re.findall(r"(\d+) passing examples, (\d+) failing examples, (\d+) invalid examples", text)
print(" ".join(f"passing={p} failing={f} invalid={i}" for p, f, i in runs) or "no statistics")
PY
)
  echo "$name exit=$code $timing $stats" >> "$log/summary"
done
echo "finished $(date -u +%FT%TZ)" >> "$log/summary"
cat "$log/summary"
