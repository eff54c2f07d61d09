"""Sample environments served by local emulators, for `baa-audit demo`, tests and benchmarks."""
