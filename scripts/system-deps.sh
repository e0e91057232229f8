#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, only when some are missing.
# Qt's offscreen platform still loads EGL/GL/xkbcommon/fontconfig; the keyring
# group needs a private D-Bus session with GNOME Keyring's Secret Service.
set -euo pipefail

packages=(
  dbus dbus-bin dbus-daemon gnome-keyring xvfb xauth
  libegl1 libgl1 libopengl0 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1
  libglib2.0-0 libdbus-1-3 fonts-dejavu-core fonts-wqy-microhei
  desktop-file-utils appstream  # the validators tests/unit/test_packaging.py runs
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = "installed" ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "system-deps: missing Debian packages: ${missing[*]}" >&2
  echo "system-deps: run 'sudo apt-get install ${missing[*]}' (or run make as root)" >&2
  exit 1
fi

echo "system-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
