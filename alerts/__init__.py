"""Alerts: rules from regwatch.toml, an outbox written with the events, delivery through Apprise.

```toml
[[alerts]]
name = "cac-figures"                       # default "rule-N"
notify = ["mailto://user:pass@mail.example.org?to=desk@example.org",
          "json://hooks.example.org/regwatch"]          # any Apprise URL
on = ["figure_reported", "platform_named"]  # event kinds; default all
sources = ["cac-*"]                         # fnmatch patterns
platforms = ["quark", "douyin"]             # registry ids (diffing/data/platforms.toml)
metrics = ["websites_summoned"]
keywords = ["網絡直播"]                      # Traditional or Simplified, any case
min_change_percent = 10
digest = "none"                             # or "hourly", "daily" (UTC buckets)
language = "both"                           # "zh", "en" or "both"
template = "alert.j2"                       # optional; a file beside regwatch.toml or inline
baseline = false                            # alert on a new source's first crawl too

[[expectations]]                            # see alerts.expectations
source = "cac-wxfb"
title_pattern = "网络执法工作情况"
by = "02-28"

[service]                                   # see alerts.settings
unhealthy_after = 3
withdrawn_after = 3
delivery_failing_after = 3
deliver_every = "1m"
```

The flow: the archive pipeline writes a notice version, its change events
(:mod:`storage.analysis`) and the outbox rows of the rules they match (:mod:`alerts.outbox`) in
one transaction; after each crawl the service adds health, overdue and withdrawn events
(:mod:`alerts.health`); :mod:`alerts.delivery` sends what is due and marks it.
"""
