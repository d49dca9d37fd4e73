"""One shape for every API list: `{"items", "page", "pages", "total", "per_page"}`, and one `page` argument.

Every list endpoint declares `@blp.arguments(PageArgs, location="query")` (or a schema built on it) and
`@blp.response(200, page_of(ItemSchema))`, and returns `page_body(...)`. `page` is bounded so that a huge
number is a 422 naming `page`, never an OFFSET the database cannot hold.
"""

from marshmallow import Schema, fields, validate

MAX_PAGE = 100_000

_page_schemas: dict[type, type[Schema]] = {}


class PageArgs(Schema):
    """`?page=N`, 1 to 100,000."""

    page = fields.Int(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))


class PageNumbers:
    """What a pager needs from one page of a list: `page`, `per_page` and `total` give the rest (the same
    names as Flask-SQLAlchemy's Pagination, so templates/_pager.html serves every list)."""

    page: int
    per_page: int | None
    total: int

    @property
    def pages(self) -> int:
        """How many pages the list fills (at least one)."""
        return max(1, -(-self.total // self.per_page)) if self.per_page else 1

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def page_of(item_schema: type[Schema]) -> type[Schema]:
    """The page schema whose `items` are `item_schema` (one class per item schema, so OpenAPI names it once)."""
    if item_schema not in _page_schemas:
        name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
        _page_schemas[item_schema] = Schema.from_dict({
            "items": fields.List(fields.Nested(item_schema), required=True),
            "page": fields.Int(required=True),
            "pages": fields.Int(required=True),
            "total": fields.Int(required=True),
            "per_page": fields.Int(required=True),
        }, name=name)
    return _page_schemas[item_schema]


def page_body(items, page: int, total: int, per_page: int) -> dict:
    """The body of one page of `items` (already the objects the item schema dumps)."""
    return {"items": list(items), "page": page, "pages": max(1, -(-total // per_page)), "total": total,
            "per_page": per_page}


def paginate_body(stmt, page: int, per_page: int, item=lambda row: row) -> dict:
    """Run `stmt` for one page and return its body; `item` turns each row into what the item schema dumps."""
    from helpdesk.extensions import db

    result = db.paginate(stmt, page=page, per_page=per_page, error_out=False)
    return page_body([item(row) for row in result.items], page, result.total or 0, per_page)
