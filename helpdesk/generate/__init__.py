"""`helpdesk generate`: fill an empty database with a realistic program, fast (COPY on PostgreSQL), so that
anyone can reproduce the scale figures in bench/RESULTS.md."""
