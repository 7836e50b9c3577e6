#!/bin/sh
# deb postrm and rpm %postun for Tessera. electron-builder expands its dollar-brace macros
# here (executable, sanitizedProductName): shell variables are written as plain $name.
app='/opt/${sanitizedProductName}'

# An upgrade runs this for the old version too (deb: "upgrade"; rpm: the number of versions
# still installed, 1 or more): keep what the new version set up.
case "$1" in
  upgrade | [1-9]*) exit 0 ;;
esac

# Remove /usr/bin/tessera only if it is still our link.
link='/usr/bin/${executable}'
if [ -L "$link" ] && [ "$(readlink "$link")" = "$app/resources/bin/tessera" ]; then
  rm -f "$link"
fi

profile='/etc/apparmor.d/${executable}'
if [ -f "$profile" ]; then
  # Unload first, so the policy does not stay in force until the next boot.
  if apparmor_status --enabled >/dev/null 2>&1 && command -v apparmor_parser >/dev/null 2>&1 \
    && ! { [ -x /usr/bin/ischroot ] && /usr/bin/ischroot; }; then
    apparmor_parser --remove "$profile" || true
  fi
  rm -f "$profile"
fi

if command -v update-mime-database >/dev/null 2>&1; then
  update-mime-database /usr/share/mime || true
fi
if command -v update-desktop-database >/dev/null 2>&1; then
  update-desktop-database -q /usr/share/applications || true
fi
exit 0
