"""A job module no test imports: the worker's own process imports it at its first job (helpdesk.worker)."""


def trivial(n):
    return {"n": n}
