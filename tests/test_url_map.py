"""Every address stays where it is: `/verify/<token>` is printed on paper, and officers
keep bookmarks. The file beside this test is the map as it stood before the code moved
into one package per area, and each address added since; endpoint names may change,
the addresses and methods may not.
"""

from pathlib import Path

URL_MAP = Path(__file__).with_name("url_map.txt")


def url_map(app):
    rules = sorted(
        (str(rule.rule), ",".join(sorted(rule.methods - {"HEAD", "OPTIONS"})))
        for rule in app.url_map.iter_rules()
    )
    return [f"{address}  {methods}" for address, methods in rules]


def test_every_address_and_method_is_unchanged(app):
    assert url_map(app) == URL_MAP.read_text().splitlines()
