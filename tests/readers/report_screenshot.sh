#!/usr/bin/env bash
# Opens RUN/report.html in headless Chromium, as a person would, and checks the screenshot is not
# blank and shows charts: the page must lay out, and its embedded charts must decode, with the
# network off-limits (the report is meant to be self-contained; the page's CSP also forbids any
# fetch).
#
#   tests/readers/report_screenshot.sh RUN_DIR [SCREENSHOT.png]   (default: a new temp dir)
#
# Needs Debian's chromium (CI: apt-get install -y chromium) and python3 (stdlib only: the PNG is
# decoded with zlib, no Pillow). Exit 0: screenshot written and not blank; 1: failure.
set -euo pipefail

run=${1:?usage: report_screenshot.sh RUN_DIR [SCREENSHOT.png]}
if [[ ! -d $run ]]; then
    echo "report_screenshot: no run directory $run" >&2
    exit 1
fi
report="$(cd "$run" && pwd)/report.html"
if [[ ! -f $report ]]; then
    echo "report_screenshot: no $report (write it with marketsim::plot::write_report)" >&2
    exit 1
fi
# Not inside RUN by default: a run directory holds what the run and its reports wrote, nothing else.
shot=${2:-"$(mktemp -d)/report_screenshot.png"}
browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -z $browser ]]; then
    echo "report_screenshot: chromium not found (apt-get install -y chromium)" >&2
    exit 1
fi

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
rm -f "$shot"
# timeout: a headless browser that hangs must fail the check, not the whole CI run.
if ! timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --hide-scrollbars --screenshot="$shot" --window-size=1280,2000 \
    "file://$report" >"$profile/chromium.log" 2>&1 || [[ ! -s $shot ]]; then
    echo "report_screenshot: chromium failed; its log:" >&2
    cat "$profile/chromium.log" >&2
    exit 1
fi

# CI's venv python when there is one (any python3 will do: the check uses the standard library).
venv="$(cd "$(dirname "$0")/../.." && pwd)/.ci/venv/bin/python"
python=python3
[[ -x $venv ]] && python=$venv
"$python" - "$shot" <<'PY'
"""Decodes the screenshot with the standard library and checks that it shows a page with charts."""
import struct
import sys
import zlib

path = sys.argv[1]
with open(path, "rb") as f:
    data = f.read()
if data[:8] != b"\x89PNG\r\n\x1a\n":
    sys.exit(f"{path}: not a PNG")
pos, idat, header = 8, [], None
while pos < len(data):
    (length,) = struct.unpack(">I", data[pos : pos + 4])
    kind = data[pos + 4 : pos + 8]
    body = data[pos + 8 : pos + 8 + length]
    if kind == b"IHDR":
        header = struct.unpack(">IIBBBBB", body)
    elif kind == b"IDAT":
        idat.append(body)
    elif kind == b"IEND":
        break
    pos += 12 + length
width, height, depth, color, _, _, interlace = header
channels = {2: 3, 6: 4}.get(color)
if depth != 8 or channels is None or interlace != 0:
    sys.exit(f"{path}: unsupported PNG (depth {depth}, colour type {color}, interlace {interlace})")
raw = zlib.decompress(b"".join(idat))
stride = width * channels
rows, prev, i = [], bytearray(stride), 0
for _ in range(height):
    ftype, line = raw[i], bytearray(raw[i + 1 : i + 1 + stride])
    i += 1 + stride
    if ftype == 1:
        for x in range(channels, stride):
            line[x] = (line[x] + line[x - channels]) & 0xFF
    elif ftype == 2:
        line = bytearray((a + b) & 0xFF for a, b in zip(line, prev))
    elif ftype == 3:
        for x in range(stride):
            left = line[x - channels] if x >= channels else 0
            line[x] = (line[x] + ((left + prev[x]) >> 1)) & 0xFF
    elif ftype == 4:
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b = prev[x]
            c = prev[x - channels] if x >= channels else 0
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            line[x] = (line[x] + pred) & 0xFF
    elif ftype != 0:
        sys.exit(f"{path}: bad PNG filter {ftype}")
    rows.append(bytes(line))
    prev = line

colours, total, saturated = {}, 0, 0
for line in rows[::2]:
    for x in range(0, stride, channels * 2):
        px = line[x : x + 3]
        colours[px] = colours.get(px, 0) + 1
        total += 1
        if max(px) - min(px) > 60:
            saturated += 1
bg_count = max(colours.values())
ink = 1 - bg_count / total
colour = saturated / total
print(
    f"{path}: {width}x{height}, {len(colours)} colours, {ink:.1%} not background, "
    f"{colour:.2%} saturated colour"
)
# Blank: one colour, nothing drawn. The page's own text, tables and cards are grey on grey; only
# the charts bring saturated colour (price lines, bars, shading edges): a page whose images failed
# to decode measures ~0.002 % here, one with charts ~0.5 %.
if ink < 0.05 or len(colours) < 100:
    sys.exit(f"{path}: the page looks blank")
if colour < 0.001:
    sys.exit(f"{path}: no chart colours: the embedded images did not render")
PY
echo "report_screenshot: ok ($shot)"
