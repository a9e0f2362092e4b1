"""Every query the staff exchange's pages need."""
