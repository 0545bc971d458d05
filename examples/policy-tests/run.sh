#!/bin/sh
# Tests a policy in CI, offline: validates it, then decides each case's facts and compares the decision
# with the expected one. Exit 0 when every case decides as expected, 1 otherwise.
#
#   examples/policy-tests/run.sh [policy file] [expectations file]
#
# Defaults: ../policy.yaml and expected.txt next to this script. Each line of the expectations file is
# "<facts file> <action> <rule>"; facts files are relative to the expectations file. The CLI command is
# $PRIVATELINK_AUTOPILOT (default: npx privatelink-autopilot).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
policy=${1:-$here/../policy.yaml}
expected=${2:-$here/expected.txt}
cli=${PRIVATELINK_AUTOPILOT:-npx privatelink-autopilot}
base=$(cd "$(dirname "$expected")" && pwd)

$cli validate "$policy"

failed=0
cases=0
while read -r facts action rule; do
  case "$facts" in '' | '#'*) continue ;; esac
  name=$facts
  case "$facts" in /*) ;; *) facts=$base/$facts ;; esac
  cases=$((cases + 1))
  got=$($cli explain --facts "$facts" --policy "$policy" --json < /dev/null |
    node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => { const { action, ruleName } = JSON.parse(s).explanations[0].decision; console.log(`${action} ${ruleName}`); });')
  if [ "$got" = "$action $rule" ]; then
    echo "ok    $name: $got"
  else
    echo "FAIL  $name: expected $action $rule, got $got"
    echo "      (see why: $cli explain --facts $facts --policy $policy)"
    failed=$((failed + 1))
  fi
done < "$expected"

echo "$((cases - failed)) of $cases cases decided as expected"
[ "$failed" -eq 0 ]
