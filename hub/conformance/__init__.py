"""The vendor conformance kit: ``casehub conformance run`` plays the hub against a case system."""

__all__: list[str] = []
