#!/bin/bash
# build-bochs.sh [--find] CACHE_DIR
# Prints the path of a Bochs 3.x built from Debian trixie's bochs source (nogui, no debugger, no
# plugins, x86-64 with VMX level 2: EPT, VPID, unrestricted guest, APICv...) with
# bochs-vmx-intr.patch applied, building it first if CACHE_DIR has none for this patch and
# configuration.  check-nested.sh --host=intel runs kvm_intel in it.
#
# The build lives in CACHE_DIR/bochs-<debian version>-<sha256 of the patch and the configure
# options, 16 hex>/; a finished build has a file "ok" there.  A warm run finds it without touching
# the network.  Why the patch: Bochs 3.0 keeps external interrupts masked in a VMX guest entered
# with RFLAGS.IF=0, so a guest that spins with interrupts off (all of vmm's do) hangs the emulated
# machine: the L1 kernel never gets its timer interrupt back (see the patch).
# Why 3.x and not bookworm's bochs 2.7: 2.7 keeps the single-step trap of an instruction that made
# a fault-like VM exit (EPT violation, I/O) in the VMCS pending-debug-exceptions field, so kvm_intel
# reports an extra KVM_EXIT_DEBUG with no progress after every OUT; on hardware the field is clear
# after such exits (Intel SDM vol. 3C, VM exits, "Saving Non-Register State"), and Bochs 3.0's
# cpu/vmx.cc clears it too (clear_tmpDR6).  3.0 built this way is also ~3x faster than Debian's 2.7
# package (debugger and plugins compiled in).
#
# Needs (apt-get install): g++ make xz-utils patch.  trixie's source is reached through a private apt
#   configuration under CACHE_DIR/bochs-apt: the machine's apt sources are not changed.
# --find: only look in the cache (exit 1 when there is no finished build).
# Exit status: 0 and the binary's path on stdout; 1 on a build failure; 77 when the source or
# the tools cannot be had (the caller reports a skip).  Progress goes to stderr.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
PATCH=$HERE/bochs-vmx-intr.patch
FIND=0; if [ "${1:-}" = --find ]; then FIND=1; shift; fi
CACHE=${1:?usage: build-bochs.sh [--find] CACHE_DIR}
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)
CONFIG=(--with-nogui --without-x11 --without-x --enable-x86-64 --enable-cpu-level=6 --enable-vmx=2
  --enable-avx --enable-evex --enable-amx --enable-cet --enable-protection-keys --enable-uintr
  --enable-memtype --enable-a20-pin --enable-fpu --enable-3dnow --enable-repeat-speedups
  --enable-all-optimizations --enable-pci --enable-cdrom --disable-plugins --disable-debugger
  --disable-smp --disable-docbook --disable-usb --disable-gameport --disable-sb16 --disable-es1370
  --disable-ne2000 --disable-e1000 --disable-pnic --disable-voodoo --disable-busmouse)
HASH=$({ cat "$PATCH"; printf '%s\n' "${CONFIG[@]}"; } | sha256sum | cut -c1-16)
log() { echo "build-bochs: $*" >&2; }
unavailable() { log "$*"; exit 77; }

found() {  # a finished build for this configuration (any version; the newest), and it runs
  local d best=
  for d in "$CACHE"/bochs-*-"$HASH"; do
    if ! [ -e "$d/ok" ] || ! [ -x "$d/bin/bochs" ]; then continue; fi
    best=$(printf '%s\n%s\n' "$best" "$d" | sort -V | tail -n 1)
  done
  [ -n "$best" ] && "$best/bin/bochs" --help 2>&1 | grep -q 'Bochs x86 Emulator' || return 1
  echo "$best/bin/bochs"
}
found && exit 0
[ "$FIND" = 0 ] || exit 1

# one builder at a time; a second caller waits for the first and then reuses its result
exec 9>"$CACHE/bochs.lock"
if ! flock -n 9; then log "waiting for another build (lock $CACHE/bochs.lock)"; flock 9; fi
found && exit 0

for t in g++ make xz patch dpkg apt-get; do command -v "$t" >/dev/null || unavailable "missing build tool $t"; done

A=$CACHE/bochs-apt
mkdir -p "$A/lists/partial" "$A/cache/archives/partial"
MIRROR=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
[ -n "$MIRROR" ] || MIRROR=$(awk '$1=="deb" && $2 ~ /debian\/?$/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
[ -n "$MIRROR" ] || MIRROR=http://deb.debian.org/debian
printf 'deb-src %s trixie main\n' "$MIRROR" > "$A/sources.list"
APT=(-o Dir::Etc::sourcelist="$A/sources.list" -o Dir::Etc::sourceparts=- -o Dir::State::Lists="$A/lists"
     -o Dir::Cache="$A/cache" -o APT::Sandbox::User=root -q)
log "apt-get update (trixie sources, private configuration)"
apt-get "${APT[@]}" update >&2 || unavailable "apt-get update of trixie's sources failed"
VER=$(apt-cache "${APT[@]}" showsrc bochs 2>/dev/null | awk '/^Version:/{print $2}' | sort -V | tail -1)
[ -n "$VER" ] || unavailable "no bochs source package in trixie"
case $VER in [3-9].*|[1-9][0-9].*) ;; *) unavailable "trixie has bochs $VER, need >= 3.0";; esac
SAFEVER=$(echo "$VER" | tr -c 'A-Za-z0-9.+\n' '_')
DEST=$CACHE/bochs-$SAFEVER-$HASH
WORK=$DEST.build
rm -rf "$WORK"; mkdir -p "$WORK/dl"
log "building Bochs $VER (configuration $HASH...) in $WORK"
cd "$WORK/dl"
# only the upstream tarball is needed (the .dsc is missing on some mirrors)
apt-get "${APT[@]}" source --download-only "bochs=$VER" >&2 || true
ORIG=
for f in "$WORK"/dl/bochs_*.orig.tar.*; do [ -e "$f" ] && ORIG=$f; done
[ -n "$ORIG" ] || unavailable "cannot download the bochs $VER source"
mkdir "$WORK/src"; tar -C "$WORK/src" --strip-components=1 -xf "$ORIG"
cd "$WORK/src"
grep -q clear_tmpDR6 cpu/vmx.cc || log "warning: this Bochs lacks the pending-debug-exceptions fix"
patch -p1 --forward < "$PATCH" >&2
./configure "${CONFIG[@]}" >&2
make -j"$(nproc)" >&2
mkdir -p "$WORK/bin"
install -m755 bochs "$WORK/bin/bochs"
echo "$VER" > "$WORK/bin/debian-version"
cp "$PATCH" "$WORK/bin/"
rm -rf "$WORK/src" "$WORK/dl"
rm -rf "$DEST"; mv "$WORK" "$DEST"; touch "$DEST/ok"
log "built $DEST/bin/bochs"
echo "$DEST/bin/bochs"
