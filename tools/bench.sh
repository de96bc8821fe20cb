#!/usr/bin/env bash
# The README's figures, measured on this machine: `./build.sh bench [path|process]`.
set -euo pipefail
RISTBOND=${1:?usage: bench.sh path/to/ristbond [path|process]}
what=${2:-all}
if [[ $what == all || $what == path ]]; then "$RISTBOND" bench path; echo; fi
if [[ $what == all || $what == process ]]; then "$RISTBOND" bench process --seconds 30; fi
