#!/usr/bin/env bash
# Prints Windlass's benchmark figures: the machine, the in-process time of every pipeline stage
# (benches/pipeline.rs), and the whole-process wall time and peak memory of
# `target/release/windlass build` and `check` on generated descriptions of 10, 100 and 1000
# workloads (and 5000 with WINDLASS_BENCH_LARGE=1).
#
# Usage, from anywhere:  bash scripts/bench.sh
#   WINDLASS_BENCH_LARGE=1  also measure 5000 workloads
#   WINDLASS_BENCH_QUICK=1  one iteration per in-process cell and 2 runs per command (a smoke run)
#
# Uses hyperfine when installed (apt-get install hyperfine), else a loop of 10 runs timed with
# `date +%s%N`; peak memory comes from GNU time (`/usr/bin/time -v`, Debian package `time`).
# Speed is reported here, never asserted.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

quick=0
if [[ "${WINDLASS_BENCH_QUICK:-}" == 1 ]]; then
    quick=1
fi
runs=10
warmup=2
if ((quick)); then
    runs=2
    warmup=0
fi

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

section "build (release)"
cargo build --release --bin windlass
bin="$PWD/target/release/windlass"

section "pipeline stages, in process (cargo bench --bench pipeline)"
cargo bench --bench pipeline

section "whole process: target/release/windlass"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The bench binary writes the same descriptions it measured and prints their paths, by size.
mapfile -t files < <(WINDLASS_BENCH_WRITE="$tmp" cargo bench --quiet --bench pipeline)
if ((${#files[@]} == 0)); then
    echo "error: the bench binary wrote no descriptions to $tmp" >&2
    exit 1
fi

# Every description must build cleanly, or the timings below would time an error path.
for f in "${files[@]}"; do
    if ! "$bin" build "$f" >"$tmp/out.yaml" 2>"$tmp/err.txt"; then
        echo "error: windlass build $f failed:" >&2
        cat "$tmp/err.txt" >&2
        exit 1
    fi
done

size_of() {
    local name
    name=$(basename "$1" .kdl)
    echo "${name#app-}"
}

if command -v hyperfine >/dev/null; then
    echo "timer: $(hyperfine --version), $warmup warm-up + $runs runs per command, times in ms"
    args=()
    for f in "${files[@]}"; do
        n=$(size_of "$f")
        args+=(-n "build $n" "$bin build $f")
        args+=(-n "check $n" "$bin check $f")
    done
    hyperfine -N --style none --warmup "$warmup" --runs "$runs" \
        --export-csv "$tmp/hyperfine.csv" "${args[@]}"
    # CSV columns: command,mean,stddev,median,user,system,min,max (seconds).
    awk -F, 'NR == 1 {
            printf "%-12s %16s %10s %10s %10s %10s %10s\n", "command", "mean ± σ", "median", "min", "max", "user", "system"
            next
        }
        {
            printf "%-12s %9.1f ± %4.1f %10.1f %10.1f %10.1f %10.1f %10.1f\n",
                $1, $2 * 1e3, $3 * 1e3, $4 * 1e3, $7 * 1e3, $8 * 1e3, $5 * 1e3, $6 * 1e3
        }' "$tmp/hyperfine.csv"
else
    echo "timer: bash loop (hyperfine not installed), 1 warm-up + $runs runs per command, times in ms"
    printf '%-12s %10s %10s %10s %10s\n' "command" "mean" "median" "min" "max"
    for f in "${files[@]}"; do
        n=$(size_of "$f")
        for cmd in build check; do
            "$bin" "$cmd" "$f" >/dev/null 2>&1
            : >"$tmp/times"
            for ((i = 0; i < runs; i++)); do
                start=$(date +%s%N)
                "$bin" "$cmd" "$f" >/dev/null 2>&1
                end=$(date +%s%N)
                echo $(((end - start))) >>"$tmp/times"
            done
            sort -n "$tmp/times" | awk -v name="$cmd $n" '
                { t[NR] = $1 / 1e6; sum += t[NR] }
                END {
                    median = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
                    printf "%-12s %10.1f %10.1f %10.1f %10.1f\n", name, sum / NR, median, t[1], t[NR]
                }'
        done
    done
fi

section "peak memory and output of windlass build"
if [[ -x /usr/bin/time ]] && /usr/bin/time -v true >/dev/null 2>&1; then
    printf '%6s %10s %10s %14s\n' "size" "in KB" "out KB" "peak RSS MiB"
    for f in "${files[@]}"; do
        /usr/bin/time -v -o "$tmp/time.txt" "$bin" build "$f" >"$tmp/out.yaml" 2>/dev/null
        rss_kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$tmp/time.txt")
        awk -v n="$(size_of "$f")" -v in_b="$(wc -c <"$f")" -v out_b="$(wc -c <"$tmp/out.yaml")" \
            -v rss="$rss_kb" 'BEGIN { printf "%6s %10.1f %10.1f %14.1f\n", n, in_b / 1e3, out_b / 1e3, rss / 1024 }'
    done
else
    echo "(GNU time not installed: apt-get install time — peak memory not measured)"
fi
