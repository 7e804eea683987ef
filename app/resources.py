"""Where the app's own files are: templates, static files, migrations, alembic.ini.

In a checkout (``make run``, editable installs) they sit beside ``app/``. A wheel
carries them inside the package (pyproject.toml, ``force-include``), so a regular
install such as the Docker image's needs nothing from the source tree.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
# alembic.ini inside the package exists only in an installed wheel.
RESOURCE_DIR = PACKAGE_DIR if (PACKAGE_DIR / "alembic.ini").is_file() else PACKAGE_DIR.parent

TEMPLATES_DIR = RESOURCE_DIR / "templates"
STATIC_DIR = RESOURCE_DIR / "static"
MIGRATIONS_DIR = RESOURCE_DIR / "migrations"
ALEMBIC_INI = RESOURCE_DIR / "alembic.ini"
