"""Adapters between files and the core: scenario files, result exports."""
