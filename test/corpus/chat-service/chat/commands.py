"""Slash-command parsing with structural pattern matching."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Say:
    text: str


@dataclass(frozen=True)
class Me:
    action: str


@dataclass(frozen=True)
class Kick:
    user: int
    reason: str = ""


@dataclass(frozen=True)
class Topic:
    title: str


type Command = Say | Me | Kick | Topic


def parse(line: str) -> Command:
    match line.strip().split(maxsplit=2):
        case ["/me", *rest] if rest:
            return Me(" ".join(rest))
        case ["/kick", user] if user.isdigit():
            return Kick(int(user))
        case ["/kick", user, reason] if user.isdigit():
            return Kick(int(user), reason)
        case ["/topic", *words] if words:
            return Topic(" ".join(words))
        case [cmd, *_] if cmd.startswith("/"):
            raise ValueError(f"unknown command {cmd}")
        case _:
            return Say(line)


def render(cmd: Command, sender: str) -> str:
    match cmd:
        case Say(text=text):
            return f"{sender}: {text}"
        case Me(action=action):
            return f"* {sender} {action}"
        case Kick(user=user, reason=reason):
            return f"{sender} kicked {user}{f' ({reason})' if reason else ''}"
        case Topic(title=title):
            return f"{sender} set the topic to {title!r}"
