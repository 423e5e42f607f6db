#!/usr/bin/env bash
# The anchor harness (../shared/bench) with the invocations issue 9 measures, on a fresh build:
#   npm run bench                      HTTP: Q1, Q2, M1 for the project next to the anchors, 2 runs
#   npm run bench -- --runs 1          flags given here come first, and the harness takes the first
#   npm run bench:fanout               WebSocket fan-out, 1,000 and 5,000 subscribers
set -euo pipefail
cd "$(dirname "$0")/.."
harness=${BENCH_HARNESS:-../shared/bench/run.sh}
[ -x "$harness" ] || { echo "the anchor harness is not at $harness (set BENCH_HARNESS)" >&2; exit 1; }
mode=http
if [ "${1:-}" = "--fanout" ]; then mode=fanout; shift; fi
npm run build --silent
if [ "$mode" = fanout ]; then
  exec "$harness" "$@" --subs-only --runs 2 --subs-n 1000,5000 --subs-servers raw-ws,project-ws --skip-seed
fi
exec "$harness" "$@" --targets raw,postgraphile,mercurius-jit,apollo-dataloader,project --runs 2 --no-subs
