#!/usr/bin/env bash
# The HTML report in a real browser (run by .ci/run): renders every example's page, and one
# page of all of them, with the debug binary, then checks each in headless Chromium with
# check_html.py (beside this file): a full-page screenshot is made and is not blank, the page
# requested nothing but itself, and its DOM has one chart per material and stage (the count
# taken from the JSON report of the same files). A page made to load things must fail the
# same check, so that a pass means something. Installs Debian's chromium when it is missing
# (CI runs as root).
#
#   tests/browser/run.sh [OUT_DIR]      (default target/browser-check: pages, PNGs, DOM dumps)
#
# Ends with "N passed, N failed"; exit status 1 when a page fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-target/browser-check}"
as_of=2026-11-23

if ! command -v chromium >/dev/null 2>&1; then
    echo "browser check: installing chromium (Debian package)" >&2
    export DEBIAN_FRONTEND=noninteractive
    # Another apt may hold the lock for a while on a shared machine: wait for it.
    apt-get -o DPkg::Lock::Timeout=300 update -qq
    apt-get -o DPkg::Lock::Timeout=300 install -y -qq chromium >/dev/null
fi

cargo build --quiet
bin=target/debug/crma-check
rm -rf "$out"
mkdir -p "$out"

# The number of charts the page of FILES... must have: 3 per row of the share tables.
charts() {
    { "$bin" --format json --as-of "$as_of" "$@" || true; } | python3 -c '
import json, sys
report = json.load(sys.stdin)
print(sum(3 * (len(f["shares"]) + (f["overall"] is not None)) for f in report["files"]))'
}

pages=()
render() {
    local name=$1
    shift
    # Exit status 1 (findings) and 2 (input errors) still write a page.
    "$bin" --format html --as-of "$as_of" --output "$out/$name.html" "$@" >/dev/null || true
    pages+=("$out/$name.html=$(charts "$@")")
}
for example in examples/*.json; do
    render "$(basename "$example" .json)" "$example"
done
render all-examples examples/*.json

python3 tests/browser/check_html.py --out "$out" "${pages[@]}"

# The check must be able to fail: the magnets page with an image and a stylesheet background
# that try to load files (the CSP blocks them; the check must still see them).
mkdir -p "$out/negative"
sed -e 's|<footer>|<img src="file:///etc/hostname" alt=""><p style="background: url(file:///etc/hosts)">x</p><footer>|' \
    "$out/magnets-2030.html" > "$out/negative/loads-files.html"
log="$out/negative/check.log"
if python3 tests/browser/check_html.py --out "$out/negative" "$out/negative/loads-files.html" > "$log" \
    || ! grep -q "request: Image file:///etc/hostname" "$log" \
    || ! grep -q "request: Image file:///etc/hosts" "$log"; then
    echo "FAILED: the browser did not report the loads of a page made to load files (see $log)"
    exit 1
fi
echo "ok: a page made to load files fails the browser check, its requests seen by the browser"
