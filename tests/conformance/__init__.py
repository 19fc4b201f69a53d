"""The vendor conformance kit."""
