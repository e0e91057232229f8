"""The display check before Qt starts (console.display), with the environment faked."""

from __future__ import annotations

import pytest

from console.display import NO_DISPLAY, debian_package, display_problem


def check(env: dict[str, str], *, x11: bool = False, wayland: bool = False, missing=()):
    return display_problem(
        env,
        platform="linux",
        x11_reachable=lambda _display: x11,
        wayland_reachable=lambda _env: wayland,
        plugin_missing=lambda: list(missing),
    )


@pytest.mark.parametrize(
    "env",
    [{}, {"DISPLAY": ":0"}, {"QT_QPA_PLATFORM": "xcb"}, {"QT_QPA_PLATFORM": "wayland"}],
)
def test_without_a_reachable_display_it_says_so_in_one_sentence(env: dict[str, str]) -> None:
    assert check(env) == NO_DISPLAY
    assert NO_DISPLAY.count(". ") == 0 and "xvfb-run make run" in NO_DISPLAY
    assert "QT_QPA_PLATFORM=offscreen" in NO_DISPLAY


@pytest.mark.parametrize("platform", ["offscreen", "minimal", "vnc:size=800x600"])
def test_a_platform_without_a_display_needs_none(platform: str) -> None:
    assert check({"QT_QPA_PLATFORM": platform}) is None


def test_a_reachable_x11_or_wayland_display_is_enough() -> None:
    assert check({"DISPLAY": ":0"}, x11=True) is None
    assert check({"WAYLAND_DISPLAY": "wayland-0"}, wayland=True) is None
    assert check({"QT_QPA_PLATFORM": "xcb", "WAYLAND_DISPLAY": "w"}, wayland=True) == NO_DISPLAY


def test_missing_libraries_are_named_with_their_packages() -> None:
    text = check({"DISPLAY": ":0"}, x11=True, missing=["libxcb-icccm.so.4", "libxcb-cursor.so.0"])
    assert text is not None
    assert "libxcb-icccm.so.4, libxcb-cursor.so.0 are missing" in text
    assert "apt-get install libxcb-icccm4 libxcb-cursor0" in text
    assert "`make run` installs them" in text


def test_windows_and_macos_are_not_checked() -> None:
    for platform in ("win32", "darwin"):
        assert display_problem({}, platform=platform) is None


@pytest.mark.parametrize(
    ("library", "package"),
    [
        ("libxcb-cursor.so.0", "libxcb-cursor0"),
        ("libxcb-render-util.so.0", "libxcb-render-util0"),
        ("libX11-xcb.so.1", "libx11-xcb1"),
        ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
        ("libEGL.so.1.1.0", "libegl1"),
    ],
)
def test_library_names_map_to_debian_packages(library: str, package: str) -> None:
    assert debian_package(library) == package
