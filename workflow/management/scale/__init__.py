"""The province-scale data set of issue 15 (`manage.py seed_scale`), built with bulk inserts:
`seed` runs the stages, one module for each kind of rows (`organisation`, `items`, `editions`,
`steps`, `audit`, `notices`), `pgcopy` loads them with COPY. The words are in
`workflow.scale_data`."""
