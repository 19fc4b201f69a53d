"""Finance: the money model of measures, commitments and cost estimates, postings to FK-ØKO."""

__all__: list[str] = []
