# Placeholder until the support app is built (FAQ, contact form, resources).
from django.shortcuts import render


def help_page(request):
    return render(request, "base.html")


def contact(request):
    return render(request, "base.html")


def resources(request):
    return render(request, "base.html")
