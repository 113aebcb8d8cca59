from dataclasses import dataclass

from litestar import Controller, Litestar, get, post
from litestar.exceptions import NotFoundException


@dataclass
class Todo:
    id: int
    title: str
    done: bool = False


TODOS: dict[int, Todo] = {}


class TodoController(Controller):
    path = "/todos"

    @get()
    async def list_todos(self, done: bool | None = None) -> list[Todo]:
        return [t for t in TODOS.values() if done is None or t.done == done]

    @post()
    async def add(self, data: Todo) -> Todo:
        TODOS[data.id] = data
        return data

    @get("/{todo_id:int}")
    def get_todo(self, todo_id: int) -> Todo:
        try:
            return TODOS[todo_id]
        except KeyError:
            raise NotFoundException(f"todo {todo_id} not found")


app = Litestar(route_handlers=[TodoController])
