"""查驗文件: anyone logged in checks a printed document by its verification code.

The code arrives typed or pasted in the form (/verify/?code=…, with spaces, dashes, any
case, or the whole address) or in the address the QR code holds (/verify/<code>/, which
shows the answer at once, after logging in). The answer says only whether the code was
issued, when, and for which case (number and title) or person (name): nothing of the
document's contents (governance.verification.ANSWER_FIELDS).
"""

from django import forms
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy

from . import verification
from .documents import CASE_KIND_LABELS, roc_timestamp
from .models import IssuedDocument


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("查驗碼"),
        max_length=300,
        widget=forms.TextInput(
            attrs={"size": 40, "spellcheck": "false", "autocomplete": "off", "autocapitalize": "characters"}
        ),
    )

    def clean_code(self):
        text = self.cleaned_data["code"]
        code = verification.normalize(text)
        if code is None:
            if verification.is_data_fingerprint(text):
                raise forms.ValidationError(
                    gettext_lazy(
                        "這是考績佐證的資料指紋，不是查驗碼：請輸入文件上「查驗碼」一欄的 20 個英數字；"
                        "沒有查驗碼的舊版文件，請洽人事室比對資料指紋。"
                    )
                )
            raise forms.ValidationError(
                gettext_lazy("查驗碼是 20 個英文字母與數字（空格與連字號可省略），或貼上整個查驗網址。")
            )
        return code


def _answer(document):
    """What the page may say of an issued document: its kind, when, and for which case or person."""
    if document is None:
        return None
    answer = {
        "kind": document.get_kind_display(),
        "issued_at": roc_timestamp(document.issued_at),
        "subject": document.subject,
    }
    if document.kind == IssuedDocument.Kind.CASE_TRAIL:
        answer["case_kind"] = CASE_KIND_LABELS.get(document.case_kind, document.case_kind)
        answer["case_number"] = document.case_number
    return answer


def verify(request, code=None):
    """The form, and the answer for a code in the address (the QR code's) or the form's."""
    if code is None and "code" in request.GET:
        form = CodeForm(request.GET)
        if form.is_valid():
            return redirect("verify:code", code=verification.grouped(form.cleaned_data["code"]))
        return render(request, "governance/verify.html", {"form": form})
    if code is None:
        return render(request, "governance/verify.html", {"form": CodeForm()})
    form = CodeForm({"code": code})
    if not form.is_valid():
        return render(request, "governance/verify.html", {"form": form})
    normalized = form.cleaned_data["code"]
    ctx = {
        "form": CodeForm(),
        "checked": verification.grouped(normalized),
        "answer": _answer(verification.look_up(normalized)),
    }
    return render(request, "governance/verify.html", ctx)
