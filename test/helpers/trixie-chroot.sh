#!/usr/bin/env bash
# Builds, once, the Debian 13 (trixie) chroot the interop tests run TigerVNC 1.15 and wayvnc 0.9.1
# (with a headless sway) in: Debian 12 has no server with RSA-AES or Apple Remote Desktop. Needs root and mmdebstrap or debootstrap;
# uses the Debian mirror this machine's apt uses, nothing else. Reused while its package list is the
# same; delete the folder to rebuild. Usage: trixie-chroot.sh [DIR] (default .cache/trixie-chroot).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=${1:-$root/.cache/trixie-chroot}
packages=tigervnc-standalone-server,xfonts-base,wayvnc,sway
marker="$dir/.tessera-packages"
if [ -f "$marker" ] && [ "$(cat "$marker")" = "$packages" ]; then
  echo "trixie chroot: $dir (cached)"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "trixie chroot: building it needs root" >&2
  exit 2
fi

# The first Debian archive apt is configured with (deb822 "URIs:" or a one-line "deb URL suite"), not the security one.
mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null |
  sed -n -e 's/^URIs:[[:space:]]*//p' -e 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]\+\).*/\2/p' |
  tr ' ' '\n' | grep -v -e security -e '^$' | head -n 1 || true)
mirror=${mirror:-http://deb.debian.org/debian}

start=$SECONDS
part="$dir.part.$$"
rm -rf "$part"
mkdir -p "$(dirname "$dir")"
if command -v mmdebstrap >/dev/null; then
  mmdebstrap --quiet --variant=apt --include="$packages" trixie "$part" "$mirror"
else
  debootstrap --variant=minbase --include="$packages" trixie "$part" "$mirror" >/dev/null
fi
echo "$packages" >"$part/.tessera-packages"
# Another build may have finished first: keep whichever is in place.
rm -rf "$dir.old"
[ -e "$dir" ] && mv "$dir" "$dir.old"
mv "$part" "$dir"
rm -rf "$dir.old"
echo "trixie chroot: built $dir from $mirror in $((SECONDS - start)) s"
