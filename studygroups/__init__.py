"""Study groups: staff policy-research cohorts (see ARCHITECTURE.md for the layout)."""
