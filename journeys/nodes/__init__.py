"""Our own flow nodes, where viewflow's built-in ones do not say it plainly."""

from .participant_step import ParticipantStep

__all__ = ["ParticipantStep"]
