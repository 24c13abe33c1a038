"""Login lockout (django-axes): by username and address together, and by address alone.

axes compares every lockout parameter combination with one failure limit. The address alone
needs a higher one (people share addresses), so this handler counts the address's failures
itself and reports the pair's limit as reached when the address reaches its own,
settings.AXES_ADDRESS_FAILURE_LIMIT. Records, cool-off, reset on success and the admin's
unlock commands are axes's own.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


class AddressLimitHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None):
        failures = super().get_failures(request, credentials)
        address = getattr(request, "axes_ip_address", None)
        if address is None:
            return failures
        attempts = AccessAttempt.objects.filter(ip_address=address)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        from_address = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
        if from_address >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            request.axes_address_locked = True  # the lockout page says it is the address
            return max(failures, get_failure_limit(request, credentials))
        return failures


def client_address(request):
    """The client's address: REMOTE_ADDR, or behind settings.AXES_IPWARE_PROXY_COUNT reverse
    proxies the address that many entries from the right of X-Forwarded-For (each proxy
    appends the address it was reached from; entries further left are the client's to forge).
    axes would do this through django-ipware, which is not installed: this keeps to one rule
    and no extra package."""
    count = settings.AXES_IPWARE_PROXY_COUNT or 0
    if count:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")
