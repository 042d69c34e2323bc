#!/usr/bin/env bash
# Hunts flaky tests: runs the whole test suite (`cargo test --workspace`) N times in a row,
# then once more while a parallel build of the workspace loads every core, and reports every
# test that failed in any run (package, test target, test name, and in which runs).
#
#   scripts/repeat-tests.sh            # 5 plain runs + 1 loaded run
#   scripts/repeat-tests.sh -n 2       # 2 plain runs + 1 loaded run
#   scripts/repeat-tests.sh -n 0       # the loaded run alone
#   scripts/repeat-tests.sh --no-load  # plain runs only
#   scripts/repeat-tests.sh -n 3 -- -p gather-smol    # these packages instead of --workspace
#   scripts/repeat-tests.sh --heavy -n 10 --no-load   # 10 runs, each under heavy load
#
# --heavy: every run, not only the loaded one, runs beside busy processes, 4 per core
# (REPEAT_TESTS_BUSY_PER_CORE changes the 4), each a shell loop that never sleeps: a machine
# loaded to 4 or 5 times its cores, where a test that races real time against the
# scheduler loses. They start once the tests are built, and end when the script does.
#
# Exit status: 0 when every run passed, 1 when any test failed, crashed or hung, 2 on a
# bad argument. Every process the script started (busy loops, the loaded run's build) is
# ended when it exits, interrupted or not.
# The logs of every run are kept in target/repeat-tests/ (the last session's only).
set -uo pipefail
cd "$(dirname "$0")/.."

runs=5
load=1
heavy=0
busy_per_core=${REPEAT_TESTS_BUSY_PER_CORE:-4}
# A whole-suite run takes about a minute here; ten minutes means something hangs.
run_timeout=${REPEAT_TESTS_TIMEOUT:-900}
# What `cargo test` runs: the whole workspace, or what follows `--`.
cargo_args=(--workspace)
while (($#)); do
    case "$1" in
    -n)
        runs=${2:?-n needs a number}
        shift 2
        ;;
    --no-load)
        load=0
        shift
        ;;
    --heavy)
        heavy=1
        shift
        ;;
    --)
        shift
        (($#)) && cargo_args=("$@")
        break
        ;;
    -h | --help)
        # The header: the comment lines after the first line.
        awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
        exit 0
        ;;
    *)
        echo "repeat-tests: unknown argument '$1' (see --help)" >&2
        exit 2
        ;;
    esac
done
if ! [[ "$runs" =~ ^[0-9]+$ ]]; then
    echo "repeat-tests: -n needs a whole number, got '$runs'" >&2
    exit 2
fi
if ! [[ "$busy_per_core" =~ ^[0-9]+$ ]]; then
    echo "repeat-tests: REPEAT_TESTS_BUSY_PER_CORE needs a whole number, got '$busy_per_core'" >&2
    exit 2
fi

# The background loads, each a process group of its own (started by `setsid`), so that
# one `kill` of the group ends the whole load, and the test run under way. They are ended
# on every exit: normal, on an error, or on Ctrl-C or a TERM (which end the script with
# the usual 130 / 143).
busy_pid=""
load_pid=""
suite_pid=""
stop_suite() {
    if [[ -n "$suite_pid" ]]; then
        kill -TERM "$suite_pid" 2>/dev/null
        wait "$suite_pid" 2>/dev/null
        suite_pid=""
    fi
}
stop_busy() {
    if [[ -n "$busy_pid" ]]; then
        kill -TERM -- "-$busy_pid" 2>/dev/null
        wait "$busy_pid" 2>/dev/null
        busy_pid=""
    fi
}
stop_load() {
    if [[ -n "$load_pid" ]]; then
        kill -TERM -- "-$load_pid" 2>/dev/null
        wait "$load_pid" 2>/dev/null
        load_pid=""
        rm -rf "$load_target"
    fi
}
trap 'stop_suite; stop_load; stop_busy' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

target_dir=${CARGO_TARGET_DIR:-target}
logs="$target_dir/repeat-tests"
rm -rf "$logs"
mkdir -p "$logs"

# Build every test once first, so that the runs time the tests and not the compiler, and
# map each test executable to its package and target: the `Running` lines of `cargo test`
# name only the executable, and several packages have a `tests/gather.rs`.
echo "== building the tests"
if ! cargo test --locked --no-run --message-format=json "${cargo_args[@]}" \
    >"$logs/build.json" 2>"$logs/build.log"; then
    cat "$logs/build.log" >&2
    echo "repeat-tests: the tests do not build" >&2
    exit 1
fi
sed -n 's/.*"manifest_path":"\([^"]*\)".*"target":{"kind":\["\([^"]*\)"\][^}]*"name":"\([^"]*\)".*"executable":"\([^"]*\)".*/\4\t\1\t\2\t\3/p' \
    "$logs/build.json" | while IFS=$'\t' read -r exe manifest kind name; do
    package=$(sed -n 's/^name *= *"\(.*\)"/\1/p' "$manifest" | head -n 1)
    case "$kind" in
    lib | bin) what="$kind" ;;
    *) what="--$kind $name" ;;
    esac
    printf '%s\t%s %s\n' "$(basename "$exe")" "$package" "$what"
done >"$logs/executables.tsv"

# Reads one run's log and prints, for each failed test, `<package> <target>: <test>` and,
# after a tab, the first line of its panic message; and `<package> <target>: (crashed,
# aborted or hung)` for a test executable that failed with no failed test.
failures_of() {
    awk -v map="$logs/executables.tsv" '
        BEGIN { while ((getline line < map) > 0) { split(line, f, "\t"); who[f[1]] = f[2] } }
        /^ *Running .*\(.*\)$/ {
            exe = $0; sub(/.*\(/, "", exe); sub(/\)$/, "", exe); n = split(exe, parts, "/")
            current = (parts[n] in who) ? who[parts[n]] : parts[n]
            next
        }
        /^ *Doc-tests / { current = $0; sub(/^ *Doc-tests /, "", current); current = current " doctests"; next }
        /^test .* \.\.\. FAILED$/ {
            name = $0; sub(/^test /, "", name); sub(/ \.\.\. FAILED$/, "", name)
            key = current ": " name
            if (!(key in why)) { order[++count] = key; why[key] = "" }
            failed[current] = 1
            next
        }
        /^---- .* stdout ----$/ { section = $0; sub(/^---- /, "", section); sub(/ stdout ----$/, "", section); next }
        section != "" && /panicked at / { wanted = current ": " section; next }
        wanted != "" {
            if ((wanted in why) && why[wanted] == "") why[wanted] = $0
            wanted = ""
        }
        /^error: test failed, to rerun pass/ && !(current in failed) {
            key = current ": (crashed, aborted or hung)"; order[++count] = key; why[key] = ""
        }
        END { for (i = 1; i <= count; i++) print order[i] "\t" why[order[i]] }
    ' "$1"
}

# Runs the suite once; $1 names the run in the report.
declare -a run_names=()
suite() {
    local name=$1 log="$logs/run-$1.log" started status
    run_names+=("$name")
    started=$(date +%s)
    local before
    before=$(wc -l <"$logs/failures.tsv")
    # In the background and waited for, so that a Ctrl-C reaches the script's trap at
    # once; `timeout` passes a TERM on to cargo and the test it runs.
    timeout --kill-after=30 "$run_timeout" \
        cargo test --locked --no-fail-fast "${cargo_args[@]}" >"$log" 2>&1 </dev/null &
    suite_pid=$!
    wait "$suite_pid"
    status=$?
    suite_pid=""
    failures_of "$log" | sed "s/\$/\t$name/" >>"$logs/failures.tsv"
    if ((status == 124 || status == 137)); then
        printf 'whole suite: (timed out after %ss)\t\t%s\n' "$run_timeout" "$name" >>"$logs/failures.tsv"
    elif ((status != 0)) && (($(wc -l <"$logs/failures.tsv") == before)); then
        printf 'whole suite: (cargo test exited with %s)\t\t%s\n' "$status" "$name" \
            >>"$logs/failures.tsv"
    fi
    local verdict="passed"
    ((status == 0)) || verdict="FAILED (exit $status)"
    echo "   run $name: $verdict in $(($(date +%s) - started)) s"
}
: >"$logs/failures.tsv"

if ((heavy)); then
    cores=$(nproc 2>/dev/null || echo 2)
    busy=$((busy_per_core * cores))
    echo "== heavy load: $busy busy processes ($busy_per_core per core) beside every run"
    # One process group: a shell that starts the busy loops and waits for them; a TERM to
    # the group ends them all.
    setsid bash -c "for ((b = 0; b < $busy; b++)); do
            ( while :; do :; done ) &
        done
        wait" >/dev/null 2>&1 </dev/null &
    busy_pid=$!
    # Let the loops get going before the first run.
    sleep 2
fi

for ((i = 1; i <= runs; i++)); do
    echo "== run $i of $runs"
    suite "$i"
    ((heavy)) && echo "   load average at the end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
done

if ((load)); then
    # The load: a parallel build of the whole workspace from scratch, into a target folder
    # of its own (so that it neither waits for the tests' build lock nor touches their
    # executables), over and over, one job per core plus one, for as long as the tests run.
    jobs=$(($(nproc 2>/dev/null || echo 2) + 1))
    load_target="$logs/load-target"
    echo "== loaded run: the tests while \`cargo build -j $jobs\` runs in $load_target"
    setsid bash -c "while :; do
            CARGO_TARGET_DIR='$load_target' cargo build --workspace --all-targets --locked -j $jobs ||
                sleep 1
            rm -rf '$load_target'
        done" >"$logs/load.log" 2>&1 </dev/null &
    load_pid=$!
    # Let the build get going (it resolves and starts compiling within a few seconds).
    sleep 5
    suite loaded
    echo "   load average at the end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
    stop_load
fi
stop_busy

total=${#run_names[@]}
echo
if [[ ! -s "$logs/failures.tsv" ]]; then
    echo "repeat-tests: every test passed in all $total runs (${run_names[*]}); logs in $logs"
    exit 0
fi
echo "repeat-tests: tests that failed in some of the $total runs (${run_names[*]}):"
awk -F'\t' '
    {
        n[$1]++
        if ($1 in in_runs) in_runs[$1] = in_runs[$1] ", " $3
        else { in_runs[$1] = $3; why[$1] = $2 }
    }
    END {
        for (t in n) {
            printf "FAILED %s: in %d of '"$total"' runs (%s)\n", t, n[t], in_runs[t]
            if (why[t] != "") printf "       %s\n", why[t]
        }
    }
' "$logs/failures.tsv"
echo "logs: $logs/run-<run>.log"
exit 1
