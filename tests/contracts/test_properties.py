"""Properties every contract in the catalogue has, checked on generated instances."""

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from contracts.base import Contract
from contracts.binding import from_kafka, to_kafka
from contracts.catalogue import CATALOGUE
from contracts.classification import CLASSIFICATION_KEY, Classification
from contracts.envelope import new_event
from tests.contracts.strategies import MARK, contract_documents, contract_instances, marked_text

CONTRACTS = list(CATALOGUE.values())
ids = [f"{c.event_type}@v{c.event_version}" for c in CONTRACTS]
by_contract = pytest.mark.parametrize("contract", CONTRACTS, ids=ids)
enough = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def personal_strings(model: BaseModel) -> set[str]:
    """Marked free text and CPR digits held in personal or sensitive fields, nested too."""
    found: set[str] = set()
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        extra: Any = field.json_schema_extra
        level = Classification(extra[CLASSIFICATION_KEY])
        if level.rank >= Classification.PERSONAL.rank:
            found |= {s for s in leaves(model.model_dump(mode="json")[name]) if is_telling(s)}
        for nested in value if isinstance(value, tuple) else (value,):
            if isinstance(nested, BaseModel):
                found |= personal_strings(nested)
    return found


def leaves(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in leaves(v)]
    if isinstance(value, list):
        return [s for v in value for s in leaves(v)]
    return []


def is_telling(text: str) -> bool:
    digits = text.replace("-", "")
    return MARK in text or (len(digits) == 10 and digits.isdigit())


def spoil(document: Any, secrets: set[str]) -> Any:
    """Make every secret string too long for its field (max_length is at most 100,000)."""
    if isinstance(document, str):
        return document + MARK * 60_000 if document in secrets else document
    if isinstance(document, dict):
        return {k: spoil(v, secrets) for k, v in document.items()}
    if isinstance(document, list):
        return [spoil(v, secrets) for v in document]
    return document


def add_unknown(document: Any) -> tuple[Any, int]:
    """Add an unknown member to every object; return the copy and how many objects."""
    if isinstance(document, dict):
        count, copy = 1, {}
        for key, value in document.items():
            copy[key], inner = add_unknown(value)
            count += inner
        copy["zz_unknown"] = 1
        return copy, count
    if isinstance(document, list):
        results = [add_unknown(v) for v in document]
        return [r for r, _ in results], sum(n for _, n in results)
    return document, 0


@by_contract
@enough
@given(data=st.data())
def test_round_trips_through_json(contract: type[Contract], data):
    instance = data.draw(contract_instances(contract))
    assert contract.model_validate_json(instance.model_dump_json()) == instance


@by_contract
@enough
@given(data=st.data())
def test_round_trips_through_the_kafka_binding(contract: type[Contract], data):
    instance = data.draw(contract_instances(contract))
    event = new_event(instance, source="urn:casehub:test", municipality="101", case_id="C-1")
    record = to_kafka(event)
    back = from_kafka(record.headers, record.value)
    assert back.data == instance
    assert back.envelope.classification is contract.classification()


@by_contract
@enough
@given(data=st.data())
def test_personal_values_never_shown_in_repr_str_or_errors(contract: type[Contract], data):
    instance = data.draw(contract_instances(contract, marked_text))
    secrets = personal_strings(instance)
    shown = [repr(instance), str(instance), f"{instance!r}"]
    document = json.loads(instance.model_dump_json())
    with pytest.raises(ValidationError) as caught:
        contract.model_validate_json(json.dumps({**spoil(document, secrets), "zz_unknown": 1}))
    shown += [str(caught.value), json.dumps(caught.value.errors(include_input=False))]
    for secret in secrets:
        for text in shown:
            assert secret not in text


@by_contract
@enough
@given(data=st.data())
def test_spoiled_personal_fields_are_reported_by_location(contract: type[Contract], data):
    instance = data.draw(contract_instances(contract, marked_text))
    secrets = personal_strings(instance)
    free_text = {s for s in secrets if MARK in s}
    if not free_text:
        return  # this draw holds no personal free text to spoil
    document = json.loads(instance.model_dump_json())
    with pytest.raises(ValidationError) as caught:
        contract.model_validate_json(json.dumps(spoil(document, free_text)))
    kinds = {e["type"] for e in caught.value.errors()}
    # A field bounded by max_length reports string_too_long; an id bounded only by its
    # pattern (RecordId: at most 64 characters) reports string_pattern_mismatch.
    assert kinds & {"string_too_long", "string_pattern_mismatch"}
    assert kinds <= {"string_too_long", "string_pattern_mismatch", "too_short"}


@by_contract
@enough
@given(data=st.data())
def test_unknown_fields_rejected_at_every_level(contract: type[Contract], data):
    instance = data.draw(contract_instances(contract))
    document, objects = add_unknown(json.loads(instance.model_dump_json()))
    with pytest.raises(ValidationError) as caught:
        contract.model_validate_json(json.dumps(document))
    kinds = [e["type"] for e in caught.value.errors()]
    assert kinds.count("extra_forbidden") == objects


@by_contract
@enough
@given(data=st.data())
def test_contracts_are_frozen(contract: type[Contract], data):
    instance = data.draw(contract_instances(contract))
    name = next(iter(contract.model_fields))
    with pytest.raises(ValidationError, match="frozen"):
        setattr(instance, name, getattr(instance, name))


@by_contract
def test_documents_drawn_from_the_schema_are_often_valid(contract: type[Contract]):
    """Guards the strategies: a contract no draw can satisfy would hide behind the filter."""
    valid = 0

    # The same draws every run: about one schema draw in seventeen satisfies NotificationReceived
    # (its validator pairs `unborn` with which CPR number is given; the schema cannot say so),
    # so sixty random draws found none in about one run in ten. A strategy that can never
    # satisfy a contract still finds none.
    @settings(max_examples=60, deadline=None, database=None, derandomize=True)
    @given(contract_documents(contract))
    def count(document):
        nonlocal valid
        try:
            contract.model_validate_json(json.dumps(document))
            valid += 1
        except ValidationError:
            pass

    count()
    assert valid >= 1
