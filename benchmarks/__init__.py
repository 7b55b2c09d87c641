"""Reproducible measurements of regwatch against its ceiling and its alternatives (see BENCHMARKS.md)."""
