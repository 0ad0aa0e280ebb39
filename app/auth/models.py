from flask_login import UserMixin

from ..extensions import db

user_roles = db.Table(
    "user_role",
    db.Column("user_id", db.ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True),
    db.Column("role_code", db.ForeignKey("role.code"), primary_key=True),
)


class Role(db.Model):
    __tablename__ = "role"
    code = db.Column(db.String(64), primary_key=True)
    name_zh = db.Column(db.String(64), nullable=False)
    name_en = db.Column(db.String(64), nullable=False)
    # Holders of an overseeing role see every queue and may reassign (the supervisor role).
    oversees_queues = db.Column(db.Boolean, nullable=False, default=False)
    # Holders may deploy processes and edit node configuration.
    designs_processes = db.Column(db.Boolean, nullable=False, default=False)


class User(UserMixin, db.Model):
    __tablename__ = "app_user"
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(64), nullable=False, unique=True)
    display_name = db.Column(db.String(128), nullable=False)
    password_hash = db.Column(db.String(255), nullable=False)
    active = db.Column(db.Boolean, nullable=False, default=True)
    roles = db.relationship(Role, secondary=user_roles, lazy="selectin")

    @property
    def role_codes(self):
        return frozenset(r.code for r in self.roles)

    @property
    def is_active(self):
        return self.active
