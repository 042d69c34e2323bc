#!/usr/bin/env bash
# Writes the book's sample outputs, docs/outputs/<package>.txt: for every example, the
# command a reader types (`$ cargo run -p gather-tokio`) and what its default run prints,
# stdout and stderr together as a terminal shows them. It builds the examples first, then
# runs them a few at a time (a run takes up to 3 s); a sample with arguments on its first
# line (`$ cargo run -p gather-smol -- --fail 1`) is rewritten from its own command.
#
# Run it after changing what an example prints or does, and review the diff: the timings
# and thread names always change, and nothing else should that you did not mean to.
# `cargo test -p contract --test book_outputs` fails when a committed sample and a fresh
# run disagree in anything but those (and the order of events logged at the same instant).
#
#   scripts/book-outputs.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BOOK_OUTPUTS_WRITE=1 exec cargo test --quiet -p contract --test book_outputs -- \
    --nocapture every_sample_output_agrees_with_a_fresh_run
