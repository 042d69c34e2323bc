// Checks a built mdBook in headless Chromium, as a reader would meet it; run it through
// scripts/book-check.sh, which installs Chromium and playwright-core and passes their paths:
//
//   node scripts/book-check.mjs --book DIR --out DIR --playwright DIR --chromium PATH
//
// The book is served on 127.0.0.1 by a small static server in this script, and every .html
// page it has is opened in one browser tab, in the order of its table of contents. What fails
// the check, one line per problem:
//
// - a console error or an uncaught error on a page;
// - a request to the server that fails or answers 400 or more, and any request that would
//   leave the machine (the book must be self-contained; such requests are blocked);
// - an image that did not load;
// - an internal link to a file the book does not have, or to a #fragment that is no id in the
//   page it names (the sidebar's links included);
// - a runtime group (see docs/assets/runtimes.js) without its three tabs or without the
//   async-std panel's note, a tab whose click does not show that runtime's panel, and only
//   it, in every group of the page, a choice that the next page with groups does not open
//   on, and, on the first page with groups, arrow keys that do not move the choice or, with
//   JavaScript off, a panel that does not show with its label;
// - a search, on the first page, that finds nothing.
//
// It also saves a screenshot of each pattern chapter (patterns/*.html) in the --out folder.
// Exit code: 0 clean, 1 with problems, 2 on bad usage.
//
// What it leaves out: links to other sites are not followed (only a request that the page
// itself makes counts as leaving the machine), and the keyboard and no-JavaScript checks
// run on one page, since every page runs the same script and stylesheet.

import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const RUNTIMES = ['tokio', 'async-std', 'smol'];
const DEFAULT_RUNTIME = 'tokio';
const STORAGE_KEY = 'async-rosetta.runtime';
const SEARCHES = ['gather', 'JoinSet', 'to_thread', 'Ctrl-C'];
// What Chromium needs on a container without a GPU, a sandbox or a network beyond the
// package registries; the user data dir is added, fresh, at launch.
const CHROMIUM_FLAGS = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
];
const VIEWPORT = { width: 1280, height: 900 };
// The pattern chapters are 10,000 to 20,000 px tall: a full-page PNG of each is slow to make
// and no easier to look at. A chapter is shot from its top down to its first image (the
// timeline) and at least this far, which shows the tabs, the first groups and the timeline;
// a shorter chapter is shot whole.
const SHOT_MIN_HEIGHT = 4000;
// Each wait is bounded, so that a broken page fails the check instead of hanging it.
const WAIT_MS = 15000;
const WHOLE_RUN_MS = 5 * 60 * 1000;

const TYPES = {
    '.html': 'text/html; charset=utf-8',
    '.js': 'text/javascript; charset=utf-8',
    '.mjs': 'text/javascript; charset=utf-8',
    '.css': 'text/css; charset=utf-8',
    '.json': 'application/json',
    '.svg': 'image/svg+xml',
    '.png': 'image/png',
    '.jpg': 'image/jpeg',
    '.jpeg': 'image/jpeg',
    '.gif': 'image/gif',
    '.ico': 'image/x-icon',
    '.woff': 'font/woff',
    '.woff2': 'font/woff2',
    '.ttf': 'font/ttf',
    '.txt': 'text/plain; charset=utf-8',
    '.toml': 'text/plain; charset=utf-8',
};

function usage(message) {
    console.error(`error: ${message}`);
    console.error(
        'usage: node scripts/book-check.mjs --book DIR --out DIR --playwright DIR --chromium PATH',
    );
    process.exit(2);
}

function parseArgs(argv) {
    const args = {};
    for (let i = 0; i < argv.length; i += 2) {
        const name = argv[i];
        if (!['--book', '--out', '--playwright', '--chromium'].includes(name)) {
            usage(`unknown argument ${name}`);
        }
        if (i + 1 >= argv.length) {
            usage(`${name} needs a value`);
        }
        args[name.slice(2)] = argv[i + 1];
    }
    for (const name of ['book', 'out', 'playwright', 'chromium']) {
        if (!args[name]) {
            usage(`--${name} is missing`);
        }
    }
    if (!fs.existsSync(path.join(args.book, 'index.html'))) {
        usage(`no built book in ${args.book} (no index.html)`);
    }
    return args;
}

// Every file of the book, as paths relative to its root with forward slashes.
async function listFiles(root) {
    const files = new Set();
    async function walk(dir) {
        for (const entry of await fsp.readdir(dir, { withFileTypes: true })) {
            const full = path.join(dir, entry.name);
            if (entry.isDirectory()) {
                await walk(full);
            } else if (entry.isFile()) {
                files.add(path.relative(root, full).split(path.sep).join('/'));
            }
        }
    }
    await walk(root);
    return files;
}

// The pages in reading order: the first page, the table of contents (mdBook writes it to
// toc.html for readers without JavaScript), then every other .html file by name.
function pageOrder(book, files) {
    const pages = [];
    const seen = new Set();
    const add = (rel) => {
        if (files.has(rel) && rel.endsWith('.html') && !seen.has(rel)) {
            seen.add(rel);
            pages.push(rel);
        }
    };
    add('index.html');
    if (files.has('toc.html')) {
        const toc = fs.readFileSync(path.join(book, 'toc.html'), 'utf8');
        for (const match of toc.matchAll(/href="([^"#?]+)/g)) {
            add(path.posix.normalize(match[1]));
        }
    }
    [...files].filter((rel) => rel.endsWith('.html')).sort().forEach(add);
    return pages;
}

// mdBook's 404.html is meant to be served for any missing path, so its links are relative
// to a <base href> (output.html.site-url, "/" by default). The server therefore also serves
// the book under that path. A site-url with a host of its own would make the page load from
// elsewhere, which only works once deployed: that page is then left out, with a note.
function notFoundBase(book, files) {
    if (!files.has('404.html')) {
        return { prefix: '/', skip: false };
    }
    const html = fs.readFileSync(path.join(book, '404.html'), 'utf8');
    const base = /<base\s+href="([^"]*)"/i.exec(html);
    if (!base || base[1] === '/') {
        return { prefix: '/', skip: false };
    }
    if (!base[1].startsWith('/') || base[1].startsWith('//')) {
        return { prefix: '/', skip: true, base: base[1] };
    }
    return { prefix: base[1].endsWith('/') ? base[1] : `${base[1]}/`, skip: false };
}

// The file a URL path names, or null: "dir/" and "dir" name dir/index.html, as on a
// static host.
function fileFor(urlPath, files, prefix) {
    let decoded;
    try {
        decoded = decodeURIComponent(urlPath);
    } catch {
        return null;
    }
    if (prefix !== '/' && decoded.startsWith(prefix)) {
        decoded = `/${decoded.slice(prefix.length)}`;
    }
    const rel = path.posix.normalize(decoded).replace(/^\/+/, '');
    if (rel.startsWith('..')) {
        return null;
    }
    if (rel === '' || rel === '.') {
        return files.has('index.html') ? 'index.html' : null;
    }
    const trimmed = rel.replace(/\/+$/, '');
    if (!rel.endsWith('/') && files.has(trimmed)) {
        return trimmed;
    }
    return files.has(`${trimmed}/index.html`) ? `${trimmed}/index.html` : null;
}

function serve(book, files, prefix) {
    const server = http.createServer((req, res) => {
        const url = new URL(req.url, 'http://127.0.0.1');
        const rel = req.method === 'GET' || req.method === 'HEAD'
            ? fileFor(url.pathname, files, prefix)
            : null;
        if (!rel) {
            res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
            res.end('not found\n');
            return;
        }
        const type = TYPES[path.extname(rel).toLowerCase()] || 'application/octet-stream';
        res.writeHead(200, { 'content-type': type, 'cache-control': 'no-cache' });
        if (req.method === 'HEAD') {
            res.end();
            return;
        }
        fs.createReadStream(path.join(book, rel)).pipe(res);
    });
    return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve(server));
    });
}

// The state of every runtime group on the page, read from the DOM.
function readGroups() {
    return Array.from(document.querySelectorAll('.runtimes'), (group) => {
        const panels = Array.from(group.children).filter((c) => c.hasAttribute('data-runtime'));
        return {
            tabs: Array.from(group.querySelectorAll('[role="tab"]'), (tab) => ({
                runtime: tab.getAttribute('data-runtime'),
                label: tab.textContent.trim(),
                selected: tab.getAttribute('aria-selected') === 'true',
            })),
            tablist: group.querySelector('[role="tablist"]') !== null,
            panels: panels.map((panel) => {
                const before = getComputedStyle(panel, '::before').content;
                const note = panel.querySelector('.runtimes-note');
                return {
                    runtime: panel.getAttribute('data-runtime'),
                    visible: panel.checkVisibility(),
                    labelled: before !== 'none' && before !== 'normal' && before !== '',
                    note: note ? note.textContent : '',
                };
            }),
        };
    });
}

// Every problem is printed as it is found, after the page it was found on.
const problems = [];
let current = '(start)';
function problem(message, page = current) {
    const line = `${page}: ${message}`;
    problems.push(line);
    console.log(line);
}

async function main() {
    const args = parseArgs(process.argv.slice(2));
    const started = Date.now();
    const book = path.resolve(args.book);
    const out = path.resolve(args.out);
    const require = createRequire(import.meta.url);
    const { chromium } = require(path.resolve(args.playwright));

    const files = await listFiles(book);
    const notFound = notFoundBase(book, files);
    let pages = pageOrder(book, files);
    if (notFound.skip) {
        pages = pages.filter((rel) => rel !== '404.html');
        console.log(`note: 404.html left out: its <base href="${notFound.base}"> is another host`);
    }

    const server = await serve(book, files, notFound.prefix);
    const origin = `http://127.0.0.1:${server.address().port}`;
    const userDataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'book-check-'));
    const watchdog = setTimeout(() => {
        console.log(`book-check: gave up after ${WHOLE_RUN_MS / 1000} s`);
        process.exit(1);
    }, WHOLE_RUN_MS);
    watchdog.unref();

    let context;
    try {
        context = await chromium.launchPersistentContext(userDataDir, {
            executablePath: args.chromium,
            headless: true,
            args: CHROMIUM_FLAGS,
            viewport: VIEWPORT,
            colorScheme: 'light',
        });
        const summary = await checkBook(context, origin, pages, files, notFound.prefix, out);
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        console.log(
            `book-check: ${summary.pages} pages, ${summary.links} internal links ` +
            `(${summary.targets} distinct), ${summary.images} images, ` +
            `${summary.groups} runtime groups on ${summary.groupPages} pages, ` +
            `${summary.searches} searches; ` +
            `${problems.length === 0 ? 'no problems' : `${problems.length} problem${problems.length === 1 ? '' : 's'}`} ` +
            `(${seconds} s)`,
        );
    } catch (error) {
        problem(`the check itself failed: ${String(error.message || error).split('\n')[0]}`);
    } finally {
        if (context) {
            await context.close().catch(() => {});
        }
        server.close();
        await fsp.rm(userDataDir, { recursive: true, force: true }).catch(() => {});
    }
    process.exitCode = problems.length === 0 ? 0 : 1;
}

async function checkBook(context, origin, pages, files, prefix, out) {
    // Requests already reported, so that the console's own "Failed to load resource" line
    // about the same URL does not count twice.
    const reported = new Set();
    let navigatingTo = null;

    // Anything not for our server is blocked before it leaves, and reported.
    await context.route((url) => !url.href.startsWith(`${origin}/`), (route) => {
        const url = new URL(route.request().url());
        if (url.protocol !== 'data:' && url.protocol !== 'blob:') {
            reported.add(url.href);
            const local = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
            problem(local
                ? `request to another server on this machine: ${url.href}`
                : `request leaves the machine: ${url.href}`);
        }
        return route.abort('blockedbyclient');
    });

    const page = await context.newPage();
    page.on('console', (message) => {
        if (message.type() !== 'error') {
            return;
        }
        const where = message.location();
        if (message.text().startsWith('Failed to load resource') && reported.has(where.url)) {
            return;
        }
        const place = where.url ? ` (${where.url.replace(origin, '')}:${where.lineNumber})` : '';
        problem(`console error: ${message.text()}${place}`);
    });
    page.on('pageerror', (error) => {
        problem(`uncaught error: ${String(error.message || error).split('\n')[0]}`);
    });
    page.on('requestfailed', (request) => {
        const url = request.url();
        if (!url.startsWith(`${origin}/`) || reported.has(url)) {
            return;
        }
        const reason = request.failure() ? request.failure().errorText : 'failed';
        // Leaving a page cancels what it still had in flight: not a fault of the page.
        if (navigatingTo !== null && reason === 'net::ERR_ABORTED' && url !== navigatingTo) {
            return;
        }
        reported.add(url);
        problem(`request failed (${reason}): ${url.replace(origin, '')}`);
    });
    page.on('response', (response) => {
        const url = response.url();
        if (url.startsWith(`${origin}/`) && response.status() >= 400 && !reported.has(url)) {
            reported.add(url);
            problem(`request answered ${response.status()}: ${url.replace(origin, '')}`);
        }
    });

    const ids = new Map();
    const links = new Map();
    const summary = { pages: 0, links: 0, targets: 0, images: 0, groups: 0, groupPages: 0, searches: 0 };
    let remembered = DEFAULT_RUNTIME;
    let firstGroupPage = true;
    let lastGroupPage = null;
    // The screenshots of an earlier run go, so that a chapter since renamed leaves none.
    await fsp.mkdir(out, { recursive: true });
    for (const name of await fsp.readdir(out)) {
        if (name.endsWith('.png')) {
            await fsp.rm(path.join(out, name), { force: true });
        }
    }
    const shots = [];

    for (const rel of pages) {
        current = rel;
        // 404.html is opened where a host would show it, under its <base href>.
        const url = rel === '404.html' && prefix !== '/' ? `${origin}${prefix}404.html` : `${origin}/${rel}`;
        navigatingTo = url;
        try {
            await page.goto(url, { waitUntil: 'load', timeout: WAIT_MS });
        } catch (error) {
            problem(`did not load: ${String(error.message || error).split('\n')[0]}`);
            navigatingTo = null;
            continue;
        }
        navigatingTo = null;
        summary.pages += 1;

        const found = await page.evaluate(async (waitMs) => {
            await document.fonts.ready;
            const images = Array.from(document.images);
            await Promise.all(images.map((img) => (img.complete ? null : new Promise((resolve) => {
                img.addEventListener('load', resolve);
                img.addEventListener('error', resolve);
                setTimeout(resolve, waitMs);
            }))));
            return {
                ids: [
                    ...Array.from(document.querySelectorAll('[id]'), (e) => e.id),
                    ...Array.from(document.querySelectorAll('a[name]'), (a) => a.name),
                ],
                links: Array.from(document.querySelectorAll('a[href]'), (a) => ({
                    raw: a.getAttribute('href'),
                    href: a.href,
                })),
                images: images.map((img) => ({
                    src: img.getAttribute('src'),
                    loaded: img.naturalWidth > 0,
                })),
            };
        }, WAIT_MS);
        ids.set(rel, new Set(found.ids));

        // mdBook 0.5 writes each image twice (once more for its click-to-zoom view): one
        // check per source.
        const images = new Map();
        for (const image of found.images) {
            images.set(image.src, (images.get(image.src) ?? true) && image.loaded);
        }
        for (const [src, loaded] of images) {
            summary.images += 1;
            if (!loaded) {
                problem(`image did not load: ${src}`);
            }
        }

        for (const link of found.links) {
            let target;
            let fragment;
            if (link.raw.startsWith('#')) {
                // A bare #fragment names this page whatever a <base href> makes of it.
                target = rel;
                fragment = link.raw.slice(1);
            } else {
                const url = new URL(link.href);
                if (url.origin !== origin) {
                    continue;
                }
                target = fileFor(url.pathname, files, prefix);
                fragment = url.hash.slice(1);
                if (target === null) {
                    target = { missing: url.pathname };
                }
            }
            summary.links += 1;
            const key = `${rel}\u0000${link.raw}`;
            if (!links.has(key)) {
                links.set(key, { from: rel, raw: link.raw, target, fragment });
            }
        }

        if (rel === pages[0]) {
            summary.searches = await checkSearch(page);
        }

        const groups = await page.evaluate(readGroups);
        if (groups.length > 0) {
            summary.groups += groups.length;
            summary.groupPages += 1;
            if (firstGroupPage) {
                await checkWithoutScript(context, `${origin}/${rel}`);
                await checkKeyboard(page);
                firstGroupPage = false;
            }
            // The last click of each page is never the default, and alternates, so that
            // the next page's opening proves the choice was carried over.
            const order = summary.groupPages % 2 === 1
                ? ['tokio', 'async-std', 'smol']
                : ['tokio', 'smol', 'async-std'];
            remembered = await checkGroups(page, groups, remembered, order);
            lastGroupPage = rel;
        }

        const chapter = /^patterns\/([^/]+)\.html$/.exec(rel);
        if (chapter) {
            shots.push(await screenshot(page, out, chapter[1]));
        }
    }

    // Back to the default, as a reader who has not chosen would see it.
    if (lastGroupPage !== null) {
        current = lastGroupPage;
        const tab = page.locator('.runtimes').first().locator(`[role="tab"][data-runtime="${DEFAULT_RUNTIME}"]`);
        if ((await tab.count()) > 0) {
            await tab.click({ timeout: WAIT_MS });
            await expectShown(page, DEFAULT_RUNTIME, `after a click on ${DEFAULT_RUNTIME}`);
        }
    }

    current = '(links)';
    const targets = new Set();
    for (const link of links.values()) {
        if (typeof link.target === 'object') {
            targets.add(link.target.missing);
            problem(`link to a missing page: ${link.raw}`, link.from);
            continue;
        }
        targets.add(`${link.target}#${link.fragment}`);
        if (!link.fragment || !link.target.endsWith('.html') || !ids.has(link.target)) {
            continue;
        }
        let fragment;
        try {
            fragment = decodeURIComponent(link.fragment);
        } catch {
            fragment = link.fragment;
        }
        if (!ids.get(link.target).has(fragment)) {
            problem(`link to a missing anchor: ${link.raw} (no id "${fragment}" in ${link.target})`, link.from);
        }
    }
    summary.targets = targets.size;

    if (shots.length > 0) {
        console.log(`screenshots in ${out}:`);
        for (const shot of shots) {
            console.log(`  ${shot}`);
        }
    }
    return summary;
}

// Opens mdBook's search with its key and types each word, waiting for the results header
// that searcher.js writes for exactly that word ("N search results for 'word':").
async function checkSearch(page) {
    let done = 0;
    await page.locator('body').focus();
    await page.keyboard.press('s');
    const bar = page.locator('#mdbook-searchbar, #searchbar').first();
    try {
        await bar.waitFor({ state: 'visible', timeout: WAIT_MS });
    } catch {
        problem('search: the "s" key did not open the search bar');
        return done;
    }
    for (const word of SEARCHES) {
        await bar.fill('');
        await bar.pressSequentially(word);
        try {
            await page.waitForFunction((term) => {
                const header = document.querySelector('#mdbook-searchresults-header, #searchresults-header');
                return header !== null && header.textContent.includes(`'${term}'`);
            }, word, { timeout: WAIT_MS });
        } catch {
            problem(`search: no answer for "${word}"`);
            continue;
        }
        done += 1;
        const results = await page.locator('#mdbook-searchresults > li, #searchresults > li').count();
        if (results === 0) {
            problem(`search: no result for "${word}"`);
        }
    }
    await page.keyboard.press('Escape');
    return done;
}

// Every group shows `runtime` only, with its tab selected; one line per kind of fault.
async function expectShown(page, runtime, when) {
    const groups = await page.evaluate(readGroups);
    const wrong = [];
    groups.forEach((group, i) => {
        const shown = group.panels.filter((p) => p.visible).map((p) => p.runtime);
        const selected = group.tabs.filter((t) => t.selected).map((t) => t.runtime);
        if (shown.length !== 1 || shown[0] !== runtime || selected.length !== 1 || selected[0] !== runtime) {
            wrong.push(`group ${i + 1} shows [${shown.join(', ')}], tab [${selected.join(', ')}]`);
        }
    });
    if (wrong.length > 0) {
        problem(`${when}, expected ${runtime} in every group: ${wrong.join('; ')}`);
    }
    return wrong.length === 0;
}

async function checkGroups(page, groups, remembered, order) {
    const faults = [];
    groups.forEach((group, i) => {
        const runtimes = group.tabs.map((t) => t.runtime);
        const labels = group.tabs.map((t) => t.label);
        if (!group.tablist || runtimes.join() !== RUNTIMES.join() || labels.join() !== RUNTIMES.join()) {
            faults.push(`group ${i + 1} has tabs [${labels.join(', ')}]`);
        }
        const panels = group.panels.map((p) => p.runtime).sort();
        if (panels.join() !== [...RUNTIMES].sort().join()) {
            faults.push(`group ${i + 1} has panels [${panels.join(', ')}]`);
        }
        for (const panel of group.panels) {
            if (group.tablist && panel.runtime === 'async-std' && !/discontinued/.test(panel.note)) {
                faults.push(`group ${i + 1}'s async-std panel has no note that async-std is discontinued`);
            }
        }
    });
    if (faults.length > 0) {
        problem(`runtime groups: ${faults.join('; ')} (expected tabs and panels ${RUNTIMES.join(', ')})`);
    }
    if (groups.every((g) => g.tabs.length === 0)) {
        return remembered;
    }

    await expectShown(page, remembered, `opened after ${remembered} was chosen`);
    let chosen = remembered;
    for (const runtime of order) {
        const tab = page.locator('.runtimes').first().locator(`[role="tab"][data-runtime="${runtime}"]`);
        if ((await tab.count()) === 0) {
            continue;
        }
        await tab.click({ timeout: WAIT_MS });
        if (await expectShown(page, runtime, `after a click on ${runtime}`)) {
            chosen = runtime;
        }
        const stored = await page.evaluate((key) => {
            try {
                return window.localStorage.getItem(key);
            } catch {
                return null;
            }
        }, STORAGE_KEY);
        if (stored !== runtime) {
            problem(`after a click on ${runtime}, localStorage "${STORAGE_KEY}" is ${JSON.stringify(stored)}`);
        }
    }
    await page.mouse.move(VIEWPORT.width - 1, VIEWPORT.height - 1);
    return chosen;
}

// The tabs are keyboard usable: the arrow keys move the choice along a focused tab bar.
async function checkKeyboard(page) {
    const tab = page.locator('.runtimes').first().locator('[role="tab"][aria-selected="true"]');
    if ((await tab.count()) !== 1) {
        return;
    }
    const from = await tab.getAttribute('data-runtime');
    const to = RUNTIMES[(RUNTIMES.indexOf(from) + 1) % RUNTIMES.length];
    await tab.focus();
    await page.keyboard.press('ArrowRight');
    await expectShown(page, to, `after ArrowRight on the ${from} tab`);
    const focused = await page.evaluate(() => document.activeElement?.getAttribute('data-runtime'));
    if (focused !== to) {
        problem(`after ArrowRight on the ${from} tab, the focus is on ${focused ?? 'no tab'}, not ${to}`);
    }
    await page.keyboard.press('ArrowLeft');
    await expectShown(page, from, `after ArrowLeft on the ${to} tab`);
}

// With JavaScript off (Chromium's own switch, through the DevTools protocol) every panel
// shows, each with its label.
async function checkWithoutScript(context, url) {
    const page = await context.newPage();
    try {
        const session = await context.newCDPSession(page);
        await session.send('Emulation.setScriptExecutionDisabled', { value: true });
        await page.goto(url, { waitUntil: 'load', timeout: WAIT_MS });
        const groups = await page.evaluate(readGroups).catch(() => null);
        // evaluate still runs with page scripts off: it is the DevTools protocol's own.
        if (groups === null) {
            problem('without JavaScript: could not read the page');
            return;
        }
        const hidden = [];
        groups.forEach((group, i) => {
            for (const panel of group.panels) {
                if (!panel.visible || !panel.labelled) {
                    hidden.push(`group ${i + 1} ${panel.runtime} (${panel.visible ? 'no label' : 'hidden'})`);
                }
            }
        });
        if (hidden.length > 0) {
            problem(`without JavaScript, every panel should show with its label: ${hidden.join('; ')}`);
        }
    } finally {
        await page.close();
    }
}

async function screenshot(page, out, name) {
    const file = path.join(out, `${name}.png`);
    await page.evaluate(() => window.scrollTo(0, 0));
    const { height, image } = await page.evaluate(() => {
        const shown = Array.from(document.querySelectorAll('main img')).find((img) => img.checkVisibility());
        return {
            height: document.documentElement.scrollHeight,
            image: shown ? Math.ceil(shown.getBoundingClientRect().bottom + window.scrollY) : 0,
        };
    });
    const bottom = Math.max(SHOT_MIN_HEIGHT, image + 40);
    if (height <= bottom) {
        await page.screenshot({ path: file, fullPage: true });
        return `${file} (full page, ${height} px)`;
    }
    await page.screenshot({
        path: file,
        fullPage: true,
        clip: { x: 0, y: 0, width: VIEWPORT.width, height: bottom },
    });
    return `${file} (top ${bottom} of ${height} px${image > 0 ? ', the first image included' : ''})`;
}

main().catch((error) => {
    console.log(`book-check: ${String(error.stack || error)}`);
    process.exit(1);
});
