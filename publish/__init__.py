"""Publishing: the HTML, SVG and JSON views of the graph — the explorer page, pyvis
drawings, frozen snapshots — with their templates and static files."""
