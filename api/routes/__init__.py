"""Thin routers, one per resource; each calls the same functions the CLI calls."""
