"""Page content: one module per page, named after it, each building what its page shows (charts, tiles, tables
and sentences) from named queries through a `run(name, **params)` callable. No Streamlit: the page draws it."""
