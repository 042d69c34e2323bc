#!/usr/bin/env bash
# Checks that every example binary stays linear in the number of jobs, end to end (human
# output and --json, every scenario, plain and with --fail 0): each runs at N and 10 x N jobs
# of 0.1 s, and a per-job scan of all the jobs or events, which makes the bigger run about
# 100 times dearer instead of 10, fails it. It builds the examples with --release first.
#
#   scripts/scale-check.sh                  # N = 20 000 (and 200 000)
#   scripts/scale-check.sh --jobs 100000    # N = 100 000 (and 1 000 000)
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo run --quiet -p contract --bin scale-check -- "$@"
