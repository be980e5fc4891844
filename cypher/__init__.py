"""Rules (`rules/<family>/*.cypher`) and saved queries (`queries/*.cypher`) as data.

A Python package only so the files install with reliefgraph; there is no
code here. The file format is described in README.md beside them.
"""
from pathlib import Path

CYPHER_DIR = Path(__file__).resolve().parent
