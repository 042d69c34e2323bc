#!/usr/bin/env bash
# Checks the built book (scripts/book.sh) the way a reader meets it: in a real, headless
# Chromium. Every page is opened and must load without a console error, a failed request or
# a request that leaves the machine; every image must load; every internal link must lead to
# a page and an anchor that exist; the runtime tabs must switch every group of a page and be
# remembered from page to page; the search must find a few words. One line per problem, a
# summary, and a screenshot of each pattern chapter in target/book-check/. The work is done
# by book-check.mjs; this script installs what it needs:
#
# - Chromium, from Debian (`apt-get install chromium`), when /usr/bin/chromium is missing.
#   Playwright's own browser download (`npx playwright install`) is never used: it fetches
#   a build from outside the package registries, which a locked-down machine cannot reach.
# - playwright-core, at a pinned version, with npm, into a cache outside the repository, so
#   that the repository has no package.json or node_modules; reused when present.
#
#   scripts/book-check.sh                 # the book in target/book
#   scripts/book-check.sh path/to/book    # another built book
#
# Exits 0 when the book is clean, 1 on any problem, 2 on bad usage.
set -euo pipefail

PLAYWRIGHT_CORE_VERSION=1.65.1

root="$(cd "$(dirname "$0")/.." && pwd)"

if [ "$#" -gt 1 ] || [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then
    echo "usage: scripts/book-check.sh [BOOK_DIR]   (default: target/book)" >&2
    exit 2
fi
book="${1:-$root/target/book}"
if [ ! -f "$book/index.html" ]; then
    echo "error: no built book in $book (no index.html): build it with scripts/book.sh" >&2
    exit 2
fi
book="$(cd "$book" && pwd)"

# Root needs no sudo; anyone else does, and a machine without sudo gets a plain error.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    else
        sudo "$@"
    fi
}

if [ ! -x /usr/bin/chromium ]; then
    echo "installing chromium (Debian's package) ..." >&2
    as_root apt-get update -qq >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
fi

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "error: node (20 or newer) and npm are needed" >&2
    exit 2
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 20 ]; then
    echo "error: node 20 or newer is needed (this is $(node --version))" >&2
    exit 2
fi

cache="${XDG_CACHE_HOME:-${HOME:?HOME is not set}/.cache}/async-rosetta/playwright-core-$PLAYWRIGHT_CORE_VERSION"
if [ ! -f "$cache/node_modules/playwright-core/package.json" ]; then
    echo "installing playwright-core $PLAYWRIGHT_CORE_VERSION into $cache ..." >&2
    # Installed beside the cache and moved into place whole, so that an interrupted
    # install is never taken for a finished one.
    partial="$cache.partial.$$"
    rm -rf "$partial"
    mkdir -p "$partial"
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --prefix "$partial" --no-save \
        --no-package-lock --no-audit --no-fund --loglevel=error \
        "playwright-core@$PLAYWRIGHT_CORE_VERSION" >&2
    rm -rf "$cache"
    mv "$partial" "$cache"
fi

exec node "$root/scripts/book-check.mjs" \
    --book "$book" \
    --out "$root/target/book-check" \
    --playwright "$cache/node_modules/playwright-core" \
    --chromium /usr/bin/chromium
