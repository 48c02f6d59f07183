#!/usr/bin/env bash
# Reproduce the vendored front-end assets in pingan/static/vendor/.
#
# The site runs on closed networks (no CDN), so every browser asset is
# committed to the repository. This script fetches pinned versions from the
# npm registry into a temporary directory, copies only the minified
# distributables, and strips the source-map trailer comments so that
# whitenoise / Django's ManifestStaticFilesStorage does not try to resolve
# the missing .map files during collectstatic.
#
# Usage:  scripts/vendor_assets.sh
# Needs:  bash, node + npm, sed, grep, sha256sum; network access to npm.
#
# To upgrade: change a version below, run the script, update VENDOR.md
# (version, sha256), and test the UI.

set -euo pipefail

# --- pinned versions (keep in sync with pingan/static/vendor/VENDOR.md) ---
HTMX_VERSION="2.0.11"        # package: htmx.org (stay on 2.x)
BOOTSTRAP_VERSION="5.3.9"    # package: bootstrap (stay on 5.3.x)
ECHARTS_VERSION="6.1.0"      # package: echarts

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${SCRIPT_DIR}/.." && pwd)"
VENDOR_DIR="${REPO_ROOT}/pingan/static/vendor"

for tool in npm node sed grep sha256sum; do
    command -v "$tool" >/dev/null 2>&1 || { echo "error: '$tool' not found" >&2; exit 1; }
done

WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/pingan-vendor.XXXXXX")"
trap 'rm -rf "${WORK_DIR}"' EXIT

echo ">> installing pinned packages into ${WORK_DIR}"
(
    cd "${WORK_DIR}"
    npm init -y >/dev/null
    npm install --no-audit --no-fund --ignore-scripts --save-exact \
        "htmx.org@${HTMX_VERSION}" \
        "bootstrap@${BOOTSTRAP_VERSION}" \
        "echarts@${ECHARTS_VERSION}" >/dev/null
)
NM="${WORK_DIR}/node_modules"

# Make sure npm gave us exactly the pinned versions.
check_version() {
    local pkg="$1" want="$2" got
    got="$(node -p "require('${NM}/${pkg}/package.json').version")"
    if [[ "${got}" != "${want}" ]]; then
        echo "error: ${pkg} installed ${got}, expected ${want}" >&2
        exit 1
    fi
}
check_version htmx.org  "${HTMX_VERSION}"
check_version bootstrap "${BOOTSTRAP_VERSION}"
check_version echarts   "${ECHARTS_VERSION}"

# Stage everything first so a failure never leaves a half-updated vendor dir.
STAGE="${WORK_DIR}/stage"
mkdir -p "${STAGE}/htmx" "${STAGE}/bootstrap" "${STAGE}/echarts"

# Copy a file, deleting whole-line source-map trailers:
#   //# sourceMappingURL=...      (JS)
#   /*# sourceMappingURL=... */   (CSS)
# These are the same line-anchored forms Django's manifest storage rewrites.
copy_stripped() {
    local src="$1" dst="$2"
    sed -E \
        -e '/^\/\/[#@] sourceMappingURL=.*$/d' \
        -e '/^\/\*[#@][[:space:]]*sourceMappingURL=.*\*\/[[:space:]]*$/d' \
        "${src}" > "${dst}"
    if grep -q 'sourceMappingURL' "${dst}"; then
        echo "error: ${dst} still mentions sourceMappingURL" >&2
        exit 1
    fi
}

copy_stripped "${NM}/htmx.org/dist/htmx.min.js"                "${STAGE}/htmx/htmx.min.js"
copy_stripped "${NM}/bootstrap/dist/css/bootstrap.min.css"      "${STAGE}/bootstrap/bootstrap.min.css"
copy_stripped "${NM}/bootstrap/dist/js/bootstrap.bundle.min.js" "${STAGE}/bootstrap/bootstrap.bundle.min.js"
copy_stripped "${NM}/echarts/dist/echarts.min.js"              "${STAGE}/echarts/echarts.min.js"

echo ">> installing into ${VENDOR_DIR}"
FILES=(
    htmx/htmx.min.js
    bootstrap/bootstrap.min.css
    bootstrap/bootstrap.bundle.min.js
    echarts/echarts.min.js
)
for rel in "${FILES[@]}"; do
    mkdir -p "$(dirname "${VENDOR_DIR}/${rel}")"
    cp "${STAGE}/${rel}" "${VENDOR_DIR}/${rel}"
done

echo ">> done. sha256 (compare with VENDOR.md):"
(cd "${VENDOR_DIR}" && sha256sum "${FILES[@]}")
