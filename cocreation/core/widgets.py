"""The form widgets every app uses: the browser's own date and time pickers, which work
without JavaScript and with the keyboard, and send ISO values the forms parse."""

from django import forms


class DateInput(forms.DateInput):
    """<input type="date">, value as 2020-12-18."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    """<input type="time">, value as 13:30 (minutes, no seconds)."""

    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    """<input type="datetime-local">, value as 2020-12-18T13:30 (JST, the site's zone)."""

    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    """A file input that accepts several files at once."""

    allow_multiple_selected = True
