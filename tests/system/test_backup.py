"""Backup and restore round trip on the engine under test."""

import os
from pathlib import Path

from factories import make_program


async def test_backup_and_restore_round_trip(db, tmp_path):
    from server.backup import backup, restore
    from server.config import load_settings
    from server.programs.tables import Program

    settings = load_settings()
    await make_program(slug="sebelum", title="Sebelum")
    target = backup(settings, tmp_path / "gotong.backup")
    assert target.exists() and target.stat().st_size > 0
    await make_program(slug="sesudah", title="Sesudah")
    await Program.delete().where(Program.slug == "sebelum").run()
    restore(settings, target)
    slugs = {row["slug"] for row in await Program.select(Program.slug).run()}
    assert slugs == {"sebelum"}


def test_cli_backup_writes_a_file(tmp_path, db):
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-m", "server", "backup", str(tmp_path / "cli.backup")],
        cwd=root,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "cli.backup").stat().st_size > 0
