"""The read API under /api/v1/: counts and aggregates for funders and government systems, behind API keys."""
