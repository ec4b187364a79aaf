"""Development tools, outside the ``ventes_pme`` package (never in the wheel nor the image):
``python -m tools.docs`` regenerates the deliverables of docs/, :mod:`tools.browser` drives
a headless Chromium through Playwright (report checks and screenshots)."""
