#!/bin/sh
# Generate ./configure and Makefile.in from configure.ac and Makefile.am.
set -e
cd "$(dirname "$0")"
mkdir -p build-aux m4
# automake installs test-driver on its own but not the TAP driver our tests
# use; take it from the same automake.
cp "$(automake --print-libdir)/tap-driver.sh" build-aux/tap-driver.sh
autoreconf --install --force --warnings=all
