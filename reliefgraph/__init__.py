"""reliefgraph: a cross-agency linkage knowledge graph for social-assistance supervision."""

__version__ = "0.1.0"
