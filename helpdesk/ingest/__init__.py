"""Platform data in: daily goals, surveys and profits posted in batches."""
