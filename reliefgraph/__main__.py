from reliefgraph.cli import app

app(prog_name="reliefgraph")
