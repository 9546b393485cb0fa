"""``python -m viewer`` is the same as the ``encyclopedia`` command."""

import gc
import sys

# No garbage collection while the command line loads: the window's start makes
# many objects that live as long as it does, and looking among them for garbage
# is wasted work. viewer.cli.main decides when collection comes back on.
gc.disable()

from viewer.cli import main  # noqa: E402 (after the line above, on purpose)

sys.exit(main())
