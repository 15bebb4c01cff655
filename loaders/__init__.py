"""Documents in, typed triples with evidence out."""
