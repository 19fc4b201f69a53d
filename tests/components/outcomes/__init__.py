"""The outcome read model and extract."""
