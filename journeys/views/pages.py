"""Participants' pages around a relationship: thin views over services and selectors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from people.models import Profile
from people.selectors import access_mentor
from project.downloads import attachment

from .. import events, record, rules, selectors
from ..forms import (
    GoalEntryForm,
    GoalForm,
    MeetingForm,
    MessageForm,
    OptionalReasonForm,
    ReasonForm,
    RequestForm,
)
from ..models import MATCHED_STATES, State
from ..services import activity, relationships
from ..services.base import RateLimited, Refused, why_not
from . import confirm

User = get_user_model()


def _mentor_or_404(viewer, user_id: int, *, areas: bool = True):
    """The mentor's user, if the viewer may see them as a mentor (``people.selectors.access_mentor``)."""
    return access_mentor(viewer, user_id, areas=areas).user


# -- Relationships ------------------------------------------------------------


@login_required
def relationship_list(request):
    as_mentee, as_mentor = selectors.relationships_for(request.user)
    profile = Profile.objects.filter(user=request.user).first()
    suggestions = []
    # Suggested while no request waits for a mentor and no relationship is under way: a withdrawn
    # request (which could be reinstated) waits for nobody, and its mentor is not suggested again.
    waiting_or_matched = any(r.state == State.REQUESTED or r.state in MATCHED_STATES for r in as_mentee)
    if profile and profile.is_mentee and profile.is_complete and not waiting_or_matched:
        suggestions = selectors.suggested_mentors(request.user)
    return render(
        request,
        "journeys/relationships.html",
        {
            "as_mentee": as_mentee,
            "as_mentor": as_mentor,
            # Active relationships first; ended ones (declined, completed, withdrawn, closed) in their own section.
            "mentors_active": [r for r in as_mentee if not r.is_ended],
            "mentors_ended": [r for r in as_mentee if r.is_ended],
            "mentees_active": [r for r in as_mentor if not r.is_ended],
            "mentees_ended": [r for r in as_mentor if r.is_ended],
            "profile": profile,
            "hours_statement": bool(as_mentor)
            and record.hours_are_theirs(
                request.user, is_mentor=bool(profile and profile.is_mentor), as_mentor=as_mentor
            ),
            "onboarding": selectors.onboarding_step(request.user),
            "questions": selectors.question_threads(request.user),
            "suggestions": suggestions,
            "invitations": events.invitations_for(request.user),
            "nav": "relationships",
        },
    )


@login_required
def relationship_detail(request, pk: int):
    return relationship_page(request, selectors.access_relationship(request.user, pk))


def relationship_page(request, rel, *, raise_form=None, status: int = 200):
    """The relationship's page. Staff who are not in it see a form to open a case about it; a reason
    refused there (``staff.views.raise_case``) shows this page again with ``raise_form``: the error on
    the field, what was typed kept."""
    role = rel.role_of(request.user)
    other = rel.other(request.user) if role else None
    return render(
        request,
        "journeys/relationship.html",
        {
            "relationship": rel,
            "role": role,
            "other": other,
            "other_away": rules.deactivated(other) and not rel.is_ended,
            "history": rel.history.select_related("actor"),
            "next_url": selectors.next_step_url(request.user, rel) if role else None,
            "meetings": rel.meetings.filter(cancelled_at__isnull=True),
            "goals": rel.goals.all(),
            "feedback": selectors.visible_feedback(request.user, rel),
            "feedback_authors": selectors.feedback_authors_visible(request.user, rel),
            "can_withdraw": role and rel.state in MATCHED_STATES,
            "read_only": rules.why_read_only(rel),
            "can_edit_request": role == "mentee" and rel.state == State.REQUESTED,
            "can_withdraw_request": role == "mentee" and rel.state == State.REQUESTED,
            # the request waits for a mentor who has filled their places since: they cannot accept it as things are
            "mentor_full": role == "mentee" and rel.state == State.REQUESTED and not rules.mentor_has_capacity(rel),
            "can_reinstate": role == "mentee" and rel.state == State.REQUEST_WITHDRAWN,
            "reinstate_blocked": why_not(rel, "reinstate") if rel.state == State.REQUEST_WITHDRAWN else None,
            "staff_cases": list(rel.staff_cases.order_by("-created")) if request.user.is_staff else [],
            # "Raise a concern": the raiser's own only; the other person never sees them.
            "my_concerns": list(rel.concerns.filter(raised_by=request.user).prefetch_related("replies"))
            if role
            else [],
            # Matched, the mentee is offered to withdraw their other requests still waiting.
            "other_requests": selectors.other_open_requests(rel)
            if role == "mentee" and rel.state in MATCHED_STATES
            else [],
            "raise_form": raise_form,
            "nav": "relationships",
        },
        status=status,
    )


@login_required
def next_step(request, pk: int):
    rel = selectors.access_relationship(request.user, pk)
    url = selectors.next_step_url(request.user, rel)
    if url:
        return redirect(url)
    if rel.role_of(request.user) is not None and not rel.is_ended:
        messages.info(
            request,
            _("Nothing is waiting on you here right now: it is %(name)s's turn.")
            % {"name": rel.other(request.user).display_name},
        )
    return redirect("relationship", rel.pk)


@login_required
def withdraw(request, pk: int):
    rel = selectors.access_party_relationship(request.user, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            relationships.withdraw(rel, request.user, form.cleaned_data["reason"])
        except Refused as refused:
            messages.error(request, refused.message)
        else:
            if rules.deactivated(rel.other(request.user)):
                done = _("You have withdrawn from this relationship. The programme team has been told.")
            else:
                done = _("You have withdrawn from this relationship. The other person has been told.")
            messages.success(request, done)
            return redirect("relationship", rel.pk)
    other = rel.other(request.user)
    return render(
        request,
        "journeys/withdraw.html",
        {
            "relationship": rel,
            "form": form,
            "other": other,
            "other_away": rules.deactivated(other),
            # The page promises cancellations only for meetings there are to cancel (those the service cancels).
            "meetings_to_come": rel.meetings.filter(rules.meeting_to_come_q(timezone.now())).count(),
            "nav": "relationships",
        },
    )


# -- Requests -----------------------------------------------------------------


@login_required
def request_new(request, user_id: int):
    # Sending shows no page of the mentor's areas (a preview or the form reads them when shown).
    mentor = _mentor_or_404(request.user, user_id, areas="send" not in request.POST)
    if request.method == "POST":
        form = RequestForm(request.POST)
        status = 200
        refusal = None
        if form.is_valid():
            if "send" in request.POST:
                try:
                    rel = relationships.send_request(
                        request.user, mentor, form.cleaned_data["area"], form.cleaned_data["statement"]
                    )
                except RateLimited as refused:  # for now: Send Request works again later
                    messages.error(request, refused.message)
                    status = 429
                except Refused as refused:
                    # Sent twice (a double click, Back and Send again) or already open: the one there is.
                    if existing := selectors.open_relationship_between(request.user, mentor):
                        messages.info(request, refused.message)
                        return redirect("relationship", existing.pk)
                    # The mentor can no longer be asked (paused, away or full since the form was shown...):
                    # said on the page, the request kept to read and copy, and no Send Request that cannot work.
                    refusal = refused.message
                else:
                    messages.success(
                        request, _("Your request has been sent to %(name)s.") % {"name": mentor.display_name}
                    )
                    return redirect("relationship", rel.pk)
            if "edit" not in request.POST:
                return render(
                    request,
                    "journeys/request_preview.html",
                    {
                        "form": form,
                        "mentor": mentor,
                        "declined": selectors.last_decline(request.user, mentor),
                        "refusal": refusal,
                        "nav": "find",
                    },
                    status=status,
                )
    else:
        # A request that cannot be sent now (the mentor away, paused or full, one already open...) is
        # said at once, in the service's words, with no form to fill in for nothing.
        refusal = relationships.why_request_refused(request.user, mentor)
        if refusal:
            return render(request, "journeys/request_form.html", {"refusal": refusal, "mentor": mentor, "nav": "find"})
        initial = {}
        profile = getattr(request.user, "profile", None)
        if profile:
            first_area = profile.areas.first()
            if first_area:
                initial["area"] = first_area
        form = RequestForm(initial=initial)
    # A mentor who declined them before: said, with the date, before they ask again (not refused).
    declined = selectors.last_decline(request.user, mentor)
    return render(
        request, "journeys/request_form.html", {"form": form, "mentor": mentor, "declined": declined, "nav": "find"}
    )


@login_required
def request_edit(request, pk: int):
    rel = selectors.access_party_relationship(request.user, pk)
    if rel.role_of(request.user) != "mentee":
        raise Http404
    if request.method == "POST":
        form = RequestForm(request.POST)
        if form.is_valid():
            try:
                relationships.edit_request(rel, request.user, form.cleaned_data["area"], form.cleaned_data["statement"])
            except Refused as refused:
                messages.error(request, refused.message)
            else:
                messages.success(request, _("Your request has been updated and your mentor told."))
                return redirect("relationship", rel.pk)
    else:
        form = RequestForm(initial={"area": rel.area, "statement": rel.statement})
    return render(
        request,
        "journeys/request_form.html",
        {"form": form, "mentor": rel.mentor, "relationship": rel, "nav": "relationships"},
    )


@login_required
@require_POST
def request_withdraw(request, pk: int):
    rel = selectors.access_party_relationship(request.user, pk)
    form = OptionalReasonForm(request.POST)
    if not form.is_valid():  # the confirmation page again: the error on the field, the reason kept
        return confirm.request_withdraw_page(request, rel, form)
    try:
        relationships.withdraw_request(rel, request.user, form.cleaned_data["reason"])
    except Refused as refused:
        # On the relationship's page, where it stands now (not back to the confirmation page, which
        # would add a second, vaguer refusal of its own).
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Your request has been withdrawn. You can reinstate it later."))
    return redirect("relationship", rel.pk)


@login_required
@require_POST
def request_reinstate(request, pk: int):
    rel = selectors.access_party_relationship(request.user, pk)
    relationships.reinstate_request(rel, request.user)
    messages.success(request, _("Your request has been reinstated."))
    return redirect("relationship", rel.pk)


# -- Messages and questions ------------------------------------------------------


def _thread(request, conversation, relationship=None):
    read_only = rules.why_conversation_read_only(conversation)
    form = MessageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and read_only:
        messages.error(request, read_only)
        return redirect(request.path)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            activity.send_message(
                conversation, request.user, form.cleaned_data["body"], form.cleaned_data["attachment"]
            )
        except RateLimited as refused:
            form.add_error(None, refused.message)
            status = 429
        except Refused as refused:
            form.add_error("attachment" if request.FILES else None, refused.message)
        else:
            messages.success(request, _("Message sent."))
            return redirect(request.path)
    if form.errors and status == 200:  # refused: the page again, the error on its field, what was typed kept
        status = 400
    other = conversation.other(request.user)
    return render(
        request,
        "journeys/messages.html",
        {
            "conversation": conversation,
            "relationship": relationship,
            "other": other,
            "thread": conversation.messages.select_related("sender", "attachment"),
            "form": form,
            "read_only": read_only,
            "nav": "relationships",
        },
        status=status,
    )


@login_required
def relationship_messages(request, pk: int):
    rel = selectors.access_party_relationship(request.user, pk)
    conversation = rel.conversation
    # The pair's conversation is between the same two people, read already (with their profiles: the
    # email telling of a message says what its reader takes part as).
    conversation.mentee, conversation.mentor = rel.mentee, rel.mentor
    return _thread(request, conversation, rel)


@login_required
def conversation(request, pk: int):
    """A thread of messages. Once it belongs to a relationship (a question, then a request), its page is
    the relationship's Messages, with the relationship's header and links: a new message's email links
    here, and lands there."""
    conversation = selectors.access_conversation(request.user, pk)
    if request.method == "GET" and (rel := conversation.relationships.order_by("-created_at", "-pk").first()):
        return redirect("messages", rel.pk)
    return _thread(request, conversation)


@login_required
def ask_question(request, user_id: int):
    mentor = _mentor_or_404(request.user, user_id)
    # A question that cannot be asked (oneself) is said at once, in the service's words, with no form.
    refusal = activity.why_question_refused(request.user, mentor)
    if refusal:
        return render(request, "journeys/ask_question.html", {"refusal": refusal, "mentor": mentor, "nav": "find"})
    form = MessageForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            message = activity.ask_question(
                request.user, mentor, form.cleaned_data["body"], form.cleaned_data["attachment"]
            )
        except RateLimited as refused:
            form.add_error(None, refused.message)
            status = 429
        except Refused as refused:
            form.add_error("attachment" if request.FILES else None, refused.message)
        else:
            messages.success(request, _("Your question has been sent to %(name)s.") % {"name": mentor.display_name})
            return redirect("conversation", message.conversation_id)
    if form.errors and status == 200:  # refused: the page again, the error on its field, what was typed kept
        status = 400
    return render(request, "journeys/ask_question.html", {"form": form, "mentor": mentor, "nav": "find"}, status=status)


@login_required
def download_attachment(request, pk: int):
    attachment = selectors.access_attachment(request.user, pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is no longer available") from None
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.download_name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# -- Meet / Video ------------------------------------------------------------------


@login_required
def meetings(request, pk: int):
    rel = selectors.access_party_relationship(request.user, pk)
    return render(
        request,
        "journeys/meetings.html",
        {
            "relationship": rel,
            "other": rel.other(request.user),
            "meetings": rel.meetings.all(),
            "nav": "relationships",
            "can_create": rel.state in MATCHED_STATES,
            "read_only": rules.why_read_only(rel),
        },
    )


@login_required
def meeting_new(request, pk: int):
    rel = selectors.access_party_relationship(request.user, pk)
    if read_only := rules.why_read_only(rel):
        messages.error(request, read_only)
        return redirect("meetings", rel.pk)
    other = rel.other(request.user)
    other_away = rules.deactivated(other)
    form = MeetingForm(request.POST or None, initial={"send_details": True}, relationship=rel, other_away=other_away)
    if request.method == "POST" and form.is_valid():
        try:
            activity.create_meeting(
                rel,
                request.user,
                **form.meeting_fields(),
                send_details=form.cleaned_data.get("send_details", False),
                arranged_elsewhere=form.cleaned_data["arranged_elsewhere"],
                submission=form.cleaned_data.get("submission"),
            )
        except Refused as refused:
            messages.error(request, refused.message)
        else:
            if other_away:
                messages.success(
                    request,
                    _("Meeting saved. %(name)s is not taking part for now, so no email was sent to them.")
                    % {"name": other.display_name},
                )
            else:
                messages.success(request, _("Meeting saved."))
            return redirect("meetings", rel.pk)
    return render(
        request,
        "journeys/meeting_form.html",
        {"relationship": rel, "other": other, "other_away": other_away, "form": form, "nav": "relationships"},
    )


@login_required
def meeting_edit(request, pk: int):
    meeting = selectors.access_meeting(request.user, pk)
    rel = meeting.relationship
    if read_only := rules.why_read_only(rel):
        messages.error(request, read_only)
        return redirect("meetings", rel.pk)
    if refusal := rules.why_change_refused(meeting):
        # Said on opening, not after the person has filled the form in.
        messages.error(request, refusal)
        return redirect("meeting", meeting.pk)
    other = rel.other(request.user)
    other_away = rules.deactivated(other)
    if request.method == "POST":
        form = MeetingForm(request.POST, relationship=rel, keeping=meeting, other_away=other_away)
        if form.is_valid():
            try:
                activity.update_meeting(
                    meeting,
                    request.user,
                    send_details=form.cleaned_data.get("send_details", False),
                    **form.meeting_fields(),
                )
            except Refused as refused:
                messages.error(request, refused.message)
            else:
                if other_away:
                    messages.success(
                        request,
                        _("Meeting updated. %(name)s is not taking part for now, so no email was sent to them.")
                        % {"name": other.display_name},
                    )
                else:
                    messages.success(request, _("Meeting updated."))
                return redirect("meetings", rel.pk)
    else:
        from django.utils import timezone

        local = timezone.localtime(meeting.starts_at)
        form = MeetingForm(
            relationship=rel,
            keeping=meeting,
            other_away=other_away,
            initial={
                "date": local.date(),
                "start_time": local.strftime("%H:%M"),
                "duration": meeting.duration_minutes,
                "title": meeting.title,
                "location": meeting.location,
                "details": meeting.details,
                "video": meeting.video,
                "send_details": True,
            },
        )
    return render(
        request,
        "journeys/meeting_form.html",
        {
            "relationship": rel,
            "other": other,
            "other_away": other_away,
            "form": form,
            "meeting": meeting,
            "nav": "relationships",
        },
    )


@login_required
@require_POST
def meeting_cancel(request, pk: int):
    meeting = selectors.access_meeting(request.user, pk)
    try:
        activity.cancel_meeting(meeting, request.user, send_details=bool(request.POST.get("send_details", "1")))
    except Refused as refused:  # on Meet / Video, where the button was (not back to the confirmation page)
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Meeting cancelled."))
    return redirect("meetings", meeting.relationship_id)


@login_required
def meeting_ics(request, pk: int):
    from notifications.ics import meeting_invite

    meeting = selectors.access_meeting(request.user, pk)
    invite = meeting_invite(meeting, cancelled=bool(meeting.cancelled_at))
    return attachment(invite, "text/calendar", f"meeting-{meeting.pk}.ics")


# -- Goals -------------------------------------------------------------------------


@login_required
def goals(request, pk: int):
    rel = selectors.access_party_relationship(request.user, pk)
    form = GoalForm(request.POST or None, prefix="goal")  # a new goal
    if request.method == "POST" and form.is_valid():
        try:
            activity.create_goal(rel, request.user, **form.goal_fields())
        except Refused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("Goal successfully saved."))
            return redirect("goals", rel.pk)
    return _goals_page(request, rel, form=form)


def _goals_page(request, rel, *, form=None, entry_form=None, entry_goal=None):
    """The Goals page; ``entry_form``: a milestone, review or outcome refused, shown again on
    ``entry_goal`` with what was typed and why."""
    goals = list(selectors.goals_for(rel))
    owners = {goal.owner_id for goal in goals}
    return render(
        request,
        "journeys/goals.html",
        {
            "relationship": rel,
            "other": rel.other(request.user),
            "form": form or GoalForm(prefix="goal"),
            "goals": goals,
            # The list's heading says whose goals they are: the other person's are not "Your goals".
            "goals_of": "mine"
            if owners <= {request.user.pk}
            else "theirs"
            if request.user.pk not in owners
            else "both",
            "entry_form": GoalEntryForm(prefix="entry"),
            "failed_entry": entry_form,
            "failed_entry_goal_id": entry_goal.pk if entry_goal else None,
            "can_change": rel.state in MATCHED_STATES,
            "read_only": rules.why_read_only(rel),
            "nav": "relationships",
        },
    )


@login_required
def goal_edit(request, pk: int):
    goal = selectors.access_goal(request.user, pk)
    rel = goal.relationship
    if goal.owner_id != request.user.pk:
        messages.error(request, _("Only the person who set this goal can change it; you can view it."))
        return redirect("goals", rel.pk)
    if read_only := rules.why_read_only(rel):
        messages.error(request, read_only)
        return redirect("goals", rel.pk)
    if request.method == "POST":
        form = GoalForm(request.POST, prefix="goal", keeping=goal)
        if form.is_valid():
            activity.update_goal(goal, request.user, **form.goal_fields())
            messages.success(request, _("Goal updated."))
            return redirect("goals", rel.pk)
    else:
        form = GoalForm(
            prefix="goal",
            keeping=goal,
            initial={
                "label": goal.label,
                "details": goal.details,
                "due_date": goal.due_date,
                "no_due_date": goal.due_date is None,
            },
        )
    return render(
        request, "journeys/goal_form.html", {"relationship": rel, "goal": goal, "form": form, "nav": "relationships"}
    )


@login_required
@require_POST
def goal_action(request, pk: int, action: str):
    goal = selectors.access_goal(request.user, pk)
    rel = goal.relationship
    if rel.role_of(request.user) is None:
        raise Http404
    if action == "complete":
        activity.complete_goal(goal, request.user)
        messages.success(request, _("Goal marked as complete. Well done!"))
    elif action == "delete":
        activity.delete_goal(goal, request.user)
        messages.success(request, _("Goal deleted."))
    elif action == "entry":
        form = GoalEntryForm(request.POST, prefix="entry")
        if not form.is_valid():  # the Goals page again: the error on the field, nothing typed lost
            return _goals_page(request, rel, entry_form=form, entry_goal=goal)
        activity.add_goal_entry(goal, request.user, kind=form.cleaned_data["kind"], text=form.cleaned_data["text"])
        added = {"milestone": _("Milestone added."), "review": _("Review added."), "outcome": _("Outcome added.")}
        messages.success(request, added[form.cleaned_data["kind"]])
    else:
        raise Http404
    return redirect("goals", rel.pk)


@login_required
def goal_pdf(request, pk: int):
    from ..pdf import goal_pdf as render_pdf

    goal = selectors.access_goal(request.user, pk)
    return attachment(render_pdf(goal), "application/pdf", f"goal-{goal.pk}.pdf")


@login_required
def tool(request, pk: int, name: str):
    rel = selectors.access_party_relationship(request.user, pk)
    if name in ("swot", "gstar"):  # worksheets now (journeys.views.worksheets); old links still work
        return redirect("worksheet", rel.pk, name)
    if name != "smart":
        raise Http404
    return render(
        request,
        f"journeys/tools/{name}.html",
        {"relationship": rel, "other": rel.other(request.user), "nav": "relationships"},
    )
