#!/usr/bin/env bash
# The macOS disk image: `Territory Desktop.app` beside a link to /Applications, compressed (UDZO).
#
#   bash packaging/macos/make_dmg.sh "dist/Territory Desktop.app" dist/territory-desktop-0.1.0.dmg
#
# Sign the .app before (codesign), and notarise and staple the .dmg after: packaging/macos/README.md.
set -euo pipefail
app=$1
out=$2
[ -d "$app" ] || { echo "$app: no such .app (build it with packaging/build.py on macOS)"; exit 1; }
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp -R "$app" "$stage/"
ln -s /Applications "$stage/Applications"
rm -f "$out"
hdiutil create -volname "Territory Desktop" -srcfolder "$stage" -fs HFS+ -format UDZO -ov "$out"
echo "wrote $out"
