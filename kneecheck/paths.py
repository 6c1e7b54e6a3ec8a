"""Where kneecheck keeps things: the built-in catalogue and the runner's data."""

from __future__ import annotations

import os
from pathlib import Path


def default_catalogue_dir() -> Path:
    """The packaged data/ of an installed wheel, else the checkout's data/."""
    env = os.environ.get("KNEECHECK_CATALOGUE")
    if env:
        return Path(env)
    return packaged_dir()


def packaged_dir() -> Path:
    """The built-in catalogue: inside an installed wheel, or the checkout's data/."""
    here = Path(__file__).resolve().parent
    packaged = here / "data"
    return packaged if packaged.is_dir() else here.parent / "data"


DIARY_FILE = "diary.sqlite3"


def home() -> Path:
    """The folder that holds everything: KNEECHECK_HOME, else the user data folder."""
    env = os.environ.get("KNEECHECK_HOME")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path("kneecheck", appauthor=False)


def ensure_private(folder: Path) -> None:
    """Create `folder` inside the kneecheck home, and the home itself, readable by
    the runner alone (0700) when new: whoever creates them first, they hold
    health data. The home goes first, because mkdir applies no mode to parents."""
    for f in (home(), folder):
        f.mkdir(mode=0o700, parents=True, exist_ok=True)


def diary_path() -> Path:
    """The diary file inside home()."""
    return home() / DIARY_FILE


def cache_dir() -> Path:
    """Where kneecheck keeps what it can rebuild (the checked catalogue)."""
    return home() / "cache"
