import pytest

from chat.commands import Kick, Me, Say, Topic, parse, render


@pytest.mark.parametrize(
    "line,expected",
    [
        ("hello", Say("hello")),
        ("/me waves", Me("waves")),
        ("/kick 42", Kick(42)),
        ("/kick 42 spam", Kick(42, "spam")),
        ("/topic Friday lunch", Topic("Friday lunch")),
    ],
)
def test_parse(line, expected):
    assert parse(line) == expected


def test_unknown_command():
    with pytest.raises(ValueError):
        parse("/dance")


def test_render_kick_reason():
    assert render(Kick(7, "spam"), "mod") == "mod kicked 7 (spam)"
