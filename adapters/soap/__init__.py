"""What the SOAP adapters (CPR SF1520, archive SF1470) share; each adapter keeps its operations."""

__all__: list[str] = []
