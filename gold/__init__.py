"""Gold: business-level tables that analysts query; rebuilt from Silver on every run."""
