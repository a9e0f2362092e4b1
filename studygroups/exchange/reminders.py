"""Reminders of the staff exchange: none are sent; the weekly log is kept by the guest and
the mentor at their own pace (one entry per ISO week, `models.LogEntry`)."""
