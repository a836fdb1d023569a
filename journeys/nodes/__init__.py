"""Our own flow nodes, where viewflow's built-in ones do not say it plainly."""

from .page import page
from .participant_step import ParticipantStep, steps_created

__all__ = ["ParticipantStep", "page", "steps_created"]
