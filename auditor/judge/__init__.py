"""Judging: the engine, policy loader and conditions, predicates, roll-up, profiles, waivers and the catalog. Imports only auditor.core."""
