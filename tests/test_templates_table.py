"""Every message template matches its own sample lines, read through the real prefix parser of
the template file's `sample_format`, and yields typed facts."""
from __future__ import annotations

import pytest

from swandiag.parse import templates as T
from swandiag.parse.event import Daemon, Event, LogFormat
from swandiag.parse.formats import MODULES

TABLE = T.load()
ALL = sorted(TABLE.templates.values(), key=lambda t: t.id)


def _parser_for(fmt_name: str):
    fmt = LogFormat(fmt_name)
    for module in MODULES:
        if fmt in getattr(module, "FORMATS", ()):
            return module.make_parser(fmt, {})
    pytest.skip(f"no prefix parser for {fmt_name} yet")


def _event_of(line: str, template: T.Template) -> Event:
    """Split a sample line with the real prefix parser into an Event (fields: see formats.base)."""
    fields = _parser_for(template.sample_format).parse(line)
    assert isinstance(fields, tuple), f"{template.id}: prefix parser rejected sample {line!r}"
    daemon = fields[2] if isinstance(fields[2], Daemon) else Daemon(template.daemon)
    return Event(input=0, line=1, offset=0, ts=None, text=fields[9], daemon=daemon, group=fields[5])


def _cases():
    for t in ALL:
        for line in t.samples + t.derived:
            yield pytest.param(t, line, id=f"{t.id}:{line[-40:]}")


@pytest.mark.parametrize("template", ALL, ids=lambda t: t.id)
def test_every_template_has_a_sample(template):
    assert template.samples or template.derived, f"{template.source}: {template.id} has no sample"


@pytest.mark.parametrize(("template", "line"), list(_cases()))
def test_sample_matches_its_template(template, line):
    event = _event_of(line, template)
    kind = T.classify(event)
    assert kind == template.id, f"{line!r} classified as {kind!r}"
    for name, kind_name in template.types.items():
        value = (event.facts or {}).get(name)
        if value is None:
            continue
        expected = {"int": int, "payloads": list, "proposals": list, "ts": list,
                    "endpoint": list, "idpair": list}.get(kind_name, str)
        assert isinstance(value, expected), f"{template.id}.{name} = {value!r} is not {kind_name}"


def test_most_charon_templates_have_real_samples():
    charon = [t for t in ALL if t.daemon == "charon"]
    real = [t for t in charon if t.samples]
    assert len(charon) >= 140
    assert len(real) >= 100, f"only {len(real)} charon templates carry a real line"


def test_observation_codes_are_documented():
    doc = (T.Path(__file__).parents[1] / "docs" / "templates.md").read_text(encoding="utf-8")
    missing = sorted(c for c in T.observation_codes() if f"`{c}`" not in doc)
    assert not missing, f"observation codes missing from docs/templates.md: {missing}"
