#!/bin/sh
# Installs the one-folder build this script sits in (dist/vending-console/):
#   ./install.sh              for you only: ~/.local (PREFIX=$HOME/.local)
#   sudo PREFIX=/usr/local ./install.sh   for everyone
# Puts the program in PREFIX/lib/vending-console, a `vending-console` link in
# PREFIX/bin, and the desktop file, AppStream metainfo and icon under PREFIX/share.
# ./install.sh --uninstall removes them again.
set -eu
APP=vending-console
APP_ID=io.github.vendingconsole.VendingConsole
PREFIX=${PREFIX:-$HOME/.local}
here=$(cd "$(dirname "$0")" && pwd)
share="$here/_internal/share"

lib="$PREFIX/lib/$APP"
desktop="$PREFIX/share/applications/$APP_ID.desktop"
metainfo="$PREFIX/share/metainfo/$APP_ID.metainfo.xml"
icon="$PREFIX/share/icons/hicolor/scalable/apps/$APP_ID.svg"

if [ "${1:-}" = "--uninstall" ]; then
  rm -rf "$lib"
  rm -f "$PREFIX/bin/$APP" "$desktop" "$metainfo" "$icon"
  echo "removed $APP from $PREFIX"
  exit 0
fi

[ -x "$here/$APP" ] || { echo "install.sh: run it from the built folder (dist/$APP/)" >&2; exit 1; }
mkdir -p "$PREFIX/lib" "$PREFIX/bin" "$(dirname "$desktop")" "$(dirname "$metainfo")" "$(dirname "$icon")"
if [ "$here" != "$lib" ]; then
  rm -rf "$lib"
  cp -a "$here" "$lib"
fi
ln -sf "$lib/$APP" "$PREFIX/bin/$APP"
# Exec= names the absolute program, so the menu entry works even when PREFIX/bin is not on PATH.
sed "s|^Exec=.*|Exec=$lib/$APP|" "$share/applications/$APP_ID.desktop" > "$desktop"
install -m 644 "$share/metainfo/$APP_ID.metainfo.xml" "$metainfo"
install -m 644 "$share/icons/hicolor/scalable/apps/$APP_ID.svg" "$icon"
command -v update-desktop-database >/dev/null && update-desktop-database -q "$(dirname "$desktop")" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$PREFIX/share/icons/hicolor" || true
echo "installed $APP in $lib; run it from the applications menu or as $PREFIX/bin/$APP"
