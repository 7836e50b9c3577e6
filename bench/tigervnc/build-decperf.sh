#!/bin/sh
# Builds TigerVNC's own decoder benchmark (tests/perf/decperf) from Debian's source package, for
# the decoder bench's side-by-side (bench/tigervnc/decperf.ts). Output: out/bench/tigervnc/decperf.
# Needs apt-get (no change to the system's sources: a private list and state under the build dir),
# dpkg-source, cmake, g++, zlib1g-dev, libjpeg62-turbo-dev and libpixman-1-dev. About 3 minutes
# on 2 cores. Only the client library and decperf are built: the viewer (FLTK), the servers (PAM,
# XTest) and gettext are switched off or cut out of the build files of this private copy.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$root/out/bench/tigervnc
mkdir -p "$work/apt/lists/partial" "$work/src"
echo 'deb-src http://deb.debian.org/debian bookworm main' >"$work/apt/sources.list"
apt_opts="-o Dir::Etc::SourceList=$work/apt/sources.list -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists=$work/apt/lists -o Dir::Cache=$work/apt/cache"
# shellcheck disable=SC2086
apt-get $apt_opts update
cd "$work/src"
# shellcheck disable=SC2086
apt-get $apt_opts source --download-only tigervnc
rm -rf tigervnc
dpkg-source -x tigervnc_*.dsc tigervnc
cd tigervnc
# The servers' PAM check and subdirectory are not needed for a client-side benchmark.
sed -i 's/message(FATAL_ERROR "Could not find PAM development files")/message(STATUS "no PAM: servers not built")/' CMakeLists.txt
sed -i 's/^    add_subdirectory(unix)$/    # add_subdirectory(unix)/' CMakeLists.txt
sed -i 's/^if(UNIX AND NOT APPLE)$/if(UNIX AND NOT APPLE AND PAM_LIBS)/' common/rfb/CMakeLists.txt
# PointerPos (-232, x11vnc and TightVNC send it) is a cursor position without payload; TigerVNC's
# reader does not know it and would stop the stream there. Read it as VMware's cursor position.
sed -i 's|^    case pseudoEncodingVMwareCursorPosition:$|    case -232: // PointerPos\n    case pseudoEncodingVMwareCursorPosition:|' common/rfb/CMsgReader.cxx
# decperf has no resizeFramebuffer, so an ExtendedDesktopSize rect (every recording starts with
# one) hits CConnection's assert: allocate the framebuffer anew when the size changes, as initDone
# does. The opening rect repeats ServerInit's size: keeping the framebuffer then spares each run
# a new 8 MB buffer with the old one copied in (about 50 ms a run here, counted inside the first
# update), a one-off of a session that is not decoding; our side reuses its framebuffer too.
sed -i 's|^  virtual void initDone();$|  virtual void initDone();\n  virtual void resizeFramebuffer() { if (!getFramebuffer() \|\| getFramebuffer()->width() != server.width() \|\| getFramebuffer()->height() != server.height()) initDone(); }|' tests/perf/decperf.cxx
grep -q 'resizeFramebuffer() { if (!getFramebuffer()' tests/perf/decperf.cxx
grep -q 'case -232' common/rfb/CMsgReader.cxx
mkdir -p build
cd build
cmake .. -DCMAKE_BUILD_TYPE=Release -DBUILD_VIEWER=OFF -DENABLE_NLS=OFF -DENABLE_GNUTLS=OFF >cmake.log
make -j2 decperf >make.log
cp tests/perf/decperf "$work/decperf"
echo "built $work/decperf"
