"""The desktop viewer and the command line. Only this package knows Qt."""
