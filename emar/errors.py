"""Errors that carry a message meant for a person, not a stack trace."""


class EmarError(Exception):
    """A failure the user can understand and act on; str() is the whole message."""


class DatabaseUnavailable(EmarError):
    """The database cannot be reached or opened."""


class ValidationError(EmarError, ValueError):
    """Input that breaks a rule; nothing was changed."""


class RoomOccupied(ValidationError):
    """A resident would go into a room where someone else lives: refused unless the move (or
    admission) says the room is shared. `question` is what to ask the person who asked."""

    def __init__(self, room: str, occupants: list[str]) -> None:
        self.room, self.occupants = room, tuple(occupants)
        who = " and ".join(occupants)
        self.question = f"{room} is {who}'s room: are they sharing it?"
        super().__init__(f"{who} already lives in room {room}: say the room is shared.")
