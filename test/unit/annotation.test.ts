import * as assert from 'assert';
import { annotationAlternatives, annotationType } from '../../server/src/analysis/annotation';

describe('annotationType: annotations read as types', () => {
  const cases: [string, ReturnType<typeof annotationType>, { yields?: boolean }?][] = [
    ['Task', { kind: 'instance', name: 'Task' }],
    ['app.models.Task', { kind: 'instance', name: 'app.models.Task' }],
    ['Optional[Task]', { kind: 'instance', name: 'Task' }],
    ['typing.Optional[Task]', { kind: 'instance', name: 'Task' }],
    ['Task | None', { kind: 'instance', name: 'Task' }],
    ['None | Task', { kind: 'instance', name: 'Task' }],
    ['Union[Task, None]', { kind: 'instance', name: 'Task' }],
    ['"Task"', { kind: 'instance', name: 'Task' }],
    ["'Optional[Task]'", { kind: 'instance', name: 'Task' }],
    ['Optional["Task"]', { kind: 'instance', name: 'Task' }],
    ['Annotated[AsyncSession, Depends(get_db)]', { kind: 'instance', name: 'AsyncSession' }],
    ['Annotated[Optional[Task], "meta, with comma"]', { kind: 'instance', name: 'Task' }],
    ['type[Task]', { kind: 'class', name: 'Task' }],
    ['Type[Task] | None', { kind: 'class', name: 'Task' }],
    // A user generic class is that class (its type arguments say nothing about its members).
    ['Repo[Task]', { kind: 'instance', name: 'Repo' }],
    // Containers are not their items.
    ['Dict[str, LoadTestResult]', { kind: 'container', name: 'Dict' }],
    ['dict[str, list[Task]]', { kind: 'container', name: 'dict' }],
    ['List[Task]', { kind: 'container', name: 'List' }],
    ['typing.Sequence[Task]', { kind: 'container', name: 'typing.Sequence' }],
    ['collections.abc.Iterable[Task]', { kind: 'container', name: 'collections.abc.Iterable' }],
    ['tuple[Task, int]', { kind: 'container', name: 'tuple' }],
    ['Optional[List[Task]]', { kind: 'container', name: 'List' }],
    ['list', { kind: 'container', name: 'list' }],
    ['Callable[[Task], None]', { kind: 'container', name: 'Callable' }],
    // Unions of several types, Any and unreadable text are unknown.
    ['Task | User', { kind: 'unknown' }],
    ['Union[Task, User]', { kind: 'unknown' }],
    ['Any', { kind: 'unknown' }],
    ['Optional[Any]', { kind: 'unknown' }],
    ['Literal["a", "b"]', { kind: 'container', name: 'Literal' }],
    ['', { kind: 'unknown' }],
    ['Task[', { kind: 'unknown' }],
    // A dependency's generator return denotes what it yields (only when asked).
    ['AsyncGenerator[AsyncSession, None]', { kind: 'instance', name: 'AsyncSession' }, { yields: true }],
    ['Generator[Session, None, None]', { kind: 'instance', name: 'Session' }, { yields: true }],
    ['AsyncIterator[Optional[Task]]', { kind: 'instance', name: 'Task' }, { yields: true }],
    ['AsyncGenerator[AsyncSession, None]', { kind: 'container', name: 'AsyncGenerator' }],
  ];
  for (const [text, expected, options] of cases) {
    it(`${text || '(empty)'}${options?.yields ? ' (yields)' : ''}`, () => assert.deepStrictEqual(annotationType(text, options), expected));
  }

  it('alternatives split at top level only and drop None', () => {
    assert.deepStrictEqual(annotationAlternatives('Optional[Union[A, B[C | D]]] | None'), ['A', 'B[C | D]']);
    assert.deepStrictEqual(annotationAlternatives('"A | None"'), ['A']);
  });
});
