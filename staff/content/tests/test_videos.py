"""Resources videos uploaded to the platform: checked by content, kept private, played with captions
to signed-in members only."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from journeys.services.base import Refused
from people.tests.factories import make_mentee, make_staff
from support import videos
from support.models import Resource

pytestmark = pytest.mark.django_db
STORAGE = Resource._meta.get_field("video").storage  # the private storage

MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 200
WEBM = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08\x42\x82\x84webm" + bytes(
    200
)
VTT = b"WEBVTT\n\n00:00.000 --> 00:02.000\nWelcome to the programme.\n"


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(
    "text,ok",
    [
        ("WEBVTT\n\n00:00.000 --> 00:01.000\nHi\n", True),
        ("WEBVTT", True),
        ("WEBVTT - Welcome film\n", True),
        ("\ufeffWEBVTT\n", True),
        ("WEBVTTX\n", False),
        ("1\n00:00:01,000 --> 00:00:02,000\nAn SRT file\n", False),
        (" WEBVTT\n", False),
        ("", False),
    ],
)
def test_captions_must_be_webvtt(text, ok):
    file = upload("captions.vtt", text.encode("utf-8"))
    if ok:
        videos.check_captions(file)
    else:
        with pytest.raises(Refused, match="not a WebVTT captions file"):
            videos.check_captions(file)


def test_captions_that_are_not_utf8_are_refused():
    with pytest.raises(Refused, match="WebVTT"):
        videos.check_captions(upload("c.vtt", b"\xff\xfeW\x00E\x00"))


def test_videos_are_checked_by_content_and_size(settings):
    assert videos.check_video(upload("film.mp4", MP4)) == "video/mp4"
    assert videos.check_video(upload("film.webm", WEBM)) == "video/webm"
    with pytest.raises(Refused, match="not an MP4 or WebM video"):
        videos.check_video(upload("film.mp4", b"%PDF-1.4 pretending to be a film" + bytes(100)))
    with pytest.raises(Refused, match="empty"):
        videos.check_video(upload("film.mp4", b""))
    settings.RESOURCE_VIDEO_MAX_BYTES = 100
    with pytest.raises(Refused, match="too large"):
        videos.check_video(upload("film.mp4", MP4))


def _form(**extra):
    data = {"title": "Welcome film", "kind": "video", "stage": "getting_started", "summary": "Hello from us."}
    data.update(extra)
    return data


@pytest.fixture
def manager_client(client):
    client.force_login(make_staff())
    return client


def test_upload_a_video_with_captions_and_members_watch_it(manager_client, django_capture_on_commit_callbacks):
    client = Client()
    response = manager_client.post(
        reverse("staff_content_resource_new"),
        _form(published="on", video=upload("film.mp4", MP4), captions=upload("film.vtt", VTT)),
    )
    assert response.status_code == 302, response.content.decode()
    resource = Resource.objects.get(title="Welcome film")
    assert resource.video_type == "video/mp4" and resource.video.name.startswith("resources/videos/")
    assert STORAGE.exists(resource.video.name) and STORAGE.exists(resource.captions.name)

    # Signed out: no video, a link to sign in; the files themselves are refused.
    page = client.get(reverse("resource", args=[resource.pk])).content.decode()
    assert "<video" not in page and "Sign in to watch this video." in page
    for name in ("resource_video", "resource_captions"):
        response = client.get(reverse(name, args=[resource.pk]))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    client.force_login(make_mentee())
    page = client.get(reverse("resource", args=[resource.pk])).content.decode()
    assert "<video" in page and '<track kind="captions"' in page
    assert f'src="{reverse("resource_captions", args=[resource.pk])}"' in page
    video = client.get(reverse("resource_video", args=[resource.pk]))
    assert video.status_code == 200 and video["Content-Type"] == "video/mp4"
    assert b"".join(video.streaming_content) == MP4
    captions = client.get(reverse("resource_captions", args=[resource.pk]))
    assert captions["Content-Type"].startswith("text/vtt") and b"".join(captions.streaming_content) == VTT
    listing = client.get(reverse("resources")).content.decode()
    assert "Welcome film" in listing

    # Replacing the video deletes the old file once saved; removing it deletes both.
    old = resource.video.name
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(
            reverse("staff_content_resource_edit", args=[resource.pk]),
            _form(published="on", video=upload("f.webm", WEBM)),
        )
    resource.refresh_from_db()
    assert resource.video_type == "video/webm" and not STORAGE.exists(old)
    names = [resource.video.name, resource.captions.name]
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(reverse("staff_content_resource_edit", args=[resource.pk]), _form(remove_video="on"))
    resource.refresh_from_db()
    assert not resource.video and not resource.captions
    assert not any(STORAGE.exists(n) for n in names)
    assert client.get(reverse("resource_video", args=[resource.pk])).status_code == 404


def test_a_draft_video_is_not_served_to_participants(manager_client):
    client = Client()
    manager_client.post(
        reverse("staff_content_resource_new"),
        _form(video=upload("film.mp4", MP4), captions=upload("film.vtt", VTT)),
    )
    resource = Resource.objects.get(title="Welcome film")
    assert not resource.published
    client.force_login(make_mentee())
    assert client.get(reverse("resource_video", args=[resource.pk])).status_code == 404
    assert manager_client.get(reverse("resource_video", args=[resource.pk])).status_code == 200


@pytest.mark.parametrize(
    "extra,field,message",
    [
        ({"video": ("film.mp4", MP4)}, "captions", "Add a captions file"),
        ({"video": ("film.mp4", MP4), "captions": ("c.srt", b"1\n00:00:01,000")}, "captions", "not a WebVTT"),
        ({"captions": ("film.vtt", VTT)}, "captions", "Captions need an uploaded video"),
        ({"video": ("notes.mp4", b"just some text" * 20), "captions": ("c.vtt", VTT)}, "video", "not an MP4"),
        (
            {"kind": "guide", "video": ("film.mp4", MP4), "captions": ("c.vtt", VTT)},
            "kind",
            "must be of the kind Video",
        ),
    ],
)
def test_the_form_explains_what_is_wrong_on_the_field(manager_client, extra, field, message):
    data = _form()
    for key, value in extra.items():
        data[key] = upload(*value) if isinstance(value, tuple) else value
    response = manager_client.post(reverse("staff_content_resource_new"), data)
    html = response.content.decode()
    assert response.status_code == 200 and message in html and f'id="id_{field}_error"' in html
    assert not Resource.objects.filter(title="Welcome film").exists()


def test_deleting_a_resource_deletes_its_files(manager_client, django_capture_on_commit_callbacks):
    manager_client.post(
        reverse("staff_content_resource_new"),
        _form(video=upload("film.mp4", MP4), captions=upload("film.vtt", VTT)),
    )
    resource = Resource.objects.get(title="Welcome film")
    names = [resource.video.name, resource.captions.name]
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(reverse("staff_content_resource_delete", args=[resource.pk]))
    assert not any(STORAGE.exists(n) for n in names)


def test_a_published_video_needs_its_link_or_a_file(manager_client):
    """Nothing to watch is not published: the form says so on the Link field and saves nothing."""
    response = manager_client.post(reverse("staff_content_resource_new"), _form(published="on"))
    html = response.content.decode()
    assert response.status_code == 200 and 'id="id_url_error"' in html
    assert "Give the video&#x27;s link or upload a file" in html
    assert not Resource.objects.filter(title="Welcome film").exists()


def test_a_draft_video_may_wait_for_its_link_or_file(manager_client):
    response = manager_client.post(reverse("staff_content_resource_new"), _form())
    assert response.status_code == 302
    resource = Resource.objects.get(title="Welcome film")
    assert not resource.published and not resource.url and not resource.video
    # Publishing it later still needs the link (or a file).
    response = manager_client.post(reverse("staff_content_resource_edit", args=[resource.pk]), _form(published="on"))
    assert 'id="id_url_error"' in response.content.decode()
    resource.refresh_from_db()
    assert not resource.published
    response = manager_client.post(
        reverse("staff_content_resource_edit", args=[resource.pk]),
        _form(published="on", url="https://video.example.org/watch/1"),
    )
    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.published


def test_removing_the_only_video_of_a_published_resource_is_refused(manager_client):
    manager_client.post(
        reverse("staff_content_resource_new"),
        _form(published="on", video=upload("film.mp4", MP4), captions=upload("film.vtt", VTT)),
    )
    resource = Resource.objects.get(title="Welcome film")
    response = manager_client.post(
        reverse("staff_content_resource_edit", args=[resource.pk]), _form(published="on", remove_video="on")
    )
    assert 'id="id_url_error"' in response.content.decode()
    resource.refresh_from_db()
    assert resource.video and resource.published
