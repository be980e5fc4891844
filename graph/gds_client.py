"""The Graph Data Science client (`graphdatascience` 2.x) on a Neo4j store's driver.

Bolt only: results are small (one algorithm's column over a projection), so
the Arrow endpoint, which needs its own port and credentials, is not used.
"""
from __future__ import annotations

from graphdatascience import GraphDataScience
from graphdatascience.error.gds_not_installed import GdsNotFound
from graphdatascience.error.unable_to_connect import UnableToConnectError
from graphdatascience.query_runner.neo4j_query_runner import Neo4jQueryRunner

__all__ = ["GdsNotFound", "UnableToConnectError", "client"]


class PromptRunner(Neo4jQueryRunner):
    """graphdatascience's Bolt runner, giving up on a lost server after about
    five seconds: by default it retries once a second for ten minutes."""

    GIVE_UP = Neo4jQueryRunner.ConnectivityRetriesConfig(max_retries=5, wait_time=1, warn_interval=5)

    def run_cypher(self, *args, connectivity_retry_config=None, **kwargs):
        return super().run_cypher(*args, connectivity_retry_config=connectivity_retry_config or self.GIVE_UP,
                                  **kwargs)


def client(driver, database: str) -> GraphDataScience:
    runner = PromptRunner(driver, "bolt", database=database, show_progress=False)
    return GraphDataScience(runner, arrow=False, show_progress=False)
