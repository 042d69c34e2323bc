/*
 * The runtime tabs of the book.
 *
 * Every pattern is written three times, on tokio, async-std and smol, and a chapter shows
 * the three side by side in groups marked up as
 *
 *     <div class="runtimes">
 *       <div data-runtime="tokio"> ... </div>
 *       <div data-runtime="async-std"> ... </div>
 *       <div data-runtime="smol"> ... </div>
 *     </div>
 *
 * This script turns each group into a tab bar above its panels and shows only the chosen
 * runtime's panel. A reader reads one runtime at a time, so a click switches every group on
 * the page at once, and the choice is kept in localStorage so that the next chapter opens on
 * the same runtime. Without JavaScript nothing here runs and runtimes.css shows every panel
 * with its runtime's name, so no code is ever out of reach.
 *
 * async-std is discontinued upstream and its maintainers point to smol; the project says so
 * wherever a reader picks a runtime, so every async-std panel gets a one-line note.
 *
 * Plain JavaScript with no library and no build step: mdBook copies the file as it is.
 */
(function () {
    'use strict';

    var RUNTIMES = ['tokio', 'async-std', 'smol'];
    var DEFAULT_RUNTIME = 'tokio';
    var STORAGE_KEY = 'async-rosetta.runtime';
    var NOTE = 'async-std is discontinued upstream; its maintainers point to smol.';

    // localStorage can be missing or throw (a file:// page in some browsers, privacy modes,
    // a full quota): the tabs then still work, the choice is just not remembered.
    function storedRuntime() {
        var value = null;
        try {
            value = window.localStorage.getItem(STORAGE_KEY);
        } catch (e) {
            value = null;
        }
        return RUNTIMES.indexOf(value) >= 0 ? value : DEFAULT_RUNTIME;
    }

    function storeRuntime(runtime) {
        try {
            window.localStorage.setItem(STORAGE_KEY, runtime);
        } catch (e) {
            // Not remembered; see storedRuntime.
        }
    }

    // The panels of a group are its direct children with a data-runtime, so that a group
    // nested in a panel (none is today) would keep its own panels.
    function panelsOf(group) {
        var panels = [];
        for (var i = 0; i < group.children.length; i++) {
            var child = group.children[i];
            if (RUNTIMES.indexOf(child.getAttribute('data-runtime')) >= 0) {
                panels.push(child);
            }
        }
        return panels;
    }

    var groups = [];

    // Shows `runtime` in every group. A group without a panel for it (the markup contract
    // says every group has all three) shows its first panel rather than nothing.
    function show(runtime) {
        groups.forEach(function (group) {
            var chosen = group.panels.some(function (panel) {
                return panel.getAttribute('data-runtime') === runtime;
            })
                ? runtime
                : group.panels[0].getAttribute('data-runtime');
            group.panels.forEach(function (panel, i) {
                var selected = panel.getAttribute('data-runtime') === chosen;
                panel.hidden = !selected;
                group.tabs[i].setAttribute('aria-selected', selected ? 'true' : 'false');
                group.tabs[i].tabIndex = selected ? 0 : -1;
            });
        });
    }

    // A click changes the height of every group above the clicked one, which would move the
    // page under the reader's pointer: keep the clicked tab bar where it was on the screen.
    function choose(runtime, tablist) {
        var before = tablist.getBoundingClientRect().top;
        show(runtime);
        storeRuntime(runtime);
        var after = tablist.getBoundingClientRect().top;
        if (after !== before) {
            window.scrollBy(0, after - before);
        }
    }

    function onKeydown(event, group, index) {
        var count = group.tabs.length;
        var next;
        switch (event.key) {
            case 'ArrowRight':
            case 'ArrowDown':
                next = (index + 1) % count;
                break;
            case 'ArrowLeft':
            case 'ArrowUp':
                next = (index + count - 1) % count;
                break;
            case 'Home':
                next = 0;
                break;
            case 'End':
                next = count - 1;
                break;
            default:
                return;
        }
        // mdBook's own keys (the arrows turn the page) must not fire while the tabs have
        // the focus.
        event.preventDefault();
        event.stopPropagation();
        choose(group.tabs[next].getAttribute('data-runtime'), group.tablist);
        group.tabs[next].focus();
    }

    function build(group, number) {
        var panels = panelsOf(group);
        if (panels.length === 0) {
            return;
        }
        // The contract's order, whatever the order in the page.
        panels.sort(function (a, b) {
            return (
                RUNTIMES.indexOf(a.getAttribute('data-runtime')) -
                RUNTIMES.indexOf(b.getAttribute('data-runtime'))
            );
        });

        var tablist = document.createElement('div');
        tablist.className = 'runtimes-tabs';
        tablist.setAttribute('role', 'tablist');
        tablist.setAttribute('aria-label', 'Runtime');

        var entry = { panels: panels, tabs: [], tablist: tablist };
        panels.forEach(function (panel, i) {
            var runtime = panel.getAttribute('data-runtime');
            var id = 'runtimes-' + number + '-' + runtime;
            if (!panel.id) {
                panel.id = id + '-panel';
            }
            var tab = document.createElement('button');
            tab.type = 'button';
            tab.id = id + '-tab';
            tab.className = 'runtimes-tab';
            tab.setAttribute('role', 'tab');
            tab.setAttribute('data-runtime', runtime);
            tab.setAttribute('aria-controls', panel.id);
            tab.textContent = runtime;
            tab.addEventListener('click', function () {
                choose(runtime, tablist);
            });
            tab.addEventListener('keydown', function (event) {
                onKeydown(event, entry, i);
            });
            tablist.appendChild(tab);
            entry.tabs.push(tab);

            panel.setAttribute('role', 'tabpanel');
            panel.setAttribute('aria-labelledby', tab.id);
            panel.tabIndex = 0;
            if (runtime === 'async-std') {
                var note = document.createElement('p');
                note.className = 'runtimes-note';
                note.textContent = NOTE;
                panel.insertBefore(note, panel.firstChild);
            }
        });

        group.insertBefore(tablist, group.firstChild);
        // The class switches runtimes.css from "every panel, labelled" to tabs.
        group.classList.add('runtimes-tabbed');
        groups.push(entry);
    }

    // A link to an anchor inside a hidden panel (say #copy-it-smol) shows that panel's
    // runtime for this visit, without changing the reader's remembered choice.
    function showTarget() {
        var id = decodeURIComponent(window.location.hash.slice(1));
        var target = id ? document.getElementById(id) : null;
        for (var node = target; node; node = node.parentElement) {
            var runtime = node.getAttribute && node.getAttribute('data-runtime');
            if (node.parentElement && node.parentElement.classList.contains('runtimes-tabbed')
                && RUNTIMES.indexOf(runtime) >= 0) {
                show(runtime);
                target.scrollIntoView();
                return;
            }
        }
    }

    function init() {
        var found = document.querySelectorAll('.runtimes');
        for (var i = 0; i < found.length; i++) {
            build(found[i], i + 1);
        }
        if (groups.length === 0) {
            return;
        }
        show(storedRuntime());
        showTarget();
        window.addEventListener('hashchange', showTarget);
        // Another tab of the same book switched: follow it, as the next page would.
        window.addEventListener('storage', function (event) {
            if (event.key === STORAGE_KEY) {
                show(storedRuntime());
            }
        });
    }

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', init);
    } else {
        init();
    }
})();
