#!/bin/bash
# build-qemu.sh [--find] CACHE_DIR
# Prints the path of a qemu-system-x86_64 built from Debian bookworm-backports' QEMU source
# (10.x) with qemu-svm-int3.patch applied, building it first if CACHE_DIR has none for this patch.
#
# The build lives in CACHE_DIR/qemu-<debian version>-<sha256 of the patch, 16 hex>/; a finished
# build has a file "ok" there.  A warm run finds it without touching the network.  Why a patched
# QEMU 10: before 10.0, TCG does not re-arm DR7 breakpoints on VMRUN (hardware breakpoints and
# watchpoints never fire in a nested guest), and through at least 10.0.2 it checks INT3/INTO
# against the INTn intercept instead of the #BP/#OF exception intercepts (AMD APM vol. 2, 15.12),
# so kvm_amd never sees an int3 (see the patch).
#
# Needs (apt-get install): gcc make ninja-build pkg-config python3-venv bzip2 libglib2.0-dev
#   libpixman-1-dev libfdt-dev.  bookworm-backports is reached through a private apt
#   configuration under CACHE_DIR/apt: the machine's apt sources are not changed.
# --find: only look in the cache (exit 1 when there is no finished build).
# Exit status: 0 and the binary's path on stdout; 1 on a build failure; 77 when the source or
# the tools cannot be had (the caller reports a skip).  Progress goes to stderr.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
PATCH=$HERE/qemu-svm-int3.patch
FIND=0; if [ "${1:-}" = --find ]; then FIND=1; shift; fi
CACHE=${1:?usage: build-qemu.sh [--find] CACHE_DIR}
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)
HASH=$(sha256sum "$PATCH" | cut -c1-16)
log() { echo "build-qemu: $*" >&2; }
unavailable() { log "$*"; exit 77; }

found() {  # a finished build for this patch (any version; the newest), and it runs
  local d best=
  for d in "$CACHE"/qemu-*-"$HASH"; do
    if ! [ -e "$d/ok" ] || ! [ -x "$d/bin/qemu-system-x86_64" ]; then continue; fi
    best=$(printf '%s\n%s\n' "$best" "$d" | sort -V | tail -n 1)
  done
  [ -n "$best" ] && "$best/bin/qemu-system-x86_64" --version >/dev/null 2>&1 || return 1
  echo "$best/bin/qemu-system-x86_64"
}
found && exit 0
[ "$FIND" = 0 ] || exit 1

# one builder at a time; a second caller waits for the first and then reuses its result
exec 9>"$CACHE/qemu.lock"
if ! flock -n 9; then log "waiting for another build (lock $CACHE/qemu.lock)"; flock 9; fi
found && exit 0

for t in gcc make ninja pkg-config bzip2 dpkg apt-get /usr/bin/python3; do
  command -v "$t" >/dev/null || unavailable "missing build tool $t"
done
/usr/bin/python3 -c 'import venv, ensurepip' 2>/dev/null || unavailable "python3-venv missing"
for p in glib-2.0 pixman-1; do pkg-config --exists "$p" || unavailable "missing $p development files"; done

A=$CACHE/apt
mkdir -p "$A/lists/partial" "$A/cache/archives/partial"
# the machine's own Debian mirror (from its apt sources), with the backports suite
MIRROR=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
[ -n "$MIRROR" ] || MIRROR=$(awk '$1=="deb" && $2 ~ /debian\/?$/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
[ -n "$MIRROR" ] || MIRROR=http://deb.debian.org/debian
printf 'deb %s bookworm-backports main\ndeb-src %s bookworm-backports main\n' "$MIRROR" "$MIRROR" > "$A/sources.list"
APT=(-o Dir::Etc::sourcelist="$A/sources.list" -o Dir::Etc::sourceparts=- -o Dir::State::Lists="$A/lists"
     -o Dir::Cache="$A/cache" -o APT::Sandbox::User=root -q)
log "apt-get update (bookworm-backports, private configuration)"
apt-get "${APT[@]}" update >&2 || unavailable "apt-get update of bookworm-backports failed"
VER=$(apt-cache "${APT[@]}" showsrc qemu 2>/dev/null | awk '/^Version:/{print $2}' | sort -V | tail -1)
[ -n "$VER" ] || unavailable "no qemu source package in bookworm-backports"
case $VER in [1-9][0-9].*|1:[1-9][0-9].*) ;; *) unavailable "bookworm-backports has qemu $VER, need >= 10";; esac
SAFEVER=$(echo "$VER" | tr -c 'A-Za-z0-9.+\n' '_')
DEST=$CACHE/qemu-$SAFEVER-$HASH
WORK=$DEST.build
rm -rf "$WORK"; mkdir -p "$WORK/dl"
log "building QEMU $VER with $(basename "$PATCH") (sha256 $HASH...) in $WORK"
cd "$WORK/dl"
# QEMU 10's configure needs meson >= 1.5 and pycotap; bookworm has meson 1.0: unpack backports' .debs
apt-get "${APT[@]}" download meson python3-pycotap >&2 || unavailable "cannot download meson/python3-pycotap from backports"
for d in ./*.deb; do dpkg -x "$d" "$WORK/pytools"; done
# only the upstream tarball is needed
apt-get "${APT[@]}" source --download-only "qemu=$VER" >&2 || true
ORIG=
for f in "$WORK"/dl/qemu_*.orig.tar.*; do [ -e "$f" ] && ORIG=$f; done
[ -n "$ORIG" ] || unavailable "cannot download the qemu $VER source"
mkdir "$WORK/src"; tar -C "$WORK/src" --strip-components=1 -xf "$ORIG"
cd "$WORK/src"
patch -p1 --forward < "$PATCH" >&2
# the +ds tarball drops the EDK2 blobs that pc-bios/meson.build still lists: empty stand-ins
for f in aarch64-code arm-code arm-vars riscv-code riscv-vars i386-code i386-secure-code i386-vars \
         x86_64-code x86_64-secure-code loongarch64-code loongarch64-vars; do
  [ -e "pc-bios/edk2-$f.fd.bz2" ] || : | bzip2 > "pc-bios/edk2-$f.fd.bz2"
done
export PYTHONPATH=$WORK/pytools/usr/lib/python3/dist-packages
mkdir build && cd build
../configure --python=/usr/bin/python3 --target-list=x86_64-softmmu --without-default-features \
  --disable-docs --disable-werror --disable-install-blobs --prefix="$DEST" >&2
ninja -j"$(nproc)" qemu-system-x86_64 >&2
mkdir -p "$WORK/bin"
install -m755 qemu-system-x86_64 "$WORK/bin/qemu-system-x86_64"
"$WORK/bin/qemu-system-x86_64" --version >&2
cp "$PATCH" "$WORK/bin/"
echo "$VER" > "$WORK/bin/debian-version"
rm -rf "$WORK/src" "$WORK/dl" "$WORK/pytools"   # ~1 GB of objects; only the binary is kept
rm -rf "$DEST"; mv "$WORK" "$DEST"; touch "$DEST/ok"
log "built $DEST/bin/qemu-system-x86_64"
echo "$DEST/bin/qemu-system-x86_64"
