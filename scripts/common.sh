# shellcheck shell=bash
# Shared by setup.sh and test.sh: install what is missing, then configure and build into build/.
# Sourced, not run; expects NETCANVAS_ROOT to be the repository root. NETCANVAS_BUILD_DIR
# (default: build) lets developers keep several build folders.

netcanvas_missing_packages() {
    local pkg status
    while read -r pkg; do
        pkg="${pkg%%#*}"
        pkg="${pkg//[[:space:]]/}"
        [ -z "$pkg" ] && continue
        status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
        [ "$status" = "install ok installed" ] || printf '%s\n' "$pkg"
    done < "$NETCANVAS_ROOT/scripts/packages.txt"
}

netcanvas_install_packages() {
    local missing
    missing="$(netcanvas_missing_packages | tr '\n' ' ')"
    if [ -z "${missing// /}" ]; then
        echo "== All required Debian packages are installed."
        return 0
    fi
    echo "== Installing missing Debian packages: $missing"
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        if ! command -v sudo >/dev/null 2>&1; then
            echo "error: not root and sudo is not available; install as root: apt-get install $missing" >&2
            return 1
        fi
        sudo=(sudo)
    fi
    "${sudo[@]}" apt-get update
    # shellcheck disable=SC2086  # word splitting of the package list is intended
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y $missing
}

netcanvas_build_dir() {
    local dir="${NETCANVAS_BUILD_DIR:-build}"
    case "$dir" in
    /*) printf '%s\n' "$dir" ;;
    *) printf '%s\n' "$NETCANVAS_ROOT/$dir" ;;
    esac
}

netcanvas_build() {
    local build_dir
    build_dir="$(netcanvas_build_dir)"
    local generator=()
    # Keep the generator of an existing build folder (CMake refuses to switch it).
    if [ ! -f "$build_dir/CMakeCache.txt" ] && command -v ninja >/dev/null 2>&1; then
        generator=(-G Ninja)
    fi
    echo "== Configuring (Release) in $build_dir"
    cmake -S "$NETCANVAS_ROOT" -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release
    echo "== Building"
    cmake --build "$build_dir" --parallel "$(nproc)"
}
