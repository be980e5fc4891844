"""Synthetic county generator behind `reliefgraph generate`.

One module per idea: dates (the data's calendar), ids (check characters),
names, regions, population (lineages), households, kinship, world (tables),
cadres, grants, assets, background (the ordinary economy), lookalikes (lawful
look-alikes at realistic rates, recorded as decoys), planting (shared
bookkeeping), hidden_assets / favour_relief / cadre_conflict (planted cases
and decoys), mashan (the audit table), mess and xlsx (how files misbehave,
deterministically), extracts_* (one builder per agency file; extracts_b the
second layout), truth, readme, generator (the run) and command (the CLI
function).
"""
