"""Consistency checks (核查): what officers check before an inspection, run set-based over a region."""
