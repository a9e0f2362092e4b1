from allauth.account.signals import email_confirmed
from django.dispatch import receiver


@receiver(email_confirmed)
def join_municipality_by_domain(sender, request, email_address, **kwargs):
    from cocreation.organisations.services import membership_join_by_domain

    membership_join_by_domain(user=email_address.user, email=email_address.email)
