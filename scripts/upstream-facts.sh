#!/usr/bin/env bash
# Records the facts of a public application's Kubernetes manifests beside its Windlass
# reproduction, for tests/upstream.rs: examples/APP/upstream-facts.json. Reads the manifests
# from a clone of the application's repository at one commit; keeps only the facts (kinds,
# names, selectors, ports, images, env, probes, resources, volumes, security), never the YAML.
#
#   scripts/upstream-facts.sh APP GIT_DIR OWNER/NAME COMMIT PATH...
#
# The applications and the exact commands are listed in scripts/upstream-apps.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 5 ] || { sed -n '2,9p' "$0" >&2; exit 2; }
app=$1 git_dir=$2 repo=$3 commit=$4
shift 4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pairs=()
i=0
for path in "$@"; do
    i=$((i + 1))
    git --git-dir="$git_dir" show "$commit:$path" >"$tmp/$i.yaml"
    pairs+=("$path=$tmp/$i.yaml")
done
cargo run --quiet --example upstream-facts -- --repo "$repo" --commit "$commit" \
    --out "examples/$app/upstream-facts.json" "${pairs[@]}"
echo "wrote examples/$app/upstream-facts.json" >&2
