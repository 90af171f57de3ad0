"""What the command-line tool's Python tests share: checks that gather their failures (a test
goes on after one, to report them all), and the exit status that reports them."""
import sys

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL:", message)


def finish():
    """Prints the count and exits: 1 if any check failed."""
    print(f"{len(failures)} failure(s)")
    sys.exit(1 if failures else 0)
