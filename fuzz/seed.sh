#!/usr/bin/env bash
# Seeds the fuzz corpora with the examples, the bad-input corpus and the rule files.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/check corpus/rules
cp ../examples/*.json ../tests/fixtures/portfolios/*.json ../tests/fixtures/gitlab/*.json corpus/check/ 2>/dev/null || true
cp ../rules/crma.json ../examples/policies/*.json corpus/rules/
