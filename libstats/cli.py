"""The command line: `python -m libstats …`."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from libstats import SEED_DIR, db


@click.group(help="Statistics of the Bexley and Bromley shared library service.")
def main() -> None:
    pass


def _db_option(f):
    return click.option(
        "--db", "db_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
        help="Database file (default: $LIBSTATS_DB, else data/library.duckdb).",
    )(f)


@main.command(help="Build the database from data/schema.sql and the seed CSVs in data/seed/.")
@_db_option
@click.option("--force", is_flag=True, help="Replace the database if it exists.")
@click.option("--if-missing", is_flag=True, help="Build only if the database does not exist yet.")
@click.option("--seed", "seed_dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              default=SEED_DIR, show_default=True, help="Folder of seed CSVs.")
def build(db_file: Path | None, force: bool, if_missing: bool, seed_dir: Path) -> None:
    from libstats.build import build as build_db
    path = db_file or db.db_path()
    if if_missing and path.exists():
        click.echo(f"{path} exists: nothing to build (use --force to rebuild it from the seed).")
        return
    try:
        result = build_db(path, seed_dir=seed_dir, force=force)
    except (FileExistsError, FileNotFoundError) as exc:
        raise click.ClickException(str(exc)) from None
    except db.DatabaseLocked as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"could not build {path}: {exc}") from None
    figures = result.rows["monthly_figure"] + result.rows["annual_figure"]
    click.echo(f"Built {path} from {seed_dir}: {figures:,} figures, {result.rows['branch']} branches, "
               f"in {result.seconds:.1f} s.")


@main.command("generate-seed", help="Regenerate the modelled seed CSVs in data/seed/ (deterministic).")
@click.option("--seed", "seed_dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              default=SEED_DIR, show_default=True, help="Folder holding the hand-kept inputs; outputs go beside them.")
def generate_seed(seed_dir: Path) -> None:
    from libstats import seedgen
    counts = seedgen.write(seed_dir)
    for name, n in counts.items():
        click.echo(f"{name}: {n:,} rows")


if __name__ == "__main__":
    sys.exit(main())
