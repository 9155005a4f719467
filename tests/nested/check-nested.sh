#!/bin/bash
# check-nested.sh [--host=HOST[,HOST]] [--jobs=N] [-c COMMAND]... [-i PATH]... [-e REGEX]... [--no-hello] [TEST...]
#
# Runs vmm's tests against an ordinary kvm_amd and an ordinary kvm_intel: boots a Debian kernel
# inside an emulator, loads its kvm modules there, and runs the tests inside against that
# /dev/kvm.  See README.md beside this file.
#
#   --host=amd  kvm_amd in QEMU's software emulator (TCG, -cpu max, which emulates AMD SVM)
#   --host=intel  kvm_intel in Bochs 3 (corei7_skylake_x, which emulates VMX with EPT, VPID and
#               unrestricted guest)
#   --host=amd,intel  (the default) one after the other, each with its own summary line, then a
#               combined one.  With --no-hello unset, each host's run also checks that vmm says
#               /dev/kvm is served by that host's module (one test).
#   --jobs=N    split one host's tests over N emulated machines run side by side, every N-th test
#               each (default: 2 under Bochs on a machine with 2 or more CPUs, else 1); the -e
#               checks are made over all their output.
#   TEST        a test program, as a path relative to VMM_BUILDDIR or VMM_SRCDIR (or absolute),
#               e.g. tests/kvm/modes.sh; it is run by its absolute path.  With no TEST and no -c,
#               every test in tests/kvm/ and tests/gdb/ not marked as stress (see README.md).
#   -c COMMAND  a command line to run as one more test (bash -c, in VMM_BUILDDIR), e.g.
#               -c './vmm --verbose -p'; without TAP output it counts by its exit status.
#   -i PATH     a file or directory to put into the image too, at the same absolute path
#               (relative paths: VMM_BUILDDIR's, else VMM_SRCDIR's).
#   -e REGEX    one more check, on the host: some line of the run's output must match REGEX
#               (grep -E), e.g. -e '^vmm: strategy: breakpoints?: .*int3' to insist that a
#               native path was taken; counts as one test.
#   --no-hello  do not prepend the hello-guest runs (./vmm --verbose -l / -p / --mode=pae, run
#               when ./vmm exists), which show the host's `vmm: strategy:` lines.
#
# Environment (all optional):
#   VMM_BUILDDIR, VMM_SRCDIR   build and source trees (default: the source tree holding this file)
#   VMM_NESTED_CACHE           cache (default ${XDG_CACHE_HOME:-$HOME/.cache}/vmm-nested, or
#                              /var/cache/vmm-nested when that cannot be written)
#   VMM_NESTED_TIMESCALE       VMM_TIMESCALE given to the tests inside (default 20)
#   VMM_NESTED_TEST_TIMEOUT    seconds one test may take inside before it is killed (default 900)
#   VMM_NESTED_TIMEOUT         seconds the whole emulated machine may run (default 3000)
#   VMM_NESTED_HOSTS           the hosts when --host is not given (default amd,intel)
#   VMM_NESTED_JOBS            --jobs when it is not given
#   VMM_NESTED_QEMU            a qemu-system-x86_64 to use instead of the cached patched build
#   VMM_NESTED_BOCHS           a Bochs 3 (with VMX) to use instead of the cached build
#   VMM_NESTED_BOCHS_CPU       the Bochs CPU model (default corei7_skylake_x)
#   VMM_NESTED_MODOPTS         options for the vendor module (kvm_amd or kvm_intel), e.g. "ept=0"
#   VMM_NESTED_MEM             guest memory in MiB (default 1024)
#   VMM_NESTED_SMP             emulated CPUs under QEMU (default 1; more use multi-threaded TCG);
#                              Bochs is built with one
#   VMM_NESTED_OFFLINE=1       never use the network or apt; skip when something is missing
#   VMM_NESTED_KEEP=1          keep the work directory (image, console log) and print its path
#
# Output: the tests' TAP as they run inside, then `N passed, N failed, N skipped` as the last
# line (per host, then over all hosts).  Exit status 0 when nothing failed (or the tier was
# skipped: `check-nested: SKIP: why`), else 1.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)

# ---- more than one host, or more than one machine: run this script once for each, then add up ----
HOSTS=${VMM_NESTED_HOSTS:-amd,intel} JOBS=${VMM_NESTED_JOBS:-} SHARD=
ARGS=()
for a in "$@"; do
  case $a in
    --host=*) HOSTS=${a#--host=} ;;
    --jobs=*) JOBS=${a#--jobs=} ;;
    --shard=*) SHARD=${a#--shard=} ;;   # K/N: this machine runs the tests K, K+N, K+2N... (internal)
    -h|--help) sed -n '2,/^set -uo/{/^set -uo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    *) ARGS+=("$a") ;;
  esac
done
set -- "${ARGS[@]}"
total_p=0 total_f=0 total_s=0
add_counts() {  # add_counts LINE: add an "N passed, N failed, N skipped" line to the totals; 1 if none
  if [[ $1 =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed(,\ ([0-9]+)\ skipped)? ]]; then
    total_p=$((total_p + BASH_REMATCH[1])) total_f=$((total_f + BASH_REMATCH[2]))
    total_s=$((total_s + ${BASH_REMATCH[4]:-0}))
  else
    total_f=$((total_f + 1)); return 1
  fi
}
last_counts() { grep -a -E '^[0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1; }
if [[ $HOSTS == *,* ]]; then
  lines=()
  IFS=, read -r -a hosts <<<"$HOSTS"
  for h in "${hosts[@]}"; do
    out=$(mktemp "${TMPDIR:-/tmp}/check-nested-$h.XXXXXX")
    "$BASH" "$0" --host="$h" ${JOBS:+--jobs="$JOBS"} "$@" | tee "$out"
    line=$(last_counts "$out")
    rm -f "$out"
    add_counts "$line" || line="no summary line: counted as 1 failed"
    lines+=("kvm_$h: $line")
  done
  for l in "${lines[@]}"; do echo "check-nested: $l"; done
  echo "$total_p passed, $total_f failed, $total_s skipped"
  [ "$total_f" = 0 ]; exit
fi
# Bochs and QEMU's TCG (-smp 1) each keep one host CPU busy: under Bochs the tests are split over
# one machine per CPU (up to 2) unless VMM_NESTED_JOBS or --jobs says otherwise; QEMU's run is one
# machine by default (its timings were measured that way).
if [ -z "$JOBS" ]; then
  JOBS=1
  if [ "$HOSTS" = intel ]; then JOBS=$(nproc 2>/dev/null || echo 1); [ "$JOBS" -le 2 ] || JOBS=2; fi
fi
if [ -z "$SHARD" ] && [ "$JOBS" -gt 1 ]; then
  # each machine gets every JOBS-th test; the -e checks are made here, over all the machines' output
  expects=() pass_on=() hello=1
  while [ $# -gt 0 ]; do
    case $1 in
      -e) expects+=("$2"); shift 2 ;;
      -c|-i) pass_on+=("$1" "$2"); shift 2 ;;
      --no-hello) hello=0; pass_on+=("$1"); shift ;;
      *) pass_on+=("$1"); shift ;;
    esac
  done
  [ "$hello" = 0 ] || expects=("^vmm: host: /dev/kvm is served by kvm_$HOSTS" "${expects[@]}")
  outs=() pids=()
  for ((k = 1; k <= JOBS; k++)); do
    outs+=("$(mktemp "${TMPDIR:-/tmp}/check-nested-$HOSTS-$k.XXXXXX")")
    if [ "$k" = 1 ]; then
      "$BASH" "$0" --host="$HOSTS" --shard="$k/$JOBS" "${pass_on[@]}" 2>&1 | tee "${outs[0]}" &
    else
      "$BASH" "$0" --host="$HOSTS" --shard="$k/$JOBS" "${pass_on[@]}" >"${outs[k - 1]}" 2>&1 &
    fi
    pids+=($!)
    # the first machine installs, builds and downloads what is missing (apt and the builds take
    # locks of their own); the others start once it has its image
    while [ "$k" = 1 ] && kill -0 "${pids[0]}" 2>/dev/null &&
          ! grep -a -q "^check-nested: kvm_$HOSTS: image " "${outs[0]}"; do sleep 1; done
  done
  for p in "${pids[@]}"; do wait "$p"; done
  for ((k = 2; k <= JOBS; k++)); do
    echo "check-nested: kvm_$HOSTS: ---- machine $k of $JOBS ----"; cat "${outs[k - 1]}"
  done
  for ((k = 1; k <= JOBS; k++)); do
    add_counts "$(last_counts "${outs[k - 1]}")" ||
      echo "check-nested: kvm_$HOSTS: machine $k of $JOBS printed no summary line: counted as 1 failed"
  done
  # grep the files themselves: under pipefail, "cat | grep -q" fails whenever grep finds an early
  # match and exits while cat still writes (SIGPIPE), once the outputs outgrow the pipe's 64 KiB
  for re in "${expects[@]}"; do
    if grep -a -E -q -- "$re" "${outs[@]}"; then
      total_p=$((total_p + 1)); echo "check-nested: kvm_$HOSTS: ok: output has a line matching /$re/"
    else
      total_f=$((total_f + 1)); echo "check-nested: kvm_$HOSTS: FAIL: no line of the output matches /$re/"
    fi
  done
  rm -f "${outs[@]}"
  echo "$total_p passed, $total_f failed, $total_s skipped"
  [ "$total_f" = 0 ]; exit
fi
HOST=$HOSTS
case $HOST in
  amd|intel) ;;
  *) echo "check-nested: ERROR: --host=$HOST: amd or intel"; echo "0 passed, 1 failed"; exit 1 ;;
esac
SRCDIR=$(cd "${VMM_SRCDIR:-$HERE/../..}" && pwd) || exit 1
BUILDDIR=$(cd "${VMM_BUILDDIR:-$SRCDIR}" && pwd) || exit 1
TIMESCALE=${VMM_NESTED_TIMESCALE:-20}
OFFLINE=${VMM_NESTED_OFFLINE:-0}
T_START=$SECONDS

say() { echo "check-nested: kvm_$HOST: $*"; }
skip() { say "SKIP: $*"; echo "0 passed, 0 failed, 1 skipped"; exit 0; }
error() { say "ERROR: $*"; echo "0 passed, 1 failed"; exit 1; }
elapsed() { echo "$((SECONDS - T_START))s"; }

if [ -n "${VMM_NESTED_CACHE:-}" ]; then CACHE=$VMM_NESTED_CACHE
else
  CACHE=${XDG_CACHE_HOME:-${HOME:-/nonexistent}/.cache}/vmm-nested
  mkdir -p "$CACHE" 2>/dev/null && [ -w "$CACHE" ] || CACHE=/var/cache/vmm-nested
fi
if ! mkdir -p "$CACHE" 2>/dev/null || ! [ -w "$CACHE" ]; then
  skip "cache directory $CACHE cannot be written (set VMM_NESTED_CACHE)"
fi
CACHE=$(cd "$CACHE" && pwd)

# ---- arguments -> the list of test command lines and the paths to include ----
TESTS=() INCLUDES=() EXPECTS=() HELLO=1 EXPLICIT=0
resolve() {  # a path given relative to the build tree, the source tree, or absolute
  case $1 in /*) echo "$1"; return;; esac
  if [ -e "$BUILDDIR/$1" ]; then echo "$BUILDDIR/$1"; elif [ -e "$SRCDIR/$1" ]; then echo "$SRCDIR/$1"
  else echo "$BUILDDIR/$1"; fi
}
while [ $# -gt 0 ]; do
  case $1 in
    -c) [ $# -ge 2 ] || error "-c needs a command"; TESTS+=("$2"); EXPLICIT=1; shift 2 ;;
    -i) [ $# -ge 2 ] || error "-i needs a path"; INCLUDES+=("$(resolve "$2")"); shift 2 ;;
    -e) [ $# -ge 2 ] || error "-e needs a regular expression"; EXPECTS+=("$2"); shift 2 ;;
    --no-hello) HELLO=0; shift ;;
    -h|--help) sed -n '2,/^set -uo/{/^set -uo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    --) shift; break ;;
    -*) error "unknown option $1 (see --help)" ;;
    *) break ;;
  esac
done
for t in "$@"; do
  p=$(resolve "$t")
  [ -e "$p" ] || error "test $t not found in $BUILDDIR or $SRCDIR"
  TESTS+=("$(printf '%q' "$p")"); INCLUDES+=("$p"); EXPLICIT=1
done
is_stress() {  # by name, or by a "check-nested: skip" / "stress" marker comment near the top
  case ${1##*/} in *stress*) return 0;; esac
  head -c 4096 "$1" 2>/dev/null | grep -a -q -E '^[#/* ]*(check-nested: *skip|stress test)' && return 0
  return 1
}
if [ "$EXPLICIT" = 0 ]; then
  declare -A seen=()
  for d in tests/kvm tests/gdb; do
    for f in "$SRCDIR/$d"/* "$BUILDDIR/$d"/*; do
      if ! [ -f "$f" ] || ! [ -x "$f" ]; then continue; fi
      n=${f##*/}
      [ -z "${seen[$d/$n]:-}" ] || continue
      seen[$d/$n]=1
      case $n in *.o|*.a|*.log|*.trs|lib*.sh|*.in|*~) continue;; esac
      case $n in *.*) [[ $n == *.sh ]] || continue;; esac   # scripts *.sh, and programs without a suffix
      if is_stress "$f"; then say "not run under emulation (stress): $d/$n"; continue; fi
      TESTS+=("$(printf '%q' "$f")")
    done
  done
fi
if [ "$HELLO" = 1 ] && [ -x "$BUILDDIR/vmm" ]; then
  TESTS=('./vmm --verbose -l' './vmm --verbose -p' './vmm --verbose --mode=pae' "${TESTS[@]}")
  EXPECTS=("^vmm: host: /dev/kvm is served by kvm_$HOST" "${EXPECTS[@]}")   # the rig's own check
fi
if [ -n "$SHARD" ]; then   # one machine of several: every N-th test; the caller checks the -e REGEXes
  k=${SHARD%/*} n=${SHARD#*/} mine=()
  for ((i = k - 1; i < ${#TESTS[@]}; i += n)); do mine+=("${TESTS[i]}"); done
  TESTS=("${mine[@]}") EXPECTS=()
  say "machine $SHARD: ${#TESTS[@]} tests"
fi
[ ${#TESTS[@]} -gt 0 ] || skip "no tests to run (no ./vmm and no tests in $SRCDIR/tests/kvm, tests/gdb)"
# the image holds vmm, the guests (with their sources, for gdb) and tests/ (but tests/nested)
for p in "$BUILDDIR/vmm" "$BUILDDIR/guest" "$SRCDIR/guest" "$BUILDDIR/tests" "$SRCDIR/tests"; do
  [ -e "$p" ] && INCLUDES+=("$p")
done

# ---- host packages: installed with apt-get when missing (root, network), else the tier skips ----
APT_UPDATED=0
apt_update() {
  [ "$APT_UPDATED" = 1 ] && return 0
  [ "$OFFLINE" = 1 ] && return 1
  say "apt-get update"
  apt-get -q update >"$CACHE/apt-update.log" 2>&1 || { tail -n 5 "$CACHE/apt-update.log"; return 1; }
  APT_UPDATED=1
}
need_packages() {  # need_packages WHAT PKG...: install the ones not installed, or skip
  local what=$1 p missing=(); shift
  for p in "$@"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$OFFLINE" != 1 ] || skip "$what needs packages not installed: ${missing[*]} (VMM_NESTED_OFFLINE=1)"
  [ "$(id -u)" = 0 ] || skip "$what needs packages not installed: ${missing[*]} (apt-get install them, or run as root)"
  apt_update || skip "apt-get update failed: cannot install ${missing[*]}"
  say "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get -q install -y --no-install-recommends "${missing[@]}" \
      >"$CACHE/apt-install.log" 2>&1 || { tail -n 5 "$CACHE/apt-install.log"; skip "apt-get install ${missing[*]} failed"; }
}
if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then
  skip "not a Debian system (no dpkg/apt-get)"
fi
need_packages "the nested tier" cpio lz4 gdb bash coreutils python3

# ---- the emulator: QEMU >= 10 with the int3 patch (amd), or Bochs 3 (intel), built once ----
if [ "$HOST" = intel ]; then
  need_packages "kvm_intel under Bochs" bochsbios vgabios isolinux syslinux-common xorriso gcc libc6-dev
  if [ -n "${VMM_NESTED_BOCHS:-}" ]; then BOCHS=$VMM_NESTED_BOCHS
  elif ! BOCHS=$("$HERE/build-bochs.sh" --find "$CACHE"); then
    need_packages "building Bochs" g++ make xz-utils
    [ "$OFFLINE" != 1 ] || skip "no cached Bochs build in $CACHE (VMM_NESTED_OFFLINE=1)"
    say "building Bochs 3 into $CACHE (once; ~3-5 min on 2 cores), log: $CACHE/bochs-build.log"
    BOCHS=$("$HERE/build-bochs.sh" "$CACHE" 2>"$CACHE/bochs-build.log"); rc=$?
    case $rc in
      0) say "Bochs built at $(elapsed)" ;;
      77) skip "Bochs source not available: $(grep '^build-bochs:' "$CACHE/bochs-build.log" | tail -n 1)" ;;
      *) tail -n 25 "$CACHE/bochs-build.log"; error "building Bochs failed (log: $CACHE/bochs-build.log)" ;;
    esac
  fi
  "$BOCHS" --help 2>&1 | grep -q 'Bochs x86 Emulator' || error "$BOCHS does not run"
  EMULATOR="Bochs $(cat "$(dirname "$BOCHS")/debian-version" 2>/dev/null || echo '(version unknown)')"
else
need_packages "kvm_amd under QEMU" qemu-system-data seabios
if [ -n "${VMM_NESTED_QEMU:-}" ]; then QEMU=$VMM_NESTED_QEMU
elif ! QEMU=$("$HERE/build-qemu.sh" --find "$CACHE"); then
  need_packages "building QEMU" gcc make ninja-build pkg-config python3-venv bzip2 patch xz-utils \
    libglib2.0-dev libpixman-1-dev libfdt-dev
  [ "$OFFLINE" != 1 ] || skip "no cached QEMU build in $CACHE (VMM_NESTED_OFFLINE=1)"
  say "building QEMU 10 + $(basename "$HERE")/qemu-svm-int3.patch into $CACHE (once; ~3-6 min on 2 cores)," \
      "log: $CACHE/qemu-build.log"
  QEMU=$("$HERE/build-qemu.sh" "$CACHE" 2>"$CACHE/qemu-build.log"); rc=$?
  case $rc in
    0) say "QEMU built at $(elapsed)" ;;
    77) skip "QEMU source not available: $(grep '^build-qemu:' "$CACHE/qemu-build.log" | tail -n 1)" ;;
    *) tail -n 25 "$CACHE/qemu-build.log"; error "building QEMU failed (log: $CACHE/qemu-build.log)" ;;
  esac
fi
"$QEMU" --version >/dev/null 2>&1 || error "$QEMU does not run"
EMULATOR=$("$QEMU" --version | head -n 1)
fi

# ---- Debian packages unpacked (not installed) into the cache: the kernel, busybox-static ----
exec 8>"$CACHE/fetch.lock"; flock 8
candidate() {  # candidate PKG: the version apt would fetch, from the local lists
  apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ && $2 != "(none)" {print $2; exit}'
}
fetch_deb() {  # fetch_deb PKG VERSION DIR: download and dpkg -x into DIR (once)
  local pkg=$1 ver=$2 dir=$3 tmp
  [ -e "$dir/ok" ] && return 0
  [ "$OFFLINE" != 1 ] || return 1
  tmp=$(mktemp -d "$CACHE/dl.XXXXXX")
  say "downloading $pkg $ver"
  if ! (cd "$tmp" && apt-get -q download "$pkg=$ver" >"$tmp/log" 2>&1); then
    if ! apt_update || ! (cd "$tmp" && apt-get -q download "$pkg=$ver" >"$tmp/log" 2>&1); then
      tail -n 3 "$tmp/log"; rm -rf "$tmp"; return 1
    fi
  fi
  rm -rf "$dir"; mkdir -p "$dir"
  dpkg -x "$tmp"/*.deb "$dir" || { rm -rf "$tmp" "$dir"; return 1; }
  rm -rf "$tmp"; touch "$dir/ok"
}
newest_cached() {  # the newest finished unpack in CACHE/$1/
  local d best=
  for d in "$CACHE/$1"/*/ok; do [ -e "$d" ] && best=$(printf '%s\n%s\n' "$best" "${d%/ok}" | sort -V | tail -n 1); done
  echo "$best"
}

KPKG=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
if [ -z "$KPKG" ] && [ -z "$(newest_cached kernel)" ] && apt_update; then
  KPKG=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
fi
KDIR=
if [ -n "$KPKG" ] && KVER=$(candidate "$KPKG") && [ -n "$KVER" ]; then
  KDIR=$CACHE/kernel/$KPKG-$KVER
  fetch_deb "$KPKG" "$KVER" "$KDIR" || KDIR=
fi
[ -n "$KDIR" ] || KDIR=$(newest_cached kernel)
[ -n "$KDIR" ] || skip "cannot get the Debian kernel package (linux-image-amd64's dependency)"
VMLINUZ=
for f in "$KDIR"/boot/vmlinuz-*; do [ -e "$f" ] && VMLINUZ=$f; done
[ -n "$VMLINUZ" ] || error "no boot/vmlinuz-* in $KDIR"
# the uncompressed vmlinux boots through PVH and saves ~3 s of XZ decompression under TCG
if [ ! -s "$KDIR/vmlinux" ] && [ ! -e "$KDIR/vmlinux.none" ]; then
  /usr/bin/python3 - "$VMLINUZ" "$KDIR/vmlinux" <<'PY' || { rm -f "$KDIR/vmlinux"; touch "$KDIR/vmlinux.none"; }
import lzma, sys
d = open(sys.argv[1], 'rb').read(); i = d.find(b'\xfd7zXZ\x00')
while i >= 0:
    try:
        out = lzma.LZMADecompressor().decompress(d[i:])
        if out[:4] == b'\x7fELF':
            open(sys.argv[2], 'wb').write(out); sys.exit(0)
    except lzma.LZMAError:
        pass
    i = d.find(b'\xfd7zXZ\x00', i + 1)
sys.exit(1)
PY
fi
KERNEL=$VMLINUZ; [ -s "$KDIR/vmlinux" ] && KERNEL=$KDIR/vmlinux
MODDIR=
for f in "$KDIR"/lib/modules/*/; do [ -d "$f" ] && MODDIR=$f; done
if [ -z "$MODDIR" ] || ! [ -e "$MODDIR/kernel/arch/x86/kvm/kvm-$HOST.ko" ]; then error "no kvm-$HOST.ko in $KDIR"; fi
if [ ! -e "$KDIR/pruned" ]; then   # keep only what the image uses: ~400 MB less in the cache
  find "$MODDIR/kernel" -type f ! -path '*/arch/x86/kvm/*' ! -path '*/virt/lib/*' \
       ! -path '*/drivers/crypto/ccp/*' -delete
  rm -rf "${KDIR:?}/usr"; touch "$KDIR/pruned"
fi

BBDIR=
BBVER=$(candidate busybox-static)
if [ -n "$BBVER" ]; then BBDIR=$CACHE/busybox/$BBVER; fetch_deb busybox-static "$BBVER" "$BBDIR" || BBDIR=; fi
[ -n "$BBDIR" ] || BBDIR=$(newest_cached busybox)
if [ -z "$BBDIR" ] || ! [ -x "$BBDIR/bin/busybox" ]; then skip "cannot get busybox-static"; fi
exec 8>&-
say "kernel $(basename "$KDIR"), busybox $(basename "$BBDIR"), $EMULATOR at $(elapsed)"

# ---- the image ----
WORK=$(mktemp -d "${TMPDIR:-/tmp}/vmm-nested.XXXXXX")
if [ "${VMM_NESTED_KEEP:-0}" = 1 ]; then say "work directory: $WORK"; else trap 'rm -rf "$WORK"' EXIT; fi
ROOT=$WORK/root
# merged /usr, as on Debian 12: /bin/true is GNU's (a dynamic program, as tests may assume);
# busybox's applets fill in only the commands not copied from the host
mkdir -p "$ROOT"/{usr/bin,usr/sbin,usr/lib/modules,usr/lib64,dev,proc,sys,tmp,run,nested}
for d in bin sbin lib lib64; do ln -s "usr/$d" "$ROOT/$d"; done
chmod 1777 "$ROOT/tmp"
cp "$BBDIR/bin/busybox" "$ROOT/bin/busybox"
install -m755 "$HERE/init" "$ROOT/init"
install -m755 "$HERE/runner" "$ROOT/nested/runner"
MODULES=(virt/lib/irqbypass arch/x86/kvm/kvm arch/x86/kvm/kvm-amd drivers/crypto/ccp/ccp)
[ "$HOST" = amd ] || MODULES=(virt/lib/irqbypass arch/x86/kvm/kvm arch/x86/kvm/kvm-intel)
for m in "${MODULES[@]}"; do
  for f in "$MODDIR/kernel/$m.ko"*; do
    case $f in
      *.ko) cp "$f" "$ROOT/lib/modules/" ;;
      *.ko.xz) xz -dc "$f" > "$ROOT/lib/modules/$(basename "$m").ko" ;;
      *.ko.zst) zstd -qdc "$f" > "$ROOT/lib/modules/$(basename "$m").ko" ;;
    esac
  done
done
copy_tree() {  # copy_tree PATH [tar options]: PATH (absolute) to the same place in the image
  local p=$1; shift
  [ -e "$p" ] || return 0
  tar -C / "$@" --exclude='*.o' --exclude=.deps --exclude=.dirstamp --exclude='*.trs' --exclude='*.log' \
      -cf - "${p#/}" | tar -C "$ROOT" -xf -
}
# host tools: GNU ones in /usr/bin (ahead of busybox's in PATH); bash and gdb are needed by the tests
# (the ones the host lacks are left out: a test that needs one skips or fails with its reason)
for t in bash gdb timeout env grep sed awk mktemp seq od head tail cut tr wc sort uniq cmp diff \
         sleep stat date readlink realpath dirname basename cat kill nproc xargs find true false \
         setpriv strace ps pgrep pkill ls cp mv rm ln mkdir chmod touch printf test expr; do
  p=$(type -P "$t") || continue
  cp -L "$p" "$ROOT/usr/bin/$t"
done
[ -x "$ROOT/usr/bin/bash" ] || skip "bash not found"
copy_tree /usr/share/gdb
PYLIB=$(ldd "$(command -v gdb)" 2>/dev/null | grep -o 'libpython3\.[0-9]*' | head -n 1)
if [ -n "$PYLIB" ]; then   # gdb's embedded python needs its standard library (not the big parts)
  copy_tree "/usr/lib/${PYLIB#lib}" --exclude=test --exclude=tests --exclude=idlelib --exclude=tkinter \
    --exclude=lib2to3 --exclude=ensurepip --exclude=distutils --exclude=pydoc_data --exclude='config-*' \
    --exclude=site-packages --exclude=dist-packages --exclude='*.opt-?.pyc' --exclude=turtledemo \
    --exclude='_ssl.*' --exclude='_hashlib.*' --exclude='_sqlite3.*' --exclude='_dbm.*' --exclude='nis.*' \
    --exclude='_curses*' --exclude='_tkinter.*' --exclude=sqlite3 --exclude=curses --exclude=dbm
fi
for p in "${INCLUDES[@]}"; do
  copy_tree "$p" --exclude="${BUILDDIR#/}/tests/nested" --exclude="${SRCDIR#/}/tests/nested"
done
printf '%s\n' "${TESTS[@]}" > "$ROOT/nested/tests"
{ printf 'VMM_BUILDDIR=%q\nVMM_SRCDIR=%q\nVMM_TIMESCALE=%q\n' "$BUILDDIR" "$SRCDIR" "$TIMESCALE"
  printf 'NESTED_TEST_TIMEOUT=%q\nGDB=gdb\n' "${VMM_NESTED_TEST_TIMEOUT:-900}"; } > "$ROOT/nested/env"
printf '%s\n' "${VMM_NESTED_MODOPTS:-}" > "$ROOT/nested/modopts"
# Bochs sends the UART at its baud rate: /init waits that long before powering off
[ "$HOST" = amd ] || echo 2 > "$ROOT/nested/drain"
# shared libraries of every dynamic executable and library in the image, at their host paths
find "$ROOT" -type f \( -perm -u+x -o -name '*.so*' \) -print0 | while IFS= read -r -d '' f; do
  [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ] || continue
  ldd "$f" 2>/dev/null | grep -o '/[^ ]*' | while read -r lib; do
    [ -e "$ROOT$lib" ] || { mkdir -p "$ROOT$(dirname "$lib")"; cp -L "$lib" "$ROOT$lib"; }
  done
done
if [ "$(id -u)" = 0 ] && command -v chroot >/dev/null; then   # gdb must start in the image
  chroot "$ROOT" /usr/bin/gdb -batch -nx -ex 'python print("gdb python ok")' >"$WORK/gdbcheck" 2>&1 \
    || { cat "$WORK/gdbcheck"; error "gdb does not start in the image"; }
fi
# lz4 (legacy frame, as the kernel wants): the fastest to unpack under emulation (~2 s less than gzip)
(cd "$ROOT" && find . -print0 | cpio --null -o -H newc --quiet) | lz4 -q -l > "$WORK/initrd.img"
say "image $(du -h "$WORK/initrd.img" | cut -f1), ${#TESTS[@]} tests, VMM_TIMESCALE=$TIMESCALE, at $(elapsed)"

# ---- boot: /init loads the kvm modules, runs /nested/runner, powers off ----
LOG=$WORK/console.log
LINEBUF=; command -v stdbuf >/dev/null && LINEBUF='stdbuf -oL'   # the console as it comes
T_BOOT=$SECONDS
if [ "$HOST" = amd ]; then   # QEMU's TCG, the kernel booted straight (PVH for a vmlinux)
  timeout -k 10 "${VMM_NESTED_TIMEOUT:-3000}" "$QEMU" -L /usr/share/qemu -L /usr/share/seabios \
    -accel tcg -cpu max -m "${VMM_NESTED_MEM:-1024}" -smp "${VMM_NESTED_SMP:-1}" \
    -display none -serial stdio -monitor none -no-reboot -net none -vga none -audio none \
    -kernel "$KERNEL" -initrd "$WORK/initrd.img" -append "console=ttyS0 panic=-1 quiet" </dev/null \
    | $LINEBUF tr -d '\r' | tee "$LOG"
  qrc=${PIPESTATUS[0]}
else
  # Bochs cannot load a Linux kernel itself: it boots a CD whose ISOLINUX starts mboot.c32 with
  # pvhshim.elf, a Multiboot kernel that enters the uncompressed kernel at its PVH entry (the XZ
  # decompression of vmlinuz costs ~17 s under Bochs); without a vmlinux, ISOLINUX boots vmlinuz.
  ISO=$WORK/iso; mkdir -p "$ISO/isolinux"
  cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$ISO/isolinux/"
  ln "$WORK/initrd.img" "$ISO/initrd.img"
  # Bochs counts the TSC at one tick an instruction, ips a second of its clock (the PIT, HPET and
  # local APIC run on that clock), while CPUID says 3.5 GHz: tsc_early_khz makes the kernel's clock
  # agree, else its timer interrupts come ~35 times too often (measured: 9000 a second idle)
  IPS=100000000
  CMDLINE="console=ttyS0,115200 panic=-1 quiet nokaslr mitigations=off tsc=reliable tsc_early_khz=$((IPS / 1000))"
  if [ -s "$KDIR/vmlinux" ]; then
    if [ ! -s "$KDIR/pvh.img" ]; then   # the PT_LOAD segments as one flat image, cached beside vmlinux
      /usr/bin/python3 "$HERE/mkpvhimg.py" "$KDIR/vmlinux" "$KDIR/pvh.img.$$" >/dev/null &&
        mv "$KDIR/pvh.img.$$" "$KDIR/pvh.img" || error "mkpvhimg.py failed on $KDIR/vmlinux"
    fi
    h=$(cat "$HERE/pvhshim.c" "$HERE/pvhshim.ld" | sha256sum | cut -c1-16)
    if [ ! -s "$CACHE/pvhshim-$h.elf" ]; then
      gcc -m32 -O2 -ffreestanding -fno-pic -fno-stack-protector -fno-asynchronous-unwind-tables -nostdlib \
        -static -no-pie -Wl,--build-id=none -Wl,--no-warn-rwx-segments -Wl,-T,"$HERE/pvhshim.ld" \
        -o "$CACHE/pvhshim-$h.$$" "$HERE/pvhshim.c" && mv "$CACHE/pvhshim-$h.$$" "$CACHE/pvhshim-$h.elf" ||
        error "building pvhshim.elf failed"
    fi
    cp "$CACHE/pvhshim-$h.elf" "$ISO/pvhshim.elf"; cp "$KDIR/pvh.img" "$ISO/kimage.bin"
    cp /usr/lib/syslinux/modules/bios/mboot.c32 /usr/lib/syslinux/modules/bios/libcom32.c32 "$ISO/isolinux/"
    printf 'serial 0 115200\ndefault linux\nprompt 0\ntimeout 0\nlabel linux\n  kernel /isolinux/mboot.c32\n  append /pvhshim.elf %s --- /kimage.bin --- /initrd.img\n' \
      "$CMDLINE" > "$ISO/isolinux/isolinux.cfg"
  else
    cp "$VMLINUZ" "$ISO/vmlinuz"
    printf 'default linux\nprompt 0\ntimeout 0\nlabel linux\n  kernel /vmlinuz\n  initrd /initrd.img\n  append %s\n' \
      "$CMDLINE" > "$ISO/isolinux/isolinux.cfg"
  fi
  xorriso -as mkisofs -quiet -o "$WORK/boot.iso" -b isolinux/isolinux.bin -c isolinux/boot.cat \
    -no-emul-boot -boot-load-size 4 -boot-info-table "$ISO" 2>"$WORK/xorriso.log" ||
    { cat "$WORK/xorriso.log"; error "xorriso failed"; }
  rm -rf "$ISO"
  # clock sync=none: emulated time is instructions / ips, and idle time is skipped
  cat > "$WORK/bochsrc" <<RC
display_library: nogui
megs: ${VMM_NESTED_MEM:-1024}
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
cpu: model=${VMM_NESTED_BOCHS_CPU:-corei7_skylake_x}, count=1, ips=$IPS, reset_on_triple_fault=0, ignore_bad_msrs=1
ata0: enabled=1, ioaddr1=0x1f0, ioaddr2=0x3f0, irq=14
ata0-master: type=cdrom, path=$WORK/boot.iso, status=inserted
boot: cdrom
clock: sync=none, time0=local
com1: enabled=1, mode=file, dev=$WORK/serial.log
log: $WORK/bochs.log
panic: action=fatal
error: action=ignore
info: action=ignore
debug: action=ignore
RC
  : > "$WORK/serial.log"
  timeout -k 10 "${VMM_NESTED_TIMEOUT:-3000}" "$BOCHS" -q -f "$WORK/bochsrc" >"$WORK/bochs.out" 2>&1 </dev/null &
  bpid=$!
  # Bochs writes the serial port to a file: follow it; stop Bochs once /init has said its last word
  (while kill -0 "$bpid" 2>/dev/null; do
     if grep -a -q '^NESTED-RESULT .*uptime=' "$WORK/serial.log"; then sleep 1; kill "$bpid" 2>/dev/null; break; fi
     sleep 1
   done) &
  wpid=$!
  tail -n +1 -F --pid="$bpid" "$WORK/serial.log" 2>/dev/null | $LINEBUF tr -d '\r' | tee "$LOG"
  wait "$bpid"; qrc=$?
  wait "$wpid" 2>/dev/null
  # Bochs exits 1 at the power-off, or 143 when stopped here after the result line: both fine
  if [ "$qrc" = 143 ] || [ "$qrc" = 1 ]; then grep -a -q '^NESTED-RESULT ' "$LOG" && qrc=0; fi
  [ -s "$LOG" ] || tail -n 20 "$WORK/bochs.out" "$WORK/bochs.log"
fi
say "emulated machine ran $((SECONDS - T_BOOT))s (exit $qrc), total $(elapsed)"

# ---- result ----
sum=$(grep -a '^NESTED-SUMMARY ' "$LOG" | tail -n 1)
res=$(grep -a '^NESTED-RESULT ' "$LOG" | tail -n 1)
if [ -z "$sum" ] || [ -z "$res" ]; then
  pass=$(grep -a -c '^NESTED-TEST-END .* fail=0 ' "$LOG")
  fail=$(grep -a -c '^NESTED-TEST-BEGIN ' "$LOG"); fail=$((fail - pass))
  [ "$fail" -gt 0 ] || fail=1
  say "ERROR: the emulated machine gave no result (crashed, or timed out after ${VMM_NESTED_TIMEOUT:-3000}s)"
  echo "$pass passed, $fail failed"
  exit 1
fi
# each test's END line says how many lines it printed: a console copy with fewer lost some
awk '/^NESTED-TEST-BEGIN [0-9]+:/ { n = $2; sub(/:$/, "", n); got = 0; on = 1; next }
     on && /^NESTED-TEST-END [0-9]+:/ { on = 0; if (match($0, / lines=[0-9]+/)) {
       want = substr($0, RSTART + 7, RLENGTH - 7) + 0
       if (got < want) printf "check-nested: kvm_%s: warning: the console lost %d of the %d lines test %s printed\n", host, want - got, want, n } ; next }
     on { got++ }' host="$HOST" "$LOG"
field() { [[ $1 =~ \ $2=([0-9]+) ]] && echo "${BASH_REMATCH[1]}"; }
pass=$(field "$sum" pass) fail=$(field "$sum" fail) nskip=$(field "$sum" skip) rc=$(field "$res" rc)
[ "$rc" = 0 ] || [ "$fail" -gt 0 ] || fail=1
for re in "${EXPECTS[@]}"; do
  if grep -a -E -q -- "$re" "$LOG"; then pass=$((pass + 1)); say "ok: output has a line matching /$re/"
  else fail=$((fail + 1)); say "FAIL: no line of the output matches /$re/"; fi
done
echo "$pass passed, $fail failed, $nskip skipped"
[ "$fail" = 0 ] && [ "$rc" = 0 ]
