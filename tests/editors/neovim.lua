-- End-to-end check of `unspun serve` in headless Neovim (0.7 API).
-- Run by test_neovim.py as:  nvim --headless -u init.lua -i NONE -c "luafile neovim.lua"
-- where init.lua is the Neovim 0.7 configuration of docs/editors.md, copied as it stands there: it starts the
-- server for Markdown buffers and runs fix-all in BufWritePre. This script does what a user would.
-- Environment: UNSPUN_DOC (the file to open), UNSPUN_QUICKFIX (phrase to fix with a quick fix),
--              UNSPUN_OUT (JSON report written here). The report records each step; the Python test makes
--              the assertions.

local report = { steps = {} }
local function step(name, value) report.steps[name] = value end

local function finish()
  local f = assert(io.open(os.getenv("UNSPUN_OUT"), "w"))
  f:write(vim.fn.json_encode(report))
  f:close()
  vim.cmd("qall!")
end

local function messages()
  local list = {}
  for _, d in ipairs(vim.diagnostic.get(0)) do table.insert(list, d.message) end
  return list
end

local function any_message(phrase)
  for _, m in ipairs(messages()) do
    if m:find(phrase, 1, true) then return true end
  end
  return false
end

-- The test ----------------------------------------------------------------------------------------------

local ok, err = pcall(function()
  vim.cmd("edit " .. vim.fn.fnameescape(os.getenv("UNSPUN_DOC")))  -- filetype markdown: the config starts unspun
  step("filetype", vim.bo.filetype)
  local client
  vim.wait(5000, function()
    for _, c in pairs(vim.lsp.buf_get_clients(0)) do
      if c.name == "unspun" then client = c end
    end
    return client ~= nil
  end, 20)
  step("client", client ~= nil and client.name)

  -- 1. diagnostics appear
  local phrase = os.getenv("UNSPUN_QUICKFIX")
  step("diagnostics_arrived", vim.wait(20000, function() return any_message(phrase) end, 50))
  step("diagnostics", messages())

  -- 2. the paragraphs' spin scores in the quickfix list, then back to the document
  local doc_win = vim.api.nvim_get_current_win()
  vim.cmd("UnspunSpinScores")
  local qf = vim.fn.getqflist({ title = 1, items = 1 })
  local listed = {}
  for _, item in ipairs(qf.items) do table.insert(listed, { lnum = item.lnum, text = item.text }) end
  step("spin_scores", { title = qf.title, items = listed })
  vim.cmd("cclose")
  vim.api.nvim_set_current_win(doc_win)

  -- 3. a quick fix through the real :lua vim.lsp.buf.code_action() menu, picking the replacement
  local line = vim.fn.search(vim.fn.escape(phrase, "\\/.*$^~[]"), "w")
  step("cursor_line", line)
  local offered = {}
  vim.ui.select = function(items, opts, on_choice)
    local chosen
    for _, item in ipairs(items) do
      local title = opts.format_item and opts.format_item(item) or tostring(item)
      table.insert(offered, title)
      if not chosen and title:find("^Replace") and title:find(phrase, 1, true) then chosen = item end
    end
    on_choice(chosen)
  end
  local before = vim.api.nvim_buf_get_lines(0, line - 1, line, false)[1]
  vim.lsp.buf.code_action()
  vim.wait(10000, function() return vim.api.nvim_buf_get_lines(0, line - 1, line, false)[1] ~= before end, 50)
  step("offered", offered)
  step("line_after_quickfix", vim.api.nvim_buf_get_lines(0, line - 1, line, false)[1])
  -- the server re-checks the edited text: that finding goes away
  step("quickfix_diagnostic_gone", vim.wait(10000, function() return not any_message(phrase) end, 50))

  -- 4. fix-all on save (the configuration's BufWritePre autocmd); the test checks the file on disk
  vim.cmd("write")
  step("written", true)
  client.stop()
  vim.wait(3000, function() return client.is_stopped() end, 50)
end)

if not ok then report.error = tostring(err) end
finish()
