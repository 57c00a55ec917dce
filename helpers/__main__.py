"""`python -m helpers …`: the course's command line (`helpers.instructor.cli`)."""
import sys
from helpers.instructor.cli import main
sys.exit(main())
