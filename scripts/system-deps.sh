#!/usr/bin/env bash
# Installs the Debian packages the console needs, only when some are missing.
#   scripts/system-deps.sh test  what `make test` needs (default)
#   scripts/system-deps.sh run   what `make run` needs to open a window on X11
# Qt's offscreen platform still loads EGL/GL/xkbcommon/fontconfig; the keyring
# group needs a private D-Bus session with GNOME Keyring's Secret Service; a real
# window needs Qt's xcb plugin libraries. The tests start a PostgreSQL server of their
# own (tests/pg.py) from Debian's postgresql package.
#   scripts/system-deps.sh wait-lock   only wait for the package lock (as below)
# Another program (unattended-upgrades, a desktop updater, a second install) may
# hold the apt/dpkg lock: we wait for it, up to APT_LOCK_WAIT_S seconds (default
# 600), saying so once, instead of failing at once.
set -euo pipefail
mode=${1:-test}
lock_wait_s=${APT_LOCK_WAIT_S:-600}
# The locks apt and dpkg take (fcntl locks: `flock` would not see them).
lock_files=${APT_LOCK_FILES:-/var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock /var/cache/apt/archives/lock}

# Waits until none of $lock_files is locked by another process; exit 1 after $lock_wait_s.
wait_for_package_lock() {
  python3 - "$lock_wait_s" $lock_files <<'PY'
import fcntl, os, sys, time

limit, files = float(sys.argv[1]), sys.argv[2:]

def held() -> str:
    for name in files:
        try:
            fd = os.open(name, os.O_RDWR)
        except OSError:
            continue  # absent, or not ours to lock: apt will say so itself
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return name
        finally:
            os.close(fd)  # closing releases our probe lock at once
    return ""

deadline = time.monotonic() + limit
said = False
while name := held():
    if not said:
        print(f"system-deps: {name} is held by another program (an update?); "
              f"waiting for it, up to {limit:.0f} s", flush=True)
        said = True
    if time.monotonic() >= deadline:
        print(f"system-deps: the package lock is still held after {limit:.0f} s; "
              "try again when the other installation has finished", file=sys.stderr)
        sys.exit(1)
    time.sleep(1)
if said:
    print("system-deps: the package lock is free, going on", flush=True)
PY
}

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
      desktop-file-utils appstream  # the validators tests/unit/test_packaging.py runs
      postgresql  # initdb/pg_ctl for the suite's own server (tests/pg.py)
      systemd)  # systemd-analyze verify, for the service's unit (tests/unit/test_service_files.py)
    ;;
  wait-lock)
    wait_for_package_lock
    exit
    ;;
  *)
    echo "usage: $0 [test|run|wait-lock]" >&2
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
# Wait here (saying so once), and let apt itself wait too for a lock taken in between.
wait_for_package_lock
apt_wait=(-o "DPkg::Lock::Timeout=$lock_wait_s")
apt-get "${apt_wait[@]}" update -qq
apt-get "${apt_wait[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
