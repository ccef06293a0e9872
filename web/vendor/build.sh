#!/bin/sh
# Rebuild web/vendor/preact-htm.js (committed, so `make dev` and the tests need no npm) from the exact versions
# pinned in package.json, and copy axe-core for the browser tests. Run from anywhere: `npm run vendor`.
# Needs node and `npm ci` first; the output is deterministic for a given lockfile.
set -eu
cd "$(dirname "$0")/../.."
v() { node -p "require('./node_modules/$1/package.json').version"; }
banner="/* preact $(v preact) + preact/hooks + htm $(v htm), MIT licences; bundled by esbuild $(v esbuild) from web/vendor/entry.js (web/vendor/build.sh) */"
node_modules/.bin/esbuild web/vendor/entry.js --bundle --format=esm --minify --target=es2020 \
  --legal-comments=none --banner:js="$banner" --outfile=web/vendor/preact-htm.js
cp node_modules/axe-core/axe.min.js tests/browser/vendor/axe.min.js
echo "axe-core $(v axe-core)" > tests/browser/vendor/VERSION
