"""`python -m sinch_auth …` runs the `sinch-auth` command."""

from ._cli import main

if __name__ == "__main__":
    main()
