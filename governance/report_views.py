"""Reports the 管考 office prints for meetings: the quarterly tracking report (季列管報告)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from .documents import pdf_response
from .tracking_report import may_download_tracking_report, tracking_report_document


@login_required
def tracking_report_pdf_view(request):
    """The quarter's tracking report as PDF: the 管考 office, the director or deputy, auditors."""
    if not may_download_tracking_report(request.user):
        raise PermissionDenied
    return pdf_response(tracking_report_document())
