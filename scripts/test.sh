#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Runs the test suite: installs the missing packages, builds into build/, runs CTest offscreen.
set -euo pipefail
NETCANVAS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=common.sh
source "$NETCANVAS_ROOT/scripts/common.sh"

netcanvas_install_packages
netcanvas_build

echo "== Running the tests"
export QT_QPA_PLATFORM=offscreen
ctest --test-dir "$(netcanvas_build_dir)" --output-on-failure -j2
