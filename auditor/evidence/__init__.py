"""Presenting: renderers, bundle and verify, history, diff and merge. Imports auditor.core (and reads results, never judges)."""
