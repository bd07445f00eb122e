#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# One command for a fresh Debian 12 machine: installs the missing packages, builds NetCanvas
# into build/, then starts the designer (or, without a display, trains an example headless).
set -euo pipefail
NETCANVAS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=common.sh
source "$NETCANVAS_ROOT/scripts/common.sh"

netcanvas_install_packages
netcanvas_build

build_dir="$(netcanvas_build_dir)"
cd "$NETCANVAS_ROOT"
if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
    echo "== Starting NetCanvas"
    exec "$build_dir/app/netcanvas" "$@"
fi
echo "== No display: training resources/examples/mlp_xor.json with the headless CLI"
exec "$build_dir/app/netcanvas-train" resources/examples/mlp_xor.json "$@"
