"""The notifications the staff exchange sends: each decision tells the other party, in
plain text (mail through LGWAN gateways loses links and HTML)."""

from django.utils.translation import gettext_lazy as _

from cocreation.notifications.kinds import NotificationKind, register

APPLICATION_RECEIVED = register(
    NotificationKind(
        "exchange.application_received",
        _("Staff exchange: %(person)s asks to take part in %(placement)s"),
        _(
            "%(person)s (%(organisation)s, %(department)s) applied to the placement "
            "%(placement)s offered by %(host)s (%(period)s).\n\n"
            "Motivation:\n%(motivation)s\n\n"
            "A secondment is the employer's decision: approve or refuse their taking part on "
            "the portal's staff exchange page (a refusal needs a reason)."
        ),
    )
)
EMPLOYER_APPROVED = register(
    NotificationKind(
        "exchange.employer_approved",
        _("Staff exchange: %(organisation)s approved %(person)s's taking part"),
        _(
            "%(organisation)s approved %(person)s's taking part in the placement "
            "%(placement)s (%(host)s, %(period)s).\n"
            "The host now accepts or declines the application on the portal's staff "
            "exchange page."
        ),
    )
)
EMPLOYER_REFUSED = register(
    NotificationKind(
        "exchange.employer_refused",
        _("Staff exchange: %(organisation)s did not approve taking part in %(placement)s"),
        _(
            "%(organisation)s did not approve %(person)s's taking part in the placement "
            "%(placement)s (%(host)s).\nReason: %(reason)s"
        ),
    )
)
HOST_ACCEPTED = register(
    NotificationKind(
        "exchange.host_accepted",
        _("Staff exchange: %(host)s accepted %(person)s for %(placement)s"),
        _(
            "%(host)s accepted %(person)s (%(organisation)s) for the placement %(placement)s.\n"
            "Period: %(period)s\nDays per week: %(days)s\nWay of working: %(mode)s\n"
            "Mentor: %(mentor)s\nRoom for on-site days: %(room)s"
        ),
    )
)
HOST_DECLINED = register(
    NotificationKind(
        "exchange.host_declined",
        _("Staff exchange: %(host)s declined %(person)s for %(placement)s"),
        _(
            "%(host)s declined the application of %(person)s (%(organisation)s) to the "
            "placement %(placement)s.\nReason: %(reason)s"
        ),
    )
)
REPORT_PUBLISHED = register(
    NotificationKind(
        "exchange.report_published",
        _("Staff exchange: your report on %(placement)s was published"),
        _("%(host)s published your report on the placement %(placement)s on the portal."),
    )
)
