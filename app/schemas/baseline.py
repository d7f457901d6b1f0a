"""A municipality's baseline as a client sends it: one model for the admin HTTP call
(`PUT /statistics/baselines/{ags}`) and the CLI (`klimawerk baseline set`)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app.domain.validation import control_character_problem

# The climate range of the DWA-M 102-4 regressions (app/domain/m102_4_elements.json): a
# baseline outside it could not be used to compute any measure's effect.
PRECIPITATION_MM = (500.0, 1700.0)
ETP_MM = (450.0, 700.0)
Text = Field(default=None, min_length=1, max_length=500)


class BaselineInput(BaseModel):
    """Fields of a baseline; only those sent change (a partial update)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    sealed_area_m2: float | None = Field(default=None, ge=1.0, le=2e9)
    sealed_source: str | None = Text
    sealed_year: int | None = Field(default=None, ge=1990, le=2100)
    evaporation_rate: float | None = Field(default=None, ge=0.0, le=1.0)
    evaporation_source: str | None = Text
    precipitation_mm: float | None = Field(
        default=None, ge=PRECIPITATION_MM[0], le=PRECIPITATION_MM[1]
    )
    precipitation_source: str | None = Text
    etp_mm: float | None = Field(default=None, ge=ETP_MM[0], le=ETP_MM[1])
    climate_source: str | None = Text
    reference_runoff: float | None = Field(default=None, ge=0.0, le=1.0)
    reference_infiltration: float | None = Field(default=None, ge=0.0, le=1.0)
    reference_evaporation: float | None = Field(default=None, ge=0.0, le=1.0)
    reference_source: str | None = Text
    is_demo: bool | None = None

    @field_validator(
        "sealed_source",
        "evaporation_source",
        "precipitation_source",
        "climate_source",
        "reference_source",
    )
    @classmethod
    def _plain_text(cls, value: str | None) -> str | None:
        if value is not None and (problem := control_character_problem(value)):
            raise ValueError(problem)
        return value

    @model_validator(mode="after")
    def _sources(self) -> BaselineInput:
        sent = self.model_fields_set
        if self.sealed_area_m2 is not None and not self.sealed_source:
            raise ValueError("a sealed area needs its source (sealed_source)")
        climate = {"precipitation_mm", "etp_mm"} & sent
        if climate and not (self.climate_source or self.precipitation_source):
            raise ValueError("precipitation and ETp need their source (climate_source)")
        reference = {"reference_runoff", "reference_infiltration", "reference_evaporation"}
        if reference & sent:
            shares = [getattr(self, name) for name in sorted(reference)]
            if any(s is None for s in shares) or not self.reference_source:
                raise ValueError(
                    "a reference split needs reference_runoff, reference_infiltration, "
                    "reference_evaporation and reference_source together"
                )
            if abs(sum(shares) - 1.0) > 0.001:
                raise ValueError(f"the reference shares sum to {sum(shares):g}, not 1")
        return self

    def changes(self) -> dict[str, Any]:
        """The fields sent, and only those: what an update changes (an `is_demo` of
        null leaves the mark as it is)."""
        values = self.model_dump(exclude_unset=True)
        if values.get("is_demo", False) is None:
            del values["is_demo"]
        return values

    @property
    def changes_climate(self) -> bool:
        """Whether measures' impacts depend on what changes."""
        return bool(
            {"precipitation_mm", "etp_mm", "reference_runoff", "reference_source"}
            & self.model_fields_set
        )
