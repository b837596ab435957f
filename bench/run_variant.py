"""`aftercare run` as the HTTP benchmarks vary it, never for a real bot:

- `--without-limits`: Telegram's send limits lifted, to show what the bot itself costs once
  the rate limiter (which a burst above Telegram's limits waits on by design) is out of
  the way;
- `--http-version 2`: both HTTP clients speak HTTP/2 to the Bot API. Not a setting of the
  bot: measured side by side it saved no latency and no CPU (README, "Speed and scale").

    python bench/run_variant.py [--without-limits] [--http-version 2]   # environment as for
                                                                         # `aftercare run`
"""

from __future__ import annotations

import argparse
import sys

from bot.cli import main
from bot.telegram import application
from bot.telegram.limits import SendLimits

LIFTED = {"overall_per_second": 100_000, "private_burst": 100_000, "group_per_minute": 100_000}

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--without-limits", action="store_true")
    parser.add_argument("--http-version", choices=["1.1", "2"], default="1.1")
    options = parser.parse_args()
    # The defaults `aftercare run` builds with, changed before it reads them.
    if options.without_limits:
        limits = SendLimits.__init__.__kwdefaults__
        assert limits is not None
        limits.update(LIFTED)
    building = application.build_application.__kwdefaults__
    assert building is not None
    building["http_version"] = options.http_version
    sys.argv = ["aftercare", "run"]
    main()
