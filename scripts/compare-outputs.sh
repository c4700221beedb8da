#!/usr/bin/env bash
# Proves that two windlass binaries give byte-identical user-visible output: for every case below,
# both binaries run the same command on the same inputs, and their exit codes, stdout, stderr and
# the files left in the working directory (what `build -o`, `fmt` and `set-image` write, and
# anything written by mistake) must be the same, byte for byte.
#
# Usage:  bash scripts/compare-outputs.sh OLD_BINARY NEW_BINARY
#
# About 2,700 cases; 2 to 4 minutes on 2 CPUs (plus about two minutes, once, to generate the
# benchmark descriptions: see GENERATED_DIR).
#
# Prints one line per case, `same` or `DIFFERENT` (then what differs and the start of a unified
# diff of the first difference), a count, and exits 0 when every case is the same, 1 when any
# differs, 2 when the comparison itself could not run.
#
# Cases (the inputs are copied from this checkout when the script starts):
#   - the command line itself: help, version, usage errors, `explain` of every code, missing files;
#   - every examples/*/windlass.kdl: build (YAML, JSON, every environment, -o, --all-envs -o),
#     check in every format with and without --env, graph in both formats, fmt --check and fmt,
#     set-image of every workload, diff --against the OLD binary's build of the example in every
#     format (unchanged, a rollout, a data-loss change, per environment, a YAML or JSON stream,
#     stdin), and diff --base in a git repository made for the purpose;
#   - every .kdl under tests/fixtures: check in every format, build (YAML, JSON, -o), graph, fmt,
#     set-image of its first workload (rule fixtures: --deny warnings and --allow RULE too);
#   - tests/fixtures/diff/*: the invocations of tests/diff_cli.rs — before.kdl built into out/ by
#     the OLD binary, then diff --against out on after.kdl in every format;
#   - the benchmark's generated applications (benches/generate, as scripts/bench.sh gets them):
#     build (YAML, JSON, -o), check, graph, fmt --check and diff --against their previous output.
#
# Environment:
#   GENERATED_DIR   where the generated descriptions app-N.kdl and app-N-changed.kdl are (default
#                   ${TMPDIR:-/tmp}/windlass-compare-generated). Missing files are generated
#                   there with `cargo bench --bench pipeline` (WINDLASS_BENCH_WRITE), from a copy
#                   of the committed tree (git archive HEAD), so a working tree in the middle of an
#                   edit does not matter, with CARGO_TARGET_DIR=$COMPARE_TARGET_DIR (default
#                   /tmp/compare-target) so target/ is not locked. About two minutes, once.
#                   They are made again when benches/generate or stdlib changes at HEAD (a
#                   stamp file, .generator, records which trees they came from).
#   COMPARE_SIZES   the generated sizes (default "10 100 1000 5000"; "" skips them).
#   COMPARE_TIMEOUT seconds one command may take (default 120); a timeout is exit code 124.
#   COMPARE_TMPDIR  where the scratch directory goes (default /dev/shm when writable, else
#                   ${TMPDIR:-/tmp}): every case copies its inputs twice and thousands of small
#                   file copies are several times faster in memory than on disk.
#   COMPARE_QUIET=1 print only the DIFFERENT cases and the count.
#   COMPARE_KEEP=1  keep the scratch directory (it is printed) instead of deleting it.
#
# Normalisation: none of the output is rewritten. Instead the runs are made alike:
#   - both binaries are called through the same path, .../bin/active/windlass (a symlink switched
#     between the two copies), so argv[0] — which clap prints in usage and help — is the same;
#   - every command runs in the same directory path ($work/run), emptied and set up afresh before
#     each run, so neither binary sees the other's output and any absolute path printed is equal;
#   - a fixed environment: NO_COLOR=1, TERM=dumb, LC_ALL=C, no COLUMNS or RUST_BACKTRACE, and git
#     without system or global configuration and unable to look above the scratch directory.
# The one rewrite: in the git repository of the --base cases, .git/index is compared as its
# content (`git ls-files --stage`), not as bytes, because the index caches the inode numbers and
# change times of the working files, which differ between any two runs.
set -euo pipefail

if ((BASH_VERSINFO[0] < 4 || (BASH_VERSINFO[0] == 4 && BASH_VERSINFO[1] < 4))); then
    echo "error: needs bash 4.4 or later (this is $BASH_VERSION)" >&2
    exit 2
fi

die() {
    echo "error: $*" >&2
    exit 2
}

if (($# != 2)); then
    echo "usage: bash scripts/compare-outputs.sh OLD_BINARY NEW_BINARY" >&2
    exit 2
fi
for bin in "$1" "$2"; do
    [[ -f "$bin" && -x "$bin" ]] || die "$bin is not an executable file"
done
for tool in cmp diff find sed awk timeout; do
    command -v "$tool" >/dev/null || die "$tool is needed"
done

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
quiet=${COMPARE_QUIET:-0}
timeout_s=${COMPARE_TIMEOUT:-120}
read -r -a sizes <<<"${COMPARE_SIZES-10 100 1000 5000}"
gen_dir=${GENERATED_DIR:-${TMPDIR:-/tmp}/windlass-compare-generated}

scratch=${COMPARE_TMPDIR:-}
if [[ -z "$scratch" ]]; then
    if [[ -d /dev/shm && -w /dev/shm ]]; then
        scratch=/dev/shm
    else
        scratch=${TMPDIR:-/tmp}
    fi
fi
work=$(mktemp -d "$scratch/windlass-compare.XXXXXX")
cleanup() {
    if [[ "${COMPARE_KEEP:-0}" == 1 ]]; then
        echo "scratch directory kept: $work" >&2
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT

# The same environment for every run (see "Normalisation" above).
export NO_COLOR=1 TERM=dumb LC_ALL=C
unset CLICOLOR CLICOLOR_FORCE FORCE_COLOR COLUMNS LINES RUST_BACKTRACE RUST_LIB_BACKTRACE RUST_LOG
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_COMMON_DIR
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null GIT_CEILING_DIRECTORIES="$work"
# Commits made for --base get fixed names and dates, so their ids are the same on every run.
export GIT_AUTHOR_NAME="Windlass Compare" GIT_AUTHOR_EMAIL=compare@example.com
export GIT_COMMITTER_NAME="Windlass Compare" GIT_COMMITTER_EMAIL=compare@example.com
export GIT_AUTHOR_DATE="2025-01-01T00:00:00Z" GIT_COMMITTER_DATE="2025-01-01T00:00:00Z"

# Copies of the binaries (so a rebuild of target/ during the run changes nothing), both called as
# $work/bin/active/windlass.
mkdir -p "$work/bin/old" "$work/bin/new"
cp -L "$1" "$work/bin/old/windlass"
cp -L "$2" "$work/bin/new/windlass"
chmod +x "$work/bin/old/windlass" "$work/bin/new/windlass"
windlass_bin="$work/bin/active/windlass"
use_binary() {
    ln -sfn "$1" "$work/bin/active"
}

# A snapshot of the inputs, so an edit to the checkout during the run cannot make the two sides
# see different files.
in="$work/in"
mkdir -p "$in/tests"
cp -r "$repo/examples" "$in/examples"
cp -r "$repo/tests/fixtures" "$in/tests/fixtures"
prep="$work/prep"
mkdir -p "$prep"
run="$work/run"

total=0 same=0 different=0
differing=()

# ---------------------------------------------------------------------------------------------
# One case.
#
#   compare LABEL [--setup CODE] [--cwd DIR] [--stdin FILE] -- WINDLASS-ARGUMENTS...
#
# For each binary: empties $run, runs CODE there (a fresh copy of the inputs the case needs),
# runs `windlass ARGUMENTS` in $run/DIR with stdin from FILE (default /dev/null), and keeps its
# exit code, stdout, stderr and the whole of $run afterwards. Then compares the two.
# ---------------------------------------------------------------------------------------------
compare() {
    local label=$1
    shift
    local setup=: cwd=. stdin=/dev/null
    while (($#)); do
        case $1 in
        --setup) setup=$2 && shift 2 ;;
        --cwd) cwd=$2 && shift 2 ;;
        --stdin) stdin=$2 && shift 2 ;;
        --) shift && break ;;
        *) die "compare: unknown option $1" ;;
        esac
    done
    local side status
    for side in old new; do
        rm -rf "$run" "$work/$side.tree"
        # errexit holds inside the subshell only when the subshell is not itself tested (`||`).
        set +e
        (
            set -e
            mkdir "$run"
            cd "$run"
            eval "$setup"
        ) >"$work/setup.log" 2>&1
        status=$?
        set -e
        if ((status != 0)); then
            cat "$work/setup.log" >&2
            die "the setup of \`$label: windlass $*\` failed: $setup"
        fi
        [[ -d "$run/$cwd" ]] || die "the setup of \`$label\` made no directory $cwd"
        use_binary "$side"
        set +e
        (cd "$run/$cwd" && exec timeout -k 5 "$timeout_s" "$windlass_bin" "$@") \
            <"$stdin" >"$work/$side.stdout" 2>"$work/$side.stderr"
        echo "$?" >"$work/$side.rc"
        set -e
        # The files the run left; modes too, since a rewrite could change a file's permissions.
        find "$run" -mindepth 1 -printf '%y %m %P\n' | sort >"$work/$side.modes"
        if [[ -f "$run/.git/index" ]]; then
            git -C "$run" ls-files --stage >"$work/index.txt"
            mv "$work/index.txt" "$run/.git/index"
        fi
        mv "$run" "$work/$side.tree"
    done

    total=$((total + 1))
    local what=() first=""
    if [[ "$(<"$work/old.rc")" != "$(<"$work/new.rc")" ]]; then
        what+=("exit code $(<"$work/old.rc") vs $(<"$work/new.rc")")
        first=${first:-rc}
    fi
    local part
    for part in stdout stderr modes; do
        if ! cmp -s "$work/old.$part" "$work/new.$part"; then
            what+=("$part")
            first=${first:-$part}
        fi
    done
    if ! diff -rq --no-dereference "$work/old.tree" "$work/new.tree" >/dev/null 2>&1; then
        what+=("files")
        first=${first:-files}
    fi

    local name="$label: windlass $*"
    if ((${#what[@]} == 0)); then
        same=$((same + 1))
        if [[ "$quiet" != 1 ]]; then
            printf 'same       %s\n' "$name"
        fi
        return 0
    fi
    different=$((different + 1))
    differing+=("$name")
    printf 'DIFFERENT  %s  (%s)\n' "$name" "$(
        IFS=,
        echo "${what[*]}"
    )"
    # The start of the first difference, lines cut at 200 characters (one line can be a whole
    # report of 5000 workloads).
    {
        case $first in
        rc) diff -u --label old/exit-code --label new/exit-code "$work/old.rc" "$work/new.rc" ;;
        files) diff -ru --no-dereference "$work/old.tree" "$work/new.tree" ;;
        *) diff -u --label "old/$first" --label "new/$first" "$work/old.$first" "$work/new.$first" ;;
        esac
    } 2>&1 | head -n 20 | cut -c1-200 | sed 's/^/    /' || true
}

# prep_old DIR ACCEPTED-CODES ARGUMENTS...: runs the OLD binary in DIR to prepare an input (a
# previous build to diff against), its stdout in $work/prep.stdout; stops the script unless it
# exits with one of ACCEPTED-CODES.
prep_old() {
    local dir=$1 accepted=$2
    shift 2
    use_binary old
    local rc=0
    (cd "$dir" && timeout -k 5 "$timeout_s" "$windlass_bin" "$@") >"$work/prep.stdout" 2>"$work/prep.stderr" || rc=$?
    if [[ " $accepted " != *" $rc "* ]]; then
        cat "$work/prep.stderr" >&2
        die "preparing with the OLD binary: \`windlass $*\` in $dir exited with $rc"
    fi
}

# The environments a description declares: its top-level `environment NAME {` nodes.
envs_of() {
    sed -nE 's/^environment[[:space:]]+"?([A-Za-z0-9_.-]+)"?.*/\1/p' "$1"
}

# The workloads and databases a description names, in order, once each: `KIND NAME` nodes and
# `use COMPONENT NAME` (or `use COMPONENT`, named after it), at any depth (environments repeat
# names; they are listed once).
workloads_of() {
    sed -nE \
        -e 's/^[[:space:]]+(service|stateful|frontend|gateway|worker|job|cronjob|database)[[:space:]]+"?([a-z0-9][a-z0-9-]*)"?([[:space:]{]|$).*/\2/p' \
        -e 's/^[[:space:]]+use[[:space:]]+[a-z0-9-]+[[:space:]]+([a-z0-9][a-z0-9-]*)([[:space:]{]|$).*/\1/p' \
        -e 's/^[[:space:]]+use[[:space:]]+([a-z0-9][a-z0-9-]*)[[:space:]]*(\{.*)?$/\1/p' \
        "$1" | awk '!seen[$0]++'
}

# Edits for the diff cases (GNU sed: `0,/re/` is the first match only). A rollout: the first
# image tag becomes 99.0.0 and the first replica count 7. A data loss: the first database's
# storage shrinks to 1Gi. In a component file: the first millicore default becomes 333m.
mod_rollout() {
    sed -i -E -e '0,/:[0-9]+\.[0-9]+\.[0-9]+"/s//:99.0.0"/' -e '0,/replicas [0-9]+/s//replicas 7/' "$1"
}
mod_shrink() {
    sed -i -E '0,/storage="[0-9]+Gi"/s//storage="1Gi"/' "$1"
}
mod_component() {
    sed -i -E '0,/default="[0-9]+m"/s//default="333m"/' "$1"
}

# Setup helpers: copy inputs into the run directory (the current directory when they run).
put_example() { # NAME: examples/NAME/…
    mkdir -p examples
    cp -r "$in/examples/$1" examples/
}
put_fixture_dir() { # DIR under tests/fixtures, with its subdirectories (imports)
    mkdir -p "$(dirname "$1")"
    cp -r "$in/$1" "$1"
}
put_file() { # PATH: one input file, at the same path
    mkdir -p "$(dirname "$1")"
    cp "$in/$1" "$1"
}
put_prep() { # PREP-PATH DEST: a copy of something prepared by the OLD binary
    mkdir -p "$(dirname "$2")"
    cp -r "$prep/$1" "$2"
}

section() {
    if [[ "$quiet" != 1 ]]; then
        printf '\n== %s\n' "$1"
    fi
}

# ---------------------------------------------------------------------------------------------
# Generated applications: made before anything is compared, so a failure stops the run early.
# ---------------------------------------------------------------------------------------------
generator_stamp() {
    # The trees the generated text depends on: the generator, and the standard library (it decides
    # whether databases are written with the `postgres` component).
    git -C "$repo" rev-parse HEAD:benches/generate HEAD:stdlib 2>/dev/null | tr '\n' ' '
}
# True when a generated description of a requested size is missing, or was generated by another
# version of the generator (a GENERATED_DIR without a stamp was provided by hand and is used as
# it is).
generated_missing() {
    local n f stamp
    stamp=$(generator_stamp)
    if [[ -n "$stamp" && -f "$gen_dir/.generator" && "$(<"$gen_dir/.generator")" != "$stamp" ]]; then
        echo "note: benches/generate or stdlib changed since $gen_dir was generated: generating again" >&2
        rm -f "$gen_dir"/app-*.kdl "$gen_dir/.generator"
        return 0
    fi
    for n in "${sizes[@]}"; do
        for f in "app-$n.kdl" "app-$n-changed.kdl"; do
            [[ -s "$gen_dir/$f" ]] || return 0
        done
    done
    return 1
}
if ((${#sizes[@]} > 0)); then
    for n in "${sizes[@]}"; do
        [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "COMPARE_SIZES: \`$n\` is not a size"
    done
    mkdir -p "$gen_dir"
    # Two runs at once share GENERATED_DIR: one generates while the other waits for the lock, and
    # the files appear whole (written beside, then renamed), never half-written.
    exec 9>"$gen_dir/.lock"
    if command -v flock >/dev/null; then
        flock 9
    fi
    if generated_missing; then
        command -v cargo >/dev/null || die "cargo is needed to generate the benchmark descriptions (or set GENERATED_DIR)"
        git -C "$repo" rev-parse --verify --quiet HEAD >/dev/null ||
            die "$repo is not a git checkout: cannot generate the benchmark descriptions (set GENERATED_DIR)"
        echo "generating the benchmark descriptions (${sizes[*]}) into $gen_dir: cargo bench --bench pipeline, from git archive HEAD ..." >&2
        mkdir -p "$work/src"
        git -C "$repo" archive HEAD | tar -x -C "$work/src"
        partial=$(mktemp -d "$gen_dir/.partial.XXXXXX")
        if ! (cd "$work/src" &&
            WINDLASS_BENCH_WRITE="$partial" WINDLASS_BENCH_SIZES="${sizes[*]}" \
                CARGO_TARGET_DIR="${COMPARE_TARGET_DIR:-/tmp/compare-target}" \
                cargo bench --quiet --locked --bench pipeline) >"$work/generate.log" 2>&1; then
            tail -n 30 "$work/generate.log" >&2
            rm -rf "$partial"
            die "could not generate the benchmark descriptions"
        fi
        mv -f "$partial"/app-*.kdl "$gen_dir/"
        rm -rf "$partial"
        generator_stamp >"$gen_dir/.generator"
    fi
    exec 9>&-
fi

start=$SECONDS

# ---------------------------------------------------------------------------------------------
# The command line: help, version, usage errors, explain, missing or unusable inputs.
# ---------------------------------------------------------------------------------------------
section "command line"
put_shop='put_fixture_dir tests/fixtures/cli && cp tests/fixtures/cli/shop.kdl tests/fixtures/cli/broken.kdl .'
commands=(build check diff explain fmt graph set-image)
compare "cli" --
compare "cli" -- --help
compare "cli" -- -h
compare "cli" -- --version
compare "cli" -- -V
compare "cli" -- help
compare "cli" -- frobnicate
for c in "${commands[@]}"; do
    compare "cli" -- "$c" --help
    compare "cli" -- "$c" -h
    compare "cli" -- help "$c"
done
# Every command in an empty directory: no windlass.kdl.
compare "empty dir" -- build
compare "empty dir" -- check
compare "empty dir" -- fmt
compare "empty dir" -- fmt --check
compare "empty dir" -- graph
compare "empty dir" -- set-image orders=1.0.0
compare "empty dir" -- diff --against out
compare "empty dir" -- diff --base HEAD
compare "cli" --setup "$put_shop" -- build missing.kdl
compare "cli" --setup "$put_shop" -- check missing.kdl
compare "cli" --setup "$put_shop" -- build shop.kdl --frobnicate
compare "cli" --setup "$put_shop" -- build shop.kdl --format xml
compare "cli" --setup "$put_shop" -- check shop.kdl --format xml
compare "cli" --setup "$put_shop" -- graph shop.kdl --format png
compare "cli" --setup "$put_shop" -- check shop.kdl broken.kdl
compare "cli" --setup "$put_shop" -- check --format json shop.kdl broken.kdl
compare "cli" --setup "$put_shop" -- build --all-envs shop.kdl
compare "cli" --setup "$put_shop" -- build --env nowhere shop.kdl
compare "cli" --setup "$put_shop" -- build --deny no-such-rule shop.kdl
compare "cli" --setup "$put_shop" -- check --allow no-such-rule shop.kdl
# A directory given as the description; -o onto a file; -o into the current directory.
compare "cli" --setup "mkdir app && cp $(printf %q "$in/tests/fixtures/cli/shop.kdl") app/windlass.kdl" -- build app
compare "cli" --setup "$put_shop && echo x >out" -- build -o out shop.kdl
compare "cli" --setup "$put_shop" -- build -o . shop.kdl
compare "cli" --setup "$put_shop" -- build -o out/nested/deeper shop.kdl
# set-image arguments that are not WORKLOAD=TAG.
compare "cli" --setup "$put_shop" -- set-image orders shop.kdl
compare "cli" --setup "$put_shop" -- set-image =1.0.0 shop.kdl
compare "cli" --setup "$put_shop" -- set-image orders= shop.kdl
compare "cli" --setup "$put_shop" -- set-image nowhere=1.0.0 shop.kdl
# fmt of a file that is not UTF-8, and of several files, one broken (tests/fmt.rs).
compare "cli" --setup "printf 'app \\351 {\\n}\\n' >latin1.kdl" -- fmt latin1.kdl
compare "cli" --setup "$put_shop && cp $(printf %q "$in/tests/fixtures/fmt/messy.kdl") messy.kdl" -- fmt --check broken.kdl messy.kdl
compare "cli" --setup "$put_shop && cp $(printf %q "$in/tests/fixtures/fmt/messy.kdl") messy.kdl" -- fmt broken.kdl messy.kdl shop.kdl
# explain: the list, every code it lists, and an unknown code.
compare "cli" -- explain
compare "cli" -- explain no-such-code
use_binary old
mapfile -t codes < <("$windlass_bin" explain 2>/dev/null | sed -nE 's/^  ([a-z0-9][a-z0-9-]*)[[:space:]].*/\1/p')
((${#codes[@]} > 0)) || die "\`windlass explain\` of the OLD binary lists no codes"
for code in "${codes[@]}"; do
    compare "cli" -- explain "$code"
done

# diff: usage errors and unreadable previous output (tests/diff_cli.rs).
mkdir -p "$prep/cli"
cp "$in/tests/fixtures/diff/rollout/before.kdl" "$prep/cli/windlass.kdl"
prep_old "$prep/cli" 0 build -o out
diff_project="put_prep cli/windlass.kdl windlass.kdl && put_prep cli/out out"
compare "cli diff" --setup "$diff_project" -- diff
compare "cli diff" --setup "$diff_project" -- diff --against out --base HEAD
compare "cli diff" --setup "$diff_project" -- diff --against out --format yaml
compare "cli diff" --setup "$diff_project" -- diff --against nowhere
compare "cli diff" --setup "$diff_project" -- diff --env qa --against out
compare "cli diff" --setup "$diff_project" -- diff --base main
compare "cli diff" --setup "$diff_project && printf 'apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: a}\\n---\\nkind: [oops\\n' >bad.yaml" \
    -- diff --against bad.yaml
compare "cli diff" --setup "$diff_project && printf 'replicas: 3\\n' >notk8s.yaml" -- diff --against notk8s.yaml
compare "cli diff" --setup "$diff_project && mkdir twice && printf 'apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: a\\n  namespace: shop\\n' | tee twice/a.yaml >twice/b.yml" \
    -- diff --against twice
compare "cli diff" --setup "$diff_project && echo notes >out/README.md && mkdir out/overlay && echo 'not: [read' >out/overlay/extra.yaml" \
    -- diff --against out --format json

# ---------------------------------------------------------------------------------------------
# The examples.
# ---------------------------------------------------------------------------------------------
for example_dir in "$in"/examples/*/; do
    name=$(basename "$example_dir")
    [[ -f "$example_dir/windlass.kdl" ]] || continue
    section "examples/$name"
    file="examples/$name/windlass.kdl"
    put="put_example $name"
    label="examples/$name"
    mapfile -t envs < <(envs_of "$in/$file")
    mapfile -t workloads < <(workloads_of "$in/$file")
    ((${#workloads[@]} > 0)) || die "no workload found in $file"
    first=${workloads[0]}
    # Every .kdl of the example (its own components too), relative to its directory.
    mapfile -t kdl_files < <(cd "$example_dir" && find . -name '*.kdl' -printf '%P\n' | sort)

    # build
    for fmt in yaml json; do
        compare "$label" --setup "$put" -- build --format "$fmt" "$file"
        for env in "${envs[@]}"; do
            compare "$label" --setup "$put" -- build --env "$env" --format "$fmt" "$file"
        done
    done
    compare "$label" --setup "$put" --cwd "examples/$name" -- build
    compare "$label" --setup "$put" -- build -o out "$file"
    compare "$label" --setup "$put" -- build -o out --format json "$file"
    compare "$label" --setup "$put" -- build --deny warnings "$file"
    compare "$label" --setup "$put" -- build --env no-such-env "$file"
    compare "$label" --setup "$put" --cwd "examples/$name" -- build -o out
    if ((${#envs[@]} > 0)); then
        compare "$label" --setup "$put" -- build --all-envs -o envs "$file"
        compare "$label" --setup "$put" -- build --all-envs -o envs --format json "$file"
        compare "$label" --setup "$put" -- build --all-envs "$file"
        for env in "${envs[@]}"; do
            compare "$label" --setup "$put" -- build --env "$env" -o "out-$env" "$file"
        done
    fi

    # check
    for fmt in human json sarif github; do
        compare "$label" --setup "$put" -- check --format "$fmt" "$file"
        compare "$label" --setup "$put" -- check --format "$fmt" --deny warnings "$file"
        for env in "${envs[@]}"; do
            compare "$label" --setup "$put" -- check --env "$env" --format "$fmt" "$file"
        done
    done
    compare "$label" --setup "$put" --cwd "examples/$name" -- check
    compare "$label" --setup "$put" -- check --env no-such-env "$file"

    # graph
    for fmt in mermaid dot; do
        compare "$label" --setup "$put" -- graph --format "$fmt" "$file"
        for env in "${envs[@]}"; do
            compare "$label" --setup "$put" -- graph --env "$env" --format "$fmt" "$file"
        done
    done

    # fmt: checked, and rewritten on a copy (the files left in the run directory are compared).
    compare "$label" --setup "$put" --cwd "examples/$name" -- fmt --check
    compare "$label" --setup "$put" --cwd "examples/$name" -- fmt --check "${kdl_files[@]}"
    compare "$label" --setup "$put" --cwd "examples/$name" -- fmt "${kdl_files[@]}"
    compare "$label" --setup "$put" -- fmt "$file"

    # set-image, on a copy: every workload to a newer tag; the first one backwards, to latest,
    # forced, in each environment; an unknown workload.
    for w in "${workloads[@]}"; do
        compare "$label" --setup "$put" --cwd "examples/$name" -- set-image "$w=99.0.0"
    done
    compare "$label" --setup "$put" --cwd "examples/$name" -- set-image "$first=0.0.1"
    compare "$label" --setup "$put" --cwd "examples/$name" -- set-image --force "$first=0.0.1"
    compare "$label" --setup "$put" --cwd "examples/$name" -- set-image "$first=latest"
    compare "$label" --setup "$put" --cwd "examples/$name" -- set-image no-such-workload=1.0.0
    compare "$label" --setup "$put" -- set-image "$first=99.0.0" "$file"
    for env in "${envs[@]}"; do
        compare "$label" --setup "$put" --cwd "examples/$name" -- set-image --env "$env" "$first=99.0.0"
    done

    # diff --against: the OLD binary's build of the unchanged example, as a directory (base app
    # and every environment), a YAML stream and a JSON file.
    p="$prep/examples/$name"
    mkdir -p "$p"
    cp -r "$example_dir/." "$p/"
    prep_old "$p" 0 build -o out
    prep_old "$p" 0 build
    cp "$work/prep.stdout" "$p/previous.yaml"
    prep_old "$p" 0 build --format json
    cp "$work/prep.stdout" "$p/previous.json"
    for env in "${envs[@]}"; do
        prep_old "$p" 0 build --env "$env" -o "out-$env"
    done
    cp "$p/windlass.kdl" "$p/rollout.kdl"
    mod_rollout "$p/rollout.kdl"
    cp "$p/windlass.kdl" "$p/shrink.kdl"
    mod_shrink "$p/shrink.kdl"
    ! cmp -s "$p/windlass.kdl" "$p/rollout.kdl" || die "mod_rollout changed nothing in $file"

    with_out="$put && put_prep examples/$name/out examples/$name/out"
    rollout="$with_out && cp $(printf %q "$p/rollout.kdl") examples/$name/windlass.kdl"
    shrink="$with_out && cp $(printf %q "$p/shrink.kdl") examples/$name/windlass.kdl"
    compare "$label unchanged" --setup "$with_out" --cwd "examples/$name" -- diff --against out
    compare "$label unchanged" --setup "$with_out" --cwd "examples/$name" -- diff --against out --exit-code
    for fmt in human markdown json; do
        compare "$label rollout" --setup "$rollout" --cwd "examples/$name" -- diff --against out --format "$fmt"
    done
    compare "$label rollout" --setup "$rollout" -- diff --against "examples/$name/out" "$file"
    compare "$label rollout" --setup "$rollout" --cwd "examples/$name" -- diff --against out --exit-code
    compare "$label rollout" --setup "$rollout && put_prep examples/$name/previous.yaml examples/$name/previous.yaml" \
        --cwd "examples/$name" -- diff --against previous.yaml --format json
    compare "$label rollout" --setup "$rollout && put_prep examples/$name/previous.json examples/$name/previous.json" \
        --cwd "examples/$name" -- diff --against previous.json
    compare "$label rollout" --setup "$rollout" --stdin "$p/previous.yaml" --cwd "examples/$name" \
        -- diff --against - --format markdown
    # build -o over the previous build: says what changed since it.
    compare "$label rollout" --setup "$rollout" --cwd "examples/$name" -- build -o out
    if ! cmp -s "$p/windlass.kdl" "$p/shrink.kdl"; then
        for fmt in human markdown json; do
            compare "$label shrink" --setup "$shrink" --cwd "examples/$name" -- diff --against out --format "$fmt"
        done
        compare "$label shrink" --setup "$shrink" --cwd "examples/$name" -- diff --against out --allow-dangerous
        compare "$label shrink" --setup "$shrink" --cwd "examples/$name" -- diff --against out --allow-dangerous --exit-code
    fi
    for env in "${envs[@]}"; do
        env_rollout="$rollout && put_prep examples/$name/out-$env examples/$name/out-$env"
        for fmt in human markdown json; do
            compare "$label rollout" --setup "$env_rollout" --cwd "examples/$name" \
                -- diff --env "$env" --against "out-$env" --format "$fmt"
        done
    done

    # diff --base: a git repository holding the example at v1 (HEAD), and in the working tree the
    # rollout edit plus an edit of each imported component file.
    if command -v git >/dev/null; then
        g="$prep/git-$name"
        mkdir -p "$g/examples"
        cp -r "$example_dir" "$g/examples/$name"
        git -c init.defaultBranch=main -C "$g" init --quiet
        git -C "$g" add .
        git -C "$g" -c commit.gpgsign=false commit --quiet -m v1
        git -C "$g" tag v1
        mod_rollout "$g/examples/$name/windlass.kdl"
        for f in "${kdl_files[@]}"; do
            if [[ "$f" != windlass.kdl ]]; then
                mod_component "$g/examples/$name/$f"
            fi
        done
        in_git="cp -a $(printf %q "$g")/. ."
        for fmt in human markdown json; do
            compare "$label base" --setup "$in_git" --cwd "examples/$name" -- diff --base HEAD --format "$fmt"
        done
        compare "$label base" --setup "$in_git" --cwd "examples/$name" -- diff --base v1 --exit-code
        compare "$label base" --setup "$in_git" -- diff "$file" --base HEAD --format json
        compare "$label base" --setup "$in_git" --cwd "examples/$name" -- diff --base no-such-revision
        for env in "${envs[@]}"; do
            compare "$label base" --setup "$in_git" --cwd "examples/$name" -- diff --env "$env" --base HEAD --format json
        done
        # The working tree committed: nothing changed.
        cp -a "$g" "$g-committed"
        git -C "$g-committed" -c commit.gpgsign=false commit --quiet -am v2
        compare "$label base" --setup "cp -a $(printf %q "$g-committed")/. ." --cwd "examples/$name" \
            -- diff --base HEAD --exit-code
    else
        echo "note: git is not installed: no diff --base cases for $file" >&2
    fi
done

# All the examples at once.
section "examples together"
all_examples="mkdir -p examples && cp -r $(printf %q "$in/examples")/. examples/"
mapfile -t example_files < <(cd "$in" && find examples -name windlass.kdl | sort)
compare "examples" --setup "$all_examples" -- check "${example_files[@]}"
compare "examples" --setup "$all_examples" -- check --format json "${example_files[@]}"
compare "examples" --setup "$all_examples" -- fmt --check "${example_files[@]}"

# ---------------------------------------------------------------------------------------------
# Every .kdl under tests/fixtures, by its path from the run directory (so diagnostics name it
# alike), with its directory copied (imports are relative to it).
# ---------------------------------------------------------------------------------------------
mapfile -t fixtures < <(cd "$in" && find tests/fixtures -name '*.kdl' | sort)
current_dir=""
for f in "${fixtures[@]}"; do
    dir=$(dirname "$f")
    top=$(echo "$f" | cut -d/ -f1-3)
    if [[ "$top" != "$current_dir" ]]; then
        section "$top"
        current_dir=$top
    fi
    # The fixture alone, or with its directory when it imports (imports are relative to it).
    if grep -qE '^[[:space:]]*import[[:space:]]' "$in/$f"; then
        put="put_fixture_dir $dir"
    else
        put="put_file $f"
    fi
    for fmt in human json sarif github; do
        compare "$f" --setup "$put" -- check --format "$fmt" "$f"
    done
    compare "$f" --setup "$put" -- build "$f"
    compare "$f" --setup "$put" -- build --format json "$f"
    compare "$f" --setup "$put" -- build -o out "$f"
    compare "$f" --setup "$put" -- graph "$f"
    compare "$f" --setup "$put" -- graph --format dot "$f"
    compare "$f" --setup "$put" -- fmt --check "$f"
    compare "$f" --setup "$put" -- fmt "$f"
    first=$(workloads_of "$in/$f" | head -n 1)
    if [[ -n "$first" ]]; then
        compare "$f" --setup "$put" -- set-image "$first=99.0.0" "$f"
    fi
    for env in $(envs_of "$in/$f"); do
        compare "$f" --setup "$put" -- build --env "$env" "$f"
        compare "$f" --setup "$put" -- check --env "$env" --format json "$f"
    done
    # A rule's fixtures: the rule as an error, and switched off.
    if [[ "$f" == tests/fixtures/rules/*/*.kdl ]]; then
        rule=$(basename "$dir")
        compare "$f" --setup "$put" -- check --deny warnings "$f"
        compare "$f" --setup "$put" -- check --deny "$rule" --format json "$f"
        compare "$f" --setup "$put" -- check --allow "$rule" "$f"
        compare "$f" --setup "$put" -- build --deny warnings "$f"
    fi
done
# Each fixture directory at once: many files, many findings.
for dir in $(cd "$in" && find tests/fixtures -name '*.kdl' -printf '%h\n' | sort -u); do
    mapfile -t here < <(cd "$in" && find "$dir" -maxdepth 1 -name '*.kdl' | sort)
    compare "$dir/*.kdl" --setup "put_fixture_dir $dir" -- check "${here[@]}"
    compare "$dir/*.kdl" --setup "put_fixture_dir $dir" -- check --format json "${here[@]}"
done

# ---------------------------------------------------------------------------------------------
# tests/fixtures/diff: as tests/diff_cli.rs's project(): windlass.kdl is before.kdl, built into
# out/ (by the OLD binary here), then replaced by after.kdl.
# ---------------------------------------------------------------------------------------------
section "tests/fixtures/diff scenarios"
for scenario_dir in "$in"/tests/fixtures/diff/*/; do
    scenario=$(basename "$scenario_dir")
    p="$prep/diff/$scenario"
    mkdir -p "$p"
    cp "$scenario_dir/before.kdl" "$p/windlass.kdl"
    prep_old "$p" 0 build -o out
    prep_old "$p" 0 build
    cp "$work/prep.stdout" "$p/previous.yaml"
    prep_old "$p" 0 build --format json
    cp "$work/prep.stdout" "$p/previous.json"
    project="put_prep diff/$scenario/out out && cp $(printf %q "$scenario_dir/after.kdl") windlass.kdl"
    label="diff/$scenario"
    for fmt in human markdown json; do
        compare "$label" --setup "$project" -- diff --against out --format "$fmt"
    done
    compare "$label" --setup "$project" -- diff --against out --exit-code
    compare "$label" --setup "$project" -- diff --against out --allow-dangerous
    compare "$label" --setup "$project" -- diff --against out --allow-dangerous --exit-code
    compare "$label" --setup "$project && put_prep diff/$scenario/previous.yaml previous.yaml" \
        -- diff --against previous.yaml --format json
    compare "$label" --setup "$project && put_prep diff/$scenario/previous.json previous.json" \
        -- diff --against previous.json --format json
    compare "$label" --setup "$project" --stdin "$p/previous.yaml" -- diff --against - --format json
    compare "$label" --setup "$project" -- build -o out
    # The before side against its own build: no changes.
    compare "$label" --setup "put_prep diff/$scenario/out out && put_prep diff/$scenario/windlass.kdl windlass.kdl" \
        -- diff --against out --exit-code
done

# ---------------------------------------------------------------------------------------------
# The benchmark's generated applications: app-N.kdl, and app-N-changed.kdl (every tenth service
# changed) diffed against the OLD binary's build of app-N.kdl, as scripts/bench.sh does.
# ---------------------------------------------------------------------------------------------
for n in "${sizes[@]}"; do
    section "generated, $n workloads"
    p="$prep/gen"
    mkdir -p "$p"
    cp "$gen_dir/app-$n.kdl" "$gen_dir/app-$n-changed.kdl" "$p/"
    prep_old "$p" 0 build "app-$n.kdl"
    cp "$work/prep.stdout" "$p/app-$n.yaml"
    prep_old "$p" 0 build -o "out-$n" "app-$n.kdl"
    put="cp $(printf %q "$gen_dir/app-$n.kdl") $(printf %q "$gen_dir/app-$n-changed.kdl") ."
    label="generated $n"
    for fmt in yaml json; do
        compare "$label" --setup "$put" -- build --format "$fmt" "app-$n.kdl"
        compare "$label" --setup "$put" -- build --format "$fmt" "app-$n-changed.kdl"
    done
    compare "$label" --setup "$put" -- build -o out "app-$n.kdl"
    compare "$label" --setup "$put" -- check "app-$n.kdl"
    compare "$label" --setup "$put" -- check --format json "app-$n.kdl"
    compare "$label" --setup "$put" -- check --format json "app-$n-changed.kdl"
    compare "$label" --setup "$put" -- graph "app-$n.kdl"
    compare "$label" --setup "$put" -- fmt --check "app-$n.kdl"
    with_yaml="$put && put_prep gen/app-$n.yaml app-$n.yaml"
    for fmt in human markdown json; do
        compare "$label" --setup "$with_yaml" -- diff --against "app-$n.yaml" --format "$fmt" "app-$n-changed.kdl"
    done
    compare "$label" --setup "$with_yaml" -- diff --against "app-$n.yaml" --exit-code "app-$n.kdl"
    with_out="$put && put_prep gen/out-$n out"
    compare "$label" --setup "$with_out" -- diff --against out --format json "app-$n-changed.kdl"
    compare "$label" --setup "$with_out" -- build -o out "app-$n-changed.kdl"
done

# ---------------------------------------------------------------------------------------------
elapsed=$((SECONDS - start))
echo
echo "$total cases: $same same, $different DIFFERENT ($((elapsed / 60)) min $((elapsed % 60)) s)"
if ((different > 0)); then
    echo "different:"
    printf '  %s\n' "${differing[@]}"
    exit 1
fi
exit 0
