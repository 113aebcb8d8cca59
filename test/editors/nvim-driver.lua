-- Drives Neovim 0.7 headless after docs/editors/nvim-0.7-init.lua (test/unit/editors/neovim.test.ts):
-- opens $AM_TARGET, waits for the server to finish indexing and for $AM_EXPECT diagnostics,
-- applies the quick fix of the diagnostic at $AM_FIX_LINE (0-based) with code $AM_FIX_CODE,
-- then the safe fix-all source action, writes the buffer and dumps what it saw to $AM_OUT (JSON).
local out = { diagnostics = {}, actions = {}, errors = {} }

local function finish(code)
  local f = io.open(vim.env.AM_OUT, 'w')
  f:write(vim.fn.json_encode(out))
  f:close()
  vim.cmd((code == 0 and 'qall!' or 'cquit! ' .. code))
end

local function fail(message)
  table.insert(out.errors, message)
  finish(1)
end

local ok, err = pcall(function()
  vim.cmd('edit ' .. vim.fn.fnameescape(vim.env.AM_TARGET))
  local buf = vim.api.nvim_get_current_buf()
  if not vim.wait(20000, function() return #vim.lsp.buf_get_clients(buf) > 0 end, 50) then
    return fail('no language client attached to ' .. vim.env.AM_TARGET)
  end
  local client = vim.lsp.buf_get_clients(buf)[next(vim.lsp.buf_get_clients(buf))]

  -- Positive signals, no fixed sleeps: the index is complete, then the expected findings arrived.
  local indexed = vim.wait(30000, function()
    local res = client.request_sync('asyncMigrate/status', {}, 2000, buf)
    return res and res.result and res.result.state == 'ready'
  end, 100)
  if not indexed then return fail('server never reported state "ready"') end
  local expected = tonumber(vim.env.AM_EXPECT)
  vim.wait(30000, function() return #vim.diagnostic.get(buf) >= expected end, 50)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(out.diagnostics, { line = d.lnum, col = d.col, code = d.code, message = d.message })
  end

  local function code_actions(range, diagnostics, only)
    local params = {
      textDocument = { uri = vim.uri_from_bufnr(buf) },
      range = range,
      context = { diagnostics = diagnostics, only = only },
    }
    local res = client.request_sync('textDocument/codeAction', params, 10000, buf)
    if not res or res.err then error('codeAction failed: ' .. vim.inspect(res and res.err)) end
    return res.result or {}
  end

  local function apply(action)
    if not action.edit and not action.command then
      -- Lazily computed actions (fix-all) are completed with codeAction/resolve, as Neovim does.
      local res = client.request_sync('codeAction/resolve', action, 10000, buf)
      if not res or res.err then error('codeAction/resolve failed: ' .. vim.inspect(res and res.err)) end
      action = res.result
    end
    if action.edit then vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding) end
    if action.command then
      local command = type(action.command) == 'table' and action.command or action
      local before = vim.api.nvim_buf_get_changedtick(buf)
      client.request_sync('workspace/executeCommand', { command = command.command, arguments = command.arguments }, 10000, buf)
      -- The server answers through workspace/applyEdit, which Neovim's default handler applies.
      vim.wait(10000, function() return vim.api.nvim_buf_get_changedtick(buf) ~= before end, 20)
    end
  end

  -- 1. The quick fix of one finding, from the code actions at its line.
  local line = tonumber(vim.env.AM_FIX_LINE)
  local at_line = vim.tbl_filter(function(d)
    return d.code == vim.env.AM_FIX_CODE
  end, vim.lsp.diagnostic.get_line_diagnostics(buf, line))
  if #at_line == 0 then return fail('no ' .. vim.env.AM_FIX_CODE .. ' diagnostic on line ' .. line) end
  local actions = code_actions(at_line[1].range, at_line, { 'quickfix' })
  for _, a in ipairs(actions) do table.insert(out.actions, a.title) end
  local quickfix = vim.tbl_filter(function(a) return a.isPreferred end, actions)[1]
  if not quickfix then return fail('no preferred quick fix for ' .. vim.env.AM_FIX_CODE) end
  out.applied = quickfix.title
  apply(quickfix)

  -- 2. The safe fix-all of the buffer.
  local last = vim.api.nvim_buf_line_count(buf)
  local fix_all = code_actions({ start = { line = 0, character = 0 }, ['end'] = { line = last, character = 0 } },
    {}, { 'source.fixAll.asyncMigrate' })
  if #fix_all == 0 then return fail('no source.fixAll.asyncMigrate action') end
  apply(fix_all[1])
  vim.cmd('write')
  finish(0)
end)
if not ok then fail(tostring(err)) end
