"""`helpdesk demo`: a generated, realistic program to look around in."""
