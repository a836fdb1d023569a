"""The declared processes of the platform (viewflow flows).

``mentoring.MentoringFlow`` walks one relationship from request to feedback;
``onboarding.OnboardingFlow`` walks one participant from sign-up to their
first request. Services drive them through the small API in ``driver``.
"""
