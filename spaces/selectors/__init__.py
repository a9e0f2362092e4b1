"""What the space pages read, by sub-domain: availability (week, month), bookings, approval,
reports and rules. Each page's query is built from a fixed number of queries."""
