from marshmallow import Schema, fields


class MeSchema(Schema):
    id = fields.Int(dump_only=True)
    external_id = fields.Str(dump_only=True)
    role = fields.Str(dump_only=True)
    name = fields.Str(dump_only=True)
