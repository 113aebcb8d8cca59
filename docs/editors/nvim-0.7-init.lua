-- async-migrate for Neovim 0.7–0.10 (built-in client, no plugin): ~/.config/nvim/init.lua
-- This exact file is what `npm test` drives headless (test/unit/editors/neovim.test.ts).
-- Set ASYNC_MIGRATE_LSP to the server's path when async-migrate-lsp is not on the PATH.
local server = vim.env.ASYNC_MIGRATE_LSP or 'async-migrate-lsp'

local function project_root(path)
  -- The nearest folder upwards holding pyproject.toml or .git, else the file's folder.
  local marker = vim.fn.findfile('pyproject.toml', path .. ';')
  if marker == '' then marker = vim.fn.finddir('.git', path .. ';') end
  if marker == '' then return path end
  return vim.fn.fnamemodify(marker, ':p:h')
end

local clients = {} -- root -> client id: one server per project

vim.api.nvim_create_autocmd('FileType', {
  pattern = 'python',
  callback = function(args)
    local root = project_root(vim.fn.fnamemodify(vim.api.nvim_buf_get_name(args.buf), ':p:h'))
    local id = clients[root]
    if not id or vim.lsp.get_client_by_id(id) == nil then
      id = vim.lsp.start_client({
        name = 'async_migrate',
        cmd = { server, '--stdio' },
        root_dir = root,
        workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
        -- Optional: editor settings, same keys as asyncMigrate.* in VS Code.
        settings = { asyncMigrate = { diagnosticsScope = 'openFiles' } },
      })
      clients[root] = id
    end
    if id then vim.lsp.buf_attach_client(args.buf, id) end
  end,
})

-- Quick fixes and "Migrate this endpoint" at the cursor; the safe fix-all of the buffer.
vim.keymap.set('n', '<leader>aa', vim.lsp.buf.code_action, { desc = 'async-migrate: code actions' })
vim.keymap.set('n', '<leader>af', function()
  vim.lsp.buf.code_action({ context = { only = { 'source.fixAll.asyncMigrate' }, diagnostics = {} } })
end, { desc = 'async-migrate: fix all safe findings' })
