#!/usr/bin/env bash
# Runs every example binary on every scenario at a fast time scale (plain, with --fail and
# with --panic) and fails if any run exits non-zero, crashes, or prints a report that breaks
# the contract. CI runs it; so can you, from anywhere in the workspace.
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo run --quiet -p contract --bin run-all -- "$@"
