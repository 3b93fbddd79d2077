"""Category schemes (UK, Project VIC) loaded from ``resources/schemes``.

A scheme lists its categories with the key that grades them, a colour and a
severity (higher is more severe). Codes found in hash lists are mapped onto a
scheme through the scheme's public aliases and, for codes that are not public
(such as CAID's numeric codes), through the user's settings::

    {"category_maps": {"uk": {"1": "A", "2": "B"},
                       "projectvic->uk": {"1": null}}}

Nothing is guessed: a code that maps to nothing stays unmapped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from triage_app.config.resources import resources_dir
from triage_app.config.settings import load_settings
from triage_app.domain.options import SCHEME_IDS


@dataclass(frozen=True, slots=True)
class Category:
    """One category of a scheme."""

    code: str
    label: str
    description: str
    key: str
    colour: str
    severity: int
    indecent: bool


@dataclass(frozen=True, slots=True)
class Scheme:
    """A grading scheme."""

    id: str
    name: str
    categories: tuple[Category, ...]
    aliases: dict[str, str]

    def get(self, code: str) -> Category:
        """The category with this exact code."""
        for cat in self.categories:
            if cat.code == code:
                return cat
        raise KeyError(f"{code!r} is not a category of the {self.id} scheme")

    def codes(self) -> list[str]:
        """All codes, most severe first."""
        return [c.code for c in sorted(self.categories, key=lambda c: -c.severity)]

    def severity(self, code: str) -> int:
        """Severity of a code (higher is more severe)."""
        return self.get(code).severity

    def most_severe(self, codes: list[str]) -> str:
        """The most severe of ``codes``."""
        if not codes:
            raise ValueError("no codes")
        return max(codes, key=self.severity)

    def by_key(self, key: str) -> Category | None:
        """The category graded by a keyboard key, if any."""
        for cat in self.categories:
            if cat.key.lower() == key.lower():
                return cat
        return None

    def normalise(self, code: str) -> str | None:
        """Map a code written in this scheme's public vocabulary to a category code."""
        text = code.strip()
        if any(c.code == text for c in self.categories):
            return text
        upper = text.upper()
        if any(c.code == upper for c in self.categories):
            return upper
        return self.aliases.get(upper)


def _parse(data: dict[str, Any]) -> Scheme:
    cats = tuple(
        Category(
            code=str(c["code"]),
            label=str(c["label"]),
            description=str(c.get("description", "")),
            key=str(c["key"]),
            colour=str(c["colour"]),
            severity=int(c["severity"]),
            indecent=bool(c.get("indecent", False)),
        )
        for c in data["categories"]
    )
    codes = [c.code for c in cats]
    if len(set(codes)) != len(codes):
        raise ValueError(f"scheme {data.get('id')}: duplicate codes")
    keys = [c.key.lower() for c in cats]
    if len(set(keys)) != len(keys):
        raise ValueError(f"scheme {data.get('id')}: two categories share a key")
    aliases = {str(k).upper(): str(v) for k, v in data.get("aliases", {}).items()}
    unknown = set(aliases.values()) - set(codes)
    if unknown:
        raise ValueError(f"scheme {data.get('id')}: aliases point to unknown codes {unknown}")
    return Scheme(id=str(data["id"]), name=str(data["name"]), categories=cats, aliases=aliases)


@cache
def load_scheme(scheme_id: str) -> Scheme:
    """Load a scheme by id from the resources folder."""
    if scheme_id not in SCHEME_IDS:
        raise KeyError(f"unknown scheme {scheme_id!r}; known: {', '.join(SCHEME_IDS)}")
    path = resources_dir() / "schemes" / f"{scheme_id}.json"
    return _parse(json.loads(path.read_text(encoding="utf-8")))


def configured_maps() -> dict[str, dict[str, str | None]]:
    """Category maps from the user's settings (codes that are not public)."""
    raw = load_settings().get("category_maps", {})
    if not isinstance(raw, dict):
        return {}
    return {
        str(k): {str(a): (None if b is None else str(b)) for a, b in v.items()}
        for k, v in raw.items()
        if isinstance(v, dict)
    }


def map_list_code(code: str | None, list_scheme: str | None, case_scheme: str) -> str | None:
    """Map a category code from a hash list onto the case's scheme, or None if unmapped.

    ``list_scheme`` is the scheme the list was written in (None when unknown:
    then the code is read in the case's own vocabulary).
    """
    if code is None or not code.strip():
        return None
    target = load_scheme(case_scheme)
    source = list_scheme or case_scheme
    maps = configured_maps()
    if source == case_scheme:
        direct = maps.get(case_scheme, {})
        if code.strip() in direct:
            mapped = direct[code.strip()]
            return target.normalise(mapped) if mapped is not None else None
        return target.normalise(code)
    cross = maps.get(f"{source}->{case_scheme}", {})
    try:
        source_code = load_scheme(source).normalise(code) or code.strip()
    except KeyError:
        source_code = code.strip()
    mapped = cross.get(source_code)
    return target.normalise(mapped) if mapped is not None else None
