-- Pick, for each notebook output, the representation the target format can use:
-- HTML keeps the interactive HTML (charts, accessible tables); Typst (the PDF) takes the
-- Markdown (tables, text) and the PNG (charts, as numbered figures with alt text).
-- Code inputs, printed logs and parameters never reach the report.

local is_html = FORMAT:match("html") ~= nil

local function markdown_blocks(text)
  return pandoc.read(text, "markdown").blocks
end


-- A Typst string literal.
local function typst_string(text)
  text = text:gsub("\\", "\\\\"):gsub('"', '\\"'):gsub("\n", " ")
  return '"' .. text .. '"'
end

-- Pandoc's Typst writer drops image alt text, and PDF/UA needs it on every image, so a chart
-- is written as raw Typst: the PNG is saved from the media bag under media/ and referenced
-- from `figure(image(..., alt: "..."), caption: [...])`; Typst numbers the figure.
local media_count = 0
local function typst_figure(img, alt, caption_blocks)
  local mime, contents = pandoc.mediabag.lookup(img.src)
  local path = img.src
  if contents then
    media_count = media_count + 1
    pandoc.system.make_directory("media", true)
    path = string.format("media/figure-%02d.png", media_count)
    local handle = assert(io.open(path, "wb"))
    handle:write(contents)
    handle:close()
  end
  local caption = pandoc.write(pandoc.Pandoc(caption_blocks), "typst")
  if alt == "" then alt = pandoc.utils.stringify(caption_blocks) end
  return pandoc.RawBlock("typst", string.format(
    "#figure(\n  image(%s, width: 100%%, alt: %s),\n  kind: image,\n  caption: [%s],\n)\n",
    typst_string(path), typst_string(alt), caption:gsub("%s+$", "")))
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
    return { typst_figure(img, plain or "", caption) }
  end
  if md then return markdown_blocks(md.text) end
  return {}
end

function Div(div)
  if div.classes:includes("synthetic") and FORMAT:match("typst") then
    local blocks = { pandoc.RawBlock("typst", "#synthetic-note[") }
    for _, block in ipairs(div.content) do table.insert(blocks, block) end
    table.insert(blocks, pandoc.RawBlock("typst", "]"))
    return blocks
  end
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
