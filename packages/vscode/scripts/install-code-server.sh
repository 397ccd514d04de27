#!/usr/bin/env bash
# Prepares everything the extension's end-to-end test needs on a machine that reaches only the npm
# registry and Debian's package mirrors:
#   - code-server 4.100.3 (a real VS Code 1.100.3 build published on npm, runs on Node 20),
#   - playwright-core (drives a browser over the DevTools protocol; it downloads no browser),
#   - Debian's chromium (the browser the test drives) and the build tools code-server's native modules need.
#
# Usage: packages/vscode/scripts/install-code-server.sh [DIR]
#   DIR defaults to <repo>/.tmp/code-server. Afterwards DIR/node_modules/.bin/code-server and
#   DIR/node_modules/playwright-core exist. Running it again when all is present does nothing.
#
# The first run takes several minutes: code-server compiles native modules during its install.
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
PLAYWRIGHT_CORE_VERSION=1.65.1
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
target="${1:-$repo/.tmp/code-server}"

have_all() {
  [ -x "$target/node_modules/.bin/code-server" ] &&
    [ -f "$target/node_modules/playwright-core/package.json" ] &&
    [ -x /usr/bin/chromium ] &&
    grep -q "\"version\": \"$CODE_SERVER_VERSION\"" "$target/node_modules/code-server/package.json" 2>/dev/null
}

if have_all; then
  echo "install-code-server: code-server $CODE_SERVER_VERSION, playwright-core and chromium are ready in $target"
  exit 0
fi

# 1. Debian packages: headers for code-server's native modules, ripgrep (see step 2), the browser.
debs=(build-essential python3 pkg-config libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev ripgrep chromium)
missing=()
for deb in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$deb" 2>/dev/null | grep -q 'install ok installed' || missing+=("$deb")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-code-server: apt-get install ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# 2. code-server depends on @vscode/ripgrep, whose postinstall fetches an rg binary from GitHub releases.
#    It first looks in a cache folder under the OS temp dir for the archive it would download, so an
#    archive holding Debian's rg, under the expected name, lets it install without GitHub.
rg_pkg_version=1.15.11
rg_archive_name=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz
rg_cache="$(node -p 'require("node:os").tmpdir()')/vscode-ripgrep-cache-$rg_pkg_version"
if [ ! -s "$rg_cache/$rg_archive_name" ]; then
  echo "install-code-server: seeding $rg_cache with Debian's rg"
  staging="$(mktemp -d)"
  trap 'rm -rf "$staging"' EXIT
  install -m 0755 "$(command -v rg)" "$staging/rg"
  mkdir -p "$rg_cache"
  tar -czf "$rg_cache/$rg_archive_name.partial" -C "$staging" rg
  mv "$rg_cache/$rg_archive_name.partial" "$rg_cache/$rg_archive_name"
fi

# 3. npm install into a private folder (never into the workspace's node_modules).
#    code-server's postinstall runs `npx node-gyp` (npm_config_yes avoids the prompt) and, as root,
#    needs --unsafe-perm to keep running its scripts as the current user.
mkdir -p "$target"
cd "$target"
[ -f package.json ] || printf '{\n  "name": "aigate-e2e-code-server",\n  "private": true\n}\n' > package.json
echo "install-code-server: npm install code-server@$CODE_SERVER_VERSION playwright-core@$PLAYWRIGHT_CORE_VERSION (takes minutes)"
npm_config_yes=true npm install --no-audit --no-fund --save-exact --unsafe-perm --loglevel=error \
  "code-server@$CODE_SERVER_VERSION" "playwright-core@$PLAYWRIGHT_CORE_VERSION"

have_all || { echo "install-code-server: install finished but something is missing in $target" >&2; exit 1; }
# code-server writes a default config file under XDG_CONFIG_HOME on every start: keep it in the target.
version="$(XDG_CONFIG_HOME="$target/.config" "$target/node_modules/.bin/code-server" --version 2>/dev/null | grep -m1 -E '^[0-9]+\.[0-9]+\.[0-9]+ ' || true)"
echo "install-code-server: ready in $target: code-server ${version:-?}"
