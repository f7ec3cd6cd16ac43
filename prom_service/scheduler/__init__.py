"""APScheduler as a ticker only: state lives in the database, each tick claims its own work."""
