-- A real editor against `crma-check lsp`: Neovim's built-in client, headless.
--
--   CRMA_LSP_CMD=/path/to/crma-check CRMA_LSP_OUT=out.json \
--     nvim --headless -i NONE --noplugin -u tests/nvim/check.lua battery-2025.json </dev/null
--
-- This file is the whole configuration (-u: a config given with -u keeps filetype
-- detection on, -u NONE does not). It starts the server on JSON buffers, waits for the
-- diagnostics of the example portfolio, asks for a hover on an amount and a completion,
-- then types a misspelt material on a line with non-ASCII text before it, waits for the
-- error, applies the server's quick fix and waits for the diagnostics to be as before.
-- What it saw goes to CRMA_LSP_OUT as JSON (tests/nvim.rs checks it); it quits with status
-- 0, 1 if a step got no answer in time, 2 on a Lua error.
--
-- Neovim 0.7 (Debian 12's) has no vim.lsp.start: it uses start_client and
-- buf_attach_client; later versions use vim.lsp.start.

local cmd = { vim.env.CRMA_LSP_CMD or 'crma-check', 'lsp' }
local out_path = vim.env.CRMA_LSP_OUT or 'nvim-lsp-check.json'
local timeout = tonumber(vim.env.CRMA_LSP_TIMEOUT_MS or '20000')

require('vim.lsp.log').set_level(vim.env.CRMA_LSP_LOG_LEVEL or 'warn')
vim.cmd('filetype on')

local function start(bufnr)
  local config = {
    name = 'crma-check',
    cmd = cmd,
    root_dir = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(bufnr), ':p:h'),
    -- Waivers judged as of a fixed day, so that what is seen does not change with the date.
    init_options = { as_of = '2026-11-23' },
  }
  if vim.lsp.start then
    vim.lsp.start(config, { bufnr = bufnr })
  else
    vim.lsp.buf_attach_client(bufnr, vim.lsp.start_client(config))
  end
end

vim.api.nvim_create_autocmd('FileType', { pattern = 'json', callback = function(args) start(args.buf) end })

local function request(bufnr, method, params)
  local responses, err = vim.lsp.buf_request_sync(bufnr, method, params, timeout)
  if not responses then
    return nil, method .. ': ' .. tostring(err)
  end
  for _, response in pairs(responses) do
    if response.error then
      return nil, method .. ': ' .. vim.inspect(response.error)
    end
    return response.result
  end
  return nil, method .. ': no client answered'
end

-- vim.diagnostic positions are 0-based lines and byte columns: Neovim converted the
-- server's UTF-16 columns with the buffer's text.
local function simple(diagnostics)
  local all = vim.tbl_map(function(d)
    return {
      lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col, severity = d.severity,
      message = d.message, source = d.source,
      code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code),
    }
  end, diagnostics)
  table.sort(all, function(a, b) return a.lnum < b.lnum or (a.lnum == b.lnum and a.col < b.col) end)
  return all
end

local function find(diagnostics, code)
  for _, d in ipairs(diagnostics) do
    if d.code == code then return d end
  end
end

local function check()
  local v = vim.version()
  local result = { nvim = string.format('%d.%d.%d', v.major, v.minor, v.patch), errors = {} }
  local function fail(message) table.insert(result.errors, message) end
  local bufnr = vim.api.nvim_get_current_buf()
  local uri = vim.uri_from_bufnr(bufnr)
  result.filetype = vim.bo[bufnr].filetype

  if not vim.wait(timeout, function() return #vim.diagnostic.get(bufnr) > 0 end, 20) then
    fail('no diagnostics within ' .. timeout .. ' ms')
  end
  result.diagnostics = simple(vim.diagnostic.get(bufnr))

  -- Hover on the first line's amount (`"amount": 420`, line 13, UTF-16 column 17).
  local hover, err = request(bufnr, 'textDocument/hover', { textDocument = { uri = uri }, position = { line = 13, character = 17 } })
  if err then fail(err) end
  result.hover = hover and hover.contents and hover.contents.value

  -- Completion in the first line's material (line 12, inside "lithium").
  local completion
  completion, err = request(bufnr, 'textDocument/completion', { textDocument = { uri = uri }, position = { line = 12, character = 40 } })
  if err then fail(err) end
  local items = completion and (completion.items or completion) or {}
  result.completion = vim.tbl_map(function(i) return i.label end, { unpack(items, 1, 8) })

  -- Type a misspelt material after non-ASCII text, as a user would.
  vim.api.nvim_buf_set_lines(bufnr, 12, 13, false,
    { '      "id": "Société Minière 🔋", "material": "lithum", "grade": "battery",' })
  local typed = vim.api.nvim_buf_get_lines(bufnr, 12, 13, false)[1]
  local start = typed:find('"lithum"', 1, true) - 1
  result.expected_cols = { start, start + #'"lithum"' }
  if not vim.wait(timeout, function() return find(simple(vim.diagnostic.get(bufnr)), 'unknown-material') ~= nil end, 20) then
    fail('no unknown-material diagnostic after the edit')
  end
  local unknown = find(simple(vim.diagnostic.get(bufnr)), 'unknown-material')
  result.unknown = unknown
  if unknown then
    -- The protocol counts UTF-16 units; Neovim's columns are bytes.
    local character = vim.str_utfindex(typed, unknown.col + 2)
    local actions
    actions, err = request(bufnr, 'textDocument/codeAction', {
      textDocument = { uri = uri },
      range = { start = { line = unknown.lnum, character = character }, ['end'] = { line = unknown.lnum, character = character } },
      context = { diagnostics = {} },
    })
    if err then fail(err) end
    local action = actions and actions[1]
    result.code_action = action and action.title
    if action and action.edit then
      vim.lsp.util.apply_workspace_edit(action.edit, 'utf-16')
      result.fixed_line = vim.api.nvim_buf_get_lines(bufnr, 12, 13, false)[1]
      local before = #result.diagnostics
      if not vim.wait(timeout, function()
        local now = simple(vim.diagnostic.get(bufnr))
        return find(now, 'unknown-material') == nil and #now == before
      end, 20) then
        fail('the diagnostics did not come back after the fix')
      end
      result.diagnostics_after_fix = #vim.diagnostic.get(bufnr)
    end
  end
  return result
end

vim.api.nvim_create_autocmd('VimEnter', {
  -- nested: else :qa runs with autocommands blocked and Neovim leaves without the LSP
  -- shutdown and exit (the server would see its input close instead).
  nested = true,
  callback = function()
    local ok, result = pcall(check)
    if not ok then
      result = { errors = { 'Lua error: ' .. tostring(result) } }
    end
    local file = io.open(out_path, 'w')
    file:write(vim.json.encode(result))
    file:close()
    if not ok then
      vim.cmd('cquit 2')
    elseif #result.errors > 0 then
      vim.cmd('cquit 1')
    else
      vim.cmd('qa!')
    end
  end,
})
