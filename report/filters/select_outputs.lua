-- The report's one Lua filter, for both engines: it keeps, from each notebook output, the form
-- the target format can use, and never lets code, printed logs or errors into the report.
--
-- Built-in assembler (Pandoc's ipynb reader): every output arrives with all its forms, in a
-- `Div.output` inside the `Div.cell`, whose attributes are the cell's metadata. HTML keeps the
-- interactive HTML (charts, accessible tables); Typst (the PDF) takes the Markdown (tables,
-- text) and the PNG (charts, as figures captioned by the cell's `fig-cap`, with `fig-alt`).
--
-- Quarto: Quarto has already picked one form per output (the first of text/markdown, svg,
-- png, jpeg for Typst; text/html first for HTML: src/core/jupyter/display-data.ts) and wrapped
-- it in `Div.cell-output`. Here the filter drops logs, keeps a chart's own HTML caption (Quarto
-- would repeat `fig-cap` under it), gives Typst images their `fig-alt` as `alt`, and adds the
-- local copy of plotly.js (written beside this file by the build) to pages that draw a chart.

local is_html = FORMAT:match("html") ~= nil
local in_quarto = quarto ~= nil and quarto.doc ~= nil

local SYNTHETIC_NOTE = '#block(fill: rgb("#FFF4E5"), inset: 10pt, width: 100%, '
  .. 'stroke: (left: 4pt + rgb("#B35900")))['

local function markdown_blocks(text)
  return pandoc.read(text, "markdown").blocks
end

-- A Typst string literal.
local function typst_string(text)
  text = text:gsub("\\", "\\\\"):gsub('"', '\\"'):gsub("\n", " ")
  return '"' .. text .. '"'
end

-- Pandoc's Typst writer (3.9) drops image alt text, and PDF/UA needs it on every image, so a
-- chart is written as raw Typst: the PNG is saved from the media bag under media/ and referenced
-- from `figure(image(..., alt: "..."), caption: [...])`; Typst numbers the figure.
local media_count = 0
local figure_labels = {}  -- ids of the figures written, so cross-references can be checked

local function typst_figure(img, alt, caption_blocks, label)
  local _, contents = pandoc.mediabag.lookup(img.src)
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
  -- A label right after the figure lets a link (#link(<figure-name>)) point at it.
  local suffix = ""
  if label and label ~= "" then
    figure_labels[label] = true
    suffix = " <" .. label .. ">"
  end
  return pandoc.RawBlock("typst", string.format(
    "#figure(\n  image(%s, width: 100%%, alt: %s),\n  kind: image,\n  caption: [%s],\n)%s\n",
    typst_string(path), typst_string(alt), caption:gsub("%s+$", ""), suffix))
end

-- The caption a chart cell carries in its metadata: `fig-cap` is a list (one caption per
-- output, as Quarto reads it), which Pandoc's reader gives as JSON text.
local function cell_caption(cell)
  local value = cell.attributes["fig-cap"]
  if not value or value == "" then return nil end
  local ok, decoded = pcall(pandoc.json.decode, value)
  if ok and type(decoded) == "table" then value = decoded[1] end
  if type(value) ~= "string" or value == "" then return nil end
  return markdown_blocks(value)
end

local function select_output(div, cell)
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
    local caption = cell_caption(cell) or (md and markdown_blocks(md.text)) or {}
    return { typst_figure(img, cell.attributes["fig-alt"] or plain or "", caption,
      cell.attributes["sv-figure-id"]) }
  end
  if md then return markdown_blocks(md.text) end
  return {}
end

local function is_chart_html(block)
  return block.t == "RawBlock" and block.format == "html"
    and block.text:find('class="chart"', 1, true) ~= nil
end

local charts_on_page = false

local function quarto_output(div)
  if div.classes:includes("cell-output-stdout") or div.classes:includes("cell-output-stderr")
      or div.classes:includes("cell-output-error") then
    return {}
  end
  if is_html then
    for _, block in ipairs(div.content) do
      if is_chart_html(block) then
        charts_on_page = true
        -- The chart's HTML has its own caption: drop the paragraph Quarto adds from fig-cap.
        div.content = div.content:filter(function(b) return b.t ~= "Para" and b.t ~= "Plain" end)
        return div
      end
    end
  end
end

function Div(div)
  if div.classes:includes("synthetic") and FORMAT:match("typst") then
    -- Self-contained Typst (no template function): under Quarto, a Typst book's own partials
    -- (orange-book) may stand in for ours, and the note must still compile.
    local blocks = { pandoc.RawBlock("typst", SYNTHETIC_NOTE) }
    for _, block in ipairs(div.content) do table.insert(blocks, block) end
    table.insert(blocks, pandoc.RawBlock("typst", "]"))
    return blocks
  end
  if div.classes:includes("cell-output") then
    return quarto_output(div)
  end
  if div.classes:includes("cell") then
    local kept = {}
    for _, block in ipairs(div.content) do
      if block.t == "Div" and block.classes:includes("output") then
        for _, chosen in ipairs(select_output(block, div)) do table.insert(kept, chosen) end
      elseif not (block.t == "CodeBlock" and block.classes:includes("python")) then
        table.insert(kept, block)
      end
    end
    return kept
  end
end

function Image(img)
  if img.attributes["fig-alt"] and not img.attributes["alt"] then
    img.attributes["alt"] = img.attributes["fig-alt"]
    return img
  end
end

-- Cross-references to charts (links to #figure-<name>, e.g. from the priorities chapter) stay
-- links only where the chart is in this edition: in HTML, a chart's figure carries that id; in
-- Typst, a figure gets that label above. Any other is shown as its text (Typst would refuse a
-- link to a missing label, and a dead link helps no reader). Under Quarto, whose figures carry
-- no such label, links to charts are shown as text in the PDF.
local function figure_ids_in_html(doc)
  local ids = {}
  doc:walk({ RawBlock = function(block)
    if block.format == "html" then
      for id in block.text:gmatch('id="(figure%-[%w_%-]+)"') do ids[id] = true end
    end
  end })
  return ids
end

-- Links to a section (#priority-<n>, from the summary to the priorities chapter) likewise stay
-- links only where a heading with that id is in this document (one page under Quarto's HTML).
local function heading_ids(doc)
  local ids = {}
  doc:walk({ Header = function(header)
    if header.identifier ~= "" then ids[header.identifier] = true end
  end })
  return ids
end

local function resolve_figure_links(doc)
  local known = is_html and figure_ids_in_html(doc) or figure_labels
  local headings = heading_ids(doc)
  return doc:walk({ Link = function(link)
    local target = link.target:match("^#(figure%-[%w_%-]+)$")
    if target and not known[target] then return link.content end
    local section = link.target:match("^#(priority%-[%w_%-]+)$")
    if section and not headings[section] then return link.content end
  end })
end

function Pandoc(doc)
  doc = resolve_figure_links(doc)
  if in_quarto and is_html and charts_on_page then
    local here = quarto.utils.resolve_path("plotly.min.js")
    local handle = io.open(here, "r")
    if not handle then
      error("plotly.min.js is missing beside select_outputs.lua: the build writes it there "
        .. "from the installed plotly package; charts cannot be drawn without it")
    end
    handle:close()
    -- Paths in an html dependency are read relative to this filter; Quarto copies the file
    -- into the site's own libraries, so each page loads it locally (no CDN).
    quarto.doc.add_html_dependency({ name = "plotly", version = "local", scripts = { "plotly.min.js" } })
  end
  return doc
end
