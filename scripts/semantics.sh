#!/usr/bin/env bash
# Runs every probe of the semantics matrix (crates/semantics) on tokio, async-std, smol and
# CPython's asyncio, and rewrites docs/semantics.md from what they saw. The tests of
# crates/semantics fail whenever the committed page and the probes disagree.
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo run --quiet -p semantics -- write "$@"
