"""One module per subcommand, each with ``run(args) -> int``.

They are imported only when their subcommand runs, so ``encyclopedia toc``
never pays for Qt, and ``encyclopedia open`` never pays for Whoosh up front.
"""
