#!/usr/bin/env bash
# Render a report (or any local HTML file) to PNG in headless Chromium, fully offline.
# Usage: scripts/render_report_screenshot.sh REPORT.html [OUT.png] [WIDTHxHEIGHT]
set -euo pipefail
html="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
out="${2:-${1%.html}.png}"
size="${3:-1400,2400}"
browser="$(command -v chromium || command -v chromium-browser || true)"
[ -n "$browser" ] || { echo "error: chromium not found (Debian: apt-get install chromium)" >&2; exit 2; }
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --window-size="${size/x/,}" --screenshot="$out" "file://$html" 2>/dev/null
echo "wrote $out"
