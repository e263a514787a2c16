from tortoise import fields
from tortoise.models import Model


class Engagement(Model):
    """One engagement of an insured person with one employer, as the core system reports it.

    Kept by national ID, not by account: people have records before they register, and
    their record shows once they do.
    """

    id = fields.UUIDField(primary_key=True)
    # The core system's key: imports replace an engagement by it.
    engagement_id = fields.CharField(max_length=64, unique=True)
    national_id = fields.CharField(max_length=10, db_index=True)
    employer_registration_number = fields.CharField(max_length=32)
    employer_name_ar = fields.CharField(max_length=200)
    employer_name_en = fields.CharField(max_length=200)
    start_date = fields.DateField()
    end_date = fields.DateField(null=True)
    occupation = fields.CharField(max_length=200, null=True)
    # Any of "ANNUITIES", "OCCUPATIONAL_HAZARDS", "UNEMPLOYMENT".
    branches: fields.Field[list] = fields.JSONField()
    # [{"from": "YYYY-MM-DD", "basic": "8000.00", "housing": "2000.00"}, ...], oldest first;
    # amounts are strings so they stay exact Decimals.
    wages: fields.Field[list] = fields.JSONField()
    imported_at = fields.DatetimeField()

    class Meta:
        table = "engagement"
        indexes = (("national_id", "start_date"),)
