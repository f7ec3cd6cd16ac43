"""Benchmarks: ``python -m benchmarks NAME [options]`` runs ``benchmarks.NAME.main(argv)``."""
