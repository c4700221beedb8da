#!/usr/bin/env bash
# Prints Windlass's benchmark figures, for generated applications of 10, 100, 1000 and 5000
# workloads (benches/generate: a frontend, a gateway, N-2 services, N/10 databases):
#
#   1. the machine;
#   2. the in-process time of every stage — parse, resolve, check, lower, render, read (the
#      previous YAML), diff — medians from benches/pipeline.rs;
#   3. the whole process: wall time (median, mean ± σ, min, max) and peak memory (maximum resident
#      set size) of `target/release/windlass`
#        build APP.kdl
#        check APP.kdl
#        diff --against APP.yaml APP-changed.kdl   (APP.yaml = the output of `build APP.kdl`;
#                                                   APP-changed.kdl = every tenth service changed)
#      and of `check examples/xuecheng/windlass.kdl`;
#   4. one summary table per size, and the measured figures against the project's targets
#      (printed, never enforced).
#
# Usage, from anywhere (builds the release binary first):  bash scripts/bench.sh
#   WINDLASS_BENCH_QUICK=1          a smoke run: one iteration per in-process cell, 2 runs per
#                                   command, no warm-up (a minute or two after the builds)
#   WINDLASS_BENCH_SIZES="10 100"   measure these sizes only (default "10 100 1000 5000")
#
# Uses hyperfine when installed (apt-get install hyperfine): 2 warm-up runs, then at least 10 runs
# and 3 s per command; else a bash loop of 1 warm-up + 10 runs timed with `date +%s%N`. Peak memory
# is one run per command under GNU time (`/usr/bin/time -v`, Debian package `time`).
# Speed is reported here, never asserted. Exits non-zero only when something could not run.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

quick=0
if [[ "${WINDLASS_BENCH_QUICK:-}" == 1 ]]; then
    quick=1
fi
raw_sizes="${WINDLASS_BENCH_SIZES:-10 100 1000 5000}"
read -r -a sizes <<<"${raw_sizes//,/ }"
if ((${#sizes[@]} == 0)); then
    echo "error: WINDLASS_BENCH_SIZES is empty" >&2
    exit 2
fi
for n in "${sizes[@]}"; do
    if ! [[ "$n" =~ ^[1-9][0-9]*$ ]]; then
        echo "error: WINDLASS_BENCH_SIZES: \`$n\` is not a size (a whole number of workloads)" >&2
        exit 2
    fi
done
# The bench binary measures and writes exactly these sizes.
export WINDLASS_BENCH_SIZES="${sizes[*]}"

section() {
    printf '\n== %s\n' "$1"
}

section "machine"
cpu=$(grep -m1 -E '^(model name|Model|cpu model)[[:space:]]*:' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || true)
if [[ -z "$cpu" ]] && command -v lscpu >/dev/null; then
    cpu=$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -n1 || true)
fi
mem_kb=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo 2>/dev/null || true)
echo "cpus:    $(nproc)"
echo "cpu:     ${cpu:-unknown}"
if [[ -n "$mem_kb" ]]; then
    awk -v kb="$mem_kb" 'BEGIN { printf "memory:  %.1f GiB\n", kb / 1048576 }'
else
    echo "memory:  unknown"
fi
echo "kernel:  $(uname -sr)"
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown) (1/5/15 min; other work skews the figures)"
echo "rustc:   $(rustc --version)"
echo "commit:  $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- 2>/dev/null || echo ' (with uncommitted changes)')"
echo "sizes:   ${sizes[*]}"
if ((quick)); then
    echo "mode:    QUICK (WINDLASS_BENCH_QUICK=1): a smoke run, the figures are not measurements"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

section "build (release)"
cargo build --release --bin windlass
# The binary a user builds is the one measured: `cargo bench` below links target/release/windlass
# again, with the features its dev-dependencies turn on. (CARGO_TARGET_DIR or a cargo config may
# move target/.)
target_dir=$(cargo metadata --format-version 1 --no-deps 2>/dev/null |
    sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p' || true)
bin="$tmp/windlass"
cp "${target_dir:-target}/release/windlass" "$bin"

section "pipeline stages, in process (cargo bench --bench pipeline)"
cargo bench --bench pipeline

section "whole process: target/release/windlass (built by cargo build --release)"
# The bench binary writes the descriptions it measured, app-N.kdl and app-N-changed.kdl: one
# generator for both.
WINDLASS_BENCH_WRITE="$tmp" cargo bench --quiet --bench pipeline >/dev/null

# What is timed: a name and a command line (words quoted with %q; hyperfine -N splits it the same
# way, and the loops below `eval` it). Every command is run once first: build and check must exit
# 0 and diff 0 or 1, or the timings would time an error path.
names=()
declare -A command in_bytes out_bytes objects
xuecheng=examples/xuecheng/windlass.kdl
ignore_failure=0

# run_once NAME ACCEPTED-STATUSES OUTPUT-FILE: runs the command of NAME, stdout to OUTPUT-FILE.
run_once() {
    local name=$1 accepted=$2 out=$3 rc=0
    eval "${command[$name]}" >"$out" 2>"$tmp/err.txt" || rc=$?
    if [[ " $accepted " != *" $rc "* ]]; then
        echo "error: \`windlass ${command[$name]#* }\` exited with $rc:" >&2
        cat "$tmp/err.txt" >&2
        exit 1
    fi
    if ((rc != 0)); then
        ignore_failure=1
    fi
}

q() {
    printf '%q' "$1"
}

echo "checking the inputs: every command runs once"
printf '%6s %10s %10s %9s  %s\n' "size" "in KB" "out KB" "objects" "windlass diff (against the 10%-changed version)"
for n in "${sizes[@]}"; do
    app="$tmp/app-$n.kdl"
    changed="$tmp/app-$n-changed.kdl"
    prev="$tmp/app-$n.yaml"
    for f in "$app" "$changed"; do
        if [[ ! -s "$f" ]]; then
            echo "error: the bench binary did not write $f" >&2
            exit 1
        fi
    done
    command["build $n"]="$(q "$bin") build $(q "$app")"
    command["check $n"]="$(q "$bin") check $(q "$app")"
    command["diff $n"]="$(q "$bin") diff --against $(q "$prev") $(q "$changed")"
    names+=("build $n" "check $n" "diff $n")
    run_once "build $n" 0 "$prev"
    # The changed version must build too, or diff would time an error report.
    command["build $n changed"]="$(q "$bin") build $(q "$changed")"
    run_once "build $n changed" 0 /dev/null
    run_once "check $n" 0 /dev/null
    run_once "diff $n" "0 1" "$tmp/diff-$n.txt"
    in_bytes[$n]=$(wc -c <"$app")
    out_bytes[$n]=$(wc -c <"$prev")
    objects[$n]=$(grep -c '^kind:' "$prev" || true)
    awk -v n="$n" -v i="${in_bytes[$n]}" -v o="${out_bytes[$n]}" -v k="${objects[$n]}" \
        -v d="$(head -n1 "$tmp/diff-$n.txt")" \
        'BEGIN { printf "%6s %10.1f %10.1f %9d  %s\n", n, i / 1e3, o / 1e3, k, d }'
done
command["check xuecheng"]="$(q "$bin") check $(q "$xuecheng")"
names+=("check xuecheng")
run_once "check xuecheng" "0 1" /dev/null

csv="$tmp/times.csv"
echo
if command -v hyperfine >/dev/null; then
    if ((quick)); then
        runs=(--warmup 0 --runs 2)
        what="no warm-up, 2 runs per command"
    else
        runs=(--warmup 2 --min-runs 10)
        what="2 warm-up runs, then >= 10 runs and >= 3 s per command"
    fi
    args=()
    for name in "${names[@]}"; do
        args+=(-n "$name" "${command[$name]}")
    done
    if ((ignore_failure)); then
        args+=(--ignore-failure)
    fi
    echo "timer: $(hyperfine --version), $what (${#names[@]} commands)"
    if ! hyperfine -N --style basic "${runs[@]}" --export-csv "$csv" "${args[@]}" >"$tmp/hyperfine.txt" 2>&1; then
        cat "$tmp/hyperfine.txt" >&2
        echo "error: hyperfine failed" >&2
        exit 1
    fi
else
    runs=10
    if ((quick)); then
        runs=2
    fi
    echo "timer: bash loop (hyperfine not installed), 1 warm-up + $runs runs per command"
    # The same columns as hyperfine's CSV (seconds); user and system time are not measured.
    echo "command,mean,stddev,median,user,system,min,max" >"$csv"
    for name in "${names[@]}"; do
        eval "${command[$name]}" >/dev/null 2>&1 || true
        : >"$tmp/times"
        for ((i = 0; i < runs; i++)); do
            start=$(date +%s%N)
            eval "${command[$name]}" >/dev/null 2>&1 || true
            end=$(date +%s%N)
            echo $((end - start)) >>"$tmp/times"
        done
        sort -n "$tmp/times" | awk -v name="$name" '
            { t[NR] = $1 / 1e9; sum += t[NR] }
            END {
                mean = sum / NR
                for (i = 1; i <= NR; i++) ss += (t[i] - mean) ^ 2
                sd = NR > 1 ? sqrt(ss / (NR - 1)) : 0
                median = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
                printf "%s,%.9f,%.9f,%.9f,,,%.9f,%.9f\n", name, mean, sd, median, t[1], t[NR]
            }' >>"$csv"
    done
fi

# Peak memory: one run of each command under GNU time.
declare -A rss_kb
if [[ -x /usr/bin/time ]] && /usr/bin/time -v true >/dev/null 2>&1; then
    for name in "${names[@]}"; do
        eval "/usr/bin/time -v -o $(q "$tmp/time.txt") ${command[$name]}" >/dev/null 2>&1 || true
        rss_kb[$name]=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$tmp/time.txt")
    done
    rss_note="peak RSS: GNU time -v, one run per command"
else
    rss_note="peak RSS: not measured (GNU time not installed: apt-get install time)"
fi

# The timings by name, in ms: median, mean, σ, min, max, user, system (CSV columns by header).
declare -A median_ms
stats=()
while IFS=$'\t' read -r name median rest; do
    median_ms[$name]=$median
    stats+=("$name"$'\t'"$median"$'\t'"$rest")
done < <(awk -F, '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    function ms(field) { v = $col[field]; return v == "" ? "-" : sprintf("%.2f", v * 1e3) }
    { printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", $col["command"], ms("median"), ms("mean"),
        ms("stddev"), ms("min"), ms("max"), ms("user"), ms("system") }' "$csv")

# Peak memory of NAME in MiB, or "-".
mib() {
    if [[ -n "${rss_kb[$1]:-}" ]]; then
        awk -v kb="${rss_kb[$1]}" 'BEGIN { printf "%.1f", kb / 1024 }'
    else
        echo "-"
    fi
}

echo "times in ms (wall clock, spawn to exit; user and system: CPU time); $rss_note"
printf '%-16s %9s %18s %9s %9s %9s %9s %10s\n' \
    "command" "median" "mean ± σ" "min" "max" "user" "system" "peak MiB"
for row in "${stats[@]}"; do
    IFS=$'\t' read -r name median mean sd min max user sys <<<"$row"
    printf '%-16s %9s %9s ± %6s %9s %9s %9s %9s %10s\n' \
        "$name" "$median" "$mean" "$sd" "$min" "$max" "$user" "$sys" "$(mib "$name")"
done

section "summary: median wall time and peak memory of the whole process, per size"
echo "in = the description, out = the YAML \`build\` writes (KB = 1000 bytes); diff = \`diff --against\` the"
echo "output of the description, given the version with every tenth service changed"
printf '%6s %9s %9s %8s | %9s %9s %9s | %10s %10s %10s\n' \
    "size" "in KB" "out KB" "objects" "build ms" "check ms" "diff ms" "build MiB" "check MiB" "diff MiB"
for n in "${sizes[@]}"; do
    printf '%6s %9s %9s %8s | %9s %9s %9s | %10s %10s %10s\n' "$n" \
        "$(awk -v b="${in_bytes[$n]}" 'BEGIN { printf "%.1f", b / 1e3 }')" \
        "$(awk -v b="${out_bytes[$n]}" 'BEGIN { printf "%.1f", b / 1e3 }')" \
        "${objects[$n]}" \
        "${median_ms[build $n]:--}" "${median_ms[check $n]:--}" "${median_ms[diff $n]:--}" \
        "$(mib "build $n")" "$(mib "check $n")" "$(mib "diff $n")"
done
echo "check examples/xuecheng/windlass.kdl ($(awk -v b="$(wc -c <"$xuecheng")" 'BEGIN { printf "%.1f", b / 1e3 }') KB, with its imports):" \
    "${median_ms[check xuecheng]:--} ms, $(mib "check xuecheng") MiB"

section "targets (median wall time, peak RSS; reported, not enforced)"
# target LABEL NAME LIMIT-MS: the median of NAME against LIMIT-MS.
target() {
    local label=$1 name=$2 limit=$3
    if [[ -z "${median_ms[$name]:-}" ]]; then
        printf '%-34s %12s   target <= %4s ms   (not measured: size not in WINDLASS_BENCH_SIZES)\n' "$label" "-" "$limit"
        return
    fi
    awk -v label="$label" -v t="${median_ms[$name]}" -v limit="$limit" 'BEGIN {
        printf "%-34s %9.2f ms   target <= %4s ms   %s\n", label, t, limit, (t <= limit ? "met" : "NOT MET")
    }'
}
target "build, 10 workloads" "build 10" 5
target "build, 1000 workloads" "build 1000" 60
target "check examples/xuecheng" "check xuecheng" 5
target "diff, 1000 workloads" "diff 1000" 120
worst="" worst_kb=0
for name in "build 5000" "check 5000" "diff 5000"; do
    kb=${rss_kb[$name]:-}
    if [[ -n "$kb" ]] && ((kb > worst_kb)); then
        worst=$name worst_kb=$kb
    fi
done
if [[ -n "$worst" ]]; then
    awk -v kb="$worst_kb" -v name="${worst% *}" 'BEGIN {
        mb = kb * 1024 / 1e6
        printf "%-34s %9.1f MB   target <  300 MB   %s (MB = 10^6 bytes: %.1f MiB, by `%s`)\n",
            "peak memory, 5000 workloads", mb, (mb < 300 ? "met" : "NOT MET"), kb / 1024, name
    }'
else
    printf '%-34s %12s   target <  300 MB   (not measured: %s)\n' "peak memory, 5000 workloads" "-" \
        "$(if ((${#rss_kb[@]} == 0)); then echo "GNU time not installed"; else echo "size not in WINDLASS_BENCH_SIZES"; fi)"
fi
if ((quick)); then
    echo "(QUICK MODE: 2 runs per command and one per in-process cell — run without WINDLASS_BENCH_QUICK for figures)"
fi
echo
echo "scripts/bench.sh took $((SECONDS / 60)) min $((SECONDS % 60)) s"
