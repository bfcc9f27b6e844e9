#!/usr/bin/env bash
# Build LLVM's OpenMP runtime (libomp) for the macOS wheels, into PREFIX.
#
#   bash tools/wheel/build_libomp_macos.sh PREFIX
#
# Run by cibuildwheel's before-all on macOS (pyproject.toml).  Apple clang
# ships no OpenMP runtime, and a Homebrew bottle is built for the runner's own
# macOS: bundled into a wheel, it would refuse to load on the older macOS
# versions the wheel's tag promises.  So libomp is compiled here for
# MACOSX_DEPLOYMENT_TARGET and for this machine's architecture (each wheel is
# built on a native runner), and its install name is set to its absolute path
# so that delocate finds it and copies it into the wheel.
set -euo pipefail

prefix="${1:?usage: build_libomp_macos.sh PREFIX}"
target="${MACOSX_DEPLOYMENT_TARGET:?MACOSX_DEPLOYMENT_TARGET must be set}"
arch="$(uname -m)"

# LLVM's release sources: the runtime and the shared CMake modules it needs
# beside it.  Checksums as published with LLVM 17.0.3 (and in Homebrew's libomp).
llvm=17.0.3
url="https://github.com/llvm/llvm-project/releases/download/llvmorg-$llvm"
openmp_sha256=e04172c067f256d06cd8112abb49bc65f4e1d986a4b49b36cd837dfee3cdd274
cmake_sha256=54fc534f0da09088adbaa6c3bfc9899a500153b96e60c2fb9322a7aa37b1027a

work="$(mktemp -d)"
cd "$work"
fetch() {  # fetch NAME SHA256 DIR: download NAME, verify it, unpack it as DIR
    curl -fsSL --retry 3 -o "$1" "$url/$1"
    echo "$2  $1" | shasum -a 256 -c -
    mkdir "$3"
    tar -xJf "$1" -C "$3" --strip-components 1
}
fetch "openmp-$llvm.src.tar.xz" "$openmp_sha256" src
fetch "cmake-$llvm.src.tar.xz" "$cmake_sha256" cmake

# LIBOMP_INSTALL_ALIASES=OFF: no libgomp/libiomp5 aliases that could shadow
# other runtimes.  Only the host runtime is needed (no offloading).
cmake -S src -B build \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_INSTALL_PREFIX="$prefix" \
    -DCMAKE_OSX_DEPLOYMENT_TARGET="$target" \
    -DCMAKE_OSX_ARCHITECTURES="$arch" \
    -DLIBOMP_INSTALL_ALIASES=OFF \
    -DOPENMP_ENABLE_LIBOMPTARGET=OFF
cmake --build build --parallel "$(sysctl -n hw.ncpu)"
cmake --install build

lib="$prefix/lib/libomp.dylib"
install_name_tool -id "$lib" "$lib"

# Prove what was built: its architecture and the oldest macOS it loads on.
built_archs="$(lipo -archs "$lib")"
minos="$(otool -l "$lib" | awk '/LC_BUILD_VERSION/ {found = 1} found && $1 == "minos" {print $2; exit}')"
echo "libomp $llvm: $lib, archs $built_archs, minos $minos (target $target)"
if [[ "$built_archs" != "$arch" || "$minos" != "$target" ]]; then
    echo "build_libomp_macos.sh: expected arch $arch and minos $target" >&2
    exit 1
fi
