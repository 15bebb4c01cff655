"""The operations a user performs — ingest, extract, search, show, paths, rank, export,
snapshot, and the editorial review (``review.py``) — called by both the API routes and the
CLI, which neither import each other."""
