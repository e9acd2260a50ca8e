"""Fan-out: many assessments from one command (an edition per district, or one per local
authority from a national archive), each build its own process, scheduled by Dask."""
