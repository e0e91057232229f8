#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked GNOME Keyring
# (Secret Service). Use: dbus-run-session -- scripts/with-keyring.sh CMD...
set -euo pipefail
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export HOME="$home" XDG_DATA_HOME="$home/.local/share" XDG_RUNTIME_DIR="$home/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
# An empty password on stdin creates and unlocks the login keyring.
eval "$(printf '\n' | gnome-keyring-daemon --unlock --components=secrets)"
eval "$(gnome-keyring-daemon --start --components=secrets)"
export GNOME_KEYRING_CONTROL
"$@"
