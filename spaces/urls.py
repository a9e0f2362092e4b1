from django.urls import path

from .views import approval, availability, bookings, feeds, reports, rules, series

app_name = "spaces"

urlpatterns = [
    # Booking (views/bookings.py).
    path("", bookings.space_list, name="list"),
    path("mine/", bookings.my_bookings, name="mine"),
    path("<int:pk>/", bookings.space_detail, name="detail"),
    path("<int:pk>/book/", bookings.booking_create, name="book"),
    path("bookings/<int:pk>/", bookings.booking_detail, name="booking_detail"),
    path("bookings/<int:pk>/change/", bookings.booking_change, name="booking_change"),
    path("bookings/<int:pk>/cancel/", bookings.booking_cancel, name="booking_cancel"),
    # Approval (views/approval.py).
    path("pending/", approval.pending, name="pending"),
    path("bookings/<int:pk>/decide/", approval.booking_decide, name="booking_decide"),
    # Weekly series (views/series.py).
    path("<int:pk>/book/series/", series.series_create, name="series"),
    path("series/<int:pk>/", series.series_result, name="series_result"),
    # Availability (views/availability.py).
    path("<int:pk>/week/", availability.space_week, name="week"),
    path("<int:pk>/month/", availability.space_month, name="month"),
    # Calendar feeds (views/feeds.py).
    path("calendar/reset/", feeds.calendar_reset, name="calendar_reset"),
    path("ical/<str:token>/mine.ics", feeds.ical_mine, name="ical_mine"),
    path("ical/<str:token>/space-<int:pk>.ics", feeds.ical_space, name="ical_space"),
    # Rules (views/rules.py) and reports (views/reports.py).
    path("<int:pk>/rules/", rules.space_rules, name="rules"),
    path("<int:pk>/occupancy/", reports.occupancy, name="occupancy"),
    path("<int:pk>/bookings.csv", reports.bookings_csv, name="bookings_csv"),
]
