#!/usr/bin/env bash
# Renders a `topo compare` report in headless Chromium with networking disabled and saves a screenshot, to check
# that index.html is self-contained (charts are inline data: PNGs; nothing is fetched).
#   bench/report-screenshot.sh [REPORT_DIR] [OUT.png]      default: report/ and REPORT_DIR/screenshot.png
# Needs Debian's `chromium` (apt-get install chromium). Exit 1 when the screenshot is missing or not a PNG.
set -euo pipefail

dir=${1:-report}
out=${2:-$dir/screenshot.png}
[[ -f $dir/index.html ]] || { echo "report-screenshot: no $dir/index.html (run ./topo compare first)" >&2; exit 2; }
browser=$(command -v chromium || command -v chromium-browser || true)
[[ -n $browser ]] || { echo "report-screenshot: chromium not found (apt-get install chromium)" >&2; exit 2; }

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
page="file://$(cd "$dir" && pwd)/index.html"
# --proxy-server to a closed port and the host-resolver rule make any network request fail, so a page that still
# renders its charts is proven not to need the network.
timeout 60 "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --user-data-dir="$profile" \
    --proxy-server=127.0.0.1:9 --host-resolver-rules='MAP * ~NOTFOUND' \
    --window-size=1280,2000 --screenshot="$(realpath -m "$out")" "$page" >/dev/null 2>&1 || true
if [[ ! -s $out ]] || [[ $(head -c 8 "$out" | od -An -tx1 | tr -d ' \n') != 89504e470d0a1a0a ]]; then
    echo "report-screenshot: no screenshot written to $out" >&2
    exit 1
fi
echo "report-screenshot: $page -> $out ($(stat -c %s "$out") bytes)"
