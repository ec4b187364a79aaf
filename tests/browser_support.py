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
