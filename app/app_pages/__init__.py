"""The app's pages: each gathers widget input, calls one or two ``graph`` functions, shows the result."""
