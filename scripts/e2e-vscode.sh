#!/usr/bin/env bash
# End-to-end test of the VS Code extension: the packaged .vsix installed in code-server (VS Code 1.99.3
# in the browser), talking to the real `tonecheck lsp`, driven by playwright-core in Debian's chromium.
#
#   bash scripts/e2e-vscode.sh                  # from a bare machine: installs what it needs, then tests
#   bash scripts/e2e-vscode.sh --update-images  # also copies the README screenshots to vscode-extension/images/
#
# Needs: the tonecheck server (TONECHECK_BIN, default .venv/bin/tonecheck: run scripts/setup.sh first),
# Node 20 + npm, and root (or sudo) the first time for apt-get (chromium, libkrb5-dev, ripgrep).
# Only the Debian and npm registries are used; nothing is downloaded from elsewhere (see
# ../shared/research/vscode-extension.md for the workarounds below).
# Environment: E2E_TIMEOUT (s, whole run, default 900), E2E_KEEP=1 (keep the temp dir), PORT, SHOTS_DIR.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EXT="$REPO/vscode-extension"
E2E="$EXT/e2e"
UPDATE_IMAGES=0
for arg in "$@"; do
  case "$arg" in
    --update-images) UPDATE_IMAGES=1 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "e2e-vscode.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done

# A hard limit on the whole run: re-run this script under `timeout` once.
if [ -z "${TONECHECK_E2E_LIMITED:-}" ]; then
  export TONECHECK_E2E_LIMITED=1
  rc=0
  timeout --kill-after=15 "${E2E_TIMEOUT:-900}" bash "$0" "$@" || rc=$?
  if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    echo "e2e-vscode.sh: FAILED: over the time limit of ${E2E_TIMEOUT:-900} s" >&2
  fi
  exit "$rc"
fi

T0=$SECONDS
step() { echo "== [$((SECONDS - T0))s] $*"; }
die() { echo "e2e-vscode.sh: FAILED: $*" >&2; exit 1; }

TONECHECK_BIN="${TONECHECK_BIN:-$REPO/.venv/bin/tonecheck}"
SHOTS_DIR="${SHOTS_DIR:-$E2E/screenshots}"

# --- 1. system packages -----------------------------------------------------------------------
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v rg >/dev/null 2>&1 || need+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)   # headers for code-server's `kerberos` module
if [ ${#need[@]} -gt 0 ]; then
  step "apt-get install ${need[*]}"
  SUDO=(); [ "$(id -u)" -eq 0 ] || SUDO=(sudo -n)
  export DEBIAN_FRONTEND=noninteractive
  timeout 300 "${SUDO[@]}" apt-get update -q >/dev/null
  timeout 600 "${SUDO[@]}" apt-get install -y -q "${need[@]}" >/dev/null
fi
command -v node >/dev/null || die "node (20) is needed"
[ "$(node -p 'process.versions.node.split(".")[0]')" = 20 ] \
  || echo "warning: code-server 4.99.4 is pinned for Node 20; this is Node $(node -v)" >&2

# Common npm settings: never prompt, no audit/fund noise.
export npm_config_yes=true npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

# `npm ci` in a folder unless its node_modules already matches the lock file (or E2E_FORCE_CI is set).
npm_ci_if_needed() { # dir [VAR=value...]
  local dir="$1"; shift
  if [ -z "${E2E_FORCE_CI:-}" ] && [ "$dir/node_modules/.package-lock.json" -nt "$dir/package-lock.json" ]; then
    return 0
  fi
  (cd "$dir" && env "$@" timeout 600 npm ci --no-audit --no-fund --loglevel=error) || die "npm ci in $dir"
}

# --- 2. the extension: unit tests and the .vsix ---------------------------------------------
step "extension: npm ci, unit tests, package"
npm_ci_if_needed "$EXT"
(cd "$EXT" && npm test --silent >/dev/null) || { (cd "$EXT" && npm test); die "unit tests"; }
(cd "$EXT" && npm run --silent package >/dev/null) || die "vsce package"
VSIX="$EXT/dist/tonecheck.vsix"
[ -s "$VSIX" ] || die "no $VSIX"

# --- 3. code-server + playwright-core (their own package in e2e/) ------------------------------
if [ ! -d "$E2E/node_modules/code-server/lib/vscode/node_modules" ] || [ ! -d "$E2E/node_modules/playwright-core" ] \
   || ! [ "$E2E/node_modules/.package-lock.json" -nt "$E2E/package-lock.json" ]; then
  step "code-server 4.99.4 + playwright-core: npm ci (compiles native modules, about a minute)"
  # @vscode/ripgrep would download rg from GitHub; its postinstall takes a cached archive instead.
  # code-server 4.99.4 pins @vscode/ripgrep 1.15.11, which wants ripgrep v13.0.0-10.
  CACHE="$(node -p 'require("os").tmpdir()')/vscode-ripgrep-cache-1.15.11"
  ARCH="$(uname -m)"
  case "$ARCH" in
    x86_64) RG_TARGET=x86_64-unknown-linux-musl ;;
    aarch64) RG_TARGET=aarch64-unknown-linux-gnu ;;
    *) die "no ripgrep target for $ARCH" ;;
  esac
  mkdir -p "$CACHE"
  tmp="$(mktemp -d)"; cp "$(command -v rg)" "$tmp/rg"
  tar czf "$CACHE/ripgrep-v13.0.0-10-$RG_TARGET.tar.gz" -C "$tmp" rg; rm -rf "$tmp"
  # unsafe_perm: code-server's postinstall refuses root without it; yes: node-pty runs `npx node-gyp`;
  # nodedir: node-gyp uses /usr/include/node instead of downloading headers.
  E2E_FORCE_CI=1 npm_ci_if_needed "$E2E" npm_config_nodedir="${npm_config_nodedir:-/usr}" npm_config_unsafe_perm=true
  [ -d "$E2E/node_modules/code-server/lib/vscode/node_modules" ] || die "code-server's postinstall did not run"
fi
CS="$E2E/node_modules/.bin/code-server"

# --- 4. the language server -------------------------------------------------------------------
step "server: $TONECHECK_BIN lsp"
[ -x "$TONECHECK_BIN" ] || die "$TONECHECK_BIN not found: run scripts/setup.sh first (or set TONECHECK_BIN)"
timeout 60 "$TONECHECK_BIN" lsp --help </dev/null >/dev/null || die "'$TONECHECK_BIN lsp --help' does not work"

# --- 5. code-server with a throwaway profile and a copy of the fixtures -----------------------
STATE="$(mktemp -d "${TMPDIR:-/tmp}/tonecheck-e2e.XXXXXX")"
mkdir -p "$STATE/data/User" "$STATE/ws/.vscode"
cp "$E2E/fixtures/"* "$STATE/ws/"
echo '{}' > "$STATE/ws/.vscode/settings.json"   # e2e.mjs changes settings here
node -e '
  const fs = require("fs");
  const s = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
  s["tonecheck.path"] = process.argv[2];
  fs.writeFileSync(process.argv[3], JSON.stringify(s, null, 2));
' "$E2E/user-settings.json" "$TONECHECK_BIN" "$STATE/data/User/settings.json"
PORT="${PORT:-$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')}"
printf 'bind-addr: 127.0.0.1:%s\nauth: none\ncert: false\n' "$PORT" > "$STATE/config.yaml"
CSARGS=(--config "$STATE/config.yaml" --user-data-dir "$STATE/data" --extensions-dir "$STATE/ext")

step "code-server --install-extension $(basename "$VSIX")"
timeout 120 "$CS" "${CSARGS[@]}" --install-extension "$VSIX" >"$STATE/install.log" 2>&1 \
  || { cat "$STATE/install.log"; die "installing the .vsix"; }

CS_PID=
cleanup() {
  local rc=$?
  if [ -n "$CS_PID" ]; then
    kill -TERM -- "-$CS_PID" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 -- "-$CS_PID" 2>/dev/null || break; sleep 0.25; done
    kill -KILL -- "-$CS_PID" 2>/dev/null || true
    wait "$CS_PID" 2>/dev/null || true
  fi
  if [ "$rc" -ne 0 ] || [ -n "${E2E_KEEP:-}" ]; then echo "(state kept in $STATE)"; else rm -rf "$STATE"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step "code-server on 127.0.0.1:$PORT"
# setsid: its own process group, so cleanup also ends the extension host, the file watcher and the server.
# TONECHECK_STATE_DIR: where the server records "sent anyway" (instead of ~/.local/state/tonecheck).
export TONECHECK_STATE_DIR="$STATE/tonecheck-state"
setsid "$CS" "${CSARGS[@]}" --disable-telemetry --disable-update-check --disable-workspace-trust \
  --disable-getting-started-override "$STATE/ws" >"$STATE/code-server.log" 2>&1 &
CS_PID=$!
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  kill -0 "$CS_PID" 2>/dev/null || { cat "$STATE/code-server.log"; die "code-server exited"; }
  sleep 0.5
done
curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null || { cat "$STATE/code-server.log"; die "code-server did not answer"; }

# --- 6. drive it ------------------------------------------------------------------------------
step "playwright-core + chromium: e2e.mjs"
rm -rf "$SHOTS_DIR"; mkdir -p "$SHOTS_DIR"
if ! CS_URL="http://127.0.0.1:$PORT" WS_FOLDER="$STATE/ws" SHOTS_DIR="$SHOTS_DIR" CS_LOGS_DIR="$STATE/data/logs" \
     timeout "${E2E_DRIVER_TIMEOUT:-420}" node "$E2E/e2e.mjs"; then
  echo "--- code-server log (tail)"; tail -n 60 "$STATE/code-server.log"
  echo "--- extension log (Output > Tonecheck)"; find "$STATE/data/logs" -name 'Tonecheck.log' -exec tail -n 120 {} \;
  die "see the checks above; screenshots in $SHOTS_DIR"
fi

if [ "$UPDATE_IMAGES" = 1 ]; then
  mkdir -p "$EXT/images"
  cp "$SHOTS_DIR/02-ro-quick-fix.png" "$EXT/images/quick-fix.png"
  cp "$SHOTS_DIR/03-ro-presend.png" "$EXT/images/presend.png"
  step "README images updated in vscode-extension/images/"
fi
step "e2e passed; screenshots in $SHOTS_DIR"
