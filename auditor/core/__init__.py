"""The bottom layer: resource models, inventory and snapshot, result, scope, errors and safe I/O. Imports nothing else of auditor."""
