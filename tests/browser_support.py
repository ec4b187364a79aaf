"""What the browser tests share: the screen widths and the script measuring the charts."""

from __future__ import annotations

#: the widths the report and the dashboard are checked at (CSS px, and whether a phone)
WIDTHS = {"ordinateur": (1280, False), "telephone": (390, True)}

#: every chart, with the size (CSS px) of its box and how many marks it draws with a
#: non-zero box (bars, city circles)
CHARTS_JS = """
[...document.querySelectorAll('svg.chart')].map(svg => {
  const box = svg.getBoundingClientRect();
  const marks = [...svg.querySelectorAll('rect.bar, circle.city')].filter(m => {
    const b = m.getBoundingClientRect();
    return b.width > 0 && b.height > 0;
  });
  return {id: svg.id, width: box.width, height: box.height, marks: marks.length,
          visible: getComputedStyle(svg).visibility === 'visible' && box.bottom > 0};
})
"""

#: the texts of the charts whose box (measured by the browser, CSS px) leaves their
#: ``<svg>`` by more than half a pixel: [chart id, text, overflow left, right, top, bottom]
CLIPPED_TEXTS_JS = """
[...document.querySelectorAll('svg.chart')].flatMap(svg => {
  const b = svg.getBoundingClientRect();
  return [...svg.querySelectorAll('text')].map(t => {
    const r = t.getBoundingClientRect();
    return [svg.id, t.textContent, b.left - r.left, r.right - b.right, b.top - r.top,
            r.bottom - b.bottom];
  }).filter(([, , ...out]) => out.some(v => v > 0.5));
})
"""

#: the tables wider than their box (read only by scrolling sideways)
SCROLLED_TABLES_JS = """
[...document.querySelectorAll('table')].filter(t =>
  t.scrollWidth > t.parentElement.clientWidth + 1 || t.getBoundingClientRect().right >
  document.documentElement.clientWidth + 1
).map(t => t.closest('section') ? t.closest('section').id : '?')
"""

#: the circles of the map: [title, cx, cy, r] (SVG units)
MAP_CIRCLES_JS = """
[...document.querySelectorAll('svg.map circle.city')].map(c => [
  c.querySelector('title').textContent, +c.getAttribute('cx'), +c.getAttribute('cy'),
  +c.getAttribute('r')])
"""
