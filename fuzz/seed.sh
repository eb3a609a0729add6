#!/usr/bin/env bash
# Seeds the fuzz corpora with the examples, the bad-input corpus and the rule files; the CSV
# corpus with the example export and CSV texts written here (the first byte of a CSV input
# chooses the declarations: see fuzz_targets/csv.rs), the workbook corpus with the example
# workbook.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/check corpus/rules corpus/csv corpus/xlsx
cp ../examples/*.json ../tests/fixtures/portfolios/*.json ../tests/fixtures/gitlab/*.json corpus/check/ 2>/dev/null || true
cp ../rules/crma.json ../examples/policies/*.json corpus/rules/
# The example export, declared windows-1252 with `;`, decimal commas and thousands points (46).
{ printf '\x2e'; cat ../examples/erp-export/purchases-2026.csv; } > corpus/csv/erp-export.csv
printf '\x00id,material,grade,amount,unit,form,content,supplier,extraction,processing,recycling\nPO-1,lithium,battery,2235,t,lithium-carbonate,,"Example Lithium, Ltd",AU,CN,\nPO-2,cobalt,,1.25,kt,,0.2,,CD,FI,\nPO-3,Li,,80000,kg,,,,,DE,DE\n' > corpus/csv/plain.csv
printf '\x06Werkstoff;Menge;ME;Förderland\r\nlithium;1.234,5;t;AU\r\n"cobalt";"0,5";t;"C""D"\r\nnickel;"12\r\n3";kg;\r\n' > corpus/csv/european.csv
printf '\x00material\tamount\tunit\nlithium\t12\tt\n"open quote\tx\n' > corpus/csv/tabs.csv
cp ../examples/erp-export/recycled-2026.xlsx corpus/xlsx/
