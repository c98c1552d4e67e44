"""The top of the house: the ``bantin`` command line and crawl orchestration.

It is the one place that knows every room: it runs the crawler's spider with the archive's
pipeline, re-extracts through the archive, serves the Datasette plugin and starts the sample
portal. Nothing below imports it.
"""
