from django.urls import path

from .views import confirm, email_answer, other_requests, record, worksheets
from .views import meetings as m
from .views import pages as v

urlpatterns = [
    path("relationships/", v.relationship_list, name="relationships"),
    path("relationships/<int:pk>/", v.relationship_detail, name="relationship"),
    path("relationships/<int:pk>/next/", v.next_step, name="next_step"),
    path("relationships/<int:pk>/withdraw/", v.withdraw, name="withdraw"),
    path("relationships/<int:pk>/request/edit/", v.request_edit, name="request_edit"),
    path("relationships/<int:pk>/request/withdraw/", v.request_withdraw, name="request_withdraw"),
    path("relationships/<int:pk>/request/reinstate/", v.request_reinstate, name="request_reinstate"),
    path("relationships/<int:pk>/messages/", v.relationship_messages, name="messages"),
    path("relationships/<int:pk>/meet/", v.meetings, name="meetings"),
    path("relationships/<int:pk>/meet/new/", v.meeting_new, name="meeting_new"),
    path("relationships/<int:pk>/goals/", v.goals, name="goals"),
    path("relationships/<int:pk>/goals/<str:name>/", v.tool, name="tool"),
    path("meetings/<int:pk>/edit/", v.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/cancel/", v.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:pk>/invite.ics", v.meeting_ics, name="meeting_ics"),
    path("goals/<int:pk>/edit/", v.goal_edit, name="goal_edit"),
    path("goals/<int:pk>/pdf/", v.goal_pdf, name="goal_pdf"),
    path("goals/<int:pk>/<str:action>/", v.goal_action, name="goal_action"),
    # Accept or decline a request from its email: the signed token is the authority (journeys.answer_links)
    path("requests/answer/<str:token>/", email_answer.answer_from_email, name="answer_from_email"),
    # Once matched: the mentee's other open requests, each withdrawn in one click
    path("relationships/<int:pk>/other-requests/", other_requests.other_requests, name="other_requests"),
    path("mentors/<int:user_id>/request/", v.request_new, name="request_new"),
    path("mentors/<int:user_id>/question/", v.ask_question, name="ask_question"),
    path("conversations/<int:pk>/", v.conversation, name="conversation"),
    path("files/<int:pk>/", v.download_attachment, name="attachment"),
    # worksheets (SWOT, G-STAR), the record, "Raise a concern", confirmation pages
    path("relationships/<int:pk>/worksheets/<str:kind>/", worksheets.worksheet, name="worksheet"),
    path(
        "relationships/<int:pk>/worksheets/<str:kind>/versions/<int:number>/",
        worksheets.worksheet_version,
        name="worksheet_version",
    ),
    path("relationships/<int:pk>/worksheets/<str:kind>/pdf/", worksheets.worksheet_pdf, name="worksheet_pdf"),
    path("worksheets/<int:pk>/", worksheets.worksheet_open, name="worksheet_open"),
    path("relationships/<int:pk>/proposal/", record.proposal, name="proposal"),
    path("relationships/<int:pk>/cpd.pdf", record.cpd_pdf, name="cpd_pdf"),
    path("relationships/<int:pk>/concern/", record.raise_concern, name="raise_concern"),
    path("concerns/<int:pk>/", record.concern, name="concern"),
    path("record/mentoring-hours.pdf", record.hours_pdf, name="mentoring_hours_pdf"),
    path("goals/<int:pk>/delete/confirm/", confirm.goal_delete_confirm, name="goal_delete_confirm"),
    path("meetings/<int:pk>/cancel/confirm/", confirm.meeting_cancel_confirm, name="meeting_cancel_confirm"),
    path(
        "relationships/<int:pk>/request/withdraw/confirm/",
        confirm.request_withdraw_confirm,
        name="request_withdraw_confirm",
    ),
    # After a meeting: its notes and whether it took place; the first meeting held earlier than planned
    path("meetings/<int:pk>/", m.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/notes/", m.meeting_note_add, name="meeting_note_add"),
    path("meetings/<int:pk>/outcome/", m.meeting_outcome, name="meeting_outcome"),
    path("relationships/<int:pk>/first-meeting/earlier/", m.first_meeting_earlier, name="first_meeting_earlier"),
    # Each person's calendar feed: the page with its address, resetting it, and the feed itself
    path("calendar/", m.calendar, name="calendar"),
    path("calendar/reset/", m.calendar_reset, name="calendar_reset"),
    path("calendar/<str:key>/<str:secret>.ics", m.calendar_feed, name="calendar_feed"),
]
