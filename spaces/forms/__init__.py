"""The space pages' forms: bookings (book, change, weekly series, cancel, decide) and rules
(the coordinators' rules page and the admin). Every one derives from PortalForm /
PortalModelForm, so the portal's input rules (date window, no control characters,
bounded integers) apply."""
