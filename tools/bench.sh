#!/usr/bin/env bash
# The README's figures, measured on this machine: `./build.sh bench [path|process|video|adapt]`.
set -euo pipefail
RISTBOND=${1:?usage: bench.sh path/to/ristbond [path|process|video|adapt]}
what=${2:-all}
out="$(cd "$(dirname "$0")/.." && pwd)/artifacts/bench"
if [[ $what == all || $what == path ]]; then "$RISTBOND" bench path; echo; fi
if [[ $what == all || $what == process ]]; then "$RISTBOND" bench process --seconds 30; echo; fi
if [[ $what == all || $what == video ]]; then "$RISTBOND" bench video --seconds 10; echo; fi
if [[ $what == all || $what == adapt ]]; then "$RISTBOND" bench adapt --out "$out"; fi
