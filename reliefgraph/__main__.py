from reliefgraph.cli import run

run()
