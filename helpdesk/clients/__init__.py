"""What the desk knows of clients: coach assignments, daily goals, surveys, ratings, profits, vacations."""
