"""Every write of the spaces app, by sub-domain: bookings (book, change, cancel), approval
(decide on whole-room requests), series (weekly bookings) and rules (a change of the
opening rules over live bookings). Every write locks the space row first."""
