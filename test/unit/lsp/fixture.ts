// The small FastAPI workspace the LSP tests run against.
import * as path from 'path';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { loadPyprojectConfig } from '../../../server/src/analysis/config';
import { analyzeFile, parseSource, summarizeSource } from '../../../server/src/analysis/engine';
import { WorkspaceIndex } from '../../../server/src/analysis/workspace';
import { toDiagnostic } from '../../../server/src/lsp/convert';
import { py } from '../helpers';
import { fileUri } from './client';

export const API = py`
  import time
  from datetime import datetime

  from fastapi import APIRouter, Depends
  from sqlalchemy.orm import Session

  from app.db import get_db
  from app.services.notify import send_push
  from app.services.user import get_user

  router = APIRouter()


  @router.get("/users/{user_id}")
  async def read_user(user_id: int):
      profile = get_user(None, user_id)
      send_push(user_id)
      time.sleep(1)
      stamp = datetime.utcnow()
      return {"name": profile.name, "at": stamp}


  @router.get("/users")
  def list_users(db: Session = Depends(get_db)):
      return db.query(User).all()
`;

export const FILES = {
  'pyproject.toml': '[project]\nname = "demo"\n\n[tool.async-migrate.session]\nasync-dependency-module = "app.db"\n',
  'app/__init__.py': '',
  'app/services/__init__.py': '',
  'app/services/user.py': 'def get_user(db, user_id):\n    return db.get(user_id)\n',
  'app/services/notify.py': 'async def send_push(user_id):\n    return user_id\n',
  'app/db.py': 'def get_db():\n    yield None\n\n\nasync def get_async_db():\n    yield None\n',
  'app/models.py': 'class User:\n    pass\n',
  'app/api.py': API,
};

/** Diagnostics of a from-scratch analysis: a fresh index of the workspace (at root) with `text` for app/api.py. */
export function fromScratch(root: string, text: string, docsBaseUrl = ''): Diagnostic[] {
  const { config } = loadPyprojectConfig(FILES['pyproject.toml']);
  const index = new WorkspaceIndex(config);
  const files: Record<string, string> = { ...FILES, 'app/api.py': text };
  delete files['pyproject.toml'];
  for (const [rel, content] of Object.entries(files)) {
    const { file } = parseSource(rel, content, config);
    index.upsert(summarizeSource(file));
    file.dispose();
  }
  const { file } = parseSource('app/api.py', text, config);
  try {
    const uriOf = (p: string) => fileUri(path.join(root, ...p.split('/')));
    return analyzeFile(file, index, config).map((f) => toDiagnostic(f, { docsBaseUrl, uriOf }));
  } finally {
    file.dispose();
  }
}
