"""The FastAPI app, the browser explorer, snapshots and the `influence` CLI."""
