#!/usr/bin/env bash
# The README's figures, measured on this machine: `./build.sh bench [path|process|video|adapt]`.
set -euo pipefail
RISTBOND=${1:?usage: bench.sh path/to/ristbond [path|process|video|adapt]}
what=${2:-all}
out="$(cd "$(dirname "$0")/.." && pwd)/artifacts/bench"
if [[ $what == all || $what == path ]]; then "$RISTBOND" bench path; echo; fi
if [[ $what == all || $what == process ]]; then "$RISTBOND" bench process --seconds 30; echo; fi
if [[ $what == all || $what == video ]]; then "$RISTBOND" bench video --seconds 10; echo; fi
# As root every scenario also runs over kernel-shaped links and with video (about 30 minutes); BENCH_ADAPT_ARGS
# replaces that choice, e.g. BENCH_ADAPT_ARGS="--scenario tbf-step --links kernel --input pattern".
if [[ -z ${BENCH_ADAPT_ARGS+x} ]]; then
  if [[ $(id -u) == 0 ]]; then BENCH_ADAPT_ARGS="--links all --input all"; else BENCH_ADAPT_ARGS=""; fi
fi
# shellcheck disable=SC2086 # the arguments are meant to split
if [[ $what == all || $what == adapt ]]; then "$RISTBOND" bench adapt --out "$out" $BENCH_ADAPT_ARGS; fi
