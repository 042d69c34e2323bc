#!/usr/bin/env bash
# Checks every pattern README's "Copy it" section: up to date with the sources (each
# runtime's examples/copy_it.rs and the `copy` region of its src/lib.rs), and, read back from
# the README, a program that builds without a warning and runs, with only its own
# [dependencies] lines, as a package outside the workspace. --write rewrites the sections.
#
#   scripts/copy-check.sh                       # every pattern
#   scripts/copy-check.sh crates/gather         # one pattern
#   scripts/copy-check.sh --write [crates/...]  # rewrite the sections from the sources
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo run --quiet -p contract --bin copy-check -- "$@"
