"""The Bexley and Bromley shared library service's statistics: warehouse, queries and reports."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
SEED_DIR = DATA_DIR / "seed"
SCHEMA_FILE = DATA_DIR / "schema.sql"
UPGRADES_DIR = DATA_DIR / "upgrades"
QUERIES_DIR = ROOT / "queries"
DEFAULT_DB = DATA_DIR / "library.duckdb"
