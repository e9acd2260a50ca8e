-- Pick, for each notebook output, the representation the target format can use:
-- HTML keeps the interactive HTML (charts, accessible tables); Typst (the PDF) takes the
-- Markdown (tables, text) and the PNG (charts, as numbered figures with alt text).
-- Code inputs, printed logs and parameters never reach the report.

local is_html = FORMAT:match("html") ~= nil

local function markdown_blocks(text)
  return pandoc.read(text, "markdown").blocks
end

local function select_output(div)
  if div.classes:includes("stream") or div.classes:includes("error") then
    return {}
  end
  local html, md, img, plain
  for _, block in ipairs(div.content) do
    if block.t == "RawBlock" and block.format == "html" then
      html = block
    elseif block.t == "RawBlock" and block.format == "markdown" then
      md = block
    elseif block.t == "Para" and #block.content == 1 and block.content[1].t == "Image" then
      img = block.content[1]
    elseif block.t == "CodeBlock" then
      plain = block.text
    end
  end
  if is_html then
    if html then return { html } end
    if md then return markdown_blocks(md.text) end
    return {}
  end
  if img then
    local caption = md and markdown_blocks(md.text) or {}
    img.attributes["width"] = "100%"
    img.attributes["alt"] = plain or ""
    img.caption = {}
    return { pandoc.Figure(pandoc.Plain({ img }), caption) }
  end
  if md then return markdown_blocks(md.text) end
  return {}
end

function Div(div)
  if div.classes:includes("output") then
    return select_output(div)
  end
  if div.classes:includes("cell") then
    local kept = {}
    for _, block in ipairs(div.content) do
      if not (block.t == "CodeBlock" and block.classes:includes("python")) then
        table.insert(kept, block)
      end
    end
    return kept
  end
end
