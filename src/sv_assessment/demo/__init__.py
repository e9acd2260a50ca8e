"""Seeded synthetic inputs for the demo configurations: a partner police extract with
population and A&E files, and data.police.uk street files. Written only into the demo's own
folder."""
