# Placeholder: Find Mentor and the mentor profile page are built in people/search.py.
from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def find_mentor(request):
    return render(request, "base.html")


@login_required
def mentor_profile(request, user_id):
    return render(request, "base.html")
