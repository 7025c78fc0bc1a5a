#!/usr/bin/env bash
# Rebuild sparql-editor.min.js (and its licence file) from src/editor.js and the pinned npm
# packages in package-lock.json. Needs node and npm and the npm registry; the app never does.
# The build happens in a temporary folder so that no node_modules lands in the repository.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/package.json" "$here/package-lock.json" "$work/"
cp -r "$here/src" "$work/src"
cd "$work"
npm ci --no-audit --no-fund --ignore-scripts
# --legal-comments=none: the licences go to the .LICENSE.txt file written below instead.
node_modules/.bin/esbuild src/editor.js --bundle --format=esm --minify --target=es2020 \
  --legal-comments=none --outfile="$here/../sparql-editor.min.js"
{
  echo "sparql-editor.min.js bundles these npm packages (name@version, licence):"
  echo
  for pkg in $(cd node_modules && ls -d @codemirror/* @lezer/* crelt style-mod w3c-keyname @marijn/* 2>/dev/null); do
    [ -f "node_modules/$pkg/package.json" ] || continue
    node -e 'const p=require(process.argv[1]); console.log(`${p.name}@${p.version} (${p.license})`)' \
      "$PWD/node_modules/$pkg/package.json"
  done
  echo
  for pkg in $(cd node_modules && ls -d @codemirror/* @lezer/* crelt style-mod w3c-keyname @marijn/* 2>/dev/null); do
    lic=$(ls node_modules/$pkg/LICENSE* 2>/dev/null | head -1 || true)
    if [ -n "$lic" ]; then
      echo "==== $pkg"
      cat "$lic"
      echo
    fi
  done
} > "$here/../sparql-editor.LICENSE.txt"
echo "wrote $here/../sparql-editor.min.js ($(wc -c < "$here/../sparql-editor.min.js") bytes)"
