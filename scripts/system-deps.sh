#!/usr/bin/env bash
# Installs the Debian packages the console needs, only when some are missing.
#   scripts/system-deps.sh test  what `make test` needs (default)
#   scripts/system-deps.sh run   what `make run` needs to open a window on X11
# Qt's offscreen platform still loads EGL/GL/xkbcommon/fontconfig; the keyring
# group needs a private D-Bus session with GNOME Keyring's Secret Service; a real
# window needs Qt's xcb plugin libraries.
set -euo pipefail
mode=${1:-test}

qt_runtime=(
  libegl1 libgl1 libopengl0 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1
  libglib2.0-0 libdbus-1-3 fonts-dejavu-core fonts-wqy-microhei
)
case "$mode" in
  run)
    packages=("${qt_runtime[@]}"
      libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
      libxcb-xinerama0 libxcb-randr0 libxcb-shape0 libxcb-xkb1)
    ;;
  test)
    packages=("${qt_runtime[@]}"
      dbus dbus-bin dbus-daemon gnome-keyring xvfb xauth
      desktop-file-utils appstream)  # the validators tests/unit/test_packaging.py runs
    ;;
  *)
    echo "usage: $0 [test|run]" >&2
    exit 2
    ;;
esac

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
  # A desktop usually has the window libraries already under other names: try anyway.
  [ "$mode" = run ] && exit 0
  exit 1
fi

echo "system-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
