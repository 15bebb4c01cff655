"""The graph model, the GraphStore contract, its backends, analyses and renderings."""
