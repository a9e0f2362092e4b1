"""The staff exchange's forms (PortalForm: parsing and field rules only)."""
