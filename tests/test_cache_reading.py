"""Reading a cache entry back: its sections as written, and nothing from a file that is
short, too long or damaged."""

from __future__ import annotations

from pathlib import Path

from bot.knowledge.cache import read_entry, write_entry

KEY = "0123456789abcdef"
SECTIONS = {"patterns": b"first section", "knowledge": b"\x00second\nsection\xff" * 50}


def written(tmp_path: Path) -> Path:
    path = tmp_path / f"knowledge-{KEY}.cache"
    write_entry(path, KEY, SECTIONS)
    return path


def test_an_entry_is_read_back_section_by_section_as_written(tmp_path: Path) -> None:
    assert read_entry(written(tmp_path), KEY) == SECTIONS


def test_a_truncated_entry_is_no_entry(tmp_path: Path) -> None:
    path = written(tmp_path)
    path.write_bytes(path.read_bytes()[:-1])
    assert read_entry(path, KEY) is None


def test_an_entry_with_bytes_after_its_sections_is_no_entry(tmp_path: Path) -> None:
    path = written(tmp_path)
    path.write_bytes(path.read_bytes() + b"x")
    assert read_entry(path, KEY) is None


def test_an_entry_with_a_changed_byte_is_no_entry(tmp_path: Path) -> None:
    path = written(tmp_path)
    data = bytearray(path.read_bytes())
    data[-3] ^= 0x01
    path.write_bytes(bytes(data))
    assert read_entry(path, KEY) is None


def test_an_entry_asked_for_under_another_key_is_no_entry(tmp_path: Path) -> None:
    assert read_entry(written(tmp_path), "fedcba9876543210") is None
