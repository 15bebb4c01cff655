"""The operations a user performs, called by both the API routes and the CLI."""
