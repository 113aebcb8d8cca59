// AM104 joinedload-without-unique — NOT YET IMPLEMENTED (placeholder so the registry is complete; being written).
import type { Rule } from '../rule';

export const joinedloadWithoutUnique: Rule = {
  code: 'AM104',
  name: 'joinedload-without-unique',
  defaultSeverity: 'error',
  fix: 'always',
  docs: { what: 'TODO', why: 'TODO', example: 'TODO', useInstead: 'TODO', limits: [] },
  check() {},
};
