from django.urls import path

from .views import availability, bookings

app_name = "spaces"

urlpatterns = [
    # Booking (views/bookings.py).
    path("", bookings.space_list, name="list"),
    path("mine/", bookings.my_bookings, name="mine"),
    path("pending/", bookings.pending, name="pending"),
    path("<int:pk>/", bookings.space_detail, name="detail"),
    path("<int:pk>/book/", bookings.booking_create, name="book"),
    path("<int:pk>/book/series/", bookings.series_create, name="series"),
    path("series/<int:pk>/", bookings.series_result, name="series_result"),
    path("bookings/<int:pk>/", bookings.booking_detail, name="booking_detail"),
    path("bookings/<int:pk>/change/", bookings.booking_change, name="booking_change"),
    path("bookings/<int:pk>/cancel/", bookings.booking_cancel, name="booking_cancel"),
    path("bookings/<int:pk>/decide/", bookings.booking_decide, name="booking_decide"),
    # Availability, feeds, rules and reports (views/availability.py).
    path("<int:pk>/week/", availability.space_week, name="week"),
    path("<int:pk>/month/", availability.space_month, name="month"),
    path("calendar/reset/", availability.calendar_reset, name="calendar_reset"),
    path("ical/<str:token>/mine.ics", availability.ical_mine, name="ical_mine"),
    path("ical/<str:token>/space-<int:pk>.ics", availability.ical_space, name="ical_space"),
    path("<int:pk>/rules/", availability.space_rules, name="rules"),
    path("<int:pk>/occupancy/", availability.occupancy, name="occupancy"),
    path("<int:pk>/bookings.csv", availability.bookings_csv, name="bookings_csv"),
]
