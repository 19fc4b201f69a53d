"""Rigsarkivet: the archival version (arkiveringsversion, BKG 1007 / BKG 128) of the case history."""
