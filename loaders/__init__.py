"""Agency extracts → graph: mapping files, validation, normalisation, entity resolution, provenance."""
