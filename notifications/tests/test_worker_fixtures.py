"""The test mailbox reads what was sent, from the worker's files and from this process."""

from __future__ import annotations

from django.core.mail import EmailMessage, get_connection, send_mail


def test_mailbox_reads_files_holding_several_messages_and_the_local_outbox(mailbox):
    with get_connection("django.core.mail.backends.filebased.EmailBackend", file_path=str(mailbox.directory)) as conn:
        conn.send_messages(
            [
                EmailMessage("First", "one", "from@example.com", ["a@example.com"]),
                EmailMessage("Second", "two\n" + "-" * 40, "from@example.com", ["B@Example.com"]),
            ]
        )
    send_mail("Third", "three", "from@example.com", ["c@example.com"])  # this process: locmem

    assert [m.subject for m in mailbox.all()] == ["First", "Second", "Third"]
    assert mailbox.wait_for(to="b@example.com").text.startswith("two\n")
    assert mailbox.all(subject_contains="Thi")[0].to == ["c@example.com"]
    mailbox.clear()
    assert mailbox.all() == []
