#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with seed inputs. The KDL targets get the examples, the standard
# library, every fixture and the KDL specification's test suite (when ../shared/kdl-spec-tests is
# present); `diff` gets pairs of YAML streams (old NUL new) that `windlass build` writes for the
# examples and their environments, plus the diff tests' fixtures.
set -euo pipefail
cd "$(dirname "$0")/.."
for target in reader reader_vs_kdl compile; do
    dir="fuzz/corpus/$target"
    mkdir -p "$dir"
    sources=(examples stdlib tests/fixtures)
    [[ -d ../shared/kdl-spec-tests ]] && sources+=(../shared/kdl-spec-tests)
    find "${sources[@]}" -name '*.kdl' |
        while read -r file; do
            cp "$file" "$dir/$(echo "$file" | tr '/.' '__')"
        done
    echo "$dir: $(ls "$dir" | wc -l) seeds"
done

dir="fuzz/corpus/diff"
mkdir -p "$dir"
cargo build --quiet --release --bin windlass
bin=target/release/windlass
pair() { # old.yaml new.yaml seed-name
    { cat "$1"; printf '\0'; cat "$2"; } >"$dir/$3"
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The diff tests' fixtures: small before/after descriptions with one kind of change each.
for case in tests/fixtures/diff/*/; do
    name=$(basename "$case")
    "$bin" build "$case/before.kdl" >"$tmp/before.yaml" 2>/dev/null || continue
    "$bin" build "$case/after.kdl" >"$tmp/after.yaml" 2>/dev/null || continue
    pair "$tmp/before.yaml" "$tmp/after.yaml" "fixture-$name"
    "$bin" build --format json "$case/after.kdl" >"$tmp/after.json" 2>/dev/null &&
        pair "$tmp/before.yaml" "$tmp/after.json" "fixture-$name-json"
done
# Each example against itself and against each of its environments.
for app in examples/*/windlass.kdl; do
    name=$(basename "$(dirname "$app")")
    "$bin" build "$app" >"$tmp/$name.yaml" 2>/dev/null || continue
    pair "$tmp/$name.yaml" "$tmp/$name.yaml" "$name"
    for env in $(sed -n 's/^environment "\{0,1\}\([a-z0-9-]*\)"\{0,1\} .*/\1/p' "$app"); do
        "$bin" build --env "$env" "$app" >"$tmp/$name-$env.yaml" 2>/dev/null || continue
        pair "$tmp/$name.yaml" "$tmp/$name-$env.yaml" "$name-$env"
    done
done
echo "$dir: $(ls "$dir" | wc -l) seeds"

# `cli_input` gets what the command line reads for each example: its description, then (after
# NUL bytes) the record, the kustomization and the manifests `build -o` writes for it; and a
# description that is not UTF-8.
dir="fuzz/corpus/cli_input"
mkdir -p "$dir"
for app in examples/*/windlass.kdl; do
    name=$(basename "$(dirname "$app")")
    out="$tmp/out-$name"
    "$bin" build -o "$out" "$app" >/dev/null 2>&1 || continue
    {
        cat "$app"
        printf '\0'
        cat "$out/.windlass-files"
        printf '\0'
        cat "$out/kustomization.yaml"
        for file in "$out"/*.yaml; do
            [[ $(basename "$file") == kustomization.yaml ]] && continue
            printf '\0'
            cat "$file"
        done
    } >"$dir/$name"
done
printf 'app shop {\n    service \xff {\n    }\n}\n' >"$dir/not-utf-8"
echo "$dir: $(ls "$dir" | wc -l) seeds"
