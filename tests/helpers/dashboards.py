"""The villages of the ``country`` fixture (``tests/conftest.py``) that the
dashboards are computed over."""

# (code, worker potential, active participants of the latest report or None)
TANGERANG = [
    ("36.03.06.2001", 1000, 950),  # 95.0%: qualifying
    ("36.03.06.2003", 1000, 800),  # 80.0%
    ("36.03.06.2007", 1000, 899),  # 89.9%
    ("36.03.06.2009", 1000, 600),  # 60.0%
    ("36.03.06.2011", 1000, 100),  # 10.0%
    ("36.03.06.2018", 4615, 4200),  # Kresek, 91.0%: designated
    ("36.03.07.2001", 2000, None),  # Kronjo: no report yet
    ("36.03.07.2002", 3000, 2790),  # 93.0%: designated, then at risk
    ("36.03.07.2006", 500, 499),  # 99.8%
]
SERANG = [("36.04.15.2001", 1500, 1400), ("36.04.15.2002", 800, 100)]
BANDUNG = [("32.04.05.2001", 2500, 2400)]
