"""`aftercare run` with Telegram's send limits lifted: a diagnostic for the HTTP benchmarks,
never for a real bot. It shows what the bot itself costs once the rate limiter (which a
burst above Telegram's limits waits on by design) is out of the way.

    python bench/run_without_limits.py      # same environment as `aftercare run`
"""

from __future__ import annotations

import sys

from bot.cli import main
from bot.telegram.limits import SendLimits

LIFTED = {"overall_per_second": 100_000, "private_burst": 100_000, "group_per_minute": 100_000}

if __name__ == "__main__":
    defaults = SendLimits.__init__.__kwdefaults__
    assert defaults is not None
    defaults.update(LIFTED)
    sys.argv = ["aftercare", "run"]
    main()
