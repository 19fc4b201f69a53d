"""The catalogue: complete, consistent, documented and classified throughout."""

import json
import re
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

import contracts
from contracts.aftercare import AftercareDecided
from contracts.base import Record
from contracts.catalogue import CATALOGUE, contract_for
from contracts.classification import CLASSIFICATION_KEY
from contracts.cpr import Cpr
from contracts.deadlines import DeadlineSet, DeadlineSetV2
from contracts.legal import ActBasis
from contracts.person import PersonResolved
from contracts.proposal import MeasureProposed
from contracts.reporting import StatisticsReported
from routing.topics import DOMAINS
from tests.people import CHILD, MOTHER

CONTRACTS = list(CATALOGUE.values())

REQUIRED = [
    "NotificationReceived",
    "NotificationAssessed",
    "NotificationReceiptSent",
    "InquiryReceived",
    "CaseOpened",
    "CaseWorkerAssigned",
    "CaseClosed",
    "PersonLookupRequested",
    "PersonResolved",
    "PersonNotFound",
    "InvestigationStarted",
    "ChildHeard",
    "ProvisionalAssessmentRecorded",
    "InvestigationCompleted",
    "MeasureDecided",
    "PlanCreated",
    "PlanRevised",
    "CommitteeDecision",
    "MeasureStarted",
    "MeasureChanged",
    "FollowUpCompleted",
    "MeasureEnded",
    "DocumentFiled",
    "JournalNoteAdded",
    "LetterRequested",
    "LetterRequestedV2",
    "LetterDelivered",
    "LetterFailed",
    "CommitmentCreated",
    "PaymentScheduled",
    "CostEstimateUpdated",
    "CostEstimateUpdatedV2",
    "StatisticsReported",
    "StatisticsRejected",
    "AppealForwarded",
    "ArchiveRequested",
    "ArchivePackageBuilt",
    "HandoverStarted",
    "HandoverReceived",
    "HandoverAccepted",
    "HandoverRejected",
    "DeadlineSet",
    "DeadlineApproaching",
    "DeadlineMissed",
    "DeadlineMet",
    "DeadlineSetV2",
    "DeadlineApproachingV2",
    "DeadlineMissedV2",
    "DeadlineMetV2",
    "DeadlineWithdrawn",
    "MeasureProposed",
    "AftercareDecided",
    "MessageQuarantined",
    "MessageReplayed",
    "AuditRecorded",
]


def records_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in getattr(annotation, "__args__", ()) for m in records_in(arg)]


def all_fields(model: type[BaseModel], seen=None):
    seen = set() if seen is None else seen
    for name, field in model.model_fields.items():
        yield model, name, field
        for nested in records_in(field.annotation):
            if nested not in seen:
                seen.add(nested)
                yield from all_fields(nested, seen)


class TestCatalogue:
    def test_has_every_required_contract(self):
        names = {c.__name__ for c in CONTRACTS}
        assert set(REQUIRED) <= names
        assert len(CATALOGUE) >= 40

    def test_types_are_stable_dotted_past_tense_names(self):
        for (event_type, version), contract in CATALOGUE.items():
            assert re.fullmatch(r"dk\.casehub\.[a-z]+\.[a-z]+(-[a-z]+)*", event_type)
            assert version == contract.event_version
            assert contract_for(event_type, version) is contract

    def test_each_type_counts_its_versions_up_from_1_in_one_domain(self):
        versions: dict[str, list[int]] = {}
        for event_type, version in CATALOGUE:
            versions.setdefault(event_type, []).append(version)
        for event_type, found in versions.items():
            assert found == list(range(1, len(found) + 1)), event_type
            domains = {CATALOGUE[event_type, v].domain for v in found}
            assert len(domains) == 1, event_type

    def test_a_contract_class_is_one_version_of_one_type(self):
        assert len(set(CONTRACTS)) == len(CONTRACTS)

    def test_every_domain_has_a_topic_family_and_every_family_a_contract(self):
        assert {c.domain for c in CONTRACTS} == set(DOMAINS)

    def test_every_contract_is_documented(self):
        for contract in CONTRACTS:
            assert contract.__doc__
            assert contract.__doc__.strip().endswith(".")

    def test_every_field_at_every_depth_is_classified_and_described(self):
        for contract in CONTRACTS:
            for model, name, field in all_fields(contract):
                extra: Any = field.json_schema_extra
                assert isinstance(extra, dict), (model.__name__, name)
                assert CLASSIFICATION_KEY in extra, (model.__name__, name)
                assert field.description, (model.__name__, name)

    def test_personal_fields_are_left_out_of_repr(self):
        for contract in CONTRACTS:
            for model, name, field in all_fields(contract):
                extra: Any = field.json_schema_extra
                if extra[CLASSIFICATION_KEY] in {"personal", "sensitive"}:
                    assert field.repr is False, (model.__name__, name)

    def test_cpr_fields_are_personal(self):
        for contract in CONTRACTS:
            for model, name, field in all_fields(contract):
                if Cpr in (field.annotation, *getattr(field.annotation, "__args__", ())):
                    extra: Any = field.json_schema_extra
                    assert extra[CLASSIFICATION_KEY] == "personal", (model.__name__, name)

    def test_records_are_frozen_and_closed(self):
        for contract in CONTRACTS:
            for model, _, _ in all_fields(contract):
                if issubclass(model, Record):
                    assert model.model_config["extra"] == "forbid"
                    assert model.model_config["frozen"] is True
                    assert model.model_config["hide_input_in_errors"] is True

    def test_package_exports_every_contract_in_sorted_order(self):
        # ruff's RUF022 order: constants, then classes, then functions
        order = sorted(contracts.__all__, key=lambda n: (not n.isupper(), not n[0].isupper(), n))
        assert contracts.__all__ == order
        assert {c.__name__ for c in CONTRACTS} <= set(contracts.__all__)
        for name in contracts.__all__:
            assert hasattr(contracts, name)


def resolved(**changes):
    data = {
        "request_id": "r-1",
        "cpr": CHILD,
        "full_name": "Synthetic Child",
        "birth_date": "2016-03-14",
        "address_protected": False,
        "address": {
            "street": "Testvej 1",
            "postal_code": "9999",
            "city": "Testby",
            "municipality": "101",
        },
        "related": [{"cpr": MOTHER, "relation": "mother", "has_custody": True}],
    }
    data.update(changes)
    return PersonResolved.model_validate_json(json.dumps(data))


class TestPersonResolved:
    def test_an_unprotected_person_has_an_address(self):
        assert resolved().address is not None

    def test_a_protected_person_without_address_is_valid(self):
        assert resolved(address_protected=True, address=None).address is None

    def test_a_protected_person_with_an_address_is_rejected_without_quoting_it(self):
        with pytest.raises(ValidationError, match="must have no address") as caught:
            resolved(address_protected=True)
        assert "Testvej" not in str(caught.value)
        assert CHILD not in str(caught.value)


DEADLINE = {
    "deadline_id": "d-1",
    "rule_id": "bl-136-acute-assessment",
    "due_at": "2026-11-03T09:30:00+01:00",
    "escalate_at": "2026-11-03T06:00:00+01:00",
    "legal_basis": {"law": "BL", "paragraph": "136"},
    "trigger_event_id": "e-1",
}


class TestValidators:
    @pytest.mark.parametrize("contract", [DeadlineSet, DeadlineSetV2])
    def test_escalation_comes_before_the_due_time(self, contract):
        assert contract.model_validate_json(json.dumps(DEADLINE)).rule_id
        late = {**DEADLINE, "escalate_at": "2026-11-04T09:30:00+01:00"}
        with pytest.raises(ValidationError, match="escalate_at must not be later"):
            contract.model_validate_json(json.dumps(late))

    def test_a_v2_deadline_names_retssikkerhedsloven_and_the_data_order(self):
        appeal = {**DEADLINE, "legal_basis": {"law": "RSL", "paragraph": "67"}}
        assert str(DeadlineSetV2.model_validate_json(json.dumps(appeal)).legal_basis) == "RSL §67"
        report = {**DEADLINE, "legal_basis": {"law": "DATABEK"}}
        assert str(DeadlineSetV2.model_validate_json(json.dumps(report)).legal_basis) == "DATABEK"
        with pytest.raises(ValidationError):
            DeadlineSet.model_validate_json(json.dumps(appeal))  # v1 names SEL and BL only

    @pytest.mark.parametrize(
        ("basis", "shown"),
        [
            ({"law": "BL", "paragraph": "91", "stk": 2}, "BL §91 stk. 2"),
            ({"law": "SEL", "paragraph": "52", "stk": 3, "nr": 7}, "SEL §52 stk. 3 nr. 7"),
            ({"law": "RSL", "paragraph": "67"}, "RSL §67"),
            ({"law": "DATABEK"}, "DATABEK"),
            ({"law": "DATABEK", "paragraph": "3", "stk": 1}, "DATABEK §3 stk. 1"),
            ({"law": "RSL"}, None),  # an act is cited by paragraph
            ({"law": "DATABEK", "stk": 1}, None),
            ({"law": "BL", "paragraph": "32", "nr": 1}, None),
            ({"law": "XYZ", "paragraph": "1"}, None),
        ],
    )
    def test_an_act_basis_is_cited_in_order(self, basis, shown):
        if shown is None:
            with pytest.raises(ValidationError):
                ActBasis.model_validate_json(json.dumps(basis))
        else:
            assert str(ActBasis.model_validate_json(json.dumps(basis))) == shown

    def test_a_measure_is_not_decided_before_it_is_proposed(self):
        data = {
            "proposal_id": "p-1",
            "measure_id": "m-1",
            "proposed_at": "2026-11-03T09:30:00+01:00",
            "decision_planned_at": "2026-11-17T13:00:00+01:00",
            "kind": "placement_without_consent",
            "legal_basis": {"law": "BL", "paragraph": "47"},
            "consent": False,
            "reasoning": "Synthetic.",
        }
        assert MeasureProposed.model_validate_json(json.dumps(data)).measure_id == "m-1"
        early = {**data, "decision_planned_at": "2026-11-03T09:29:00+01:00"}
        with pytest.raises(ValidationError, match="decision_planned_at must not be earlier"):
            MeasureProposed.model_validate_json(json.dumps(early))

    @pytest.mark.parametrize(
        ("granted", "forms", "ok"),
        [
            (True, ["continued_stay"], True),
            (True, ["contact_person", "other_support"], True),
            (False, [], True),
            (True, [], False),
            (False, ["contact_person"], False),
            (True, ["contact_person", "contact_person"], False),
        ],
    )
    def test_aftercare_forms_are_given_when_granted(self, granted, forms, ok):
        data = {
            "decision_id": "a-1",
            "decided_at": "2026-11-03T09:30:00+01:00",
            "legal_basis": {"law": "SEL", "paragraph": "68", "stk": 12},
            "granted": granted,
            "forms": forms,
            "reasoning": "Synthetic.",
        }
        if ok:
            AftercareDecided.model_validate_json(json.dumps(data))
        else:
            with pytest.raises(ValidationError, match="forms lists the aftercare"):
                AftercareDecided.model_validate_json(json.dumps(data))

    @pytest.mark.parametrize(
        ("kind", "form", "code", "ok"),
        [
            ("placement", 1, 0, True),
            ("placement", 3, 6, True),
            ("placement", None, 0, False),
            ("placement", 2, None, False),
            ("notification", None, None, True),
            ("notification", 1, None, False),
            ("placement", 4, 0, False),
            ("placement", 1, 7, False),
        ],
    )
    def test_placement_reports_have_form_and_event_code(self, kind, form, code, ok):
        data = {
            "report_id": "rep-1",
            "kind": kind,
            "subject_id": "m-1",
            "reported_at": "2026-11-03T09:30:00+01:00",
            "format_version": "2026-07",
            "form": form,
            "event_code": code,
            "event_date": "2026-11-01",
            "legal_basis": {"law": "BL", "paragraph": "46"},
        }
        if ok:
            StatisticsReported.model_validate_json(json.dumps(data))
        else:
            with pytest.raises(ValidationError):
                StatisticsReported.model_validate_json(json.dumps(data))
