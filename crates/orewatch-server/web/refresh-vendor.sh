#!/bin/sh
# Refreshes the map page's vendored libraries from the pinned npm lock:
#   cd crates/orewatch-server/web && ./refresh-vendor.sh
# installs exactly package-lock.json's versions (npm ci, no install scripts) and copies the
# built files the page embeds, with their licences and versions, into ../assets/vendor.
# The server's tests check that the embedded files carry the lock's versions.
set -eu
cd "$(dirname "$0")"
npm ci --ignore-scripts --no-audit --no-fund
out=../assets/vendor
rm -rf "$out"
mkdir -p "$out/leaflet" "$out/uplot"
cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css node_modules/leaflet/LICENSE "$out/leaflet/"
cp node_modules/uplot/dist/uPlot.iife.min.js node_modules/uplot/dist/uPlot.min.css node_modules/uplot/LICENSE "$out/uplot/"
node -e 'const l=require("./package-lock.json").packages; for (const p of ["leaflet","uplot"]) console.log(p+" "+l["node_modules/"+p].version)' > "$out/VERSIONS"
rm -rf node_modules
echo "vendored: $(tr '\n' ' ' < "$out/VERSIONS")"
