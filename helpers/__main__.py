"""`python -m helpers …`: the course's command line (`helpers.instructor.cli`)."""
import sys

try:
    from helpers.instructor.cli import main
except ValueError as error:  # a malformed environment variable, such as $COURSE_SEED, named in the message
    sys.exit(f"error: {error}")
sys.exit(main())
