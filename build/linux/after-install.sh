#!/bin/sh
# deb postinst and rpm %post for Tessera. This replaces electron-builder's own script, so it
# also does that script's work (sandbox mode, AppArmor, desktop databases). electron-builder
# expands its dollar-brace macros here (executable, sanitizedProductName): shell variables in
# this file are written as plain $name.
app='/opt/${sanitizedProductName}'

# `tessera` on the PATH: the launcher that opens the app or runs the command line.
ln -sf "$app/resources/bin/tessera" '/usr/bin/${executable}'

# Chromium's sandbox uses user namespaces where the kernel allows them, else a setuid helper.
if [ -L /proc/self/ns/user ] && unshare --user true >/dev/null 2>&1; then
  chmod 0755 "$app/chrome-sandbox" 2>/dev/null || true
else
  chmod 4755 "$app/chrome-sandbox" 2>/dev/null || true
fi

# Ubuntu 24.04 and later grant user namespaces only to programs whose AppArmor profile allows
# them. AppArmor without abi/4.0 (Ubuntu 22.04) rejects the profile and needs none: skip it there.
profile="$app/resources/apparmor-profile"
if [ -f "$profile" ] && command -v apparmor_parser >/dev/null 2>&1 \
  && apparmor_status --enabled >/dev/null 2>&1 \
  && apparmor_parser --skip-kernel-load --debug "$profile" >/dev/null 2>&1; then
  cp -f "$profile" '/etc/apparmor.d/${executable}'
  # Loading a profile means nothing inside a chroot (image builds): it is loaded at boot.
  if ! { [ -x /usr/bin/ischroot ] && /usr/bin/ischroot; }; then
    apparmor_parser --replace --write-cache --skip-read-cache '/etc/apparmor.d/${executable}' || true
  fi
fi

# Make the vnc:// handler and the .vnc type known to the desktop at once.
if command -v update-mime-database >/dev/null 2>&1; then
  update-mime-database /usr/share/mime || true
fi
if command -v update-desktop-database >/dev/null 2>&1; then
  update-desktop-database -q /usr/share/applications || true
fi
exit 0
