"""Generated and hostile requests to every route, as every kind of user.

The routes come from ``app.url_map`` (every rule and method, so that a new route is
fuzzed without touching these files). Their arguments, their forms (with the CSRF
token) and their query parameters come from the app's own pages, crawled as each
user, and from the query parameters the code reads. The values mix real region
codes, ids, numbers and dates with hostile ones. Whatever is sent: no answer is a
5xx, no GET writes a row, and afterwards every row still obeys the programme's rules.

Hypothesis is derandomized, so a failure reproduces; each test has one database,
built once, that the examples share as a real server's database would.

- ``world``: the villages, users and designations the requests land in;
- ``site``: a user's session, and what crawling the pages finds;
- ``drawing``: values, real and hostile, and the requests drawn from them;
- ``row_rules``: the rules every row obeys, checked over the whole database;
- ``test_every_route``: the tests.
"""
