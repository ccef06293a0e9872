#!/bin/sh
# Rebuild web/vendor/preact-htm.js (committed, so `make dev` and the tests need no npm) from the exact versions
# pinned in package.json / package-lock.json, and copy axe-core for the browser tests (tests/browser/vendor/).
# Run from anywhere: `sh web/vendor/build.sh` (needs node and npm, and the registry once).
# The packages go under .cache/web-npm, not ./node_modules: the repo root is the Lambdas' CodeUri and `sam build`
# leaves .cache/ out, so they never reach a function.
set -eu
cd "$(dirname "$0")/../.."
work=.cache/web-npm
mkdir -p "$work"
cp package.json package-lock.json "$work/"
(cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --silent)
mods="$work/node_modules"
v() { node -p "require('./$mods/$1/package.json').version"; }
banner="/* preact $(v preact) + preact/hooks + htm $(v htm), MIT licences; bundled by esbuild $(v esbuild) from web/vendor/entry.js (web/vendor/build.sh) */"
NODE_PATH="$mods" "$mods/.bin/esbuild" web/vendor/entry.js --bundle --format=esm --minify --target=es2020 \
  --legal-comments=none --banner:js="$banner" --outfile=web/vendor/preact-htm.js
cp "$mods/axe-core/axe.min.js" tests/browser/vendor/axe.min.js
echo "axe-core $(v axe-core)" > tests/browser/vendor/VERSION
