#!/usr/bin/env bash
# Builds the book (docs/book.toml) into target/book/, and fails on anything mdBook or the
# book's preprocessor (crates/book) complains about: a missing include or anchor, a link to
# nothing, a warning of any kind.
#
#   scripts/book.sh            # build; open target/book/index.html in a browser
#   scripts/book.sh serve      # build, then serve it on http://127.0.0.1:3000 (needs mdBook
#                              # with its `serve` feature: `cargo install mdbook --version
#                              # 0.5.4` and `mdbook serve docs` does the same)
#
# mdBook is pinned: the first run installs that version with `cargo install --locked` into a
# cache outside the repository (${XDG_CACHE_HOME:-~/.cache}/async-rosetta/mdbook-VERSION,
# a few minutes), and every later run reuses it. MDBOOK=/path/to/mdbook uses another binary
# of the same version instead.
set -euo pipefail
cd "$(dirname "$0")/.."

version=0.5.4
cache="${XDG_CACHE_HOME:-$HOME/.cache}/async-rosetta/mdbook-$version"
mdbook="${MDBOOK:-$cache/bin/mdbook}"

if [[ "${1:-}" == serve ]]; then
    # Serving needs the full mdBook; the cached one is built without it, to build faster.
    exec mdbook serve docs
fi

if [[ ! -x "$mdbook" ]]; then
    echo "== installing mdBook $version into $cache (once)"
    # Only the search feature: `serve` and `watch` would double the build, and the book
    # is read from files or served by `scripts/book-check.sh`. A debug build compiles in
    # half the time of a release one, and still builds this book in a few seconds.
    cargo install --locked --quiet --debug mdbook --version "$version" \
        --no-default-features --features search \
        --root "$cache" --target-dir "$cache/target"
    rm -rf "$cache/target"
fi
found="$("$mdbook" --version)"
if [[ "$found" != "mdbook v$version" ]]; then
    echo "scripts/book.sh: $mdbook is $found, not mdbook v$version" >&2
    exit 1
fi

# mdBook logs at `info` by default; a warning or an error is a line with that level, and
# mdBook still writes the book and exits 0 after many of them (a broken include leaves the
# directive in the page), so the log is read here.
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
"$mdbook" build docs 2>&1 | tee "$log" || status=$?
if ((status != 0)) || grep -Eq '(WARN|ERROR)' "$log"; then
    echo "scripts/book.sh: the book has problems (above); it is not built until they are fixed" >&2
    exit 1
fi
echo "The book: target/book/index.html"
