"""The space pages, one module per sub-domain: bookings, approval, series, availability (week
and month), feeds (iCalendar), rules and reports; common.py holds what they share."""
