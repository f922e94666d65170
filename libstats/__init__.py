"""The Bexley and Bromley shared library service's statistics: warehouse, queries and reports."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
SEED_DIR = DATA_DIR / "seed"
SCHEMA_DIR = DATA_DIR / "schema"
WAREHOUSE_SCHEMA = SCHEMA_DIR / "warehouse.sql"
ENTRIES_MIGRATIONS = SCHEMA_DIR / "entries"
VIEWS_FILE = SCHEMA_DIR / "views.sql"
QUERIES_DIR = ROOT / "queries"
STATEMENTS_DIR = ROOT / "statements"
DEFAULT_DB = DATA_DIR / "library.duckdb"
