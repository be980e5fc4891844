"""Runs rules and saved queries from cypher/, graph algorithms, scoring and clues."""
