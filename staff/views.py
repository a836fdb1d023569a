"""The staff task inbox: the queue, a case's workspace (the flow's "Handle the case" page), the archive."""

from __future__ import annotations

import csv
import io
import itertools

from django.contrib import messages
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.http import require_POST
from viewflow.workflow import chart
from viewflow.workflow.flow.nodes import TimerBoundary
from viewflow.workflow.models import Task

from journeys import selectors as journey_selectors
from journeys.flows import mentoring
from journeys.flows.mentoring import MentoringFlow
from journeys.flows.onboarding import OnboardingFlow
from journeys.models import Relationship
from journeys.rules import task_url as _task_url
from journeys.services import concerns
from journeys.services.base import Refused
from journeys.views.pages import relationship_page as journey_page
from project.downloads import CSV_START, CSV_TYPE, PRIVATE, csv_attachment
from project.downloads import csv_cell as _cell
from project.roles import EXPORT, SEE_FEEDBACK_AUTHORS, can, staff_required
from support import selectors as support_selectors
from support import services as support_services

from . import dashboard, forms, services
from . import reports as programme
from .flows import CaseFlow
from .models import StaffCase
from .relationship_views import relationship_page

TABS = [
    ("open", gettext_lazy("Open")),
    ("mine", gettext_lazy("Mine")),
    ("snoozed", gettext_lazy("Snoozed")),
    ("archive", gettext_lazy("Archive")),
]


ARCHIVE_ROWS = 200  # the Archive lists the latest resolved cases, and says so when there are more


def _period(request) -> tuple[forms.PeriodForm, dashboard.Period]:
    """The period asked for in the address (``start_0`` ... ``end_2``), or the last 12 months when
    none is asked for or the dates given are wrong (the form then says what is wrong)."""
    default = dashboard.default_period()
    if not any(key.startswith(("start", "end")) for key in request.GET):
        return forms.PeriodForm(initial={"start": default.start, "end": default.end}), default
    form = forms.PeriodForm(request.GET)
    if form.is_valid():
        return form, dashboard.Period(form.cleaned_data["start"], form.cleaned_data["end"])
    return form, default


@staff_required
def home(request):
    """The staff home: what needs attention now, and the programme's shape over a period in charts
    (staff.dashboard); every staff member lands here after signing in."""
    form, period = _period(request)
    query = request.GET.urlencode() if form.is_bound and form.is_valid() else ""
    context = {
        "attention": dashboard.attention(),
        "form": form,
        "period": period,
        "charts": dashboard.all_charts(period),
        "query_mark": f"?{query}" if query else "",
        "can_export": can(request.user, EXPORT),
        "with_names": can(request.user, SEE_FEEDBACK_AUTHORS),
        "nav": "staff",
    }
    return render(request, "staff/home.html", context)


def _wrong_period(request, form: forms.PeriodForm):
    """A download asked for with wrong dates is refused, not made for the last 12 months instead (a
    file nobody asked for): back to the staff home, which shows the same dates with their errors."""
    if not form.is_bound or form.is_valid():
        return None
    messages.error(request, _("Nothing was downloaded: correct the dates of the period marked below first."))
    return redirect(f"{reverse('staff_home')}?{request.GET.urlencode()}")


@staff_required(perm=EXPORT)
def home_csv(request, key: str):
    """One chart of the staff home as a spreadsheet, for the same period."""
    if key not in dashboard.CHART_KEYS:
        raise Http404("No such chart.")
    form, period = _period(request)
    if refused := _wrong_period(request, form):
        return refused
    chart = dashboard.chart(key, period)
    rows = [chart.columns, *chart.rows]
    return csv_attachment(_csv(rows), f"{key}-{period.start}-{period.end}.csv")


@staff_required(perm=EXPORT)
def feedback_csv(request):
    """Feedback comments and ratings of the period; names only for staff allowed to see them."""
    form, period = _period(request)
    if refused := _wrong_period(request, form):
        return refused
    rows = dashboard.feedback_export(period, with_names=request.user.has_perm(SEE_FEEDBACK_AUTHORS))
    return csv_attachment(_csv(rows), f"feedback-{period.start}-{period.end}.csv")


def _csv(rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return out.getvalue()


@staff_required
def inbox(request):
    tab = request.GET.get("tab", "open")
    if tab not in dict(TABS):
        tab = "open"
    today = timezone.localdate()
    open_tasks = Prefetch(
        "task_set",
        queryset=Task.objects.filter(status__in=services.OPEN_TASK).select_related("owner"),
        to_attr="open_tasks",
    )
    related = ("relationship__mentee", "relationship__mentor", "support_request", "resolved_by")
    # (the meetings: whether a quiet relationship's case has moved on, StaffCase.moved_on)
    cases = StaffCase.objects.select_related(*related).prefetch_related(open_tasks, "relationship__meetings")
    archived = None  # how many resolved cases there are, when the Archive lists only the latest of them
    if tab == "archive":
        cases = cases.filter(status__in=services.FINISHED).order_by("-finished", "-pk")[:ARCHIVE_ROWS]
    else:
        cases = cases.filter(pk__in=services.open_cases())
        if tab == "snoozed":
            cases = services.snoozed(cases, today)
        else:
            cases = services.awake(cases, today)
        if tab == "mine":
            cases = cases.filter(task__owner=request.user, task__status__in=services.OPEN_TASK)
        cases = cases.order_by("created", "pk")
    rows = []
    for case in cases:
        task = case.open_tasks[0] if getattr(case, "open_tasks", None) else None
        rows.append({"case": case, "task": task, "task_url": _task_url(task) if task else ""})
    if tab == "archive" and len(rows) == ARCHIVE_ROWS:
        archived = StaffCase.objects.filter(status__in=services.FINISHED).count()
    # "Find a case": by its number, or by the reference number a member quotes.
    find_form = forms.FindCaseForm(request.GET if "find" in request.GET else None, auto_id="find_%s")
    found = services.cases_numbered(find_form.cleaned_data["find"]) if find_form.is_valid() else None
    context = {
        "rows": rows,
        "tab": tab,
        "tabs": TABS,
        "archived": archived,
        "find_form": find_form,
        "found": found,
        "nav": "staff",
    }
    return render(request, "staff/inbox.html", context)


@staff_required
def case_record(request, pk: int):
    """A case as it stands (read-only): from the archive, or before claiming it."""
    related = ("relationship__mentee", "relationship__mentor", "support_request")
    case = get_object_or_404(StaffCase.objects.select_related(*related), pk=pk)
    task = services.handle_task(case)
    if task is not None and task.owner_id == request.user.pk:
        return redirect(_task_url(task))
    return render(request, "staff/case.html", _case_context(case, task=task, workspace=False))


@staff_required
def support_request_case(request, pk: int):
    """The case a Contact form message opened (the staff email links here: Need Help? knows its
    request, not the case staff opened for it). A message whose sender answered after its case was
    resolved has a case for each time: the link opens the one still open, else the latest."""
    cases = StaffCase.objects.filter(support_request_id=pk)
    case = cases.exclude(status__in=services.FINISHED).order_by("-pk").first() or cases.order_by("-pk").first()
    if case is None:
        raise Http404("No case for this message.")
    return redirect("staff_case", case.pk)


@staff_required
@require_POST
def claim(request, pk: int):
    case = get_object_or_404(StaffCase, pk=pk)
    # Who had the case when the page was shown ("": nobody), so that a Claim pressed on a page a moment
    # old does not take the case from a colleague who claimed it meanwhile.
    shown = request.POST.get("owner")
    from_owner = services.ANYONE if shown is None else (int(shown) if shown.isdigit() else None)
    try:
        claimed = services.claim(case, request.user, from_owner=from_owner)
    except Refused as refused:
        messages.error(request, refused.message)
        return redirect("staff_case", pk)
    if claimed.already_yours:
        messages.info(request, _("This case is already yours."))
    elif claimed.had_it is not None:
        messages.success(
            request,
            _("You have taken case %(number)s over from %(name)s.")
            % {"number": case.pk, "name": claimed.had_it.display_name},
        )
    else:
        messages.success(
            request,
            _("You have claimed case %(number)s: it is yours until you resolve it or put it back in the queue.")
            % {"number": case.pk},
        )
    return redirect(_task_url(claimed.task))


@staff_required
@require_POST
def raise_case(request, relationship_pk: int):
    relationship = get_object_or_404(Relationship, pk=relationship_pk)
    form = forms.RaiseCaseForm(request.POST)
    if not form.is_valid():
        # The page the form is on again (the staff page, or the relationship's own page, which says so
        # in ``shown_on``): the error on the field, what was typed kept.
        if request.POST.get("shown_on") == "relationship":
            rel = journey_selectors.access_relationship(request.user, relationship_pk)
            return journey_page(request, rel, raise_form=form, status=400)
        return relationship_page(request, relationship_pk, raise_form=form, status=400)
    try:
        case = services.raise_case(relationship, request.user, form.cleaned_data["reason"])
    except Refused as refused:
        messages.error(request, refused.message)
        return redirect("staff_relationship", relationship_pk)
    if case.raised_again and case.woken:
        messages.info(
            request,
            _(
                "There is already an open case about this relationship, so no second one was opened: "
                "your reason is added to it as a note, and it is no longer snoozed."
            ),
        )
    elif case.raised_again:
        messages.info(
            request,
            _(
                "There is already an open case about this relationship, so no second one was opened: "
                "your reason is added to it as a note."
            ),
        )
    else:
        messages.success(request, _("Case %(number)s is open, and it is yours.") % {"number": case.pk})
    return redirect(_task_url(services.handle_task(case)))


def _case_context(case: StaffCase, **extra) -> dict:
    relationship = case.relationship
    context = {
        "case": case,
        "relationship": relationship,
        "history": list(relationship.history.select_related("actor")) if relationship else [],
        "notes": list(case.notes.select_related("author")),
        "nav": "staff",
        **extra,
    }
    if case.support_request_id:
        account, confirmed = support_selectors.sender_account(case.support_request)
        context["conversation"] = support_selectors.conversation(case.support_request)
        context["sender_account"], context["sender_confirmed"] = account, confirmed
        context["sender_left"] = support_selectors.sender_left(case.support_request)
        context["sender_relationships"] = (
            list(
                Relationship.objects.filter(Q(mentee=account) | Q(mentor=account))
                .select_related("mentee", "mentor")
                .order_by("-created_at")[:20]
            )
            if account
            else []
        )
    if case.concern_id:
        context["concern_conversation"] = list(case.concern.replies.select_related("author"))
        context["raiser_left"] = concerns.raiser_left(case.concern)
    if relationship is not None:
        context["activity"] = {
            "messages": relationship.conversation.messages.count(),
            "meetings": relationship.meetings.count(),
            "goals": relationship.goals.count(),
            "last_activity": relationship.last_activity_at,
        }
    return context


def _no_longer_yours(task, *, sent: bool) -> str:
    """Why a case's page no longer waits on the staff member who had it (``task``: its open step, if
    any; ``sent``: they sent the page's form, which changed nothing)."""
    if task is None:
        return _("This case has been resolved, so nothing was changed.") if sent else _("This case has been resolved.")
    if task.owner_id is None:
        if sent:
            return _("This case is back in the queue, so nothing was changed. Claim it to work on it.")
        return _("This case is back in the queue. Claim it to work on it.")
    if sent:
        return _("%(name)s has this case now, so nothing was changed.") % {"name": task.owner.display_name}
    return _("%(name)s has this case now.") % {"name": task.owner.display_name}


# The text a case's form carries, given back when it was sent to a case no longer theirs (HandleCase.over).
GIVEN_BACK = {
    "note": ("note-body", gettext_lazy("Your note was not saved: “%(text)s”")),
    "reply": ("reply-body", gettext_lazy("Your reply was not sent: “%(text)s”")),
    "resolve": ("resolve-resolution", gettext_lazy("Your resolution was not saved: “%(text)s”")),
    "close": ("close-reason", gettext_lazy("Your reason for closing was not used: “%(text)s”")),
    "nudge": ("nudge-personal", gettext_lazy("Your nudge was not sent. Your line: “%(text)s”")),
}


def _give_back(request) -> None:
    """What the staff member typed in the form they sent, which changed nothing, given back to them
    (to keep, or add elsewhere): nothing is lost."""
    action = request.POST.get("action")
    if action in GIVEN_BACK:
        field, words = GIVEN_BACK[action]
        if typed := request.POST.get(field, "").strip():
            messages.info(request, words % {"text": typed})


@method_decorator(staff_required, name="dispatch")
class HandleCase(View):
    """The flow node's page: shown to the staff member who claimed the case."""

    def case(self) -> StaffCase:
        return self.request.activation.process.staffcase

    FORMS = {
        "nudge": forms.NudgeForm,
        "note": forms.NoteForm,
        "snooze": forms.SnoozeForm,
        "suggest": forms.SuggestForm,
        "close": forms.CloseForm,
        "resolve": forms.ResolveForm,
        "reply": forms.ReplyForm,
    }
    ACTIONS = (*FORMS, "release")

    def form(self, name: str, data=None):
        """One action's form; only the mentor suggestions need a query (a search), so only
        that form runs it."""
        extra = {}
        if name == "suggest":
            case = self.case()
            extra["suggestions"] = services.mentor_suggestions(case) if case.relationship_id else []
        if name == "close":
            # A request the mentor never accepted is closed as a request, not as a relationship.
            relationship = self.case().relationship
            extra["is_request"] = relationship is not None and not relationship.is_matched
        if name == "reply" and (support_request := self.case().support_request) is not None:
            extra["how_to_answer"] = support_services.how_the_sender_can_answer(support_request)
        if name == "reply" and (concern := self.case().concern) is not None:
            extra["how_to_answer"] = concerns.how_the_raiser_can_answer(concern)
        return self.FORMS[name](data, prefix=name, **extra)

    def page(self, status=200, posted=None):
        """The workspace, every action's form blank except ``posted`` (one that failed)."""
        all_forms = {
            f"{name}_form": posted if posted is not None and posted.prefix == name else self.form(name)
            for name in self.FORMS
        }
        case = self.case()
        refusal = services.why_not_suggest(case) if case.relationship_id else None
        full = _case_context(
            case, task=self.request.activation.task, workspace=True, suggest_refusal=refusal, **all_forms
        )
        return render(self.request, "staff/case.html", full, status=status)

    def get(self, request, **kwargs):
        return self.page()

    def over(self):
        """The case no longer waits on this staff member (``flows.CaseStep``): the case as it stands, and why."""
        case = get_object_or_404(StaffCase, pk=self.kwargs["process_pk"])
        sent = self.request.method == "POST"
        messages.info(self.request, _no_longer_yours(services.handle_task(case), sent=sent))
        if sent:
            _give_back(self.request)
        return redirect("staff_case", case.pk)

    def post(self, request, **kwargs):
        action = request.POST.get("action")
        if action not in self.ACTIONS:
            messages.error(request, _("That is not something this page can do."))
            return self.page()
        case = self.case()
        if action == "release":
            services.release(case, request.user)
            messages.success(request, _("The case is back in the queue."))
            return redirect("staff_inbox")
        form = self.form(action, request.POST)
        if not form.is_valid():
            return self.page(status=400, posted=form)
        data = form.cleaned_data
        try:
            if action == "nudge":
                services.nudge(case, request.user, data["who"], data["personal"])
                done = _("Nudge sent.")
            elif action == "note":
                services.note(case, request.user, data["body"])
                done = _("Note added.")
            elif action == "snooze":
                services.snooze(case, request.user, data["until"])
                messages.success(request, _("Case snoozed. It is under Snoozed until then."))
                return redirect("staff_inbox")
            elif action == "reply" and case.concern_id:
                reply = services.reply_to_raiser(case, request.user, data["body"])
                done = _("Reply sent to %(name)s and kept on the case.") % {"name": case.concern.raised_by.display_name}
            elif action == "reply":
                reply = services.reply_to_sender(case, request.user, data["body"])
                done = _("Reply sent and kept on the case.")
            elif action == "suggest":
                services.suggest_mentors(case, request.user, data["mentors"])
                done = _("Suggestions sent to the mentee.")
            elif action == "close":
                if refusal := services.why_not_close(case):  # before the confirmation page, not after it
                    messages.error(request, refusal)
                    return redirect(request.path)
                if request.POST.get("confirmed") != "yes":  # a page of its own first (no JavaScript needed)
                    return render(
                        request,
                        "staff/confirm_close.html",
                        {"case": case, "relationship": case.relationship, "reason": data["reason"], "nav": "staff"},
                    )
                closed = services.close_relationship(case, request.user, data["reason"])
                if closed.is_matched:
                    done = _(
                        "The relationship is closed and both participants have been told. Resolve the case when done."
                    )
                else:
                    done = _("The request is closed and both participants have been told. Resolve the case when done.")
            else:
                services.resolve(case, request.user, data["resolution"])
                messages.success(request, _("Case resolved. It is in the archive."))
                return redirect("staff_inbox")
        except Refused as refused:
            if action == "close" and services.why_not_close(case):
                # The page no longer offers the close form once the relationship has ended: say why above it.
                messages.error(request, refused.message)
                return redirect(request.path)
            if action == "reply" and (
                concerns.raiser_left(case.concern)
                if case.concern_id
                else support_selectors.sender_left(case.support_request)
            ):
                # Nor the reply form once the sender deleted their account: why, above it, and the reply given back.
                messages.error(request, refused.message)
                _give_back(request)
                return redirect(request.path)
            form.add_error(None, refused.message)
            return self.page(status=400, posted=form)
        if action == "reply" and getattr(reply, "already_sent", False):
            done = _("You had already sent this reply at %(time)s, so it was not sent again.") % {
                "time": date_format(timezone.localtime(reply.at), "TIME_FORMAT")
            }
        messages.success(request, done)
        return redirect(request.path)


def _report_period(request) -> tuple[forms.ReportPeriodForm, str]:
    """The reports' period asked for in the address, or the last 90 days when none is asked for or
    the one given is not in the list (the form then says so on its field)."""
    if "period" not in request.GET:
        return forms.ReportPeriodForm(initial={"period": "90"}), "90"
    form = forms.ReportPeriodForm(request.GET)
    return form, form.cleaned_data["period"] if form.is_valid() else "90"


@staff_required
def reports(request):
    form, period = _report_period(request)
    context = {
        "report": programme.build(period),
        "form": form,
        "can_export": can(request.user, EXPORT),
        "nav": "staff",
    }
    return render(request, "staff/reports.html", context)


class _Echo:
    def write(self, value):
        return value


@staff_required(perm=EXPORT)
def reports_csv(request):
    """Every relationship (whatever the period): a period in the address that is not in the list is
    refused all the same, back to the reports page that marks it, rather than ignored."""
    form, _period = _report_period(request)
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Nothing was downloaded: choose a period from the list first."))
        return redirect(f"{reverse('staff_reports')}?{request.GET.urlencode()}")
    writer = csv.writer(_Echo())
    rows = (writer.writerow([_cell(v) for v in row]) for row in [programme.CSV_HEADER, *programme.relationship_rows()])
    response = StreamingHttpResponse(itertools.chain([CSV_START], rows), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="relationships-{timezone.localdate().isoformat()}.csv"'
    response["Cache-Control"] = PRIVATE  # as project.downloads.attachment says of every download
    return response


JOURNEYS = {"mentoring": MentoringFlow, "onboarding": OnboardingFlow, "case": CaseFlow}
ALSO = {"mentoring": mentoring.ALSO}  # what each journey does outside its steps (sweeps, ends)


# viewflow draws its boxes 150 units wide with 12-unit text and scales the drawing to fit its box:
# squeezed into the page, the mentoring diagram's text came out about 5 pixels high. The diagrams are
# drawn at a fixed scale instead (text about 14 pixels high), each in a full-width box that scrolls
# sideways when the diagram is wider than the page.
DIAGRAM_SCALE = 1.2


def _diagram(flow) -> tuple[str, int, int]:
    """A flow's SVG at DIAGRAM_SCALE, and its width and height in pixels."""
    grid = chart.calc_layout_data(flow)
    width, height = round(grid.width * DIAGRAM_SCALE), round(grid.height * DIAGRAM_SCALE)
    svg = chart.grid_to_svg(grid).replace('width="100%" height="100%"', f'width="{width}" height="{height}"', 1)
    return svg, width, height


def _waits(flow) -> list[dict]:
    """Each timer on a step, in words: the step, how long it waits (the timer's title, read from the
    settings: "3 days", "never (off)") and what happens then. The diagram draws a timer as a clock whose
    days are only its tooltip in the SVG, which the page's image never shows."""
    waits = []
    for node in flow.instance.nodes():
        if getattr(node, "task_type", "") != "HUMAN":
            continue
        for event in getattr(node, "_boundary_events", ()):
            if isinstance(event, TimerBoundary):
                waits.append(
                    {
                        "step": node.task_title,
                        "after": event.task_title,
                        "then": event._next.task_title,
                        "ends_step": event._interrupting,
                    }
                )
    return waits


@staff_required
def journey_maps(request):
    """The declared journeys as diagrams generated from the flow code."""
    items = [
        {
            "title": flow.process_title,
            "description": flow.process_description,
            "chart_url": reverse("journey_diagram", args=[name]),
            "size": _diagram(flow)[1:],
            "steps": [node for node in flow.instance.nodes() if getattr(node, "task_type", "") == "HUMAN"],
            "waits": _waits(flow),
            "also": ALSO.get(name, ()),
        }
        for name, flow in JOURNEYS.items()
    ]
    return render(request, "journeys/staff/journey_maps.html", {"flows": items})


@staff_required
def journey_diagram(request, name: str):
    """One flow's diagram (viewflow's own drawing), for every programme staff member: viewflow's
    chart page asks for the flow's model permission, which staff accounts need not have."""
    flow = JOURNEYS.get(name)
    if flow is None:
        raise Http404("No such journey.")
    return HttpResponse(_diagram(flow)[0], content_type="image/svg+xml")
