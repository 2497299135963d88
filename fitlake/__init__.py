"""FitLake core: settings, engine and session, table contracts and catalog, I/O, run log and CLI."""

__version__ = "0.1.0"
