#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with seed inputs: the examples, the standard library, every fixture
# and the KDL specification's test suite (when ../shared/kdl-spec-tests is present).
set -euo pipefail
cd "$(dirname "$0")/.."
for target in reader reader_vs_kdl; do
    dir="fuzz/corpus/$target"
    mkdir -p "$dir"
    find examples stdlib tests/fixtures ../shared/kdl-spec-tests -name '*.kdl' 2>/dev/null |
        while read -r file; do
            cp "$file" "$dir/$(echo "$file" | tr '/.' '__')"
        done
    echo "$dir: $(ls "$dir" | wc -l) seeds"
done
