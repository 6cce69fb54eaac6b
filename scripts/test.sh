#!/usr/bin/env bash
# Run the whole test suite from a fresh clone: set-up, lint, types, tests, the editor.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh >/dev/null
echo "== ruff";   .venv/bin/ruff check src tests bench models
echo "== mypy";   .venv/bin/mypy
echo "== pytest"; .venv/bin/python -m pytest
if [ -f vscode-extension/package.json ]; then
  echo "== vscode extension: build and unit tests"
  (cd vscode-extension && npm ci --no-audit --no-fund --silent && npm run --silent package && npm test --silent)
  if [ -f scripts/e2e-vscode.sh ]; then
    echo "== vscode extension: end to end in code-server"
    bash scripts/e2e-vscode.sh
  fi
fi
